"""The proved far tails of GELU_tanh and GELU (`vector_tails`, orders 0 and 1): their
constants at 250 bits, their values against mpmath's closed forms (written out here) at
points around and beyond the thresholds, float64's extremes included, and the float64
grades that used to run out of memory (issue 15)."""

from __future__ import annotations

import importlib
import json
import math
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from symbolic.arith import ieee
from symbolic.grade import grading
from symbolic.numbers import oracle, vectorized
from tests.cli_common import ROOT, environment

F64 = ieee.FORMATS["float64"]
MAX = float(np.finfo(np.float64).max)
OVERFLOW = 5.64e102  # x³ leaves float64 from about here (∛MAX ≈ 5.6438e102)
GT = importlib.import_module("symbolic.functions.gelu_tanh")  # the module, not the class
GE = importlib.import_module("symbolic.functions.gelu")


@pytest.fixture(autouse=True)
def _precision() -> Iterator[None]:
    mpmath.mp.prec = 250
    yield


# ---------------------------------------------------------------- references (mpmath)


def _scale() -> mpmath.mpf:
    return 2 * mpmath.sqrt(2 / mpmath.pi)


def _c() -> mpmath.mpf:
    """0.044715, at the working precision (a module constant would be 53 bits)."""
    return mpmath.mpf(44715) / 10**6


def _v(x: mpmath.mpf) -> mpmath.mpf:
    return _scale() * (x + _c() * x**3)


def _sigma(t: mpmath.mpf) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-t))


def gelu_tanh_mp(x: float, order: int) -> mpmath.mpf:
    """(x/2)(1 + tanh(√(2/π)(x + c·x³))) = x·σ(v), and its derivative
    σ(v) + x·σ(v)·σ(−v)·v′, v′ = 2√(2/π)(1 + 3c·x²)."""
    u = mpmath.mpf(x)
    v = _v(u)
    if order == 0:
        return u * _sigma(v)
    return _sigma(v) + u * _sigma(v) * _sigma(-v) * _scale() * (1 + 3 * _c() * u**2)


def gelu_mp(x: float, order: int) -> mpmath.mpf:
    """(x/2)·erfc(−x/√2) and erfc(−x/√2)/2 + x·e^(−x²/2)/√(2π) (mpmath's erfc: |x| ≤ 1e100)."""
    u = mpmath.mpf(x)
    tail = mpmath.erfc(-u / mpmath.sqrt(2))
    if order == 0:
        return u / 2 * tail
    return tail / 2 + u * mpmath.exp(-(u**2) / 2) / mpmath.sqrt(2 * mpmath.pi)


def float64_of(value: mpmath.mpf) -> float:
    """value rounded to nearest float64 (ties to even), subnormals and the sign of a zero
    included, by mpmath (not the code under test)."""
    sign = -1.0 if value < 0 else 1.0
    if value == 0:
        return math.copysign(0.0, sign)
    _, exponent = mpmath.frexp(value)  # value = m·2^exponent, 1/2 ≤ |m| < 1
    quantum = max(int(exponent) - 53, -1074)
    scaled = abs(value) * mpmath.mpf(2) ** -quantum
    n = int(mpmath.floor(scaled))
    rest = scaled - n
    if rest > 0.5 or (rest == 0.5 and n % 2):
        n += 1
    return math.copysign(math.ldexp(float(n), quantum), sign)


def _check(text: str, reference: Callable[[float], mpmath.mpf], xs: list[float]) -> None:
    """Every point decided by `rounded_and_true`, the value equal (sign included) to the
    reference rounded by mpmath, the true value hi + lo within 2^-80 of it (relative) or
    2^-1073 (absolute: a subnormal true value is held to float64's grid)."""
    x = np.array(xs, dtype=np.float64)
    values, decided, hi, lo = vectorized.rounded_and_true(oracle.to_expression(text), x, F64)
    assert decided.all(), x[~decided]
    for point, value, h, low in zip(xs, values, hi, lo, strict=True):
        true = reference(point)
        want = float64_of(true)
        assert value == want and np.signbit(value) == np.signbit(want), (point, value, want)
        error = abs(mpmath.mpf(float(h)) + mpmath.mpf(float(low)) - true)
        assert error <= max(abs(true) * mpmath.mpf(2) ** -80, mpmath.mpf(2) ** -1073), point


# ---------------------------------------------------------------- the constants, at 250 bits


