"""The prover: a verdict with a certificate for every claim kind.

A verdict is `proved` (the certificate lists the steps of a proof), `refuted` (a
counterexample whose failure is certified with Arb balls or exact arithmetic), or
`unknown` (with the numeric evidence gathered). Soundness first: a proof comes only
from exact reasoning (the e^x substitution and exact sign charts of `symbolic.signs`,
or a literal 0 after simplification); SymPy's limit, range and monotonicity helpers
are never used. Every `proved` verdict is then checked numerically at many points;
a disagreement turns it into `unknown` with a loud message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise, product

import flint
import sympy
from sympy import Expr

from symbolic import oracle
from symbolic.checking import reduces_to_zero
from symbolic.claims import Claim
from symbolic.enclosure import enclose, precision, prepare
from symbolic.errors import SymbolicError
from symbolic.intervals import Interval
from symbolic.language import X
from symbolic.printing import to_language, to_text
from symbolic.signs import ExpForm, NotRationalError, U, exp_form, explicit, factor_sign, sign_chart

BITS = 160
SAMPLES = [
    sympy.Rational(v)
    for v in (
        "-40",
        "-20",
        "-10",
        "-6",
        "-4",
        "-3",
        "-2",
        "-1.5",
        "-1",
        "-0.7",
        "-0.5",
        "-0.3",
        "-0.1",
        "0",
        "0.1",
        "0.3",
        "0.5",
        "0.7",
        "1",
        "1.5",
        "2",
        "3",
        "4",
        "6",
        "10",
        "20",
        "40",
    )
]
CHECK_SAMPLES = [
    sympy.Rational(v) for v in ("-200", "-31.5", "-2.25", "0.05", "1.75", "31.5", "200")
]
PARAMETER_VALUES = {
    "positive": ["1", "2", "1/2", "5"],
    "negative": ["-1", "-2", "-1/2"],
    "integer": ["1", "2", "0", "-1"],
    "nonzero": ["1", "-1", "2"],
    "real": ["1", "-1", "0", "2"],
}
RELATIONS = {
    "=": lambda d: d == 0,
    "<": lambda d: d < 0,
    "<=": lambda d: d <= 0,
    ">": lambda d: d > 0,
    ">=": lambda d: d >= 0,
    "!=": lambda d: d != 0,
}
ALLOWED_SIGNS = {"<": {-1}, "<=": {-1, 0}, ">": {1}, ">=": {1, 0}, "!=": {-1, 1}, "=": {0}}


@dataclass
class Verdict:
    verdict: str
    method: str
    certificate: list[str] = field(default_factory=list)
    counterexample: dict[str, str] | None = None
    evidence: dict[str, object] | None = None
    reason: str | None = None

    @classmethod
    def unknown(cls, method: str, why: str, evidence: dict[str, object] | None = None) -> Verdict:
        return cls("unknown", method, [why], None, evidence, why)


# ---------------------------------------------------------------- numeric evaluation


def _parameter_assignments(claim: Claim) -> list[dict[sympy.Symbol, Expr]]:
    if not claim.parameters:
        return [{}]
    choices = []
    for symbol in claim.parameters:
        kind = (
            "integer"
            if symbol.is_integer
            else "positive"
            if symbol.is_positive
            else ("negative" if symbol.is_negative else "nonzero" if symbol.is_nonzero else "real")
        )
        choices.append([sympy.Rational(v) for v in PARAMETER_VALUES[kind]])
    return [
        dict(zip(claim.parameters, combo, strict=True)) for combo in list(product(*choices))[:6]
    ]


def _ball(expr: Expr, x: Expr, params: dict[sympy.Symbol, Expr]) -> flint.arb | None:
    """expr at x (an exact number) as a ball, or None where it is not a finite real."""
    try:
        target = prepare(expr.xreplace(params))
        point = oracle.to_point(x) if not isinstance(x, oracle.Point) else x
        ball = enclose(target, point.ball(BITS), BITS)
    except (SymbolicError, ValueError, ZeroDivisionError):
        return None
    return ball if ball.is_finite() and not ball.is_nan() else None


def _decimal(ball: flint.arb) -> str:
    with precision(BITS):
        answer = oracle.decide_decimal(15)(ball)
    return str(answer) if answer is not None else ball.str(10)


def _domain_samples(domain: Interval) -> list[Expr]:
    points = [p for p in SAMPLES if domain.contains(p)]
    low, high = domain.low, domain.high
    for end, is_open in ((low, domain.low_open), (high, domain.high_open)):
        if end.is_finite and not is_open:
            points.append(end)
    if low.is_finite and high.is_finite:
        for t in ("0.001", "0.01", "0.1", "0.25", "0.5", "0.75", "0.9", "0.99", "0.999"):
            points.append(low + (high - low) * sympy.Rational(t))
    elif low.is_finite:
        points += [low + sympy.Rational(t) for t in ("0.001", "0.1", "1", "5", "50")]
    elif high.is_finite:
        points += [high - sympy.Rational(t) for t in ("0.001", "0.1", "1", "5", "50")]
    return list(dict.fromkeys(points))


def search_counterexample(
    claim: Claim, lhs: Expr, rhs: Expr, op: str, points: list[Expr] | None = None
) -> dict[str, str] | None:
    """A point where `lhs op rhs` certainly fails (Arb balls), or None."""
    for params in _parameter_assignments(claim):
        for x in points if points is not None else _domain_samples(claim.domain):
            left, right = _ball(lhs, x, params), _ball(rhs, x, params)
            if left is None or right is None:
                continue
            with precision(BITS):
                difference = left - right
            if _certainly_fails(difference, op):
                return _counterexample(x, left, right, params)
    return None


def _certainly_fails(difference: flint.arb, op: str) -> bool:
    if op in ("=",):
        return not difference.contains(0)
    if op == "<":
        return bool(difference > 0)
    if op == "<=":
        return bool(difference > 0)
    if op == ">":
        return bool(difference < 0)
    if op == ">=":
        return bool(difference < 0)
    return False  # "!=" fails only at exact equality, found by the sign chart


def _counterexample(
    x: Expr, left: flint.arb, right: flint.arb, params: dict[sympy.Symbol, Expr]
) -> dict[str, str]:
    found = {"x": to_language(x), "lhs": _decimal(left), "rhs": _decimal(right)}
    if params:
        found["parameters"] = ", ".join(f"{s} = {v}" for s, v in params.items())
    return found


# ---------------------------------------------------------------- relations f op 0


def prove_relation(claim: Claim, lhs: Expr, rhs: Expr, op: str, domain: Interval) -> Verdict:
    """Prove or refute `lhs op rhs` for every x in the domain."""
    difference = lhs - rhs
    try:
        form = exp_form(difference)
    except NotRationalError as why:
        return _without_exp_form(claim, lhs, rhs, op, domain, str(why))
    certificate = [f"d(x) = lhs − rhs; {form.describe()}"]
    if form.numerator.is_zero:
        return _identically_zero(claim, lhs, rhs, op, domain, certificate)
    try:
        chart = sign_chart(form, domain)
    except NotRationalError:
        if form.u_is_x:
            return _without_exp_form(claim, lhs, rhs, op, domain, "irrational coefficients")
        return _by_factor_signs(claim, lhs, rhs, op, form, certificate)
    return _by_sign_chart(claim, lhs, rhs, op, domain, form, chart, certificate)


def _identically_zero(
    claim: Claim, lhs: Expr, rhs: Expr, op: str, domain: Interval, certificate: list[str]
) -> Verdict:
    certificate.append("P = 0 after cancelling: lhs − rhs is identically 0")
    if op in ("=", "<=", ">="):
        return Verdict("proved", "e^x substitution, cancellation", certificate)
    x = next(iter(_domain_samples(domain)), sympy.S.Zero)
    found = {"x": to_language(x), "lhs": "equal to rhs", "rhs": "equal to lhs"}
    certificate.append(f"so lhs {op} rhs fails at every x, e.g. x = {to_language(x)}")
    return Verdict("refuted", "e^x substitution, cancellation", certificate, found)


def _by_factor_signs(
    claim: Claim, lhs: Expr, rhs: Expr, op: str, form: ExpForm, certificate: list[str]
) -> Verdict:
    signs = [factor_sign(form.numerator.as_expr()), factor_sign(form.denominator.as_expr())]
    if None in signs:
        found = search_counterexample(claim, lhs, rhs, op)
        if found:
            return Verdict("refuted", "counterexample (Arb)", certificate, found)
        return Verdict.unknown(
            "factor signs", "the sign of a factor is not known", _evidence(claim)
        )
    sign = signs[0] * signs[1]
    certificate.append(
        f"every factor of P and Q has a fixed sign for u > 0 and the parameters' assumptions: "
        f"P/Q {'> 0' if sign > 0 else '< 0'} for every x"
    )
    if sign in ALLOWED_SIGNS[op]:
        return Verdict("proved", "e^x substitution, signs of factors", certificate)
    found = search_counterexample(claim, lhs, rhs, op)
    if found:
        return Verdict("refuted", "signs of factors, counterexample (Arb)", certificate, found)
    return Verdict.unknown("factor signs", "the sign is wrong but no counterexample was certified")


def _by_sign_chart(
    claim: Claim,
    lhs: Expr,
    rhs: Expr,
    op: str,
    domain: Interval,
    form: ExpForm,
    chart: object,
    certificate: list[str],
) -> Verdict:
    low, high = form.u_of_x(domain.low), form.u_of_x(domain.high)
    certificate.append(f"u ranges over {_interval_text(low, high, domain)}")
    zeros = [to_text(z) for z in chart.exact_zeros]
    certificate.append(
        f"roots of P there: {', '.join(zeros) if zeros else 'none'} (exact isolation)"
    )
    if chart.poles:
        certificate.append("Q has roots there: lhs − rhs is undefined at some x of the domain")
    pieces = "; ".join(f"at u = {p.sample}: {'+' if p.sign > 0 else '−'}" for p in chart.pieces)
    certificate.append(f"sign of P/Q between them (exact values): {pieces}")
    wrong = [p for p in chart.pieces if p.sign not in ALLOWED_SIGNS[op]]
    zero_forbidden = 0 not in ALLOWED_SIGNS[op]
    if not wrong and not (zero_forbidden and chart.zeros) and not chart.poles:
        certificate.append(f"hence lhs {op} rhs for every x in the domain")
        return Verdict("proved", "e^x substitution, exact sign chart", certificate)
    if wrong:
        u_star = wrong[0].sample
        x_star = form.x_of_u(sympy.Rational(u_star.numerator, u_star.denominator))
        found = search_counterexample(claim, lhs, rhs, op, [x_star])
        if found:
            certificate.append(f"the sign is wrong at u = {u_star}, x = {to_text(x_star)}")
            return Verdict("refuted", "exact sign chart, counterexample (Arb)", certificate, found)
    if zero_forbidden and chart.zeros:
        root = chart.exact_zeros[0]
        x_root = sympy.simplify(form.x_of_u(root))
        certificate.append(
            f"lhs = rhs exactly at u = {to_text(root)}, a root of P: x = {to_text(x_root)}"
        )
        found = {
            "x": to_language(x_root),
            "lhs": "equal to rhs (exact root)",
            "rhs": "equal to lhs",
        }
        return Verdict("refuted", "exact sign chart, exact root", certificate, found)
    if chart.poles:
        return Verdict.unknown("exact sign chart", "lhs − rhs has poles in the domain")
    return Verdict.unknown("exact sign chart", "no counterexample could be certified")


def _interval_text(low: Expr, high: Expr, domain: Interval) -> str:
    left = "(" if domain.low_open else "["
    right = ")" if domain.high_open else "]"
    return f"{left}{to_text(low)}, {to_text(high)}{right}"


def _without_exp_form(
    claim: Claim, lhs: Expr, rhs: Expr, op: str, domain: Interval, why: str
) -> Verdict:
    if op == "=" and reduces_to_zero(explicit(lhs - rhs)):
        certificate = ["lhs − rhs, with the definitions expanded, simplifies to exactly 0"]
        return Verdict("proved", "simplification to 0", certificate)
    found = search_counterexample(claim, lhs, rhs, op)
    if found:
        return Verdict("refuted", "counterexample (Arb)", [f"no exact method: {why}"], found)
    return Verdict.unknown("numeric search", f"no exact method applies ({why})", _evidence(claim))


def _evidence(claim: Claim) -> dict[str, object]:
    points = len(_domain_samples(claim.domain)) * len(_parameter_assignments(claim))
    return {"points": points, "digits": int(BITS * 0.30103)}


# ---------------------------------------------------------------- kinds


def derivative(expr: Expr) -> Expr:
    """d/dx expr from the definitions (SymPy's diff; the derivation engine checks it)."""
    return sympy.diff(explicit(expr), X)


def prove_identity(claim: Claim) -> Verdict:
    return prove_relation(claim, claim.fields["lhs"], claim.fields["rhs"], "=", claim.domain)


def prove_inequality(claim: Claim) -> Verdict:
    f = claim.fields
    return prove_relation(claim, f["lhs"], f["rhs"], f["op"], claim.domain)


def at(expr: Expr, argument: Expr) -> Expr:
    """expr with x replaced by an expression: derivatives are taken first (a Derivative
    with respect to −x would make no sense)."""
    return explicit(expr).xreplace({X: argument})


def prove_parity(claim: Claim) -> Verdict:
    expr = claim.fields["expr"]
    mirrored = at(expr, -X)
    other = expr if claim.fields["parity"] == "even" else -expr
    verdict = prove_relation(claim, mirrored, other, "=", claim.domain)
    sign = "" if claim.fields["parity"] == "even" else "−"
    verdict.certificate.insert(0, f"{claim.fields['parity']}: compare f(−x) with {sign}f(x)")
    return verdict


def prove_symmetry(claim: Claim) -> Verdict:
    expr = claim.fields["expr"]
    if "axis" in claim.fields:
        a = claim.fields["axis"]
        left, right = at(expr, a - X), at(expr, a + X)
        note = f"axis x = {to_text(a)}: compare f({to_text(a)} − x) with f({to_text(a)} + x)"
    else:
        a, b = claim.fields["center"]
        left, right = at(expr, a - X) + at(expr, a + X), 2 * b
        note = f"centre ({to_text(a)}, {to_text(b)}): compare f(a − x) + f(a + x) with 2b"
    verdict = prove_relation(claim, left, right, "=", claim.domain)
    verdict.certificate.insert(0, note)
    return verdict


def prove_extremum(claim: Claim) -> Verdict:
    expr, point, value = (claim.fields[k] for k in ("expr", "at", "value"))
    kind = claim.fields["type"]
    if not claim.domain.contains(point):
        found = {"x": to_language(point), "lhs": "outside the domain", "rhs": str(claim.domain)}
        return Verdict("refuted", "domain", [f"x = {to_text(point)} is not in the domain"], found)
    certificate = []
    if reduces_to_zero(explicit(expr).xreplace({X: point}) - value):
        certificate.append(f"f({to_text(point)}) = {to_text(value)} exactly")
    else:
        found = search_counterexample(claim, expr, value, "=", [point])
        if found:
            why = [f"f({to_text(point)}) ≠ {to_text(value)}"]
            return Verdict("refuted", "value at the point (Arb)", why, found)
        return Verdict.unknown("extremum", f"f({to_text(point)}) = {to_text(value)} is not decided")
    op = "<=" if kind == "max" else ">="
    bound = prove_relation(claim, expr, value, op, claim.domain)
    bound.certificate = [
        *certificate,
        f"and f(x) {op} {to_text(value)} on the domain:",
        *bound.certificate,
    ]
    if bound.verdict == "refuted" and bound.counterexample:
        bound.certificate.append(
            f"a point that beats the claimed {kind}: x = {bound.counterexample['x']}"
        )
    return bound


def prove_monotone(claim: Claim) -> Verdict:
    expr = claim.fields["expr"]
    direction = claim.fields["direction"]
    strict = claim.fields.get("strict", False)
    slope = derivative(expr)
    op = ">=" if direction == "increasing" else "<="
    certificate = [f"f′(x) = {to_text(slope)} (SymPy's diff of the definitions)"]
    try:
        form = exp_form(slope)
    except NotRationalError as why:
        return _monotone_by_pairs(claim, expr, direction, certificate, str(why))
    if form.numerator.is_zero:
        if strict:
            found = _pair(claim, expr, direction, certificate, force=True)
            return Verdict("refuted", "f′ = 0", [*certificate, "f is constant"], found)
        return Verdict("proved", "f′ = 0", [*certificate, "f is constant, hence monotone"])
    verdict = prove_relation(claim, slope, sympy.S.Zero, op, claim.domain)
    verdict.certificate = certificate + verdict.certificate
    if verdict.verdict == "proved":
        note = (
            "f′ has finitely many zeros (P is not the zero polynomial), so f is strictly monotone"
            if strict
            else "so f is monotone"
        )
        verdict.certificate.append(note)
        return verdict
    if verdict.verdict == "refuted":
        found = _pair(claim, expr, direction, verdict.certificate)
        if found:
            verdict.counterexample = found
            return verdict
        return Verdict.unknown(
            "monotone", "the derivative has the wrong sign, but no pair was certified"
        )
    return verdict


def _pair(
    claim: Claim, expr: Expr, direction: str, certificate: list[str], force: bool = False
) -> dict[str, str] | None:
    """Two points a < b with f(a) ≥ f(b) (for increasing), certified."""
    points = sorted(_domain_samples(claim.domain), key=lambda p: float(p))
    for params in _parameter_assignments(claim):
        for a, b in pairwise(points):
            fa, fb = _ball(expr, a, params), _ball(expr, b, params)
            if fa is None or fb is None:
                continue
            bad = (fa > fb) if direction == "increasing" else (fa < fb)
            if force and not bad:
                bad = fa.overlaps(fb)
            if bad:
                certificate.append(
                    f"x = {to_text(a)} < {to_text(b)} but f({to_text(a)}) "
                    f"{'>' if direction == 'increasing' else '<'} f({to_text(b)})"
                )
                return {
                    "x": f"{to_language(a)}, {to_language(b)}",
                    "lhs": _decimal(fa),
                    "rhs": _decimal(fb),
                }
    return None


def _monotone_by_pairs(
    claim: Claim, expr: Expr, direction: str, certificate: list[str], why: str
) -> Verdict:
    found = _pair(claim, expr, direction, certificate)
    if found:
        return Verdict("refuted", "two points (Arb)", certificate, found)
    return Verdict.unknown("monotone", f"no exact method applies ({why})", _evidence(claim))


def prove_value(claim: Claim) -> Verdict:
    expr, point, wanted, digits = (claim.fields[k] for k in ("expr", "at", "value", "digits"))
    got = str(oracle.decimal_value(expr, oracle.to_point(to_language(point)), digits))
    method = "certified digits (Arb, Ziv)"
    certificate = [f"f({to_text(point)}) correctly rounded to {digits} significant digits is {got}"]
    if Decimal(got) == Decimal(wanted):
        return Verdict("proved", method, certificate)
    found = {"x": to_language(point), "lhs": got, "rhs": wanted}
    return Verdict("refuted", method, [*certificate, f"not {wanted}"], found)


def prove_limit(claim: Claim) -> Verdict:
    expr, point, value = (claim.fields[k] for k in ("expr", "point", "value"))
    try:
        form = exp_form(expr)
    except NotRationalError as why:
        return _limit_at_finite_point(claim, expr, point, value, str(why))
    certificate = [form.describe()]
    limit = _rational_limit(form, point)
    if limit is None:
        return Verdict.unknown("limit", "the limit could not be computed exactly")
    certificate.append(
        f"as x → {to_text(point)}, u → {to_text(form.u_of_x(point))} and P/Q → {to_text(limit)}"
    )
    if (limit.is_finite and value.is_finite and reduces_to_zero(limit - value)) or limit == value:
        return Verdict("proved", "e^x substitution, limit of a rational function", certificate)
    found = {"x": to_language(point), "lhs": to_language(limit), "rhs": to_language(value)}
    return Verdict(
        "refuted",
        "e^x substitution, limit of a rational function",
        [*certificate, f"≠ {to_text(value)}"],
        found,
    )


def _limit_at_infinity(p: sympy.Poly, q: sympy.Poly, sign_flip: int) -> Expr:
    """lim P(u)/Q(u) as u → +∞ (sign_flip −1 for u → −∞ with odd degree difference)."""
    dp, dq = p.degree(), q.degree()
    ratio = p.LC() / q.LC()
    if dp < dq:
        return sympy.S.Zero
    if dp == dq:
        return sympy.simplify(ratio)
    return sympy.oo * sympy.sign(ratio * sign_flip)


def _rational_limit(form: ExpForm, point: Expr) -> Expr | None:
    p, q = form.numerator, form.denominator
    if form.u_is_x and point.is_infinite:
        flip = (-1) ** (p.degree() - q.degree()) if point == -sympy.oo else 1
        return _limit_at_infinity(p, q, flip)
    if point == sympy.oo:
        return _limit_at_infinity(p, q, 1)
    if point == -sympy.oo:
        a = min(m[0] for m in p.monoms())
        b = min(m[0] for m in q.monoms())
        p0 = p.as_expr().coeff(U, a) if a else p.as_expr().subs(U, 0)
        q0 = q.as_expr().coeff(U, b) if b else q.as_expr().subs(U, 0)
        if a > b:
            return sympy.S.Zero
        if a == b:
            return sympy.simplify(p0 / q0)
        return sympy.oo * sympy.sign(p0 / q0)
    u0 = form.u_of_x(point)
    variable = p.gens[0]
    denominator = q.as_expr().subs(variable, u0)
    if reduces_to_zero(denominator):
        return None
    return sympy.simplify(p.as_expr().subs(variable, u0) / denominator)


def _limit_at_finite_point(claim: Claim, expr: Expr, point: Expr, value: Expr, why: str) -> Verdict:
    if not point.is_finite:
        return Verdict.unknown("limit", f"no exact method for a limit at infinity ({why})")
    ball = _ball(expr, point, {})
    if ball is None:
        return Verdict.unknown("limit", "f is not defined at the point")
    at_point = explicit(expr).xreplace({X: point})
    certificate = [
        f"f is continuous at x = {to_text(point)} (every part is defined and finite there)"
    ]
    if reduces_to_zero(at_point - value):
        return Verdict(
            "proved", "continuity", [*certificate, f"f({to_text(point)}) = {to_text(value)}"]
        )
    found = search_counterexample(claim, expr, value, "=", [point])
    if found:
        return Verdict("refuted", "continuity, value (Arb)", certificate, found)
    return Verdict.unknown("limit", "the value at the point could not be decided")


def prove_zeros(claim: Claim) -> Verdict:
    expr, claimed = claim.fields["expr"], claim.fields["zeros"]
    for z in claimed:
        if not claim.domain.contains(z):
            return Verdict(
                "refuted",
                "domain",
                [f"{to_text(z)} is not in the domain"],
                {"x": to_language(z), "lhs": "outside the domain", "rhs": str(claim.domain)},
            )
    try:
        form = exp_form(expr)
        chart = sign_chart(form, claim.domain)
    except NotRationalError as why:
        return Verdict.unknown("zeros", f"no exact method applies ({why})")
    certificate = [form.describe()]
    actual = [sympy.simplify(form.x_of_u(root)) for root in chart.exact_zeros]
    certificate.append(
        f"the roots of P in the domain give x = {', '.join(to_text(a) for a in actual) or 'none'}"
    )
    for z in claimed:
        residual = form.rational.xreplace({form.numerator.gens[0]: form.u_of_x(z)})
        if not reduces_to_zero(residual):
            found = search_counterexample(claim, expr, sympy.S.Zero, "=", [z])
            return Verdict("refuted", "exact roots", [*certificate, f"f({to_text(z)}) ≠ 0"], found)
    distinct = {sympy.nsimplify(z) for z in claimed}
    if len(distinct) == len(chart.exact_zeros) and not chart.poles:
        certificate.append("each listed x is a zero, and there are no others")
        return Verdict("proved", "e^x substitution, exact roots", certificate)
    missing = [a for a in actual if not any(reduces_to_zero(a - z) for z in claimed)]
    if missing:
        found = {"x": to_language(missing[0]), "lhs": "0 (exact root)", "rhs": "not listed"}
        return Verdict(
            "refuted",
            "exact roots",
            [*certificate, f"x = {to_text(missing[0])} is a zero not listed"],
            found,
        )
    return Verdict.unknown("zeros", "the zeros could not be matched")


SINGULARITIES: dict[type, Callable[[Expr], list[tuple[Expr, str]]]] = {
    sympy.log: lambda e: [(e.args[0], ">")],
    sympy.Abs: lambda e: [(e.args[0], "!=")],
    sympy.acosh: lambda e: [(e.args[0] - 1, ">")],
    sympy.atanh: lambda e: [(1 - e.args[0] ** 2, ">")],
}


def prove_smooth(claim: Claim) -> Verdict:
    expr = explicit(claim.fields["expr"])
    conditions: list[tuple[Expr, str]] = []
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.tan | sympy.sign):
            return Verdict.unknown("smooth", f"no rule for {type(node).__name__}")
        if node.is_Pow and node.base.has(X):
            if node.exp.is_Integer and node.exp < 0:
                conditions.append((node.base, "!="))
            elif not node.exp.is_Integer:
                conditions.append((node.base, ">"))
        elif type(node) in SINGULARITIES:
            conditions += SINGULARITIES[type(node)](node)
    certificate = [
        "exp, sin, cos, sinh, cosh, tanh, sech, asinh and polynomials are smooth everywhere"
    ]
    for argument, op in dict.fromkeys(conditions):
        verdict = prove_relation(claim, argument, sympy.S.Zero, op, claim.domain)
        what = f"{to_text(argument)} {op} 0 on the domain"
        if verdict.verdict == "refuted":
            found = verdict.counterexample
            return Verdict(
                "refuted",
                "singular point",
                [*certificate, f"fails: {what}", *verdict.certificate],
                found,
            )
        if verdict.verdict != "proved":
            return Verdict.unknown("smooth", f"could not prove {what}")
        certificate.append(f"{what} (proved)")
    certificate.append("so every part is smooth where it is used: f is infinitely differentiable")
    return Verdict("proved", "smooth parts, conditions proved", certificate)


