"""SiLU(u) = u·σ(u), the sigmoid-weighted linear unit (also called swish)."""

from __future__ import annotations

import flint
from sympy import Expr, S

from symbolic.functions.base import DefinedFunction
from symbolic.functions.sigmoid import sigmoid


class silu(DefinedFunction):  # noqa: N801
    """SiLU(u) = u·σ(u)."""

    latex_name = r"\operatorname{SiLU}"
    text_name = "SiLU"
    written_in = sigmoid  # SiLU′ = σ·(1 + x·(1 − σ))
    derivative_ball_orders = 2

    @classmethod
    def definition(cls, u: Expr) -> Expr:
        return u * sigmoid(u)

    @classmethod
    def ball(cls, u: flint.arb) -> flint.arb:
        return u * sigmoid.ball(u)

    @classmethod
    def derivative_ball(cls, n: int, u: flint.arb) -> flint.arb | None:
        """SiLU′ = σ(u)·(1 + u·σ(−u)) and SiLU″ = σ′(u)·(2 − u·tanh(u/2)): products of
        terms without cancellation (1 − σ(u) is σ(−u), not a difference)."""
        if n == 0:
            return cls.ball(u)
        if n == 1:
            return sigmoid.ball(u) * (1 + u * sigmoid.ball(-u))
        if n == 2:
            return sigmoid.derivative_ball(1, u) * (2 - u * (u / 2).tanh())
        return None


silu.limits = {
    0: (S.Zero, S.Infinity),
    1: (S.Zero, S.One),
    2: (S.Zero, S.Zero),
}  # at −∞ and +∞, per order
