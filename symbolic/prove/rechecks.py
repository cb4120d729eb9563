"""The second, independent route for every verdict.

- `proved`: the claimed relation is evaluated with Arb balls at the domain's exact
  ends, near them (down to 1e-30 away), near 0, at ±200 and on both sides of the
  listed points; any certified failure turns the verdict into `unknown`, loudly.
- `refuted`: the counterexample's exact data is re-verified from the claim's fields
  alone (not from the strategy's rewritten forms): Arb balls that exclude the
  relation, exact algebra for a tie, the defining condition for an undefined point.
  A refutation whose witness does not re-verify becomes `unknown`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import mpmath
import sympy
from sympy import Expr

from symbolic.derive.checking import explicit
from symbolic.errors import SymbolicError
from symbolic.language.parser import X
from symbolic.numbers.exact import is_root, is_zero, order
from symbolic.numbers.intervals import Interval
from symbolic.prove import numeric
from symbolic.prove.claim import Claim
from symbolic.prove.extremes import mpmath_extremum
from symbolic.prove.kinds import KINDS, mpmath_digits
from symbolic.prove.monotone import certified_pair
from symbolic.prove.relations import (
    check_definedness,
    conditions_of,
    defined_at,
    prove_relation,
)
from symbolic.prove.signs import NotRationalError, exp_form, sign_chart
from symbolic.prove.smoothness import one_sided_jump
from symbolic.prove.verdict import Verdict

MAX_SPECIAL_POINTS = 12


def recheck(claim: Claim, verdict: Verdict) -> Verdict:
    if verdict.verdict == "proved":
        problem = _recheck_proof(claim)
        if problem is None:
            return verdict.replace(
                recheck="re-checked independently with Arb balls at the ends, near them, "
                "near 0 and far out"
            )
        return _disagreement(verdict, f"the proof says proved, but {problem}")
    if verdict.verdict == "refuted":
        if verdict.witness is None:
            return _disagreement(verdict, "a refutation came without a witness")
        check = WITNESS_CHECKS.get(verdict.witness["kind"])
        if check is None or not check(claim, verdict.witness):
            return _disagreement(
                verdict, f"the counterexample ({verdict.witness['kind']}) did not re-verify"
            )
        return verdict.replace(recheck="counterexample re-verified from the claim alone")
    return verdict


def _disagreement(verdict: Verdict, message: str) -> Verdict:
    text = f"INTERNAL DISAGREEMENT: {message}; please report this"
    return Verdict(
        "unknown",
        verdict.method,
        [*verdict.certificate, text],
        None,
        {"disagreement": message},
        "internal disagreement",
    )


# ---------------------------------------------------------------- relations of each kind


def relation(claim: Claim) -> tuple[Expr, Expr, str] | None:
    """The claim as `lhs op rhs` for every x, for the kinds that are one relation."""
    return KINDS[claim.kind].relation(claim)


def _recheck_proof(claim: Claim) -> str | None:
    kind = KINDS[claim.kind]
    as_relation = kind.relation(claim)
    special = kind.listed_points(claim) + _special_points(claim, as_relation)
    for params in numeric.parameter_assignments(claim.parameters):
        domain = claim.domain.at(params)
        points = numeric.check_points(domain, special)
        if as_relation is not None:
            lhs, rhs, op = as_relation
            found = numeric.search_counterexample(lhs, rhs, op, points, [params], escalate_first=0)
            if found is not None:
                return f"x = {found['x']} gives {found['lhs']} vs {found['rhs']}"
        else:
            problem = kind.check_proof(claim, points, params)
            if problem:
                return problem
    return None


def _special_points(claim: Claim, as_relation: tuple[Expr, Expr, str] | None) -> list[Expr]:
    """Where a mistake would hide: the roots and poles of lhs − rhs for a relation, and
    of f and f′ otherwise (critical points), found exactly when f is rational in e^x.
    The re-check samples both sides of each; none when the method does not apply."""
    if as_relation is not None:
        targets = [as_relation[0] - as_relation[1]]
    elif "expr" in claim.fields:
        targets = [claim.fields["expr"], sympy.diff(explicit(claim.fields["expr"]), X)]
    else:
        return []
    points: list[Expr] = []
    for target in targets:
        try:
            form = exp_form(target)
            chart = sign_chart(form, claim.domain)
        except (NotRationalError, SymbolicError, sympy.polys.polyerrors.PolynomialError):
            continue
        for root in (*chart.roots, *chart.pole_roots)[:MAX_SPECIAL_POINTS]:
            points.append(form.x_of_u(root.exact))
    return points


# ---------------------------------------------------------------- witnesses of refutations


def _point(claim: Claim, witness: dict) -> bool:
    as_relation = relation(claim)
    if as_relation is None:
        return False
    lhs, rhs, op = as_relation
    params = witness.get("params", {})
    if not claim.domain.at(params).contains(witness["x"]):
        return False
    return numeric.failing_balls(lhs, rhs, op, witness["x"], params) is not None


def _tie(claim: Claim, witness: dict) -> bool:
    as_relation = relation(claim)
    if as_relation is None or as_relation[2] not in ("<", ">", "!="):
        return False
    lhs, rhs, _ = as_relation
    x, params = witness["x"], witness.get("params", {})
    if (
        not claim.domain.at(params).contains(x)
        or numeric.ball(lhs, x, params) is None
        or numeric.ball(rhs, x, params) is None
    ):
        return False
    return is_zero(_exact(lhs - rhs, x, params))


def _exact(expr: Expr, x: Expr, params: dict) -> Expr:
    return explicit(expr).xreplace(params).xreplace({X: x})


def _undefined(claim: Claim, witness: dict) -> bool:
    condition, x = witness["condition"], witness["x"]
    params = witness.get("params", {})
    known = [c for key in claim.conditions for c in claim.conditions[key]]
    mirrored = [c.at({X: -X}) for c in known] + [
        c.at({X: s}) for c in known for s in _shifts(claim)
    ]
    if condition not in known + mirrored or not claim.domain.at(params).contains(x):
        return False
    value = _exact(condition.argument, x, params)
    if condition.op == "!=":
        return is_zero(value)
    if condition.op == ">":
        return (
            is_zero(value)
            or numeric.failing_balls(condition.argument, sympy.S.Zero, ">", x, params) is not None
        )
    return numeric.failing_balls(condition.argument, sympy.S.Zero, ">=", x, params) is not None


def _shifts(claim: Claim) -> list[Expr]:
    f = claim.fields
    a = f.get("axis", f["center"][0] if "center" in f else None)
    return [] if a is None else [a - X, a + X]


def _outside(claim: Claim, witness: dict) -> bool:
    """Certainly outside the domain (with the witness's parameter values in its ends)."""
    params = witness.get("params", {})
    return claim.domain.at(params).excludes(witness["x"].xreplace(params))


def _value_at(claim: Claim, witness: dict) -> bool:
    f = claim.fields
    params = witness.get("params", {})
    return numeric.failing_balls(f["expr"], f["value"], "=", witness["x"], params) is not None


def _listed_nonzero(claim: Claim, witness: dict) -> bool:
    return witness["x"] in claim.fields["zeros"] and (
        numeric.failing_balls(
            claim.fields["expr"], sympy.S.Zero, "=", witness["x"], witness.get("params", {})
        )
        is not None
    )


def _missing_zero(claim: Claim, witness: dict) -> bool:
    x, u = witness["x"], witness["u"]
    expr = claim.fields["expr"]
    if not claim.domain.contains(x) or numeric.ball(expr, x, {}) is None:
        return False
    if any(order(x, z) in (0, None) for z in claim.fields["zeros"]):
        return False
    if u is None:
        return is_zero(_exact(expr, x, {}))
    form = exp_form(expr)
    return is_root(form.numerator, u) is True and order(form.u_of_x(x), u) == 0


def _pair(claim: Claim, witness: dict) -> bool:
    a, b, params = witness["a"], witness["b"], witness.get("params", {})
    domain = claim.domain.at(params)
    if order(a, b) != -1 or not (domain.contains(a) and domain.contains(b)):
        return False
    tie = witness["kind"] == "pair_tie" and claim.fields.get("strict", False)
    return certified_pair(claim, claim.fields["expr"], a, b, tie, params) is not None


def _outside_range(claim: Claim, witness: dict) -> bool:
    x, claimed, expr = witness["x"], claim.fields["range"], claim.fields["expr"]
    if not claim.domain.contains(x):
        return False
    for end, op, is_open in (
        (claimed.low, ">=", claimed.low_open),
        (claimed.high, "<=", claimed.high_open),
    ):
        if end.is_infinite:
            continue
        if numeric.failing_balls(expr, end, op, x, {}) is not None:
            return True
        if is_open and is_zero(_exact(expr, x, {}) - end):
            return True
    return False


def _value_avoided(claim: Claim, witness: dict) -> bool:
    value, claimed, expr = witness["value"], claim.fields["range"], claim.fields["expr"]
    if not claimed.contains(value):
        return False
    avoided = prove_relation(claim, expr, value, "!=", claim.domain, conditions_of(claim, "expr"))
    if avoided.verdict != "proved":
        return False
    points = numeric.check_points(claim.domain)
    return numeric.search_counterexample(expr, value, "!=", points, [{}]) is None


def _limit(claim: Claim, witness: dict) -> bool:
    return order(witness["limit"], claim.fields["value"]) in (-1, 1)


def _digits(claim: Claim, witness: dict) -> bool:
    rounded = mpmath_digits(claim)
    return rounded is not None and Decimal(rounded) != Decimal(claim.fields["value"])


def _jump(claim: Claim, witness: dict) -> bool:
    """The rewritten form (each rewrite a proved identity) must agree with the claim's
    expression at the check points, and its one-sided derivatives must jump at x."""
    rewritten, node, x = witness["rewritten"], witness["abs"], witness["x"]
    expr = claim.fields["expr"]
    if not claim.domain.contains(x):
        return False
    for point in numeric.check_points(claim.domain, [x]):
        if numeric.failing_balls(expr, rewritten, "=", point, {}, escalate=False):
            return False
    g, near = node.args[0], sympy.Rational(1, 10**30)
    left, right = numeric.ball(g, x - near, {}, 512), numeric.ball(g, x + near, {}, 512)
    if left is None or right is None or not ((left < 0 < right) or (right < 0 < left)):
        return False  # |g| must change form at x: g changes sign there
    return one_sided_jump(rewritten, node, x) is not None


def _no_limit(claim: Claim, witness: dict) -> bool:
    """Both sides near the point, evaluated from the claim: huge and of opposite signs."""
    point, expr = claim.fields["point"], claim.fields["expr"]
    near = sympy.Rational(1, 10**30)
    left, right = (
        numeric.ball(expr, point - near, {}, 512),
        numeric.ball(expr, point + near, {}, 512),
    )
    if left is None or right is None:
        return False
    return bool((left < -(10**6) and right > 10**6) or (left > 10**6 and right < -(10**6)))


def _undefined_at(claim: Claim, witness: dict) -> bool:
    expr = claim.fields["expr"]
    return (
        defined_at(claim, [expr], list(claim.conditions.get("expr", ())), witness["x"])[0] is False
    )


def _unreachable(claim: Claim, witness: dict) -> bool:
    point, domain = claim.fields["point"], claim.domain
    if point.is_infinite:
        return (domain.high if point == sympy.oo else domain.low).is_finite
    above, below = order(point, domain.low), order(point, domain.high)
    return above == -1 or below == 1


def _beats(claim: Claim, witness: dict) -> bool:
    """f at the point is certainly beyond the end of the claimed extremum's interval."""
    fails = ">=" if claim.fields["type"] == "min" else "<="  # certified false: it beats
    x, bound = witness["x"], witness["bound"]
    if not claim.domain.contains(x):
        return False
    return numeric.failing_balls(claim.fields["expr"], bound, fails, x, {}) is not None


def _extremum_beyond(claim: Claim, witness: dict) -> bool:
    """mpmath's own extremum lies beyond the end of the claimed rounding interval."""
    found = mpmath_extremum(claim)
    if found is None:
        return False
    bound = witness["bound"]
    with mpmath.workdps(60):
        end = mpmath.mpf(int(bound.p)) / int(bound.q)
        return found > end if claim.fields["type"] == "min" else found < end


def _sign_change(claim: Claim, witness: dict) -> bool:
    """f(a) and f(b) have certified opposite signs, no listed zero lies in [a, b], and f
    is defined (so continuous) on [a, b]: a zero is missing from the list."""
    a, b, expr = witness["a"], witness["b"], claim.fields["expr"]
    if not (claim.domain.contains(a) and claim.domain.contains(b)) or order(a, b) != -1:
        return False
    if any(order(z, a) != -1 and order(z, b) != 1 for z in claim.fields["zeros"]):
        return False
    left, right = numeric.ball(expr, a, {}), numeric.ball(expr, b, {})
    if left is None or right is None or not ((left > 0 and right < 0) or (left < 0 and right > 0)):
        return False
    conditions = conditions_of(claim, "expr")
    refuted, doubts = check_definedness(claim, conditions, [expr], Interval(a, b, False, False))
    return refuted is None and not doubts


WITNESS_CHECKS: dict[str, Callable[[Claim, dict], bool]] = {
    "sign_change": _sign_change,
    "extremum_beyond": _extremum_beyond,
    "beats": _beats,
    "unreachable": _unreachable,
    "undefined_at": _undefined_at,
    "no_limit": _no_limit,
    "point": _point,
    "tie": _tie,
    "undefined": _undefined,
    "outside": _outside,
    "value_at": _value_at,
    "listed_nonzero": _listed_nonzero,
    "missing_zero": _missing_zero,
    "pair": _pair,
    "pair_tie": _pair,
    "outside_range": _outside_range,
    "value_avoided": _value_avoided,
    "limit": _limit,
    "digits": _digits,
    "jump": _jump,
}
