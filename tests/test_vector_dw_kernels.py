"""The double-word kernels and balls against mpmath at 250 bits, with their claimed
bounds (symbolic/arith/dwkernels.py, symbolic/arith/vball_dw.py)."""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterator
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from symbolic.arith import dwkernels as k
from symbolic.arith import vball_dw
from symbolic.functions import sigmoid


@pytest.fixture(autouse=True)
def _precision() -> Iterator[None]:
    """This module's references need 250 bits (conftest resets mpmath per test)."""
    mpmath.mp.prec = 250
    yield


def _mp(x: float) -> mpmath.mpf:
    return mpmath.mpf(x)


def _value(h: np.ndarray, lo: np.ndarray) -> mpmath.mpf:
    return _mp(float(h[0])) + _mp(float(lo[0]))


TINY = mpmath.mpf(2) ** -1060  # the absolute allowance of results below 2^-968


def _rel(value: mpmath.mpf, true: mpmath.mpf) -> mpmath.mpf:
    """The relative error, less the absolute allowance for tiny results."""
    return max(abs(value - true) - TINY, 0) / abs(true)


def _pair(h: float, fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """A normalized double-word: hi and a low word below half its ulp."""
    low = fraction * abs(h) * 2.0**-54
    return np.array([h]), np.array([low])


@settings(max_examples=60, deadline=None)
@given(st.floats(-660, 709), st.floats(-1, 1))
def test_exp(h: float, f: float) -> None:
    yh, yl = _pair(h, f)
    got = _value(*k.exp(yh, yl))
    assert _rel(got, mpmath.exp(_value(yh, yl))) <= k.EXP_BOUND


@settings(max_examples=100, deadline=None)
@given(st.floats(-670, 700), st.floats(-1, 1))  # results above 2^-968: normal low words
@example(h=0.0, f=0.0)
@example(h=-(2.0**-12), f=1.0)  # |r| near its bound ln2/2048
def test_exp_within_its_argued_bound(h: float, f: float) -> None:
    """exp within the docstring's 2^-99 (EXP_BOUND, 2^-88, is what the balls use)."""
    yh, yl = _pair(h, f)
    true = mpmath.exp(_value(yh, yl))
    assert abs(_value(*k.exp(yh, yl)) - true) / true < mpmath.mpf(2) ** -99


def test_exp_reduction_constants() -> None:
    """ln2/1024 = C1 + C2 + C3 + δ: C1, C2 of at most 32 significant bits (k·C1, k·C2
    exact for |k| < 2^21), |C3| < 2^-74, |δ| < 2^-128, and |k| < 2^21 over the range."""
    for c in (k._C1, k._C2):
        mantissa, _ = mpmath.mpf(c).man_exp
        assert int(mantissa).bit_length() <= 32
    assert abs(k._C3) < 2.0**-74
    rest = mpmath.log(2) / 1024 - _mp(k._C1) - _mp(k._C2) - _mp(k._C3)
    assert abs(rest) < mpmath.mpf(2) ** -128
    assert 745 * k._TABLE_SIZE_OVER_LN2 < 2**21


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-670, 700), min_size=1, max_size=20))
@example(ys=[0.0, 5e-324, -1e-20, 2.0**-12, -(2.0**-11.5)])
def test_exp_exact_arguments(ys: list[float]) -> None:
    """exp's reduction for exact arguments (y_l = 0 throughout), to the same 2^-99."""
    y = np.array(ys)
    vh, vl = k.exp(y, np.zeros_like(y))
    for index, point in enumerate(ys):
        true = mpmath.exp(_mp(point))
        got = _mp(float(vh[index])) + _mp(float(vl[index]))
        assert abs(got - true) / true < mpmath.mpf(2) ** -99, point


