"""libm-free float64 kernels on NumPy arrays, each with a proved bound on its error.

They give the midpoints of the vectorized balls of `symbolic.numbers.vball`; the bounds
below become the balls' radii. Notation: u = 2^-53; every NumPy float64 + − × ÷ is
correctly rounded (round to nearest, no FMA); a result that is subnormal or underflows
is off by at most 2^-1074 in absolute terms more (the relative bounds below are for
results above 2^-1022), which the balls add as TINY.
Each kernel's bound is for its exact (float64) input; the balls propagate the input's
radius separately. The bounds are checked against 200-bit mpmath by hypothesis tests
(tests/test_vector_kernels.py).

exp(y), −745 ≤ y ≤ 709 (`exp`), relative error ≤ EXP_BOUND = 2^-46 (above 2^-1022):
  the table-driven reduction below (`exp_negative_table`), for either sign of y: k =
  rint(y·64/ln2), |k| < 2^17, so k·C1 has ≤ 49 bits and y − k·C1 is exact (Sterbenz);
  the same polynomial, table and bound (< 2^-49); 2^(k >> 6) scales exactly for normal
  results (one ldexp: a single rounding for subnormal ones, + TINY).

expm1(y) for y ≤ 0 (`expm1_negative`), relative error ≤ EXPM1_BOUND = 2^-45:
  |y| ≤ 0.35: y·Σ_{j≤14} y^j/(j+1)! by Horner: truncation < 0.35^15/16! < 2^-66 relative
  to |expm1(y)| ≥ 0.82|y|; rounding ≤ γ_30·Σ|terms| ≤ 31u·|y|·e^0.35 / (0.82|y|) < 2^-47.
  |y| > 0.35: exp(y) − 1 with exp(y) ≤ 0.705 and |expm1(y)| ≥ 0.295: the error of exp
  (≤ 2^-46·0.705) over 0.295, plus u: < 2^-44.7... so EXPM1_BOUND = 2^-44.

log(y), y > 0 (`log`), |error| ≤ LOG_BOUND·|log y| with LOG_BOUND = 2^-46:
  y = f·2^E, f ∈ [√½, √2) (frexp, exact), z = (f − 1)/(f + 1): f − 1 exact (Sterbenz),
  so z is off by ≤ 2u relative and |z| ≤ 0.1716. log f = 2·atanh z = 2z·Σ_{j<13} w^j/(2j+1),
  w = z² ≤ 0.02945: truncation < w^13/27/(1 − w) < 2^-70; the positive-term Horner sum
  errs ≤ γ_39 relative (3 roundings a step, 13 steps), w itself ≤ 3u (ρ: relative);
  so log f is within (2u + 3u·(w/(1−w)) + 40u + u) < 44u relative. With E ≠ 0,
  E·ln2 = E·L1 (exact) + E·L2 (≤ u relative, L3 neglected: < 2^-80 |E|), and
  |log f| ≤ 0.347 ≤ |E·ln2|/2, so |log y| ≥ |E ln2|/2 and the sum errs
  ≤ (2u·|E ln2| + 44u·|log f|)/|log y| + u ≤ 5u + 44u + u < 2^-47.3 relative.

log1p(y), y > −1 (`log1p`), relative error ≤ LOG_BOUND:
  y ∈ [√½ − 1, √2 − 1]: log1p y = 2·atanh(y/(2 + y)) with z off by ≤ 2u relative and the
  same series: < 44u. Elsewhere log(1 + y): 1 + y is off by ≤ u relative, which moves
  log by ≤ u absolute while |log(1 + y)| ≥ 0.346: < 4u + LOG_BOUND·(1+...) ≤ 2^-46.

erf(t), |t| ≤ 2 (`erf_series`), relative error ≤ ERF_BOUND = 2^-44:
  erf t = (2t/√π)·e^(−t²)·S, S = Σ_n (2t²)^n/(2n+1)!!: positive terms; Horner on
  q_n = 2t²/(2n+1) for n < 40: truncation ≤ 8^40/81!!·(1/(1 − 8/83)) < 2^-80 ≤ 2^-80·S;
  each step (q_n: 2 roundings, product, sum) errs ≤ 4u relative on positive values:
  ≤ 160u on S. t² off by ≤ u·t² ≤ 4u absolute: e^(−t²) off by e^(4u) − 1 ≤ 4.1u more
  than EXP_BOUND. Products: 3u. Total ≤ 2^-46 + 170u < 2^-45.

exp(−a), 0 ≤ a ≤ 708 (`exp_negative_table`), relative error ≤ 2^-48, the faster kernel
  of σ's float64 fast path: a = (64q + j)·ln2/64 + r with k = 64q + j = rint(a·64/ln2)
  (k < 2^17), r = (a − k·C1) − k·C2, C1 the 32-bit head of ln2/64 (k·C1 exact, and the
  difference exact by Sterbenz), C2 the rest (k·C2 within u relative, C2's own error
  < 2^-85·k): |r| ≤ ln2/128 + 2^-40, off by < 2^-60 absolute. e^(−r) by Taylor degree 6:
  truncation < 0.00542^7/7! < 2^-65; Horner on |r| ≤ 0.0055 errs ≤ γ_12·e^0.0055 < 2^-49.4
  relative; T[j] = 2^(−j/64) within 2u, the product (u), the error of r (2^-60):
  total < 2^-49.4 + 2^-51.4 + 2^-59 < 2^-49; ldexp by −q is exact (normal results).

erfc(t), t ≥ 1.25 (`erfc_continued_fraction`), relative error ≤ ERFC_BOUND(t) =
  2^-45 + 2^-52·t² + the runtime truncation bound it returns:
  erfc t = e^(−t²)/√π · K, K = 1/(t + (1/2)/(t + 1/(t + (3/2)/(t + …)))) (Laplace); all
  partial numerators k/2 and denominators t are positive, so K is a Stieltjes fraction:
  consecutive convergents K_N, K_{N+1} bracket K, and |K − K_N| ≤ |K_N − K_{N+1}|,
  which the kernel computes (each in float64, so it adds their rounding errors too).
  Backward evaluation z_k = t + a_{k+1}/z_{k+1} of positive terms errs ≤ 2u more per
  step: ≤ 2(N + 1)u relative on z_0, so K_N within (2N + 3)u. e^(−t²): t² off by
  ≤ u·t² absolute, so e^(−t²) within EXP_BOUND + 2^-52·t² relative (t ≤ 27).
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np

U = 2.0**-53
EXP_BOUND = 2.0**-46
EXPM1_BOUND = 2.0**-44
LOG_BOUND = 2.0**-46
ERF_BOUND = 2.0**-45
ERFC_TERMS = 120  # depth of the continued fraction
ERFC_LIMIT = 1.25  # erfc by the continued fraction from here, by 1 − erf below
ERFC_BASE_BOUND = 2.0**-45 + (2 * ERFC_TERMS + 5) * U
ERF_SERIES_TERMS = 40
EXP_MAX = 709.0  # exp(y) is finite and normal-or-subnormal-scaled for −745 ≤ y ≤ 709
EXP_MIN = -745.0

_LN2 = Fraction(
    "0.6931471805599453094172321214581765680755001343602552541206800094933936219696947156"
)
_LN2_1 = float(math.floor(_LN2 * 2**32)) / 2**32
_LN2_2 = float(_LN2 - Fraction(_LN2_1))
_INVERSE_FACTORIALS = [1.0 / math.factorial(j) for j in range(17)]
_SQRT_HALF = math.sqrt(0.5)
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)  # within u relative: part of the bounds above
_INV_SQRT_PI = 1 / math.sqrt(math.pi)


_C1 = float(math.floor(_LN2 / 64 * 2**38)) / 2**38  # 32 significant bits
_C2 = float(_LN2 / 64 - Fraction(_C1))
_SIXTY_FOUR_OVER_LN2 = float(64 / _LN2)
with mpmath.workprec(200):  # 2^(−j/64) within 2u (a float of a 200-bit value)
    _TABLE = np.array([float(mpmath.mpf(2) ** (-mpmath.mpf(j) / 64)) for j in range(64)])


def exp(y: np.ndarray) -> np.ndarray:
    """e^y for −745 ≤ y ≤ 709, relative error ≤ EXP_BOUND (+ TINY below 2^-1022), by the
    table-driven reduction of `exp_negative_table` (its proof holds for either sign)."""
    return exp_negative_table(-y)


def exp_negative_table(a: np.ndarray) -> np.ndarray:
    """e^(−a) for −709 ≤ a ≤ 745, relative error ≤ 2^-48 above 2^-1022 (module docstring)."""
    k = np.rint(a * _SIXTY_FOUR_OVER_LN2)
    r = (a - k * _C1) - k * _C2
    p = np.full_like(r, _INVERSE_FACTORIALS[6])
    for j in range(5, -1, -1):
        p = p * -r + _INVERSE_FACTORIALS[j]
    n = k.astype(np.int64)
    return np.ldexp(_TABLE[n & 63] * p, -(n >> 6))


def expm1_negative(y: np.ndarray) -> np.ndarray:
    """e^y − 1 for y ≤ 0 (y ≥ −745 or beyond: −1), relative error ≤ EXPM1_BOUND."""
    small = np.abs(y) <= 0.35
    if small.all():
        return _expm1_series(y)
    if not small.any():
        return exp(np.maximum(y, EXP_MIN)) - 1.0
    return np.where(small, _expm1_series(y), exp(np.maximum(y, EXP_MIN)) - 1.0)


def _expm1_series(y: np.ndarray) -> np.ndarray:
    p = np.full_like(y, _INVERSE_FACTORIALS[15])
    for c in reversed(_INVERSE_FACTORIALS[1:15]):
        p = p * y + c
    return y * p


def _atanh_series(z: np.ndarray) -> np.ndarray:
    """2·atanh(z) for |z| ≤ 0.1716 (see the module docstring)."""
    w = z * z
    s = np.full_like(z, 1.0 / 25)
    for j in range(11, -1, -1):
        s = s * w + 1.0 / (2 * j + 1)
    return 2.0 * z * s


def log(y: np.ndarray) -> np.ndarray:
    """log y for finite y > 0, relative error ≤ LOG_BOUND."""
    f, e = np.frexp(y)
    low = f < _SQRT_HALF
    f = np.where(low, 2.0 * f, f)
    e = np.where(low, e - 1, e).astype(np.float64)
    z = (f - 1.0) / (f + 1.0)
    return (e * _LN2_1 + _atanh_series(z)) + e * _LN2_2


def log1p(y: np.ndarray) -> np.ndarray:
    """log(1 + y) for finite y > −1, relative error ≤ LOG_BOUND."""
    near = (y >= _SQRT_HALF - 1) & (y <= math.sqrt(2) - 1)
    series = _atanh_series(y / (2.0 + y))
    with np.errstate(divide="ignore", invalid="ignore"):
        far = log(np.where(near, 1.0, 1.0 + y))
    return np.where(near, series, far)


def erf_series(t: np.ndarray) -> np.ndarray:
    """erf t for |t| ≤ 2, relative error ≤ ERF_BOUND."""
    w = 2.0 * (t * t)
    s = np.ones_like(t)
    for n in range(ERF_SERIES_TERMS, 0, -1):
        s = s * (w / (2 * n + 1)) + 1.0
    return (_TWO_OVER_SQRT_PI * t) * (exp(-(t * t)) * s)


def _fraction(t: np.ndarray, depth: int) -> np.ndarray:
    z = t.copy()
    for k in range(depth, 0, -1):
        z = t + (k / 2) / z
    return 1.0 / z


def erfc_continued_fraction(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """erfc t for 1.25 ≤ t ≤ 27, and a bound on its relative error (see the docstring)."""
    k0 = _fraction(t, ERFC_TERMS)
    k1 = _fraction(t, ERFC_TERMS + 1)
    truncation = np.abs(k0 - k1) / k0
    value = (_INV_SQRT_PI * exp(-(t * t))) * k0
    return value, ERFC_BASE_BOUND + 2.0**-52 * (t * t) + 2 * truncation
