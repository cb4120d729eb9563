"""log σ(u) = −softplus(−u), the log-sigmoid."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import flint
import numpy as np
import sympy
from sympy import Expr, S
from sympy.codegen.cfunctions import log1p

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
from symbolic.functions.softplus import fast_arguments, softplus, softplus_double_word


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


# ---------------------------------------------------------------- the report


def _naive(w: np.ndarray) -> np.ndarray:
    return np.log(1 / (1 + np.exp(-w)))


def _log1p(w: np.ndarray) -> np.ndarray:
    return -np.log1p(np.exp(-w))


def _stable(w: np.ndarray) -> np.ndarray:
    return np.minimum(w, 0) - np.log1p(np.exp(-np.abs(w)))


log_sigmoid.catalogue = Path(__file__).with_name("log_sigmoid.claims.toml")


def _numpy_log_sigmoid(w: np.ndarray) -> np.ndarray:
    return -np.log1p(np.exp(-w))


def _numpy_derivative(w: np.ndarray) -> np.ndarray:
    one = w.dtype.type(1)
    return one / (one + np.exp(w))  # 1 − σ(x) = σ(−x)


def _expit_of_minus(special: object, w: np.ndarray) -> np.ndarray:
    return special.expit(-w)


log_sigmoid.implementations = {
    **log_sigmoid.implementations,
    ("naive", 0): FloatFormula(0, "log σ as log(1/(1 + exp(−x)))", lambda: in_work_dtype(_naive)),
    ("log1p", 0): FloatFormula(0, "log σ as −log1p(exp(−x))", lambda: in_work_dtype(_log1p)),
    ("stable", 0): FloatFormula(
        0, "log σ as min(x, 0) − log1p(exp(−|x|))", lambda: in_work_dtype(_stable)
    ),
    ("numpy", 0): FloatFormula(0, "-np.log1p(np.exp(-x))", lambda: native(_numpy_log_sigmoid)),
    ("numpy", 1): FloatFormula(1, "1/(1 + np.exp(x))", lambda: native(_numpy_derivative)),
    ("scipy", 0): FloatFormula(0, "scipy.special.log_expit", lambda: scipy_special("log_expit")),
    ("scipy", 1): FloatFormula(
        1, "scipy.special.expit(-x)", lambda: scipy_formula(_expit_of_minus)
    ),
    ("torch", 0): FloatFormula(
        0,
        "torch.nn.functional.logsigmoid",
        lambda: torch_function("nn.functional.logsigmoid", 0),
    ),
    ("torch", 1): FloatFormula(
        1,
        "torch.nn.functional.logsigmoid, autograd",
        lambda: torch_function("nn.functional.logsigmoid", 1),
    ),
    ("jax", 0): FloatFormula(0, "jax.nn.log_sigmoid", lambda: jax_function("nn.log_sigmoid", 0)),
    ("jax", 1): FloatFormula(
        1, "jax.nn.log_sigmoid, jax.grad", lambda: jax_function("nn.log_sigmoid", 1)
    ),
}
log_sigmoid.report = ReportText(
    template="function",
    title="log σ and its derivative, machine-checked",
    corrections={},
    plots=(
        Plot(
            "log_sigmoid",
            "log σ(x) and (log σ)′(x)",
            "log σ, a smooth min(x, 0), and its derivative (log σ)′ = 1 − σ = σ(−x), values "
            "from the certified oracle.",
            (("log σ(x)", 0), ("(log σ)′(x)", 1)),
        ),
    ),
    loss_plot=None,
    float_formulas=(("naive", 0), ("log1p", 0), ("stable", 0)),
    higher_orders=(),
    saturation=None,
    about="log σ(x) = −softplus(−x), the logarithm of the sigmoid, as in the loss of "
    "logistic regression; its derivative is 1 − σ(x) = σ(−x).",
    float_note="log(1/(1 + exp(−x))) is 0 once σ(x) rounds to 1 (from x ≈ 16.6 in float32, "
    "36.7 in float64) although log σ(x) ≈ −e^(−x) is not, and −∞ once exp(−x) overflows; "
    "−log1p(exp(−x)) keeps the right tail but overflows below −88.7 (float32) and −709.8 "
    "(float64), where log σ(x) ≈ x. min(x, 0) − log1p(exp(−|x|)) keeps every digit. In "
    "bfloat16 the formulas run in float32, so they fail where float32 does, from the next "
    "bfloat16 on: log(1/(1 + exp(−x))) from 16.75, −log1p(exp(−x)) below −89.",
)


# ---------------------------------------------------------------- stable forms (vectorized references)
#
# f^(n)(u) without cancellation, for the ball arithmetic of `symbolic.numbers.vectorized`.

log_sigmoid.stable_forms = {
    0: lambda u: sympy.Min(u, 0) - log1p(sympy.exp(-sympy.Abs(u))),
    1: lambda u: sigmoid(-u),
    2: lambda u: -sigmoid(u) * sigmoid(-u),
}


# ---------------------------------------------------------------- the vector ball
#
# log_sigmoid(a) = −softplus(−a): for exact arguments by softplus's double-word path
# (< 2^-86.9, argued in `symbolic.functions.softplus`), else min(a, 0) − log1p(e^(−|a|))
# by the balls.


def _vector_ball(ops: ModuleType, a: object) -> object:
    """log_sigmoid(a); `ops` is the ball arithmetic (`symbolic.arith.vball`, or
    `vball_dw` for double-words)."""
    if fast_arguments(a):
        return ops.neg(softplus_double_word(ops, -a.mid))
    zero = ops.exact(np.zeros_like(a.mid))
    tail = ops.log1p_ball(ops.exp(ops.neg(ops.absolute(a))))
    return ops.add(ops.minimum(a, zero), ops.neg(tail))


log_sigmoid.vector_ball = _vector_ball

# Sides beside a power of two h (`sides`), for ULP errors where a true value lost its
# distance to h (log σ(−1024) = −1024 − e^-1024; (log σ)′(−800) = 1 − e^-800):
# - log σ(x) < min(x, 0) (log_sigmoid_lt_self, log_sigmoid_lt_zero): below any
#   h ≥ min(x, 0);
# - (log σ)′(x) = σ(−x) (deriv_log_sigmoid): σ's sides at −x.
log_sigmoid.sides = {
    0: lambda x, h: between_side(h, np.full(np.shape(x), -np.inf), np.minimum(x, 0.0)),
    1: lambda x, h: sigmoid_side(-x, h),
}
