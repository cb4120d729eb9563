"""The prover: a verdict with a certificate for every claim kind.

A verdict is `proved` (the certificate lists the steps of a proof), `refuted` (a
counterexample whose failure is certified with Arb balls or exact algebra), or
`unknown` (with the reason and the numeric evidence gathered). Soundness first: a
proof comes only from exact reasoning (`symbolic.prove.relations`: definedness, the e^x
substitution and exact sign charts); SymPy's limit, range and monotonicity helpers
are never used. Every verdict is then re-checked by a second, independent route
(`symbolic.prove.rechecks`); a disagreement turns it into `unknown` with a loud message.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import sympy

from symbolic.derive.checking import explicit
from symbolic.errors import SymbolicError
from symbolic.language.definedness import of_tree
from symbolic.language.parser import X
from symbolic.language.printing import to_language, to_text
from symbolic.numbers import oracle
from symbolic.numbers.decimals import exact_decimal
from symbolic.numbers.exact import sign
from symbolic.prove import numeric, rechecks
from symbolic.prove.claims import Claim
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
from symbolic.prove.signs import NotRationalError
from symbolic.prove.smoothness import prove_smooth
from symbolic.prove.verdict import Verdict
from symbolic.prove.zeros import prove_zeros

__all__ = ["STRATEGIES", "Verdict", "prove"]


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


STRATEGIES: dict[str, Callable[[Claim], Verdict]] = {
    "identity": prove_identity,
    "inequality": prove_inequality,
    "parity": prove_parity,
    "symmetry": prove_symmetry,
    "extremum": prove_extremum,
    "range": prove_range,
    "monotone": prove_monotone,
    "limit": prove_limit,
    "zeros": prove_zeros,
    "smooth": prove_smooth,
    "value": prove_value,
}


def prove(claim: Claim) -> Verdict:
    """The verdict for one claim, re-checked by an independent route."""
    try:
        verdict = STRATEGIES[claim.kind](claim)
    except (NotRationalError, SymbolicError, sympy.polys.polyerrors.PolynomialError) as why:
        verdict = Verdict.unknown(claim.kind, f"no exact method applies ({why})")
    return rechecks.recheck(claim, verdict)
