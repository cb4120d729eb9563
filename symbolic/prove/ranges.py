"""The image of an interval under f: range claims, with open and closed ends.

With u = e^(κx), f = P(u)/Q(u). Once every part of f is proved defined on the
domain, Q has no root inside and f is continuous, so the image is an interval
(intermediate value theorem) from the least to the greatest of: f at the critical
points (roots of P′Q − PQ′ inside, exact; every point when f is constant), f at
the closed ends (attained), and the one-sided limits at the open ends, including
±∞ at a pole that sits at an open end. An end of the image is closed exactly when
some candidate that attains it equals it. Candidates are compared exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy import Expr

from symbolic.arith.arb import exact_bounds
from symbolic.derive.checking import explicit
from symbolic.language.parser import X
from symbolic.language.printing import to_language, to_text
from symbolic.numbers.exact import is_zero, order, rational, rational_between, sign
from symbolic.numbers.intervals import Interval
from symbolic.prove import mixed, numeric
from symbolic.prove.claim import Claim
from symbolic.prove.limits import limit_at_u, rational_limit
from symbolic.prove.relations import (
    charted_pieces,
    check_definedness,
    conditions_of,
    prove_relation,
    substitute,
)
from symbolic.prove.signs import (
    ExpForm,
    SignChart,
    roots_inside,
)
from symbolic.prove.tails import tail_limit
from symbolic.prove.verdict import Verdict

METHOD = "e^x substitution, critical points and end limits"


@dataclass(frozen=True)
class Candidate:
    value: Expr
    attained: bool
    where: str
    x: Expr | None = None  # where it is attained (exact), if it is


def prove_range(claim: Claim) -> Verdict:
    expr, claimed = claim.fields["expr"], claim.fields["range"]
    refuted, doubts = check_definedness(claim, conditions_of(claim, "expr"), [expr], claim.domain)
    if refuted:
        return refuted
    if doubts:
        return Verdict.unknown("range", "; ".join(doubts))
    pieces = charted_pieces(expr, claim.domain)
    if isinstance(pieces, str):
        return _monotone_range(claim, expr, claimed) or Verdict.unknown("range", pieces)
    certificate = ["f is defined on the whole domain, so continuous there"]
    candidates: list[Candidate] = []
    for charted in pieces:
        piece, branch, form, chart = charted.piece, charted.branch, charted.form, charted.chart
        where = "" if len(pieces) == 1 else f"on {piece}, f = {to_text(branch)}: "
        certificate.append(where + form.describe())
        found = _candidates(form, piece, chart, certificate)
        if found is None:
            return Verdict.unknown("range", "a limit at an end could not be computed exactly")
        candidates += found
    low, high = _extreme(candidates, -1), _extreme(candidates, 1)
    if low is None or high is None:
        return Verdict.unknown("range", "the candidate values could not be ordered exactly")
    image = Interval(low.value, high.value, not low.attained, not high.attained)
    certificate.append(f"so the image of the domain is {image}")
    problem = _compare(image, claimed)
    if problem is None:
        return Verdict("proved", METHOD, certificate)
    if problem == "undecided":
        return Verdict.unknown("range", "an end of the image could not be compared exactly")
    return _refutation(claim, image, claimed, (low, high), problem, certificate)


def _candidates(
    form: ExpForm, domain: Interval, chart: SignChart, certificate: list[str]
) -> list[Candidate] | None:
    p, q = form.numerator, form.denominator
    variable = p.gens[0]
    slope = p.diff(variable) * q - p * q.diff(variable)
    low_u, high_u = form.u_of_x(domain.low), form.u_of_x(domain.high)
    found = []
    if slope.is_zero:
        sample = rational(rational_between(low_u, high_u) or 0) if low_u != high_u else low_u
        value = limit_at_u(form, sample)
        found.append(Candidate(value, True, "f is constant", form.x_of_u(sample)))
    else:
        for root in roots_inside(slope, low_u, high_u, True, True):
            value = limit_at_u(form, root.exact)
            if value is None:
                return None
            found.append(
                Candidate(
                    value,
                    True,
                    f"critical point at u = {to_text(root.exact)}",
                    form.x_of_u(root.exact),
                )
            )
    pieces = chart.pieces
    for end, is_open, side in (
        (domain.low, domain.low_open, 0),
        (domain.high, domain.high_open, -1),
    ):
        limit = rational_limit(form, end)
        if limit is None and pieces and end.is_finite and _pole(form, form.u_of_x(end)):
            limit = sympy.oo if pieces[side].sign > 0 else -sympy.oo  # a pole at the open end
        if limit is None:
            return None
        label = "limit" if is_open else "value"
        x_end = None if is_open else end
        found.append(Candidate(limit, not is_open, f"{label} at x = {to_text(end)}", x_end))
    certificate.append("candidates: " + "; ".join(f"{c.where}: {to_text(c.value)}" for c in found))
    return found


def _pole(form: ExpForm, u0: Expr) -> bool:
    """Q(u0) = 0 exactly and P(u0) ≠ 0 certainly: P/Q tends to ±∞ at u0."""
    p, q = form.numerator, form.denominator
    at_q = sympy.radsimp(q.as_expr().xreplace({q.gens[0]: u0}))
    at_p = sympy.radsimp(p.as_expr().xreplace({p.gens[0]: u0}))
    return sign(at_q) == 0 and sign(at_p) in (-1, 1)


def _extreme(candidates: list[Candidate], direction: int) -> Candidate | None:
    """The least (−1) or greatest (+1) candidate; ties merged exactly."""
    best: Candidate | None = None
    for candidate in candidates:
        if best is None:
            best = candidate
            continue
        relation = order(candidate.value, best.value)
        if relation is None:
            return None
        if relation == 0:
            if candidate.attained and not best.attained:
                best = candidate
        elif relation == direction:
            best = candidate
    return best


def _compare(image: Interval, claimed: Interval) -> tuple[str, int] | str | None:
    """None when equal; "undecided"; else (which end, how it differs)."""
    for end, side in (("low", -1), ("high", 1)):
        mine, theirs = getattr(image, end), getattr(claimed, end)
        mine_open, theirs_open = getattr(image, f"{end}_open"), getattr(claimed, f"{end}_open")
        relation = order(mine, theirs)
        if relation is None:
            return "undecided"
        if relation == 0 and mine_open != theirs_open:
            return (end, 2 if theirs_open else 3)  # 2: attained but excluded; 3: never attained
        if relation == side:
            return (end, 0)  # the image reaches beyond the claimed end
        if relation == -side:
            return (end, 1)  # the claimed range reaches beyond the image
    return None


def _refutation(
    claim: Claim,
    image: Interval,
    claimed: Interval,
    extremes: tuple[Candidate, Candidate],
    problem: tuple[str, int],
    certificate: list[str],
) -> Verdict:
    end, how = problem
    candidate = extremes[0] if end == "low" else extremes[1]
    mine, theirs = getattr(image, end), getattr(claimed, end)
    expr = claim.fields["expr"]
    if how in (0, 2):
        # a point of the domain whose value is outside the claimed range
        points = [candidate.x] if candidate.x is not None else []
        points += numeric.check_points(claim.domain)
        for x in points:
            if not claim.domain.contains(x):
                continue
            value = numeric.ball(expr, x, {}, 4096)
            if value is None:
                continue
            outside = _outside(value, x, claimed, expr)
            if outside:
                why = f"f({to_text(x)}) = {outside} is not in the claimed range {claimed}"
                found = {"x": to_language(x), "lhs": outside, "rhs": f"not in {claimed}"}
                witness = {"kind": "outside_range", "x": x}
                return Verdict("refuted", METHOD, [*certificate, why], found, witness=witness)
        return Verdict.unknown(
            "range", "the image differs from the claim, but no point was certified"
        )
    # a value of the claimed range that f never takes
    value = theirs if how == 3 else _value_between(mine, theirs)
    if value is None:
        return Verdict.unknown("range", "no value between the ends could be chosen")
    avoided = prove_relation(claim, expr, value, "!=", claim.domain, conditions_of(claim, "expr"))
    if avoided.verdict != "proved":
        return Verdict.unknown(
            "range", f"the image is {image}, but f ≠ {to_text(value)} was not proved"
        )
    why = f"{to_text(value)} is in the claimed range {claimed} but f never takes it"
    found = {"value": to_language(value), "why": why, "image": str(image)}
    witness = {"kind": "value_avoided", "value": value}
    return Verdict(
        "refuted", METHOD, [*certificate, *avoided.certificate, why], found, witness=witness
    )


def _outside(value: object, x: Expr, claimed: Interval, expr: Expr) -> str | None:
    """The value's decimal when it is certainly outside the claimed interval."""
    low, high = exact_bounds(value)
    below = _below_end(low, high, claimed.low, claimed.low_open, x, expr)
    above = _above_end(low, high, claimed.high, claimed.high_open, x, expr)
    return numeric.decimal_text(value, 20) if below or above else None