@settings(max_examples=60, deadline=None)
@given(st.floats(-1e10, 1e10), st.floats(-1, 1), st.floats(-1e10, 1e10), st.floats(-1, 1))
@example(h=0.75, f=0.9, g=-1.0, e=0.0)  # expm1's exp(y) − 1: cancellation
@example(h=1.0, f=-0.3, g=-0.9999999999999999, e=0.0)
def test_add_double_and_mul_split(h: float, f: float, g: float, e: float) -> None:
    """DWPlusFP within 2u² + 5u³, and mul_split exactly `doubleword.mul`."""
    from symbolic.arith import doubleword

    xh, xl = _pair(h, f)
    yh, yl = _pair(g, e)
    true = _value(xh, xl) + _mp(g)
    got = _value(*k.add_double(xh, xl, yh))
    assert abs(got - true) <= (2 * mpmath.mpf(2) ** -106 + 5 * mpmath.mpf(2) ** -159) * abs(true)
    product = k.mul_split(xh, xl, yh, yl, doubleword.split(yh))
    assert product == doubleword.mul(xh, xl, yh, yl)


@settings(max_examples=60, deadline=None)
@given(st.floats(-700, 0, exclude_max=True), st.floats(-1, 1))
def test_expm1_negative(h: float, f: float) -> None:
    yh, yl = _pair(h, f)
    y = _value(yh, yl)
    if y >= 0:
        return
    assert _rel(_value(*k.expm1_negative(yh, yl)), mpmath.expm1(y)) <= k.EXPM1_BOUND


@settings(max_examples=60, deadline=None)
@given(st.floats(1e-290, 1e300), st.floats(-1, 1))
@example(h=1.0, f=0.47932149274129887)  # CI: log(1 + 2.7e-17) needs > 106-bit y
def test_log(h: float, f: float) -> None:
    yh, yl = _pair(h, f)
    y = _value(yh, yl)
    if y == 1:
        return
    assert _rel(_value(*k.log(yh, yl)), mpmath.log(y)) <= k.LOG_BOUND


@settings(max_examples=60, deadline=None)
@given(st.floats(-0.999, 1e10).filter(lambda v: abs(v) > 1e-290), st.floats(-1, 1))
def test_log1p(h: float, f: float) -> None:
    yh, yl = _pair(h, f)
    assert _rel(_value(*k.log1p(yh, yl)), mpmath.log1p(_value(yh, yl))) <= k.LOG_BOUND


@settings(max_examples=120, deadline=None)
@given(st.integers(1, 70), st.floats(0.5, 1), st.booleans(), st.floats(-1, 1))
@example(e=0, m=2 * 2.0**-4 / (1 - 2.0**-4), negative=False, f=1.0)  # z = 2^-4: 14 terms
@example(e=0, m=2 * 2.0**-8 / (1 + 2.0**-8), negative=True, f=-1.0)  # z = −2^-8: 7 terms
def test_log1p_small(e: int, m: float, negative: bool, f: float) -> None:
    """log1p where z = y/(2 + y) is small: every class of ATANH_TERMS, near its bounds."""
    yh, yl = _pair(math.ldexp(-m if negative else m, -e), f)
    assert _rel(_value(*k.log1p(yh, yl)), mpmath.log1p(_value(yh, yl))) <= k.LOG_BOUND


def test_atanh_terms_table() -> None:
    """Each class of ATANH_TERMS truncates below 2^-106: w^N/(1 − w) with w = b²(1 + 2^-50)
    (b = 0.1716 + 2^-50 for the last class, the docstring's bound on |z|), and its plain
    float64 terms start where w^J ≤ 2^-53."""
    for bound, (terms, plain) in k.ATANH_TERMS:
        b = mpmath.mpf(0.1716) + mpmath.mpf(2) ** -50 if bound == math.inf else _mp(bound)
        w = b**2 * (1 + mpmath.mpf(2) ** -50)
        assert w**terms / (1 - w) < mpmath.mpf(2) ** -105.9, (bound, terms)
        assert w**plain <= mpmath.mpf(2) ** -53 and terms - plain <= 10, (bound, plain)


