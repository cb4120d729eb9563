"""log σ(u) = −softplus(−u), the log-sigmoid."""

from __future__ import annotations

import flint
from sympy import Expr, S

from symbolic.functions.base import DefinedFunction
from symbolic.functions.sigmoid import sigmoid
from symbolic.functions.softplus import softplus


class log_sigmoid(DefinedFunction):  # noqa: N801
    """log σ(u) = −softplus(−u) = −log(1 + e^(−u))."""

    latex_name = r"\log\sigma"
    text_name = "log σ"
    written_in = sigmoid  # (log σ)′ = 1 − σ

    @classmethod
    def definition(cls, u: Expr) -> Expr:
        return -softplus(-u)

    @classmethod
    def ball(cls, u: flint.arb) -> flint.arb:
        """−softplus(−u) by softplus's own stable enclosure: −e^u·(1 − …) for u ≪ 0 is
        never 1 − σ, and log σ(u) ≈ −e^(−u) for u ≫ 0 keeps its digits."""
        return -softplus.ball(-u)

    @classmethod
    def derivative_ball(cls, n: int, u: flint.arb) -> flint.arb:
        """(log σ)^(n)(u) = (−1)^(n+1)·σ^(n−1)(−u) for n ≥ 1: (log σ)′ = σ(−u)."""
        if n == 0:
            return cls.ball(u)
        sign = 1 if n % 2 == 1 else -1
        return sign * sigmoid.derivative_ball(n - 1, -u)


log_sigmoid.limits = {
    0: (S.NegativeInfinity, S.Zero),
    1: (S.One, S.Zero),
    2: (S.Zero, S.Zero),
}  # at −∞ and +∞, per order
