"""Vectorized balls with double-word midpoints, for float64 references.

The same ball arithmetic as `symbolic.arith.vball` (same operations, same names, same
radius rules: float64 radii rounded up by UP and TINY), with midpoints hi + lo from
`symbolic.arith.doubleword` and the kernels of `symbolic.arith.dwkernels`. Each
operation's midpoint error is its proved relative bound times |hi|·(1 + 2^-52) ≥ |hi + lo|
(the factor is absorbed in UP): 2^-100 for + − × ÷ (3u², 7u², 15u² + 56u³ < 2^-102),
the kernels' bounds otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symbolic.arith import doubleword as dw
from symbolic.arith import dwkernels as k
from symbolic.arith import kernels64 as k64
from symbolic.arith.vball import INF, TINY, _exp_upper, _up

OPERATION_BOUND = 2.0**-100
DIGITS_BOUND = 2.0**-73  # a decided float64 reference is this narrow (relative)


@dataclass(frozen=True)
class Ball:
    """hi + lo ± rad at each point; `mid` is hi (for signs and branch choices)."""

    hi: np.ndarray
    lo: np.ndarray
    rad: np.ndarray

    @property
    def mid(self) -> np.ndarray:
        return self.hi


def exact(values: np.ndarray) -> Ball:
    return Ball(values, np.zeros_like(values), np.zeros_like(values))


def constant(shape: tuple[int, ...], hi: float, lo: float, rad: float) -> Ball:
    return Ball(np.full(shape, hi), np.full(shape, lo), np.full(shape, rad))


def _error(h: np.ndarray, bound: float) -> np.ndarray:
    return bound * np.abs(h)


def add(a: Ball, b: Ball) -> Ball:
    h, low_word = dw.add(a.hi, a.lo, b.hi, b.lo)
    return Ball(h, low_word, _up(a.rad + b.rad + _error(h, OPERATION_BOUND)))


def neg(a: Ball) -> Ball:
    return Ball(-a.hi, -a.lo, a.rad)


def mul(a: Ball, b: Ball) -> Ball:
    h, low_word = dw.mul(a.hi, a.lo, b.hi, b.lo)
    spread = np.abs(a.hi) * b.rad + np.abs(b.hi) * a.rad + a.rad * b.rad
    return Ball(h, low_word, _up(spread + _error(h, OPERATION_BOUND)))


def div(a: Ball, b: Ball) -> Ball:
    """a/b, radius +inf where b's ball may hold 0 (|b| ≥ |b.hi|(1 − u)).

    Where the residual a − b·q of the double-word division (about u²·|a|) is subnormal,
    its roundings (at most 15 of 2^-1075 each, < 2^-1071) go into the quotient divided
    by b: 2^-1068/gap (gap ≤ |b|) is added to the radius."""
    size = np.abs(b.hi)
    gap = size * (1 - 2.0**-51) - b.rad
    safe = gap > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        h, low_word = dw.div(a.hi, a.lo, np.where(safe, b.hi, 1.0), np.where(safe, b.lo, 0.0))
        spread = (np.abs(a.hi) * b.rad + size * a.rad) / (size * gap) + 2.0**-1068 / gap
    radius = np.where(safe, _up(spread + _error(h, OPERATION_BOUND)), INF)
    return Ball(np.where(safe, h, 0.0), np.where(safe, low_word, 0.0), radius)


def scale(a: Ball, c: float) -> Ball:
    h, low_word = a.hi * c, a.lo * c
    with np.errstate(over="ignore"):
        r = a.rad * abs(c) + (TINY if abs(c) < 1 else 0.0)
    return Ball(h, low_word, np.where(np.isfinite(h), r, INF))


def power(a: Ball, n: int) -> Ball:
    result, base, e = None, a, abs(n)
    while e:
        if e & 1:
            result = base if result is None else mul(result, base)
        e >>= 1
        if e:
            base = mul(base, base)
    one = exact(np.ones_like(a.hi))
    if result is None:
        return one
    return div(one, result) if n < 0 else result


def absolute(a: Ball) -> Ball:
    s = np.where(a.hi < 0, -1.0, 1.0)
    return Ball(s * a.hi, s * a.lo, a.rad)


def _pick(condition: np.ndarray, a: Ball, b: Ball) -> Ball:
    return Ball(
        np.where(condition, a.hi, b.hi),
        np.where(condition, a.lo, b.lo),
        np.where(condition, a.rad, b.rad),
    )


def maximum(a: Ball, b: Ball) -> Ball:
    """max is 1-Lipschitz; the larger midpoint (compared as double-words) is exact."""
    first = (a.hi > b.hi) | ((a.hi == b.hi) & (a.lo >= b.lo))
    chosen = _pick(first, a, b)
    return Ball(chosen.hi, chosen.lo, np.maximum(a.rad, b.rad))


def minimum(a: Ball, b: Ball) -> Ball:
    first = (a.hi < b.hi) | ((a.hi == b.hi) & (a.lo <= b.lo))
    chosen = _pick(first, a, b)
    return Ball(chosen.hi, chosen.lo, np.maximum(a.rad, b.rad))


def select(condition: np.ndarray, a: Ball, b: Ball) -> Ball:
    return _pick(condition, a, b)


# ---------------------------------------------------------------- elementary functions


def exp(a: Ball) -> Ball:
    h, low_word, r = a.hi, a.lo, a.rad
    inside = (h >= k64.EXP_MIN) & (h <= k64.EXP_MAX)
    if inside.all() and not r.any():  # the common case: exact arguments in range
        eh, el = k.exp(h, low_word)
        return Ball(eh, el, _up(k.EXP_BOUND * np.abs(eh) * (1 + 2.0**-50)))
    eh, el = k.exp(np.clip(h, k64.EXP_MIN, k64.EXP_MAX), np.where(inside, low_word, 0.0))
    upper = np.abs(eh) * (1 + 2.0**-50)
    radius = _up(upper * (r + r * r) + k.EXP_BOUND * upper)
    ok = (h <= k64.EXP_MAX) & (r <= 1) & inside
    # s = RN(RN(|lo| + r)·(1 + 2^-50)) ≥ |lo| + r, and RN(h + s) < −746 implies h + s < −746
    # (−746 is a float, RN is monotone): every value in the ball is below e^-746 < 2^-1076,
    # however large its low word (x² for x ≈ 10^9 carries one far above 1).
    vanishing = h + (np.abs(low_word) + r) * (1 + 2.0**-50) < -746.0
    eh, el = np.where(ok, eh, 0.0), np.where(ok, el, 0.0)
    radius = np.where(ok, radius, INF)
    zero = np.zeros_like(h)
    return Ball(
        np.where(vanishing, zero, eh),
        np.where(vanishing, zero, el),
        np.where(vanishing, 2.0**-1074, radius),
    )


def expm1_ball(a: Ball) -> Ball:
    h, low_word, r = a.hi, a.lo, a.rad
    low = h <= 0
    eh, el = k.expm1_negative(np.minimum(h, 0.0), np.where(low, low_word, 0.0))
    near = Ball(eh, el, _up(r * (1 + r + r * r) + k.EXPM1_BOUND * np.abs(eh)))
    near = Ball(near.hi, near.lo, np.where(r <= 1, near.rad, INF))
    far = add(
        exp(Ball(np.maximum(h, 0.0), np.where(low, 0.0, low_word), r)), exact(-np.ones_like(h))
    )
    return select(low, near, far)


def log(a: Ball) -> Ball:
    h, low_word, r = a.hi, a.lo, a.rad
    low = h * (1 - 2.0**-51) - r
    ok = (low > 0) & np.isfinite(h)
    with np.errstate(divide="ignore", invalid="ignore"):
        vh, vl = k.log(np.where(ok, h, 1.0), np.where(ok, low_word, 0.0))
        radius = _up(r / low + k.LOG_BOUND * np.abs(vh))
    return Ball(np.where(ok, vh, 0.0), np.where(ok, vl, 0.0), np.where(ok, radius, INF))


def log1p_ball(a: Ball) -> Ball:
    h, low_word, r = a.hi, a.lo, a.rad
    ok = (h >= -0.5) & (r <= 0.25)
    vh, vl = k.log1p(np.where(ok, h, 0.0), np.where(ok, low_word, 0.0))
    low = (1.0 + h) * (1 - 2.0**-50) - r  # ≥ 1/4
    direct = Ball(vh, vl, _up(r / np.where(ok, low, 1.0) + k.LOG_BOUND * np.abs(vh)))
    if ok.all():
        return direct
    return select(ok, direct, log(add(exact(np.ones_like(h)), a)))


def tanh(a: Ball) -> Ball:
    """tanh a = s·(−E)/(2 + E), E = expm1(−2|a|), s the sign of the midpoint."""
    s = np.where(a.hi < 0, -1.0, 1.0)
    eh, el = k.expm1_negative(-2.0 * s * a.hi, -2.0 * s * a.lo)
    dh, dl = k.add_double(eh, el, 2.0)  # 2u², within OPERATION_BOUND
    vh, vl = dw.div(-s * eh, -s * el, dh, dl)
    bound = 2 * k.EXPM1_BOUND + 3 * OPERATION_BOUND
    if not a.rad.any():  # exact arguments: no slope term
        return Ball(vh, vl, _up(bound * np.abs(vh)))
    d = np.maximum(np.abs(a.hi) - a.rad, 0.0) * (1 - 2.0**-50)
    slope = np.minimum(1.0, 4.0 * _exp_upper(-2.0 * d))
    return Ball(vh, vl, _up(a.rad * slope + bound * np.abs(vh)))


def _erf_slope(h: np.ndarray, r: np.ndarray) -> np.ndarray:
    d = np.maximum(np.abs(h) - r, 0.0) * (1 - 2.0**-50)
    return r * (1.1284 * 1.0001) * _exp_upper(-(d * d) * (1 - 2.0**-50))


SERIES_LIMIT = 2.5  # erf by its series below, erfc by the continued fraction above


def _erfc_series(th: np.ndarray, tl: np.ndarray) -> tuple:
    sh, sl = k.erf_series(th, tl)
    oh, ol = dw.add(1.0, 0.0, -sh, -sl)
    return oh, ol, k.ERF_BOUND * np.abs(sh) + OPERATION_BOUND, sh, sl


def _erfc_fraction(th: np.ndarray, tl: np.ndarray) -> tuple:
    ch, cl, bound = k.erfc_continued_fraction(th, tl)
    return ch, cl, bound * np.abs(ch), ch, cl


def _erfc_vanishing(th: np.ndarray, tl: np.ndarray) -> tuple:
    zero = np.zeros_like(th)
    return zero, zero, np.full_like(th, 2.0**-1000), zero, zero  # erfc(26.5) < 2^-1000


def _erfc_positive(th: np.ndarray, tl: np.ndarray) -> tuple:
    """erfc(t) for t ≥ 0 as (hi, lo), an absolute error bound, and erf(t) as (hi, lo)
    where t < SERIES_LIMIT (by the series, with no cancellation)."""

    def tail(th: np.ndarray, tl: np.ndarray) -> tuple:
        return k.branches(th <= 26.5, _erfc_fraction, _erfc_vanishing, th, tl)

    return k.branches(th < SERIES_LIMIT, _erfc_series, tail, th, tl)


def erfc(a: Ball) -> Ball:
    s = np.where(a.hi < 0, -1.0, 1.0)
    vh, vl, error, _, _ = _erfc_positive(s * a.hi, s * a.lo)
    negative = a.hi < 0
    wh, wl = dw.add(2.0, 0.0, -vh, -vl)
    vh, vl = np.where(negative, wh, vh), np.where(negative, wl, vl)
    error = error + np.where(negative, OPERATION_BOUND * 2, 0.0)
    return Ball(vh, vl, _up(error + _erf_slope(a.hi, a.rad)))


def erf(a: Ball) -> Ball:
    s = np.where(a.hi < 0, -1.0, 1.0)
    th, tl = s * a.hi, s * a.lo
    ch, cl, error, sh, sl = _erfc_positive(th, tl)
    series = th < SERIES_LIMIT
    oh, ol = dw.add(1.0, 0.0, -ch, -cl)
    vh, vl = np.where(series, sh, oh), np.where(series, sl, ol)
    error = np.where(series, k.ERF_BOUND * np.abs(sh), error + OPERATION_BOUND)
    return Ball(s * vh, s * vl, _up(error + _erf_slope(a.hi, a.rad)))