def test_expm1_terms_table() -> None:
    """Each class of EXPM1_TERMS truncates below 2^-95 relative to |y| (b^N/(N+1)!, with
    b(1 + 2^-50) bounding |y|, b = 0.35 for the last class), its plain float64 terms
    weigh ≤ 2^-50 and there are at most 8 of them past the first."""
    for bound, (terms, plain) in k.EXPM1_TERMS:
        b = (mpmath.mpf(0.35) if bound == math.inf else _mp(bound)) * (1 + mpmath.mpf(2) ** -50)
        assert b**terms / mpmath.factorial(terms + 1) < mpmath.mpf(2) ** -95, (bound, terms)
        assert b**plain / mpmath.factorial(plain + 1) <= mpmath.mpf(2) ** -50, (bound, plain)
        assert 0 < plain < terms <= plain + 9


@settings(max_examples=120, deadline=None)
@given(st.integers(2, 60), st.floats(0.5, 1), st.floats(-1, 1))
@example(e=1, m=0.7, f=1.0)  # y = −0.35: 20 terms
def test_expm1_negative_small(e: int, m: float, f: float) -> None:
    """expm1 where the series serves: every class of EXPM1_TERMS."""
    yh, yl = _pair(-math.ldexp(m, -e), f)
    y = _value(yh, yl)
    if y < 0:
        assert _rel(_value(*k.expm1_negative(yh, yl)), mpmath.expm1(y)) <= k.EXPM1_BOUND


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-0.35, 0).filter(lambda v: v < -1e-300), min_size=2))
def test_expm1_mixed_classes(ys: list[float]) -> None:
    y = np.array(ys)
    vh, vl = k.expm1_negative(y, np.zeros_like(y))
    for index, point in enumerate(ys):
        got = _mp(float(vh[index])) + _mp(float(vl[index]))
        assert _rel(got, mpmath.expm1(_mp(point))) <= k.EXPM1_BOUND


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-0.29, 0.41).filter(lambda v: abs(v) > 1e-300), min_size=2))
def test_log1p_mixed_classes(ys: list[float]) -> None:
    """Points of several term counts in one call come back in their places."""
    y = np.array(ys)
    vh, vl = k.log1p(y, np.zeros_like(y))
    for index, point in enumerate(ys):
        got = _mp(float(vh[index])) + _mp(float(vl[index]))
        assert _rel(got, mpmath.log1p(_mp(point))) <= k.LOG_BOUND


@settings(max_examples=60, deadline=None)
@given(st.floats(-2.5, 2.5).filter(lambda v: abs(v) > 1e-290), st.floats(-1, 1))
def test_erf_series(h: float, f: float) -> None:
    th, tl = _pair(h, f)
    assert _rel(_value(*k.erf_series(th, tl)), mpmath.erf(_value(th, tl))) <= k.ERF_BOUND


@settings(max_examples=60, deadline=None)
@given(st.floats(2.5, 26.5), st.floats(-1, 1))
def test_erfc_continued_fraction(h: float, f: float) -> None:
    th, tl = _pair(h, f)
    vh, vl, bound = k.erfc_continued_fraction(th, tl)
    assert _rel(_value(vh, vl), mpmath.erfc(_value(th, tl))) <= bound[0]
    assert bound[0] < 2.0**-80


def _ball(mid: float, rad: float) -> vball_dw.Ball:
    return vball_dw.Ball(np.array([mid]), np.array([0.0]), np.array([rad]))


def _point(mid: float, rad: float, t: float) -> mpmath.mpf:
    exact = Fraction(mid) + Fraction(t) * Fraction(rad)
    return mpmath.mpf(exact.numerator) / exact.denominator


def _inside(ball: vball_dw.Ball, true: mpmath.mpf) -> bool:
    return abs(_value(ball.hi, ball.lo) - true) <= _mp(float(ball.rad[0]))


balls = st.tuples(st.floats(-30, 30), st.floats(0, 1e-20) | st.just(0.0), st.floats(-1, 1))


