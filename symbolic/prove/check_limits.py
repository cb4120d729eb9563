"""`symbolic check` for limits at ±∞ proved by the tail forms (`prove.tail_limits`).

The limit is re-derived from the checker's *own* form of the claim's expression on the
tail t ≥ R (x = side·t, R the certificate's), built by `check_rules.derive`
(`_own_limit`): its largest scale decays (limit 0), is 1 (the sum of the exact limits of
its coefficients of scale 1, derived by the rules themselves: the Mills ratio's K → 1/√π,
Lemma 4's E₂ → 1/2, …), or grows (±∞ with the sign of C, Lemma 1 and min|C| > ε). It
must be the certificate's limit and the claim's `value` exactly; when the rules give no
form or no limit, the claim is `partly checked`, never `re-verified`.

The certificate's data (the form Σ c_k(t)·t^(m_k)·e^(−q_k(t)), the case, the coefficients'
balls and stated limits) is cross-checked only, with Arb:

- **decays**: every term's scale tends to 0 (q's leading coefficient > 0, or q = 0 and
  m < 0) and every coefficient ball is finite: the limit is 0;
- **constant**: the terms of scale 1 have stated exact limits (an exact coefficient's
  limit is itself; a bounded one's lies in its ball) whose sum is the limit, and every
  other term's scale tends to 0;
- **grows**: the dominant scale grows (q's leading coefficient < 0, or q = 0 and m > 0),
  and its group's sign is proved as for a tail sign (`check_tails.tail_bound`: Lemma 1 for
  every other term's ratio, min|C| > ε): the limit is ±∞ with the sign of C;

its dominant scale must be the own form's (`check_tails.compare_dominant`) and its value
the expression's at three exact points of the tail. The entry's expression is linked to
the claim's `expr` (as `check` links covers), its side to the claim's `point`, and the
limit is compared with the claim's `value` exactly (equal as written, after `expand`, or
by `numbers.exact.is_zero`: a minimal polynomial or a rewrite to a literal 0).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import flint
import sympy
from sympy import Expr

from symbolic.arith.arb import precision
from symbolic.errors import SymbolicError
from symbolic.language.parser import parse, parse_constant
from symbolic.numbers.enclosure import constant_ball
from symbolic.numbers.exact import is_zero
from symbolic.numbers.intervals import parse_interval
from symbolic.prove.check import FINE_BITS, CheckFailedError, Report, _number, _same
from symbolic.prove.check_tails import _coefficient, _consistent, _poly, dominant_sign, terms_of

CASES = ("decays", "constant", "grows")


@dataclass(frozen=True)
class Term:
    m: Any  # Fraction
    q: tuple[Expr, ...]
    ball: flint.arb
    exact: Expr | None  # the coefficient, when it is exact
    limit: Expr | None  # its stated exact limit, when given


def check_limit(claim: dict[str, Any], entries: list[dict[str, Any]]) -> Report:
    """The report of a limit claim whose proof is one `tail_limit` entry."""
    if len(entries) != 1 or "tail_limit" not in entries[0]:
        raise CheckFailedError("a limit proved by tail forms has one tail_limit entry, alone")
    entry = entries[0]
    fields = claim.get("fields")
    if not isinstance(fields, dict) or fields.get("kind") != "limit":
        raise CheckFailedError("tail_limit data for a claim that is not a limit")
    try:
        expr, point = parse(str(fields["expr"])), parse_constant(str(fields["point"]))
        value = parse_constant(str(fields["value"]))
        domain = parse_interval(str(fields.get("domain", "reals")))
    except (SymbolicError, KeyError, ValueError, TypeError) as error:
        why = f"the claim's fields cannot be read here ({error}; definitions are not in the JSON)"
        lines = _form_lines(entry, None)
        return Report(claim["id"], "partly checked", (*lines, f"not linked: {why}"))
    if point not in (sympy.oo, -sympy.oo):
        raise CheckFailedError(f"a tail_limit entry for a limit at {point}, not at ±oo")
    side = 1 if point == sympy.oo else -1
    if (domain.high if side > 0 else domain.low) != point:
        raise CheckFailedError(f"x cannot tend to {point} within the domain {domain}")
    if int(entry["side"]) != side:
        raise CheckFailedError(f"the entry's side {entry['side']} is not that of x → {point}")
    how = _same(parse(str(entry["expr"])), expr)
    if how is None:
        raise CheckFailedError("the expression of the limit is not the claim's expr (link failed)")
    lines = [f"entry 1 (limit at {point}): the expression is the claim's expr, {how}"]
    lines += _form_lines(entry, expr)
    limit = parse_constant(str(entry["tail_limit"]["limit"]))
    if not _equal(limit, value):
        raise CheckFailedError(f"the limit {limit} is not the claim's value {value}")
    lines.append(f"the limit {limit} is the claim's value {fields['value']} (exactly)")
    own, why = _own_limit(expr, entry["tail_limit"], limit)
    lines.append(own)
    if why is not None:
        return Report(claim["id"], "partly checked", (*lines, why))
    return Report(claim["id"], "re-verified", tuple(lines))


def _own_limit(expr: Expr, data: dict[str, Any], stated: Expr) -> tuple[str, str | None]:
    """The limit from the checker's own form of the claim's expr (`check_rules.derive`,
    at the certificate's R), which must be the stated one: (the line, None), or (the line,
    why it is not re-derived). The certificate's dominant scale is a cross-check only."""
    from symbolic.prove.check_forms import NotDerivedError  # they build on check_tails
    from symbolic.prove.check_rules import derive
    from symbolic.prove.check_tails import compare_dominant

    side, r = int(data["side"]), _number(data["R"])
    try:
        form = derive(expr, side, r)
        if "dominant_m" in data:
            dominant = (_number(data["dominant_m"]), _poly(json.loads(data["dominant_q"])))
            compare_dominant(form, dominant)
        limit, case = form.limit()
    except NotDerivedError as why:
        line = "the limit is not re-derived by the checker's own rules"
        return line, f"not re-derived: {why} (the limit rests on the certificate's form)"
    if not _equal(limit, stated):
        raise CheckFailedError(
            f"{form.describe()} tends to {limit} (case {case}), not to the stated {stated}"
        )
    return f"{form.describe()}; case {case}: its limit {limit} re-derived", None


