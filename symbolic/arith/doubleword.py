"""Double-word ("double-double") arithmetic on NumPy float64 arrays, with proved error bounds.

Error bounds (u = 2^-53; every NumPy float64 + − × ÷ is correctly rounded, no FMA):
the double-word algorithms of Joldes, Muller and Popescu ("Tight and rigorous error
bounds for basic building blocks of double-word arithmetic", ACM TOMS 44(2), 2017)
have relative errors at most 3u² (`add`, Alg. 6), 7u² (`mul`, Alg. 10 with the exact
Dekker product) and 15u² + 56u³ (`div`, Alg. 17).

`exp_negative(a)`, e^(−a) for 0 ≤ a ≤ 600, relative error < 2^-90:

1. Reduction: a = k·ln2 − r with |r| ≤ 0.35. ln2 = L1 + L2 + L3 with L1 of 32 bits
   (k·L1 exact for k < 2^21, and a − k·L1 exact by Sterbenz), k·L2 exact by the Dekker
   product; the neglected k·L3 and roundings give |error of r| < 2^-100.
2. exp(r/256) by its Taylor polynomial of degree 11 in Horner form, coefficients 1/j!
   as double-words (error < u²): truncation < 2^-140; 11 steps of (7u² + 3u²) on values
   within 0.2 % of 1: < 2^-99.5 relative.
3. Eight squarings: the relative error ε becomes 2ε + 7u² each time:
   ε ≤ 256·(2^-100 + 2^-99.5) + 255·7u² < 2^-90.
4. Scaling by 2^-k is exact while the low word stays normal (a ≤ 600).

Function kernels (in `symbolic/functions/`) build on these and state their own bounds.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from symbolic.arith.ieee import Format

MAX_ARGUMENT = 600.0  # exp_negative's range: results and low words stay normal
_SPLITTER = 134217729.0  # 2^27 + 1


def double_word_of(value: Fraction) -> tuple[float, float]:
    """A rational as a double-word hi + lo (error below 2^-106 relative)."""
    hi = float(value)
    return hi, float(value - Fraction(hi))


_LN2 = Fraction(
    "0.6931471805599453094172321214581765680755001343602552541206800094933936219696947156"
)
_LN2_1 = float(math.floor(_LN2 * 2**32)) / 2**32  # 32 significant bits: k·L1 is exact
_LN2_2, _LN2_3 = double_word_of(_LN2 - Fraction(_LN2_1))
_INV_FACTORIALS = [double_word_of(Fraction(1, math.factorial(j))) for j in range(12)]


# ---------------------------------------------------------------- error-free transformations


def two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def fast_two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = a + b
    return s, b - (s - a)


def split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = _SPLITTER * a
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = a * b
    ah, al = split(a)
    bh, bl = split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


# ---------------------------------------------------------------- double-word arithmetic


def add(xh: np.ndarray, xl: np.ndarray, yh: np.ndarray, yl: np.ndarray) -> tuple:
    """AccurateDWPlusDW (Alg. 6): relative error ≤ 3u²."""
    sh, sl = two_sum(xh, yh)
    th, tl = two_sum(xl, yl)
    c = sl + th
    vh, vl = fast_two_sum(sh, c)
    w = tl + vl
    return fast_two_sum(vh, w)


def mul(xh: np.ndarray, xl: np.ndarray, yh: np.ndarray, yl: np.ndarray) -> tuple:
    """DWTimesDW1 (Alg. 10) with the exact Dekker product: relative error ≤ 7u²."""
    ch, cl1 = two_prod(xh, yh)
    tl1 = xh * yl
    tl2 = xl * yh
    cl2 = tl1 + tl2
    cl3 = cl1 + cl2
    return fast_two_sum(ch, cl3)


def div(xh: np.ndarray, xl: np.ndarray, yh: np.ndarray, yl: np.ndarray) -> tuple:
    """DWDivDW2 (Alg. 17): relative error ≤ 15u² + 56u³."""
    th = xh / yh
    rh, rl = mul(yh, yl, th, 0.0)
    pih, pil = two_sum(xh, -rh)
    dl = xl - rl
    d = pil + dl
    tl = (pih + d) / yh
    return fast_two_sum(th, tl)


# ---------------------------------------------------------------- exp(−a)


def exp_negative(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """exp(−a) for 0 ≤ a ≤ 600 as a double-word, relative error < 2^-90 (see module doc)."""
    k = np.rint(a / _LN2_1)
    t = k * _LN2_1 - a  # exact: k·L1 has ≤ 53 bits and Sterbenz applies
    ph, pl = two_prod(k, _LN2_2)
    rh, rl = add(t, 0.0, ph, pl + k * _LN2_3)
    rh, rl = rh / 256.0, rl / 256.0  # exact scaling by a power of two
    sh, sl = _INV_FACTORIALS[11]
    for j in range(10, -1, -1):
        sh, sl = mul(sh, sl, rh, rl)
        sh, sl = add(sh, sl, *_INV_FACTORIALS[j])
    for _ in range(8):
        sh, sl = mul(sh, sl, sh, sl)
    scale = np.ldexp(1.0, -k.astype(np.int64))
    return sh * scale, sl * scale


# ---------------------------------------------------------------- plain float64, for narrow formats

# For float32, float16 and bfloat16 targets, plain float64 is accurate enough almost
# everywhere, and several times cheaper than double-words. Error bound (u = 2^-53):
# with a = |x| ≤ 600, k = rint(a/L1) and r = (k·L1 − a) + k·L2 (k·L1 − a exact as above,
# k·L2 with error ≤ u·2^-23, the sum with error ≤ u·0.35, the neglected k·L3 < 2^-76),
# |r| ≤ 0.35 and r is off by less than 2^-54. exp(r) by Horner on the Taylor polynomial of
# degree 13: truncation < 0.35^14/14! < 2^-57; rounding (Higham, Horner's rule)
# ≤ γ_26 · Σ|c_j||r|^j ≤ 27u·e^0.35 while exp(r) ≥ e^-0.35, so < 2^-47.2 relative. The
# scaling by 2^-k is exact (results stay normal for a ≤ 600). Kernels built on it state
# their own bound; FLOAT64_ERROR_BOUND = 2^-40 is the one they must stay within.
FLOAT64_ERROR_BOUND = 2.0**-40
DOUBLE_WORD_ERROR_BOUND = 2.0**-80  # the bound double-word kernels must stay within
_INVERSE_FACTORIALS_64 = [1.0 / math.factorial(j) for j in range(14)]  # each within u


def exp_negative_float64(a: np.ndarray) -> np.ndarray:
    """exp(−a) for 0 ≤ a ≤ 600 in plain float64, relative error < 2^-47.2."""
    k = np.rint(a / _LN2_1)
    r = (k * _LN2_1 - a) + k * _LN2_2
    p = np.full_like(a, _INVERSE_FACTORIALS_64[13])
    for c in reversed(_INVERSE_FACTORIALS_64[:13]):
        p = p * r + c
    return np.ldexp(p, -k.astype(np.int64))


def exp_underflow_threshold(fmt: Format) -> float:
    """|x| beyond which e^(−|x|) is below half the smallest subnormal of `fmt`."""
    return (-(fmt.min_subnormal_exponent - 1)) * math.log(2) + 1e-9
