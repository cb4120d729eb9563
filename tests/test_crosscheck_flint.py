"""The python-flint cross-check (benchmarks/crosscheck_flint.py): its own rounding, its
closed forms, and a small run of it against `oracle.rounded` with no disagreement."""

from __future__ import annotations

import importlib.util
import sys
import zlib
from fractions import Fraction
from pathlib import Path

import flint
import ml_dtypes
import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "crosscheck_flint.py"
_SPEC = importlib.util.spec_from_file_location("crosscheck_flint", _PATH)
xc = importlib.util.module_from_spec(_SPEC)
sys.modules["crosscheck_flint"] = xc
_SPEC.loader.exec_module(xc)

FORMATS = list(xc.FORMATS.values())
FLOAT32 = xc.FORMATS["float32"]


def _round(q: Fraction, fmt) -> int:
    return xc.round_rational(q.numerator, q.denominator, fmt)


def _finite_patterns(fmt) -> st.SearchStrategy[int]:
    top = (1 << (fmt.width - fmt.precision)) - 1
    return st.integers(0, (1 << fmt.width) - 1).filter(
        lambda b: (b >> (fmt.precision - 1)) & top != top
    )


def _overflow_threshold(fmt) -> Fraction:
    """max + ½ ulp: from here on a value rounds to infinity."""
    return Fraction(2 * (1 << fmt.precision) - 1, 2) * Fraction(2) ** (fmt.emax - fmt.precision + 1)


# ----------------------------------------------------------------------------- rounding


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_representable_neighbours_and_midpoints(fmt, data) -> None:
    """Exact values round to themselves; the exact midpoint to the even neighbour; a hair
    either side of it to the nearer one. Built from bit patterns, not from floats."""
    bits = data.draw(_finite_patterns(fmt))
    value = fmt.value(bits)
    negative = bits >> (fmt.width - 1)
    assert _round(value, fmt) == (0 if value == 0 else bits)  # −0 is the exact value 0
    up = bits + 1  # the next pattern away from zero (may be ±inf)
    beyond = fmt.value(up)
    if beyond is None:  # bits is ±max: the midpoint is the overflow threshold
        midpoint = -_overflow_threshold(fmt) if negative else _overflow_threshold(fmt)
    else:
        midpoint = (value + beyond) / 2
    hair = abs(midpoint - value) / 2**80
    toward = -hair if negative else hair  # away from zero
    assert _round(midpoint, fmt) == (bits if bits % 2 == 0 else up)
    assert _round(midpoint - toward, fmt) == bits
    assert _round(midpoint + toward, fmt) == up
    between = value + (midpoint - value) * Fraction(data.draw(st.integers(1, 999)), 1000)
    if value != 0:
        assert _round(between, fmt) == bits


def _decoded(bits: int, fmt) -> Fraction | None:
    return fmt.value(bits)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
@settings(max_examples=150, deadline=None)
@given(
    numerator=st.integers(-(2**200), 2**200),
    denominator=st.integers(1, 2**200),
    scale=st.integers(-200, 200),
)
def test_any_rational_rounds_to_a_nearest_value(fmt, numerator, denominator, scale) -> None:
    """The result is a nearest value (ties to the even pattern), or ±inf from max + ½ ulp
    on, and its sign is that of q (−0 for a negative q that rounds to 0)."""
    q = Fraction(numerator, denominator) * Fraction(2) ** scale
    bits = _round(q, fmt)
    sign_bit = bits >> (fmt.width - 1)
    assert sign_bit == (1 if q < 0 else 0)
    value = _decoded(bits, fmt)
    threshold = _overflow_threshold(fmt)
    if value is None:
        assert abs(q) >= threshold
        return
    assert abs(q) < threshold
    error = abs(q - value)
    magnitude = bits & ((1 << (fmt.width - 1)) - 1)
    for neighbour in (magnitude - 1, magnitude + 1):
        if neighbour < 0:
            continue
        other = _decoded(neighbour | (sign_bit << (fmt.width - 1)), fmt)
        if other is None:
            continue
        other_error = abs(q - other)
        assert error <= other_error
        if error == other_error:
            assert magnitude % 2 == 0
    if magnitude == 0 and q != 0:  # nothing on the other side of zero is nearer
        assert abs(q) <= fmt.value(1) / 2


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float64_values_match_numpy(x) -> None:
    """NumPy's float64 → float32 and → float16 round once, to nearest even."""
    q = Fraction(x)
    for fmt, dtype, uint in (
        (FLOAT32, np.float32, np.uint32),
        (xc.FORMATS["float16"], np.float16, np.uint16),
    ):
        with np.errstate(over="ignore"):
            expected = int(np.array(x, dtype=np.float64).astype(dtype).view(uint))
        if q == 0:
            expected = 0  # the exact value of −0.0 is 0
        assert _round(q, fmt) == expected


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1).filter(lambda b: (b >> 23) & 0xFF != 0xFF))
def test_float32_values_match_ml_dtypes_bfloat16(bits) -> None:
    """ml_dtypes' float32 → bfloat16 rounds once, to nearest even (subnormals included)."""
    x = np.array(bits, dtype=np.uint32).view(np.float32)
    q = FLOAT32.value(bits)
    expected = int(np.array(x).astype(ml_dtypes.bfloat16).view(np.uint16))
    assert _round(q, xc.FORMATS["bfloat16"]) == (0 if q == 0 else expected)


