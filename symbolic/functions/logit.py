"""logit(u) = log(u/(1 − u)), the inverse of σ on (0, 1)."""

from __future__ import annotations

import flint
import sympy
from sympy import Expr

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
