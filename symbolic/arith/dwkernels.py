"""libm-free double-word kernels on NumPy arrays, with proved error bounds, for the
double-word balls (`symbolic.arith.vball_dw`) that decide float64 roundings.

Notation as in `symbolic.arith.doubleword` (u = 2^-53; `add`, `mul`, `div` of
double-words err by at most 3u², 7u², 15u² + 56u³ relative, all < 2^-102 = E).
A double-word (h, l) is normalized (|l| ≤ ulp(h)/2). Results whose low word falls
below 2^-1022 lose their relative accuracy; the balls add an absolute 2^-1060 and do
not decide float64 values below 2^-960 (they go to Arb).

exp(y) for y = yh + yl, −745 ≤ yh ≤ 709 (`exp`), relative error ≤ 2^-88:
  k = rint(yh/L1), t = yh − k·L1 exact (k·L1 has ≤ 43 bits; Sterbenz: |t| ≤ 0.35 and
  for k ≠ 0, yh and k·L1 are within a factor 2); (t + yl) by two_sum, exact;
  r = (t + yl) − k·L2 − k·L3 with k·L2 exact (two_prod) and k·L3 rounded (< 2^-110
  absolute): |r| ≤ 0.35, off by < 2^-104. Then, as in `doubleword.exp_negative`,
  exp(r/256) by Taylor degree 11 and eight squarings: < 2^-90; ldexp by k is exact.

expm1(y), y ≤ 0 (`expm1_negative`), relative error ≤ 2^-88: for |y| ≤ 0.35 the series
  y·Σ_{j<20} y^j/(j+1)! (truncation < 0.35^20/21! < 2^-95 relative); 20 Horner steps of
  a multiply and an add (each < E on values ≤ e^0.35) over |expm1(y)| ≥ 0.82|y|:
  < 20·2E·1.42/0.82 < 2^-95. Else exp(y) − 1 with exp(y) ≤ 0.705, |result| ≥ 0.295:
  < 2^-88·0.705/0.295 + E ≤ 2^-86.7; we claim 2^-86.

log(y) for y = yh + yl > 0 (`log`), relative error ≤ 2^-88: yh = f·2^e with
  f ∈ [√½, √2) (frexp, exact), yl scaled by 2^-e (exact, yl normal); z = (f − 1 + l)/
  (f + 1 + l): f − 1 exact, both sums and the quotient < 3E; |z| ≤ 0.1716 (+2^-50).
  2·atanh z = 2z·Σ_{j<21} w^j/(2j+1), w = z² (< 2E), positive terms: truncation
  < w^21 < 2^-106, Horner < 21·2E; so < 50E on log f. Adding e·ln2 (e·L as a
  double-word: < 2^-104 relative) where |log f| ≤ |e ln2|/2 as in the plain proof:
  < 3·(50E) + E < 2^-94.

log1p(y), y > −1 (`log1p`), relative error ≤ 2^-88: y ∈ [√½ − 1, √2 − 1]: 2·atanh z with
  z = y/(2 + y) (< 2E) and the series above; else log(1 + y) with 1 + y by `add`
  (< E relative, so < E·2.9 relative on a log of magnitude ≥ 0.346).

erf(t), |t| ≤ 2 (`erf_series`), relative error ≤ 2^-85: (2t/√π)·e^(−t²)·S with
  S = Σ_{n<56} (2t²)^n/(2n+1)!! (truncation < 8^56/113!! < 2^-110), positive-term Horner
  on q_n = w/(2n + 1) (w = 2t² exact by two_prod): < 56·3E; e^(−t²) < 2^-88 (t² exact as
  a double-word); 2/√π as a double-word (< 2^-106); products < 3E. Total < 2^-85.

erfc(t), 2 ≤ t ≤ 26.5 (`erfc_continued_fraction`): e^(−t²)/√π·K with K the Laplace
  continued fraction (see `kernels64`), depth N = 60, in double-words: the bracket of
  consecutive convergents bounds the truncation at run time (returned), and the
  backward evaluation of positive terms errs < 2E per step: < 122E < 2^-95; with
  e^(−t²) (< 2^-88) and 1/√π: < 2^-87 + the returned truncation.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from symbolic.arith import doubleword as dw
from symbolic.arith.doubleword import add, div, double_word_of, mul, two_prod, two_sum

EXP_BOUND = 2.0**-88
EXPM1_BOUND = 2.0**-86
LOG_BOUND = 2.0**-88
ERF_BOUND = 2.0**-88
ERFC_BASE_BOUND = 2.0**-87
ERFC_DEPTH = 100
ERF_TERMS = 70

_LN2 = dw._LN2
_L1, _L2, _L3 = dw._LN2_1, dw._LN2_2, dw._LN2_3
_LN2_DW = double_word_of(_LN2)
_INV_FACTORIALS = [double_word_of(Fraction(1, math.factorial(j))) for j in range(22)]
_ODD_INVERSES = [double_word_of(Fraction(1, 2 * j + 1)) for j in range(22)]
_SQRT_HALF = math.sqrt(0.5)
_PI = Fraction(
    "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899863"
)
# 2/√π and 1/√π as double-words: √π from a 300-bit integer square root (< 2^-106 rel.)
_SQRT_PI = Fraction(math.isqrt(int(_PI * 2**600)), 2**300)
_TWO_OVER_SQRT_PI = double_word_of(2 / _SQRT_PI)
_INV_SQRT_PI = double_word_of(1 / _SQRT_PI)


def exp(yh: np.ndarray, yl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """e^(yh + yl) for −745 ≤ yh ≤ 709, relative error ≤ EXP_BOUND (normal results)."""
    k = np.rint(yh / _L1)
    t = yh - k * _L1
    sh, sl = two_sum(t, yl)
    ph, pl = two_prod(k, _L2)
    rh, rl = add(sh, sl, -ph, -(pl + k * _L3))
    rh, rl = rh / 256.0, rl / 256.0
    ph, pl = _INV_FACTORIALS[11]
    ph, pl = np.full_like(rh, ph), np.full_like(rh, pl)
    for j in range(10, -1, -1):
        ph, pl = mul(ph, pl, rh, rl)
        ph, pl = add(ph, pl, *_INV_FACTORIALS[j])
    for _ in range(8):
        ph, pl = mul(ph, pl, ph, pl)
    n = k.astype(np.int64)
    return np.ldexp(ph, n), np.ldexp(pl, n)


def expm1_negative(yh: np.ndarray, yl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """e^y − 1 for y = yh + yl ≤ 0, relative error ≤ EXPM1_BOUND."""
    small = np.abs(yh) <= 0.35
    ph, pl = _INV_FACTORIALS[20]
    ph, pl = np.full_like(yh, ph), np.full_like(yh, pl)
    for j in range(19, 0, -1):
        ph, pl = mul(ph, pl, yh, yl)
        ph, pl = add(ph, pl, *_INV_FACTORIALS[j])
    nh, nl = mul(ph, pl, yh, yl)
    eh, el = exp(np.maximum(yh, -745.0), np.where(yh < -745.0, 0.0, yl))
    fh, fl = add(eh, el, -1.0, 0.0)
    return np.where(small, nh, fh), np.where(small, nl, fl)


def _atanh_series(zh: np.ndarray, zl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2·atanh(z) for |z| ≤ 0.172."""
    wh, wl = mul(zh, zl, zh, zl)
    sh, sl = _ODD_INVERSES[21]
    sh, sl = np.full_like(zh, sh), np.full_like(zh, sl)
    for j in range(20, -1, -1):
        sh, sl = mul(sh, sl, wh, wl)
        sh, sl = add(sh, sl, *_ODD_INVERSES[j])
    sh, sl = mul(sh, sl, zh, zl)
    return 2.0 * sh, 2.0 * sl


