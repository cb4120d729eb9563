"""ULP errors beside a power of two: the true value's side (`symbolic.numbers.sides`).

Where the true value v is just below a power of two p but its reference lost the distance
(hi = p, lo = 0: it is below 2^-1074, or the narrow formats keep no lo), a result one
float below p is 1 ULP off (in the binade below), not 0.5. Every truth here is
independent of the code under test: mpmath at 8000 bits (enough for e^-4630) from the
catalogue's closed forms, and the exact ULP error |y − v| / 2^(max(e, emin) − p + 1).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from symbolic.arith import ieee
from symbolic.functions import FAMILY
from symbolic.grade import grading
from symbolic.language.parser import parse
from symbolic.numbers import vectorized
from symbolic.numbers.sides import side_of

mp = mpmath.mp
PREC = 8000
C = mpmath.mpf(44715) / 10**6  # GELU_tanh's 0.044715, exactly 44715/10^6


def _sigma(x: mpmath.mpf) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-x))


def _gelu_tanh(x: mpmath.mpf, order: int) -> mpmath.mpf:
    k = mpmath.sqrt(2 / mpmath.pi)
    t = mpmath.tanh(k * (x + C * x**3))
    if order == 0:
        return x / 2 * (1 + t)
    return (1 + t) / 2 + x / 2 * (1 - t**2) * k * (1 + 3 * C * x**2)


def _mish(x: mpmath.mpf, order: int) -> mpmath.mpf:
    t = mpmath.tanh(mpmath.log1p(mpmath.exp(x)))
    return x * t if order == 0 else t + x * _sigma(x) * (1 - t**2)


def _phi(x: mpmath.mpf) -> mpmath.mpf:
    return mpmath.erfc(-x / mpmath.sqrt(2)) / 2


# f^(n)(x) by the catalogue's closed forms (deriv_* claims), at mp's precision
TRUTH = {
    ("sigmoid", 0): _sigma,
    ("sigmoid", 1): lambda x: _sigma(x) * (1 - _sigma(x)),
    ("tanh", 0): mpmath.tanh,
    ("tanh", 1): lambda x: 1 - mpmath.tanh(x) ** 2,
    ("softplus", 0): lambda x: mpmath.log1p(mpmath.exp(x)),
    ("softplus", 1): _sigma,
    ("log_sigmoid", 0): lambda x: -mpmath.log1p(mpmath.exp(-x)),
    ("log_sigmoid", 1): lambda x: 1 - _sigma(x),
    ("silu", 0): lambda x: x * _sigma(x),
    ("silu", 1): lambda x: _sigma(x) * (1 + x * (1 - _sigma(x))),
    ("gelu", 0): lambda x: x * _phi(x),
    ("gelu", 1): lambda x: _phi(x) + x * mpmath.npdf(x),
    ("gelu_tanh", 0): lambda x: _gelu_tanh(x, 0),
    ("gelu_tanh", 1): lambda x: _gelu_tanh(x, 1),
    ("mish", 0): lambda x: _mish(x, 0),
    ("mish", 1): lambda x: _mish(x, 1),
}
TINIEST = 5e-324
# Points whose true value lies beside a power of two, per target: saturations, and tiny
# x where f ≈ a0 + a1·x with a0 or a1·x a power of two (x = ±2^-1074 loses even lo).
POINTS = {
    ("sigmoid", 0): [50.0, 800.0, -TINIEST, TINIEST, 2.0**-60, 0.0],
    ("sigmoid", 1): [2.0**-30, -(2.0**-600), 0.0],
    ("tanh", 0): [400.0, 20.0, -400.0, 2.0**-600, -(2.0**-100), 2.0**-20],
    ("tanh", 1): [2.0**-600, -(2.0**-30), 0.0],
    ("softplus", 0): [1024.0, 64.0],
    ("softplus", 1): [800.0, 50.0, -TINIEST],
    ("log_sigmoid", 0): [-1024.0, -64.0],
    ("log_sigmoid", 1): [-800.0, -50.0, TINIEST, -TINIEST],
    ("silu", 0): [1024.0, 64.0, 2.0**-600, -(2.0**-600), 2.0**-100, -(2.0**-100)],
    ("silu", 1): [1024.0, 64.0, TINIEST, -TINIEST, 2.0**-60, 0.0],
    ("gelu", 0): [64.0, 32.0, 2.0**-600, -(2.0**-600), -(2.0**-100)],
    ("gelu", 1): [64.0, 16.0, TINIEST, -TINIEST, 2.0**-60],
    ("gelu_tanh", 0): [32.0, 16.0, 2.0**-600, -(2.0**-600), 2.0**-100],
    ("gelu_tanh", 1): [32.0, 16.0, TINIEST, -TINIEST, 2.0**-60],
    ("mish", 0): [1024.0, 64.0],
    ("mish", 1): [1024.0, 64.0],
}
FORMATS = ["float64", "float32"]


def _typed(name: str, order: int) -> str:
    return FAMILY[name].typed(order)


def _exact_error(y: float, v: mpmath.mpf, fmt: ieee.Format) -> float:
    """|y − v| / 2^(max(e, emin) − p + 1), e = ⌊log2 |v|⌋ exactly (frexp of an mpf)."""
    e = fmt.emin if v == 0 else mpmath.frexp(v)[1] - 1
    quantum = mpmath.ldexp(1, max(int(e), fmt.emin) - fmt.precision + 1)
    return float(abs(mpmath.mpf(y) - v) / quantum)


def _truth(name: str, order: int, x: float) -> mpmath.mpf:
    with mpmath.workprec(PREC):
        return +TRUTH[(name, order)](mpmath.mpf(x))


def _neighbours(r: np.ndarray, dtype: type) -> list[float]:
    """The result, one float below it and one above (in the format)."""
    down = np.nextafter(r, np.array(-np.inf, dtype=dtype))
    up = np.nextafter(r, np.array(np.inf, dtype=dtype))
    return [float(r[0]), float(down[0]), float(up[0])]


def _check_point(name: str, order: int, x: float, fmt: ieee.Format) -> list[float]:
    """ULP errors of the result and its two neighbours, through `rounded_and_true` and
    through the grading's `references` (kernels, balls or Arb), against the exact ones."""
    expr = parse(_typed(name, order))
    r, decided, hi, lo = vectorized.rounded_and_true(expr, np.array([x]), fmt)
    assert decided[0]
    v = _truth(name, order, x)
    target = grading.target_of(_typed(name, order))
    want, ghi, glo = grading.references(target, np.array([x], dtype=fmt.dtype), fmt)
    assert want[0] == r[0]
    errors = []
    for y in _neighbours(r.astype(fmt.dtype), fmt.dtype):
        exact = _exact_error(y, v, fmt)
        for h, low in ((hi, lo), (ghi, glo)):
            got = float(grading.ulp_errors(np.array([y], dtype=fmt.dtype), h, low, fmt)[0])
            assert got == pytest.approx(exact, abs=1e-6), (name, order, x, y, h, low)
        errors.append(exact)
    assert errors[0] <= 0.5
    return errors


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("name", "order"), list(POINTS))
def test_results_beside_a_power_of_two_are_graded_exactly(name: str, order: int, fmt: str) -> None:
    """The reproduction: one float below p is graded ≈ 1 where v < p (it was ≈ 0.5),
    results above p keep their grade, correct results stay ≤ 0.5."""
    f = ieee.FORMATS[fmt]
    below_p = 0
    for x in POINTS[(name, order)]:
        if fmt == "float32" and (x != 0 and abs(x) < 2.0**-149):
            continue
        x = float(np.float64(x).astype(f.dtype)) if fmt == "float32" else x
        errors = _check_point(name, order, x, f)
        below_p += errors[1] > 0.9 or errors[2] > 0.9  # a neighbour in the binade below
    assert below_p  # each target has a case where the side matters