def test_gelu_tanh_tail_constants() -> None:
    """Every number the proof beside `gelu_tanh.vector_tails` uses."""
    s, ln2, c = _scale(), mpmath.log(2), _c()
    y = mpmath.mpf(GT.TAIL_ONE)
    assert GT.TAIL_ONE == -GT.TAIL_ZERO == 21.75 and GT.TAIL_SCALE == 400
    assert mpmath.mpf("1.5957") < s < mpmath.mpf("1.5958")
    assert mpmath.sqrt(3 * c) < mpmath.mpf("0.3663")
    assert 1 + mpmath.sqrt(3 * c) - s < 0  # h′(y) ≤ 1/y + √(3c) − S < 0 for y ≥ 1

    def h(t: mpmath.mpf) -> mpmath.mpf:
        return mpmath.log(t) + mpmath.log(s * (1 + 3 * c * t**2)) - _v(t)

    assert h(y) < -1098 * ln2 and h(y) / ln2 > -1098.15  # h(Y) = −1098.14·ln 2
    assert all(h(t + 1) < h(t) for t in (1, 2, 5, 21, 100))  # h decreases (the lemma)
    assert y * s / 2 > 1  # Y·(1/2)·S > 1: the brackets' signs
    # the band TAIL_ZERO < x ≤ TAIL_START
    start, zero = mpmath.mpf(GT.TAIL_START), mpmath.mpf(GT.TAIL_ZERO)
    assert -mpmath.mpf("768.9") < _v(zero) and _v(start) < -mpmath.mpf("647.4")
    assert mpmath.exp(_v(start)) < mpmath.mpf(2) ** -933
    shift = 400 * ln2
    assert -mpmath.mpf("491.7") < _v(zero) + shift and _v(start) + shift < -mpmath.mpf("370.1")
    order0 = [abs(x) * mpmath.exp(_v(x) + shift) for x in (start, zero)]
    assert all(mpmath.mpf(2) ** -705 < w < mpmath.mpf(2) ** -529 for w in order0)
    slopes = [1 + x * s * (1 + 3 * c * x**2) for x in (start, zero)]
    assert -2237 < slopes[1] < slopes[0] < -1875
    low = mpmath.exp(_v(zero) + shift) * 1875
    high = mpmath.exp(_v(start) + shift) * 2237
    assert mpmath.mpf(2) ** -699 < low and high < mpmath.mpf(2) ** -522


def test_gelu_tail_constants() -> None:
    """y·φ(y) at GELU's TAIL = 40 is below 2^-1150 (and decreases for y ≥ 1: its
    derivative is φ(y)·(1 − y²))."""
    y = mpmath.mpf(GE.TAIL)
    assert GE.TAIL == 40.0
    assert y * mpmath.npdf(y) < mpmath.mpf(2) ** -1150


# ---------------------------------------------------------------- values around and beyond


NEGATIVE = [
    -20.5,
    float(np.nextafter(-20.5, 0)),
    float(np.nextafter(-20.5, -np.inf)),
    -21.0,
    -21.3,
    -21.7,
    -21.75,
    float(np.nextafter(-21.75, 0)),
    float(np.nextafter(-21.75, -np.inf)),
    -22.0,
    -30.0,
    -1e3,
    -1e50,
    -OVERFLOW,
    float(np.nextafter(-OVERFLOW, 0)),
    -5.7e102,
    -1e300,
    -MAX,
]
POSITIVE = [
    21.75,
    float(np.nextafter(21.75, np.inf)),
    32.0,  # a power of two: the true value just below it is in the binade below
    1e10,
    2.0**300,
    OVERFLOW,
    5.7e102,
    2.0**1000,
    1e300,
    MAX,
]


@pytest.mark.parametrize("order", [0, 1])
def test_gelu_tanh_far_values(order: int) -> None:
    _check(
        "gelu_tanh(x)" if order == 0 else "diff(gelu_tanh(x), x)",
        lambda x: gelu_tanh_mp(x, order),
        NEGATIVE + POSITIVE,
    )


def test_the_true_value_below_a_power_of_two_is_below_it() -> None:
    """GELU_tanh(2^600) is 2^600·(1 − σ(−v)), just below 2^600 (x³ overflows: the tail
    decides it): its true value's low word is negative, so a result of nextafter(2^600, 0)
    is graded 1 ulp (of the binade below) off, not 0.5."""
    expr = oracle.to_expression("gelu_tanh(x)")
    _, decided, hi, lo = vectorized.rounded_and_true(expr, np.array([2.0**600]), F64)
    assert decided[0] and hi[0] == 2.0**600 and lo[0] < 0
    got = np.array([np.nextafter(2.0**600, 0)])
    assert grading.ulp_errors(got, hi, lo, F64)[0] == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("order", [0, 1])