@settings(max_examples=60, deadline=None)
@given(balls, balls)
@example(a=(1.1125369292536007e-308, 0.0, 0.0), b=(8.258627731204757e-112, 0.0, 0.0))  # div
def test_balls_contain(a: tuple, b: tuple) -> None:
    x, y = _ball(a[0], a[1]), _ball(b[0], b[1])
    p, q = _point(*a), _point(*b)
    assert _inside(vball_dw.add(x, y), p + q)
    assert _inside(vball_dw.mul(x, y), p * q)
    quotient = vball_dw.div(x, y)
    if np.isfinite(quotient.rad[0]):
        assert _inside(quotient, p / q)
    assert _inside(vball_dw.exp(x), mpmath.exp(p))
    assert _inside(vball_dw.tanh(x), mpmath.tanh(p))
    assert _inside(vball_dw.erf(x), mpmath.erf(p))
    assert _inside(vball_dw.erfc(x), mpmath.erfc(p))
    assert _inside(vball_dw.expm1_ball(x), mpmath.expm1(p))
    assert _inside(sigmoid.vector_ball(vball_dw, x), 1 / (1 + mpmath.exp(-p)))
    if p > 0 and np.isfinite(vball_dw.log(x).rad[0]):
        assert _inside(vball_dw.log(x), mpmath.log(p))
    if np.isfinite(vball_dw.log1p_ball(x).rad[0]):
        assert _inside(vball_dw.log1p_ball(x), mpmath.log1p(p))


# ---------------------------------------------------------------- GELU_tanh's far tail


def _gelu_tanh(x: mpmath.mpf) -> mpmath.mpf:
    v = 2 * mpmath.sqrt(2 / mpmath.pi) * (x + mpmath.mpf(44715) / 10**6 * x**3)
    return x / (1 + mpmath.exp(-v))


def _float64(value: mpmath.mpf) -> float:
    """value rounded to nearest float64, subnormals included (by mpmath, not the code)."""
    if value == 0:
        return 0.0
    _, exponent = mpmath.frexp(value)  # value = m·2^exponent, 1/2 ≤ |m| < 1
    quantum = max(int(exponent) - 53, -1074)
    n = int(mpmath.nint(value * mpmath.mpf(2) ** -quantum))
    return math.copysign(math.ldexp(float(n), quantum), float(value))


def test_gelu_tanh_tail_bound() -> None:
    """The inequality behind the zero band: g(x) = ln|x| + v(x) at TAIL_ZERO is below
    −1095·ln 2 (g increases for x ≤ −1), and v spans the band the comment states."""
    module = importlib.import_module("symbolic.functions.gelu_tanh")  # not the class

    scale = 2 * mpmath.sqrt(2 / mpmath.pi)
    c = mpmath.mpf(44715) / 10**6

    def v(x: float) -> mpmath.mpf:
        return scale * (x + c * mpmath.mpf(x) ** 3)

    assert scale > 1.59
    assert mpmath.log(-module.TAIL_ZERO) + v(module.TAIL_ZERO) < -1095 * mpmath.log(2)
    assert v(module.TAIL_START) < -647 and v(module.TAIL_ZERO) > -769
    assert mpmath.exp(v(module.TAIL_START)) < mpmath.mpf(2) ** -933


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(-23.0, -20.0), min_size=1, max_size=40))
@example(xs=[-21.2075, -21.18, -21.75, -21.7500001, -20.5, -22.4, -1e300])
def test_gelu_tanh_tail_rounds_like_mpmath(xs: list[float]) -> None:
    """Far negative points: decided without Arb (`vectorized.rounded`), each equal, sign
    included, to mpmath's value rounded to float64 (subnormals and −0 among them)."""
    from symbolic.arith import ieee
    from symbolic.numbers import oracle, vectorized

    x = np.array(xs)
    values, decided = vectorized.rounded(
        oracle.to_expression("gelu_tanh(x)"), x, ieee.FORMATS["float64"]
    )
    assert decided.all()
    for point, value in zip(xs, values, strict=True):
        want = _float64(_gelu_tanh(mpmath.mpf(point)))
        want = -0.0 if want == 0 else want
        assert value == want and np.signbit(value) == np.signbit(want), point


