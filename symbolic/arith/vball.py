"""Vectorized ball arithmetic over the expression language: certified float references.

A `Ball` holds, for an array of points, float64 midpoints m and float64 radii r ≥ 0
with |true value − m| ≤ r at every point. Each operation computes its midpoint in
float64 (the kernels of `symbolic.arith.kernels64` for exp, log, log1p, tanh, erf,
erfc) and a radius that covers (a) the radii of its operands, propagated by a bound on
the derivative over the ball, (b) the error of the midpoint (u-relative for + − × ÷,
the kernel's proved bound otherwise) and (c) an absolute TINY = 2^-1060 for underflow.

Radii are rounded upward without directed rounding: each radius is a formula of
non-negative float64 terms with at most 30 operations (+, ×, ÷, and differences of two
floats), each correct to a factor in [1 − u, 1 + u]; so the computed value times
UP = 1 + 2^-48 (≥ (1 − u)^-31), plus TINY for underflowed terms, is an upper bound.
A radius that overflows is +inf, which decides nothing.

Any expression built from + − × ÷, integer powers, exp, log, log1p, expm1, tanh, erf,
erfc, |·|, max, min, constants (enclosed once by Arb) and the named functions gets a
ball (`symbolic.numbers.vectorized` compiles expressions to these operations); a named
function enters through its stable formula (`FamilyMember.stable_forms`: σ(−u) rather
than 1 − σ(u), softplus = max(u, 0) + log1p(e^(−|u|)), …) or its own ball
(`DefinedFunction.vector_ball`, σ's).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from symbolic.arith import kernels64 as k64
from symbolic.arith.dwkernels import branches

U2 = 2.0**-52  # ≥ the relative error u/(1 − u) of a rounded result, from the result
UP = 1.0 + 2.0**-48
TINY = 2.0**-1060
INF = math.inf


@dataclass(frozen=True)
class Ball:
    mid: np.ndarray
    rad: np.ndarray


def _up(radius: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        out = radius * UP + TINY
    return np.where(np.isnan(out), INF, out)


# ---------------------------------------------------------------- arithmetic


def add(a: Ball, b: Ball) -> Ball:
    m = a.mid + b.mid
    return Ball(m, _up(a.rad + b.rad + U2 * np.abs(m)))


def neg(a: Ball) -> Ball:
    return Ball(-a.mid, a.rad)


def mul(a: Ball, b: Ball) -> Ball:
    m = a.mid * b.mid
    spread = np.abs(a.mid) * b.rad + np.abs(b.mid) * a.rad + a.rad * b.rad
    return Ball(m, _up(spread + U2 * np.abs(m)))


def div(a: Ball, b: Ball) -> Ball:
    """a/b; where the ball of b holds 0 (|b.mid| ≤ b.rad) the radius is +inf.

    The spread (|a.mid|·b.rad + |b.mid|·a.rad)/(|b.mid|·gap) is computed as
    a.rad/gap + q·r with q = |a.mid|/|b.mid| and r = b.rad/gap, so that no underflowed
    product is divided again (CI's hypothesis run found 0 ± 2.6e-247 over 2.7e-89: the
    product 2.7e-89·2.6e-247 underflowed and the radius came out 10^161 too small). An
    underflowed q or r is off by at most 2^-1075, which TINY covers only when the other
    factor is ≤ 1; elsewhere the radius is +inf (those points go to Arb)."""
    size = np.abs(b.mid)
    gap = size - b.rad  # > 0 iff 0 is outside b's ball (rounding is monotone)
    safe = gap > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        m = a.mid / np.where(safe, b.mid, 1.0)
        q = np.abs(a.mid) / size
        r = b.rad / gap
        spread = a.rad / gap + q * r
    amplified = ((q < _NORMAL) & (r > 1)) | ((r < _NORMAL) & (q > 1))
    radius = np.where(safe & ~amplified, _up(spread + U2 * np.abs(m)), INF)
    return Ball(np.where(safe, m, 0.0), radius)


_NORMAL = 2.0**-1022  # below it a float64 quotient may have lost digits to underflow


def scale(a: Ball, c: float) -> Ball:
    """a·c for c = ±2^k: exact, but for underflow (TINY) and overflow (+inf)."""
    m = a.mid * c
    with np.errstate(over="ignore"):
        r = a.rad * abs(c) + (TINY if abs(c) < 1 else 0.0)
    return Ball(m, np.where(np.isfinite(m), r, INF))


def power(a: Ball, n: int) -> Ball:
    """a^n for an integer n, by squarings (n < 0: 1/a^|n|)."""
    result, base, e = None, a, abs(n)
    while e:
        if e & 1:
            result = base if result is None else mul(result, base)
        e >>= 1
        if e:
            base = mul(base, base)
    if result is None:
        result = exact(np.ones_like(a.mid))
    return div(exact(np.ones_like(a.mid)), result) if n < 0 else result


def exact(values: np.ndarray) -> Ball:
    return Ball(values, np.zeros_like(values))


def constant(shape: tuple[int, ...], hi: float, lo: float, rad: float) -> Ball:
    """A constant known as hi + lo ± rad (a float64 midpoint keeps hi only)."""
    spread = abs(lo) + rad
    return Ball(np.full(shape, hi), np.full(shape, spread * UP + TINY if spread else 0.0))


def absolute(a: Ball) -> Ball:
    return Ball(np.abs(a.mid), a.rad)  # |·| is 1-Lipschitz and exact on floats


def maximum(a: Ball, b: Ball) -> Ball:
    return Ball(np.maximum(a.mid, b.mid), np.maximum(a.rad, b.rad))


def minimum(a: Ball, b: Ball) -> Ball:
    return Ball(np.minimum(a.mid, b.mid), np.maximum(a.rad, b.rad))


def select(condition: np.ndarray, a: Ball, b: Ball) -> Ball:
    """Per point, a where condition else b: both must enclose the same true value."""
    return Ball(np.where(condition, a.mid, b.mid), np.where(condition, a.rad, b.rad))


# ---------------------------------------------------------------- elementary functions


def _exp_upper(y: np.ndarray) -> np.ndarray:
    """An upper bound of e^y (y ≤ 709), from the kernel and its bound."""
    with np.errstate(over="ignore"):
        return k64.exp(np.clip(y, k64.EXP_MIN, k64.EXP_MAX)) * (1 + 2.0**-40) + TINY


def exp(a: Ball) -> Ball:
    """|e^(m+α) − E| ≤ e^m·(e^r − 1) + |e^m − E|, e^r − 1 ≤ r + r² (r ≤ 1)."""
    m, r = a.mid, a.rad
    e = k64.exp(np.clip(m, k64.EXP_MIN, k64.EXP_MAX))
    upper = e * (1 + 2.0**-44)  # ≥ e^m
    radius = _up(upper * (r + r * r) + k64.EXP_BOUND * upper)
    ok = (m <= k64.EXP_MAX) & (r <= 1)
    # RN(m + r) < −746 implies m + r < −746 (−746 is a float, RN is monotone): every
    # value in the ball is below e^-746 < 2^-1076.
    vanishing = m + r < -746.0
    mid = np.where(ok, e, 0.0)
    radius = np.where(ok, radius, INF)
    return Ball(np.where(vanishing, 0.0, mid), np.where(vanishing, 2.0**-1074, radius))


def expm1_ball(a: Ball) -> Ball:
    """e^a − 1: the kernel for m ≤ 0 (relative EXPM1_BOUND), else e^a − 1 by balls."""
    m, r = a.mid, a.rad
    low = m <= 0
    e = k64.expm1_negative(np.minimum(m, 0.0))
    # |d/dy (e^y − 1)| = e^y ≤ e^(m + r) ≤ e^r ≤ 1 + r + r² for m ≤ 0, r ≤ 1
    near = Ball(e, _up(r * (1 + r + r * r) + k64.EXPM1_BOUND * np.abs(e)))
    near = Ball(near.mid, np.where(r <= 1, near.rad, INF))
    far = add(exp(Ball(np.maximum(m, 0.0), r)), exact(np.full_like(m, -1.0)))
    return select(low, near, far)


def log(a: Ball) -> Ball:
    m, r = a.mid, a.rad
    low = m - r
    ok = (low > 0) & np.isfinite(m)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = k64.log(np.where(ok, m, 1.0))
        radius = _up(r / low + 2.0**-45.9 * np.abs(value))
    return Ball(np.where(ok, value, 0.0), np.where(ok, radius, INF))


def log1p_ball(a: Ball) -> Ball:
    """log(1 + a): the kernel where m ≥ −1/2 and r ≤ 1/4 (then 1 + a ≥ 1/4), else log."""
    m, r = a.mid, a.rad
    ok = (m >= -0.5) & (r <= 0.25)
    value = k64.log1p(np.where(ok, m, 0.0))
    low = (1.0 + m) - r  # ≥ 1/4, within 3u relative of 1 + m − r
    direct = Ball(value, _up(r / np.where(ok, low, 1.0) + 2.0**-45.9 * np.abs(value)))
    if ok.all():
        return direct
    other = log(add(exact(np.ones_like(m)), a))
    return select(ok, direct, other)


def tanh(a: Ball) -> Ball:
    """tanh a = s·(−E)/(2 + E), E = expm1(−2|m|), s the sign of m: an identity for every
    value in the ball; relative error ≤ 2·EXPM1_BOUND + 4u."""
    m, r = a.mid, a.rad
    e = k64.expm1_negative(-2.0 * np.abs(m))
    value = np.sign(m) * (-e / (2.0 + e))
    # |tanh′| = sech² ≤ min(1, 4e^(−2d)) over the ball, d = |m| − r (rounded down)
    d = np.maximum(np.abs(m) - r, 0.0) * (1 - 2.0**-50)
    slope = np.minimum(1.0, 4.0 * _exp_upper(-2.0 * d))
    return Ball(value, _up(r * slope + (2 * k64.EXPM1_BOUND + 4 * U2) * np.abs(value)))


def _erf_slope(m: np.ndarray, r: np.ndarray) -> np.ndarray:
    """r·max |erf′| over the ball: (2/√π)·e^(−d²), d = max(|m| − r, 0), rounded up."""
    d = np.maximum(np.abs(m) - r, 0.0) * (1 - 2.0**-50)
    return r * (1.1284 * 1.0001) * _exp_upper(-(d * d) * (1 - 2.0**-50))


def _erfc_series(t: np.ndarray) -> tuple[np.ndarray, ...]:
    inner = k64.erf_series(t)
    return 1.0 - inner, np.full_like(t, k64.ERF_BOUND + 2 * U2), inner


def _erfc_fraction(t: np.ndarray) -> tuple[np.ndarray, ...]:
    value, bound = k64.erfc_continued_fraction(np.minimum(t, 27.0))
    beyond = t > 27  # erfc(27) < 2^-1057
    value = np.where(beyond, 0.0, value)
    error = np.where(beyond, 2.0**-1050, bound * np.abs(value))
    return value, error, 1.0 - value


def _erfc_positive(t: np.ndarray) -> tuple[np.ndarray, ...]:
    """erfc t (t ≥ 0), an absolute error bound, and erf t where t < ERFC_LIMIT."""
    return branches(t < k64.ERFC_LIMIT, _erfc_series, _erfc_fraction, t)


def erfc(a: Ball) -> Ball:
    """erfc a; for a < 0 as 2 − erfc(−a) (a value in [1, 2]: no cancellation)."""
    m, r = a.mid, a.rad
    value, error, _ = _erfc_positive(np.abs(m))
    value = np.where(m < 0, 2.0 - value, value)
    error = error + np.where(m < 0, 2 * U2, 0.0)
    return Ball(value, _up(error + _erf_slope(m, r)))


def erf(a: Ball) -> Ball:
    m, r = a.mid, a.rad
    t = np.abs(m)
    value, error, inner = _erfc_positive(t)
    series = t < k64.ERFC_LIMIT
    value = np.where(series, inner, 1.0 - value)
    error = np.where(series, k64.ERF_BOUND * np.abs(inner), error + U2)
    return Ball(np.sign(m) * value, _up(error + _erf_slope(m, r)))
