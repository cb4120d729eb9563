"""Monotonicity: the sign of f′ on the domain, piece by piece where |g| changes form.

Where f holds |g|, the domain is split at the exact roots of g; on each closed piece
|g| is ±g, and f (continuous, every part defined) is monotone on the union when it
is monotone on every piece. A refutation is a certified pair a < b with f(a) > f(b)
(for increasing; f(a) = f(b) exactly for strict).
"""

from __future__ import annotations

from itertools import pairwise

import sympy
from sympy import Expr

from symbolic.derive.checking import explicit
from symbolic.language.parser import X
from symbolic.language.printing import to_language, to_text
from symbolic.numbers.exact import is_zero
from symbolic.numbers.intervals import Interval
from symbolic.prove import numeric
from symbolic.prove.claim import Claim
from symbolic.prove.relations import abs_pieces, check_definedness, conditions_of, prove_relation
from symbolic.prove.signs import NotRationalError, exp_form
from symbolic.prove.verdict import Entry, Verdict

MAX_PAIRS = 24
MAX_EXACT_TIES = 3
STEPS = ("1e-3", "1e-6", "1e-10", "1e-20", "1e-40", "1e-80")


def prove_monotone(claim: Claim) -> Verdict:
    expr = claim.fields["expr"]
    refuted, doubts = check_definedness(claim, conditions_of(claim, "expr"), [], claim.domain)
    if refuted:
        return refuted
    pieces = abs_pieces(explicit(expr), claim.domain)
    if pieces is None or doubts:
        why = "; ".join(doubts) or "an absolute value whose argument's zeros are not exact"
        return _by_pairs(claim, expr, why)
    certificate = []
    if len(pieces) > 1:
        certificate.append(
            "split at the zeros of the absolute values' arguments: "
            + "; ".join(f"on {piece}: f = {to_text(branch)}" for piece, branch in pieces)
        )
    for piece, branch in pieces:
        verdict = _on_piece(claim, expr, branch, piece)
        if verdict.verdict != "proved":
            return verdict.around(certificate)
        certificate += verdict.certificate
    if len(pieces) > 1:
        certificate.append(
            "f is continuous, so monotone on each closed piece means monotone on all"
        )
    return Verdict("proved", "sign of f′ (exact sign chart)", certificate)


def _on_piece(claim: Claim, expr: Expr, branch: Expr, piece: Interval) -> Verdict:
    direction = claim.fields["direction"]
    strict = claim.fields.get("strict", False)
    slope = sympy.diff(branch, X)
    certificate = [f"f′(x) = {to_text(slope)} (SymPy's diff of the definitions) on {piece}"]
    mixed = False
    try:
        constant = exp_form(slope).numerator.is_zero
    except NotRationalError:
        constant, mixed = False, True
    if constant:
        if strict:
            return _pair_verdict(
                claim, expr, piece, [*certificate, "f is constant there"], tie=True
            )
        return Verdict("proved", "f′ = 0", [*certificate, "f is constant there"])
    op = ">=" if direction == "increasing" else "<="
    where = piece
    if strict and mixed:  # a cover shows f′ ≠ 0 itself (inside: f is continuous at the ends)
        op, where = op[0], Interval(piece.low, piece.high, True, True)
    verdict = _as_slope(prove_relation(claim, slope, sympy.S.Zero, op, where)).around(certificate)
    if verdict.verdict == "proved":
        if not strict:
            return verdict.around(after=["so f is monotone"])
        if mixed:
            return verdict.around(
                after=["f′ ≠ 0 inside the piece and f is continuous on it: strictly monotone"]
            )
        return verdict.around(
            after=[
                "f′ has finitely many zeros (P is not the zero polynomial), so f is strictly "
                "monotone"
            ]
        )
    if verdict.verdict == "refuted" and verdict.witness and "x" in verdict.witness:
        near = verdict.witness["x"]
        return _pair_verdict(claim, expr, piece, verdict.certificate, near=near)
    return Verdict.unknown("monotone", verdict.reason or "the sign of f′ is not decided")


def _as_slope(verdict: Verdict) -> Verdict:
    """The exact form's data says its d is f′ (for `symbolic check`)."""
    entries = [
        Entry(e.kind, e.statement, {**e.data, "what": "f′"}) if "exp_form" in e.data else e
        for e in verdict.certificate
    ]
    return verdict.replace(certificate=tuple(entries))