def log(yh: np.ndarray, yl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log(yh + yl) for yh > 0 finite (yl normal or 0), relative error ≤ LOG_BOUND."""
    f, e = np.frexp(yh)
    low = f < _SQRT_HALF
    f = np.where(low, 2.0 * f, f)
    e = np.where(low, e - 1, e)
    fl = np.ldexp(yl, -e)
    nh, nl = two_sum(f - 1.0, fl)
    dh, dl = two_sum(f, 1.0)
    dh, dl = add(dh, dl, fl, 0.0)
    ah, al = _atanh_series(*div(nh, nl, dh, dl))
    eh, el = mul(e.astype(np.float64), 0.0, *_LN2_DW)
    return add(eh, el, ah, al)


def log1p(yh: np.ndarray, yl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log(1 + y) for y = yh + yl > −1, relative error ≤ LOG_BOUND."""
    near = (yh >= _SQRT_HALF - 1) & (yh <= math.sqrt(2) - 1)
    dh, dl = add(2.0, 0.0, yh, yl)
    sh, sl = _atanh_series(*div(yh, yl, dh, dl))
    oh, ol = add(1.0, 0.0, yh, yl)
    with np.errstate(divide="ignore", invalid="ignore"):
        fh, fl = log(np.where(near | (oh <= 0), 1.0, oh), np.where(near, 0.0, ol))
    return np.where(near, sh, fh), np.where(near, sl, fl)


def _gaussian(th: np.ndarray, tl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """e^(−t²) for t = th + tl."""
    sh, sl = mul(th, tl, th, tl)
    return exp(-sh, -sl)


def erf_series(th: np.ndarray, tl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """erf(t) for |t| ≤ 2, relative error ≤ ERF_BOUND."""
    wh, wl = mul(th, tl, th, tl)
    wh, wl = 2.0 * wh, 2.0 * wl
    sh, sl = np.ones_like(th), np.zeros_like(th)
    for n in range(ERF_TERMS, 0, -1):
        qh, ql = div(wh, wl, np.full_like(th, 2.0 * n + 1), 0.0)
        sh, sl = add(*mul(sh, sl, qh, ql), 1.0, 0.0)
    gh, gl = _gaussian(th, tl)
    ph, pl = mul(*mul(th, tl, *_TWO_OVER_SQRT_PI), gh, gl)
    return mul(ph, pl, sh, sl)


def _fraction(th: np.ndarray, tl: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    zh, zl = th.copy(), tl.copy()
    for k in range(depth, 0, -1):
        qh, ql = div(np.full_like(th, k / 2), 0.0, zh, zl)
        zh, zl = add(th, tl, qh, ql)
    return div(np.ones_like(th), 0.0, zh, zl)


def erfc_continued_fraction(
    th: np.ndarray, tl: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """erfc(t) for 2 ≤ t ≤ 26.5 and a bound on its relative error."""
    kh, kl = _fraction(th, tl, ERFC_DEPTH)
    jh, jl = _fraction(th, tl, ERFC_DEPTH + 1)
    dh, _ = add(kh, kl, -jh, -jl)
    truncation = np.abs(dh) / kh * (1 + 2.0**-40)
    gh, gl = _gaussian(th, tl)
    vh, vl = mul(*mul(gh, gl, *_INV_SQRT_PI), kh, kl)
    return vh, vl, ERFC_BASE_BOUND + 2 * truncation
