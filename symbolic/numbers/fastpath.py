"""Vectorized, certified references of σ and σ′ at float inputs (double-double arithmetic).

For arrays of floats this computes σ(x) and σ′(x) = e/(1 + e)², e = exp(−|x|), in
double-double ("double-word") arithmetic with NumPy, carries a proven bound on the
relative error, and decides the correct rounding to the target format wherever the
bound allows. The few points it cannot decide (a true value too close to a rounding
boundary, or 600 < |x| < 746 in float64) go to the rigorous Arb path.

Error bound (u = 2^-53; every NumPy float64 + − × ÷ is correctly rounded, no FMA):
the double-word algorithms of Joldes, Muller and Popescu ("Tight and rigorous error
bounds for basic building blocks of double-word arithmetic", ACM TOMS 44(2), 2017)
have relative errors at most 3u² (add, Alg. 6), 7u² (multiply, Alg. 10 with the
exact Dekker product) and 15u² + 56u³ (divide, Alg. 17). Here:

1. Reduction: a = |x| = k·ln2 − r with |r| ≤ 0.35. ln2 = L1 + L2 + L3 with L1 of 32
   bits (k·L1 exact for k < 2^21, and a − k·L1 exact by Sterbenz), k·L2 exact by
   the Dekker product; the neglected k·L3 and roundings give |error of r| < 2^-100.
2. exp(r/256) by its Taylor polynomial of degree 11 in Horner form, coefficients 1/j!
   as double-words (error < u²): truncation < 2^-140; 11 steps of (7u² + 3u²) on values
   within 0.2 % of 1: < 2^-99.5 relative.
3. Eight squarings: the relative error ε becomes 2ε + 7u² each time:
   ε ≤ 256·(2^-100 + 2^-99.5) + 255·7u² < 2^-90.
4. Scaling by 2^-k is exact while the low word stays normal (a ≤ 600).
5. σ = 1/(1 + e) or e/(1 + e); σ′ = e/(1 + e)²: one add, one square, one divide add
   at most 3u² + (2·3u² + 7u²) + 16u² and propagate ε at most 3 times: < 2^-87.

So the computed double-word y = hi + lo satisfies |y − v| ≤ 2^-86·|v|; the code uses
ERROR_BOUND = 2^-80 and adds a further factor of 2 in every comparison for the
rounding of the comparison itself. Outside |x| ≤ 600 the values are settled by
bounds that need no arithmetic: σ′(x) < e^(−|x|), 1 − σ(|x|) < e^(−|x|).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from symbolic.numbers.ieee import Format

ERROR_BOUND = 2.0**-80
MAX_DOUBLE_WORD_ARGUMENT = 600.0
BLOCK = 4096
_SPLITTER = 134217729.0  # 2^27 + 1


def _dw(value: Fraction) -> tuple[float, float]:
    """A rational as a double-word hi + lo (error below 2^-106 relative)."""
    hi = float(value)
    return hi, float(value - Fraction(hi))


_LN2 = Fraction(
    "0.6931471805599453094172321214581765680755001343602552541206800094933936219696947156"
)
_LN2_1 = float(math.floor(_LN2 * 2**32)) / 2**32  # 32 significant bits: k·L1 is exact
_LN2_2, _LN2_3 = _dw(_LN2 - Fraction(_LN2_1))
_INV_FACTORIALS = [_dw(Fraction(1, math.factorial(j))) for j in range(12)]


# ---------------------------------------------------------------- error-free transformations


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _fast_two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = a + b
    return s, b - (s - a)


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = _SPLITTER * a
    hi = c - (c - a)
    return hi, a - hi


def _two_prod(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


# ---------------------------------------------------------------- double-word arithmetic


def _add(xh: np.ndarray, xl: np.ndarray, yh: np.ndarray, yl: np.ndarray) -> tuple:
    """AccurateDWPlusDW (Alg. 6): relative error ≤ 3u²."""
    sh, sl = _two_sum(xh, yh)
    th, tl = _two_sum(xl, yl)
    c = sl + th
    vh, vl = _fast_two_sum(sh, c)
    w = tl + vl
    return _fast_two_sum(vh, w)


def _mul(xh: np.ndarray, xl: np.ndarray, yh: np.ndarray, yl: np.ndarray) -> tuple:
    """DWTimesDW1 (Alg. 10) with the exact Dekker product: relative error ≤ 7u²."""
    ch, cl1 = _two_prod(xh, yh)
    tl1 = xh * yl
    tl2 = xl * yh
    cl2 = tl1 + tl2
    cl3 = cl1 + cl2
    return _fast_two_sum(ch, cl3)


def _div(xh: np.ndarray, xl: np.ndarray, yh: np.ndarray, yl: np.ndarray) -> tuple:
    """DWDivDW2 (Alg. 17): relative error ≤ 15u² + 56u³."""
    th = xh / yh
    rh, rl = _mul(yh, yl, th, 0.0)
    pih, pil = _two_sum(xh, -rh)
    dl = xl - rl
    d = pil + dl
    tl = (pih + d) / yh
    return _fast_two_sum(th, tl)


# ---------------------------------------------------------------- exp(−a) and σ, σ′


def exp_negative(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """exp(−a) for 0 ≤ a ≤ 600 as a double-word, relative error < 2^-90 (see module doc)."""
    k = np.rint(a / _LN2_1)
    t = k * _LN2_1 - a  # exact: k·L1 has ≤ 53 bits and Sterbenz applies
    ph, pl = _two_prod(k, _LN2_2)
    rh, rl = _add(t, 0.0, ph, pl + k * _LN2_3)
    rh, rl = rh / 256.0, rl / 256.0  # exact scaling by a power of two
    sh, sl = _INV_FACTORIALS[11]
    for j in range(10, -1, -1):
        sh, sl = _mul(sh, sl, rh, rl)
        sh, sl = _add(sh, sl, *_INV_FACTORIALS[j])
    for _ in range(8):
        sh, sl = _mul(sh, sl, sh, sl)
    scale = np.ldexp(1.0, -k.astype(np.int64))
    return sh * scale, sl * scale


def sigmoid_double_word(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """σ(x) for |x| ≤ 600."""
    eh, el = exp_negative(np.abs(x))
    dh, dl = _add(1.0, 0.0, eh, el)
    numerator_h = np.where(x < 0, eh, 1.0)
    numerator_l = np.where(x < 0, el, 0.0)
    return _div(numerator_h, numerator_l, dh, dl)


def sigmoid_prime_double_word(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """σ′(x) = e/(1 + e)², e = exp(−|x|), for |x| ≤ 600."""
    eh, el = exp_negative(np.abs(x))
    dh, dl = _add(1.0, 0.0, eh, el)
    sh, sl = _mul(dh, dl, dh, dl)
    return _div(eh, el, sh, sl)


# ---------------------------------------------------------------- plain float64, for narrow formats

# For float32, float16 and bfloat16 targets, plain float64 is accurate enough almost
# everywhere, and several times cheaper than double-words. Error bound (u = 2^-53):
# with a = |x| ≤ 600, k = rint(a/L1) and r = (k·L1 − a) + k·L2 (k·L1 − a exact as above,
# k·L2 with error ≤ u·2^-23, the sum with error ≤ u·0.35, the neglected k·L3 < 2^-76),
# |r| ≤ 0.35 and r is off by less than 2^-54. exp(r) by Horner on the Taylor polynomial of
# degree 13: truncation < 0.35^14/14! < 2^-57; rounding (Higham, Horner's rule)
# ≤ γ_26 · Σ|c_j||r|^j ≤ 27u·e^0.35 while exp(r) ≥ e^-0.35, so < 2^-47.2 relative. The
# scaling by 2^-k is exact (results stay normal for a ≤ 600). Then 1 + e, the square and
# the division add at most 4u and double the error of e at most: σ and σ′ are within
# 2^-45 relative. FLOAT64_ERROR_BOUND = 2^-40 leaves a wide margin; the decision adds a
# further factor of 2, as for double-words.
FLOAT64_ERROR_BOUND = 2.0**-40
_INVERSE_FACTORIALS_64 = [
    1.0 / math.factorial(j) for j in range(14)
]  # each within u: inside the bound


def _exp_negative_float64(a: np.ndarray) -> np.ndarray:
    k = np.rint(a / _LN2_1)
    r = (k * _LN2_1 - a) + k * _LN2_2
    p = np.full_like(a, _INVERSE_FACTORIALS_64[13])
    for c in reversed(_INVERSE_FACTORIALS_64[:13]):
        p = p * r + c
    return np.ldexp(p, -k.astype(np.int64))


def sigmoid_float64(x: np.ndarray, order: int) -> np.ndarray:
    """σ (order 0) or σ′ (order 1) in plain float64, |x| ≤ 600, relative error < 2^-45."""
    e = _exp_negative_float64(np.abs(x))
    d = 1.0 + e
    if order == 1:
        return e / (d * d)
    return np.where(x < 0, e, 1.0) / d


# ---------------------------------------------------------------- deciding the rounding


def _neighbours(candidate: np.ndarray, fmt: Format) -> tuple[np.ndarray, np.ndarray]:
    """The next value of the format below and above each (non-negative) candidate."""
    unsigned = np.dtype(f"uint{fmt.dtype.itemsize * 8}")
    bits = candidate.astype(fmt.dtype).view(unsigned)
    sign_bit = unsigned.type(1 << (fmt.dtype.itemsize * 8 - 1))
    up = (bits + 1).view(fmt.dtype).astype(np.float64)
    down_bits = np.where(bits == 0, sign_bit | unsigned.type(1), bits - 1).astype(unsigned)
    down = down_bits.view(fmt.dtype).astype(np.float64)
    return down, up


def decide_rounding(
    hi: np.ndarray, lo: np.ndarray, fmt: Format, bound: float = ERROR_BOUND
) -> tuple[np.ndarray, np.ndarray]:
    """Correctly rounded values of positive y = hi + lo (|y − v| ≤ bound·v), and
    a mask of the points where that rounding is certain."""
    candidate = hi.astype(fmt.dtype).astype(np.float64)
    down, up = _neighbours(candidate, fmt)
    # y − (lower midpoint) and (upper midpoint) − y, without forming the midpoints (those
    # of float64 do not fit in float64): hi − candidate is exact (Sterbenz), and the
    # gaps between neighbours are powers of two, so halving them is exact.
    offset = hi - candidate
    above_low = ((offset + lo) + (candidate - down) / 2) > 2 * bound * hi
    below_high = ((up - candidate) / 2 - (offset + lo)) > 2 * bound * hi
    finite = np.isfinite(up) & np.isfinite(candidate)
    return candidate.astype(fmt.dtype), above_low & below_high & finite & (hi > 0)


def threshold_zero(fmt: Format) -> float:
    """|x| beyond which e^(−|x|) is below half the smallest subnormal: results round to 0."""
    return (-(fmt.min_subnormal_exponent - 1)) * math.log(2) + 1e-9


def fast_rounded(order: int, x: np.ndarray, fmt: Format) -> tuple[np.ndarray, np.ndarray]:
    """σ (order 0) or σ′ (order 1) at finite float64 inputs x, rounded to `fmt`.

    Returns the values and a mask of the points decided here; the others must be
    computed by the rigorous path.
    """
    result, decided, _, _ = fast_rounded_and_true(order, x, fmt)
    return result, decided


def fast_rounded_and_true(
    order: int, x: np.ndarray, fmt: Format
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """As `fast_rounded`, and the true values as double-words (hi, lo) where |x| ≤ 600
    (elsewhere hi is the settled value 0 or 1, lo is 0)."""
    x = np.asarray(x, dtype=np.float64)
    a = np.abs(x)
    result = np.zeros(x.shape, dtype=fmt.dtype)
    decided = np.zeros(x.shape, dtype=bool)
    true_hi = np.where((order == 0) & (x > 0), 1.0, 0.0)
    true_lo = np.zeros(x.shape)
    near = np.flatnonzero(a <= MAX_DOUBLE_WORD_ARGUMENT)
    function = sigmoid_double_word if order == 0 else sigmoid_prime_double_word
    narrow = fmt.precision <= 24  # float32, float16, bfloat16: plain float64 first
    for start in range(0, len(near), BLOCK):
        # Blocks small enough for the cache: the arithmetic is memory-bound.
        index = near[start : start + BLOCK]
        if narrow:
            y = sigmoid_float64(x[index], order)
            values, ok = decide_rounding(y, np.zeros_like(y), fmt, FLOAT64_ERROR_BOUND)
            result[index], decided[index] = values, ok
            true_hi[index] = y  # within 2^-45 of the true value: ULP errors to ~2^-20 ulp
            index = index[~ok]  # the few undecided points get double-words
            if not len(index):
                continue
        hi, lo = function(x[index])
        result[index], decided[index] = decide_rounding(hi, lo, fmt)
        true_hi[index], true_lo[index] = hi, lo
    far = a > max(threshold_zero(fmt), MAX_DOUBLE_WORD_ARGUMENT)
    if far.any():
        # σ′ < e^(−|x|) and σ(−|x|) < e^(−|x|) round to +0; 1 − σ(|x|) < e^(−|x|) rounds to 1.
        result[far] = np.where((order == 0) & (x[far] > 0), 1.0, 0.0).astype(fmt.dtype)
        decided[far] = True
    return result, decided, true_hi, true_lo