def test_gelu_far_values(order: int) -> None:
    near = [-40.0, float(np.nextafter(-40.0, -np.inf)), -1e3, -1e100, 40.0, 1e3, 1e100]
    _check(
        "gelu(x)" if order == 0 else "diff(gelu(x), x)",
        lambda x: gelu_mp(x, order),
        near,
    )
    # beyond mpmath's erfc: y·φ(y) < 2^-1150 (Mills: |GELU(−y)| < φ(y), |GELU′(±y) − [y > 0]|
    # < y·φ(y)), so the values round to −0, y and 1
    far = [-1e200, -OVERFLOW, -1e300, -MAX, 1e200, OVERFLOW, 1e300, MAX]
    for y in far:
        assert abs(y) * mpmath.npdf(mpmath.mpf(y)) < mpmath.mpf(2) ** -1150
    expected = [-0.0 if y < 0 else (y if order == 0 else 1.0) for y in far]
    values, decided, _, _ = vectorized.rounded_and_true(
        oracle.to_expression("gelu(x)" if order == 0 else "diff(gelu(x), x)"), np.array(far), F64
    )
    assert decided.all()
    assert values.tolist() == expected
    assert np.signbit(values).tolist() == [y < 0 for y in far]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.floats(max_value=GT.TAIL_START, allow_nan=False, allow_infinity=False)
        | st.floats(min_value=GT.TAIL_ONE, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([0, 1]),
)
@example(xs=[-20.5, -21.75, -1e300, -MAX, 21.75, MAX], order=1)
def test_gelu_tanh_tails_round_like_mpmath(xs: list[float], order: int) -> None:
    """Any float64 in the tails (the band, the zeros, the overflowing x³ on both sides)."""
    _check(
        "gelu_tanh(x)" if order == 0 else "diff(gelu_tanh(x), x)",
        lambda x: gelu_tanh_mp(x, order),
        xs,
    )


# ---------------------------------------------------------------- grading


@pytest.mark.parametrize(
    ("text", "at_plus_inf"), [("gelu_tanh(x)", math.inf), ("diff(gelu_tanh(x), x)", 1.0)]
)
def test_references_at_the_extremes(text: str, at_plus_inf: float) -> None:
    """The grade's references at ±inf (the limits), NaN, and float64's far ends, all
    without the per-point oracle."""
    x = np.array([-np.inf, np.inf, np.nan, -MAX, -1e300, -OVERFLOW, MAX, 1e300, OVERFLOW])
    start = time.perf_counter()
    want, hi, _ = grading.references(grading.target_of(text), x, F64)
    assert time.perf_counter() - start < 20  # it took minutes, then ran out of memory
    assert want[0] == 0 and want[1] == at_plus_inf and math.isnan(want[2])
    assert want[3:6].tolist() == [0.0] * 3 and np.signbit(want[3:6]).all()
    plus = x[6:] if text == "gelu_tanh(x)" else np.ones(3)
    assert want[6:].tolist() == plus.tolist() and hi[6:].tolist() == plus.tolist()