def test_the_reproduction_of_the_report() -> None:
    for name, xs in [("sigmoid(x)", [50.0, 800.0]), ("gelu_tanh(x)", [32.0, 1024.0])]:
        for f in FORMATS:
            fmt = ieee.FORMATS[f]
            r, _, hi, lo = vectorized.rounded_and_true(parse(name), np.array(xs), fmt)
            got = np.nextafter(r.astype(fmt.dtype), np.array(0, dtype=fmt.dtype))
            assert grading.ulp_errors(got, hi, lo, fmt) == pytest.approx([1.0, 1.0], abs=1e-5)


def _x_near(name: str) -> st.SearchStrategy[float]:
    """Saturations (where the function has one) and tiny x, powers of two among them."""
    tiny = st.builds(
        lambda k, m, s: s * math.ldexp(m, k),
        st.integers(-1074, -20),
        st.sampled_from([1.0, 1.0, 1.5, 1.25]),
        st.sampled_from([1.0, -1.0]),
    )
    far = {"gelu_tanh": st.floats(8, 40), "tanh": st.floats(16, 2000) | st.floats(-2000, -16)}
    powers = [16.0, 32.0] if name == "gelu_tanh" else [64.0, 1024.0, 32.0]  # e^-g in 8000 bits
    return tiny | far.get(name, st.floats(16, 2000)) | st.sampled_from(powers)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("name", "order"), [(n, k) for n in ("sigmoid", "tanh", "silu", "gelu_tanh") for k in (0, 1)]
)
def test_ulp_errors_match_the_exact_ones(name: str, order: int, fmt: str) -> None:
    f = ieee.FORMATS[fmt]
    expr = parse(_typed(name, order))

    @settings(max_examples=25, deadline=None, derandomize=True)
    @given(_x_near(name), st.integers(0, 2))
    def check(x: float, which: int) -> None:
        x = float(np.float64(x).astype(f.dtype))
        assume(math.isfinite(x) and x != 0)
        r, decided, hi, lo = vectorized.rounded_and_true(expr, np.array([x]), f)
        assume(decided[0])
        y = _neighbours(r.astype(f.dtype), f.dtype)[which]
        want = _exact_error(y, _truth(name, order, x), f)
        got = float(grading.ulp_errors(np.array([y], dtype=f.dtype), hi, lo, f)[0])
        assert got == pytest.approx(want, abs=1e-6), (x, y, hi, lo)

    check()