def test_huge_and_tiny_dyadics() -> None:
    assert xc.round_dyadic(3, 10**9, FLOAT32) == 0x7F800000
    assert xc.round_dyadic(-3, 10**9, FLOAT32) == 0xFF800000
    assert xc.round_dyadic(3, -(10**9), FLOAT32) == 0
    assert xc.round_dyadic(-3, -(10**9), FLOAT32) == 0x80000000
    assert xc.round_dyadic(1, -150, FLOAT32) == 0  # half the smallest subnormal: tie to 0
    assert xc.round_dyadic(3, -151, FLOAT32) == 1  # 3/4 of it: up
    assert xc.round_dyadic(1, 128, FLOAT32) == 0x7F800000


def test_a_ball_over_a_midpoint_or_over_zero_is_undecided() -> None:
    flint.ctx.prec = 64
    try:
        one = flint.arb(1)
        midpoint = one + flint.arb(2) ** -24  # between 1 and its float32 successor
        assert xc.round_ball(flint.arb(midpoint, flint.arb(2) ** -60), FLOAT32) is None
        assert xc.round_ball(flint.arb(0, flint.arb(2) ** -400), FLOAT32) is None
        assert xc.round_ball(flint.arb(0), FLOAT32) == 0
        assert xc.round_ball(one / 3, FLOAT32) == int(np.array(np.float32(1 / 3)).view(np.uint32))
    finally:
        flint.ctx.prec = 53


# ----------------------------------------------------------------------------- closed forms


def _mp_definitions() -> dict:
    """The family from their definitions, in mpmath (nothing shared with the module)."""
    sig = lambda t: 1 / (1 + mpmath.exp(-t))  # noqa: E731
    softplus = lambda t: mpmath.log(1 + mpmath.exp(t))  # noqa: E731
    c = mpmath.mpf(44715) / 10**6
    return {
        "sigmoid": sig,
        "tanh": mpmath.tanh,
        "softplus": softplus,
        "log_sigmoid": lambda t: -softplus(-t),
        "silu": lambda t: t * sig(t),
        "gelu": lambda t: t * mpmath.erfc(-t / mpmath.sqrt(2)) / 2,
        "gelu_tanh": lambda t: (
            t / 2 * (1 + mpmath.tanh(mpmath.sqrt(2 / mpmath.pi) * (t + c * t**3)))
        ),
        "mish": lambda t: t * mpmath.tanh(softplus(t)),
    }


POINTS = [
    "-30.5",
    "-9.25",
    "-4.5",
    "-1.3125",
    "-0.75",
    "0",
    "0.125",
    "0.6875",
    "2.5",
    "12",
]  # dyadic


def _arb_value(name: str, order: int, x: Fraction, bits: int = 400) -> mpmath.mpf:
    flint.ctx.prec = bits
    try:
        ball = xc.closed_form(name, order, x)
        assert ball.rad() < abs(ball.mid()) * flint.arb(2) ** -300 or ball.mid() == 0
        mantissa, exponent = ball.mid().man_exp()
        return mpmath.ldexp(mpmath.mpf(int(mantissa)), int(exponent))
    finally:
        flint.ctx.prec = 53


