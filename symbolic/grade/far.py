"""References far out in the tails, settled by one Arb ball each.

Where |f(x)| is certainly below 2^-1100 (below half the least subnormal of every format,
float64 included), the correctly rounded value is ±0 with the sign of f(x), and the true
value is 0 to within 2^-1000 ULP of any result; where |f(x)| is certainly above 2^1100,
it is ±inf. An enclosure at a modest precision (`PRECISIONS`, raised while its ball straddles 0)
decides both, with the sign,
when the ball excludes 0: GELU(−10^30) ≈ −10^30·e^(−5·10^59) is settled at once, where
asking for its digits (a rational within 2^-(p+40) of it) would build a numerator of
10^59 bits. Points the ball does not settle (it straddles 0, or the value is neither
tiny nor huge) go to the oracle's references as before. Only |x| ≥ `FAR` is tried:
nearer 0 the references are cheap; GELU_tanh(−255) ≈ e^(−1.2·10^6) is already costly.
"""

from __future__ import annotations

import flint
import numpy as np
import sympy

from symbolic.errors import SymbolicError
from symbolic.numbers.enclosure import enclose, prepare

PRECISIONS = (96, 320, 1024)  # raised while the ball straddles 0 (GELU(−10^30) needs 256)
FAR = 32.0
TINY = flint.arb(2) ** -1100
HUGE = flint.arb(2) ** 1100


def settle(expr: sympy.Expr, x64: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mask of the points settled, their values: ±0.0 or ±inf) for finite |x| ≥ FAR."""
    settled = np.zeros(x64.shape, dtype=bool)
    values = np.zeros(x64.shape)
    candidates = np.flatnonzero(np.isfinite(x64) & (np.abs(x64) >= FAR))
    if not len(candidates):
        return settled, values
    prepared = prepare(expr)
    for i in candidates:
        value = _settled_value(prepared, float(x64[i]))
        if value is not None:
            settled[i], values[i] = True, value
    return settled, values


def _settled_value(prepared: sympy.Expr, x: float) -> float | None:
    """±0.0, ±inf, or None (not settled by the balls)."""
    for bits in PRECISIONS:
        try:
            ball = enclose(prepared, flint.arb(x), bits)  # a float is exact in Arb
        except (SymbolicError, ValueError, ZeroDivisionError, OverflowError):
            return None
        if not ball.is_finite():
            return None
        if not ball.contains(0):
            return _tiny_or_huge(ball)
        if not bool(abs(ball) < TINY):  # straddles 0 and not tiny: leave it to the oracle
            return None
    return None


def _tiny_or_huge(ball: flint.arb) -> float | None:
    negative = bool(ball < 0)
    magnitude = abs(ball)
    if bool(magnitude < TINY):
        return -0.0 if negative else 0.0
    if bool(magnitude > HUGE):
        return -np.inf if negative else np.inf
    return None
