"""The side of a true value beside a power of two, for ULP errors.

A result's ULP error is measured in quanta of the binade of its true value v. Where v is
just beside a power of two h, the binades on the two sides of h differ by a factor 2:
below h (in magnitude) the quantum is half. A reference whose true value is h + lo
tells the side by lo's sign; but lo may have lost the distance to h: below 2^-1074
(σ(800) = 1 − e^-800 in float64), or never kept (the narrow formats keep no lo), so
that hi = h, lo = 0 says nothing about the side.

A lo within its reference's error bound (`LO_BOUND`) may also hold rounding noise of
either sign (Mish′(1024) = 1 + 2^-2944·…: a ball gave lo = −2^-1073). `mark_sides`
keeps such a lo where its sign is the side, and otherwise makes it a zero signed by the
side: −0.0 or +0.0 with the sign of the direction from h to v (`symbolic.grade.grading.ulp_errors` reads a zero lo's sign
as it reads a non-zero lo's). The side comes from the function's registry (`sides`,
each proved beside its code); where it is not known (an expression outside the family,
or a point no proved case covers), the true value is taken just toward 0 from h: the
smaller quantum, so the error is an upper bound, never an understatement. An exact h
(σ(0) = 1/2, or a limit at ±inf) keeps the binade of h.
"""

from __future__ import annotations

import numpy as np
from sympy import Expr

from symbolic.functions import family_derivative
from symbolic.language.parser import X

MANTISSA = (1 << 52) - 1
# A lo this small (relative to hi) may be rounding noise of its reference: the widest
# bound of the float64 references (a decided double-word ball, `vball_dw.DIGITS_BOUND`;
# kernels are within 2^-80, Arb's true values within 2^-93). Its sign is then taken from
# the side where that is proved, and a lo of the wrong sign becomes a signed zero (a change
# of at most 2^-73·|hi|, 2^-20 of float64's ULP).
LO_BOUND = 2.0**-73


def mark_sides(expr: Expr, x: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> None:
    """Give lo the true value's side (in place) where hi is a power of two and lo is within
    LO_BOUND·|hi|, for the true value v of expr at the float64 points x (module text)."""
    with np.errstate(invalid="ignore"):
        candidates = np.flatnonzero(
            (np.abs(lo) <= LO_BOUND * np.abs(hi))
            & np.isfinite(hi)
            & (hi != 0)
            & ((np.abs(hi).view(np.int64) & MANTISSA) == 0)
        )
    if not len(candidates):
        return
    h, low, at = hi[candidates], lo[candidates], np.asarray(x, dtype=np.float64)[candidates]
    finite = np.isfinite(at)  # at ±inf the references are the limits, exact
    side = np.where(finite, side_of(expr, np.where(finite, at, 0.0), h), 0.0)
    toward_zero = np.isnan(side) | (side * np.sign(h) < 0)
    agrees = (low != 0) & ~np.isnan(side) & (np.sign(low) == side)
    agrees |= np.isnan(side) & (low != 0) & (np.sign(low) == -np.sign(h))  # already the smaller
    marked = np.where(toward_zero, np.copysign(0.0, -h), np.copysign(0.0, h))
    lo[candidates] = np.where(agrees, low, marked)


def side_of(expr: Expr, x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """The registry's side of expr's value at x relative to h: −1, 0, +1 or NaN."""
    member = family_derivative(expr, X)
    rule = member[0].sides.get(member[1]) if member is not None else None
    if rule is None:
        return np.full(h.shape, np.nan)
    with np.errstate(all="ignore"):
        return np.asarray(rule(x, h), dtype=np.float64) * np.ones(h.shape)
