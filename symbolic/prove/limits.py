"""Limits of P(u)/Q(u): at ±∞, at an end of the u-interval, one-sided at a pole.

All exact: leading and trailing coefficients, exact values at algebraic points, and
at a pole (Q(u0) = 0 with P(u0) ≠ 0, P/Q in lowest terms) the limit is ±∞ with the
sign of P/Q on that side, read from an exact rational point between u0 and the next
root of P or Q.
"""

from __future__ import annotations

import sympy
from sympy import Expr

from symbolic.derive.checking import explicit
from symbolic.language.parser import X
from symbolic.language.printing import to_language, to_text
from symbolic.numbers.exact import is_zero, order, sign
from symbolic.numbers.intervals import Interval
from symbolic.prove.claim import Claim
from symbolic.prove.relations import conditions_of, defined_at
from symbolic.prove.signs import ExpForm, NotRationalError, exp_form, sign_chart
from symbolic.prove.tail_limits import tail_limit_data
from symbolic.prove.verdict import Entry, Verdict


def _certain_coefficients(p: sympy.Poly, q: sympy.Poly) -> bool:
    """The leading and trailing coefficients are certainly nonzero (a coefficient such
    as √2·√3 − √6 is 0 in disguise and would give the wrong degree)."""
    ends = [
        p.LC(),
        q.LC(),
        p.nth(min(m[0] for m in p.monoms())),
        q.nth(min(m[0] for m in q.monoms())),
    ]
    return all(c.is_Rational or sign(c) in (-1, 1) for c in ends)


def _at_infinity(p: sympy.Poly, q: sympy.Poly, sign_flip: int) -> Expr:
    """lim P(u)/Q(u) as u → +∞ (sign_flip −1 for u → −∞ with odd degree difference)."""
    dp, dq = p.degree(), q.degree()
    ratio = p.LC() / q.LC()
    if dp < dq:
        return sympy.S.Zero
    if dp == dq:
        return sympy.simplify(ratio)
    return sympy.oo * sympy.sign(ratio * sign_flip)


def rational_limit(form: ExpForm, point: Expr, side: int = 0) -> Expr | None:
    """The limit of P/Q as x → point (from the side −1 or +1 for a finite point; 0:
    both sides must agree), or None when it cannot be computed exactly."""
    p, q = form.numerator, form.denominator
    if point.is_infinite and not _certain_coefficients(p, q):
        return None
    if point.is_infinite:
        if form.u_is_x:
            flip = (-1) ** (p.degree() - q.degree()) if point == -sympy.oo else 1
            return _at_infinity(p, q, flip)
        if point == sympy.oo:
            return _at_infinity(p, q, 1)
        return _at_zero(p, q)
    return limit_at_u(form, form.u_of_x(point), side)


def _at_zero(p: sympy.Poly, q: sympy.Poly) -> Expr:
    """lim P(u)/Q(u) as u → 0+ (x → −∞ with u = e^(κx))."""
    a = min(m[0] for m in p.monoms())
    b = min(m[0] for m in q.monoms())
    p0 = p.nth(a)
    q0 = q.nth(b)
    if a > b:
        return sympy.S.Zero
    if a == b:
        return sympy.simplify(p0 / q0)
    return sympy.oo * sympy.sign(p0 / q0)


def limit_at_u(form: ExpForm, u0: Expr, side: int = 0) -> Expr | None:
    """lim P(u)/Q(u) as u → u0 where Q(u0) ≠ 0 (the value there, exactly); None at a
    pole (the caller knows the sign of P/Q beside it) or when undecided."""
    p, q = form.numerator, form.denominator
    variable = p.gens[0]
    denominator = sympy.radsimp(q.as_expr().xreplace({variable: u0}))
    numerator = sympy.radsimp(p.as_expr().xreplace({variable: u0}))
    if sign(denominator) in (None, 0):
        return None
    return sympy.radsimp(numerator / denominator)


def approachable(point: Expr, domain: Interval) -> bool | None:
    """Whether x can tend to the point within the domain (the point is in its closure,
    ±oo only for an unbounded side); None when undecided."""
    if point == sympy.oo:
        return domain.high == sympy.oo
    if point == -sympy.oo:
        return domain.low == -sympy.oo
    above, below = order(point, domain.low), order(point, domain.high)
    if above is None or below is None:
        return None
    return above >= 0 and below <= 0


