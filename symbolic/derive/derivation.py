"""Step-by-step derivation of derivatives, each step checked independently.

`derive(expr, order, route)` differentiates `expr` `order` times. The first
derivative is derived from the definitions of the named functions (σ(u) =
1/(1 + e^(−u))), one rule per step, then tidied and, where a named function says its
derivatives are written in terms of some function f (`written_in`: σ for σ and
softplus), rewritten in f by f's own steps (`rewrite_steps`: e^(−u)/(1 + e^(−u))² =
σ(u)·(1 − σ(u)), with the lemma 1 − σ(u) = e^(−u)/(1 + e^(−u)) as its own step).
Higher derivatives differentiate that result using f's derivative identity derived in
the first section (σ′ = σ(1 − σ)), and collect the result as a polynomial in f.

Every step records the expression before and after and the rule used, and is
checked by `symbolic.derive.checking.check_equal`, which does not use the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import sympy
from sympy import Expr

from symbolic.derive.checking import CheckResult, check_equal
from symbolic.derive.rules import Mode, Rewrite, Route, Rule, d, select_rule
from symbolic.errors import SymbolicError
from symbolic.functions import DefinedFunction, expand_definitions
from symbolic.functions.base import RewriteStep, collect_powers
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
    """The result before it was rewritten in a named function (in exp, as the rules left it)."""

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
    result_in_terms: Expr | None  # the result in terms of a named function (σ), if any

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(step for section in self.sections for step in section.steps)

    @property
    def final(self) -> Expr:
        """The result as shown: in terms of the named function where there is one."""
        return self.result_in_terms if self.result_in_terms is not None else self.result

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
    in_terms = current if _written_in(expr) is not None else None
    explicit = sections[-1].explicit if in_terms is not None else current
    return Derivation(expr, order, route, tuple(sections), explicit, in_terms)


def first_derivative(expr: Expr, route: Route) -> Section:
    """Named functions by their definitions; the result rewritten in a named function
    where one is asked for and it fits."""
    expr = _resolve_inner_derivatives(expr)
    start = d(expr)
    steps = _apply_rules(start, route, "definition")
    explicit = steps[-1].after
    written = _written_in(expr)
    rewrite = [] if written is None else written[0].rewrite_steps(explicit, written[1])
    steps += [_step_of(r) for r in rewrite] or _tidy_steps(explicit)
    return Section(1, route, start, tuple(steps), steps[-1].after, explicit)


def next_derivative(previous: Expr, order: int, route: Route) -> Section:
    """Differentiate a previous result by the derived identities (σ′ = σ(1 − σ)), and
    collect powers of the named function it is written in."""
    start = d(_evaluated(previous))
    steps = _apply_rules(start, route, "identity")
    current = steps[-1].after
    function = _single_function(current)
    collected = None if function is None else collect_powers(current, function)
    if collected is not None and collected != current:
        heading = f"expand and collect powers of {function.display_name()}"
        steps.append(Step((Rewrite(heading),), current, collected))
    elif collected is None:
        steps += _tidy_steps(current)
    result = steps[-1].after
    explicit = _explicit_form(result) if collected is not None else result
    return Section(order, route, start, tuple(steps), result, explicit)


def _apply_rules(start: Expr, route: Route, mode: Mode) -> list[Step]:
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


def _step_of(rewrite: RewriteStep) -> Step:
    heading = rewrite.heading
    if rewrite.argument is not None:
        heading = f"{heading}, u = {to_text(rewrite.argument)}"
    rule = Rewrite(heading, rewrite.detail)
    return Step((rule,), rewrite.before, rewrite.after, lemma=rewrite.lemma)


def _written_in(expr: Expr) -> tuple[type[DefinedFunction], list[Expr]] | None:
    """(f, the arguments u of its calls) when the derivative of expr is to be written in
    f(u) (σ for σ(u) and softplus(u)); None when no named function asks for it."""
    calls = [c for c in expr.atoms(DefinedFunction) if type(c).written_in is not None]
    targets = {type(c).written_in for c in calls}
    if len(targets) != 1:
        return None
    arguments = sorted({c.args[0] for c in calls}, key=sympy.default_sort_key)
    return targets.pop(), arguments


def _single_function(expr: Expr) -> type[DefinedFunction] | None:
    """The one named function with a derivative identity in expr, if there is one."""
    kinds = {type(c) for c in expr.atoms(DefinedFunction) if type(c).identity_id}
    return kinds.pop() if len(kinds) == 1 else None


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
        mapping[node] = sub.result_in_terms if sub.result_in_terms is not None else sub.result
    return expr.xreplace(mapping)


def _explicit_form(expr: Expr) -> Expr:
    """The result with named functions written out: one fraction in exp, factored."""
    return sympy.factor(sympy.together(expand_definitions(_evaluated(expr))))


def _evaluated(expr: Expr) -> Expr:
    """Rebuild an expression that holds unevaluated parts into SymPy's normal form."""
    return expr.doit()


def _checked_section(section: Section) -> Section:
    steps = tuple(
        replace(step, check=check_equal(step.before, step.after)) for step in section.steps
    )
    return replace(section, steps=steps)
