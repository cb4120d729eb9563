"""GELU_tanh(u) = (u/2)·(1 + tanh(√(2/π)·(u + 0.044715·u³))), the tanh approximation of
GELU, with 0.044715 exactly 44715/10^6.

Since (1 + tanh(w))/2 = σ(2w), GELU_tanh(u) = u·σ(v) with v = 2√(2/π)·(u + c·u³):
the enclosures use σ's stable closed forms, so the tails keep their digits.
"""

from __future__ import annotations

import flint
import sympy
from sympy import Expr, Rational, S

from symbolic.functions.base import DefinedFunction
from symbolic.functions.sigmoid import sigmoid

C = Rational(44715, 10**6)


def _c() -> flint.arb:
    return flint.arb(int(C.p)) / int(C.q)


def _scale() -> flint.arb:
    """2·√(2/π)."""
    return 2 * (2 / flint.arb.pi()).sqrt()


class gelu_tanh(DefinedFunction):  # noqa: N801
    """GELU_tanh(u) = (u/2)·(1 + tanh(√(2/π)·(u + 0.044715·u³)))."""

    latex_name = r"\operatorname{GELU}_{\tanh}"
    text_name = "GELU_tanh"
    derivative_ball_orders = 2

    @classmethod
    def definition(cls, u: Expr) -> Expr:
        return u / 2 * (1 + sympy.tanh(sympy.sqrt(2 / sympy.pi) * (u + C * u**3)))

    @classmethod
    def ball(cls, u: flint.arb) -> flint.arb:
        return cls.derivative_ball(0, u)

    @classmethod
    def derivative_ball(cls, n: int, u: flint.arb) -> flint.arb | None:
        """With v = 2√(2/π)(u + c·u³), v′ = 2√(2/π)(1 + 3c·u²), v″ = 2√(2/π)·6c·u:
        GELU_tanh = u·σ(v), ′ = σ(v) + u·σ′(v)·v′, ″ = 2σ′(v)·v′ + u·(σ″(v)·v′² + σ′(v)·v″)."""
        if n > 2:
            return None
        k, c = _scale(), _c()
        v = k * (u + c * u * u * u)
        if n == 0:
            return u * sigmoid.ball(v)
        v1 = k * (1 + 3 * c * u * u)
        s1 = sigmoid.derivative_ball(1, v)
        if n == 1:
            return sigmoid.ball(v) + u * s1 * v1
        v2 = k * 6 * c * u
        s2 = sigmoid.derivative_ball(2, v)
        return 2 * s1 * v1 + u * (s2 * v1 * v1 + s1 * v2)


gelu_tanh.limits = {
    0: (S.Zero, S.Infinity),
    1: (S.Zero, S.One),
    2: (S.Zero, S.Zero),
}  # at −∞ and +∞, per order
