"""tanh in the family: SymPy's own `tanh` (the language's), with everything the family's
catalogue and report need about it.

tanh stays SymPy's function in the parser, so that SymPy's rules, printing and
simplification of it keep working; this module is its family entry only: the catalogue
beside it, the report's text, and the float formulas the report measures. Those
formulas are named as `symbolic.functions.tanh:NAME`, the way `symbolic grade` takes any
`package.module:function`, because built-in implementation names belong to the
registry's DefinedFunctions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sympy
from sympy import Expr, S

from symbolic.functions.base import FamilyMember, FloatFormula, Plot, ReportText, side_of
from symbolic.functions.libraries import (
    in_work_dtype,
    jax_function,
    native,
    torch_function,
    unavailable,
)
from symbolic.functions.sigmoid import sigmoid

MODULE = __name__


def numpy_tanh(x: np.ndarray) -> np.ndarray:
    """tanh as NumPy's np.tanh (the C library's), in the work dtype."""
    return in_work_dtype(np.tanh)(x)


def one_minus_square(x: np.ndarray) -> np.ndarray:
    """tanh′ as 1 − t², t = np.tanh(x): 0 once t rounds to ±1."""
    return in_work_dtype(lambda w: 1 - np.tanh(w) * np.tanh(w))(x)


def sech_square(x: np.ndarray) -> np.ndarray:
    """tanh′ as 1/cosh(x)²: 0 once cosh(x)² overflows."""
    return in_work_dtype(lambda w: 1 / (np.cosh(w) * np.cosh(w)))(x)


class tanh(FamilyMember):  # noqa: N801 - the language's name
    """The family entry of SymPy's tanh (not a DefinedFunction: the parser keeps SymPy's)."""

    latex_name = r"\tanh"
    text_name = "tanh"
    catalogue = Path(__file__).with_name("tanh.claims.toml")

    @classmethod
    def applied(cls, u: Expr) -> Expr:
        return sympy.tanh(u)

    @classmethod
    def definition(cls, u: Expr) -> Expr:
        return (sympy.exp(u) - sympy.exp(-u)) / (sympy.exp(u) + sympy.exp(-u))


tanh.limits = {0: (S.NegativeOne, S.One), 1: (S.Zero, S.Zero)}  # at −∞ and +∞, per order
_REPORT_FORMULAS = {
    (f"{MODULE}:numpy_tanh", 0): FloatFormula(0, "tanh as np.tanh", lambda: numpy_tanh),
    (f"{MODULE}:one_minus_square", 1): FloatFormula(
        1, "tanh′ as 1 − t², t = np.tanh(x)", lambda: one_minus_square
    ),
    (f"{MODULE}:sech_square", 1): FloatFormula(1, "tanh′ as 1/cosh(x)²", lambda: sech_square),
}


def _numpy_derivative(w: np.ndarray) -> np.ndarray:
    t = np.tanh(w)
    return w.dtype.type(1) - t * t


_NO_SCIPY = unavailable("scipy", "tanh of its own", "grade numpy (np.tanh) instead")
tanh.implementations = {
    **_REPORT_FORMULAS,
    ("numpy", 0): FloatFormula(0, "np.tanh(x)", lambda: native(np.tanh)),
    ("numpy", 1): FloatFormula(1, "1 - t*t, t = np.tanh(x)", lambda: native(_numpy_derivative)),
    ("scipy", 0): FloatFormula(0, "(none)", _NO_SCIPY),
    ("scipy", 1): FloatFormula(1, "(none)", _NO_SCIPY),
    ("torch", 0): FloatFormula(0, "torch.tanh", lambda: torch_function("tanh", 0)),
    ("torch", 1): FloatFormula(1, "torch.tanh, autograd", lambda: torch_function("tanh", 1)),
    ("jax", 0): FloatFormula(0, "jnp.tanh", lambda: jax_function("numpy.tanh", 0)),
    ("jax", 1): FloatFormula(1, "jnp.tanh, jax.grad", lambda: jax_function("numpy.tanh", 1)),
}

tanh.report = ReportText(
    template="function",
    title="tanh and its derivative, machine-checked",
    corrections={},
    plots=(
        Plot(
            "tanh",
            "tanh(x) and tanh′(x)",
            "tanh, odd and increasing from −1 to 1, and its derivative tanh′ = 1 − tanh², "
            "values from the certified oracle.",
            (("tanh(x)", 0), ("tanh′(x)", 1)),
        ),
    ),
    loss_plot=None,
    float_formulas=tuple(_REPORT_FORMULAS),
    higher_orders=(),
    saturation=None,
    about="tanh(x) = 2σ(2x) − 1: the sigmoid stretched to (−1, 1). In the language it is "
    "SymPy's own tanh, so its derivative is the rule (tanh u)′ = (1 − tanh²u)·u′, "
    "checked against SymPy's diff and 60-digit values.",
    float_note="Once tanh(x) rounds to ±1 (from |x| ≈ 9 in float32, 19 in float64), "
    "1 − t² is exactly 0 although tanh′(x) ≈ 4e^(−2|x|) is not; 1/cosh(x)² keeps its "
    "digits until cosh(x)² overflows. In bfloat16 both run in float32, so they fail where "
    "float32 does, from the next bfloat16 on: 1 − t² loses every digit from 9.0625 and is "
    "0 from 10, 1/cosh(x)² from 45.25.",
)


# ---------------------------------------------------------------- stable forms (vectorized references)
#
# f^(n)(u) without cancellation, for the ball arithmetic of `symbolic.numbers.vectorized`.

tanh.stable_forms = {
    0: sympy.tanh,
    1: lambda u: 4 * sigmoid(2 * u) * sigmoid(-2 * u),  # sech² u, not 1 − tanh² u
    2: lambda u: -8 * sympy.tanh(u) * sigmoid(2 * u) * sigmoid(-2 * u),
}

# Sides beside a power of two h (`sides`), for ULP errors where a true value lost its
# distance to h (tanh(400) = 1 − 2e^-800; tanh(2^-600) = 2^-600 − 2^-1800/3):
# - tanh: |tanh(x)| < min(|x|, 1) for x ≠ 0, and tanh(0) = 0 (abs_tanh_lt_one,
#   abs_tanh_le_abs), with the sign of x (tanh_neg, strictMono_tanh): so tanh(x) lies
#   strictly toward 0 from any h ≠ 0 with |h| ≥ min(|x|, 1).
# - tanh′ = 1 − tanh² ≤ 1, equal only at 0 (deriv_tanh, deriv_tanh_max, tanh_eq_zero_iff).
tanh.sides = {
    0: lambda x, h: side_of(h, (np.abs(h) >= np.minimum(np.abs(x), 1.0), -np.sign(h))),
    1: lambda x, h: side_of(h, ((h == 1) & (x == 0), 0.0), (h >= 1, -1.0), (h <= 0, 1.0)),
}
