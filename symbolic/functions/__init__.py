"""The registry of named functions: one module per function.

A named function is a `DefinedFunction` (see `base.py`): it prints under its own name
(σ for sigmoid), knows only its definition as a SymPy function, and carries as data on
its class everything the later stages ask of it. Adding a function is one module here
and one line in `NAMED_FUNCTIONS`; no other stage names a function.
"""

from __future__ import annotations

import sympy
from sympy import Expr, Symbol

from symbolic.functions.base import (
    DefinedFunction,
    FloatFormula,
    FloatKernel,
    Implementation,
    ReportText,
    Zero,
    expand_definitions,
)
from symbolic.functions.logit import logit
from symbolic.functions.sigmoid import sigmoid
from symbolic.functions.softplus import softplus

NAMED_FUNCTIONS: dict[str, type[DefinedFunction]] = {
    "sigmoid": sigmoid,
    "logit": logit,
    "softplus": softplus,
}
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


def with_report() -> list[type[DefinedFunction]]:
    """The functions that have a report of their own, in registry order."""
    return [f for f in NAMED_FUNCTIONS.values() if f.report is not None]


__all__ = [
    "DEFAULT_FUNCTION",
    "NAMED_FUNCTIONS",
    "DefinedFunction",
    "FloatFormula",
    "FloatKernel",
    "Implementation",
    "ReportText",
    "Zero",
    "expand_definitions",
    "logit",
    "named_derivative",
    "sigmoid",
    "softplus",
    "with_report",
]
