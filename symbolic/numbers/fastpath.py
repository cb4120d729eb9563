"""Vectorized, certified references at float inputs, from the functions' float kernels.

A named function may carry float kernels (`FloatKernel`, in `symbolic/functions/`): for
an array of floats they compute f^(n)(x) in double-word (or plain float64) arithmetic
with a proved bound on the relative error. This module decides the correct rounding to
the target format wherever the bound allows. The few points it cannot decide (a true
value too close to a rounding boundary, or beyond the kernel's reach and not settled)
go to the rigorous Arb path.
"""

from __future__ import annotations

import numpy as np
from sympy import Expr

from symbolic.arith.doubleword import DOUBLE_WORD_ERROR_BOUND, FLOAT64_ERROR_BOUND
from symbolic.arith.ieee import Format
from symbolic.functions import FloatKernel
from symbolic.numbers import vectorized

BLOCK = 8192


# ---------------------------------------------------------------- deciding the rounding


def _neighbours(candidate: np.ndarray, fmt: Format) -> tuple[np.ndarray, np.ndarray]:
    """The next value of the format below and above each (non-negative) candidate, a
    value of the format (in its dtype)."""
    unsigned = np.dtype(f"uint{fmt.dtype.itemsize * 8}")
    bits = candidate.view(unsigned)
    sign_bit = unsigned.type(1 << (fmt.dtype.itemsize * 8 - 1))
    up = (bits + 1).view(fmt.dtype).astype(np.float64)
    down_bits = np.where(bits == 0, sign_bit | unsigned.type(1), bits - 1).astype(unsigned)
    down = down_bits.view(fmt.dtype).astype(np.float64)
    return down, up


def decide_rounding(
    hi: np.ndarray, lo: np.ndarray, fmt: Format, bound: float = DOUBLE_WORD_ERROR_BOUND
) -> tuple[np.ndarray, np.ndarray]:
    """Correctly rounded values of positive y = hi + lo (|y − v| ≤ bound·v), and
    a mask of the points where that rounding is certain."""
    nearest = hi.astype(fmt.dtype)
    candidate = nearest.astype(np.float64)
    down, up = _neighbours(nearest, fmt)
    # y − (lower midpoint) and (upper midpoint) − y, without forming the midpoints (those
    # of float64 do not fit in float64): hi − candidate is exact (Sterbenz), and the
    # gaps between neighbours are powers of two, so halving them is exact.
    offset = hi - candidate
    above_low = ((offset + lo) + (candidate - down) / 2) > 2 * bound * hi
    below_high = ((up - candidate) / 2 - (offset + lo)) > 2 * bound * hi
    finite = np.isfinite(up) & np.isfinite(candidate)
    return nearest, above_low & below_high & finite & (hi > 0)


def fast_rounded(kernel: FloatKernel, x: np.ndarray, fmt: Format) -> tuple[np.ndarray, np.ndarray]:
    """f^(n) at finite float64 inputs x, rounded to `fmt`, by the kernel of f^(n).

    Returns the values and a mask of the points decided here; the others must be
    computed by the rigorous path.
    """
    result, decided, _, _ = fast_rounded_and_true(kernel, x, fmt)
    return result, decided


def fast_rounded_and_true(
    kernel: FloatKernel, x: np.ndarray, fmt: Format
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """As `fast_rounded`, and the true values as double-words (hi, lo) where |x| ≤ the
    kernel's reach (elsewhere hi is the kernel's settled value, lo is 0)."""
    x = np.asarray(x, dtype=np.float64)
    a = np.abs(x)
    inside = a <= kernel.reach
    true_lo = np.zeros(x.shape)
    # Chunks of the exhaustive grade are mostly all near or all far: slices then, and
    # nothing settled (every point is filled in below).
    contiguous = bool(inside.all())
    if contiguous:
        near = range(len(x))
        result = np.empty(x.shape, dtype=fmt.dtype)
        true_hi = np.empty(x.shape)
        decided = np.empty(x.shape, dtype=bool)
    else:
        near = np.flatnonzero(inside)
        result = np.zeros(x.shape, dtype=fmt.dtype)
        settled_values, settled = kernel.settled(x, fmt)
        true_hi = settled_values.astype(np.float64)
        decided = np.zeros(x.shape, dtype=bool)
    narrow = fmt.precision <= 24  # float32, float16, bfloat16: plain float64 first
    for start in range(0, len(near), BLOCK):
        # Blocks small enough for the cache: the arithmetic is memory-bound.
        index = slice(start, start + BLOCK) if contiguous else near[start : start + BLOCK]
        if narrow:
            y = kernel.plain(x[index])
            values, ok = decide_rounding(y, np.zeros_like(y), fmt, FLOAT64_ERROR_BOUND)
            result[index], decided[index] = values, ok
            true_hi[index] = y  # within 2^-45 of the true value: ULP errors to ~2^-20 ulp
            if ok.all():
                continue
            positions = np.arange(start, start + len(ok)) if contiguous else index
            index = positions[~ok]  # the few undecided points get double-words
            if not len(index):
                continue
        hi, lo = kernel.double_word(x[index])
        result[index], decided[index] = decide_rounding(hi, lo, fmt)
        true_hi[index], true_lo[index] = hi, lo
    if contiguous:
        return result, decided, true_hi, true_lo
    far = settled & ~inside
    if far.any():
        result[far] = settled_values[far].astype(fmt.dtype)
        decided[far] = True
    return result, decided, true_hi, true_lo


# ---------------------------------------------------------------- references for grading


def references(
    expr: Expr, kernel: FloatKernel | None, x: np.ndarray, fmt: Format
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Correctly rounded values and true values (hi, lo) of expr at finite float64 x,
    by the function's float kernel or else the vectorized balls.

    Returns (values, decided, hi, lo, known): `decided` marks the values certified here,
    `known` the true values; the caller computes the others by the rigorous path.
    """
    if kernel is not None:
        values, decided, hi, lo = fast_rounded_and_true(kernel, x, fmt)
        return values, decided, hi, lo, decided | (np.abs(x) <= kernel.reach)
    if vectorized.supported(expr):
        values, decided, hi, lo = vectorized.rounded_and_true(expr, x, fmt)
        return values, decided, hi, lo, decided
    nothing = np.zeros(x.shape, dtype=bool)
    return np.zeros(x.shape, fmt.dtype), nothing, np.zeros(x.shape), np.zeros(x.shape), nothing
