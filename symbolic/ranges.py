"""The image of an interval under f: range claims, with open and closed ends.

With u = e^(κx), f = P(u)/Q(u) is continuous on the u-interval when Q has no root
there, so the image is an interval (intermediate value theorem) from the least to
the greatest of: f at the critical points (roots of P′Q − PQ′ inside, exact), f at
the closed ends (attained), and the limits at the open ends (not attained there).
An end of the image is closed exactly when some candidate that attains it equals it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy import Expr

from symbolic.checking import reduces_to_zero
from symbolic.claims import Claim
from symbolic.enclosure import enclose
from symbolic.intervals import Interval
from symbolic.printing import to_language, to_text
from symbolic.prover import Verdict, _rational_limit
from symbolic.signs import ExpForm, NotRationalError, _roots_inside, exp_form, sign_chart


@dataclass(frozen=True)
class Candidate:
    value: Expr
    attained: bool
    where: str


def prove_range(claim: Claim) -> Verdict:
    expr, claimed = claim.fields["expr"], claim.fields["range"]
    try:
        form = exp_form(expr)
        chart = sign_chart(form, claim.domain)
    except NotRationalError as why:
        return Verdict.unknown("range", f"no exact method applies ({why})")
    if chart.poles:
        return Verdict.unknown("range", "f has poles in the domain")
    certificate = [form.describe(), "Q has no root on the u-interval, so f is continuous there"]
    candidates = _candidates(form, claim.domain, certificate)
    low, high = _extreme(candidates, -1), _extreme(candidates, 1)
    if low is None or high is None:
        return Verdict.unknown("range", "the candidate values could not be ordered exactly")
    image = Interval(low.value, high.value, not low.attained, not high.attained)
    certificate.append(f"so the image of the domain is {image}")
    problem = _compare(image, claimed)
    if problem is None:
        return Verdict("proved", "e^x substitution, critical points and end limits", certificate)
    value, why = problem
    found = {"value": to_language(value), "why": why, "image": str(image)}
    return Verdict(
        "refuted",
        "e^x substitution, critical points and end limits",
        [*certificate, f"claimed {claimed}: {why}"],
        found,
    )


def _candidates(form: ExpForm, domain: Interval, certificate: list[str]) -> list[Candidate]:
    p, q = form.numerator, form.denominator
    variable = p.gens[0]
    slope = p.diff(variable) * q - p * q.diff(variable)
    low_u, high_u = form.u_of_x(domain.low), form.u_of_x(domain.high)
    found = []
    for interval in _roots_inside(slope, low_u, high_u, True, True):
        from symbolic.signs import _exact_root

        root = _exact_root(slope, interval)
        value = sympy.simplify(sympy.radsimp((p.as_expr() / q.as_expr()).subs(variable, root)))
        found.append(Candidate(value, True, f"critical point at u = {to_text(root)}"))
    for end, is_open in ((domain.low, domain.low_open), (domain.high, domain.high_open)):
        limit = _rational_limit(form, end)
        if limit is None:
            continue
        label = "limit" if is_open else "value"
        found.append(Candidate(limit, not is_open, f"{label} at x = {to_text(end)}"))
    certificate.append("candidates: " + "; ".join(f"{c.where}: {to_text(c.value)}" for c in found))
    return found


def _extreme(candidates: list[Candidate], direction: int) -> Candidate | None:
    """The least (−1) or greatest (+1) candidate; ties merged exactly."""
    best: Candidate | None = None
    for candidate in candidates:
        if best is None:
            best = candidate
            continue
        order = _order(candidate.value, best.value)
        if order is None:
            return None
        if order == 0:
            best = Candidate(best.value, best.attained or candidate.attained, best.where)
        elif order == direction:
            best = candidate
    return best


def _order(a: Expr, b: Expr) -> int | None:
    if a == b:
        return 0
    if a.is_infinite or b.is_infinite:
        return 1 if a == sympy.oo or b == -sympy.oo else -1
    if reduces_to_zero(a - b):
        return 0
    ball = enclose(a - b, None, 256)
    if ball > 0:
        return 1
    if ball < 0:
        return -1
    return None


def _compare(image: Interval, claimed: Interval) -> tuple[Expr, str] | None:
    """None when equal; else a value that shows the difference, and why."""
    for end, mine, theirs, mine_open, theirs_open, side in (
        ("low", image.low, claimed.low, image.low_open, claimed.low_open, -1),
        ("high", image.high, claimed.high, image.high_open, claimed.high_open, 1),
    ):
        order = _order(mine, theirs)
        if order is None:
            return theirs, f"its {end} end could not be compared"
        if order == 0 and mine_open != theirs_open:
            if theirs_open:
                return mine, f"{to_text(mine)} is attained, but the claimed range excludes it"
            return mine, f"{to_text(mine)} is never attained (only approached)"
        if order == side:  # the image reaches beyond the claimed end
            return (
                theirs,
                f"f goes beyond {to_text(theirs)} (the image's {end} end is {to_text(mine)})",
            )
        if order == -side:
            return (
                theirs,
                f"values near {to_text(theirs)} are never attained "
                f"(the image's {end} end is {to_text(mine)})",
            )
    return None
