"""GELU(u) = u·Φ(u) = (u/2)·erfc(−u/√2), the Gaussian error linear unit (Φ: the
standard normal distribution function, φ its density).

Enclosures keep their relative accuracy in both tails: Φ(−a) for a > 3 is φ(a)·R(a),
with the Mills ratio R(a) = U(1/2, 1/2, a²/2)/√2 (U: the confluent hypergeometric
function; erfc(z) = e^(−z²)·U(1/2, 1/2, z²)/√π, DLMF 13.6.7 and 7.2.2), so that
GELU(−10) ≈ −7.6e−23 and GELU(−10^308) come out with all their digits, and the
argument a²/2 of e^(−a²/2) is computed from u alone, not from an irrational u/√2.
"""

from __future__ import annotations

from collections.abc import Callable
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
    optional,
    scipy_formula,
    torch_function,
    unavailable,
)
from symbolic.functions.normal import normal_cdf, normal_pdf


class gelu(DefinedFunction):  # noqa: N801
    """GELU(u) = u·Φ(u) = (u/2)·erfc(−u/√2)."""

    latex_name = r"\operatorname{GELU}"
    text_name = "GELU"
    written_in = normal_cdf  # GELU′ = Φ + u·φ
    derivative_ball_orders = 2

    @classmethod
    def definition(cls, u: Expr) -> Expr:
        return u / 2 * sympy.erfc(-u / sympy.sqrt(2))

    @classmethod
    def ball(cls, u: flint.arb) -> flint.arb:
        return u * normal_cdf.ball(u)

    @classmethod
    def derivative_ball(cls, n: int, u: flint.arb) -> flint.arb | None:
        """GELU′ = Φ(u) + u·φ(u), GELU″ = φ(u)·(2 − u²)."""
        if n == 0:
            return cls.ball(u)
        if n == 1:
            return normal_cdf.ball(u) + u * normal_pdf.ball(u)
        if n == 2:
            return normal_pdf.ball(u) * (2 - u * u)
        return None


gelu.limits = {
    0: (S.Zero, S.Infinity),
    1: (S.Zero, S.One),
    2: (S.Zero, S.Zero),
}  # at −∞ and +∞, per order


# ---------------------------------------------------------------- the report


def _naive(w: np.ndarray) -> np.ndarray:
    erf = optional("scipy.special", "scipy").erf
    return w / 2 * (1 + erf(w / np.sqrt(w.dtype.type(2))))


def _stable(w: np.ndarray) -> np.ndarray:
    erfc = optional("scipy.special", "scipy").erfc
    return w / 2 * erfc(-w / np.sqrt(w.dtype.type(2)))


gelu.catalogue = Path(__file__).with_name("gelu.claims.toml")


def _scipy_derivative(special: object, w: np.ndarray) -> np.ndarray:
    """Φ(x) + x·φ(x) = (1 + erf(x/√2))/2 + x·exp(−x²/2)/√(2π)."""
    two = w.dtype.type(2)
    root_two_pi = np.sqrt(two * w.dtype.type(np.pi))
    return (1 + special.erf(w / np.sqrt(two))) / two + w * np.exp(-w * w / two) / root_two_pi


_NO_NUMPY = unavailable("numpy", "erf", "grade scipy (x/2·(1 + scipy.special.erf(x/√2)))")
gelu.implementations = {
    **gelu.implementations,
    ("erf", 0): FloatFormula(
        0, "GELU as (x/2)·(1 + erf(x/√2)), scipy.special.erf", lambda: in_work_dtype(_naive)
    ),
    ("stable", 0): FloatFormula(
        0, "GELU as (x/2)·erfc(−x/√2), scipy.special.erfc", lambda: in_work_dtype(_stable)
    ),
    ("numpy", 0): FloatFormula(0, "(none)", _NO_NUMPY),
    ("numpy", 1): FloatFormula(1, "(none)", _NO_NUMPY),
    ("scipy", 0): FloatFormula(
        0, "x/2*(1 + scipy.special.erf(x/sqrt(2)))", lambda: in_work_dtype(_naive)
    ),
    ("scipy", 1): FloatFormula(
        1,
        "(1 + erf(x/sqrt(2)))/2 + x*exp(-x*x/2)/sqrt(2*pi), scipy.special.erf",
        lambda: scipy_formula(_scipy_derivative),
    ),
    ("torch", 0): FloatFormula(
        0,
        'torch.nn.functional.gelu(approximate="none")',
        lambda: torch_function("nn.functional.gelu", 0, approximate="none"),
    ),
    ("torch", 1): FloatFormula(
        1,
        'torch.nn.functional.gelu(approximate="none"), autograd',
        lambda: torch_function("nn.functional.gelu", 1, approximate="none"),
    ),
    ("jax", 0): FloatFormula(
        0,
        "jax.nn.gelu(approximate=False)",
        lambda: jax_function("nn.gelu", 0, approximate=False),
    ),
    ("jax", 1): FloatFormula(
        1,
        "jax.nn.gelu(approximate=False), jax.grad",
        lambda: jax_function("nn.gelu", 1, approximate=False),
    ),
}
gelu.report = ReportText(
    template="function",
    title="GELU and its derivative, machine-checked",
    corrections={},
    plots=(
        Plot(
            "gelu",
            "GELU(x) and GELU′(x)",
            "GELU(x) = x times the normal distribution function at x, and its derivative, "
            "values from the certified oracle.",
            (("GELU(x)", 0), ("GELU′(x)", 1)),
        ),
    ),
    loss_plot=None,
    float_formulas=(("erf", 0), ("stable", 0)),
    higher_orders=(),
    saturation=None,
    about="GELU(x) = x·P(X ≤ x) for a standard normal X, that is (x/2)·(1 + erf(x/√2)) = "
    "(x/2)·erfc(−x/√2). Its derivative is the distribution function plus x times the "
    "density.",
    float_note="(x/2)·(1 + erf(x/√2)) is 0 once erf(x/√2) rounds to −1: from x ≈ −5.54 in float32 "
    "and −8.37 in float64, where GELU(x) ≈ −8.3e−8 and −2.3e−16. (x/2)·erfc(−x/√2) keeps "
    "its digits until erfc underflows, in the subnormal range of each format. In bfloat16 "
    "both run in float32: 1 + erf is 0 from −5.5625, the bfloat16 after float32's −5.54, "
    "and erfc never fails, since GELU(x) underflows in bfloat16 before erfc does in float32.",
)


