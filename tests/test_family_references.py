"""Tests of the references themselves (tests/family_references.py) against mpmath, a second
engine: fixed extreme and moderate points, random points (hypothesis), the hand-derived
derivative formulas against mpmath's numerical differentiation of the definitions, and the
published hard-to-round binary64 cases."""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.data.make_hard_to_round import MPMATH
from tests.family_references import (
    DECIMAL_REFERENCE,
    FAMILY,
    Scaled,
    Value,
    binary64_nearest,
    decimal_erf,
    decimal_erfc,
    decimal_expm1,
    decimal_family,
    decimal_tanh,
    hard_to_round_cases,
    midpoint_distance,
    value_to_fraction,
)

PREC = 50
FLOAT_MAX = 1.7976931348623157e308
EXTREMES = [1e5, 1e38, FLOAT_MAX]
MODERATE = [0.5, 1.0, 1.2784645427610738, 2.399357280515467, 5.0, 10.0, 20.0, 40.0]
POINTS = [0.0, 1e-30, -1e-30] + [s * x for x in MODERATE + EXTREMES for s in (1, -1)]


def to_mpf(v: Value) -> mpmath.mpf:
    if isinstance(v, Scaled):
        return mpmath.mpf(str(v.significand)) * mpmath.mpf(10) ** v.exponent
    return mpmath.mpf(str(v))


def dps_for(x: float) -> int:
    """Digits mpmath needs so that e^(±x³-sized arguments) keep PREC + 20 relative digits."""
    size = max(0, math.floor(math.log10(abs(x)))) if x else 0
    return PREC + 40 + 3 * size


# ---------------------------------------------------------------- mpmath references
# Stable forms in mpmath, written independently of the decimal module's kernels where
# possible (Mish″ through sech² and σ, GELU_tanh through e^u/cosh u and sech²).


def mp_erfc(x: mpmath.mpf) -> mpmath.mpf:
    if x > 1e100:  # mpmath.erfc overflows a float internally there
        return mpmath.exp(-x * x) / mpmath.sqrt(mpmath.pi) * mpmath.hyperu(0.5, 0.5, x * x)
    if x < -1e100:
        return mpmath.mpf(2)
    return mpmath.erfc(x)


def mp_sigma(t, order=0):
    e = mpmath.exp(-abs(t))
    if order == 0:
        return 1 / (1 + e) if t >= 0 else e / (1 + e)
    first = e / (1 + e) ** 2
    return first if order == 1 else -first * mpmath.tanh(t / 2)


def mp_softplus(t):
    return t + mpmath.log1p(mpmath.exp(-t)) if t > 0 else mpmath.log1p(mpmath.exp(t))


def mp_family(name: str, x: float, order: int) -> mpmath.mpf:
    t = mpmath.mpf(x)
    if name == "sigmoid":
        return mp_sigma(t, order)
    if name == "tanh":
        sech2 = mpmath.sech(t) ** 2
        return [mpmath.tanh(t), sech2, -2 * mpmath.tanh(t) * sech2][order]
    if name == "softplus":
        return mp_softplus(t) if order == 0 else mp_sigma(t, order - 1)
    if name == "log_sigmoid":
        return [-mp_softplus(-t), mp_sigma(-t), -mp_sigma(t, 1)][order]
    if name == "silu":
        return [
            t * mp_sigma(t),
            mp_sigma(t) + t * mp_sigma(t, 1),
            2 * mp_sigma(t, 1) + t * mp_sigma(t, 2),
        ][order]
    if name == "gelu":
        big_phi = mp_erfc(-t / mpmath.sqrt(2)) / 2
        small_phi = mpmath.exp(-t * t / 2) / mpmath.sqrt(2 * mpmath.pi)
        return [t * big_phi, big_phi + t * small_phi, small_phi * (2 - t * t)][order]
    if name == "gelu_tanh":
        k = mpmath.sqrt(2 / mpmath.pi)
        c = mpmath.mpf("0.044715")
        u = k * (t + c * t**3)
        u1, u2 = k * (1 + 3 * c * t**2), k * 6 * c * t
        one_plus_tanh = mpmath.exp(u) / mpmath.cosh(u)
        sech2 = mpmath.sech(u) ** 2
        return [
            t / 2 * one_plus_tanh,
            one_plus_tanh / 2 + t / 2 * sech2 * u1,
            sech2 * (u1 + t / 2 * (u2 - 2 * mpmath.tanh(u) * u1**2)),
        ][order]
    if name == "mish":
        sp = mp_softplus(t)
        th, sech2 = mpmath.tanh(sp), mpmath.sech(sp) ** 2
        t1 = sech2 * mp_sigma(t)
        t2 = sech2 * (mp_sigma(t, 1) - 2 * th * mp_sigma(t) ** 2)
        return [t * th, th + t * t1, 2 * t1 + t * t2][order]
    raise KeyError(name)