def _pair_verdict(
    claim: Claim,
    expr: Expr,
    piece: Interval,
    certificate: list[str],
    near: Expr | None = None,
    tie: bool = False,
) -> Verdict:
    allow_tie = tie or claim.fields.get("strict", False)
    for params in numeric.parameter_assignments(claim.parameters):
        where = piece.at(params)
        candidates = _pairs_near(near, where) if near is not None else []
        points = sorted(numeric.domain_samples(where), key=lambda p: sympy.N(p, 30))
        pairs = sorted(pairwise(points), key=lambda pair: max(abs(sympy.N(p, 15)) for p in pair))
        for index, (a, b) in enumerate([*candidates, *pairs][:MAX_PAIRS]):
            exact_tie = allow_tie and index < MAX_EXACT_TIES  # algebra is slow: a few only
            found = certified_pair(claim, expr, a, b, exact_tie, params)
            if found:
                shown, witness = found
                why = f"x = {to_text(a)} < {to_text(b)} but f does not {_verb(claim)} from a to b"
                method = "pair of points (Arb or exact)"
                return Verdict("refuted", method, [*certificate, why], shown, witness=witness)
    return Verdict.unknown("monotone", "f′ has the wrong sign somewhere, but no pair was certified")


def _verb(claim: Claim) -> str:
    return "increase" if claim.fields["direction"] == "increasing" else "decrease"


def _pairs_near(x0: Expr, piece: Interval) -> list[tuple[Expr, Expr]]:
    """Pairs around x0, with steps from 1e-3 down to a fraction of |x0| (a piece can be
    narrower than any float)."""
    steps = [sympy.Rational(s) for s in STEPS]
    if x0 != 0:
        steps += [abs(x0) / 2, abs(x0) / 10]
    pairs = []
    for h in steps:
        for a, b in ((x0, x0 + h), (x0 - h, x0)):
            if piece.contains(a) and piece.contains(b):
                pairs.append((a, b))
    return pairs


def certified_pair(
    claim: Claim, expr: Expr, a: Expr, b: Expr, allow_tie: bool, params: dict
) -> tuple[dict[str, str], dict] | None:
    """(a, b) with a < b where f certainly fails to move the claimed way: Arb balls in
    the wrong order, or (strict claims) f(a) = f(b) exactly, tried only when the balls
    still overlap at high precision (algebra is slow, and a gap settles it)."""
    increasing = claim.fields["direction"] == "increasing"
    overlapping = False
    for bits in numeric.ESCALATION:
        fa, fb = numeric.ball(expr, a, params, bits), numeric.ball(expr, b, params, bits)
        if fa is None or fb is None:
            return None
        if (fa > fb) if increasing else (fa < fb):
            left, right = numeric.pair_decimals(fa, fb)
            witness = {"kind": "pair", "a": a, "b": b, "params": params}
            return _shown(a, b, left, right, params), witness
        overlapping = fa.overlaps(fb)
        if not overlapping:
            return None
    tie = allow_tie and overlapping
    if tie and is_zero(_exact_at(expr, a, params) - _exact_at(expr, b, params)):
        witness = {"kind": "pair_tie", "a": a, "b": b, "params": params}
        return _shown(a, b, "equal", "equal (exactly)", params), witness
    return None


def _exact_at(expr: Expr, x: Expr, params: dict) -> Expr:
    return explicit(expr).xreplace(params).xreplace({X: x})


def _shown(a: Expr, b: Expr, left: str, right: str, params: dict) -> dict[str, str]:
    found = {"x": f"{to_language(a)}, {to_language(b)}", "lhs": left, "rhs": right}
    if params:
        found["parameters"] = ", ".join(f"{s} = {to_language(v)}" for s, v in params.items())
    return found


def _by_pairs(claim: Claim, expr: Expr, why: str) -> Verdict:
    verdict = _pair_verdict(claim, expr, claim.domain, [f"no exact method: {why}"])
    if verdict.verdict == "refuted":
        return verdict
    return Verdict.unknown(
        "monotone",
        f"no exact method applies ({why})",
        numeric.evidence(claim.domain, claim.parameters),
    )
