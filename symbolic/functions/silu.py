"""SiLU(u) = u·σ(u), the sigmoid-weighted linear unit (also called swish)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import flint
import numpy as np
import sympy
from sympy import Expr, S

from symbolic.arith import doubleword as dw
from symbolic.arith import dwkernels as dwk
from symbolic.functions.base import (
    DefinedFunction,
    FloatFormula,
    Plot,
    ReportText,
    between_side,
    half_side,
    side_of,
)
from symbolic.functions.libraries import (
    in_work_dtype,
    jax_function,
    native,
    scipy_formula,
    torch_function,
)
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


# ---------------------------------------------------------------- the report


def _naive(w: np.ndarray) -> np.ndarray:
    return w / (1 + np.exp(-w))


def _complement(w: np.ndarray) -> np.ndarray:
    return w - w / (1 + np.exp(w))  # x − x·σ(−x)


def _stable(w: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(w))
    return np.where(w >= 0, w / (1 + e), w * e / (1 + e))


def _naive_derivative(w: np.ndarray) -> np.ndarray:
    s = 1 / (1 + np.exp(-w))
    return s * (1 + w * (1 - s))


silu.catalogue = Path(__file__).with_name("silu.claims.toml")


def _numpy_silu(w: np.ndarray) -> np.ndarray:
    return w / (w.dtype.type(1) + np.exp(-w))


def _numpy_derivative(w: np.ndarray) -> np.ndarray:
    one = w.dtype.type(1)
    s = one / (one + np.exp(-w))
    return s * (one + w * (one - s))


def _scipy_silu(special: object, w: np.ndarray) -> np.ndarray:
    return w * special.expit(w)


def _scipy_derivative(special: object, w: np.ndarray) -> np.ndarray:
    s = special.expit(w)
    return s * (1 + w * (1 - s))


silu.implementations = {
    **silu.implementations,
    ("naive", 0): FloatFormula(0, "SiLU as x/(1 + exp(−x))", lambda: in_work_dtype(_naive)),
    ("complement", 0): FloatFormula(0, "SiLU as x − x·σ(−x)", lambda: in_work_dtype(_complement)),
    ("stable", 0): FloatFormula(
        0, "SiLU as x·σ(x), σ from exp(−|x|)", lambda: in_work_dtype(_stable)
    ),
    ("naive", 1): FloatFormula(
        1,
        "SiLU′ as s·(1 + x·(1 − s)), s = 1/(1 + exp(−x))",
        lambda: in_work_dtype(_naive_derivative),
    ),
    ("numpy", 0): FloatFormula(0, "x/(1 + np.exp(-x))", lambda: native(_numpy_silu)),
    ("numpy", 1): FloatFormula(
        1, "s*(1 + x*(1 - s)), s = 1/(1 + np.exp(-x))", lambda: native(_numpy_derivative)
    ),
    ("scipy", 0): FloatFormula(0, "x*scipy.special.expit(x)", lambda: scipy_formula(_scipy_silu)),
    ("scipy", 1): FloatFormula(
        1, "s*(1 + x*(1 - s)), s = scipy.special.expit(x)", lambda: scipy_formula(_scipy_derivative)
    ),
    ("torch", 0): FloatFormula(
        0, "torch.nn.functional.silu", lambda: torch_function("nn.functional.silu", 0)
    ),
    ("torch", 1): FloatFormula(
        1, "torch.nn.functional.silu, autograd", lambda: torch_function("nn.functional.silu", 1)
    ),
    ("jax", 0): FloatFormula(0, "jax.nn.silu", lambda: jax_function("nn.silu", 0)),
    ("jax", 1): FloatFormula(1, "jax.nn.silu, jax.grad", lambda: jax_function("nn.silu", 1)),
}
silu.report = ReportText(
    template="function",
    title="SiLU (swish) and its derivative, machine-checked",
    corrections={},
    plots=(
        Plot(
            "silu",
            "SiLU(x) and SiLU′(x)",
            "SiLU(x) = x·σ(x) and its derivative SiLU′ = σ·(1 + x·(1 − σ)), values from the "
            "certified oracle.",
            (("SiLU(x)", 0), ("SiLU′(x)", 1)),
        ),
    ),
    loss_plot=None,
    float_formulas=(("naive", 0), ("complement", 0), ("stable", 0), ("naive", 1)),
    higher_orders=(),
    saturation=None,
    about="SiLU(x) = x·σ(x), also called swish: the input weighted by the sigmoid. It is "
    "not monotone: it falls to its minimum, about −0.278, near x ≈ −1.278, then rises.",
    float_note="x/(1 + exp(−x)) gives 0 once exp(−x) overflows (below −88.7 in float32, −709.8 in "
    "float64) although SiLU(x) ≈ x·e^x is far from underflow; x − x·σ(−x) is 0 from "
    "−16.6 / −36.7 on, where σ(−x) rounds to 1: it loses the whole negative tail. Even "
    "x·σ(x) with σ from exp(−|x|) loses the deepest, subnormal, tail, where e^x underflows "
    "before x·e^x does. SiLU′ as s·(1 + x·(1 − s)) is 0 once s = 1/(1 + ∞). In bfloat16 "
    "the formulas run in float32: x/(1 + exp(−x)) and SiLU′ fail from −89, x − x·σ(−x) "
    "from −16.75, and x·σ(x) never does, since SiLU(x) underflows in bfloat16 before e^x "
    "does in float32.",
)


# ---------------------------------------------------------------- stable forms (vectorized references)
#
# f^(n)(u) without cancellation, for the ball arithmetic of `symbolic.numbers.vectorized`.

silu.stable_forms = {
    0: lambda u: u * sigmoid(u),
    1: lambda u: sigmoid(u) * (1 + u * sigmoid(-u)),
    2: lambda u: sigmoid(u) * sigmoid(-u) * (2 - u * sympy.tanh(u / 2)),
}


# ---------------------------------------------------------------- the vector ball
#
# SiLU(a) = a·σ(a) by σ's vector ball; where every argument is an exact float64 with
# |a| ≤ 670 (double-word balls of the oracle's points), in double-words directly:
# e = e^(−|a|) (`dwkernels.exp`, relative ε < 2^-88: e ≥ e^-670 > 2^-967, low words
# normal), 1 + e (`add_double`, 2u²), then a/(1 + e) for a ≥ 0 (e moves it by ≤ ε/2;
# with the quotient's 15u² + 56u³: < 2^-88.9) or a·e/(1 + e) for a < 0 (7u² more and ε
# in full: < 1.5ε + 25u² < 2^-87.3). The radius is 2^-87·|q_h|·(1 + 2^-50) plus the
# balls' absolute TINY (2^-1060) for results whose low words are subnormal.


def _vector_ball(ops: ModuleType, a: object) -> object:
    """SiLU(a); `ops` is the ball arithmetic (`symbolic.arith.vball`, or `vball_dw` for
    double-words)."""
    x = a.mid
    if (
        not (hasattr(a, "lo") and not a.rad.any() and not a.lo.any())
        or np.abs(x).max(initial=0.0) > 670
    ):
        return ops.mul(a, sigmoid.vector_ball(ops, a))
    eh, el = dwk.exp(-np.abs(x), np.zeros_like(x))
    dh, dl = dwk.add_double(eh, el, 1.0)
    nh, nl = dw.mul(eh, el, x, 0.0)
    positive = x >= 0
    qh, ql = dw.div(np.where(positive, x, nh), np.where(positive, 0.0, nl), dh, dl)
    return ops.Ball(qh, ql, np.abs(qh) * (2.0**-87 * (1 + 2.0**-50)) + 2.0**-1060)


silu.vector_ball = _vector_ball

# Sides beside a power of two h (`sides`), for ULP errors where a true value lost its
# distance to h (SiLU(1024) = 1024 − 1024e^-1024; SiLU(2^-600) = 2^-601 + 2^-1202):
# - x/2 < SiLU(x) < max(x, 0) for x ≠ 0, SiLU(0) = 0 (half_le_silu, silu_lt_self; SiLU(x) =
#   x·σ(x) < 0 for x < 0 by silu_eq_mul_sigmoid and sigmoid_range);
# - SiLU′ = σ(x) + x·σ(x)σ(−x) (deriv_silu) > 1/2 for x > 0, and SiLU′(x) + SiLU′(−x) = 1
#   (silu_sub_silu_neg differentiated): SiLU′ − 1/2 has the sign of x, SiLU′(0) = 1/2
#   (deriv_silu_zero); SiLU′ − 1 = σ(−x)(x·σ(x) − 1) > 0 for x ≥ 2, as x·σ(x) ≥ 2σ(2) > 1.76
#   there (strictMonoOn_silu_Ici).
silu.sides = {
    0: lambda x, h: between_side(h, x / 2, np.maximum(x, 0.0)),
    1: lambda x, h: side_of(h, ((x >= 2) & (h <= 1), 1.0), (True, half_side(x, h))),
}
