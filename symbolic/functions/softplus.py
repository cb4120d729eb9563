"""softplus(u) = log(1 + e^u), an antiderivative of σ."""

from __future__ import annotations

import flint
import sympy
from sympy import Expr, S

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

    @classmethod
    def derivative_ball(cls, n: int, u: flint.arb) -> flint.arb:
        """softplus^(n) = σ^(n−1) for n ≥ 1 (softplus′ = σ), by σ's closed forms."""
        return cls.ball(u) if n == 0 else sigmoid.derivative_ball(n - 1, u)


softplus.limits = {
    0: (S.Zero, S.Infinity),
    1: (S.Zero, S.One),
    2: (S.Zero, S.Zero),
}  # at −∞ and +∞, per order
