"""Smoothness: infinitely differentiable on the domain.

Proved by rewriting, then by conditions that make every part smooth:
- |g| where g keeps one sign on the domain is ±g;
- an expression E holding |g| is E⁺ (|g| → g) when E⁺ = E⁻ (|g| → −g) identically:
  |x| under an even function, such as cosh(|x|) or |x|·tanh(|x|);
- √(q²·r) is |q|·√r.
What remains must have every part smooth: divisors ≠ 0, arguments of logarithms and
roots > 0, |g| with g ≠ 0. That test is sufficient, not necessary, so its failing
refutes nothing. A refutation is a certified witness: a point of the domain where f
is undefined, or a point where |g| changes sign and the one-sided k-th derivatives
of f differ (Arb balls that do not overlap).
"""

from __future__ import annotations

import sympy
from sympy import Expr

from symbolic.derive.checking import explicit
from symbolic.language.definedness import Condition
from symbolic.language.parser import X
from symbolic.language.printing import to_language, to_text
from symbolic.numbers.exact import order
from symbolic.prove import numeric
from symbolic.prove.claim import Claim
from symbolic.prove.relations import check_definedness, conditions_of, prove_relation
from symbolic.prove.signs import NotRationalError, exp_form, sign_chart
from symbolic.prove.verdict import Verdict

MAX_REWRITES = 8
MAX_JUMP_ORDER = 6


def prove_smooth(claim: Claim) -> Verdict:
    expr = explicit(claim.fields["expr"])
    refuted, doubts = check_definedness(claim, conditions_of(claim, "expr"), [], claim.domain)
    if refuted:
        return refuted
    if doubts:
        return Verdict.unknown("smooth", "; ".join(doubts))
    if expr.has(sympy.tan, sympy.sign):
        return Verdict.unknown("smooth", "no rule for tan or sign")
    certificate = [
        "exp, sin, cos, sinh, cosh, tanh, sech, asinh and polynomials are smooth everywhere"
    ]
    rewritten = _rewrite(claim, expr, certificate)
    for condition in smooth_conditions(rewritten):
        verdict = prove_relation(
            claim, condition.argument, sympy.S.Zero, condition.op, claim.domain
        )
        if verdict.verdict == "proved":
            certificate.append(f"{condition} on the domain (proved)")
            continue
        jump = _jump(claim, rewritten)
        if jump:
            return jump
        return Verdict.unknown("smooth", f"could not prove {condition} (a sufficient test)")
    certificate.append("so every part is smooth where it is used: f is infinitely differentiable")
    return Verdict("proved", "smooth parts, conditions proved", certificate)


def smooth_conditions(expr: Expr) -> list[Condition]:
    found: list[Condition] = []
    for node in sympy.preorder_traversal(expr):
        if node.is_Pow and node.base.has(X):
            if node.exp.is_Integer:
                if node.exp < 0:
                    found.append(Condition(node.base, "!="))
            else:
                found.append(Condition(node.base, ">"))
        elif isinstance(node, sympy.log | sympy.Abs):
            found.append(Condition(node.args[0], ">" if isinstance(node, sympy.log) else "!="))
        elif isinstance(node, sympy.acosh):
            found.append(Condition(node.args[0] - 1, ">"))
        elif isinstance(node, sympy.atanh):
            found.append(Condition(1 - node.args[0] ** 2, ">"))
    return list(dict.fromkeys(found))


def _rewrite(claim: Claim, expr: Expr, certificate: list[str]) -> Expr:
    for _ in range(MAX_REWRITES):
        changed = _rewrite_once(claim, expr, certificate)
        if changed is None:
            return expr
        expr = changed
    return expr