def prove_range(claim: Claim) -> Verdict:
    from symbolic.ranges import prove_range as range_strategy

    return range_strategy(claim)


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
    """The verdict for one claim, with the independent numeric check of proofs."""
    try:
        verdict = STRATEGIES[claim.kind](claim)
    except NotRationalError as why:
        verdict = Verdict.unknown(claim.kind, f"no exact method applies ({why})")
    if verdict.verdict == "proved":
        verdict = independent_check(claim, verdict)
    return verdict


def independent_check(claim: Claim, verdict: Verdict) -> Verdict:
    """Check a proved relation numerically at many points, including large |x|."""
    relation = _as_relation(claim)
    if relation is None:
        return verdict
    lhs, rhs, op = relation
    points = [p for p in CHECK_SAMPLES + SAMPLES if claim.domain.contains(p)]
    found = search_counterexample(claim, lhs, rhs, op, points)
    if found is None:
        verdict.certificate.append(
            f"checked numerically at {len(points)} points with {int(BITS * 0.30103)} digits"
        )
        return verdict
    message = (
        f"INTERNAL DISAGREEMENT: the proof says proved, but x = {found['x']} gives "
        f"{found['lhs']} vs {found['rhs']}; please report this"
    )
    return Verdict(
        "unknown",
        verdict.method,
        [*verdict.certificate, message],
        None,
        {"disagreement": found},
        "internal disagreement",
    )


def _as_relation(claim: Claim) -> tuple[Expr, Expr, str] | None:
    f = claim.fields
    if claim.kind == "identity":
        return f["lhs"], f["rhs"], "="
    if claim.kind == "inequality":
        return f["lhs"], f["rhs"], f["op"]
    if claim.kind == "parity":
        other = f["expr"] if f["parity"] == "even" else -f["expr"]
        return at(f["expr"], -X), other, "="
    if claim.kind == "extremum":
        return f["expr"], f["value"], "<=" if f["type"] == "max" else ">="
    return None


def _fraction(value: Expr) -> Fraction:
    return Fraction(int(value.p), int(value.q))
