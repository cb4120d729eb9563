"""softplus(u) = log(1 + e^u), an antiderivative of σ."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import flint
import numpy as np
import sympy
from sympy import Expr, S
from sympy.codegen.cfunctions import log1p

from symbolic.arith import dwkernels as dwk
from symbolic.functions.base import DefinedFunction, FloatFormula, Plot, ReportText, between_side
from symbolic.functions.libraries import (
    in_work_dtype,
    jax_function,
    native,
    scipy_formula,
    scipy_special,
    torch_function,
)
from symbolic.functions.sigmoid import sigmoid, sigmoid_side


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


# ---------------------------------------------------------------- the report


def _naive(w: np.ndarray) -> np.ndarray:
    return np.log(1 + np.exp(w))


def _log1p(w: np.ndarray) -> np.ndarray:
    return np.log1p(np.exp(w))


def _stable(w: np.ndarray) -> np.ndarray:
    return np.maximum(w, 0) + np.log1p(np.exp(-np.abs(w)))


softplus.catalogue = Path(__file__).with_name("softplus.claims.toml")


def _numpy_softplus(w: np.ndarray) -> np.ndarray:
    return np.log1p(np.exp(w))


def _numpy_sigmoid(w: np.ndarray) -> np.ndarray:
    one = w.dtype.type(1)
    return one / (one + np.exp(-w))


def _logaddexp(special: object, w: np.ndarray) -> np.ndarray:
    return np.logaddexp(w.dtype.type(0), w)


softplus.implementations = {
    **softplus.implementations,
    ("naive", 0): FloatFormula(0, "softplus as log(1 + exp(x))", lambda: in_work_dtype(_naive)),
    ("log1p", 0): FloatFormula(0, "softplus as log1p(exp(x))", lambda: in_work_dtype(_log1p)),
    ("stable", 0): FloatFormula(
        0, "softplus as max(x, 0) + log1p(exp(−|x|))", lambda: in_work_dtype(_stable)
    ),
    ("numpy", 0): FloatFormula(0, "np.log1p(np.exp(x))", lambda: native(_numpy_softplus)),
    ("numpy", 1): FloatFormula(1, "1/(1 + np.exp(-x))", lambda: native(_numpy_sigmoid)),
    ("scipy", 0): FloatFormula(0, "np.logaddexp(0, x)", lambda: scipy_formula(_logaddexp)),
    ("scipy", 1): FloatFormula(1, "scipy.special.expit", lambda: scipy_special("expit")),
    ("torch", 0): FloatFormula(
        0, "torch.nn.functional.softplus", lambda: torch_function("nn.functional.softplus", 0)
    ),
    ("torch", 1): FloatFormula(
        1,
        "torch.nn.functional.softplus, autograd",
        lambda: torch_function("nn.functional.softplus", 1),
    ),
    ("jax", 0): FloatFormula(0, "jax.nn.softplus", lambda: jax_function("nn.softplus", 0)),
    ("jax", 1): FloatFormula(
        1, "jax.nn.softplus, jax.grad", lambda: jax_function("nn.softplus", 1)
    ),
}
softplus.report = ReportText(
    template="function",
    title="softplus and its derivative, machine-checked",
    corrections={},
    plots=(
        Plot(
            "softplus",
            "softplus(x) and softplus′(x)",
            "softplus, a smooth max(x, 0), and its derivative softplus′ = σ, values from the "
            "certified oracle.",
            (("softplus(x)", 0), ("softplus′(x)", 1)),
        ),
    ),
    loss_plot=None,
    float_formulas=(("naive", 0), ("log1p", 0), ("stable", 0)),
    higher_orders=(),
    saturation=None,
    about="softplus(x) = log(1 + e^x) is an antiderivative of σ: softplus′ = σ, so every "
    "derivative of softplus is a derivative of σ. It lies above max(x, 0) by "
    "softplus(−|x|), at most log 2.",
    float_note="log(1 + exp(x)) is 0 once 1 + e^x rounds to 1 (from x ≈ −16.6 in float32, "
    "−36.7 in float64) although softplus(x) ≈ e^x is not; log1p(exp(x)) keeps that tail, "
    "but exp overflows from ln(max float) on (88.7 in float32, 709.8 in float64), where "
    "softplus(x) ≈ x. max(x, 0) + log1p(exp(−|x|)) keeps every digit for every x. In "
    "bfloat16 the formulas run in float32, so they fail where float32 does, from the next "
    "bfloat16 on: log(1 + exp(x)) from −16.75, log1p(exp(x)) from 89.",
)


# ---------------------------------------------------------------- stable forms (vectorized references)
#
# f^(n)(u) without cancellation, for the ball arithmetic of `symbolic.numbers.vectorized`.

softplus.stable_forms = {
    0: lambda u: sympy.Max(u, 0) + log1p(sympy.exp(-sympy.Abs(u))),
    1: sigmoid,
    2: lambda u: sigmoid(u) * sigmoid(-u),
}


# ---------------------------------------------------------------- the vector ball
#
# softplus(a) = max(a, 0) + log1p(e), e = e^(−|a|). Where every argument is an exact
# float64 with |a| ≤ 670 (double-word balls of the oracle's points), in double-words
# directly: e by `dwkernels.exp` (relative ε < 2^-88; e ≥ e^-670 > 2^-967, low words
# normal), L = log1p(e) by `dwkernels.log1p` (LOG_BOUND = 2^-88; ε moves log1p(e) by
# ≤ ε·e/(1 + e) ≤ ε·log1p(e)): < 2^-87; then max(a, 0) + L (`add_double`, 2u², positive
# terms): < 2^-87 + 2u² < 2^-86.9. The radius is 2^-86·|s_h|·(1 + 2^-50) plus the
# balls' absolute TINY (2^-1060). log_sigmoid(a) = −softplus(−a) takes the same path.

FAST_REACH = 670.0


def fast_arguments(a: object) -> bool:
    """Whether a is a double-word ball of exact float64 points with |a| ≤ FAST_REACH."""
    return (
        hasattr(a, "lo")
        and not a.rad.any()
        and not a.lo.any()
        and np.abs(a.mid).max(initial=0.0) <= FAST_REACH
    )


def softplus_double_word(ops: ModuleType, x: np.ndarray) -> object:
    """The ball of softplus(x) for exact float64 x, |x| ≤ FAST_REACH (above)."""
    eh, el = dwk.exp(-np.abs(x), np.zeros_like(x))
    sh, sl = dwk.add_double(*dwk.log1p(eh, el), np.maximum(x, 0.0))
    return ops.Ball(sh, sl, np.abs(sh) * (2.0**-86 * (1 + 2.0**-50)) + 2.0**-1060)


def _vector_ball(ops: ModuleType, a: object) -> object:
    """softplus(a); `ops` is the ball arithmetic (`symbolic.arith.vball`, or `vball_dw`
    for double-words)."""
    if fast_arguments(a):
        return softplus_double_word(ops, a.mid)
    zero = ops.exact(np.zeros_like(a.mid))
    tail = ops.log1p_ball(ops.exp(ops.neg(ops.absolute(a))))
    return ops.add(ops.maximum(a, zero), tail)


softplus.vector_ball = _vector_ball

# Sides beside a power of two h (`sides`), for ULP errors where a true value lost its
# distance to h (softplus(1024) = 1024 + e^-1024: hi = 1024, lo = 0):
# - softplus(x) > max(x, 0) (lt_softplus, softplus_pos): above any h ≤ max(x, 0);
# - softplus′ = σ (deriv_softplus): σ's sides.
softplus.sides = {
    0: lambda x, h: between_side(h, np.maximum(x, 0.0), np.full(np.shape(x), np.inf)),
    1: sigmoid_side,
}