def _rewrite_once(claim: Claim, expr: Expr, certificate: list[str]) -> Expr | None:
    for node in sympy.preorder_traversal(expr):
        if node.is_Pow and node.exp == sympy.Rational(1, 2) and node.base.has(X):
            split = _square_part(node.base)
            if split is not None:
                q, r = split
                certificate.append(f"√({to_text(node.base)}) = |{to_text(q)}|·√({to_text(r)})")
                return expr.xreplace({node: sympy.Abs(q) * sympy.sqrt(r)})
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Abs) and node.args[0].has(X):
            g = node.args[0]
            for op, replacement in ((">=", g), ("<=", -g)):
                if prove_relation(claim, g, sympy.S.Zero, op, claim.domain).verdict == "proved":
                    certificate.append(
                        f"{to_text(g)} {op} 0 on the domain: |{to_text(g)}| = {to_text(replacement)}"
                    )
                    return expr.xreplace({node: replacement})
            plus, minus = expr.xreplace({node: g}), expr.xreplace({node: -g})
            if prove_relation(claim, plus, minus, "=", claim.domain).verdict == "proved":
                certificate.append(
                    f"f is the same with |{to_text(g)}| replaced by ±{to_text(g)}: f = {to_text(plus)}"
                )
                return plus
    return None


def _square_part(base: Expr) -> tuple[Expr, Expr] | None:
    """base = q²·r with q not constant, or None."""
    coefficient, factors = sympy.factor_list(base)
    if not coefficient > 0:
        return None
    q = sympy.Mul(*(f ** (m // 2) for f, m in factors))
    r = coefficient * sympy.Mul(*(f ** (m % 2) for f, m in factors))
    return (q, r) if q.has(X) else None


def _jump(claim: Claim, expr: Expr) -> Verdict | None:
    """A certified point where a one-sided derivative of f jumps, at a sign change of
    the argument of some |g|."""
    for node in sympy.preorder_traversal(expr):
        if not isinstance(node, sympy.Abs):
            continue
        g = node.args[0]
        try:
            form = exp_form(g)
            chart = sign_chart(form, claim.domain)
        except (NotRationalError, sympy.polys.polyerrors.PolynomialError):
            continue
        for root in chart.roots:
            if not _changes_sign(chart, root.exact):
                continue
            x0 = form.x_of_u(root.exact)
            if not (claim.domain.contains(x0) and _interior(claim, x0)):
                continue
            found = one_sided_jump(expr, node, x0)
            if found:
                k, left, right = found
                shown = {
                    "x": to_language(x0),
                    "lhs": f"f^({k}) from one side: {left}",
                    "rhs": f"from the other: {right}",
                }
                why = [
                    f"|{to_text(g)}| changes sign at x = {to_text(x0)}, and the one-sided derivatives of order {k} differ"
                ]
                witness = {"kind": "jump", "x": x0, "order": k, "abs": node, "rewritten": expr}
                return Verdict(
                    "refuted", "one-sided derivatives (Arb)", why, shown, witness=witness
                )
    return None


def _changes_sign(chart: object, root: Expr) -> bool:
    """The exact signs of the chart's pieces on the two sides of the root differ."""
    left = [p.sign for p in chart.pieces if order(p.high, root) == 0]
    right = [p.sign for p in chart.pieces if order(p.low, root) == 0]
    return len(left) == 1 and len(right) == 1 and left[0] != right[0]


def _interior(claim: Claim, x0: Expr) -> bool:
    return x0 != claim.domain.low and x0 != claim.domain.high


def one_sided_jump(expr: Expr, node: sympy.Abs, x0: Expr) -> tuple[int, str, str] | None:
    """The first order k ≤ 6 where the two branches of f at x0 (|g| → ±g) have
    certainly different k-th derivatives, every other part smooth at x0."""
    g = node.args[0]
    branches = [expr.xreplace({node: g}), expr.xreplace({node: -g})]
    for branch in branches:
        for condition in smooth_conditions(branch):
            value = numeric.ball(condition.argument, x0, {}, 512)
            if value is None or value.contains(0) or (condition.op == ">" and not value > 0):
                return None
    for k in range(0, MAX_JUMP_ORDER + 1):
        derivatives = [sympy.diff(b, X, k) if k else b for b in branches]
        for bits in numeric.ESCALATION[:3]:
            left, right = (numeric.ball(d, x0, {}, bits) for d in derivatives)
            if left is None or right is None:
                return None
            if not left.overlaps(right):
                return k, *numeric.pair_decimals(left, right)
    return None
