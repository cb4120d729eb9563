"""Zero sets: the listed zeros are exactly the zeros of f on the domain.

Each listed z is a zero by algebra: u_z = e^(κz) (exact: e^acosh(2) = 2 + √3) is a
root of P, shown by its minimal polynomial dividing P. The listed zeros are then
compared with the exact roots of P inside the domain, by count and by exact order.
A refutation needs a certified witness: a listed z where Arb shows f(z) ≠ 0, a
listed z outside the domain, or an exact root of P, not listed, where f is defined.
"""

from __future__ import annotations

from functools import cmp_to_key
from itertools import pairwise

import sympy

from symbolic.derive.checking import explicit
from symbolic.language.parser import X
from symbolic.language.printing import to_language, to_text
from symbolic.numbers.exact import is_root, is_zero, order
from symbolic.numbers.exact import sign as exact_sign
from symbolic.numbers.intervals import Interval
from symbolic.prove import mixed, numeric
from symbolic.prove.claim import Claim
from symbolic.prove.relations import (
    charted_pieces,
    check_definedness,
    conditions_of,
    outside_domain,
)
from symbolic.prove.signs import NotRationalError, exp_form, sign_chart
from symbolic.prove.verdict import Verdict

METHOD = "e^x substitution, exact roots"


def prove_zeros(claim: Claim) -> Verdict:
    expr, claimed = claim.fields["expr"], claim.fields["zeros"]
    for z in claimed:
        outside = outside_domain(claim, z)
        if outside is not None:
            return outside
        if not claim.domain.contains(z):
            return Verdict.unknown("zeros", f"{to_text(z)} is not shown to be in the domain")
    nonzero = _listed_nonzero(claim, expr, claimed)
    if nonzero:
        return nonzero
    if explicit(expr).has(sympy.Abs):
        return _by_pieces(claim, expr, claimed)
    try:
        form = exp_form(expr)
        chart = sign_chart(form, claim.domain)
    except NotRationalError as why:
        return _by_cover(claim, expr, claimed) or Verdict.unknown(
            "zeros", f"no exact method applies ({why})"
        )
    refuted, doubts = check_definedness(claim, conditions_of(claim, "expr"), [expr], claim.domain)
    if refuted or doubts or chart.poles:
        return Verdict.unknown("zeros", "f is not shown to be defined on the whole domain")
    if form.numerator.is_zero:
        return _vanishing(claim, expr, claim.domain, claimed, [form.describe()])
    certificate = [form.describe()]
    actual = [form.x_of_u(root) for root in chart.exact_zeros]
    certificate.append(
        f"the roots of P in the domain give x = {', '.join(to_text(a) for a in actual) or 'none'}"
    )
    listed_u = []
    for z in claimed:
        u_z = form.u_of_x(z)
        if is_root(form.numerator, u_z) is not True:
            return Verdict.unknown("zeros", f"could not show that {to_text(z)} is a zero exactly")
        listed_u.append(u_z)
    certificate.append(
        "each listed x gives a root u = e^(κx) of P (its minimal polynomial divides P)"
    )
    distinct = _distinct(listed_u)
    if distinct is None:
        return Verdict.unknown("zeros", "the listed zeros could not be told apart exactly")
    if len(distinct) == len(chart.roots):
        certificate.append(
            f"{len(distinct)} distinct listed zeros, {len(chart.roots)} roots of P inside: no others"
        )
        return Verdict("proved", METHOD, certificate)
    for root in chart.exact_zeros:
        matches = [order(root, u) for u in distinct]
        if None in matches:
            return Verdict.unknown("zeros", "a root could not be compared with the listed zeros")
        if 0 not in matches:
            x_root = form.x_of_u(root)
            why = f"x = {to_text(x_root)} is a zero (u = {to_text(root)} is a root of P) not listed"
            found = {"x": to_language(x_root), "lhs": "0 (exact root)", "rhs": "not listed"}
            witness = {"kind": "missing_zero", "x": x_root, "u": root}
            return Verdict("refuted", METHOD, [*certificate, why], found, witness=witness)
    return Verdict.unknown("zeros", "the zeros could not be matched")


def _by_pieces(claim: Claim, expr: sympy.Expr, claimed: tuple) -> Verdict:
    """With |g| in f: the zeros on each piece where every |g| is ±g, joined."""
    pieces = charted_pieces(expr, claim.domain)
    if isinstance(pieces, str):
        return Verdict.unknown("zeros", pieces)
    refuted, doubts = check_definedness(claim, conditions_of(claim, "expr"), [expr], claim.domain)
    if refuted or doubts:
        return Verdict.unknown("zeros", "f is not shown to be defined on the whole domain")
    actual: list[sympy.Expr] = []
    for charted in pieces:
        piece, branch, form, chart = charted.piece, charted.branch, charted.form, charted.chart
        if form.numerator.is_zero and piece.low != piece.high:
            why = [f"on {piece}: f = {to_text(branch)} = 0 identically"]
            return _vanishing(claim, expr, piece, claimed, why)
        if form.numerator.is_zero:
            chart_zeros = [piece.low]
        else:
            chart_zeros = [form.x_of_u(root) for root in chart.exact_zeros]
        for x in chart_zeros:
            relations = [order(x, a) for a in actual]
            if None in relations:
                return Verdict.unknown("zeros", "two zeros could not be told apart")
            if 0 not in relations:
                actual.append(x)
    certificate = [
        "split where the absolute values change form: "
        + "; ".join(f"on {c.piece}: {to_text(c.branch)}" for c in pieces),
        f"the zeros on the pieces: {', '.join(to_text(a) for a in actual) or 'none'}",
    ]
    matches = [[order(z, a) for a in actual] for z in claimed]
    if any(None in row for row in matches) or any(0 not in row for row in matches):
        return Verdict.unknown("zeros", "a listed zero could not be matched exactly")
    for a in actual:
        if not any(order(a, z) == 0 for z in claimed):
            found = {"x": to_language(a), "lhs": "0 (exact)", "rhs": "not listed"}
            why = f"x = {to_text(a)} is a zero not listed"
            witness = {"kind": "missing_zero", "x": a, "u": None}
            return Verdict(
                "refuted", "pieces, exact roots", [*certificate, why], found, witness=witness
            )
    return Verdict(
        "proved",
        "pieces, exact roots",
        [*certificate, "each listed x is one of them, and there are no others"],
    )