def prove_limit(claim: Claim) -> Verdict:
    expr, point, value = (claim.fields[k] for k in ("expr", "point", "value"))
    reachable = approachable(point, claim.domain)
    if reachable is None:
        return Verdict.unknown("limit", "the point is not shown to be approachable in the domain")
    if not reachable:
        why = [f"x cannot tend to {to_text(point)} within {claim.domain}: the limit does not exist"]
        found = {
            "x": to_language(point),
            "lhs": "no limit (not approachable)",
            "rhs": to_language(value),
        }
        return Verdict("refuted", "domain", why, found, witness={"kind": "unreachable"})
    try:
        form = exp_form(expr)
    except NotRationalError as why:
        return _at_finite_point(claim, expr, point, value, str(why))
    certificate = [form.describe()]
    limit = rational_limit(form, point)
    if limit is None and point.is_finite:
        return _at_pole(form, point, value, certificate, claim.domain)
    if limit is None:
        return Verdict.unknown("limit", "the limit could not be computed exactly")
    certificate.append(
        f"as x → {to_text(point)}, u → {to_text(form.u_of_x(point))} and P/Q → {to_text(limit)}"
    )
    method = "e^x substitution, limit of a rational function"
    verdict_order = order(limit, value)
    if verdict_order == 0:
        return Verdict("proved", method, certificate)
    if verdict_order is None:
        return Verdict.unknown(
            method, f"could not compare the limit {to_text(limit)} with {to_text(value)}"
        )
    found = {"x": to_language(point), "lhs": to_language(limit), "rhs": to_language(value)}
    witness = {"kind": "limit", "limit": limit}
    return Verdict("refuted", method, [*certificate, f"≠ {to_text(value)}"], found, witness=witness)


def _at_pole(
    form: ExpForm, point: Expr, value: Expr, certificate: list[str], domain: Interval
) -> Verdict:
    """At a root u0 of Q (P(u0) ≠ 0 in lowest terms) the one-sided limits are ±∞ with
    the signs of P/Q on the two pieces of the exact sign chart next to u0. The limit is
    taken within the domain: one-sided when the domain lies on one side of the point."""
    method = "e^x substitution, signs beside a pole"
    u0 = form.u_of_x(point)
    chart = sign_chart(form, Interval.reals())
    sides = []
    for piece in chart.pieces:
        if order(piece.high, u0) == 0:
            sides.append(("left", piece.sign))
        if order(piece.low, u0) == 0:
            sides.append(("right", piece.sign))
    if len(sides) != 2 or is_zero(form.numerator.as_expr().xreplace({form.numerator.gens[0]: u0})):
        return Verdict.unknown("limit", "the limit at a root of Q could not be computed exactly")
    limits = {side: sympy.oo * s for side, s in sides}
    if order(domain.low, point) in (0, 1):
        limits["left"] = limits["right"]  # the domain lies right of the point
    elif order(domain.high, point) in (0, -1):
        limits["right"] = limits["left"]
    certificate.append(
        f"u = {to_text(u0)} is a root of Q but not of P: the limit from the left is "
        f"{to_text(limits['left'])}, from the right {to_text(limits['right'])}"
    )
    if limits["left"] != limits["right"]:
        found = {
            "x": to_language(point),
            "lhs": "no limit (the one-sided limits differ)",
            "rhs": to_language(value),
        }
        witness = {"kind": "no_limit", "left": limits["left"], "right": limits["right"]}
        return Verdict("refuted", method, certificate, found, witness=witness)
    if limits["left"] == value:
        return Verdict("proved", method, certificate)
    found = {"x": to_language(point), "lhs": to_language(limits["left"]), "rhs": to_language(value)}
    return Verdict(
        "refuted", method, certificate, found, witness={"kind": "limit", "limit": limits["left"]}
    )


def _at_finite_point(claim: Claim, expr: Expr, point: Expr, value: Expr, why: str) -> Verdict:
    if not point.is_finite:
        return _mixed_at_infinity(expr, point, value, why)
    defined, why = defined_at(claim, [expr], conditions_of(claim, "expr"), point, strict=True)
    if not defined:
        removable = _removable(claim, expr, point, value)
        if removable is not None:
            return removable
        return Verdict.unknown("limit", f"f is not shown continuous at the point ({why})")
    at_point = explicit(expr).xreplace({X: point})
    certificate = [
        f"f is continuous at x = {to_text(point)}: every condition of its parts holds strictly "
        "there, so f is defined and continuous on a neighbourhood"
    ]
    if is_zero(at_point - value):
        return Verdict(
            "proved", "continuity", [*certificate, f"f({to_text(point)}) = {to_text(value)}"]
        )
    if order(at_point, value) in (-1, 1):
        found = {"x": to_language(point), "lhs": to_language(at_point), "rhs": to_language(value)}
        witness = {"kind": "limit", "limit": at_point}
        return Verdict("refuted", "continuity, value (Arb)", certificate, found, witness=witness)
    return Verdict.unknown("limit", "the value at the point could not be decided")


