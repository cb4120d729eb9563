"""libm-free double-word kernels on NumPy arrays, with proved error bounds, for the
double-word balls (`symbolic.arith.vball_dw`) that decide float64 roundings.

Notation as in `symbolic.arith.doubleword` (u = 2^-53; `add`, `mul`, `div` of
double-words err by at most 3u², 7u², 15u² + 56u³ relative, all < 2^-102 = E).
A double-word (h, l) is normalized (|l| ≤ ulp(h)/2). The relative bounds below hold
for results above 2^-968; below, where low words are subnormal, each kernel is off by
at most 2^-1060 in absolute terms more (a few roundings of at most 2^-1075 each, on
values below 1), which is the TINY the balls add; and the balls do not decide float64
values below 2^-960 (those go to Arb, or to a function's scaled tail: GELU_tanh's).
`add_double` (DWPlusFP) errs by at most 2u² + 5u³ < E.

exp(y) for y = yh + yl, −745 ≤ yh ≤ 709 (`exp`), relative error ≤ 2^-88 (in fact
  < 2^-99): with a = −y, k = rint(a·1024/ln2) (|k| < 2^21), t = a_h − k·C1 exact (C1 the
  32-bit head of ln2/1024, k·C1 ≤ 53 bits; Sterbenz for k ≠ 0); (t + a_l) by two_sum,
  exact; r = (t + a_l) − k·C2 − k·C3 with k·C2 exact (C2 the next 32 bits) and k·C3
  rounded (|k·C3| < 2^-53, so < 2^-107; with δ of ln2/1024, k·δ < 2^-107): |r| ≤
  ln2/2048 + 2^-40 < 3.4·10^-4 < 2^-11.5, off by < 2^-106 (`add`: 3u² of ≤ 3.4·10^-4).
  Where y_l = 0 throughout (exact arguments), t − k·C2 by two_sum (exact), then its low
  word (< 2^-65) less RN(k·C3) in plain float64 (< 2^-106) and two_sum again: off by
  < 2^-105.5. e^(−r) = Σ_{j≤7} (−r)^j/j! (truncation < 2^-92/8! < 2^-107): the
  terms j ≥ 4 as one plain float64 Horner sum T in r_h (T ≈ 1/24 within 8u relative),
  and q3 = 1/6 + RN(r_h·T) by `add_double` (2u²): RN(r_h·T) is within 10u (< 2^-49.7)
  of r·T (r_h for r, the product's rounding, T's 8u) and |r·T| < 2^-16, so q3 is within
  2^-63.3 of 1/6 + r·T (relative) and r³·q3 within 2^-100.3 of its value; then the
  steps q_j = 1/j! + r·q_(j+1) for j = 2, 1, 0 (`mul_split` 7u², `add_double` 2u², on
  values within 0.04 % of 1/j!, exact doubles): < 3·9.1u² < 2^-101; times T[j] =
  2^(−j/1024) as a double-word of a 300-bit value (< 2^-105), 7u². Total < 2^-99; ldexp
  by −(k >> 10) is exact for normal results.

expm1(y), y ≤ 0 (`expm1_negative`), relative error ≤ 2^-88: for |y| ≤ 0.35 the series
  y·Σ_{m<N} y^m/(m+1)!, N ≤ 20 the fewest for |y| (`EXPM1_TERMS`: truncation
  < b^N/(N+1)! < 2^-95 relative, N = 20 for 0.35); the terms m ≥ J (weighing ≤ 2^-50)
  by plain float64 Horner in y_h (N − J ≤ 8 steps, each ≤ 3u, on partial sums within
  12 % of their leading coefficient as |y| ≤ 0.35: within 2^-47 relative), so < 2^-97;
  then J ≤ 12 double-word Horner steps of a multiply and an add (each < E on values
  ≤ e^0.35) over |expm1(y)| ≥ 0.82|y|: < 12·2E·1.42/0.82 < 2^-96. Else exp(y) − 1
  (`add_double`, 2u² + 5u³ < E) with exp(y) ≤ 0.705, |result| ≥ 0.295:
  < 2^-88·0.705/0.295 + E ≤ 2^-86.7; we claim 2^-86.

log(y) for y = yh + yl > 0 (`log`), relative error ≤ 2^-88: yh = f·2^e with
  f ∈ [√½, √2) (frexp, exact), yl scaled by 2^-e (exact, yl normal); z = (f − 1 + l)/
  (f + 1 + l): f − 1 exact, both sums and the quotient < 3E; |z| ≤ 0.1716 (+2^-50).
  2·atanh z = 2z·Σ_{j<N} w^j/(2j+1), w = z² (< 2E), positive terms, N ≤ 21 the fewest
  for |z| (`ATANH_TERMS`: w^N < 2^-106 in each class, N = 21 for |z| ≤ 0.172): truncation
  < w^N/(1 − w) < 2^-105.9. The terms j ≥ J (w^J ≤ 2^-53) as P = Σ_{J≤j<N} w^(j−J)/(2j+1)
  by plain float64 Horner in w_h (positive terms, N − J ≤ 10 of them: each step adds
  ≤ 3u, w_h for w included, so within 31u < 2^-47 of P relative), so w^J·P is off by < 2^-100 ≤ 4E; then J ≤ 11
  double-word Horner steps < 22E; so < 50E on log f. Adding e·ln2 (e·L as a
  double-word: < 2^-104 relative) where |log f| ≤ |e ln2|/2 as in the plain proof:
  < 3·(50E) + E < 2^-94.

log1p(y), y > −1 (`log1p`), relative error ≤ 2^-88: y ∈ [√½ − 1, √2 − 1]: 2·atanh z with
  z = y/(2 + y) (< 2E) and the series above; else log(1 + y) with 1 + y by `add`
  (< E relative, so < E·2.9 relative on a log of magnitude ≥ 0.346).

erf(t), |t| ≤ 2.5 (`erf_series`), relative error ≤ 2^-88: (2t/√π)·e^(−t²)·S with
  S = Σ_{n≤70} (2t²)^n/(2n+1)!! (truncation < 12.5^71/143!! < 2^-130), positive-term
  Horner on q_n = w/(2n + 1) (w = 2t² within 7u²; the quotient within 16u²): each step
  < 26u² relative, < 70·26u² < 2^-95.1 in all; e^(−t²) < 2^-90 (t² a double-word within
  7u², which moves e^(−t²) by < 6.25·7u² relative); 2/√π as a double-word (< 2^-106);
  three products < 21u². Total < 2^-90 + 2^-95.1 + 2^-98 < 2^-89.

erfc(t), 2.5 ≤ t ≤ 26.5 (`erfc_continued_fraction`): e^(−t²)/√π·K with K the Laplace
  continued fraction (see `kernels64`), depth N = 100, in double-words: the bracket of
  consecutive convergents bounds the truncation at run time (returned), and the
  backward evaluation of positive terms errs < 2E per step: < 202E < 2^-94; with
  e^(−t²) (< 2^-88) and 1/√π: < 2^-87 + the returned truncation.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from functools import cache

import mpmath
import numpy as np

from symbolic.arith import doubleword as dw
from symbolic.arith.doubleword import (
    add,
    div,
    double_word_of,
    fast_two_sum,
    mul,
    split,
    two_sum,
)

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


# ln2/1024 = C1 + C2 + C3 + δ: C1 and C2 of 32 significant bits each (k·C1 and k·C2 are
# exact for |k| < 2^21), C3 the nearest double to the rest (|C3| < 2^-74, |δ| < 2^-128).
_C1 = float(math.floor(_LN2 / 1024 * 2**42)) / 2**42
_C2 = float(math.floor((_LN2 / 1024 - Fraction(_C1)) * 2**74)) / 2**74
_C3 = float(_LN2 / 1024 - Fraction(_C1) - Fraction(_C2))
_TABLE_SIZE_OVER_LN2 = float(1024 / _LN2)


def _exact(value: mpmath.mpf) -> Fraction:
    mantissa, exponent = value.man_exp
    return Fraction(int(mantissa)) * Fraction(2) ** int(exponent)


@cache
def _table() -> tuple[np.ndarray, np.ndarray]:
    """2^(−j/1024), j < 1024, as double-words of 300-bit values (built on first use)."""
    with mpmath.workprec(300):
        table = [
            double_word_of(_exact(mpmath.mpf(2) ** (-mpmath.mpf(j) / 1024))) for j in range(1024)
        ]
    return np.array([t[0] for t in table]), np.array([t[1] for t in table])


_TAIL = [1.0 / math.factorial(j) for j in range(4, 8)]  # plain float64 terms


def exp(yh: np.ndarray, yl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """e^(yh + yl) for −745 ≤ yh ≤ 709, relative error ≤ EXP_BOUND (normal results)."""
    a_h, a_l = -yh, -yl  # e^y = e^(−a), a = k·ln2/1024 + r
    k = np.rint(a_h * _TABLE_SIZE_OVER_LN2)
    t = a_h - k * _C1
    q = k * _C2  # exact
    if np.any(yl):
        sh, sl = two_sum(t, a_l)
        rh, rl = add(sh, sl, -q, -k * _C3)
    else:  # exact arguments: t − k·C2 exactly, then the small parts
        sh, sl = two_sum(t, -q)
        rh, rl = two_sum(sh, sl - k * _C3)
    rh, rl = -rh, -rl  # e^(−a) = 2^(−k/1024)·e^(−r): Taylor in −r
    tail = np.full_like(rh, _TAIL[-1])
    for c in reversed(_TAIL[:-1]):
        tail = tail * rh + c
    qh, ql = add_double(*_INV_FACTORIALS[3], rh * tail)  # 1/6 + r·T
    r_split = split(rh)
    for j in range(2, -1, -1):  # 1/j! = 1/2, 1, 1: exact doubles
        qh, ql = mul_split(qh, ql, rh, rl, r_split)
        qh, ql = add_double(qh, ql, _INV_FACTORIALS[j][0])
    n = k.astype(np.int64)
    table_hi, table_lo = _table()
    eh, el = mul(qh, ql, table_hi[n & 1023], table_lo[n & 1023])
    return np.ldexp(eh, -(n >> 10)), np.ldexp(el, -(n >> 10))


def add_double(xh: np.ndarray, xl: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x + y for a double-word x and a double y: DWPlusFP (Joldes, Muller and Popescu,
    Alg. 4), relative error ≤ 2u²/(1 − 2u) < 2u² + 5u³ (< E), cancellation included."""
    sh, sl = two_sum(xh, y)
    return fast_two_sum(sh, xl + sl)


