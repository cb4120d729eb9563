"""Step-by-step derivation of derivatives, each step checked independently.

`derive(expr, order, route)` differentiates `expr` `order` times. The first
derivative is derived from the definitions (σ(u) = 1/(1 + e^(−u))), one rule
per step, then tidied and, when σ or softplus is involved, rewritten in terms of
σ: e^(−u)/(1 + e^(−u))² = σ(u)·(1 − σ(u)), with the lemma
1 − σ(u) = e^(−u)/(1 + e^(−u)) as its own step. Higher derivatives
differentiate that result using the identity σ′ = σ(1 − σ) derived in the
first section, and collect the result as a polynomial in σ.

Every step records the expression before and after and the rule used, and is
checked by `symbolic.derive.checking.check_equal`, which does not use the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import sympy
from sympy import Expr

from symbolic.derive.checking import CheckResult, check_equal
from symbolic.derive.rules import Rewrite, Route, Rule, SigmoidMode, d, select_rule
from symbolic.errors import SymbolicError
from symbolic.functions import expand_definitions, sigmoid, softplus
from symbolic.language.printing import to_text

RouteChoice = Literal["quotient", "chain", "all"]
MAX_ORDER = 12
MAX_STEPS = 400


@dataclass(frozen=True)
class Step:
    """One equality before = after, justified by the rules applied (a tree of steps, as
    SymPy's manualintegrate keeps its rules), and its independent check."""

    rules: tuple[Rule | Rewrite, ...]
    before: Expr
    after: Expr
    check: CheckResult | None = None
    lemma: bool = False
    """A lemma is a side equation (used by the next step), not a link of the chain."""

    @property
    def checked(self) -> bool:
        return self.check is not None and self.check.ok

    @property
    def rule(self) -> str:
        """The rules as one line: "name: formula", joined by "and"."""
        return " and ".join(dict.fromkeys(r.label for r in self.rules))

    @property
    def name(self) -> str:
        """The rules' names up to the first that states a formula (the label's head)."""
        heads = []
        for r in {r.label: r for r in self.rules}.values():
            heads.append(r.heading)
            if r.detail:
                break
        return " and ".join(heads)


@dataclass(frozen=True)
class Section:
    """The steps that compute one derivative (of one order, along one route)."""

    order: int
    route: Route
    start: Expr
    steps: tuple[Step, ...]
    result: Expr
    explicit: Expr
    """The result before it was rewritten in σ (in exp, as the rules left it)."""

    @property
    def title(self) -> str:
        name = {1: "First", 2: "Second", 3: "Third"}.get(self.order, f"Order-{self.order}")
        return f"{name} derivative" + (f", {self.route} route" if self.order == 1 else "")


@dataclass(frozen=True)
class Derivation:
    """All sections of a derivation, and its final result in two forms."""

    expr: Expr
    order: int
    route: RouteChoice
    sections: tuple[Section, ...]
    result: Expr
    result_in_sigma: Expr | None

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(step for section in self.sections for step in section.steps)

    @property
    def checked(self) -> bool:
        return all(step.checked for step in self.steps)


def derive(expr: Expr, order: int = 1, route: RouteChoice = "all") -> Derivation:
    """Differentiate `expr` `order` times, step by step, every step checked."""
    if not 1 <= order <= MAX_ORDER:
        raise SymbolicError(f"--order must be from 1 to {MAX_ORDER}, got {order}")
    if route not in ("quotient", "chain", "all"):
        raise SymbolicError(f"unknown route {route!r}: use quotient, chain or all")
    expr, order = _absorb_outer_derivative(expr, order)
    routes: list[Route] = ["quotient", "chain"] if route == "all" else [route]
    sections = [first_derivative(expr, r) for r in routes]
    current = sections[0].result
    for n in range(2, order + 1):
        section = next_derivative(current, n, routes[0])
        sections.append(section)
        current = section.result
    sections = [_checked_section(section) for section in sections]
    in_sigma = current if _sigma_arguments(expr) else None
    explicit = sections[-1].explicit if in_sigma is not None else current
    return Derivation(expr, order, route, tuple(sections), explicit, in_sigma)


def first_derivative(expr: Expr, route: Route) -> Section:
    """σ, logit, softplus by their definitions; the result rewritten in σ where it fits."""
    expr = _resolve_inner_derivatives(expr)
    start = d(expr)
    steps = _apply_rules(start, route, "definition")
    explicit = steps[-1].after
    arguments = _sigma_arguments(expr)
    rewrite = sigma_rewrite_steps(explicit, arguments) if arguments else []
    steps += rewrite or _tidy_steps(explicit)
    return Section(1, route, start, tuple(steps), steps[-1].after, explicit)


def next_derivative(previous: Expr, order: int, route: Route) -> Section:
    """Differentiate a previous result, using σ′ = σ(1 − σ), and collect powers of σ."""
    start = d(_evaluated(previous))
    steps = _apply_rules(start, route, "identity")
    current = steps[-1].after
    collected = _collect_in_sigma(current)
    if collected is not None and collected != current:
        steps.append(Step((Rewrite("expand and collect powers of σ"),), current, collected))
    elif collected is None:
        steps += _tidy_steps(current)
    result = steps[-1].after
    explicit = _explicit_form(result) if collected is not None else result
    return Section(order, route, start, tuple(steps), result, explicit)


def _apply_rules(start: Expr, route: Route, mode: SigmoidMode) -> list[Step]:
    """Resolve placeholders one rule at a time; leaf rules together in one step."""
    steps: list[Step] = []
    current = start
    while placeholders := _placeholders(current):
        if len(steps) >= MAX_STEPS:
            raise SymbolicError(f"the derivation needs more than {MAX_STEPS} steps")
        rule = select_rule(placeholders[0].expr, route, mode)
        if rule.is_leaf:
            leaves = [select_rule(p.expr, route, mode) for p in placeholders]
            leaves = [leaf for leaf in leaves if leaf.is_leaf]
            mapping = {d(leaf.expr): leaf.apply() for leaf in leaves}
            applied = tuple(leaves)
        else:
            mapping = {placeholders[0]: rule.apply()}
            applied = (rule,)
        after = current.xreplace(mapping)
        steps.append(Step(applied, current, after))
        current = after
    return steps


def _placeholders(expr: Expr) -> list[sympy.Derivative]:
    found = [node for node in sympy.preorder_traversal(expr) if isinstance(node, sympy.Derivative)]
    return list(dict.fromkeys(found))


def _tidy_steps(expr: Expr) -> list[Step]:
    tidy = _tidy(expr)
    return [Step((Rewrite("simplify"),), expr, tidy)] if tidy != expr else []


def _tidy(expr: Expr) -> Expr:
    """A light simplification: the shortest of a few standard normal forms."""
    candidates = [expr, sympy.factor_terms(expr), sympy.together(expr)]
    if not expr.has(sympy.Abs, sympy.sign):
        candidates.append(sympy.cancel(expr))
    return min(candidates, key=sympy.count_ops)


def sigma_rewrite_steps(result: Expr, arguments: list[Expr]) -> list[Step]:
    """Rewrite an expression in e^(−u) as one in σ(u), in checked steps.

    Each term c·e^(−a·u)/(1 + e^(−u))^b with 0 ≤ a ≤ b is written as
    c·(1/(1 + e^(−u)))^(b−a)·(e^(−u)/(1 + e^(−u)))^a and becomes
    c·σ(u)^(b−a)·(1 − σ(u))^a by the definition and the lemma. Terms that do not
    have that shape are rewritten by e^(−u) = (1 − σ(u))/σ(u) instead.
    """
    # Larger arguments first, so that e^(−2x) is matched to σ(2x) before e^(−x) takes it.
    ordered = sorted(arguments, key=lambda u: (-sympy.count_ops(u), sympy.default_sort_key(u)))
    markers = {u: sympy.Dummy(f"T{index}", positive=True) for index, u in enumerate(ordered)}
    in_markers = result
    for u, marker in markers.items():
        in_markers = _replace_exponentials(in_markers, u, marker, exact=len(markers) > 1)
    split = _split_terms(sympy.Add.make_args(in_markers), markers)
    expanded = split is None
    if expanded:
        split = _split_terms(sympy.Add.make_args(sympy.expand_mul(in_markers)), markers)
    if split is None:
        return _substitution_steps(result, in_markers, markers)
    shown_split, in_sigma, lemma_arguments = split
    steps = []
    if shown_split != result:
        rule = Rewrite("split into factors", "1/(1 + e^(−u)) and e^(−u)/(1 + e^(−u))")
        steps.append(Step((rule,), result, shown_split))
    for u in lemma_arguments:
        rule = Rewrite(
            f"lemma, u = {to_text(u)}", "1 − σ(u) = 1 − 1/(1 + e^(−u)) = e^(−u)/(1 + e^(−u))"
        )
        lemma = sympy.exp(-u) / (1 + sympy.exp(-u))
        steps.append(Step((rule,), 1 - sigmoid(u), lemma, lemma=True))
    rule = Rewrite("definition of σ and the lemma" if lemma_arguments else "definition of σ")
    steps.append(Step((rule,), shown_split, in_sigma))
    collected = _collect_in_sigma(in_sigma) if expanded else None
    if collected is not None and sympy.count_ops(collected) < sympy.count_ops(in_sigma):
        steps.append(Step((Rewrite("collect powers of σ"),), in_sigma, collected))
    return steps


def _replace_exponentials(expr: Expr, u: Expr, marker: sympy.Dummy, exact: bool) -> Expr:
    """Write e^(−u) as the marker T and e^u as 1/T.

    With one argument, `subs` also turns e^(−2u) into T²; with several (σ(x)σ(2x))
    that would write e^(−x) as √T, so only exact occurrences are replaced.
    """
    if exact:
        return expr.xreplace({sympy.exp(-u): marker, sympy.exp(u): 1 / marker})
    return expr.subs(sympy.exp(-u), marker).subs(sympy.exp(u), 1 / marker)


def _split_terms(
    terms: tuple[Expr, ...], markers: dict[Expr, sympy.Dummy]
) -> tuple[Expr, Expr, list[Expr]] | None:
    """The split form (in exp), the σ form, and the u whose lemma is used; None if a term
    does not fit."""
    shown, in_sigma, lemma_arguments = [], [], []
    for term in terms:
        factored = sympy.factor(term)
        coefficient, fraction_parts, sigma_powers, lemma_parts = factored, [], sympy.S.One, []
        for u, marker in markers.items():
            powers = _marker_powers(factored, marker)
            if powers is None:
                return None
            a, b = powers
            if a and u not in lemma_arguments:
                lemma_arguments.append(u)
            coefficient = coefficient / (marker**a * (1 + marker) ** (-b))
            e = sympy.exp(-u)
            fractions = [
                (sympy.UnevaluatedExpr(1 / (1 + e)), b - a),
                (sympy.UnevaluatedExpr(e / (1 + e)), a),
            ]
            fraction_parts += _unevaluated_powers(fractions)
            s = sigmoid(u)
            sigma_powers *= s ** (b - a)
            lemma_parts += _unevaluated_powers([(1 - s, a)])
        coefficient = sympy.factor(coefficient)
        if any(coefficient.has(marker) for marker in markers.values()):
            return None
        shown.append(_unevaluated_product(coefficient, fraction_parts))
        in_sigma.append(_unevaluated_product(coefficient * sigma_powers, lemma_parts))
    return _unevaluated_sum(shown), _unevaluated_sum(in_sigma), lemma_arguments


def _marker_powers(term: Expr, marker: sympy.Dummy) -> tuple[int, int] | None:
    """(a, b) with term = c·T^a/(1 + T)^b and c free of T, or None."""
    powers = term.as_powers_dict()
    a = powers.get(marker, 0)
    b = -powers.get(1 + marker, 0)
    rest = [base for base in powers if base not in (marker, 1 + marker) and base.has(marker)]
    if rest or not (sympy.Integer(a) == a and sympy.Integer(b) == b and 0 <= a <= b):
        return None
    return int(a), int(b)


def _substitution_steps(
    result: Expr, in_markers: Expr, markers: dict[Expr, sympy.Dummy]
) -> list[Step]:
    rewritten = in_markers
    for u, marker in markers.items():
        s = sigmoid(u)
        rewritten = rewritten.subs(marker, (1 - s) / s)
    rewritten = sympy.factor(rewritten)
    if rewritten.has(sympy.exp):
        return []
    return [
        Step(
            (Rewrite("substitute e^(−u) = (1 − σ(u))/σ(u), from σ(u) = 1/(1 + e^(−u))"),),
            result,
            rewritten,
        )
    ]


def _unevaluated_powers(pairs: list[tuple[Expr, int]]) -> list[Expr]:
    return [base if n == 1 else sympy.Pow(base, n, evaluate=False) for base, n in pairs if n]


def _unevaluated_product(coefficient: Expr, factors: list[Expr]) -> Expr:
    """coefficient·factors, kept in this order for printing (σ before 1 − σ)."""
    if not factors:
        return coefficient
    if coefficient.could_extract_minus_sign():
        return -_unevaluated_product(-coefficient, factors)
    parts = [*sympy.Mul.make_args(coefficient), *factors]
    parts = [part for part in parts if part != 1]
    return parts[0] if len(parts) == 1 else sympy.Mul(*parts, evaluate=False)


def _unevaluated_sum(terms: list[Expr]) -> Expr:
    return terms[0] if len(terms) == 1 else sympy.Add(*terms, evaluate=False)


def _collect_in_sigma(expr: Expr) -> Expr | None:
    """The expression as a polynomial in σ(u) with terms by ascending power, if it is one."""
    calls = sorted(expr.atoms(sigmoid), key=sympy.default_sort_key)
    if len(calls) != 1:
        return None
    s = sympy.Dummy("s")
    polynomial_form = sympy.expand(expr.xreplace({calls[0]: s}))
    if not polynomial_form.is_polynomial(s):
        return None
    poly = sympy.Poly(polynomial_form, s)
    terms = [
        sympy.factor(coefficient) * calls[0] ** power
        for (power,), coefficient in reversed(poly.terms())
        if coefficient != 0
    ]
    return _unevaluated_sum(terms) if terms else sympy.S.Zero


def _sigma_arguments(expr: Expr) -> list[Expr]:
    """The arguments u of σ(u) and softplus(u): results are rewritten in σ(u)."""
    calls = expr.atoms(sigmoid, softplus)
    return sorted({call.args[0] for call in calls}, key=sympy.default_sort_key)


def _absorb_outer_derivative(expr: Expr, order: int) -> tuple[Expr, int]:
    """derive diff(f, x, n) --order m is derive f --order n + m."""
    if isinstance(expr, sympy.Derivative):
        (_, inner_order), *_ = expr.variable_count
        total = order + int(inner_order)
        if total > MAX_ORDER:
            raise SymbolicError(f"total order {total} is more than {MAX_ORDER}")
        return _absorb_outer_derivative(expr.expr, total)
    return expr, order


def _resolve_inner_derivatives(expr: Expr) -> Expr:
    """Replace diff(...) inside an expression by its derived (and checked) value."""
    inner = [node for node in sympy.preorder_traversal(expr) if isinstance(node, sympy.Derivative)]
    if not inner:
        return expr
    mapping = {}
    for node in inner:
        (_, n), *_ = node.variable_count
        sub = derive(node.expr, int(n), "quotient")
        if not sub.checked:
            raise SymbolicError("an inner derivative could not be derived with checked steps")
        mapping[node] = sub.result_in_sigma if sub.result_in_sigma is not None else sub.result
    return expr.xreplace(mapping)


def _explicit_form(expr: Expr) -> Expr:
    """The result with σ written out: one fraction in e^(−u), factored."""
    return sympy.factor(sympy.together(expand_definitions(_evaluated(expr))))


def _evaluated(expr: Expr) -> Expr:
    """Rebuild an expression that holds unevaluated parts into SymPy's normal form."""
    return expr.doit()


def _checked_section(section: Section) -> Section:
    steps = tuple(
        replace(step, check=check_equal(step.before, step.after)) for step in section.steps
    )
    return replace(section, steps=steps)
