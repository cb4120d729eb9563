"""Differentiation rules, one small frozen dataclass each.

A derivation is a chain of rewrites of an expression that holds unevaluated
placeholders d/dx[u] (SymPy `Derivative(u, x)`). A rule takes one placeholder
and says what it equals, in terms of new placeholders of smaller expressions:
the product rule turns d/dx[f·g] into d/dx[f]·g + f·d/dx[g]. Nothing here
checks anything; `symbolic.derive.checking` checks every step independently.

`select_rule` picks the rule a textbook would use. The `route` decides how a
quotient is treated: by the quotient rule, or as a power (u^(−1)) by the power
rule with the chain rule. The `mode` decides how a named function is treated: by its
definition (σ(u) = 1/(1 + e^(−u)), to derive σ′), or by its derivative identity
(σ′ = σ(1 − σ)) once that has been derived and checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Literal

import sympy
from sympy import Expr

from symbolic.errors import SymbolicError
from symbolic.functions import DefinedFunction
from symbolic.language.parser import X
from symbolic.language.printing import to_text

Route = Literal["quotient", "chain"]
Mode = Literal["definition", "identity"]


def d(u: Expr) -> sympy.Derivative:
    """The placeholder d/dx[u]."""
    return sympy.Derivative(u, X)


@dataclass(frozen=True)
class Rule:
    """One rewrite of the placeholder d/dx[expr]."""

    expr: Expr
    name: ClassVar[str] = ""
    formula: ClassVar[str] = ""

    def apply(self) -> Expr:
        raise NotImplementedError

    @property
    def heading(self) -> str:
        """The rule's name as shown (with "with the chain rule" where it applies)."""
        return self.name

    @property
    def detail(self) -> str:
        """The formula it applies, as shown ("" for none)."""
        return self.formula

    @property
    def label(self) -> str:
        return f"{self.heading}: {self.detail}" if self.detail else self.heading

    @property
    def is_leaf(self) -> bool:
        """True for rules that leave no placeholder behind (batched in one step)."""
        return False


@dataclass(frozen=True)
class ConstantRule(Rule):
    name: ClassVar[str] = "constant rule"
    formula: ClassVar[str] = "d/dx c = 0"

    def apply(self) -> Expr:
        return sympy.S.Zero

    @property
    def is_leaf(self) -> bool:
        return True


@dataclass(frozen=True)
class IdentityRule(Rule):
    name: ClassVar[str] = "identity rule"
    formula: ClassVar[str] = "d/dx x = 1"

    def apply(self) -> Expr:
        return sympy.S.One

    @property
    def is_leaf(self) -> bool:
        return True


@dataclass(frozen=True)
class SumRule(Rule):
    name: ClassVar[str] = "sum rule"
    formula: ClassVar[str] = "(f + g)′ = f′ + g′"

    def apply(self) -> Expr:
        return sympy.Add(*[d(term) for term in self.expr.args])


@dataclass(frozen=True)
class ConstantMultipleRule(Rule):
    constant: Expr
    rest: Expr
    name: ClassVar[str] = "constant multiple rule"
    formula: ClassVar[str] = "(c·f)′ = c·f′"

    def apply(self) -> Expr:
        return self.constant * d(self.rest)


@dataclass(frozen=True)
class ProductRule(Rule):
    factors: tuple[Expr, ...]
    name: ClassVar[str] = "product rule"
    formula: ClassVar[str] = "(f·g)′ = f′·g + f·g′"

    def apply(self) -> Expr:
        terms = []
        for index in range(len(self.factors)):
            parts = list(self.factors)
            parts[index] = d(parts[index])
            terms.append(sympy.Mul(*parts))
        return sympy.Add(*terms)


@dataclass(frozen=True)
class QuotientRule(Rule):
    numerator: Expr
    denominator: Expr
    name: ClassVar[str] = "quotient rule"
    formula: ClassVar[str] = "(f/g)′ = (f′·g − f·g′)/g²"

    def apply(self) -> Expr:
        f, g = self.numerator, self.denominator
        return (d(f) * g - f * d(g)) / g**2