def _grade(of: str) -> dict:
    """`symbolic grade numpy --of OF --dtype float64 --samples 20000 --json`, in a real
    process, under a time limit of its own (it ran for minutes, then out of memory)."""
    command = ["grade", "numpy", "--of", of, "--dtype", "float64", "--samples", "20000"]
    result = subprocess.run(
        [sys.executable, "-m", "symbolic", *command, "--json", "--timeout", "60", "--worst", "5"],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("order", [0, 1])
def test_float64_sampled_grade_finishes(order: int) -> None:
    """Every result graded (none excluded); NaN results counted where numpy's formula gives
    NaN at a finite x (its x·(1 − t²)·(1 + 3c·x²) is inf·0 once x² overflows); the worst
    inputs' references equal mpmath's rounding of the closed form."""
    of = "gelu_tanh(x)" if order == 0 else "diff(gelu_tanh(x), x)"
    data = _grade(of)
    assert data["inputs"] == 20000 and data["excluded"] == 0 and data["undefined"] == 0
    x = grading.sampled_bits(64, 20000, 0).view(np.float64)
    function = GT.gelu_tanh.implementations["numpy", order].make()
    with np.errstate(all="ignore"):
        got = np.asarray(function(x), dtype=np.float64)
    assert data["nan"] == int((np.isnan(got) & ~np.isnan(x)).sum())
    assert data["zero_from"] == "-7.188805449078429"  # 1 + tanh rounds to 0 (the report's −7.19)
    for worst in data["worst"]:
        point = float(worst["x"])
        want = float64_of(gelu_tanh_mp(point, order))
        assert float(worst["want"]) == want and worst["want"].startswith("-") == (
            math.copysign(1, want) < 0
        )


# ---------------------------------------------------------------- the per-point oracle


_ORACLE_SNIPPET = """
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from symbolic.arith import ieee
from symbolic.numbers import oracle
fmt = ieee.FORMATS["float64"]
start = time.perf_counter()
value = oracle.true_fraction(oracle.to_expression(sys.argv[1]), oracle.to_point(float(sys.argv[2])), fmt)
print(value.numerator.bit_length() * (1 if value >= 0 else -1), value.denominator.bit_length(), time.perf_counter() - start)
"""


def _true_fraction(text: str, x: float) -> tuple[int, int, float]:
    """(±bits of the numerator, bits of the denominator, seconds) of `true_fraction`, in a
    process of 2 GB of address space at most (it used to run out of memory)."""
    result = subprocess.run(
        [sys.executable, "-c", _ORACLE_SNIPPET, text, repr(x)],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    numerator, denominator, seconds = result.stdout.split()
    return int(numerator), int(denominator), float(seconds)


@pytest.mark.parametrize(
    ("text", "x"),
    [
        ("exp(x)", -1e300),  # Arb: a ball of radius 2^(−2^190) or so around 0
        ("gelu_tanh(x)", -1e300),
        ("diff(gelu_tanh(x), x)", -MAX),
        ("x*exp(-x**4)*(1 - 2*sigmoid(x**3))", -1e300),
    ],
)
def test_true_fraction_of_a_vanishing_value_is_zero_at_once(text: str, x: float) -> None:
    """|v| < 2^(emin − 2p − 41): 0 is within the allowance, and no fraction of the ball's
    ends (2^(2^190) bits) is ever built."""
    numerator, denominator, seconds = _true_fraction(text, x)
    assert (numerator, denominator) == (0, 1) and seconds < 10


def test_true_fraction_beyond_every_format_is_bounded() -> None:
    """e^(e^31) ≈ 2^(4.2·10^13): ±2^(2^20) stands for it (it rounds to inf, as the value
    does), not an integer of 4.2·10^13 bits."""
    assert _true_fraction("exp(exp(x))", 31.0)[:2] == (oracle.MAX_TRUE_EXPONENT + 1, 1)
    assert _true_fraction("-exp(exp(x))", 31.0)[:2] == (-(oracle.MAX_TRUE_EXPONENT + 1), 1)
    bits, _, _ = _true_fraction("exp(exp(x))", 12.0)  # e^(e^12) ≈ 2^234 807: held exactly
    assert 234_000 < bits < 235_000


def test_dyadic_ends_of_a_tiny_midpoint_and_a_wide_radius() -> None:
    """2^(−2^40) ± 1: the ends are rounded outward to MAX_END_BITS bits, not integers of
    2^40 bits."""
    import flint

    from symbolic.arith.decimals import MAX_END_BITS, dyadic_ends

    low, high = dyadic_ends(flint.arb(flint.arf((1, -(2**40))), 1))
    for mantissa, exponent in (low, high):
        assert mantissa.bit_length() <= MAX_END_BITS + 64 and exponent > -(2**21)
    assert mpmath.mpf(low[0]) * mpmath.mpf(2) ** low[1] <= -1
    assert mpmath.mpf(high[0]) * mpmath.mpf(2) ** high[1] >= 1


# ---------------------------------------------------------------- e^(−huge) in the balls


@settings(max_examples=80, deadline=None)
@given(st.floats(-1e300, -740.0), st.floats(-1, 1), st.floats(0, 1))
@example(h=-7.135481630e28, f=0.9, r=0.03)  # GELU′ at x = 1e10: lo ≈ 2.4e12
@example(h=-746.5, f=0.0, r=0.5)
def test_exp_of_a_far_negative_ball(h: float, f: float, r: float) -> None:
    """`vball_dw.exp` of hi + lo ± r, any low word: the ball holds e^t at both ends of
    [hi + lo − r, hi + lo + r] (by mpmath), and it vanishes (0 ± 2^-1074) wherever the
    whole ball is below −746, however large its low word."""
    from symbolic.arith import vball_dw

    low = f * math.ulp(h) / 2
    with np.errstate(all="ignore"):
        ball = vball_dw.exp(vball_dw.Ball(np.array([h]), np.array([low]), np.array([r])))
    mid = mpmath.mpf(float(ball.hi[0])) + mpmath.mpf(float(ball.lo[0]))
    for t in (mpmath.mpf(h) + low - r, mpmath.mpf(h) + low + r):
        assert abs(mpmath.exp(t) - mid) <= mpmath.mpf(float(ball.rad[0]))
    if mpmath.mpf(h) + abs(low) + r < -747:
        assert ball.hi[0] == 0 and ball.rad[0] == 2.0**-1074
