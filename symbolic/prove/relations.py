"""Relations `lhs op rhs` for every x of a domain: the prover's core.

1. Definedness. Every condition the two sides put on x (as written: a divisor is
   not 0, a logarithm's argument is > 0; see `symbolic.language.definedness`) is itself
   proved on the domain. One that fails at a point refutes the claim there (the
   claims format's convention: an undefined point of the domain refutes).
2. The relation. lhs − rhs is written as P(u)/Q(u) with u = e^(κx) (or u = x) and
   its exact sign chart is read on the exact u-interval; with parameters, each
   factor must have a known sign. A relation that fails at a point is refuted only
   with a certified witness: Arb balls that exclude the relation, or an exact root
   of P (a tie) where both sides are defined.

No float and no guessed constant is on the path: ends are exact, roots are exact
algebraic numbers, and pieces narrower than any float are still pieces.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy import Expr

from symbolic.derive.checking import explicit, reduces_to_zero
from symbolic.errors import SymbolicError
from symbolic.language.definedness import Condition, of_tree
from symbolic.language.parser import X
from symbolic.language.printing import to_language, to_text
from symbolic.numbers.exact import is_zero, order, rational, sign
from symbolic.numbers.intervals import Interval
from symbolic.prove import mixed, numeric
from symbolic.prove.claim import Claim
from symbolic.prove.signs import (
    ExpForm,
    NotRationalError,
    SignChart,
    exp_form,
    factor_sign,
    factor_sign_with_zeros,
    sign_chart,
)
from symbolic.prove.verdict import ALLOWED_SIGNS, Entry, Verdict

MAX_CONDITION_DEPTH = 4
MAX_PIECES = 16


def obviously_positive(expr: Expr) -> bool:
    """A syntactic proof that expr > 0 for real x: positive numbers, e^(real), and
    sums, products and real powers of those."""
    if expr.is_Number:
        return bool(expr > 0)
    if isinstance(expr, sympy.exp):
        return expr.args[0].is_extended_real is True
    if expr.is_Add or expr.is_Mul:
        return all(obviously_positive(a) for a in expr.args)
    if expr.is_Pow:
        return obviously_positive(expr.base) and expr.exp.is_extended_real is True
    return expr in (sympy.pi, sympy.E)


def conditions_of(claim: Claim, *keys: str, substitution: dict | None = None) -> list[Condition]:
    """The certain definedness conditions of some fields of a claim (x substituted)."""
    found: list[Condition] = []
    for key in keys:
        for condition in claim.conditions.get(key, ()):
            found.append(condition.at(substitution) if substitution else condition)
    return list(dict.fromkeys(found))


def prove_relation(
    claim: Claim,
    lhs: Expr,
    rhs: Expr,
    op: str,
    domain: Interval,
    conditions: list[Condition] | None = None,
    depth: int = 0,
    uncertain: list[Condition] | None = None,
) -> Verdict:
    """Prove or refute `lhs op rhs` for every x in the domain (both sides defined).
    `uncertain`: conditions of derivatives' formulas that SymPy may have cancelled
    away in lhs or rhs (sign(−x) + sign(x) is 0 at once)."""
    certain = list(conditions or [])
    refuted, doubts = check_definedness(claim, certain, [lhs, rhs], domain, depth, uncertain)
    if refuted:
        return refuted
    verdict = _relation(claim, lhs, rhs, op, domain)
    if verdict.verdict == "proved" and doubts:
        return Verdict.unknown(verdict.method, "; ".join(doubts))
    if certain and verdict.verdict == "proved":
        return verdict.around(["both sides are defined on the whole domain"])
    return verdict


def check_definedness(
    claim: Claim,
    certain: list[Condition],
    exprs: list[Expr],
    domain: Interval,
    depth: int = 0,
    extra: list[Condition] | None = None,
) -> tuple[Verdict | None, list[str]]:
    """Prove every condition on the domain: a refutation when a certain one fails at a
    point, else the list of conditions that could not be shown (empty: all proved)."""
    found = [c for e in exprs for c in of_tree(explicit(e))] + list(extra or [])
    uncertain = [c for c in dict.fromkeys(found) if c not in certain]
    doubts: list[str] = []
    for condition, is_certain in [(c, True) for c in certain] + [(c, False) for c in uncertain]:
        outcome = _condition(claim, condition, domain, depth)
        if outcome.verdict == "proved":
            continue
        if outcome.verdict == "refuted" and is_certain and outcome.witness:
            return _undefined(condition, outcome), doubts
        doubts.append(f"could not show {condition} on the domain")
    return None, list(dict.fromkeys(doubts))


def defined_at(
    claim: Claim, exprs: list[Expr], certain: list[Condition], point: Expr, strict: bool = False
) -> tuple[bool | None, str]:
    """Whether every part is defined at an exact point: (True, ""), (False, why) when a
    certain condition fails there (certified), (None, why) when undecided, or when an
    uncertain condition (of a derivative's formula) fails. `strict`: each condition must
    hold strictly, so that f is defined, and continuous, on a neighbourhood."""
    uncertain = [c for e in exprs for c in of_tree(explicit(e)) if c not in certain]
    params = numeric.parameter_assignments(claim.parameters)[0] if claim.parameters else {}
    for condition, is_certain in [(c, True) for c in certain] + [(c, False) for c in uncertain]:
        value = explicit(condition.argument).xreplace(params).xreplace({X: point})
        which = sign(value)
        wanted = {"!=": (-1, 1), ">": (1,), ">=": (0, 1)}[condition.op]
        if strict:
            wanted = tuple(w for w in wanted if w != 0)
        if which in wanted:
            continue
        fails = (
            which is not None
            and which not in {"!=": (-1, 1), ">": (1,), ">=": (0, 1)}[condition.op]
        )
        why = f"{condition} at x = {to_text(point)}"
        if fails and is_certain:
            return False, f"undefined: {why} fails"
        return None, f"could not show {why}" + (" strictly" if strict else "")
    return True, ""


def _condition(claim: Claim, condition: Condition, domain: Interval, depth: int) -> Verdict:
    if condition.op in (">", ">=", "!=") and obviously_positive(condition.argument):
        return Verdict("proved", "positive terms")
    if depth >= MAX_CONDITION_DEPTH:
        return Verdict.unknown("definedness", "conditions nested too deep")
    return prove_relation(
        claim, condition.argument, sympy.S.Zero, condition.op, domain, [], depth + 1
    )


def _undefined(condition: Condition, outcome: Verdict) -> Verdict:
    x = outcome.witness["x"]
    found = {"x": to_language(x), "lhs": "undefined", "rhs": f"{condition} fails"}
    if outcome.counterexample and "parameters" in outcome.counterexample:
        found["parameters"] = outcome.counterexample["parameters"]
    certificate = [
        f"a side is defined only where {condition}; that fails at x = {to_text(x)}",
        *outcome.certificate,
        "a point of the domain where a side is undefined refutes the claim",
    ]
    witness = {"kind": "undefined", "x": x, "condition": condition, "params": {}}
    witness["params"] = outcome.witness.get("params", {})
    return Verdict("refuted", "definedness", certificate, found, witness=witness)


MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}


def _relation(claim: Claim, lhs: Expr, rhs: Expr, op: str, domain: Interval) -> Verdict:
    if domain.low.free_symbols or domain.high.free_symbols:
        return _parametric_end(claim, lhs, rhs, op, domain)
    difference = lhs - rhs
    if explicit(difference).has(sympy.Abs):
        by_pieces = _by_abs_pieces(claim, lhs, rhs, op, domain)
        if by_pieces is not None:
            return by_pieces
    try:
        form = exp_form(difference)
    except NotRationalError as why:
        transformed = strictly_increasing_inverse(lhs, rhs, op)
        if transformed is not None:
            verdict = _relation(claim, *transformed, domain)
            return verdict.around([transformed_note(transformed)])
        return _without_exp_form(claim, lhs, rhs, op, domain, str(why))
    certificate: list = [f"d(x) = lhs − rhs; {form.describe()}"]
    if form.numerator.is_zero:
        certificate[0] = form_entry(certificate[0], form, domain, difference)
        return _identically_zero(claim, lhs, rhs, op, domain, certificate)
    try:
        chart = sign_chart(form, domain)
    except NotRationalError:
        if form.u_is_x:
            return _without_exp_form(claim, lhs, rhs, op, domain, "irrational coefficients")
        return _by_factor_signs(claim, lhs, rhs, op, domain, form, certificate)
    except SymbolicError as error:
        return _without_exp_form(claim, lhs, rhs, op, domain, str(error))
    certificate[0] = form_entry(certificate[0], form, domain, difference, chart)
    return _by_sign_chart(claim, lhs, rhs, op, domain, form, chart, certificate)


def form_entry(
    statement: str, form: ExpForm, domain: Interval, d: Expr, chart: SignChart | None = None
) -> Entry:
    """The step `statement` with the exact form's data, for `symbolic check` (check_exact):
    κ ("x" when u = x), P and Q as ascending rational coefficients ("none" when they are
    not rational), the x-domain and its u-image, the roots of P and Q inside (isolating
    intervals with rational ends) and each piece's rational sample with its sign."""

    def coefficients(poly: sympy.Poly) -> list[str] | str:
        found = list(reversed(poly.all_coeffs()))
        return [str(c) for c in found] if all(c.is_Rational for c in found) else "none"

    def roots(found: tuple) -> list[list[str]] | str:
        if any(r.low is None or r.high is None for r in found):
            return "none"
        return [[str(r.low), str(r.high)] for r in found]

    low, high = form.u_of_x(domain.low), form.u_of_x(domain.high)
    shown = {
        "kappa": "x" if form.u_is_x else to_language(form.kappa),
        "P": coefficients(form.numerator),
        "Q": coefficients(form.denominator),
        "domain": f"{'(' if domain.low_open else '['}{to_language(domain.low)}, "
        f"{to_language(domain.high)}{')' if domain.high_open else ']'}",
        "u_low": to_language(low),
        "u_high": to_language(high),
    }
    if chart is not None:
        shown["roots_P"] = roots(chart.roots)
        shown["roots_Q"] = roots(chart.pole_roots)
        shown["pieces"] = [[str(p.sample), int(p.sign)] for p in chart.pieces]
    data = {"exp_form": shown, "what": "lhs − rhs", "d": to_language(d)}
    return Entry("step", statement, data)


def _by_abs_pieces(claim: Claim, lhs: Expr, rhs: Expr, op: str, domain: Interval) -> Verdict | None:
    """Split the domain where every |g| is ±g, and decide the relation on each piece
    (a witness on a piece is a point where the claim's own sides fail)."""
    pieces = abs_pieces(explicit(lhs - rhs), domain)
    if pieces is None or len(pieces) == 0:
        return None
    certificate = [
        "split where the absolute values change form: "
        + "; ".join(f"on {p}: {to_text(b)}" for p, b in pieces)
    ]
    for piece, branch in pieces:
        if branch.has(sympy.Abs):
            return None
        verdict = _relation(claim, branch, sympy.S.Zero, op, piece)
        if (
            verdict.verdict == "refuted"
            and verdict.witness
            and verdict.witness.get("kind") in ("point", "tie")
        ):
            return verdict.around(certificate)
        if verdict.verdict != "proved":
            return Verdict.unknown(verdict.method, verdict.reason or "undecided on a piece")
        certificate += verdict.certificate
    return Verdict("proved", "pieces where |g| = ±g, exact sign charts", certificate)


def strictly_increasing_inverse(lhs: Expr, rhs: Expr, op: str) -> tuple[Expr, Expr, str] | None:
    """log(g) op c  ⟺  g op e^c, and √g op c  ⟺  g op c² for c ≥ 0: log and √ are
    strictly increasing where defined (definedness is proved separately)."""
    left, right = explicit(lhs), explicit(rhs)
    if left.has(X) and not right.has(X):
        inner, constant, relation = left, right, op
    elif right.has(X) and not left.has(X):
        inner, constant, relation = right, left, MIRRORED[op]
    else:
        return None
    if isinstance(inner, sympy.log):
        return inner.args[0], sympy.exp(constant), relation
    if (
        inner.is_Pow
        and inner.exp == sympy.Rational(1, 2)
        and order(constant, sympy.S.Zero) in (0, 1)
    ):
        return inner.base, constant**2, relation
    return None


def transformed_note(transformed: tuple[Expr, Expr, str]) -> str:
    g, c, op = transformed
    return f"log and √ are strictly increasing: equivalently {to_text(g)} {op} {to_text(c)}"


def _parametric_end(claim: Claim, lhs: Expr, rhs: Expr, op: str, domain: Interval) -> Verdict:
    """A parameter in the low end a of [a, b): decided when d = lhs − rhs is monotone
    on the reals and d(a) = 0 exactly, so that the sign of d follows from monotonicity."""
    method = "monotone difference, parameter in the domain's end"
    everywhere = _relation(claim, lhs, rhs, op, Interval.reals())
    if everywhere.verdict == "proved":
        return everywhere.around(
            after=["it holds on all of ℝ, so on the domain, whatever the parameter"]
        )
    found = witness_at(claim, lhs, rhs, op, None, domain)
    if found:
        shown, witness = found
        return Verdict(
            "refuted",
            "counterexample (Arb)",
            ["a parameter in a domain end"],
            shown,
            witness=witness,
        )
    a = domain.low
    if domain.high.free_symbols or domain.low_open or a.has(X):
        return Verdict.unknown(
            method, "a parameter in a domain end: only a closed low end is handled"
        )
    d = explicit(lhs - rhs)
    if not is_zero(d.xreplace({X: a})):
        return Verdict.unknown(method, "a parameter in a domain end, and d(a) is not exactly 0")
    slope = sympy.diff(d, X)
    for direction, slope_op, holds in (
        ("increasing", ">=", (">=",)),
        ("decreasing", "<=", ("<=",)),
    ):
        if (
            prove_relation(claim, slope, sympy.S.Zero, slope_op, Interval.reals()).verdict
            != "proved"
        ):
            continue
        certificate = [
            f"d = lhs − rhs has d′ {slope_op} 0 on the reals, so d is {direction}",
            f"d({to_text(a)}) = 0 exactly, so d {holds[0]} 0 on the domain",
        ]
        if op in holds or op == ("<=" if direction == "decreasing" else ">="):
            return Verdict("proved", method, certificate)
        if op in ("<", ">", "!="):
            params = numeric.parameter_assignments(claim.parameters)[0]
            point = a.xreplace(params)
            found = {"x": to_language(point), "lhs": "equal to rhs (exact)", "rhs": "equal to lhs"}
            found["parameters"] = ", ".join(f"{s} = {to_language(v)}" for s, v in params.items())
            witness = {"kind": "tie", "x": point, "params": params}
            return Verdict(
                "refuted",
                method,
                [*certificate, f"and d = 0 at x = {to_text(a)}"],
                found,
                witness=witness,
            )
    return Verdict.unknown(method, "a parameter in a domain end, and d is not shown monotone")


def abs_pieces(expr: Expr, domain: Interval, depth: int = 0) -> list[tuple[Interval, Expr]] | None:
    """Closed pieces of the domain on which every |g| of expr is +g or −g."""
    absolutes = [n for n in sympy.preorder_traversal(expr) if isinstance(n, sympy.Abs)]
    if not absolutes:
        return [(domain, expr)]
    if depth > 4:
        return None
    inner = absolutes[-1]
    try:
        form = exp_form(inner.args[0])
        chart = sign_chart(form, domain)
    except (NotRationalError, sympy.polys.polyerrors.PolynomialError):
        return None
    cuts = [form.x_of_u(root) for root in chart.exact_zeros]
    cuts = [c for c in cuts if order(c, domain.low) == 1 and order(c, domain.high) == -1]
    ends = [domain.low, *cuts, domain.high]
    pieces: list[tuple[Interval, Expr]] = []
    for index, piece_sign in enumerate(p.sign for p in chart.pieces):
        low, high = ends[index], ends[index + 1]
        low_open = domain.low_open if index == 0 else False
        high_open = domain.high_open if index == len(ends) - 2 else False
        piece = Interval(low, high, low_open, high_open)
        branch = expr.xreplace({inner: piece_sign * inner.args[0]})
        deeper = abs_pieces(branch, piece, depth + 1)
        if deeper is None:
            return None
        pieces += deeper
    return pieces if len(pieces) <= MAX_PIECES and len(chart.pieces) == len(ends) - 1 else None


def outside_domain(claim: Claim, point: Expr) -> Verdict | None:
    """A refutation when the point is certainly outside the domain (for some values of
    the parameters in its ends), else None."""
    for params in [{}, *numeric.parameter_assignments(claim.parameters)]:
        where = claim.domain.at(params)
        if where.excludes(point.xreplace(params)):
            shown = {"x": to_language(point), "lhs": "outside the domain", "rhs": str(where)}
            if params:
                shown["parameters"] = ", ".join(
                    f"{s} = {to_language(v)}" for s, v in params.items()
                )
            witness = {"kind": "outside", "x": point, "params": params}
            why = [f"x = {to_text(point)} is not in the domain {where}"]
            return Verdict("refuted", "domain", why, shown, witness=witness)
    return None


@dataclass(frozen=True)
class ChartedPiece:
    """A closed piece of the domain where every |g| is ±g, with f's exact form there."""

    piece: Interval
    branch: Expr
    form: ExpForm
    chart: SignChart


def charted_pieces(expr: Expr, domain: Interval) -> list[ChartedPiece] | str:
    """f split where its absolute values change form, each piece with its e^x form and
    exact sign chart (no pole inside); or the reason why that cannot be done."""
    pieces = abs_pieces(explicit(expr), domain)
    if pieces is None or any(branch.has(sympy.Abs) for _, branch in pieces):
        return "the absolute values could not be split exactly"
    charted = []
    for piece, branch in pieces:
        try:
            form = exp_form(branch)
            chart = sign_chart(form, piece)
        except NotRationalError as why:
            return f"no exact method applies on {piece} ({why})"
        if chart.poles:
            return f"f has poles on {piece}"
        charted.append(ChartedPiece(piece, branch, form, chart))
    return charted


def witness_at(
    claim: Claim, lhs: Expr, rhs: Expr, op: str, points: list[Expr] | None, domain: Interval
) -> tuple[dict[str, str], dict] | None:
    """A certified failing point among `points` (default: samples of the domain, with
    the parameters' values put into its ends), with its exact data."""
    for params in numeric.parameter_assignments(claim.parameters):
        where = domain.at(params)
        candidates = numeric.domain_samples(where) if points is None else points
        for x in (p for p in candidates if where.contains(p)):
            found = numeric.failing_balls(lhs, rhs, op, x, params)
            if found:
                shown = numeric.counterexample(x, *found, params)
                return shown, {"kind": "point", "x": x, "params": params}
    return None


def _identically_zero(
    claim: Claim, lhs: Expr, rhs: Expr, op: str, domain: Interval, certificate: list[str]
) -> Verdict:
    certificate.append("P = 0 after cancelling: lhs − rhs is identically 0")
    method = "e^x substitution, cancellation"
    if op in ("=", "<=", ">="):
        return Verdict("proved", method, certificate)
    x = next(iter(numeric.domain_samples(domain)), None)
    if x is None:
        return Verdict.unknown(method, "no sample point in the domain")
    params = numeric.parameter_assignments(claim.parameters)[0]
    found = {"x": to_language(x), "lhs": "equal to rhs", "rhs": "equal to lhs"}
    certificate.append(f"so lhs {op} rhs fails at every x, e.g. x = {to_language(x)}")
    witness = {"kind": "tie", "x": x, "params": params}
    return Verdict("refuted", method, certificate, found, witness=witness)


def _by_factor_signs(
    claim: Claim,
    lhs: Expr,
    rhs: Expr,
    op: str,
    domain: Interval,
    form: ExpForm,
    certificate: list[str],
) -> Verdict:
    numerator = factor_sign_with_zeros(form.numerator.as_expr())
    denominator = factor_sign(form.denominator.as_expr())
    if numerator is None or denominator is None:
        return _search(claim, lhs, rhs, op, domain, certificate, "the sign of a factor is unknown")
    sign, vanishes = numerator[0] * denominator, numerator[1]
    relation = ("≥ 0" if sign > 0 else "≤ 0") if vanishes else ("> 0" if sign > 0 else "< 0")
    certificate.append(
        "every factor of P and Q has a fixed sign for u > 0 and the parameters' assumptions "
        f"(factors of unknown sign appear squared): P/Q {relation} for every x"
    )
    if sign in ALLOWED_SIGNS[op] and (not vanishes or 0 in ALLOWED_SIGNS[op]):
        return Verdict("proved", "e^x substitution, signs of factors", certificate)
    return _search(claim, lhs, rhs, op, domain, certificate, "the sign is wrong, no witness yet")


def _search(
    claim: Claim,
    lhs: Expr,
    rhs: Expr,
    op: str,
    domain: Interval,
    certificate: list[str],
    why: str,
) -> Verdict:
    found = witness_at(claim, lhs, rhs, op, None, domain)
    if found:
        shown, witness = found
        return Verdict("refuted", "counterexample (Arb)", certificate, shown, witness=witness)
    return Verdict.unknown("numeric search", why, numeric.evidence(claim.domain, claim.parameters))


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
    left = "(" if domain.low_open else "["
    right = ")" if domain.high_open else "]"
    certificate.append(f"u ranges over {left}{to_text(low)}, {to_text(high)}{right}")
    zeros = [to_text(z) for z in chart.exact_zeros]
    certificate.append(
        f"roots of P there: {', '.join(zeros) if zeros else 'none'} (exact isolation)"
    )
    pieces = "; ".join(f"at u = {p.sample}: {'+' if p.sign > 0 else '−'}" for p in chart.pieces)
    certificate.append(f"sign of P/Q between them (exact values): {pieces}")
    method = "e^x substitution, exact sign chart"
    wrong = [p for p in chart.pieces if p.sign not in ALLOWED_SIGNS[op]]
    zero_forbidden = 0 not in ALLOWED_SIGNS[op]
    if chart.poles:
        return Verdict.unknown(method, "lhs − rhs has poles in the domain")
    if not wrong and not (zero_forbidden and chart.zeros):
        certificate.append(f"hence lhs {op} rhs for every x in the domain")
        return Verdict("proved", method, certificate)
    for piece in wrong:
        found = witness_at(claim, lhs, rhs, op, _points_in_piece(form, piece), domain)
        if found:
            shown, witness = found
            certificate.append(f"the sign is wrong at u = {piece.sample}")
            return Verdict(
                "refuted", f"{method}, counterexample (Arb)", certificate, shown, witness=witness
            )
    if zero_forbidden and chart.zeros:
        root = chart.exact_zeros[0]
        x_root = form.x_of_u(root)
        certificate.append(
            f"lhs = rhs exactly at u = {to_text(root)}, a root of P: x = {to_text(x_root)}"
        )
        found = {
            "x": to_language(x_root),
            "lhs": "equal to rhs (exact root)",
            "rhs": "equal to lhs",
        }
        params = numeric.parameter_assignments(claim.parameters)[0]
        witness = {"kind": "tie", "x": x_root, "params": params}
        return Verdict("refuted", f"{method}, exact root", certificate, found, witness=witness)
    return Verdict.unknown(method, "the sign is wrong on a piece, but no witness was certified")


def _points_in_piece(form: ExpForm, piece: object) -> list[Expr]:
    """The x of the piece's rational sample u: the sign of lhs − rhs is wrong there."""
    return [form.x_of_u(rational(piece.sample))]


def _without_exp_form(
    claim: Claim, lhs: Expr, rhs: Expr, op: str, domain: Interval, why: str
) -> Verdict:
    found = witness_at(claim, lhs, rhs, op, None, domain)
    if found:
        shown, witness = found
        why = [f"no exact method: {why}"]
        return Verdict("refuted", "counterexample (Arb)", why, shown, witness=witness)
    if op == "=" and reduces_to_zero(explicit(lhs - rhs)):
        certificate = ["lhs − rhs, with the definitions expanded, simplifies to exactly 0"]
        return Verdict("proved", "simplification to 0", certificate)
    if op != "=" and not claim.parameters and not (lhs - rhs).free_symbols - {X}:
        covered = _by_cover(claim, lhs, rhs, op, domain, why)
        if covered is not None:
            return covered
    return _search(
        claim, lhs, rhs, op, domain, [f"no exact method: {why}"], f"no exact method applies ({why})"
    )


def _by_cover(
    claim: Claim, lhs: Expr, rhs: Expr, op: str, domain: Interval, why: str
) -> Verdict | None:
    """Interval branch-and-bound on the core, tail bounds beyond it (`prove.mixed`)."""
    method = "interval branch-and-bound (Arb) with tail bounds"
    named = [claim.fields.get("at"), *claim.fields.get("zeros", ())]
    hints = tuple(p for p in named if isinstance(p, Expr) and p.is_finite and not p.free_symbols)
    decision = mixed.decide(lhs - rhs, op, domain, hints)
    note = f"not rational in one exponential ({why}): the sign of d = lhs − rhs is covered"
    if decision.proved is not None:
        return Verdict(
            "proved", method, (note, *decision.proved, f"hence lhs {op} rhs on {domain}")
        )
    if decision.failing is not None:
        found = witness_at(claim, lhs, rhs, op, [decision.failing], domain)
        if found:
            shown, witness = found
            return Verdict(
                "refuted", f"{method}, counterexample (Arb)", [note], shown, witness=witness
            )
        if decision.tie:
            found = {
                "x": to_language(decision.failing),
                "lhs": "equal to rhs (exact)",
                "rhs": "equal to lhs",
            }
            witness = {"kind": "tie", "x": decision.failing, "params": {}}
            return Verdict(
                "refuted", f"{method}, exact tie", [note, decision.why], found, witness=witness
            )
    return Verdict.unknown(
        method, f"{why}; {decision.why}", numeric.evidence(claim.domain, claim.parameters)
    )


def substitute(expr: Expr, argument: Expr) -> Expr:
    """expr with x replaced by an expression: derivatives are taken first (a Derivative
    with respect to −x would make no sense)."""
    return explicit(expr).xreplace({X: argument})
