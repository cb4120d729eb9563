"""The certified oracle against independent references."""

from __future__ import annotations

import random
import time
from decimal import Context, Decimal, localcontext
from fractions import Fraction

import flint
import ml_dtypes
import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.arith.arb import precision
from symbolic.errors import SymbolicError
from symbolic.functions import expand_definitions, sigmoid
from symbolic.language.parser import X, parse
from symbolic.numbers import oracle
from symbolic.numbers.enclosure import enclose, prepare
from tests.references import (
    all_finite,
    decimal_sigmoid,
    enclosure,
    is_correctly_rounded,
    round_significant,
    sigmoid_enclosure,
)


def _reference_points() -> list[str]:
    rng = random.Random(20261124)
    points = ["0", "1", "-1", "2", "-2", "3", "0.5", "37.43", "-37.43", "1e4", "-1e4",
              "9999.5", "-9876.54321", "1e-30", "-1e-30", "1e-300", "7e-12", "-4.4e-5",
              "700", "-745.5", "800", "-800", "20", "-20.25"]  # fmt: skip
    while len(points) < 230:
        mantissa = rng.randint(1, 10 ** rng.randint(1, 12))
        exponent = rng.randint(-25, 3)
        sign = rng.choice(["", "-"])
        candidate = f"{sign}{mantissa}e{exponent}"
        if abs(Decimal(candidate)) <= 10**4:
            points.append(candidate)
    return points


POINTS = _reference_points()


@pytest.mark.parametrize("order", [0, 1])
def test_sixty_digits_agree_with_the_decimal_module(order: int) -> None:
    assert len(POINTS) >= 200
    for x in POINTS:
        got = Decimal(oracle.value("sigmoid(x)", x, digits=60, order=order))
        want = round_significant(decimal_sigmoid(Decimal(x), order), 60)
        assert got == want, (x, got, want)


def test_ten_thousand_digits() -> None:
    got = oracle.value("exp(x)", "1", digits=10_000)
    with localcontext(Context(prec=10_030)):
        want = round_significant(Decimal(1).exp(), 10_000)
    assert Decimal(got) == want
    got_prime = oracle.value("diff(sigmoid(x), x)", "1", digits=10_000)
    want_prime = round_significant(decimal_sigmoid(Decimal(1), 1, prec=10_030), 10_000)
    assert Decimal(got_prime) == want_prime


def test_no_underflow_far_out() -> None:
    got = oracle.value("sigmoid", "-800", digits=30, order=1)
    assert got.startswith("3.66787458417768721345549565426e-348")
    want = round_significant(decimal_sigmoid(Decimal(-800), 1), 30)
    assert Decimal(got) == want


def test_exact_values_print_exactly() -> None:
    assert oracle.value("sigmoid", "0", digits=30) == "0.5"
    assert oracle.value("sigmoid", "0", digits=30, order=1) == "0.25"
    assert oracle.value("sigmoid", "0", digits=30, order=2) == "0"
    assert oracle.value("x/8", "1", digits=5) == "0.125"
    assert oracle.value("x/3", "1", digits=5) == "0.33333"