@pytest.mark.parametrize("name", xc.FUNCTIONS)
def test_closed_forms_against_mpmath_definitions_and_diff(name) -> None:
    """f from its definition and f′ by mpmath.diff, at 300 bits, agree with the closed
    forms (the tail branches of GELU and the σ rewrite of GELU_tanh included)."""
    mpmath.mp.prec = 300
    f = _mp_definitions()[name]
    for text in POINTS:
        x = Fraction(text)
        point = mpmath.mpf(text)
        for order, expected in ((0, f(point)), (1, mpmath.diff(f, point))):
            got = _arb_value(name, order, x)
            assert abs(got - expected) <= mpmath.mpf(2) ** -200 * max(1, abs(expected)), (
                name,
                order,
                text,
            )


def test_a_wrong_closed_form_is_caught() -> None:
    """The derivative check can fail: σ(1 + σ) in place of σ(1 − σ) is off by far."""
    mpmath.mp.prec = 300
    sig = _mp_definitions()["sigmoid"]
    flint.ctx.prec = 400
    try:
        x = flint.arb(0.7)
        wrong = xc._sig(x) * (1 + xc._sig(x))
        mantissa, exponent = wrong.mid().man_exp()
        wrong_value = mpmath.ldexp(mpmath.mpf(int(mantissa)), int(exponent))
    finally:
        flint.ctx.prec = 53
    assert abs(wrong_value - mpmath.diff(sig, mpmath.mpf(0.7))) > 0.1


def test_mills_ratio_identity() -> None:
    """Φ/φ through Kummer's U agrees with erfc where erfc itself is accurate."""
    mpmath.mp.prec = 200
    flint.ctx.prec = 256
    try:
        for x in (-0.5, -4.0, -20.0):
            got = xc._mills(flint.arb(x))
            cdf = mpmath.erfc(-mpmath.mpf(x) / mpmath.sqrt(2)) / 2
            pdf = mpmath.npdf(mpmath.mpf(x))
            mantissa, exponent = got.mid().man_exp()
            value = mpmath.ldexp(mpmath.mpf(int(mantissa)), int(exponent))
            assert abs(value / (cdf / pdf) - 1) < mpmath.mpf(2) ** -150
    finally:
        flint.ctx.prec = 53


# ----------------------------------------------------------------------------- cross-check


@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("name", xc.FUNCTIONS)
def test_small_cross_check(name, order) -> None:
    """2 000 random float32 bit patterns, 2 000 random bfloat16 ones and 500 float32 ones
    with 2^-24 ≤ |x| < 2^8: no disagreement, nothing undecided."""
    rng = np.random.default_rng(zlib.crc32(f"test:{name}:{order}".encode()))
    for fmt_name, width in (("float32", 32), ("bfloat16", 16)):
        fmt = xc.FORMATS[fmt_name]
        patterns = rng.integers(0, 1 << width, 2_000, dtype=np.uint64)
        top = ((1 << (width - fmt.precision)) - 1) << (fmt.precision - 1)
        patterns = patterns[(patterns & top) != top].astype(fmt.uint)
        points, wrong, undecided = xc.check_chunk((name, order, fmt_name, patterns))
        assert points == len(patterns) > 1_900
        assert wrong == [] and undecided == []
    mid = xc.inputs("float32-mid", 500, name, order)  # 2^-24 ≤ |x| < 2^8
    assert np.all((np.abs(mid.view(np.float32)) >= 2.0**-24) & (np.abs(mid.view(np.float32)) < 256))
    assert xc.check_chunk((name, order, "float32", mid))[1:] == ([], [])


def test_cross_check_sees_a_wrong_reference(monkeypatch) -> None:
    """A reference off by one ulp is reported as a disagreement (the check can fail)."""
    real = xc.symbolic_bits
    monkeypatch.setattr(xc, "symbolic_bits", lambda *args: real(*args) + 1)
    patterns = np.array([0x3F800000, 0xC0200000], dtype=np.uint32)  # 1.0, −2.5
    _, wrong, _ = xc.check_chunk(("sigmoid", 0, "float32", patterns))
    assert len(wrong) == 2


def test_exact_zero_is_plus_zero() -> None:
    for name in ("tanh", "silu", "gelu", "gelu_tanh", "mish"):
        assert xc.flint_rounded(name, 0, -0.0, FLOAT32) == 0
    assert xc.flint_rounded("sigmoid", 0, 0.0, FLOAT32) == 0x3F000000
    assert xc.flint_rounded("mish", 1, 0.0, FLOAT32) == int(
        np.array(np.float32(0.6)).view(np.uint32)
    )
