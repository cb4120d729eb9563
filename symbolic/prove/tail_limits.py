"""Limits at ±∞ from the forms of `prove.tails`, with the data `symbolic check` re-checks.

The form Σ c_k(t)·t^(m_k)·e^(−q_k(t)) of the expression on the tail t ≥ R (x = side·t)
decides the limit by its largest scale d (see "Limits" in `prove.tails`):

- **decays**: d → 0 (q's leading coefficient > 0, or q = 0 and m < 0); every scale is
  at most d, so every term tends to 0 (its coefficient stays in its ball): limit 0;
- **constant**: d = 1; the limit is the sum of the exact limits of the coefficients of
  the terms of scale 1, the other terms decaying;
- **grows**: d → ∞ and the form is d·(C + r) with |r| ≤ ε < min|C| (Lemma 1 of
  `prove.tails`, as for a tail sign): the limit is ±∞ with the sign of C.

The data (all text, numbers exact): side, R, case, limit (language text), the dominant
scale (dominant_m, dominant_q), and the terms as [m, q, coefficient, limit]: the
coefficient exact ([text]) or rational bounds ([low, high]) valid for every t ≥ R, and
its exact limit (language text) where the proof uses it (the terms of scale 1 in the
constant case), else null. For "grows": sign, coefficient_low/high (C) and
remainder_bound (ε).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sympy
from sympy import Expr

from symbolic.arith.arb import precision
from symbolic.language.printing import to_language
from symbolic.prove.tails import (
    BITS,
    GIVE_UP,
    ONE,
    Form,
    _attempt,
    _bounds_text,
    _Builder,
    _candidates,
    _coef_data,
    _data_bound,
    _describe,
    _NotYetError,
    _UnhandledError,
    _upper_text,
)


@dataclass(frozen=True)
class TailLimit:
    """A proved limit at side·∞: the exact value (or ±oo), the certificate lines, and the
    data of the form that decided it (for `symbolic check`)."""

    limit: Expr
    lines: tuple[str, ...]
    data: dict[str, str]


def tail_limit_data(expr: Expr, side: int) -> TailLimit | None:
    """The exact limit of expr as x → side·∞ (a SymPy number, possibly irrational like
    1/2 or sqrt(2)/2, or oo / -oo), proved, with its lines and data. None when not proved."""
    if side not in (1, -1):
        raise ValueError("side is +1 or -1")
    for r in _candidates(side, None):
        try:
            builder, form = _attempt(expr, side, r)
            with precision(BITS):
                return _limit_of(builder, form)
        except _NotYetError:
            continue
        except GIVE_UP:
            return None
    return None


def _limit_of(builder: _Builder, form: Form) -> TailLimit:
    lines = _describe(builder, form)
    data = {"side": str(builder.side), "R": str(builder.r)}
    if not form:
        terms = json.dumps([])
        zero = {**data, "case": "decays", "limit": "0", "terms": terms}
        return TailLimit(sympy.Integer(0), (*lines, "the form is 0"), zero)
    parts = builder.split(form)
    growth = parts.dominant.growth()
    lines.append(f"dominant scale d = {parts.dominant.text()}")
    data["dominant_m"] = str(parts.dominant.m)
    data["dominant_q"] = json.dumps([str(c) for c in parts.dominant.q])
    if growth < 0:
        case, limit = "decays", sympy.Integer(0)
        lines.append("d → 0 and every coefficient is bounded: limit 0")
    elif growth == 0:
        limit = parts.coefficient.limit
        if limit is None:
            raise _UnhandledError("the limit of the dominant coefficient is not known exactly")
        case, limit = "constant", sympy.radsimp(sympy.simplify(limit))
        lines.append(f"the other terms → 0; the coefficient of 1 tends to {limit}")
    else:
        c = parts.coefficient.ball
        if c.contains(0) or not c.abs_lower() > parts.epsilon:
            raise _NotYetError("the sign of the growing part is not decided")
        case, limit = "grows", sympy.oo if c > 0 else -sympy.oo
        lines.append(f"|r| ≤ {_upper_text(parts.epsilon)} < min|C|, d → ∞: limit {limit}")
        low, high = _bounds_text(c)
        epsilon = _data_bound(parts.epsilon, c)
        data |= {"sign": "1" if c > 0 else "-1", "coefficient_low": low}
        data |= {"coefficient_high": high, "remainder_bound": str(epsilon)}
    terms = []
    for scale, coef in form:
        used = case == "constant" and scale == ONE
        stated = to_language(coef.limit) if used else None
        terms.append([str(scale.m), [str(c) for c in scale.q], _coef_data(coef), stated])
    data |= {"case": case, "limit": to_language(limit), "terms": json.dumps(terms)}
    return TailLimit(limit, tuple(lines), data)