def test_inputs_are_taken_at_their_exact_value() -> None:
    as_float = oracle.value("sigmoid", 0.1, digits=40)
    exact_binary = str(Fraction(0.1).numerator * 10**55 // Fraction(0.1).denominator)
    assert exact_binary.startswith("1000000000000000055511151231257827")
    binary_value = "0.1000000000000000055511151231257827021181583404541015625"
    assert as_float == oracle.value("sigmoid", binary_value, digits=40)
    assert as_float != oracle.value("sigmoid", "0.1", digits=40)
    assert oracle.value("sigmoid", Fraction(1, 10), digits=40) == oracle.value(
        "sigmoid", "0.1", digits=40
    )
    assert oracle.value("sigmoid", np.float32(0.1), digits=30) == oracle.value(
        "sigmoid", float(np.float32(0.1)), digits=30
    )
    assert oracle.value("sigmoid", mpmath.mpf(0.25), digits=30) == oracle.value(
        "sigmoid", "0.25", digits=30
    )
    log3 = oracle.value("sigmoid", "log(3)", digits=30)
    assert Decimal(log3) == round_significant(Decimal("0.75"), 30)


def test_bad_points_are_clear_errors() -> None:
    for expr, x in [("log(x)", "-1"), ("sigmoid", "nan"), ("sigmoid", "oo"), ("1/x", "0"),
                    ("acosh(x)", "0.5"), ("sigmoid", float("inf")), ("sigmoid", "x")]:  # fmt: skip
        with pytest.raises(SymbolicError):
            oracle.value(expr, x)
    with pytest.raises(SymbolicError):
        oracle.value("sigmoid", "1", digits=10**9)


# ------------------------------------------------------------------ closed forms

A163626 = [
    [1],
    [1, -1],
    [1, -3, 2],
    [1, -7, 12, -6],
    [1, -15, 50, -60, 24],
    [1, -31, 180, -390, 360, -120],
    [1, -63, 602, -2100, 3360, -2520, 720],
]


def test_derivative_coefficients_are_the_oeis_rows() -> None:
    from symbolic.functions.sigmoid import (
        derivative_coefficients as sigmoid_derivative_coefficients,
    )

    for n, row in enumerate(A163626):
        assert list(sigmoid_derivative_coefficients(n))[1:] == row


def test_taylor_coefficients() -> None:
    from symbolic.functions.sigmoid import taylor_coefficients

    expected = [Fraction(1, 2), Fraction(1, 4), 0, Fraction(-1, 48), 0, Fraction(1, 480), 0,
                Fraction(-17, 80640)]  # fmt: skip
    assert taylor_coefficients(7) == expected


def test_taylor_series_sums_to_sigma() -> None:
    from symbolic.functions.sigmoid import taylor_coefficients

    coefficients = taylor_coefficients(61)
    x = Fraction(1, 10)
    partial = sum(c * x**k for k, c in enumerate(coefficients))
    want = Fraction(decimal_sigmoid(Decimal("0.1")))
    assert abs(partial - want) < Fraction(1, 10**55)  # the next term is below (0.1/π)^62


def test_zeros_of_the_second_and_third_derivatives() -> None:
    from symbolic.functions.sigmoid import derivative_zeros as sigmoid_derivative_zeros

    (second,) = sigmoid_derivative_zeros(2)
    assert second.exact == 0
    third = sigmoid_derivative_zeros(3)
    with localcontext(Context(prec=110)):
        ln = (2 + Decimal(3).sqrt()).ln()
    closed = sympy.log(2 + sympy.sqrt(3))
    assert [sympy.N(z.exact, 50) for z in third] == [sympy.N(-closed, 50), sympy.N(closed, 50)]
    for zero, true_zero in zip(third, (ln.copy_negate(), ln), strict=True):
        low, high = (Fraction(m) * Fraction(2) ** e for m, e in oracle.dyadic_ends(zero.ball))
        assert low <= Fraction(true_zero) <= high  # the certified ball holds the true zero
        assert high - low < Fraction(1, 10**50)
        assert Decimal(zero.decimal(30)) == round_significant(true_zero, 30)


@pytest.mark.parametrize("n", [3, 4, 5, 6])
def test_numeric_zeros_are_sign_changes(n: int) -> None:
    from symbolic.functions.sigmoid import derivative_zeros as sigmoid_derivative_zeros

    row = A163626[n]

    def derivative(x: Decimal) -> Decimal:
        with localcontext(Context(prec=100)):
            s = decimal_sigmoid(x)
            return sum(c * s ** (k + 1) for k, c in enumerate(row))

    zeros = sigmoid_derivative_zeros(n)
    assert len(zeros) == n - 1
    for zero in zeros:
        centre = Decimal(zero.decimal(45))
        step = Decimal("1e-35")
        with localcontext(Context(prec=100)):
            left, right = centre - step, centre + step
        assert derivative(left) * derivative(right) < 0


# ------------------------------------------------------------------ properties


@settings(max_examples=60, deadline=None)
@given(st.fractions(min_value=-60, max_value=60, max_denominator=1000))
def test_sigma_of_x_plus_sigma_of_minus_x_is_one(x: Fraction) -> None:
    plus = enclose(sigmoid(X), oracle.to_point(x).ball(200), 200)
    minus = enclose(sigmoid(X), oracle.to_point(-x).ball(200), 200)
    with precision(200):
        total = plus + minus
    assert total.contains(1)
    assert total.rad() < 1e-50


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=1, max_value=6),
    st.fractions(min_value=-30, max_value=30, max_denominator=100),
)
def test_derivative_parity(n: int, x: Fraction) -> None:
    closed = prepare(sympy.Derivative(sigmoid(X), (X, n)))  # Stirling closed form
    explicit = sympy.diff(expand_definitions(sigmoid(X)), X, n)  # SymPy on the definition
    at_minus_x = enclose(closed, oracle.to_point(-x).ball(300), 300)
    at_x = enclose(explicit, oracle.to_point(x).ball(300), 300)
    assert at_minus_x.overlaps(at_x if n % 2 else -at_x)
    assert at_minus_x.rad() < 1e-40 * (abs(at_minus_x.mid()) + 1e-30)


