"""The registry of named functions: one module per function.

A named function is a `DefinedFunction` (see `base.py`): it prints under its own name
(σ for sigmoid), knows only its definition as a SymPy function, and carries as data on
its class everything the later stages ask of it. Adding a function is one module here
and one line in `NAMED_FUNCTIONS`; no other stage names a function.
"""

from __future__ import annotations

import sympy
from sympy import Expr, Symbol

from symbolic.errors import SymbolicError
from symbolic.functions.base import (
    DefinedFunction,
    FamilyMember,
    FloatFormula,
    FloatKernel,
    Implementation,
    ReportText,
    VectorTail,
    Zero,
    expand_definitions,
)
from symbolic.functions.gelu import gelu
from symbolic.functions.gelu_tanh import gelu_tanh
from symbolic.functions.log_sigmoid import log_sigmoid
from symbolic.functions.logit import logit
from symbolic.functions.mish import mish
from symbolic.functions.normal import normal_cdf, normal_pdf
from symbolic.functions.sigmoid import sigmoid
from symbolic.functions.silu import silu
from symbolic.functions.softplus import softplus
from symbolic.functions.tanh import tanh

# tanh is SymPy's own (the language's `tanh`); erf and erfc are SymPy's too.
NAMED_FUNCTIONS: dict[str, type[DefinedFunction]] = {
    "sigmoid": sigmoid,
    "logit": logit,
    "softplus": softplus,
    "log_sigmoid": log_sigmoid,
    "silu": silu,
    "swish": silu,  # an alias: the same function, printed as silu
    "gelu": gelu,
    "gelu_tanh": gelu_tanh,
    "mish": mish,
    "normal_cdf": normal_cdf,  # Φ, the standard normal distribution function
    "normal_pdf": normal_pdf,  # φ, its density: GELU′ = Φ + x·φ
}
# The family: the functions `verify --catalogue` and `report --function` take, in the
# order of `all`. An alias names the same entry, which `all` runs once. tanh's entry is
# not a DefinedFunction: the language keeps SymPy's own tanh (see tanh.py).
FAMILY: dict[str, type[FamilyMember]] = {
    "sigmoid": sigmoid,
    "tanh": tanh,
    "softplus": softplus,
    "log_sigmoid": log_sigmoid,
    "silu": silu,
    "swish": silu,
    "gelu": gelu,
    "gelu_tanh": gelu_tanh,
    "mish": mish,
}
ALL = "all"
# The function of the main job: `symbolic report` with no option, and the CLI defaults.
DEFAULT_FUNCTION: type[DefinedFunction] = sigmoid


def named_derivative(expr: Expr, variable: Symbol) -> tuple[type[DefinedFunction], int] | None:
    """(f, n) when expr is f^(n)(variable) for a named function f, else None."""
    order = 0
    if isinstance(expr, sympy.Derivative):
        (wrt, count), *rest = expr.variable_count
        if rest or wrt != variable:
            return None
        expr, order = expr.expr, int(count)
    if isinstance(expr, DefinedFunction) and expr.args == (variable,):
        return type(expr), order
    return None


def family_derivative(expr: Expr, variable: Symbol) -> tuple[type[FamilyMember], int] | None:
    """(f, n) when expr is f^(n)(variable) for a named function, or for a family member the
    language takes from SymPy (tanh: `tanh(x)`, `diff(tanh(x), x, n)`)."""
    named = named_derivative(expr, variable)
    if named is not None:
        return named
    order, inner = 0, expr
    if isinstance(expr, sympy.Derivative):
        (wrt, count), *rest = expr.variable_count
        if rest or wrt != variable:
            return None
        order, inner = int(count), expr.expr
    for member in dict.fromkeys(FAMILY.values()):
        if not issubclass(member, DefinedFunction) and inner == member.applied(variable):
            return member, order
    return None


def family_members(name: str) -> list[type[FamilyMember]]:
    """The entry called `name` (an alias gives its function), or with `all` every
    function of the family once, in order."""
    if name == ALL:
        return list(dict.fromkeys(FAMILY.values()))
    if name not in FAMILY:
        names = ", ".join([*FAMILY, ALL])
        raise SymbolicError(f"unknown function {name!r}: use one of {names}")
    return [FAMILY[name]]


def with_report() -> list[type[DefinedFunction]]:
    """The functions that have a report of their own, in registry order."""
    return [f for f in NAMED_FUNCTIONS.values() if f.report is not None]


__all__ = [
    "ALL",
    "DEFAULT_FUNCTION",
    "FAMILY",
    "NAMED_FUNCTIONS",
    "DefinedFunction",
    "FamilyMember",
    "FloatFormula",
    "FloatKernel",
    "Implementation",
    "ReportText",
    "VectorTail",
    "Zero",
    "expand_definitions",
    "family_derivative",
    "family_members",
    "gelu",
    "gelu_tanh",
    "log_sigmoid",
    "logit",
    "mish",
    "named_derivative",
    "sigmoid",
    "silu",
    "softplus",
    "tanh",
    "with_report",
]
