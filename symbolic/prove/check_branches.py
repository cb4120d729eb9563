"""`symbolic check`: a piece of d where each |g| is written ±g, linked to d itself.

The prover proves lhs op rhs with |g| in it piece by piece: on [a, b] where s·g ≥ 0
(s = ±1 for each |g|), d equals the branch d_s (each |g| written s·g), and a cover or an
exact form of d_s there is one of d. The pieces come from the prover's sign charts of
the g's; this module re-verifies that s·g ≥ 0 on the closed piece, exactly, from g
alone: g is N/D in one variable v (x, or u = e^(x/L), increasing in x) by the atom map
(`check_rational._Form`), D of evident sign, N has no root strictly inside the
v-image of the piece (Sturm over Q, the ends bracketed as in `check_exact`), and s·N/D > 0
at a rational sample inside. The sign may then be 0 only at the ends, so s·g ≥ 0 on
the closed piece by continuity, and |g| = s·g there.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy
from sympy import Expr

from symbolic.language.parser import X
from symbolic.prove import check as base
from symbolic.prove.check_atoms import UnmappableError
from symbolic.prove.check_claims import NotCheckableError
from symbolic.prove.check_exact import _End, _Poly


def branch_on(expr: Expr, target: Any, k: int, segment: Any) -> tuple[Expr, str] | None:
    """(the branch, its label): a branch of d whose k-th derivative expr is, with the signs
    of its g's re-verified on the segment; None when there is none. Several branches may
    share a derivative (|x| beside tanh, differentiated three times): any that holds will do."""
    for branch, label in target.others:
        if label not in target.branch_signs:
            continue
        if base._same(expr, sympy.diff(branch, (X, k)) if k else branch) is None:
            continue
        if signs_hold(target.branch_signs[label], segment.low, segment.high):
            return branch, label
    return None


def signs_hold(assignment: tuple[tuple[Expr, int], ...], low: Expr, high: Expr) -> bool:
    """s·g ≥ 0 on [low, high] for every (g, s), shown exactly; False when not shown."""
    try:
        return all(_one_sign(g, s, low, high) for g, s in assignment)
    except (NotCheckableError, UnmappableError, base.CheckFailedError, *base.ERRORS):
        return False


def _one_sign(g: Expr, s: int, low: Expr, high: Expr) -> bool:
    from symbolic.prove.check_rational import _Form  # it builds on check_claims

    form = _Form(g)
    form.defined(isolated=False)
    n, d = form.polys()
    top, bottom = _Poly(n), _Poly(d)
    if top.zero:
        return True  # g = 0: |g| = ±g
    ends = [_v_end(end, form) for end in (low, high)]
    bound = (top.bound() if top.sturm else Fraction(1)) + 1
    lo, hi = (_End(end, top, True, bound) for end in ends)
    if hi.infinite:
        hi.lo = hi.hi = max(hi.lo, lo.hi + 1)
    if lo.infinite:
        lo.lo = lo.hi = min(lo.hi, hi.lo - 1)
    if not lo.hi < hi.lo or (top.sturm and top.open_count(lo.hi, hi.lo)):
        return False
    sample = (lo.hi + hi.lo) / 2
    return top.sign(sample) * bottom.sign(sample) == s


def _v_end(x_end: Expr, form: object) -> Expr:
    """The image of an x-end in v: itself for v = x, e^(x/L) for u (0 and ∞ at ∓∞)."""
    if getattr(form, "u", None) is None or x_end == sympy.oo:
        return x_end
    return sympy.S.Zero if x_end == -sympy.oo else sympy.exp(x_end / form.scale)
