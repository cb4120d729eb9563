"""Mish(u) = u·tanh(softplus(u)).

With w = e^u and D = w² + 2w + 2, T = tanh(softplus(u)) = tanh(log(1 + w)) =
((1 + w)² − 1)/((1 + w)² + 1) = w(w + 2)/D; differentiating in w (dw/du = w):
T′ = 4w(w + 1)/D², T″ = 4w(−2w³ − 3w² + 2w + 2)/D³. For u > 0 the same forms in
t = e^(−u) = 1/w: T = (1 + 2t)/Dₜ, T′ = 4t²(1 + t)/Dₜ², T″ = 4t²(−2 − 3t + 2t² + 2t³)/Dₜ³
with Dₜ = 1 + 2t + 2t². No exponential overflows and no difference cancels except at the
real zeros of T″.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import flint
import numpy as np
import sympy
from sympy import Expr, S

from symbolic.functions.base import (
    DefinedFunction,
    FloatFormula,
    Plot,
    ReportText,
    between_side,
    side_of,
)
from symbolic.functions.libraries import (
    in_work_dtype,
    jax_function,
    native,
    torch_function,
    unavailable,
)
from symbolic.functions.sigmoid import sigmoid
from symbolic.functions.softplus import softplus


def _tanh_softplus(n: int, u: flint.arb) -> flint.arb:
    """T^(n)(u) for n ≤ 2, T = tanh(softplus(u))."""
    if u > 0:
        t = (-u).exp()
        d = 1 + 2 * t + 2 * t * t
        if n == 0:
            return (1 + 2 * t) / d
        if n == 1:
            return 4 * t * t * (1 + t) / (d * d)
        return 4 * t * t * (-2 - 3 * t + 2 * t * t + 2 * t * t * t) / (d * d * d)
    w = u.exp()
    d = w * w + 2 * w + 2
    if n == 0:
        return w * (w + 2) / d
    if n == 1:
        return 4 * w * (w + 1) / (d * d)
    return 4 * w * (-2 * w * w * w - 3 * w * w + 2 * w + 2) / (d * d * d)


class mish(DefinedFunction):  # noqa: N801
    """Mish(u) = u·tanh(softplus(u))."""

    latex_name = r"\operatorname{Mish}"
    text_name = "Mish"
    derivative_ball_orders = 2

    @classmethod
    def definition(cls, u: Expr) -> Expr:
        return u * sympy.tanh(softplus(u))

    @classmethod
    def ball(cls, u: flint.arb) -> flint.arb:
        return u * _tanh_softplus(0, u)

    @classmethod
    def derivative_ball(cls, n: int, u: flint.arb) -> flint.arb | None:
        """Mish′ = T + u·T′, Mish″ = 2T′ + u·T″."""
        if n == 0:
            return cls.ball(u)
        if n == 1:
            return _tanh_softplus(0, u) + u * _tanh_softplus(1, u)
        if n == 2:
            return 2 * _tanh_softplus(1, u) + u * _tanh_softplus(2, u)
        return None


mish.limits = {
    0: (S.Zero, S.Infinity),
    1: (S.Zero, S.One),
    2: (S.Zero, S.Zero),
}  # at −∞ and +∞, per order


# ---------------------------------------------------------------- the report


def _naive(w: np.ndarray) -> np.ndarray:
    return w * np.tanh(np.log(1 + np.exp(w)))


def _log1p(w: np.ndarray) -> np.ndarray:
    return w * np.tanh(np.log1p(np.exp(w)))


mish.catalogue = Path(__file__).with_name("mish.claims.toml")


def _numpy_mish(w: np.ndarray) -> np.ndarray:
    return w * np.tanh(np.log1p(np.exp(w)))


def _numpy_derivative(w: np.ndarray) -> np.ndarray:
    """t + x·(1 − t²)·σ(x), t = tanh(softplus(x)): softplus′ = σ."""
    one = w.dtype.type(1)
    t = np.tanh(np.log1p(np.exp(w)))
    return t + w * (one - t * t) * (one / (one + np.exp(-w)))


def _jax_fallback(jax: object) -> object:
    """x·tanh(softplus(x)), for a JAX without jax.nn.mish (added in JAX 0.4.x)."""
    return lambda x: x * jax.numpy.tanh(jax.nn.softplus(x))


_NO_SCIPY = unavailable("scipy", "Mish", "grade numpy, torch or jax")
mish.implementations = {
    **mish.implementations,
    ("naive", 0): FloatFormula(0, "Mish as x·tanh(log(1 + exp(x)))", lambda: in_work_dtype(_naive)),
    ("log1p", 0): FloatFormula(0, "Mish as x·tanh(log1p(exp(x)))", lambda: in_work_dtype(_log1p)),
    ("numpy", 0): FloatFormula(0, "x*np.tanh(np.log1p(np.exp(x)))", lambda: native(_numpy_mish)),
    ("numpy", 1): FloatFormula(
        1,
        "t + x*(1 - t*t)/(1 + np.exp(-x)), t = np.tanh(np.log1p(np.exp(x)))",
        lambda: native(_numpy_derivative),
    ),
    ("scipy", 0): FloatFormula(0, "(none)", _NO_SCIPY),
    ("scipy", 1): FloatFormula(1, "(none)", _NO_SCIPY),
    ("torch", 0): FloatFormula(
        0, "torch.nn.functional.mish", lambda: torch_function("nn.functional.mish", 0)
    ),
    ("torch", 1): FloatFormula(
        1, "torch.nn.functional.mish, autograd", lambda: torch_function("nn.functional.mish", 1)
    ),
    ("jax", 0): FloatFormula(
        0, "jax.nn.mish", lambda: jax_function("nn.mish", 0, fallback=_jax_fallback)
    ),
    ("jax", 1): FloatFormula(
        1, "jax.nn.mish, jax.grad", lambda: jax_function("nn.mish", 1, fallback=_jax_fallback)
    ),
}
mish.report = ReportText(
    template="function",
    title="Mish and its derivative, machine-checked",
    corrections={},
    plots=(
        Plot(
            "mish",
            "Mish(x) and Mish′(x)",
            "Mish(x) = x·tanh(softplus(x)) and its derivative, values from the certified oracle.",
            (("Mish(x)", 0), ("Mish′(x)", 1)),
        ),
    ),
    loss_plot=None,
    float_formulas=(("naive", 0), ("log1p", 0)),
    higher_orders=(),
    saturation=None,
    about="Mish(x) = x·tanh(softplus(x)): like SiLU, the input times a smooth step from 0 "
    "to 1, here tanh(log(1 + e^x)).",
    float_note="x·tanh(log(1 + exp(x))) is 0 once 1 + e^x rounds to 1 (from x ≈ −16.6 in float32, "
    "−36.7 in float64) although Mish(x) ≈ x·e^x is not; with log1p it keeps the tail until "
    "e^x underflows, before x·e^x does, in the subnormal range of each format. In bfloat16 "
    "both run in float32: log(1 + exp(x)) gives 0 from −16.75, and log1p never fails, "
    "since Mish(x) underflows in bfloat16 before e^x does in float32.",
)


# ---------------------------------------------------------------- stable forms (vectorized references)
#
# f^(n)(u) without cancellation, for the ball arithmetic of `symbolic.numbers.vectorized`.


def _stable_form(n: int, u: Expr) -> Expr:
    """T = tanh(softplus u), T′ = sech²(softplus u)·σ(u), sech² w = 4σ(2w)σ(−2w)."""
    w = softplus(u)
    t0 = sympy.tanh(w)
    t1 = 4 * sigmoid(u) * sigmoid(2 * w) * sigmoid(-2 * w)
    if n == 0:
        return u * t0
    if n == 1:
        return t0 + u * t1
    t2 = t1 * (sigmoid(-u) - 2 * t0 * sigmoid(u))
    return 2 * t1 + u * t2


mish.stable_forms = {n: (lambda u, n=n: _stable_form(n, u)) for n in range(3)}


def _vector_ball(ops: ModuleType, a: object) -> object:
    """Mish(a) = a·T with T = tanh(softplus(a)) by the forms of the module's docstring,
    from one exponential: t = e^(−a) where the midpoint m ≥ 0, T = (1 + 2t)/(1 + 2t + 2t²);
    w = e^a where m < 0, T = (w² + 2w)/(w² + 2w + 2). Both are identities for every value
    of the ball, so choosing by m is safe, and every term is positive (no cancellation).
    `ops` is the ball arithmetic (`symbolic.arith.vball`, or `vball_dw` for double-words)."""
    positive = a.mid >= 0
    e = ops.exp(ops.select(positive, ops.neg(a), a))
    one = ops.exact(np.ones_like(a.mid))
    square = ops.mul(e, e)
    numerator = ops.add(ops.select(positive, one, square), ops.scale(e, 2.0))
    rest = ops.scale(ops.select(positive, square, one), 2.0)
    return ops.mul(a, ops.div(numerator, ops.add(numerator, rest)))


mish.vector_ball = _vector_ball

# Sides beside a power of two h (`sides`), for ULP errors where a true value lost its
# distance to h (Mish(1024) = 1024·tanh(softplus(1024)): hi = 1024, lo = 0):
# - 3x/5 < Mish(x) < x for x > 0 (three_fifths_le_mish, mish_lt_self), so above h ≤ x/2;
#   x < Mish(x) < 0 for x < 0 (self_lt_mish; Mish = x·tanh(softplus(x)) and softplus > 0 by
#   mish_eq_mul_tanh_softplus, softplus_pos); Mish(0) = 0;
# - Mish′ = t + x·σ(x)(1 − t²), t = tanh(softplus(x)) ∈ (0, 1) (deriv_mish), so Mish′ − 1 =
#   (1 − t)(x·(1 + t)·σ(x) − 1) > 0 for x ≥ 1: x, t, σ grow, and (1 + t(1))·σ(1) > 1.86·0.73 > 1.
mish.sides = {
    0: lambda x, h: between_side(h, np.where(x > 0, x / 2, x), np.maximum(x, 0.0)),
    1: lambda x, h: side_of(h, ((x >= 1) & (h <= 1), 1.0)),
}