# ---------------------------------------------------------------- stable forms (vectorized references)
#
# f^(n)(u) without cancellation, for the ball arithmetic of `symbolic.numbers.vectorized`.


def _pdf(u: Expr) -> Expr:
    return sympy.exp(-(u**2) / 2) / sympy.sqrt(2 * sympy.pi)


gelu.stable_forms = {
    0: lambda u: u / 2 * sympy.erfc(-u / sympy.sqrt(2)),
    1: lambda u: sympy.erfc(-u / sympy.sqrt(2)) / 2 + u * _pdf(u),
    2: lambda u: _pdf(u) * (2 - u**2),
}


# ---------------------------------------------------------------- the far tails (float64)
#
# Where the balls do not decide in float64 (x ≳ 1.3e154, where x² leaves float64, and the
# far negative side, whose values are below 2^-960, each settled otherwise by one Arb ball),
# `vector_tails` gives proved bounds. With Q(y) = 1 − Φ(y) = Φ(−y) and φ(y) = e^(−y²/2)/√(2π), Mills'
# inequality Q(y) < φ(y)/y for y > 0 (Q(y) = ∫_y^∞ φ(t) dt < ∫_y^∞ (t/y)·φ(t) dt = φ(y)/y)
# gives, for y ≥ TAIL = 40, where y·φ(y) ≤ 40·φ(40) < 2^-1150 (y·φ(y) decreases for y ≥ 1;
# tests check the constant at 250 bits):
#
# - GELU(−y) = −y·Q(y) ∈ (−φ(y), 0) ⊂ (−2^-1150, 0): a −0 (`vanishing_tail`);
# - GELU(y) = y − y·Q(y) ∈ (y − φ(y), y) ⊂ (y − 2^-1150, y) (`identity_tail`);
# - GELU′(−y) = Q(y) − y·φ(y) ∈ (−y·φ(y), 0), as 0 < Q(y) < φ(y)/y < y·φ(y): a −0;
# - GELU′(y) = 1 − Q(y) + y·φ(y) ∈ (1, 1 + y·φ(y)) ⊂ (1, 1 + 2^-1150) (`one_tail`).

TAIL = 40.0


def _vector_tails(order: int) -> Callable[[ModuleType, np.ndarray], tuple[VectorTail, ...]]:
    """The pieces of GELU^(order) far out (see above), at float64 points x."""

    def tails(ops: ModuleType, x: np.ndarray) -> tuple[VectorTail, ...]:
        finite = np.isfinite(x)
        far = finite & (x >= TAIL)
        return (
            vanishing_tail(ops, finite & (x <= -TAIL), -1.0),
            identity_tail(ops, x, far) if order == 0 else one_tail(ops, far),
        )

    return tails


gelu.vector_tails = {n: _vector_tails(n) for n in (0, 1)}

# Sides beside a power of two h (`sides`), for ULP errors where a true value lost its
# distance to h (GELU(2^-600) = 2^-601 + 2^-1200/√(2π): hi = 2^-601, lo = 0):
# - x/2 < GELU(x) < max(x, 0) for x ≠ 0, GELU(0) = 0 (half_le_gelu, gelu_lt_self; GELU(x) =
#   x·Φ(x) < 0 for x < 0 by gelu_eq_mul_erf, |erf| < 1);
# - GELU′ = Φ(x) + x·φ(x) (deriv_gelu) > 1/2 for x > 0, and GELU′(x) + GELU′(−x) = 1
#   (gelu_sub_gelu_neg differentiated): GELU′ − 1/2 has the sign of x; GELU′ − 1 =
#   x·φ(x) − Q(x) > φ(x)·(x − 1/x) ≥ 0 for x ≥ 1, by Mills' Q(x) < φ(x)/x (x > 0).
gelu.sides = {
    0: lambda x, h: between_side(h, x / 2, np.maximum(x, 0.0)),
    1: lambda x, h: side_of(h, ((x >= 1) & (h <= 1), 1.0), (True, half_side(x, h))),
}