# ------------------------------------------------------------------ IEEE rounding


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16], ids=["float16", "bfloat16"])
@pytest.mark.parametrize("order", [0, 1])
def test_every_16_bit_input_is_correctly_rounded(dtype: type, order: int) -> None:
    xs = all_finite(np.dtype(dtype))
    assert len(xs) > 63_000
    got = oracle.rounded("sigmoid(x)", xs, order=order)
    assert got.dtype == np.dtype(dtype)
    for x, y in zip(xs.tolist(), got, strict=True):
        low, high = sigmoid_enclosure(float(x), order)
        assert is_correctly_rounded(y, low, high), (float(x), float(y))


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16], ids=["float16", "bfloat16"])
def test_the_rigorous_path_agrees_with_the_fast_path(dtype: type) -> None:
    xs = all_finite(np.dtype(dtype))  # every finite input
    fmt = oracle.ieee.format_of_dtype(np.dtype(dtype))
    for order in (0, 1):
        fast = oracle.rounded("sigmoid(x)", xs, order=order)
        target = oracle.to_expression("sigmoid(x)", order)
        for x, y in zip(xs.tolist(), fast, strict=True):
            slow = oracle.rounded_value(target, oracle.to_point(float(x)), fmt).as_float()
            assert slow == float(y) and np.signbit(slow) == np.signbit(float(y))


def _random_inputs(dtype: type, regions: list[tuple[float, float]], per_region: int) -> np.ndarray:
    rng = np.random.default_rng(7)
    parts = [rng.uniform(low, high, per_region) for low, high in regions]
    return np.concatenate(parts).astype(dtype)


@pytest.mark.parametrize(
    ("dtype", "expr", "order", "regions"),
    [
        (np.float32, "sigmoid(x)", 1, [(-30, 30), (-104, -85), (-1e-30, 1e-30), (80, 200)]),
        (np.float32, "sigmoid(x)", 0, [(-30, 30), (-104, -87), (15, 20)]),
        (np.float64, "sigmoid(x)", 1, [(-40, 40), (-745.2, -700), (-1e-300, 1e-300), (36, 38)]),
        (np.float64, "sigmoid(x)", 0, [(-40, 40), (-745.2, -700), (36, 38)]),
        (np.float32, "exp(x)", 0, [(88.5, 89.0), (-104, -87)]),
        (np.float64, "exp(x)", 0, [(709.5, 710.0), (-745.2, -708)]),
        (np.float64, "-exp(x)", 0, [(709.5, 710.0), (-745.2, -744)]),
    ],
)
def test_random_inputs_in_every_region(
    dtype: type, expr: str, order: int, regions: list[tuple[float, float]]
) -> None:
    xs = _random_inputs(dtype, regions, 150)
    got = oracle.rounded(expr, xs, order=order)
    for x, y in zip(xs.tolist(), got, strict=True):
        xd = Decimal(float(x))
        if expr == "sigmoid(x)":
            value = decimal_sigmoid(xd, order)
        else:
            with localcontext(Context(prec=120, Emin=-(10**9), Emax=10**9)):
                value = xd.exp() if expr == "exp(x)" else -xd.exp()
        low, high = enclosure(value)
        assert is_correctly_rounded(y, low, high), (float(x), float(y))


def test_overflow_and_subnormals_happen_in_those_tests() -> None:
    assert np.isinf(oracle.rounded("exp(x)", np.array([88.8], dtype=np.float32))[0])
    tiny = oracle.rounded("sigmoid(x)", np.array([-100.0], dtype=np.float32), order=1)[0]
    assert 0 < tiny < np.finfo(np.float32).tiny
    negative_zero = oracle.rounded("-exp(x)", np.array([-800.0]))[0]
    assert negative_zero == 0 and np.signbit(negative_zero)


