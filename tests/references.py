"""Independent references for the tests: Python's decimal module and exact rationals.

Nothing here uses symbolic's own code. decimal's exp and ln are correctly rounded,
so a value computed at precision P is within a few units of the P-th digit.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from fractions import Fraction
from functools import cache

import ml_dtypes
import numpy as np

WORKING = Context(prec=120, Emin=-(10**9), Emax=10**9)


def decimal_sigmoid(x: Decimal, order: int = 0, prec: int = 120) -> Decimal:
    """σ(x) (order 0) or σ′(x) (order 1) with `prec` digits, stably for large |x|."""
    with localcontext(Context(prec=prec, Emin=-(10**9), Emax=10**9)):
        e = (-abs(x)).exp()
        if order == 1:
            return e / (1 + e) ** 2
        return 1 / (1 + e) if x >= 0 else e / (1 + e)


def sigmoid_enclosure(x: float, order: int) -> tuple[Fraction, Fraction]:
    """Rationals around σ(x) or σ′(x). Beyond |x| = 1000 from the bounds
    0 < σ′(x) < e^(−|x|), 0 < σ(−|x|) < e^(−|x|) and e^(−1000) < 2^(−1442)."""
    tiny = Fraction(1, 2**1442)
    if abs(x) > 1000:
        if order == 0 and x > 0:
            return 1 - tiny, Fraction(1)
        return Fraction(0) + Fraction(1, 2**4000), tiny  # strictly positive
    return enclosure(decimal_sigmoid(Decimal(x), order, prec=60))


def round_significant(value: Decimal, digits: int) -> Decimal:
    with localcontext(Context(prec=digits, rounding=ROUND_HALF_EVEN, Emin=-(10**9), Emax=10**9)):
        return +value


def enclosure(
    value: Decimal, relative: Fraction = Fraction(1, 10**100)
) -> tuple[Fraction, Fraction]:
    """An interval of rationals around a decimal value computed with about 120 digits."""
    exact = Fraction(value)
    width = abs(exact) * relative
    return exact - width, exact + width


UNSIGNED = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def neighbours(y: np.generic) -> tuple[Fraction | None, Fraction | None]:
    """Exact values of the next representable number below and above y (None past ±max)."""
    dtype = np.dtype(type(y)) if not isinstance(y, np.ndarray) else y.dtype
    unsigned = UNSIGNED[dtype.itemsize]
    bits = int(np.array(y, dtype=dtype).view(unsigned))
    sign = 1 << (dtype.itemsize * 8 - 1)
    magnitude_bits = bits & (sign - 1)
    negative = bool(bits & sign)

    def value_of(b: int) -> Fraction | None:
        v = np.array(b, dtype=unsigned).view(dtype)
        f = float(v)
        return None if not np.isfinite(f) else Fraction(f)

    if magnitude_bits == 0:  # ±0: neighbours are ∓ and ± the smallest subnormal
        tiny = value_of(1)
        return -tiny, tiny
    larger = value_of(bits + 1)  # one step away from zero
    smaller = value_of(bits - 1)  # one step towards zero
    return (larger, smaller) if negative else (smaller, larger)


def max_finite(dtype: np.dtype) -> Fraction:
    info = ml_dtypes.finfo(dtype) if dtype == np.dtype(ml_dtypes.bfloat16) else np.finfo(dtype)
    return Fraction(float(info.max))


@cache
def overflow_threshold(dtype: np.dtype) -> Fraction:
    """max + half an ulp of max: the true values at or beyond it round to infinity."""
    largest = max_finite(dtype)
    below_max, _ = neighbours(np.array(float(largest), dtype=dtype)[()])
    return largest + (largest - below_max) / 2


def is_correctly_rounded(y: np.generic, low: Fraction, high: Fraction) -> bool:
    """Is y the round-to-nearest value of every real in [low, high] (never a tie)?"""
    overflow = overflow_threshold(np.dtype(type(y)))
    f = float(y)
    if np.isinf(f):
        return (low >= overflow) if f > 0 else (high <= -overflow)
    if np.isnan(f):
        return False
    down, up = neighbours(y)
    value = Fraction(f)
    low_mid = -overflow if down is None else (value + down) / 2
    high_mid = overflow if up is None else (value + up) / 2
    if not (low_mid < low and high < high_mid):
        return False
    if value == 0:  # the sign of a zero is the sign of the true value
        return (low > 0) if not np.signbit(f) else (high < 0)
    return True


def all_finite(dtype: np.dtype) -> np.ndarray:
    """Every finite value of a 16-bit format."""
    values = np.arange(65536, dtype=np.uint16).view(dtype)
    with np.errstate(invalid="ignore"):
        return values[np.isfinite(values.astype(np.float64))]
