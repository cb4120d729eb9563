"""softplus(u) = log(1 + e^u), an antiderivative of σ."""

from __future__ import annotations

import flint
import sympy
from sympy import Expr

from symbolic.functions.base import DefinedFunction
from symbolic.functions.sigmoid import sigmoid


class softplus(DefinedFunction):  # noqa: N801
    """softplus(u) = log(1 + e^u), an antiderivative of σ."""

    latex_name = r"\operatorname{softplus}"
    written_in = sigmoid  # softplus′ = σ

    @classmethod
    def definition(cls, u: Expr) -> Expr:
        return sympy.log(1 + sympy.exp(u))

    @classmethod
    def ball(cls, u: flint.arb) -> flint.arb:
        """log1p(e^u), or u + log1p(e^(−u)) for u > 0, where e^u would overflow."""
        if u > 0:
            return u + (-u).exp().log1p()
        return u.exp().log1p()