def test_rounded_follows_the_input_dtype() -> None:
    xs = np.linspace(-5, 5, 11)
    assert oracle.rounded("sigmoid", xs.astype(np.float32)).dtype == np.float32
    assert oracle.rounded("sigmoid", xs).dtype == np.float64
    assert oracle.rounded("sigmoid", ["0.1", "log(2)"]).dtype == np.float64
    assert oracle.rounded("sigmoid", xs, dtype="bfloat16").dtype == np.dtype(ml_dtypes.bfloat16)


def test_numpy_usage_from_the_readme() -> None:
    xs = np.linspace(-10, 10, 2001, dtype=np.float32)
    ref = oracle.rounded("sigmoid(x)", xs, order=1)
    s = 1 / (1 + np.exp(-xs.astype(np.float64)))
    np.testing.assert_array_max_ulp((s * (1 - s)).astype(np.float32), ref, maxulp=2)
    naive = (1 / (1 + np.exp(-xs))).astype(np.float32)
    float32_grad = naive * (np.float32(1) - naive)
    assert np.max(oracle.ulp_error(float32_grad, "sigmoid(x)", xs, order=1)) > 2


def test_ulp_distance_definition() -> None:
    from symbolic.arith import ieee

    f64 = ieee.FORMATS["float64"]
    assert ieee.ulp_distance(1 + 2**-52, Fraction(1), f64) == 1.0
    assert ieee.ulp_distance(2.0**-1074, Fraction(0), f64) == 1.0
    assert ieee.ulp_distance(1.0, Fraction(1) - Fraction(1, 2**54), f64) == 0.5  # v below 1
    f32 = ieee.FORMATS["float32"]
    got = float(np.float32(0.1))
    want = abs(Fraction(got) - Fraction(1, 10)) / Fraction(2) ** (-4 - 23)
    assert ieee.ulp_distance(got, Fraction(1, 10), f32) == float(want)
    assert ieee.ulp_distance(float("inf"), Fraction(1), f32) == float("inf")


HUGE = ["1e5", "-1e5", "1e10", "-1e10", "1e38", "-1e38", "1e80", "-1e80", "1e308", "-1e308"]
HUGE += ["1.7976931348623157e308", "-1.7976931348623157e308", "-7e-300", "1e-30"]


def _significant(text: str) -> tuple[str, int]:
    """(the significant digits, the exponent of the first) of d.ddd…e±N or a plain decimal,
    without Decimal's exponent range."""
    mantissa, _, power = text.lower().partition("e")
    value = Decimal(mantissa)
    digits = "".join(map(str, value.as_tuple().digits)).rstrip("0") or "0"
    return digits, value.adjusted() + int(power or 0)


def _reference_text(value: object) -> str:
    from tests.family_references import Scaled

    if isinstance(value, Scaled):
        return f"{value.significand}e{value.exponent}"
    return str(value)


@pytest.mark.parametrize("x", HUGE)
@pytest.mark.parametrize("order", [0, 1, 2])
def test_sigmoid_at_any_finite_input(x: str, order: int) -> None:
    """σ^(n) at inputs up to the float64 maximum, to 20 certified digits, against the
    decimal-module references (own series and asymptotics, not this package)."""
    from tests.family_references import decimal_family, round_value

    got = oracle.value("sigmoid(x)", x, digits=20, order=order)
    want = round_value(decimal_family("sigmoid", x, order, prec=40), 20)
    assert _significant(got) == _significant(_reference_text(want)), (got, want)
    assert got.startswith("-") == _reference_text(want).startswith("-")