# ---------------------------------------------------------------- Mish's ball (one exponential)


@settings(max_examples=80, deadline=None)
@given(st.tuples(st.floats(-800, 800), st.floats(0, 1e-20) | st.just(0.0), st.floats(-1, 1)))
@example(a=(0.0, 1e-20, 0.5))
@example(a=(-740.0, 0.0, 0.0))
@example(a=(746.0, 0.0, 0.0))
def test_mish_ball_contains(a: tuple) -> None:
    """Mish's vector ball (double-word and plain float64) holds mpmath's u·tanh(log1p(e^u))
    at points of the ball, both branches of the midpoint's sign included."""
    from symbolic.arith import vball
    from symbolic.functions import mish

    p = _point(*a)
    true = p * mpmath.tanh(mpmath.log1p(mpmath.exp(p)))
    with np.errstate(all="ignore"):  # as the oracle runs the balls (e^-746: radius +inf)
        ball = mish.vector_ball(vball_dw, _ball(a[0], a[1]))
        plain = mish.vector_ball(vball, vball.Ball(np.array([a[0]]), np.array([a[1]])))
    assert _inside(ball, true)
    assert abs(_mp(float(plain.mid[0])) - true) <= _mp(float(plain.rad[0]))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(-40, 40) | st.floats(-1e-140, 1e-140), min_size=1, max_size=8),
    st.floats(0, 1e-20) | st.just(0.0),
)
@example(xs=[0.0, 2.0**-500, -(2.0**-501), 3.0, -21.0], rad=0.0)
@example(xs=[1e-300, -5.0], rad=0.0)
def test_gelu_tanh_ball_contains(xs: list[float], rad: float) -> None:
    """GELU_tanh's vector ball (v as a double-word for exact arguments, the balls' chain
    otherwise) holds mpmath's x·σ(v) at the ball's midpoints."""
    from symbolic.arith import vball
    from symbolic.functions import gelu_tanh

    x = np.array(xs)
    ball = gelu_tanh.vector_ball(vball_dw, vball_dw.Ball(x, np.zeros_like(x), np.full_like(x, rad)))
    plain = gelu_tanh.vector_ball(vball, vball.Ball(x, np.full_like(x, rad)))
    for index, point in enumerate(xs):
        true = _gelu_tanh(_mp(point))
        got = _mp(float(ball.hi[index])) + _mp(float(ball.lo[index]))
        assert abs(got - true) <= _mp(float(ball.rad[index])), point
        assert abs(_mp(float(plain.mid[index])) - true) <= _mp(float(plain.rad[index])), point
        if rad == 0 and abs(point) > 1e-100 and abs(true) > mpmath.mpf(2) ** -900:
            assert ball.rad[index] < 2.0**-80 * abs(true)  # narrow enough to decide


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(2.0**-500, 2.0**300) | st.floats(-40, 40), min_size=1, max_size=8))
@example(xs=[1.0, -1.0, 0.0, 2.0**-500, 2.0**300, -21.0])
def test_gelu_tanh_v_exact(xs: list[float]) -> None:
    """v = S·x·(1 + c·x²) for exact x as a double-word, within the radius argued
    (2^-101 relative and TINY), against mpmath."""
    module = importlib.import_module("symbolic.functions.gelu_tanh")
    x = np.array(xs)
    v = module._v_exact(vball_dw, x)
    for index, point in enumerate(xs):
        p = _mp(point)
        true = 2 * mpmath.sqrt(2 / mpmath.pi) * p * (1 + mpmath.mpf(44715) / 10**6 * p**2)
        got = _mp(float(v.hi[index])) + _mp(float(v.lo[index]))
        assert abs(got - true) <= _mp(float(v.rad[index])), point


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(-670, 670) | st.floats(-1e-300, 1e-300), min_size=1, max_size=8),
    st.floats(0, 1e-20) | st.just(0.0),
)
@example(xs=[0.0, -670.0, 670.0, -1.0, 5e-324, -36.0], rad=0.0)
@example(xs=[-700.0, 3.0], rad=0.0)  # beyond 670: the balls' chain
def test_silu_ball_contains(xs: list[float], rad: float) -> None:
    """SiLU's vector ball (double-words for exact arguments, σ's ball otherwise) holds
    mpmath's x·σ(x), and is narrow (2^-87 relative) for exact arguments."""
    from symbolic.functions import silu

    x = np.array(xs)
    ball = silu.vector_ball(vball_dw, vball_dw.Ball(x, np.zeros_like(x), np.full_like(x, rad)))
    for index, point in enumerate(xs):
        true = _mp(point) / (1 + mpmath.exp(-_mp(point)))
        got = _mp(float(ball.hi[index])) + _mp(float(ball.lo[index]))
        assert abs(got - true) <= _mp(float(ball.rad[index])), point
        if rad == 0 and abs(true) > mpmath.mpf(2) ** -900:
            assert ball.rad[index] <= 2.0**-86 * abs(true)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(-670, 670) | st.floats(-1e-300, 1e-300), min_size=1, max_size=8),
    st.floats(0, 1e-20) | st.just(0.0),
)
@example(xs=[0.0, -670.0, 670.0, -0.5, 0.5, 5e-324, -36.0, 37.0], rad=0.0)
@example(xs=[-700.0, 3.0], rad=0.0)  # beyond 670: the balls' chain
def test_softplus_log_sigmoid_balls_contain(xs: list[float], rad: float) -> None:
    """softplus's and log_sigmoid's vector balls (double-words for exact arguments) hold
    mpmath's log1p(e^x) and −log1p(e^(−x)), narrow (2^-86) for exact arguments."""
    from symbolic.functions import log_sigmoid, softplus

    x = np.array(xs)
    ball = vball_dw.Ball(x, np.zeros_like(x), np.full_like(x, rad))
    for function, sign in ((softplus, 1), (log_sigmoid, -1)):
        out = function.vector_ball(vball_dw, ball)
        for index, point in enumerate(xs):
            true = sign * mpmath.log1p(mpmath.exp(sign * _mp(point)))
            got = _mp(float(out.hi[index])) + _mp(float(out.lo[index]))
            assert abs(got - true) <= _mp(float(out.rad[index])), (function, point)
            if rad == 0 and abs(true) > mpmath.mpf(2) ** -900:
                assert out.rad[index] <= 2.0**-85.9 * abs(true)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(allow_nan=False, allow_infinity=True)
            | st.sampled_from([1.0, -0.5, 2.0**-960, 2.0**-961, 2.0**-1000, 0.0, -0.0]),
            st.floats(-1, 1),
            st.sampled_from([0.0, 2.0**-1060, 1e-30, math.inf, math.nan]) | st.floats(0, 2.0**-60),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_decide_double_is_decide(cases: list[tuple[float, float, float]]) -> None:
    """The double-word shortcut decides exactly as `decide` does (values, masks)."""
    from symbolic.arith import ieee
    from symbolic.numbers import vectorized

    hi = np.array([h for h, _, _ in cases])
    fmt = ieee.FORMATS["float64"]
    with np.errstate(all="ignore"):
        half_ulp = np.where(np.isfinite(hi), np.spacing(np.abs(hi)) / 2, 0.0)
        lo = np.where(np.isfinite(half_ulp), np.array([f for _, f, _ in cases]) * half_ulp, 0.0)
        rad = np.array([r for _, _, r in cases]) * np.where(np.isfinite(hi), np.abs(hi), 1.0)
        ball = vball_dw.Ball(hi, lo, rad)
        want, got = vectorized.decide(ball, fmt), vectorized.decide_double(ball, fmt)
    assert (want[1] == got[1]).all() and (want[2] == got[2]).all()
    decided = want[1]
    assert (want[0][decided] == got[0][decided]).all()
    assert (np.signbit(want[0][decided]) == np.signbit(got[0][decided])).all()
