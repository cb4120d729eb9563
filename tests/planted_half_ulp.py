"""float16 σ for the --max-ulp gate: correctly rounded, or with one result just over 0.5 ULP.

Graded as `tests.planted_half_ulp:correctly_rounded` and `tests.planted_half_ulp:over_half_ulp`.
σ is computed in float64 and rounded once to float16 (the float64 error, ~1e-16, is far
below the distance of any float16 σ(x) from a float16 midpoint; the grade confirms it).
"""

from __future__ import annotations

import numpy as np

# σ(x) here is 0.4999828 ULP from its float16 rounding 0.458984375, so the other neighbour,
# 0.458740234375, is 0.5000172 ULP away: printed to 4 digits, that is "0.5".
PLANTED_X = -0.1639404296875


def _sigmoid64(x: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        x64 = x.astype(np.float64)
        return 1 / (1 + np.exp(-x64))


def correctly_rounded(x: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return _sigmoid64(x).astype(np.float16)


def over_half_ulp(x: np.ndarray) -> np.ndarray:
    """Correctly rounded except at PLANTED_X: there the float16 on the other side of σ."""
    exact = _sigmoid64(x)
    y = correctly_rounded(x)
    at = x.astype(np.float64) == PLANTED_X
    towards = np.where(exact[at] > y[at].astype(np.float64), np.inf, -np.inf).astype(np.float16)
    y[at] = np.nextafter(y[at], towards)
    return y