def definition(name: str):
    """The plain definition, for mpmath.diff."""
    k = mpmath.sqrt(2 / mpmath.pi)
    return {
        "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
        "tanh": mpmath.tanh,
        "softplus": lambda t: mpmath.log(1 + mpmath.exp(t)),
        "log_sigmoid": lambda t: mpmath.log(1 / (1 + mpmath.exp(-t))),
        "silu": lambda t: t / (1 + mpmath.exp(-t)),
        "gelu": lambda t: t / 2 * (1 + mpmath.erf(t / mpmath.sqrt(2))),
        "gelu_tanh": lambda t: t / 2 * (1 + mpmath.tanh(k * (t + mpmath.mpf("0.044715") * t**3))),
        "mish": lambda t: t * mpmath.tanh(mpmath.log(1 + mpmath.exp(t))),
    }[name]


def assert_close(v: Value, reference: mpmath.mpf, prec: int, what: str) -> None:
    """v is reference rounded to prec digits: within half a unit of the prec-th digit
    (plus the reference's own 10^(−prec−15))."""
    got = to_mpf(v)
    if reference == 0:
        assert got == 0, what
        return
    bound = mpmath.mpf(10) ** (1 - prec) / 2 * (1 + mpmath.mpf(10) ** -10)
    assert abs(got - reference) <= bound * abs(reference), f"{what}: {v} vs {reference}"


# ---------------------------------------------------------------- fixed points


@pytest.mark.parametrize("name", FAMILY)
def test_family_at_fixed_points(name):
    for x in POINTS:
        for order in range(3):
            v = decimal_family(name, x, order, PREC)
            with mpmath.workdps(dps_for(x)):
                assert_close(v, mp_family(name, x, order), PREC, f"{name}^({order})({x})")


@pytest.mark.parametrize("name", FAMILY)
def test_hand_derivatives_match_numerical_differentiation(name):
    """The derivative formulas (in the decimal module and in mp_family) against
    mpmath.diff of the plain definition, at moderate points."""
    for x in [-4.5, -1.25, -0.3, 0.0, 0.7, 1.9, 4.0]:
        for order in (1, 2):
            with mpmath.workdps(80):
                numeric = mpmath.diff(definition(name), mpmath.mpf(x), order)
                v = to_mpf(decimal_family(name, x, order, 40))
                assert abs(v - numeric) <= mpmath.mpf(10) ** -35 * max(1, abs(numeric)), (
                    name,
                    x,
                    order,
                )


def test_documented_values():
    # erfc(30) ≈ 2.56e-393 relative-accurate; softplus(1e5) = 1e5 + e^(−1e5)
    assert str(decimal_erfc(30, 20)) == "2.5646562037561116000E-393"
    assert decimal_erfc(-30, 20) == 2
    assert decimal_family("softplus", 1e5, 0, 30) == Decimal(10**5)
    assert str(decimal_family("softplus", -1e5, 0, 20)) == "3.5629495653093731211E-43430"
    # σ(−1e38) = e^(−1e38) is beyond decimal's exponent range (±10^18): a Scaled value
    tiny = decimal_family("sigmoid", -1e38, 0, 20)
    assert isinstance(tiny, Scaled)
    with mpmath.workdps(80):
        assert_close(tiny, mpmath.exp(mpmath.mpf(-1e38)), 20, "σ(−1e38)")
    assert decimal_tanh("1e-30", 30) == Decimal("1.00000000000000000000000000000E-30")
    assert decimal_family("mish", 0, 1, 20) == Decimal("0.6")
    assert decimal_family("mish", 0, 2, 20) == Decimal("0.64")
    assert decimal_family("gelu_tanh", 0, 1, 20) == Decimal("0.5")


@pytest.mark.parametrize(
    "x",
    [
        0.0,
        1e-30,
        -1e-30,
        0.3,
        -0.7,
        2.0,
        -3.0,
        5.5,
        9.0,
        13.6,
        14.0,
        30.0,
        -30.0,
        100.0,
        1e5,
        -1e5,
        1e38,
        -1e38,
        FLOAT_MAX,
        -FLOAT_MAX,
    ],
)
def test_erf_erfc_expm1_at_fixed_points(x):
    with mpmath.workdps(dps_for(x) + 650):
        t = mpmath.mpf(x)
        assert_close(
            decimal_erf(x, PREC), mpmath.erf(t) if abs(x) < 1e100 else mpmath.sign(t), PREC, "erf"
        )
        assert_close(decimal_erfc(x, PREC), mp_erfc(t), PREC, "erfc")
        if x < 1e5:
            assert_close(decimal_expm1(x, PREC), mpmath.expm1(t), PREC, "expm1")