def _mixed_at_infinity(expr: Expr, point: Expr, value: Expr, why: str) -> Verdict:
    """A limit at ±∞ of an expression that is not rational in one exponential: the
    tails' dominant terms (`symbolic.prove.tail_limits`), proved with their bounds. The
    form's data goes with the first line, for `symbolic check` (docs/check.md)."""
    method = "dominant terms on the tail, bounded remainder"
    side, written = 1 if point == sympy.oo else -1, explicit(expr)
    found = tail_limit_data(written, side)
    if found is None:
        return Verdict.unknown("limit", f"no exact method for this limit at infinity ({why})")
    limit, lines = found.limit, found.lines
    data = {"tail_limit": dict(found.data), "expr": to_language(written), "side": side}
    certificate: list[Entry | str] = [Entry("step", lines[0], data), *lines[1:]]
    certificate.append(f"so f → {to_text(limit)} as x → {to_text(point)}")
    verdict_order = order(limit, value)
    if verdict_order == 0:
        return Verdict("proved", method, certificate)
    if verdict_order is None:
        return Verdict.unknown(method, f"could not compare {to_text(limit)} with {to_text(value)}")
    shown = {"x": to_language(point), "lhs": to_language(limit), "rhs": to_language(value)}
    witness = {"kind": "limit", "limit": limit}
    return Verdict("refuted", method, [*certificate, f"≠ {to_text(value)}"], shown, witness=witness)


MAX_VANISHING_ORDER = 8


def _removable(claim: Claim, expr: Expr, point: Expr, value: Expr) -> Verdict | None:
    """f = N/D with N and D analytic at a and D(a) = 0: with k the first order where
    D^(k)(a) ≠ 0 and m that of N (exact values at a), the limit is N^(k)(a)/D^(k)(a)
    when m ≥ k (Taylor's formula with remainder for N and D), and infinite when m < k.
    N and D must be defined on a neighbourhood of a (every condition strict there)."""
    numerator, denominator = sympy.fraction(sympy.together(explicit(expr)))
    if not denominator.has(X) or not point.is_Rational:
        return None
    parts = [numerator, denominator]
    defined, _ = defined_at(claim, parts, [], point, strict=True)
    if not defined or not all(_analytic_at(part, point) for part in parts):
        return None
    n_order, n_value = _first_nonzero(numerator, point)
    d_order, d_value = _first_nonzero(denominator, point)
    if d_order is None or d_order == 0 or n_order is None:
        return None
    method = "removable singularity: Taylor's formula for numerator and denominator"
    certificate = [
        f"f = N/D with N = {to_text(numerator)}, D = {to_text(denominator)}, both analytic at "
        f"x = {to_text(point)}",
        f"the first derivative of D not 0 there is of order {d_order}: {to_text(d_value)}; "
        f"of N, order {n_order}",
    ]
    if n_order < d_order:
        limit = sympy.oo  # |f| grows without bound: no finite limit
        certificate.append(f"N vanishes to a lower order than D: |f| → ∞ as x → {to_text(point)}")
        if value.is_finite:
            shown = {"x": to_language(point), "lhs": "unbounded", "rhs": to_language(value)}
            return Verdict(
                "refuted", method, certificate, shown, witness={"kind": "limit", "limit": limit}
            )
        return None
    limit = sympy.S.Zero if n_order > d_order else sympy.simplify(n_value / d_value)
    certificate.append(f"so f → N^({d_order})(a)/D^({d_order})(a) = {to_text(limit)}")
    found = order(limit, value)
    if found == 0:
        return Verdict("proved", method, certificate)
    if found is None:
        return None
    shown = {"x": to_language(point), "lhs": to_language(limit), "rhs": to_language(value)}
    return Verdict(
        "refuted",
        method,
        [*certificate, f"≠ {to_text(value)}"],
        shown,
        witness={"kind": "limit", "limit": limit},
    )


def _first_nonzero(expr: Expr, point: Expr) -> tuple[int | None, Expr | None]:
    """The first order k with expr^(k)(point) ≠ 0 (exactly), and that value."""
    current = expr
    for k in range(MAX_VANISHING_ORDER + 1):
        at = current.xreplace({X: point})
        if not is_zero(at):
            return (k, at) if sign(at) in (-1, 1) else (None, None)
        current = sympy.diff(current, X)
    return None, None


def _analytic_at(expr: Expr, point: Expr) -> bool:
    """No |g| or sign, and every non-integer power has a base ≠ 0 at the point (x^(1/3)
    is defined at 0 but not analytic there): then expr is analytic where defined."""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Abs | sympy.sign | sympy.Piecewise | sympy.Min | sympy.Max):
            return False
        if (
            node.is_Pow
            and not node.exp.is_Integer
            and sign(node.base.xreplace({X: point})) not in (-1, 1)
        ):
            return False
    return True
