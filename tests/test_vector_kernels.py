"""The float64 kernels and the ball operations against mpmath at 200 bits, with the
bounds they claim (symbolic/arith/kernels64.py, symbolic/numbers/vball.py)."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from symbolic.arith import kernels64 as k64
from symbolic.arith import vball
from symbolic.functions import sigmoid


@pytest.fixture(autouse=True)
def _precision() -> Iterator[None]:
    """This module's references need 200 bits (conftest resets mpmath per test)."""
    mpmath.mp.prec = 200
    yield


finite = st.floats(allow_nan=False, allow_infinity=False)


SUBNORMAL = mpmath.mpf(2) ** -1074  # results below 2^-1022 may be off by this more


def _rel(got: float, true: mpmath.mpf) -> mpmath.mpf:
    """The relative error, less what the absolute error allowance on subnormals covers."""
    error = max(abs(mpmath.mpf(got) - true) - SUBNORMAL, 0)
    return error / abs(true)


@settings(max_examples=300, deadline=None)
@given(st.floats(-708, 709))
def test_exp(y: float) -> None:
    got = float(k64.exp(np.array([y]))[0])
    assert _rel(got, mpmath.exp(mpmath.mpf(y))) <= k64.EXP_BOUND


@settings(max_examples=200, deadline=None)
@given(st.floats(-745, -708))
def test_exp_subnormal_results(y: float) -> None:
    got = float(k64.exp(np.array([y]))[0])
    true = mpmath.exp(mpmath.mpf(y))
    assert abs(mpmath.mpf(got) - true) <= k64.EXP_BOUND * true + SUBNORMAL / 2


@settings(max_examples=300, deadline=None)
@given(st.floats(-800, 0, exclude_max=True) | st.floats(-1e-300, 0, exclude_max=True))
def test_expm1_negative(y: float) -> None:
    got = float(k64.expm1_negative(np.array([y]))[0])
    assert _rel(got, mpmath.expm1(mpmath.mpf(y))) <= k64.EXPM1_BOUND


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=5e-324, max_value=1.7e308))
def test_log(y: float) -> None:
    got = float(k64.log(np.array([y]))[0])
    if y == 1.0:
        assert got == 0.0
        return
    assert _rel(got, mpmath.log(mpmath.mpf(y))) <= k64.LOG_BOUND


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-1, max_value=1e300, exclude_min=True))
def test_log1p(y: float) -> None:
    got = float(k64.log1p(np.array([y]))[0])
    if y == 0.0:
        assert got == 0.0
        return
    assert _rel(got, mpmath.log1p(mpmath.mpf(y))) <= k64.LOG_BOUND


@settings(max_examples=300, deadline=None)
@given(st.floats(-2, 2).filter(lambda t: t != 0))
def test_erf_series(t: float) -> None:
    got = float(k64.erf_series(np.array([t]))[0])
    assert _rel(got, mpmath.erf(mpmath.mpf(t))) <= k64.ERF_BOUND


@settings(max_examples=300, deadline=None)
@given(st.floats(1.25, 26.5))
def test_erfc_continued_fraction(t: float) -> None:
    value, bound = k64.erfc_continued_fraction(np.array([t]))
    assert _rel(float(value[0]), mpmath.erfc(mpmath.mpf(t))) <= float(bound[0])
    assert bound[0] < 2.0**-40


# ---------------------------------------------------------------- ball operations


def _inside(ball: vball.Ball, true: mpmath.mpf) -> bool:
    return abs(mpmath.mpf(float(ball.mid[0])) - true) <= mpmath.mpf(float(ball.rad[0]))


def _ball(mid: float, rad: float) -> vball.Ball:
    return vball.Ball(np.array([mid]), np.array([rad]))


def _point(mid: float, rad: float, t: float) -> mpmath.mpf:
    """The exact point mid + t·rad of the ball (t in [−1, 1])."""
    exact = Fraction(mid) + Fraction(t) * Fraction(rad)
    return mpmath.mpf(exact.numerator) / exact.denominator


balls = st.tuples(
    st.floats(-50, 50),
    st.floats(0, 1e-3) | st.just(0.0),
    st.floats(-1, 1),
)


@settings(max_examples=300, deadline=None)
@given(balls, balls)
@example(a=(0.0, 2.584933676179121e-247, 1.0), b=(2.7021124817048194e-89, 0.0, 0.0))  # CI
def test_arithmetic_contains(a: tuple, b: tuple) -> None:
    x, y = _ball(a[0], a[1]), _ball(b[0], b[1])
    p, q = _point(*a), _point(*b)
    assert _inside(vball.add(x, y), p + q)
    assert _inside(vball.mul(x, y), p * q)
    quotient = vball.div(x, y)
    if np.isfinite(quotient.rad[0]):
        assert _inside(quotient, p / q)
    assert _inside(vball.power(x, 3), p**3)
    inverse = vball.power(x, -2)
    if np.isfinite(inverse.rad[0]):
        assert _inside(inverse, p**-2)


@settings(max_examples=300, deadline=None)
@given(balls)
def test_functions_contain(a: tuple) -> None:
    x, p = _ball(a[0], a[1]), _point(*a)
    assert _inside(vball.exp(x), mpmath.exp(p))
    assert _inside(vball.tanh(x), mpmath.tanh(p))
    assert _inside(vball.erf(x), mpmath.erf(p))
    assert _inside(vball.erfc(x), mpmath.erfc(p))
    assert _inside(sigmoid.vector_ball(vball, x), 1 / (1 + mpmath.exp(-p)))
    assert _inside(vball.expm1_ball(x), mpmath.expm1(p))
    logarithm = vball.log(x)
    if np.isfinite(logarithm.rad[0]):
        assert _inside(logarithm, mpmath.log(p))
    log1p = vball.log1p_ball(x)
    if np.isfinite(log1p.rad[0]):
        assert _inside(log1p, mpmath.log1p(p))


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e6, 1e6), st.floats(0, 2.0**-30), st.floats(-1, 1))
def test_tails_contain(mid: float, rad: float, t: float) -> None:
    """Large arguments: exponentials below the float64 range, erfc's tail, tanh near ±1."""
    x, p = _ball(mid, rad), _point(mid, rad, t)
    assert _inside(vball.exp(x), mpmath.exp(p))
    assert _inside(vball.erfc(x), mpmath.erfc(p))
    assert _inside(vball.tanh(x), mpmath.tanh(p))
    assert _inside(sigmoid.vector_ball(vball, x), 1 / (1 + mpmath.exp(-p)))
