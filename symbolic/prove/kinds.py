"""Claim kinds, one class each: its fields, its statement, its proof strategy, the
relation its re-check evaluates, and the re-check of a proof when it is not one
relation. A new kind is one class here, added to `KINDS`; loading, proving,
re-checking and printing all ask this table.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from itertools import pairwise
from typing import Any, ClassVar

import sympy
from sympy import Expr

from symbolic.arith.decimals import exact_decimal
from symbolic.derive.checking import explicit
from symbolic.language.definedness import of_tree
from symbolic.language.parser import X
from symbolic.language.printing import to_language, to_text
from symbolic.numbers import oracle
from symbolic.numbers.exact import order, sign
from symbolic.prove import numeric
from symbolic.prove.claim import Claim
from symbolic.prove.extremes import extremum_digits_proof, prove_extremum_digits
from symbolic.prove.limits import prove_limit
from symbolic.prove.monotone import prove_monotone
from symbolic.prove.ranges import prove_range
from symbolic.prove.relations import (
    conditions_of,
    defined_at,
    outside_domain,
    prove_relation,
    substitute,
)
from symbolic.prove.smoothness import prove_smooth
from symbolic.prove.verdict import Verdict
from symbolic.prove.zeros import prove_zeros

Relation = tuple[Expr, Expr, str]

# ---------------------------------------------------------------- strategies


def prove_identity(claim: Claim) -> Verdict:
    f = claim.fields
    conditions = conditions_of(claim, "lhs", "rhs")
    return prove_relation(claim, f["lhs"], f["rhs"], "=", claim.domain, conditions)


def prove_inequality(claim: Claim) -> Verdict:
    f = claim.fields
    conditions = conditions_of(claim, "lhs", "rhs")
    return prove_relation(claim, f["lhs"], f["rhs"], f["op"], claim.domain, conditions)


def prove_parity(claim: Claim) -> Verdict:
    expr = claim.fields["expr"]
    other = expr if claim.fields["parity"] == "even" else -expr
    conditions = conditions_of(claim, "expr") + conditions_of(claim, "expr", substitution={X: -X})
    formula = of_tree(explicit(expr))
    uncertain = formula + [c.at({X: -X}) for c in formula]
    verdict = prove_relation(
        claim, substitute(expr, -X), other, "=", claim.domain, conditions, 0, uncertain
    )
    sign = "" if claim.fields["parity"] == "even" else "−"
    return verdict.around([f"{claim.fields['parity']}: compare f(−x) with {sign}f(x)"])


def prove_symmetry(claim: Claim) -> Verdict:
    expr = claim.fields["expr"]
    if "axis" in claim.fields:
        a = claim.fields["axis"]
        left, right = substitute(expr, a - X), substitute(expr, a + X)
        note = f"axis x = {to_text(a)}: compare f({to_text(a)} − x) with f({to_text(a)} + x)"
    else:
        a, b = claim.fields["center"]
        left, right = substitute(expr, a - X) + substitute(expr, a + X), 2 * b
        note = f"centre ({to_text(a)}, {to_text(b)}): compare f(a − x) + f(a + x) with 2b"
    conditions = conditions_of(claim, "expr", substitution={X: a - X}) + conditions_of(
        claim, "expr", substitution={X: a + X}
    )
    formula = of_tree(explicit(expr))
    uncertain = [c.at({X: a - X}) for c in formula] + [c.at({X: a + X}) for c in formula]
    verdict = prove_relation(claim, left, right, "=", claim.domain, conditions, 0, uncertain)
    return verdict.around([note])


def prove_extremum(claim: Claim) -> Verdict:
    expr, point, value = (claim.fields[k] for k in ("expr", "at", "value"))
    kind = claim.fields["type"]
    outside = outside_domain(claim, point)
    if outside is not None:
        return outside
    if not claim.domain.contains(point):
        return Verdict.unknown("extremum", f"x = {to_text(point)} is not shown to be in the domain")
    at_point = explicit(expr).xreplace({X: point})
    if sign(at_point - value) == 0:
        certificate = [f"f({to_text(point)}) = {to_text(value)} exactly"]
    else:
        for params in numeric.parameter_assignments(claim.parameters):
            balls = numeric.failing_balls(expr, value, "=", point, params)
            if balls:
                found = numeric.counterexample(point, *balls, params)
                why = [f"f({to_text(point)}) ≠ {to_text(value)}"]
                witness = {"kind": "value_at", "x": point, "params": params}
                return Verdict("refuted", "value at the point (Arb)", why, found, witness=witness)
        return Verdict.unknown("extremum", f"f({to_text(point)}) = {to_text(value)} is not decided")
    op = "<=" if kind == "max" else ">="
    conditions = conditions_of(claim, "expr")
    bound = prove_relation(claim, expr, value, op, claim.domain, conditions)
    bound = bound.around([*certificate, f"and f(x) {op} {to_text(value)} on the domain:"])
    if bound.verdict == "refuted" and bound.counterexample:
        beats = f"a point that beats the claimed {kind}: x = {bound.counterexample['x']}"
        bound = bound.around(after=[beats])
    return bound


def prove_value(claim: Claim) -> Verdict:
    expr, point, wanted, digits = (claim.fields[k] for k in ("expr", "at", "value", "digits"))
    defined, why = defined_at(claim, [expr], conditions_of(claim, "expr"), point)
    if defined is False:
        found = {"x": to_language(point), "lhs": "undefined", "rhs": wanted}
        witness = {"kind": "undefined_at", "x": point}
        return Verdict("refuted", "definedness", [f"f is {why}"], found, witness=witness)
    if defined is None:
        return Verdict.unknown("value", why)
    exact = explicit(expr).xreplace({X: point})
    if exact.is_Rational:
        got = str(exact_decimal(Fraction(int(exact.p), int(exact.q)), digits))
    else:
        got = str(oracle.decimal_value(expr, oracle.to_point(point), digits))
    method = "certified digits (Arb, Ziv)"
    certificate = [f"f({to_text(point)}) correctly rounded to {digits} significant digits is {got}"]
    if Decimal(got) == Decimal(wanted):
        return Verdict("proved", method, certificate, value=got)
    found = {"x": to_language(point), "lhs": got, "rhs": wanted}
    witness = {"kind": "digits", "x": point, "got": got}
    why = [*certificate, f"not {wanted}"]
    return Verdict("refuted", method, why, found, witness=witness, value=got)


# ---------------------------------------------------------------- re-checks of proofs


def monotone_proof(claim: Claim, points: list[Expr], params: dict) -> str | None:
    expr = claim.fields["expr"]
    ordered = sorted(points, key=lambda p: sympy.N(p, 40))
    increasing = claim.fields["direction"] == "increasing"
    for a, b in pairwise(ordered):
        fa, fb = numeric.ball(expr, a, params), numeric.ball(expr, b, params)
        if fa is None or fb is None:
            continue
        if (fa > fb) if increasing else (fa < fb):
            return f"f({a}) and f({b}) go the wrong way"
    return None


def range_proof(claim: Claim, points: list[Expr], params: dict) -> str | None:
    expr, claimed = claim.fields["expr"], claim.fields["range"]
    for x in points:
        for end, op in ((claimed.low, ">="), (claimed.high, "<=")):
            if end.is_finite and numeric.failing_balls(expr, end, op, x, params, escalate=False):
                return f"f({x}) is outside the claimed range"
    return None


def zeros_proof(claim: Claim, points: list[Expr], params: dict) -> str | None:
    expr, listed = claim.fields["expr"], claim.fields["zeros"]
    for z in listed:
        if numeric.failing_balls(expr, sympy.S.Zero, "=", z, params):
            return f"f({z}) is not 0"
    ordered = sorted(points, key=lambda p: sympy.N(p, 40))
    for a, b in pairwise(ordered):
        fa, fb = numeric.ball(expr, a, params), numeric.ball(expr, b, params)
        if fa is None or fb is None or not ((fa > 0 and fb < 0) or (fa < 0 and fb > 0)):
            continue
        if not any(order(a, z) == -1 and order(z, b) == -1 for z in listed):
            return f"f changes sign between {a} and {b} with no listed zero there"
    return None


def smooth_proof(claim: Claim, points: list[Expr], params: dict) -> str | None:
    expr = claim.fields["expr"]
    for x in points:
        if all(numeric.ball(expr, x, params, bits) is None for bits in numeric.ESCALATION):
            return f"f is not a finite real at x = {x}"
    return None


def limit_proof(claim: Claim, points: list[Expr], params: dict) -> str | None:
    """f just beside the point (1e30 out for ±oo) must be near the limit: within 1e-3
    (relative) of a finite one, beyond 1e6 for an infinite one. A sanity check of
    the algebra, not a proof: a failure only turns the verdict into unknown."""
    expr, point, value = (claim.fields[k] for k in ("expr", "point", "value"))
    far = sympy.Integer(10) ** 30
    if point.is_infinite:
        nears = [far if point == sympy.oo else -far]
    else:
        step = min(1 / far, abs(point) / 10) if point != 0 else 1 / far
        nears = [point - step, point + step]
    for near in (n for n in nears if claim.domain.at(params).contains(n)):
        got = numeric.ball(expr, near, params, 512)
        if got is None:
            continue
        # only a certain failure counts: a ball made wide by cancellation proves nothing
        if value.is_infinite:
            wrong = bool(got < 10**6) if value == sympy.oo else bool(got > -(10**6))
        else:
            target = numeric.ball(value, sympy.S.Zero, params, 512)
            wrong = target is not None and bool(abs(got - target) > (1 + abs(target)) / 1000)
        if wrong:
            return f"f({near}) is not near {value}"
    return None


def value_proof(claim: Claim, points: list[Expr], params: dict) -> str | None:
    """The digits again with mpmath (a second engine, not Arb)."""
    rounded = mpmath_digits(claim)
    if rounded is None or Decimal(rounded) == Decimal(claim.fields["value"]):
        return None
    return f"mpmath rounds it to {rounded}"


def mpmath_digits(claim: Claim) -> str | None:
    """The value rounded to the claim's digits by mpmath at two working precisions
    that must agree; None when they do not (a value too near a rounding tie)."""
    expr, at, digits = (claim.fields[k] for k in ("expr", "at", "digits"))
    exact = explicit(expr).xreplace({X: at})
    answers = set()
    for extra in (60, 120):
        try:
            value = sympy.N(exact, digits + extra)
        except (TypeError, ValueError, ZeroDivisionError):
            return None
        if not value.is_Number or not value.is_finite:
            return None
        answers.add(_round_significant(Decimal(str(value)), digits))
    return answers.pop() if len(answers) == 1 else None


def _round_significant(value: Decimal, digits: int) -> str:
    if value == 0:
        return "0"
    with localcontext() as context:
        context.prec = digits + 20
        quantum = Decimal(1).scaleb(value.adjusted() - digits + 1)
        return str(value.quantize(quantum, rounding=ROUND_HALF_EVEN))


# ---------------------------------------------------------------- the kinds


class Kind:
    """A kind of claim; subclasses fill in what differs."""

    name: ClassVar[str]
    required: ClassVar[frozenset[str]]
    optional: ClassVar[frozenset[str]] = frozenset()

    def body(self, raw: dict[str, Any]) -> str:
        """The claim in one line of the language, without its domain."""
        raise NotImplementedError

    def prove(self, claim: Claim) -> Verdict:
        raise NotImplementedError

    def relation(self, claim: Claim) -> Relation | None:
        """The claim as `lhs op rhs` for every x, when it is one relation."""
        return None

    def check_proof(self, claim: Claim, points: list[Expr], params: dict) -> str | None:
        """The second route for a proof that is not one relation: a problem, or None."""
        return None

    def listed_points(self, claim: Claim) -> list[Expr]:
        """Points the claim names, which the re-check samples on both sides."""
        return []


class Identity(Kind):
    name = "identity"
    required = frozenset({"lhs", "rhs"})

    def body(self, raw: dict[str, Any]) -> str:
        return f"{raw['lhs']} = {raw['rhs']}"

    def prove(self, claim: Claim) -> Verdict:
        return prove_identity(claim)

    def relation(self, claim: Claim) -> Relation:
        return claim.fields["lhs"], claim.fields["rhs"], "="


class Inequality(Kind):
    name = "inequality"
    required = frozenset({"lhs", "op", "rhs"})

    def body(self, raw: dict[str, Any]) -> str:
        return f"{raw['lhs']} {raw['op']} {raw['rhs']}"

    def prove(self, claim: Claim) -> Verdict:
        return prove_inequality(claim)

    def relation(self, claim: Claim) -> Relation:
        f = claim.fields
        return f["lhs"], f["rhs"], f["op"]


class Parity(Kind):
    name = "parity"
    required = frozenset({"expr", "parity"})

    def body(self, raw: dict[str, Any]) -> str:
        return f"{raw['expr']} is {raw['parity']}"

    def prove(self, claim: Claim) -> Verdict:
        return prove_parity(claim)

    def relation(self, claim: Claim) -> Relation:
        f = claim.fields
        other = f["expr"] if f["parity"] == "even" else -f["expr"]
        return substitute(f["expr"], -X), other, "="


class Symmetry(Kind):
    name = "symmetry"
    required = frozenset({"expr"})
    optional = frozenset({"axis", "center"})

    def body(self, raw: dict[str, Any]) -> str:
        if "axis" in raw:
            return f"{raw['expr']} is symmetric about x = {raw['axis']}"
        a, b = raw["center"]
        return f"{raw['expr']} is symmetric about the point ({a}, {b})"

    def prove(self, claim: Claim) -> Verdict:
        return prove_symmetry(claim)

    def relation(self, claim: Claim) -> Relation:
        f = claim.fields
        if "axis" in f:
            a = f["axis"]
            return substitute(f["expr"], a - X), substitute(f["expr"], a + X), "="
        a, b = f["center"]
        return substitute(f["expr"], a - X) + substitute(f["expr"], a + X), 2 * b, "="


class Extremum(Kind):
    """At a given point (`at`), or the global one to certified `digits` (no `at`)."""

    name = "extremum"
    required = frozenset({"expr", "type", "value"})
    optional = frozenset({"at", "digits"})

    def body(self, raw: dict[str, Any]) -> str:
        if "at" not in raw:
            return f"{raw['type']} of {raw['expr']} is {raw['value']} to {raw.get('digits')} digits"
        return f"{raw['type']} of {raw['expr']} is {raw['value']}, at x = {raw['at']}"

    def prove(self, claim: Claim) -> Verdict:
        if "digits" in claim.fields:
            return prove_extremum_digits(claim)
        return prove_extremum(claim)

    def relation(self, claim: Claim) -> Relation | None:
        f = claim.fields
        if "digits" in f:
            return None
        return f["expr"], f["value"], "<=" if f["type"] == "max" else ">="

    def check_proof(self, claim: Claim, points: list[Expr], params: dict) -> str | None:
        return extremum_digits_proof(claim)

    def listed_points(self, claim: Claim) -> list[Expr]:
        return [claim.fields["at"]] if "at" in claim.fields else []


class Range(Kind):
    name = "range"
    required = frozenset({"expr", "range"})

    def body(self, raw: dict[str, Any]) -> str:
        return f"the image of {raw['expr']} is {raw['range']}"

    def prove(self, claim: Claim) -> Verdict:
        return prove_range(claim)

    def check_proof(self, claim: Claim, points: list[Expr], params: dict) -> str | None:
        return range_proof(claim, points, params)


class Monotone(Kind):
    name = "monotone"
    required = frozenset({"expr", "direction"})
    optional = frozenset({"strict"})

    def body(self, raw: dict[str, Any]) -> str:
        strict = "strictly " if raw.get("strict", False) else ""
        return f"{raw['expr']} is {strict}{raw['direction']}"

    def prove(self, claim: Claim) -> Verdict:
        return prove_monotone(claim)

    def check_proof(self, claim: Claim, points: list[Expr], params: dict) -> str | None:
        return monotone_proof(claim, points, params)


class Limit(Kind):
    name = "limit"
    required = frozenset({"expr", "point", "value"})

    def body(self, raw: dict[str, Any]) -> str:
        return f"{raw['expr']} -> {raw['value']} as x -> {raw['point']}"

    def prove(self, claim: Claim) -> Verdict:
        return prove_limit(claim)

    def check_proof(self, claim: Claim, points: list[Expr], params: dict) -> str | None:
        return limit_proof(claim, points, params)


class Zeros(Kind):
    name = "zeros"
    required = frozenset({"expr", "zeros"})

    def body(self, raw: dict[str, Any]) -> str:
        return f"the zeros of {raw['expr']} are {raw['zeros']}"

    def prove(self, claim: Claim) -> Verdict:
        return prove_zeros(claim)

    def check_proof(self, claim: Claim, points: list[Expr], params: dict) -> str | None:
        return zeros_proof(claim, points, params)

    def listed_points(self, claim: Claim) -> list[Expr]:
        return list(claim.fields["zeros"])


class Smooth(Kind):
    name = "smooth"
    required = frozenset({"expr"})

    def body(self, raw: dict[str, Any]) -> str:
        return f"{raw['expr']} is infinitely differentiable"

    def prove(self, claim: Claim) -> Verdict:
        return prove_smooth(claim)

    def check_proof(self, claim: Claim, points: list[Expr], params: dict) -> str | None:
        return smooth_proof(claim, points, params)


class Value(Kind):
    name = "value"
    required = frozenset({"expr", "at", "value", "digits"})

    def body(self, raw: dict[str, Any]) -> str:
        return f"{raw['expr']} at x = {raw['at']} is {raw['value']} to {raw['digits']} digits"

    def prove(self, claim: Claim) -> Verdict:
        return prove_value(claim)

    def check_proof(self, claim: Claim, points: list[Expr], params: dict) -> str | None:
        return value_proof(claim, points, params)

    def listed_points(self, claim: Claim) -> list[Expr]:
        return [claim.fields["at"]]


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Identity(),
        Inequality(),
        Parity(),
        Symmetry(),
        Extremum(),
        Range(),
        Monotone(),
        Limit(),
        Zeros(),
        Smooth(),
        Value(),
    )
}


def statement(kind: str, raw: dict[str, Any], domain_text: str) -> str:
    """The claim in one line of the language, with its domain when it is not ℝ."""
    return KINDS[kind].body(raw) + domain_text
