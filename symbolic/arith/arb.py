"""Arb (python-flint) basics: working precision, exact rational balls, and the exact
rational bounds of a ball. No other module of symbolic is needed here."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction

import flint

from symbolic.errors import SymbolicError

MAX_EXPONENT = 1_000_000  # binary exponents beyond this would make huge Fractions


@contextmanager
def precision(bits: int) -> Iterator[None]:
    """Run Arb at `bits` of working precision."""
    old = flint.ctx.prec
    flint.ctx.prec = bits
    try:
        yield
    finally:
        flint.ctx.prec = old


def ball_of_rational(p: int, q: int = 1) -> flint.arb:
    """p/q as a ball (exact when q is a power of two)."""
    if q & (q - 1) == 0:
        return flint.arb(flint.fmpz(p)) * flint.arb(2) ** -(q.bit_length() - 1)
    return flint.arb(flint.fmpq(p, q))


def exact_bounds(ball: flint.arb) -> tuple[Fraction, Fraction]:
    """Rational numbers `low ≤ value ≤ high` for every value in the ball (exact: the
    midpoint and radius of an Arb ball are dyadic numbers, read without rounding)."""
    mantissa, exponent = ball.mid().man_exp()
    radius_mantissa, radius_exponent = ball.rad().man_exp()
    if max(abs(int(exponent)), abs(int(radius_exponent))) > MAX_EXPONENT:
        raise SymbolicError("a number too large or too small for exact bounds (2^±1000000)")
    middle = Fraction(int(mantissa)) * Fraction(2) ** int(exponent)
    radius = Fraction(int(radius_mantissa)) * Fraction(2) ** int(radius_exponent)
    return middle - radius, middle + radius


def double_word_ball(ball: flint.arb) -> tuple[float, float, float]:
    """(hi, lo, rad): hi + lo ± rad holds the Arb ball, its ends read exactly; rad is 0
    only for an exact ball (a double-word midpoint for the vectorized balls)."""
    low, high = exact_bounds(ball)
    center = (low + high) / 2
    hi = float(center)
    lo = float(center - Fraction(hi))
    middle = Fraction(hi) + Fraction(lo)
    spread = max(high - middle, middle - low)
    return hi, lo, 0.0 if spread == 0 else math.nextafter(float(spread), math.inf)
