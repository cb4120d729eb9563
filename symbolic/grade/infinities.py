"""The references of ±inf inputs: the exact limits of the graded expression at ±∞.

A named function's limits come from its registry module (`limits`: order → (at −∞,
at +∞)); any other expression's (or an order the registry does not list) are found
exactly by the prover: first the e^x substitution with leading terms (rational in
e^x: σ, tanh), then the dominant terms of the tails with a bounded remainder
(`prove.tails`: x·σ(x), GELU′, Mish′). A side where neither method decides is excluded
from the grade and counted, never graded against NaN.
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np
import sympy

from symbolic.arith import ieee
from symbolic.errors import SymbolicError
from symbolic.grade.floats import as_float64
from symbolic.numbers import oracle
from symbolic.prove.limits import rational_limit
from symbolic.prove.signs import NotRationalError, exp_form

Limits = tuple[sympy.Expr | None, sympy.Expr | None]


class HasLimits(Protocol):
    limits: Limits


def infinity_limits(expr: sympy.Expr) -> Limits:
    """lim f at −∞ and +∞, exactly, or None on a side where no method decides."""
    try:
        form = exp_form(expr)
    except (NotRationalError, SymbolicError, sympy.PolynomialError):
        form = None
    found = [None, None]
    for index, point in enumerate((-sympy.oo, sympy.oo)):
        if form is not None:
            found[index] = rational_limit(form, point)
        if found[index] is None:
            found[index] = _tail_limit(expr, -1 if index == 0 else 1)
    return found[0], found[1]


def _tail_limit(expr: sympy.Expr, side: int) -> sympy.Expr | None:
    """The prover's limit from the dominant terms of the tail (None: not proved)."""
    from symbolic.derive.checking import explicit
    from symbolic.prove.tails import tail_limit

    try:
        found = tail_limit(explicit(expr), side)
    except (SymbolicError, NotRationalError, sympy.PolynomialError, ValueError, TypeError):
        return None
    return None if found is None else found[0]


def limit_references(
    target: HasLimits, x64: np.ndarray, fmt: ieee.Format, rounded: np.ndarray, hi: np.ndarray
) -> None:
    """The references at ±inf: the correctly rounded limits (±inf for infinite ones)."""
    for side, where in ((0, np.isneginf(x64)), (1, np.isposinf(x64))):
        limit = target.limits[side]
        if limit is None or not where.any():
            continue
        if limit.is_infinite:
            value = math.inf if limit == sympy.oo else -math.inf
            rounded[where] = hi[where] = value
            continue
        value = oracle.rounded_value(limit, oracle.to_point(0), fmt).as_float()
        rounded[where] = value
        hi[where] = float(oracle.true_fraction(limit, oracle.to_point(0), fmt))


def unknown_limits(target: HasLimits, x: np.ndarray) -> np.ndarray:
    """The ±inf inputs at whose side the limit of the target is not known."""
    x64 = as_float64(x)
    unknown = np.zeros(x64.shape, dtype=bool)
    if target.limits[0] is None:
        unknown |= np.isneginf(x64)
    if target.limits[1] is None:
        unknown |= np.isposinf(x64)
    return unknown