def _below_end(
    low: Fraction, high: Fraction, end: Expr, is_open: bool, x: Expr, expr: Expr
) -> bool:
    if end == -sympy.oo:
        return False
    relation = order(rational(high), end)
    if relation == -1:
        return True
    return bool(is_open and is_zero(_at(expr, x) - end))


def _above_end(
    low: Fraction, high: Fraction, end: Expr, is_open: bool, x: Expr, expr: Expr
) -> bool:
    if end == sympy.oo:
        return False
    relation = order(rational(low), end)
    if relation == 1:
        return True
    return bool(is_open and is_zero(_at(expr, x) - end))


def _at(expr: Expr, x: Expr) -> Expr:
    return substitute(expr, x)


def _value_between(a: Expr, b: Expr) -> Expr | None:
    if a.is_infinite and b.is_infinite:
        return sympy.S.Zero
    low, high = (a, b) if order(a, b) == -1 else (b, a)
    between = rational_between(low, high)
    return None if between is None else rational(between)


def _monotone_range(claim: Claim, expr: Expr, claimed: Interval) -> Verdict | None:
    """Beyond one exponential: when a cover shows f′ > 0 (or < 0) on the domain, f is
    strictly monotone and the image runs between its values or limits at the ends
    (tails' dominant terms at ±∞), closed exactly at a closed end."""
    domain = claim.domain
    slope = sympy.diff(expr, X)
    signed = _slope_sign(slope, domain)
    if signed is None:
        return None
    direction, op, decision = signed
    ends = [_end_value(expr, domain, side) for side in (-1, 1)]
    if None in ends:
        return None
    (low, low_x, low_closed), (high, high_x, high_closed) = ends[::direction]
    image = Interval(low, high, not low_closed, not high_closed)
    method = "sign of f′ by a cover: f strictly monotone, image between its end values"
    certificate = [
        f"f′ {op} 0 on the domain:",
        *decision.proved,
        f"so f is strictly {'increasing' if direction > 0 else 'decreasing'} and continuous, "
        f"and the image of the domain is {image}",
    ]
    problem = _compare(image, claimed)
    if problem is None:
        return Verdict("proved", method, certificate)
    if problem == "undecided":
        return Verdict.unknown("range", "an end of the image could not be compared exactly")
    extremes = (
        Candidate(low, low_closed, "the low end", low_x),
        Candidate(high, high_closed, "the high end", high_x),
    )
    return _refutation(claim, image, claimed, extremes, problem, certificate)


def _end_value(expr: Expr, domain: Interval, side: int) -> tuple[Expr, Expr | None, bool] | None:
    """(value or limit at the end, the end when attained, whether attained)."""
    end, is_open = (domain.low, domain.low_open) if side < 0 else (domain.high, domain.high_open)
    if end.is_infinite:
        found = tail_limit(explicit(expr), side)
        return None if found is None else (found[0], None, False)
    value = substitute(expr, end)
    if sign(value) is None:
        return None
    return value, (None if is_open else end), not is_open


def _slope_sign(slope: Expr, domain: Interval) -> tuple[int, str, mixed.Decision] | None:
    for direction, op in ((1, ">"), (-1, "<")):
        decision = mixed.decide(slope, op, domain)
        if decision.proved is not None:
            return direction, op, decision
    return None
