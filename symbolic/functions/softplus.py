"""softplus(u) = log(1 + e^u), an antiderivative of σ."""

from __future__ import annotations

import sympy
from sympy import Expr

from symbolic.functions.base import DefinedFunction


class softplus(DefinedFunction):  # noqa: N801
    """softplus(u) = log(1 + e^u), an antiderivative of σ."""

    latex_name = r"\operatorname{softplus}"

    @classmethod
    def definition(cls, u: Expr) -> Expr:
        return sympy.log(1 + sympy.exp(u))