def mul_split(
    xh: np.ndarray, xl: np.ndarray, yh: np.ndarray, yl: np.ndarray, y_split: tuple
) -> tuple[np.ndarray, np.ndarray]:
    """`doubleword.mul` (7u²) with y_h's Dekker split given: the same operations, the
    split of a factor that several products share done once."""
    p = xh * yh
    ah, al = split(xh)
    bh, bl = y_split
    cl1 = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return fast_two_sum(p, cl1 + (xh * yl + xl * yh))


def branches(
    mask: np.ndarray,
    when: Callable[..., tuple],
    otherwise: Callable[..., tuple],
    *args,
    total: bool = False,
) -> tuple:
    """Per point, when(*args) where mask holds, otherwise(*args) elsewhere: each branch
    evaluated on its own points only (the kernels' costly branches are rare). `total`:
    both branches can run at every point (their values at the other's points are not
    used), so the branch of most points runs on all of them (no gathering) and the other
    on its own points, written over."""
    if not mask.size:
        return when(*args)
    if total:
        chosen = mask.sum() * 2 >= mask.size
        first, second = (when, otherwise) if chosen else (otherwise, when)
        with np.errstate(all="ignore"):  # its values at the other points are not kept
            outputs = first(*args)
        index = np.flatnonzero(mask != chosen)
        if len(index):
            for out, value in zip(outputs, second(*(a[index] for a in args)), strict=True):
                out[index] = value
        return outputs
    parts = []
    for index, branch in ((np.flatnonzero(mask), when), (np.flatnonzero(~mask), otherwise)):
        if len(index):
            parts.append((index, branch(*(a[index] for a in args))))
    outputs = tuple(np.empty(mask.shape, dtype=value.dtype) for value in parts[0][1])
    for index, values in parts:
        for out, value in zip(outputs, values, strict=True):
            out[index] = value
    return outputs