@dataclass(frozen=True)
class PowerRule(Rule):
    base: Expr
    exponent: Expr
    name: ClassVar[str] = "power rule"
    formula: ClassVar[str] = "(uⁿ)′ = n·uⁿ⁻¹·u′"

    def apply(self) -> Expr:
        outer = self.exponent * self.base ** (self.exponent - 1)
        return outer if self.base == X else outer * d(self.base)

    @property
    def heading(self) -> str:
        return self.name + ("" if self.base == X else " with the chain rule")

    @property
    def detail(self) -> str:
        return f"{self.formula}, n = {to_text(self.exponent)}"


@dataclass(frozen=True)
class ExponentialBaseRule(Rule):
    base: Expr
    exponent: Expr
    name: ClassVar[str] = "exponential rule"
    formula: ClassVar[str] = "(aᵘ)′ = aᵘ·ln(a)·u′"

    def apply(self) -> Expr:
        return self.expr * sympy.log(self.base) * d(self.exponent)


@dataclass(frozen=True)
class GeneralPowerRule(Rule):
    base: Expr
    exponent: Expr
    name: ClassVar[str] = "general power rule"
    formula: ClassVar[str] = "(uᵛ)′ = uᵛ·(v′·ln u + v·u′/u)"

    def apply(self) -> Expr:
        u, v = self.base, self.exponent
        return self.expr * (d(v) * sympy.log(u) + v * d(u) / u)


@dataclass(frozen=True)
class OuterDerivative:
    """The derivative f′(u) of an elementary function, and how a book writes it."""

    derivative: Callable[[Expr], Expr]
    formula: str


ELEMENTARY_DERIVATIVES: dict[type, OuterDerivative] = {
    sympy.exp: OuterDerivative(sympy.exp, "(eᵘ)′ = eᵘ·u′"),
    sympy.log: OuterDerivative(lambda u: 1 / u, "(ln u)′ = u′/u"),
    sympy.sin: OuterDerivative(sympy.cos, "(sin u)′ = cos(u)·u′"),
    sympy.cos: OuterDerivative(lambda u: -sympy.sin(u), "(cos u)′ = −sin(u)·u′"),
    sympy.tan: OuterDerivative(lambda u: 1 + sympy.tan(u) ** 2, "(tan u)′ = (1 + tan²u)·u′"),
    sympy.sinh: OuterDerivative(sympy.cosh, "(sinh u)′ = cosh(u)·u′"),
    sympy.cosh: OuterDerivative(sympy.sinh, "(cosh u)′ = sinh(u)·u′"),
    sympy.tanh: OuterDerivative(lambda u: 1 - sympy.tanh(u) ** 2, "(tanh u)′ = (1 − tanh²u)·u′"),
    sympy.sech: OuterDerivative(
        lambda u: -sympy.sech(u) * sympy.tanh(u), "(sech u)′ = −sech(u)·tanh(u)·u′"
    ),
    sympy.asinh: OuterDerivative(lambda u: 1 / sympy.sqrt(u**2 + 1), "(asinh u)′ = u′/√(u² + 1)"),
    sympy.acosh: OuterDerivative(
        lambda u: 1 / (sympy.sqrt(u - 1) * sympy.sqrt(u + 1)), "(acosh u)′ = u′/(√(u − 1)·√(u + 1))"
    ),
    sympy.atanh: OuterDerivative(lambda u: 1 / (1 - u**2), "(atanh u)′ = u′/(1 − u²)"),
    sympy.Abs: OuterDerivative(sympy.sign, "|u|′ = sign(u)·u′ for u ≠ 0"),
    sympy.erf: OuterDerivative(
        lambda u: 2 / sympy.sqrt(sympy.pi) * sympy.exp(-(u**2)), "(erf u)′ = (2/√π)·e^(−u²)·u′"
    ),
    sympy.erfc: OuterDerivative(
        lambda u: -2 / sympy.sqrt(sympy.pi) * sympy.exp(-(u**2)), "(erfc u)′ = −(2/√π)·e^(−u²)·u′"
    ),
}