@pytest.mark.parametrize(("name", "order"), list(TRUTH))
def test_the_registry_sides_are_true(name: str, order: int) -> None:
    """Every side the registry gives, at powers of two around f^(n)(x), is the sign of
    f^(n)(x) − h by mpmath (h = f^(n)(x) only where that is exact: x = 0)."""
    xs = [0.0, TINIEST, -TINIEST, 2.0**-30, -(2.0**-30), 0.5, -0.5, 1.0, 1.5, 2.0, -2.0, 3.0]
    xs += [-3.0, 16.0, -16.0, 32.0, -32.0, 64.0, -64.0, 800.0, -800.0]
    reach = {"gelu": 64.0, "gelu_tanh": 32.0}.get(name, 800.0)  # e^-g within 8000 bits
    xs = [x for x in xs if abs(x) <= reach]
    rule = FAMILY[name].sides[order]
    told = 0
    for x in xs:
        v = _truth(name, order, x)
        near = [0] if v == 0 else [int(mpmath.frexp(v)[1]) + k for k in (-2, -1, 0, 1)]
        hs = [s * math.ldexp(1.0, k) for k in {*near, -1, -2, 0, 1} for s in (1.0, -1.0)]
        hs += [x, x / 2, -x] if x and abs(x) >= 2.0**-1000 else []
        h = np.array([h for h in hs if h and math.isfinite(h)])
        side = rule(np.full(h.shape, x), h) * np.ones(h.shape)
        for hj, sj in zip(h, side, strict=True):
            if not np.isnan(sj):
                told += 1
                assert sj == mpmath.sign(v - mpmath.mpf(hj)), (x, hj, sj)
    assert told > 20


def test_an_unknown_side_is_an_upper_bound() -> None:
    """Outside the registry the side is not known: the smaller quantum, never less than
    the exact error (equal where v is below p, over it where v is exactly p)."""
    fmt = ieee.FORMATS["float64"]
    expr = parse("1/(1 + exp(-x))")
    assert np.isnan(side_of(expr, np.array([800.0]), np.array([1.0])))[0]
    for x, exactly in ((800.0, True), (0.0, False)):
        r, decided, hi, lo = vectorized.rounded_and_true(expr, np.array([x]), fmt)
        assert decided[0]
        v = _truth("sigmoid", 0, x)
        for y in _neighbours(r, np.float64):
            got = float(grading.ulp_errors(np.array([y]), hi, lo, fmt)[0])
            want = _exact_error(y, v, fmt)
            assert got == pytest.approx(want, abs=1e-6) if exactly else got >= want


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_grade_of_results_one_float_below_one(fmt: str) -> None:
    """End to end (`grade_chunk`, the grading's references, kernels included): σ(x) for
    x ≥ 800 is just below 1, and nextafter(1, 0) is 1 ULP off, not 0.5."""
    f = ieee.FORMATS[fmt]
    x = np.array([800.0, 1000.0, 3e38], dtype=f.dtype)
    target = grading.target_of("sigmoid(x)")

    def below_one(values: np.ndarray) -> np.ndarray:
        return np.nextafter(np.ones_like(values), np.zeros_like(values))

    bits = x.view(np.uint64 if fmt == "float64" else np.uint32)
    stats = grading.grade_chunk(bits, below_one, target, f, keep=3)
    assert stats.max_ulp == pytest.approx(1.0, abs=1e-9)
    assert stats.correctly_rounded == 0