# (b, (N, J)): where |y_h| ≤ b, the terms m ≥ N of Σ y^m/(m+1)! weigh < 2^-95 (b^N/(N+1)!)
# and those m ≥ J ≤ 2^-50 (b^J/(J+1)!): these go in plain float64 (module docstring).
EXPM1_TERMS = (
    (2.0**-40, (3, 2)),
    (2.0**-24, (4, 2)),
    (2.0**-14, (6, 4)),
    (2.0**-8, (10, 6)),
    (2.0**-5, (13, 7)),
    (2.0**-3, (16, 10)),
    (math.inf, (20, 12)),  # |y| ≤ 0.35
)
_INV_FACTORIALS_PLAIN = [1.0 / math.factorial(j) for j in range(22)]


def _expm1_terms(yh: np.ndarray, yl: np.ndarray, terms: tuple[int, int]) -> tuple:
    """y·Σ_{m<N} y^m/(m+1)!: the terms m ≥ J by plain float64 Horner, then J
    double-word steps."""
    count, plain = terms
    p = np.full_like(yh, _INV_FACTORIALS_PLAIN[count])
    for m in range(count - 2, plain - 1, -1):
        p = p * yh + _INV_FACTORIALS_PLAIN[m + 1]
    ph, pl = p, np.zeros_like(yh)
    y_split = split(yh)
    for m in range(plain - 1, -1, -1):
        ph, pl = mul_split(ph, pl, yh, yl, y_split)
        ph, pl = add(ph, pl, *_INV_FACTORIALS[m + 1])
    return mul_split(ph, pl, yh, yl, y_split)