def _vanishing(
    claim: Claim, expr: sympy.Expr, piece: Interval, claimed: tuple, certificate: list[str]
) -> Verdict:
    """f is 0 on a whole interval: a finite list cannot be its zero set. The witness is
    a point of the interval, not listed, where f is exactly 0 (and defined)."""
    if piece.low == piece.high:
        return Verdict.unknown("zeros", "f vanishes on a single point; not decided here")
    for x in numeric.domain_samples(piece):
        listed = [order(x, z) for z in claimed]
        if None in listed or 0 in listed:
            continue
        if numeric.ball(expr, x, {}) is not None and is_zero(explicit(expr).xreplace({X: x})):
            why = f"f is 0 on all of {piece}: x = {to_text(x)} is a zero not listed"
            found = {"x": to_language(x), "lhs": "0 (exact)", "rhs": "not listed"}
            witness = {"kind": "missing_zero", "x": x, "u": None}
            method = "zero polynomial: f vanishes on an interval"
            return Verdict("refuted", method, [*certificate, why], found, witness=witness)
    return Verdict.unknown("zeros", "f vanishes on an interval, but no witness was certified")


def _listed_nonzero(claim: Claim, expr: sympy.Expr, claimed: tuple) -> Verdict | None:
    """A listed zero where Arb certifies f ≠ 0."""
    for params in numeric.parameter_assignments(claim.parameters):
        for z in claimed:
            balls = numeric.failing_balls(expr, sympy.S.Zero, "=", z, params)
            if balls:
                found = numeric.counterexample(z, *balls, params)
                why = [f"f({to_text(z)}) ≠ 0 (certified with Arb)"]
                witness = {"kind": "listed_nonzero", "x": z, "params": params}
                return Verdict(
                    "refuted", "value at a listed zero (Arb)", why, found, witness=witness
                )
    return None


def _distinct(values: list[sympy.Expr]) -> list[sympy.Expr] | None:
    """The values without exact repeats (sorted), or None when some pair is undecided."""
    try:
        ordered = sorted(values, key=cmp_to_key(_strict_order))
    except _UndecidedError:
        return None
    distinct: list[sympy.Expr] = []
    for value in ordered:
        if not distinct or order(distinct[-1], value) != 0:
            distinct.append(value)
    return distinct


class _UndecidedError(Exception):
    pass


def _strict_order(a: sympy.Expr, b: sympy.Expr) -> int:
    relation = order(a, b)
    if relation is None:
        raise _UndecidedError
    return relation


def _by_cover(claim: Claim, expr: sympy.Expr, claimed: tuple) -> Verdict | None:
    """Beyond one exponential: every listed zero is exactly 0 (algebra), and between
    consecutive ones a cover shows f ≠ 0 (one strict sign on each open piece)."""
    refuted, doubts = check_definedness(claim, conditions_of(claim, "expr"), [expr], claim.domain)
    if refuted or doubts:
        return None
    formula = explicit(expr)
    if any(exact_sign(formula.xreplace({X: z})) != 0 for z in claimed):
        return None
    try:
        ordered = sorted(claimed, key=cmp_to_key(_strict_order))
    except _UndecidedError:
        return None
    domain = claim.domain
    ends = [
        (domain.low, domain.low_open),
        *((z, True) for z in ordered),
        (domain.high, domain.high_open),
    ]
    certificate = [
        f"f = 0 exactly at {', '.join(to_text(z) for z in ordered) or 'no listed point'}"
    ]
    for (low, low_open), (high, high_open) in pairwise(ends):
        if order(low, high) != -1:
            continue
        piece = Interval(low, high, low_open, high_open)
        decision = mixed.decide(expr, "!=", piece)
        if decision.proved is None:
            return _sign_change(expr, piece, certificate)
        certificate += [f"on {piece}, f ≠ 0:", *decision.proved]
    certificate.append("so the listed points are all the zeros")
    return Verdict("proved", "exact values at the zeros, covers between them", certificate)


def _sign_change(expr: sympy.Expr, piece: Interval, certificate: list[str]) -> Verdict | None:
    """Two points of a piece without listed zeros where f has opposite signs (Arb):
    f is continuous there, so it has a zero between them that is not listed."""
    points = sorted(numeric.domain_samples(piece), key=lambda p: sympy.N(p, 30))
    signs = []
    for x in points:
        value = numeric.ball(expr, x, {})
        if value is not None and (value > 0 or value < 0):
            signs.append((x, 1 if value > 0 else -1))
    for (a, sign_a), (b, sign_b) in pairwise(signs):
        if sign_a != sign_b:
            why = f"f changes sign between x = {to_text(a)} and x = {to_text(b)}: a zero not listed"
            found = {
                "x": f"between {to_language(a)} and {to_language(b)}",
                "lhs": "0 (a sign change)",
                "rhs": "not listed",
            }
            witness = {"kind": "sign_change", "a": a, "b": b}
            return Verdict(
                "refuted",
                "sign change (Arb), intermediate values",
                [*certificate, why],
                found,
                witness=witness,
            )
    return None
