"""GELU_tanh(u) = (u/2)·(1 + tanh(√(2/π)·(u + 0.044715·u³))), the tanh approximation of
GELU, with 0.044715 exactly 44715/10^6.

Since (1 + tanh(w))/2 = σ(2w), GELU_tanh(u) = u·σ(v) with v = 2√(2/π)·(u + c·u³):
the enclosures use σ's stable closed forms, so the tails keep their digits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType

import flint
import numpy as np
import sympy
from sympy import Expr, Rational, S

from symbolic.arith import doubleword as dw
from symbolic.arith import dwkernels as dwk
from symbolic.arith.arb import double_word_ball, precision
from symbolic.functions.base import (
    TAIL_SCALE,
    DefinedFunction,
    FloatFormula,
    Plot,
    ReportText,
    VectorTail,
    between_side,
    half_side,
    identity_tail,
    one_tail,
    side_of,
    vanishing_tail,
)
from symbolic.functions.libraries import (
    in_work_dtype,
    jax_function,
    native,
    torch_function,
    unavailable,
)
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


# ---------------------------------------------------------------- the report


def _naive(w: np.ndarray) -> np.ndarray:
    c = np.sqrt(w.dtype.type(2) / w.dtype.type(np.pi))
    return w / 2 * (1 + np.tanh(c * (w + w.dtype.type(0.044715) * w * w * w)))


def _stable(w: np.ndarray) -> np.ndarray:
    """x·σ(2v), v = √(2/π)·(x + 0.044715·x³), with σ from exp(−|2v|)."""
    c = np.sqrt(w.dtype.type(2) / w.dtype.type(np.pi))
    v = 2 * c * (w + w.dtype.type(0.044715) * w * w * w)
    e = np.exp(-np.abs(v))
    return np.where(v >= 0, w / (1 + e), w * e / (1 + e))


gelu_tanh.catalogue = Path(__file__).with_name("gelu_tanh.claims.toml")


def _numpy_parts(w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """k = √(2/π), c = 0.044715 and t = tanh(k·(x + c·x³)), in the graded dtype."""
    k = np.sqrt(w.dtype.type(2) / w.dtype.type(np.pi))
    c = w.dtype.type(0.044715)
    return k, c, np.tanh(k * (w + c * w * w * w))


def _numpy_gelu_tanh(w: np.ndarray) -> np.ndarray:
    half = w.dtype.type(0.5)
    return half * w * (1 + _numpy_parts(w)[2])


def _numpy_derivative(w: np.ndarray) -> np.ndarray:
    """(1 + t)/2 + (x/2)·(1 − t²)·k·(1 + 3c·x²)."""
    k, c, t = _numpy_parts(w)
    half, one = w.dtype.type(0.5), w.dtype.type(1)
    return half * (one + t) + half * w * (one - t * t) * k * (one + 3 * c * w * w)


_NO_SCIPY = unavailable(
    "scipy", "tanh-approximated GELU", "grade numpy, torch or jax, or scipy --of gelu(x)"
)
gelu_tanh.implementations = {
    **gelu_tanh.implementations,
    ("tanh_form", 0): FloatFormula(
        0,
        "GELU_tanh as (x/2)·(1 + tanh(√(2/π)·(x + 0.044715·x³)))",
        lambda: in_work_dtype(_naive),
    ),
    ("stable", 0): FloatFormula(
        0, "GELU_tanh as x·σ(2v), σ from exp(−|2v|)", lambda: in_work_dtype(_stable)
    ),
    ("numpy", 0): FloatFormula(
        0, "0.5*x*(1 + np.tanh(sqrt(2/pi)*(x + 0.044715*x**3)))", lambda: native(_numpy_gelu_tanh)
    ),
    ("numpy", 1): FloatFormula(
        1,
        "(1 + t)/2 + x/2*(1 - t*t)*sqrt(2/pi)*(1 + 3*0.044715*x*x)",
        lambda: native(_numpy_derivative),
    ),
    ("scipy", 0): FloatFormula(0, "(none)", _NO_SCIPY),
    ("scipy", 1): FloatFormula(1, "(none)", _NO_SCIPY),
    ("torch", 0): FloatFormula(
        0,
        'torch.nn.functional.gelu(approximate="tanh")',
        lambda: torch_function("nn.functional.gelu", 0, approximate="tanh"),
    ),
    ("torch", 1): FloatFormula(
        1,
        'torch.nn.functional.gelu(approximate="tanh"), autograd',
        lambda: torch_function("nn.functional.gelu", 1, approximate="tanh"),
    ),
    ("jax", 0): FloatFormula(
        0, "jax.nn.gelu(approximate=True)", lambda: jax_function("nn.gelu", 0, approximate=True)
    ),
    ("jax", 1): FloatFormula(
        1,
        "jax.nn.gelu(approximate=True), jax.grad",
        lambda: jax_function("nn.gelu", 1, approximate=True),
    ),
}
gelu_tanh.report = ReportText(
    template="function",
    title="GELU_tanh and its derivative, machine-checked",
    corrections={},
    plots=(
        Plot(
            "gelu_tanh",
            "GELU_tanh(x) and GELU_tanh′(x)",
            "The tanh approximation of GELU and its derivative, values from the certified oracle.",
            (("GELU_tanh(x)", 0), ("GELU_tanh′(x)", 1)),
        ),
    ),
    loss_plot=None,
    float_formulas=(("tanh_form", 0), ("stable", 0)),
    higher_orders=(),
    saturation=None,
    about="GELU_tanh(x) = (x/2)·(1 + tanh(v)), v = √(2/π)·(x + 0.044715·x³), the tanh "
    "approximation of GELU, with 0.044715 taken exactly. Since (1 + tanh v)/2 = σ(2v), it "
    "is x·σ(2v).",
    float_note="(x/2)·(1 + tanh(…)) is 0 once tanh rounds to −1: from x ≈ −5.42 in float32 and "
    "−7.19 in float64, where GELU_tanh(x) ≈ −1.1e−8 and −2.3e−16. x·σ(2v) keeps its digits "
    "until e^(2v) underflows, in the subnormal range of each format. In bfloat16 both run "
    "in float32: 1 + tanh is 0 from −5.4375, the bfloat16 after float32's −5.42, and "
    "x·σ(2v) never fails, since GELU_tanh(x) underflows in bfloat16 first.",
)


# ---------------------------------------------------------------- stable forms (vectorized references)
#
# f^(n)(u) without cancellation, for the ball arithmetic of `symbolic.numbers.vectorized`.

_SCALE = 2 * sympy.sqrt(2 / sympy.pi)  # v = 2·√(2/π)·(u + c·u³), GELU_tanh = u·σ(v)


def _stable_form(n: int, u: Expr) -> Expr:
    v = _SCALE * (u + C * u**3)
    v1, v2 = _SCALE * (1 + 3 * C * u**2), _SCALE * 6 * C * u
    s, t = sigmoid(v), sigmoid(-v)
    if n == 0:
        return u * s
    if n == 1:
        return s * (1 + u * t * v1)
    # σ(−v) − σ(v) = −tanh(v/2)
    return s * t * (2 * v1 - u * v1**2 * sympy.tanh(v / 2) + u * v2)


gelu_tanh.stable_forms = {n: (lambda u, n=n: _stable_form(n, u)) for n in range(3)}


# ---------------------------------------------------------------- the far tails (float64)
#
# Where the balls of GELU_tanh and GELU_tanh′ do not decide in float64 (values below 2^-960
# or subnormal, where the balls' absolute TINY is above float64's subnormal spacing, and
# |x| ≳ 5.6e102, where x³ leaves float64), `vector_tails` gives proved bounds. Notation:
# S = 2√(2/π) ∈ (1.5957, 1.5958), c = 0.044715, v(x) = S·(x + c·x³), odd and increasing,
# v′(x) = S·(1 + 3c·x²) ≥ S > 1, even; f = GELU_tanh = x·σ(v), f′ = σ(v)·(1 + x·σ(−v)·v′);
# σ(v) = e^v·σ(−v), σ(−v) = 1/(1 + e^v) < 1. Tests check every constant at 250 bits.
#
# One lemma bounds every far value: h(y) = ln y + ln v′(y) − v(y) decreases for y ≥ 1, as
# h′(y) = 1/y + 6c·y/(1 + 3c·y²) − S·(1 + 3c·y²) ≤ 1 + √(3c) − S < 1 + 0.3663 − 1.5957 < 0
# (1 + 3c·y² ≥ 2√(3c)·y, AM-GM). So for y ≥ Y = 21.75 (TAIL_ONE = −TAIL_ZERO):
# e^h(y) ≤ e^h(Y) < 2^-1098 (h(Y) = −1098.14·ln 2), and y·e^(−v(y)) < e^h(y) (v′ > 1).
#
# - f, x ≤ TAIL_ZERO (y = −x ≥ Y): f(x) = −y·σ(−v(y)) ∈ (−y·e^(−v(y)), 0) ⊂ (−2^-1098, 0):
#   a −0 (`vanishing_tail`).
# - f, TAIL_ZERO < x ≤ TAIL_START = −20.5: v ∈ [−768.9, −647.4], so e^v < 2^-933 and
#   x·σ(v)·2^K = x·e^(v + K·ln2)·σ(−v) with σ(−v) ∈ [1 − 2^-933, 1]: the ball of
#   x·e^(v + K ln2) times the ball 1 ± 2^-900. With K = TAIL_SCALE = 400, v + K·ln2 ∈
#   [−491.7, −370.1]: the scaled values lie in [2^-705, 2^-529], their low words stay
#   normal and every bound of the double-word kernels holds (no TINY at work).
# - f, x ≥ TAIL_ONE: 0 < x − f(x) = x·σ(−v) < x·e^(−v) < 2^-1098: f(x) ∈ (x − 2^-1098, x)
#   (`identity_tail`).
# - f′, x ≤ TAIL_ZERO (y = −x): f′(x) = σ(−v(y))·(1 − y·σ(v(y))·v′(y)), and
#   y·σ(v(y))·v′(y) > Y·(1/2)·S > 1 (σ(v(y)) > 1/2 as v(y) > 0): the bracket lies in
#   (−y·v′(y), 0), so f′(x) ∈ (−e^(−v(y))·y·v′(y), 0) = (−e^h(y), 0) ⊂ (−2^-1098, 0): a −0.
# - f′, TAIL_ZERO < x ≤ TAIL_START: f′ = e^v·Q·(1 + x·Q·v′), Q = σ(−v) ∈ [1 − 2^-933, 1]:
#   times 2^K, the ball of e^(v + K ln2) (as for f) times Q = 1 ± 2^-900 times
#   1 + x·Q·v′ ∈ [−2237, −1875] (x·v′ is −1876.9 at −20.5 and −2237.2 at −21.75, and
#   increases in |x|): the scaled values lie in [2^-699, 2^-522], normal, low words normal.
# - f′, x ≥ TAIL_ONE: f′ − 1 = σ(−v)·(x·σ(v)·v′ − 1) (as σ(v) − 1 = −σ(−v)), with
#   x·σ(v)·v′ > Y·(1/2)·S > 1: so 0 < f′ − 1 < σ(−v)·x·v′ < e^h(x) < 2^-1098 (`one_tail`).
# Other points get an infinite radius (left to the caller's other paths).

TAIL_START = -20.5
TAIL_ZERO = -21.75
TAIL_ONE = 21.75


@cache
def _tail_constants() -> tuple[tuple[float, float, float], ...]:
    """S = 2√(2/π), c and K·ln2 as double-word balls (from Arb at 256 bits)."""
    with precision(256):
        return (
            double_word_ball(_scale()),
            double_word_ball(_c()),
            double_word_ball(flint.arb(2).log() * TAIL_SCALE),
        )


def _band(ops: ModuleType, x: np.ndarray, order: int) -> object:
    """The ball of f^(order)(x)·2^TAIL_SCALE for TAIL_ZERO < x ≤ TAIL_START (see above)."""
    shape = x.shape
    scale, c, shift = (ops.constant(shape, *value) for value in _tail_constants())
    ones = ops.exact(np.ones(shape))
    u = ops.exact(x)
    square = ops.mul(u, u)
    v = ops.mul(scale, ops.add(u, ops.mul(c, ops.mul(u, square))))
    q = ops.constant(shape, 1.0, 0.0, 2.0**-900)
    if order == 0:
        return ops.mul(ops.mul(u, ops.exp(ops.add(v, shift))), q)
    slope = ops.mul(
        scale, ops.add(ones, ops.mul(c, ops.mul(ops.exact(np.full(shape, 3.0)), square)))
    )
    inner = ops.add(ones, ops.mul(ops.mul(u, q), slope))
    return ops.mul(ops.mul(ops.exp(ops.add(v, shift)), q), inner)


def _vector_tails(order: int) -> Callable[[ModuleType, np.ndarray], tuple[VectorTail, ...]]:
    """The pieces of GELU_tanh^(order) far out (see above), at float64 points x."""

    def tails(ops: ModuleType, x: np.ndarray) -> tuple[VectorTail, ...]:
        finite = np.isfinite(x)
        band = finite & (x > TAIL_ZERO) & (x <= TAIL_START)
        unknown = ops.constant(x.shape, 0.0, 0.0, math.inf)
        scaled = ops.select(band, _band(ops, np.where(band, x, TAIL_START), order), unknown)
        far = finite & (x >= TAIL_ONE)
        return (
            VectorTail(scaled, TAIL_SCALE, np.full(x.shape, np.nan)),
            vanishing_tail(ops, finite & (x <= TAIL_ZERO), -1.0),
            identity_tail(ops, x, far) if order == 0 else one_tail(ops, far),
        )

    return tails


gelu_tanh.vector_tails = {n: _vector_tails(n) for n in (0, 1)}


# ---------------------------------------------------------------- the vector ball
#
# GELU_tanh(a) = a·σ(v), v = S·a·(1 + c·a²), σ by its vector ball. Where every argument
# is an exact float64 with 2^-500 ≤ |a| ≤ 2^300 or a = 0 (double-word balls of the
# oracle's points), v comes as a double-word from fewer operations than the balls'
# chain: a² by two_prod (exact), c·a² (c as a double-word within u², `mul` 7u²),
# 1 + c·a² (`add_double`, 2u², positive terms), times a (7u²) and S (within u², 7u²):
# relative error < 25u² + 5u² margin < 2^-101, the radius 2^-101·|v_h|·(1 + 2^-50) plus
# the balls' absolute TINY (2^-1060) for results whose low words are subnormal.


def _v_exact(ops: ModuleType, x: np.ndarray) -> object:
    (sh, sl, _), (ch, cl, _), _ = _tail_constants()
    qh, ql = dw.two_prod(x, x)
    qh, ql = dwk.add_double(*dw.mul(qh, ql, ch, cl), 1.0)
    vh, vl = dw.mul(*dw.mul(qh, ql, x, 0.0), sh, sl)
    return ops.Ball(vh, vl, np.abs(vh) * (2.0**-101 * (1 + 2.0**-50)) + 2.0**-1060)


def _vector_ball(ops: ModuleType, a: object) -> object:
    """GELU_tanh(a) = a·σ(v); `ops` is the ball arithmetic (`symbolic.arith.vball`, or
    `vball_dw` for double-words)."""
    size = np.abs(a.mid)
    fast = (
        hasattr(a, "lo")
        and not a.rad.any()
        and not a.lo.any()
        and bool(np.all(((size >= 2.0**-500) & (size <= 2.0**300)) | (size == 0)))
    )
    if fast:
        v = _v_exact(ops, a.mid)
    else:
        shape = a.mid.shape
        scale, c, _ = (ops.constant(shape, *value) for value in _tail_constants())
        v = ops.mul(
            scale, ops.mul(a, ops.add(ops.exact(np.ones_like(a.mid)), ops.mul(c, ops.mul(a, a))))
        )
    return ops.mul(a, sigmoid.vector_ball(ops, v))


gelu_tanh.vector_ball = _vector_ball

# Sides beside a power of two h (`sides`), for ULP errors where a true value lost its
# distance to h (GELU_tanh(1024) = 1024·(1 − σ(−g)), g = 2√(2/π)(x + 0.044715x³)):
# - x/2 < GELU_tanh(x) < max(x, 0) for x ≠ 0, 0 at 0 (half_le_gelu_tanh, gelu_tanh_lt_self;
#   x·σ(g) < 0 for x < 0 by gelu_tanh_eq_mul_sigmoid, sigmoid_range);
# - GELU_tanh′ = σ(g) + x·σ(g)σ(−g)·g′ (deriv_gelu_tanh, g′ = 2√(2/π)(1 + 0.134145x²) > 0)
#   > 1/2 for x > 0, and GELU_tanh′(x) + GELU_tanh′(−x) = 1 (gelu_tanh_sub_gelu_tanh_neg
#   differentiated): GELU_tanh′ − 1/2 has the sign of x; GELU_tanh′ − 1 =
#   σ(−g)(x·σ(g)·g′ − 1) > 0 for x ≥ 1, where x, σ(g) and g′ all grow and
#   σ(g(1))·g′(1) > 0.84·1.80 > 1.
gelu_tanh.sides = {
    0: lambda x, h: between_side(h, x / 2, np.maximum(x, 0.0)),
    1: lambda x, h: side_of(h, ((x >= 1) & (h <= 1), 1.0), (True, half_side(x, h))),
}
