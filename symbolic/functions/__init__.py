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
from symbolic.functions.gelu import gelu
from symbolic.functions.gelu_tanh import gelu_tanh
from symbolic.functions.log_sigmoid import log_sigmoid
from symbolic.functions.logit import logit
from symbolic.functions.mish import mish
from symbolic.functions.sigmoid import sigmoid
from symbolic.functions.silu import silu
from symbolic.functions.softplus import softplus

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
    "gelu",
    "gelu_tanh",
    "log_sigmoid",
    "logit",
    "mish",
    "named_derivative",
    "sigmoid",
    "silu",
    "softplus",
    "with_report",
]