def _expm1_series(yh: np.ndarray, yl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return by_terms(np.abs(yh), EXPM1_TERMS, _expm1_terms, yh, yl)


def _expm1_by_exp(yh: np.ndarray, yl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    eh, el = exp(np.maximum(yh, -745.0), np.where(yh < -745.0, 0.0, yl))
    return add_double(eh, el, -1.0)


def expm1_negative(yh: np.ndarray, yl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """e^y − 1 for y = yh + yl ≤ 0, relative error ≤ EXPM1_BOUND."""
    return branches(np.abs(yh) <= 0.35, _expm1_series, _expm1_by_exp, yh, yl, total=True)


# (b, (N, J)): where |z_h| ≤ b, w = z² ≤ b²(1 + 2^-50), w^N < 2^-106 (N terms suffice) and
# w^J ≤ 2^-53 (the terms j ≥ J in plain float64 suffice; module docstring).
ATANH_TERMS = (
    (2.0**-27, (2, 1)),
    (2.0**-18, (3, 2)),
    (2.0**-14, (4, 2)),
    (2.0**-11, (5, 3)),
    (2.0**-8, (7, 4)),
    (2.0**-6, (9, 5)),
    (2.0**-4, (14, 7)),
    (math.inf, (21, 11)),  # |z| ≤ 0.172: w < 0.0296, w^21 < 2^-106, w^11 < 2^-55
)
_ODD_INVERSES_PLAIN = [1.0 / (2 * j + 1) for j in range(22)]


def _atanh_terms(zh: np.ndarray, zl: np.ndarray, terms: tuple[int, int]) -> tuple:
    """2z·Σ_{j<N} w^j/(2j+1), w = z², by Horner from the last term: the terms j ≥ J in
    plain float64 (P, in w_h), then J double-word steps from P."""
    count, plain = terms
    wh, wl = mul(zh, zl, zh, zl)
    p = np.full_like(zh, _ODD_INVERSES_PLAIN[count - 1])
    for j in range(count - 2, plain - 1, -1):
        p = p * wh + _ODD_INVERSES_PLAIN[j]
    sh, sl = p, np.zeros_like(zh)
    w_split = split(wh)
    for j in range(plain - 1, -1, -1):
        sh, sl = mul_split(sh, sl, wh, wl, w_split)
        sh, sl = add(sh, sl, *_ODD_INVERSES[j])
    sh, sl = mul(sh, sl, zh, zl)
    return 2.0 * sh, 2.0 * sl


def _atanh_series(zh: np.ndarray, zl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2·atanh(z) for |z| ≤ 0.172, each point with the fewest terms of ATANH_TERMS for
    its |z_h| (or more, `by_terms`)."""
    return by_terms(np.abs(zh), ATANH_TERMS, _atanh_terms, zh, zl)


MIN_GROUP = 2048  # points: a smaller class of `by_terms` joins the next


def by_terms(
    size: np.ndarray, table: tuple[tuple[float, int], ...], evaluate: Callable, *args
) -> tuple:
    """evaluate(*args, terms) at every point, with terms ≥ the count of the first row
    (bound, count) of `table` whose bound covers the point's size (size ≤ bound); rows
    are by increasing bound and count. Points of one count are evaluated together, and
    classes of fewer than MIN_GROUP points join the next one (more terms, never fewer:
    each count's truncation bound holds for every smaller size)."""
    bounds = np.array([bound for bound, _ in table])
    classes = np.searchsorted(bounds, size)
    tally = np.bincount(classes.ravel(), minlength=len(table))
    groups, start, pending = [], 0, 0
    for c in np.flatnonzero(tally):
        pending += tally[c]
        if pending >= MIN_GROUP or c == len(table) - 1 or not tally[c + 1 :].any():
            groups.append((start, c))
            start, pending = c + 1, 0
    if len(groups) == 1:
        return evaluate(*args, table[groups[0][1]][1])
    outputs = None
    for first, last in groups:
        index = np.flatnonzero((classes >= first) & (classes <= last))
        values = evaluate(*(a[index] for a in args), table[last][1])
        if outputs is None:
            outputs = tuple(np.empty(size.shape, dtype=v.dtype) for v in values)
        for out, value in zip(outputs, values, strict=True):
            out[index] = value
    return outputs


def log(yh: np.ndarray, yl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log(yh + yl) for yh > 0 finite (yl normal or 0), relative error ≤ LOG_BOUND."""
    f, e = np.frexp(yh)
    low = f < _SQRT_HALF
    f = np.where(low, 2.0 * f, f)
    e = np.where(low, e - 1, e)
    fl = np.ldexp(yl, -e)
    nh, nl = two_sum(f - 1.0, fl)
    dh, dl = two_sum(f, 1.0)
    dh, dl = add_double(dh, dl, fl)
    ah, al = _atanh_series(*div(nh, nl, dh, dl))
    eh, el = mul(e.astype(np.float64), 0.0, *_LN2_DW)
    return add(eh, el, ah, al)


def _log1p_series(yh: np.ndarray, yl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dh, dl = add_double(yh, yl, 2.0)
    return _atanh_series(*div(yh, yl, dh, dl))


def _log1p_by_log(yh: np.ndarray, yl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    oh, ol = add(1.0, 0.0, yh, yl)
    with np.errstate(divide="ignore", invalid="ignore"):
        return log(np.where(oh <= 0, 1.0, oh), ol)


def log1p(yh: np.ndarray, yl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log(1 + y) for y = yh + yl > −1, relative error ≤ LOG_BOUND."""
    near = (yh >= _SQRT_HALF - 1) & (yh <= math.sqrt(2) - 1)
    return branches(near, _log1p_series, _log1p_by_log, yh, yl)


def _gaussian(th: np.ndarray, tl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """e^(−t²) for t = th + tl."""
    sh, sl = mul(th, tl, th, tl)
    return exp(-sh, -sl)


def erf_series(th: np.ndarray, tl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """erf(t) for |t| ≤ 2.5, relative error ≤ ERF_BOUND."""
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
    """erfc(t) for 2.5 ≤ t ≤ 26.5 and a bound on its relative error."""
    kh, kl = _fraction(th, tl, ERFC_DEPTH)
    jh, jl = _fraction(th, tl, ERFC_DEPTH + 1)
    dh, _ = add(kh, kl, -jh, -jl)
    truncation = np.abs(dh) / kh * (1 + 2.0**-40)
    gh, gl = _gaussian(th, tl)
    vh, vl = mul(*mul(gh, gl, *_INV_SQRT_PI), kh, kl)
    return vh, vl, ERFC_BASE_BOUND + 2 * truncation