# ---------------------------------------------------------------- random points


moderate = st.floats(min_value=-60, max_value=60, allow_nan=False)
wide = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=30, deadline=None)
@given(x=moderate, order=st.integers(0, 2), name=st.sampled_from(FAMILY))
def test_family_random_moderate(x, order, name):
    with mpmath.workdps(dps_for(x)):
        assert_close(decimal_family(name, x, order, 40), mp_family(name, x, order), 40, name)


@settings(max_examples=30, deadline=None)
@given(x=wide, order=st.integers(0, 2), name=st.sampled_from(FAMILY))
def test_family_random_wide(x, order, name):
    with mpmath.workdps(dps_for(x)):
        assert_close(decimal_family(name, x, order, 30), mp_family(name, x, order), 30, name)


@pytest.mark.parametrize("order", range(3))
@pytest.mark.parametrize("name", FAMILY)
@settings(max_examples=3, deadline=None)
@given(x=st.floats(min_value=1e6, max_value=FLOAT_MAX), negative=st.booleans())
def test_family_random_huge(name, order, x, negative):
    """The asymptotic forms (beyond |argument| = 10^6) at random huge inputs."""
    x = -x if negative else x
    with mpmath.workdps(dps_for(x)):
        assert_close(decimal_family(name, x, order, 30), mp_family(name, x, order), 30, name)


@settings(max_examples=60, deadline=None)
@given(x=st.floats(min_value=-40, max_value=40, allow_nan=False))
def test_erf_erfc_tanh_expm1_random(x):
    with mpmath.workdps(200):
        t = mpmath.mpf(x)
        assert_close(decimal_erf(x, 40), mpmath.erf(t), 40, "erf")
        assert_close(decimal_erfc(x, 40), mpmath.erfc(t), 40, "erfc")
        assert_close(decimal_tanh(x, 40), mpmath.tanh(t), 40, "tanh")
        assert_close(decimal_expm1(x, 40), mpmath.expm1(t), 40, "expm1")


# ---------------------------------------------------------------- binary64 rounding


def test_binary64_nearest_by_exact_arithmetic():
    assert binary64_nearest(Fraction(1, 3)) == 1 / 3
    one_ulp = Fraction(2) ** -52
    assert binary64_nearest(1 + one_ulp / 2) == 1.0  # tie to even
    assert binary64_nearest(1 + 3 * one_ulp / 2) == 1 + 2 * float(one_ulp)  # tie to even
    assert binary64_nearest(-(1 + one_ulp / 2 + Fraction(1, 2**200))) == -(1 + float(one_ulp))
    assert binary64_nearest(Fraction(2) ** 1024) == math.inf
    assert midpoint_distance(1 + one_ulp / 2) == 0
    assert midpoint_distance(Fraction(1)) == Fraction(1, 2)
    for x in [0.1, 1e-310, 5e-324, FLOAT_MAX, -2.5]:
        assert binary64_nearest(Fraction(x)) == x


# ---------------------------------------------------------------- hard-to-round cases


def mp_exact(v: mpmath.mpf) -> Fraction:
    sign, man, exp, _ = v._mpf_
    magnitude = Fraction(man) * Fraction(2) ** exp
    return -magnitude if sign else magnitude


def test_hard_cases_present():
    counts = Counter(case.function for case in hard_to_round_cases())
    assert set(counts) == set(MPMATH)
    assert all(n >= 5 for n in counts.values()), counts


@pytest.mark.parametrize("case", hard_to_round_cases(), ids=lambda c: f"{c.function}({c.x.hex()})")
def test_hard_case_by_mpmath(case):
    """The expected result and the recorded closeness, re-measured with mpmath."""
    with mpmath.workdps(240):
        q = mp_exact(MPMATH[case.function](mpmath.mpf(case.x)))
    assert binary64_nearest(q) == case.nearest
    distance = midpoint_distance(q)
    assert distance < Fraction(1, 2**40)
    assert abs(math.log2(distance) - case.log2_distance) < 0.01


@pytest.mark.parametrize("case", hard_to_round_cases(), ids=lambda c: f"{c.function}({c.x.hex()})")
def test_hard_case_by_decimal(case):
    """The decimal references at 60 digits (relative error < 10^−59 ≪ 2^−93) put the value
    on the same side of the midpoint: the whole interval rounds to `nearest`."""
    v = value_to_fraction(DECIMAL_REFERENCE[case.function](case.x, 60))
    radius = abs(v) / 10**59
    assert binary64_nearest(v - radius) == case.nearest == binary64_nearest(v + radius)