@dataclass(frozen=True)
class ElementaryFunctionRule(Rule):
    function: type
    argument: Expr

    @property
    def outer(self) -> OuterDerivative:
        return ELEMENTARY_DERIVATIVES[self.function]

    def apply(self) -> Expr:
        outer = self.outer.derivative(self.argument)
        return outer if self.argument == X else outer * d(self.argument)

    @property
    def heading(self) -> str:
        chain = "" if self.argument == X else " with the chain rule"
        return f"derivative of {self.function.__name__}{chain}"

    @property
    def detail(self) -> str:
        return self.outer.formula


@dataclass(frozen=True)
class DefinitionRule(Rule):
    """Replace a named function by its definition inside the placeholder."""

    call: DefinedFunction

    def apply(self) -> Expr:
        return d(self.call.expanded())

    @property
    def heading(self) -> str:
        return "definition"

    @property
    def detail(self) -> str:
        u = sympy.Dummy("u")
        shown = type(self.call)(sympy.Symbol("u"))
        body = self.call.definition(u).subs(u, sympy.Symbol("u"))
        return f"{to_text(shown)} = {to_text(body)}"


@dataclass(frozen=True)
class DerivedIdentityRule(Rule):
    """f′ by its derivative identity (σ′ = σ(1 − σ)), used only after it has been
    derived and checked."""

    function: type[DefinedFunction]
    argument: Expr

    def apply(self) -> Expr:
        outer = self.function.derivative_identity(self.argument)
        return outer if self.argument == X else outer * d(self.argument)

    @property
    def detail(self) -> str:
        return self.function.identity_text

    @property
    def heading(self) -> str:
        chain = "" if self.argument == X else ", with the chain rule"
        return f"{self.function.identity_id} (derived above){chain}"


@dataclass(frozen=True)
class Rewrite:
    """A step that rewrites without differentiating: split, lemma, collect, simplify."""

    heading: str
    detail: str = ""

    @property
    def label(self) -> str:
        return f"{self.heading}: {self.detail}" if self.detail else self.heading


def select_rule(u: Expr, route: Route, mode: Mode) -> Rule:
    """The rule a textbook applies to d/dx[u]."""
    if not u.has(X):
        return ConstantRule(u)
    if u == X:
        return IdentityRule(u)
    if u.is_Add:
        return SumRule(u)
    if u.is_Mul:
        return _select_product_rule(u, route)
    if u.is_Pow:
        return _select_power_rule(u, route)
    if isinstance(u, DefinedFunction) and mode == "identity" and u.identity_id:
        return DerivedIdentityRule(u, type(u), u.args[0])
    if isinstance(u, DefinedFunction):
        return DefinitionRule(u, u)
    if type(u) in ELEMENTARY_DERIVATIVES:
        return ElementaryFunctionRule(u, type(u), u.args[0])
    raise SymbolicError(f"no differentiation rule for {to_text(u)}")


def _select_product_rule(u: Expr, route: Route) -> Rule:
    constant, rest = u.as_independent(X, as_Add=False)
    if constant != 1:
        return ConstantMultipleRule(u, constant, rest)
    if route == "quotient":
        numerator, denominator = sympy.fraction(u, exact=True)
        if denominator.has(X):
            return QuotientRule(u, numerator, denominator)
    return ProductRule(u, tuple(u.args))


def _select_power_rule(u: Expr, route: Route) -> Rule:
    base, exponent = u.as_base_exp()
    if route == "quotient" and exponent.is_number and exponent.is_negative:
        return QuotientRule(u, sympy.S.One, base ** (-exponent))
    if not exponent.has(X):
        return PowerRule(u, base, exponent)
    if not base.has(X):
        return ExponentialBaseRule(u, base, exponent)
    return GeneralPowerRule(u, base, exponent)
