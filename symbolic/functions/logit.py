"""logit(u) = log(u/(1 − u)), the inverse of σ on (0, 1)."""

from __future__ import annotations

import flint
import sympy
from sympy import Expr
from sympy.codegen.cfunctions import log1p

from symbolic.functions.base import DefinedFunction


class logit(DefinedFunction):  # noqa: N801
    """logit(u) = log(u/(1 − u)), the inverse of σ on (0, 1)."""

    latex_name = r"\operatorname{logit}"

    @classmethod
    def definition(cls, u: Expr) -> Expr:
        return sympy.log(u / (1 - u))

    @classmethod
    def ball(cls, u: flint.arb) -> flint.arb:
        return u.log() - (-u).log1p()


# ---------------------------------------------------------------- stable forms (vectorized references)
#
# f^(n)(u) without cancellation, for the ball arithmetic of `symbolic.numbers.vectorized`.

logit.stable_forms = {
    0: lambda u: sympy.log(u) - log1p(-u),
    1: lambda u: 1 / (u * (1 - u)),
    2: lambda u: (2 * u - 1) / (u**2 * (1 - u) ** 2),
}