@pytest.mark.parametrize(
    ("text", "mp_function", "order", "x"),
    [
        (
            "exp(exp(sigmoid(x)*x))",
            lambda t: mpmath.exp(mpmath.exp(t / (1 + mpmath.exp(-t)))),
            12,
            "1",
        ),
        (
            "exp(exp(sigmoid(x)*x))",
            lambda t: mpmath.exp(mpmath.exp(t / (1 + mpmath.exp(-t)))),
            22,
            "0.5",
        ),
        (
            "log(2 + sin(x))*sqrt(1 + x**2)",
            lambda t: mpmath.log(2 + mpmath.sin(t)) * mpmath.sqrt(1 + t**2),
            15,
            "-0.75",
        ),
        ("tanh(x*cosh(x))", lambda t: mpmath.tanh(t * mpmath.cosh(t)), 14, "0.3"),
    ],
)
def test_high_derivatives_of_nested_expressions(text: str, mp_function, order: int, x: str) -> None:
    """Orders where SymPy's formula swells are taken by Taylor arithmetic; mpmath's own
    numerical differentiation (a second engine, 50 digits) gives the reference."""
    start = time.perf_counter()
    got = oracle.value(text, x, digits=20, order=order)
    assert time.perf_counter() - start < 60
    with mpmath.workdps(60):
        want = mpmath.diff(mp_function, mpmath.mpf(x), order)
        assert abs(Decimal(got) - Decimal(mpmath.nstr(want, 40))) <= abs(Decimal(got)) * Decimal(
            "1e-19"
        )


@settings(max_examples=40, deadline=None)
@given(
    x=st.fractions(min_value=-6, max_value=6, max_denominator=64),
    order=st.integers(min_value=0, max_value=6),
)
def test_taylor_arithmetic_agrees_with_the_formula(x: Fraction, order: int) -> None:
    """The series route and SymPy's formula route give overlapping balls."""
    from symbolic.numbers import series
    from symbolic.numbers.enclosure import enclose

    expr = parse("x*sigmoid(x)**2 + exp(-x**2/3)*atanh(x/7)")
    with precision(200):
        point = flint.arb(x.numerator) / x.denominator
    by_series = series.derivative_ball(expr, order, point, 200)
    formula = sympy.diff(expr.rewrite(sympy.exp), X, order) if order else expr
    with precision(200):
        by_formula = enclose(prepare(formula), point, 200)
    assert by_series.overlaps(by_formula)
    assert by_series.rad() < 1e-40 and by_formula.rad() < 1e-40


def test_a_ball_across_a_power_of_ten_is_decided_only_when_both_ends_agree() -> None:
    """σ(1e5) = 1 − 10^−43430 is decided next to 1 without separating it from 1, but a
    ball that is wider than half a unit in the last digit on both sides of 1 is not."""
    from symbolic.arith.decimals import decide_decimal

    with precision(128):
        wide = flint.arb(1, flint.arb(10) ** -19)  # [1 − 1e−19, 1 + 1e−19]
        narrow = flint.arb(1, flint.arb(10) ** -30)
        below = 1 - flint.arb(10) ** -40 + flint.arb(0, flint.arb(10) ** -35)
        assert decide_decimal(20)(wide) is None
        assert str(decide_decimal(20)(narrow)) == "1.0000000000000000000"
        assert str(decide_decimal(20)(below)) == "1.0000000000000000000"
        assert str(decide_decimal(20)(-below)) == "-1.0000000000000000000"


@pytest.mark.parametrize("order", [1, 2, 5, 8])
def test_taylor_arithmetic_of_abs_left_of_zero(order: int) -> None:
    """|x|·e^x = −x·e^x for x < 0, so its n-th derivative at −1 is −(n − 1)/e exactly."""
    from symbolic.numbers import series

    with precision(200):
        got = series.derivative_ball(parse("abs(x)*exp(x)"), order, flint.arb(-1), 200)
        want = -(order - 1) * flint.arb(-1).exp()
        assert got.overlaps(want) and got.rad() < 1e-50


def test_nested_high_derivatives_compose() -> None:
    """d⁸/dx⁸ [x·f⁽¹⁰⁾] = x·f⁽¹⁸⁾ + 8·f⁽¹⁷⁾: a high derivative inside another, both by
    Taylor arithmetic, against mpmath's numerical differentiation."""
    f = "exp(exp(sigmoid(x)*x))"
    got = oracle.value(f"diff(x*diff({f}, x, 10), x, 8)", "0.5", digits=25)
    with mpmath.workdps(60):

        def mp_f(t: mpmath.mpf) -> mpmath.mpf:
            return mpmath.exp(mpmath.exp(t / (1 + mpmath.exp(-t))))

        half = mpmath.mpf("0.5")
        want = half * mpmath.diff(mp_f, half, 18) + 8 * mpmath.diff(mp_f, half, 17)
        assert abs(Decimal(got) - Decimal(mpmath.nstr(want, 45))) <= Decimal(got) * Decimal("1e-24")
