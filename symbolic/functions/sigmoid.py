"""σ(u) = 1/(1 + e^(−u)), the logistic sigmoid."""

from __future__ import annotations

import sympy
from sympy import Expr, S

from symbolic.functions.base import DefinedFunction


class sigmoid(DefinedFunction):  # noqa: N801 - SymPy function classes are lower case
    """σ(u) = 1/(1 + e^(−u)), the logistic sigmoid."""

    latex_name = r"\sigma"

    @classmethod
    def definition(cls, u: Expr) -> Expr:
        return 1 / (1 + sympy.exp(-u))

    @classmethod
    def eval(cls, arg: Expr) -> Expr | None:
        if arg.is_zero:
            return S.Half
        if arg is S.Infinity:
            return S.One
        if arg is S.NegativeInfinity:
            return S.Zero
        return None

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_extended_real else None