def _form_lines(entry: dict[str, Any], expr: Expr | None) -> list[str]:
    """The form's limit re-derived from the data (it must be the stated one), and the form
    compared with the expression (the claim's when linked) at exact points of the tail."""
    data = entry["tail_limit"]
    side, r, case = int(data["side"]), _number(data["R"]), str(data["case"])
    if side not in (1, -1) or side != int(entry["side"]) or r < 1:
        raise CheckFailedError("a tail_limit with a bad side or R")
    raw_terms = terms_of(data)
    terms = [_term(raw) for raw in raw_terms]
    if case not in CASES:
        raise CheckFailedError(f"an unknown case {case!r}")
    with precision(FINE_BITS):
        derived, how = {"decays": _decays, "constant": _constant, "grows": _grows}[case](
            data, terms, r
        )
    stated = parse_constant(str(data["limit"]))
    if not _equal(derived, stated):
        raise CheckFailedError(f"the stated limit {stated} is not the re-derived {derived}")
    triples = [(t.m, t.q, t.ball) for t in terms]
    points = _consistent(expr if expr is not None else parse(str(entry["expr"])), triples, side, r)
    where = f"t ≥ {r}, x = {'t' if side > 0 else '−t'}"
    return [
        f"the form on {where} ({len(terms)} term(s)), case {case}: {how}: limit {derived}",
        f"the form agrees with the expression at {points} exact points of the tail "
        "(a consistency check of the certificate's form, not a premise)",
    ]


def _term(raw: Any) -> Term:
    shape = isinstance(raw, list) and len(raw) == 4 and isinstance(raw[1], list)
    if not (shape and isinstance(raw[2], list) and len(raw[2]) in (1, 2)):
        raise CheckFailedError("a term that is not [m, q, coefficient, limit]")
    m, q, coefficient, limit = raw
    exact = parse_constant(str(coefficient[0])) if len(coefficient) == 1 else None
    ball = _coefficient(coefficient)
    if not ball.is_finite():
        raise CheckFailedError("a coefficient ball that is not finite")
    stated = None if limit is None else parse_constant(str(limit))
    return Term(_number(m), _poly(q), ball, exact, stated)


def _growth(m: Any, q: tuple[Expr, ...]) -> int | None:
    """+1 when t^m·e^(−q(t)) → ∞, −1 when → 0, 0 for the constant 1; None when the
    leading coefficient of q is not separated from 0 in Arb."""
    if not q:
        return (m > 0) - (m < 0)
    leading = constant_ball(q[-1], FINE_BITS)
    if leading > 0 or leading < 0:
        return -1 if leading > 0 else 1
    return None


def _decaying(term: Term) -> None:
    if _growth(term.m, term.q) != -1:
        raise CheckFailedError(f"the scale t^{term.m}·e^(−q) of a term is not shown to tend to 0")


def _decays(data: dict[str, Any], terms: list[Term], r: Any) -> tuple[Expr, str]:
    for term in terms:
        _decaying(term)
    return sympy.Integer(0), "every scale tends to 0 and every coefficient is in a finite ball"


def _constant(data: dict[str, Any], terms: list[Term], r: Any) -> tuple[Expr, str]:
    total = sympy.Integer(0)
    group = [t for t in terms if t.m == 0 and not t.q]
    for term in terms:
        if term.m != 0 or term.q:
            _decaying(term)
    for term in group:
        if term.limit is None:
            raise CheckFailedError("a term of scale 1 without its coefficient's exact limit")
        if term.exact is not None and not _equal(term.limit, term.exact):
            raise CheckFailedError(
                f"the stated limit {term.limit} of the exact coefficient {term.exact} is not it"
            )
        if not constant_ball(term.limit, FINE_BITS).overlaps(term.ball):
            raise CheckFailedError(f"the stated limit {term.limit} is outside its coefficient ball")
        total += term.limit
    limits = " + ".join(str(t.limit) for t in group) or "0"
    others = len(terms) - len(group)
    return total, f"{others} other term(s) decay; the coefficient(s) of 1 tend to {limits}"


def _grows(data: dict[str, Any], terms: list[Term], r: Any) -> tuple[Expr, str]:
    dominant = (_number(data["dominant_m"]), _poly(json.loads(data["dominant_q"])))
    if _growth(*dominant) != 1:
        raise CheckFailedError("the dominant scale is not shown to grow")
    sign = dominant_sign(data, [(t.m, t.q, t.ball) for t in terms], dominant, r)
    if sign != int(data["sign"]):
        raise CheckFailedError("the stated sign is not that of the dominant coefficient")
    how = "the dominant scale grows and min|C| > ε re-derived (Lemma 1)"
    return sympy.oo * sign, how


def _equal(a: Expr, b: Expr) -> bool:
    """a = b exactly: as written, after `expand`, or shown 0 by algebra (`is_zero`)."""
    if a == b:
        return True
    if a.is_infinite or b.is_infinite or a.has(sympy.zoo, sympy.nan) or b.has(sympy.nan):
        return False
    difference = a - b
    return sympy.expand(difference) == 0 or is_zero(difference)
