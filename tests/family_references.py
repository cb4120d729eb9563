"""Independent references for the family (σ, tanh, softplus, log σ, SiLU, GELU, GELU_tanh,
Mish) and for erf, erfc, expm1: Python's `decimal` module and series written here.

Nothing here uses symbolic's code, and the decimal functions use no mpmath (the tests check
these references against mpmath, a second engine). `decimal`'s own `exp` and `ln` are
correctly rounded; everything else (expm1, log1p, erf, erfc, the Mills ratio) is a series
or continued fraction below, with a stopping rule that bounds the tail.

Values at `prec` significant digits, relative accuracy, at ANY finite input (floats up to
the float64 maximum, or exact decimals). A value is computed at two working precisions and
returned once both round to the same `prec` digits (Ziv's strategy); cancellation that is
real (near a zero of the function) therefore costs time, never accuracy.

Exponent range. `decimal` caps exponents at ±(10**18 − 1), so e^(−1e38) (= 10^(−4.3e37))
is not a Decimal. Such values are returned as `Scaled(significand, exponent)`, meaning
significand·10**exponent with a Python int exponent. Every function returns a `Decimal`
when the value fits and a `Scaled` only when it does not.

Asymptotic regimes. When the argument of the exponential exceeds BIG = 10**6 in size,
e^(−|t|) < 10^(−434294), and the forms below drop terms of relative size at most
poly(|t|)·e^(−|t|) (rigorous truncation: far below 10^(−prec) for any prec this module
accepts, prec ≤ 10_000). E.g. σ(−a) = e^(−a)/(1 + e^(−a)) = e^(−a)·(1 − e^(−a) + …).

Derivatives (written by hand; e = e^(−|x|), s = sign(x), m = expm1(−|x|) = e − 1):

    σ(x)   = 1/(1+e) (x ≥ 0),  e/(1+e) (x < 0)
    σ′(x)  = σ(x)σ(−x) = e/(1+e)²
    σ″(x)  = σ′(x)(1 − 2σ(x)) = s·e·m/(1+e)³
    tanh   = s·(−M)/(2+M),  M = expm1(−2|x|)
    tanh′  = 1 − tanh² = 4q/(1+q)²,  q = e^(−2|x|)
    tanh″  = −2·tanh·tanh′
    softplus = log(1+eˣ) = x + log1p(e^(−x)) (x ≥ 0),  log1p(eˣ) (x < 0)
    softplus′ = σ,  softplus″ = σ′
    log σ  = −softplus(−x),  (log σ)′ = σ(−x),  (log σ)″ = −σ′(x)
    SiLU   = x·σ(x)
    SiLU′  = σ + xσ′ = σ(x)·(1 + x·σ(−x))
    SiLU″  = 2σ′ + xσ″ = σ′(x)·(2 − x·tanh(x/2)),  x·tanh(x/2) = |x|·(−m)/(2+m)
    Φ(x)   = (1 + erf(x/√2))/2,  φ(x) = e^(−x²/2)/√(2π)
    GELU   = x·Φ(x),  GELU′ = Φ + xφ,  GELU″ = 2φ + xφ′ = φ(x)·(2 − x²)
    GELU_tanh = (x/2)(1 + tanh u) = x·σ(v),  u = √(2/π)(x + 0.044715x³),  v = 2u
        v′ = 2√(2/π)(1 + 0.134145x²),  v″ = 2√(2/π)·0.26829x
        GELU_tanh′ = σ(v) + x·σ′(v)·v′
        GELU_tanh″ = 2σ′(v)v′ + x·(σ″(v)v′² + σ′(v)v″)
    Mish = x·T,  T = tanh(softplus(x)); with w = eˣ, D = w² + 2w + 2:
        T = w(w+2)/D,  T′ = sech²(softplus)·σ = 4w(w+1)/D²,
        T″ = 4w(−2w³ − 3w² + 2w + 2)/D³
      and with t = e^(−x) (used for x > 0), Dₜ = 1 + 2t + 2t²:
        T = (1+2t)/Dₜ,  T′ = 4t²(1+t)/Dₜ²,  T″ = 4t²(−2 − 3t + 2t² + 2t³)/Dₜ³
        Mish′ = T + xT′,  Mish″ = 2T′ + xT″

Asymptotic forms used beyond BIG (a = |x|):
    σ(−a) ≈ e^(−a), σ′ ≈ e^(−a), σ″(x) ≈ −s·e^(−a);  tanh′ ≈ 4e^(−2a), tanh″ ≈ −8s·e^(−2a)
    softplus(−a) ≈ e^(−a), softplus(a) ≈ a;  SiLU(−a) ≈ −a·e^(−a), SiLU′(−a) ≈ (1−a)e^(−a),
    SiLU″(±a) ≈ (2 − a)e^(−a);  Mish(−a) ≈ −a·e^(−a), Mish′(−a) ≈ (1−a)e^(−a),
    Mish″(−a) ≈ (2−a)e^(−a), Mish″(a) ≈ 8(1−a)e^(−2a);  GELU through the Mills ratio
    (exact form, no truncation); GELU_tanh(v ≪ 0) ≈ x·e^v, ′ ≈ (1 + xv′)e^v,
    ″ ≈ (2v′ + xv′² + xv″)e^v, and ″(v ≫ 0) ≈ (2v′ − xv′² + xv″)e^(−v).

erf and erfc (own series):
    erf(x)  = (2/√π)·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1))   (all terms positive)
    erfc(x) = 1 − erf(x) for x²·log10(e) < working digits (guard digits added),
            = (e^(−x²)/√π)·1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …))))  beyond;
    erfc(−x) = 1 + erf(x).  Φ(−a) = 1/2 − φ(a)·Σ a^(2n+1)/(1·3·…·(2n+1)) for moderate a and
    Φ(−a) = φ(a)·R(a), R(a) = 1/(a + 1/(a + 2/(a + 3/(a + …)))) (Mills ratio) beyond.
    Both continued fractions have positive elements, so consecutive convergents bracket the
    value: they are stopped when two consecutive ones agree to the working precision.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from decimal import (
    MAX_EMAX,
    MIN_EMIN,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    Underflow,
    localcontext,
)
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import NamedTuple

BIG = Decimal(10**6)
MAX_PREC = 10_000
LOG10_E = 0.4342944819032518  # float: only used to size guard digits


def _lost_digits(a: Decimal, scale: float) -> float:
    """scale·a²·log10(e): the digits 1 − erf-like cancellation loses (inf when huge)."""
    return math.inf if a > 10**100 else scale * float(a) ** 2 * LOG10_E


class Scaled(NamedTuple):
    """significand·10**exponent, for values outside decimal's exponent range."""

    significand: Decimal  # 1 ≤ |significand| < 10
    exponent: int


Value = Decimal | Scaled
Number = Decimal | float | int | str

FAMILY = ("sigmoid", "tanh", "softplus", "log_sigmoid", "silu", "gelu", "gelu_tanh", "mish")

_TRAPS = [InvalidOperation, DivisionByZero, Overflow, Underflow]
# exact arithmetic on the inputs (x², x³, 2 − x², …): an inexact result is an error here
_EXACT = Context(prec=100_000, Emin=MIN_EMIN, Emax=MAX_EMAX, traps=[*_TRAPS, Inexact])


@cache
def _ctx(digits: int) -> Context:
    return Context(
        prec=digits, rounding=ROUND_HALF_EVEN, Emin=MIN_EMIN, Emax=MAX_EMAX, traps=_TRAPS
    )


def to_decimal(x: Number) -> Decimal:
    """The exact value of x (floats convert exactly)."""
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"finite input required, got {x}")
    d = x if isinstance(x, Decimal) else Decimal(x)
    if not d.is_finite():
        raise ValueError(f"finite input required, got {x}")
    return d


# ---------------------------------------------------------------- values beyond range


def _normalise(m: Decimal, k: int, digits: int) -> Value:
    """m·10**k as a Decimal when it fits in decimal's range, else as Scaled."""
    if m == 0:
        return Decimal(0)
    total = m.adjusted() + k
    if MIN_EMIN + 10 * digits < total < MAX_EMAX - 10 * digits:
        return _ctx(digits).scaleb(m, k)
    c = _ctx(digits)
    return Scaled(c.scaleb(m, -m.adjusted()), total)


def _exp(y: Decimal, digits: int) -> Value:
    """e**y to `digits` digits for any exact y. Beyond |y| = 10**15 through
    e**y = 10**(y·log10 e) = 10**f · 10**k, f = frac part, k = floor."""
    if abs(y) < Decimal(10**15):
        return _ctx(digits + 5).exp(y)
    c = _ctx(y.adjusted() + digits + 15)
    t = c.divide(y, c.ln(10))
    k = int(t.to_integral_value(rounding=ROUND_FLOOR))
    f = c.subtract(t, k)
    significand = _ctx(digits + 5).exp(c.multiply(f, c.ln(10)))
    return _normalise(significand, k, digits + 5)


def _scale(a: Decimal, v: Value, digits: int) -> Value:
    """a·v."""
    if isinstance(v, Decimal):
        return _ctx(digits + 5).multiply(a, v)
    m = _ctx(digits + 5).multiply(a, v.significand)
    return _normalise(m, v.exponent, digits + 5)


def _neg(v: Value) -> Value:
    return -v if isinstance(v, Decimal) else Scaled(-v.significand, v.exponent)


def round_value(v: Value, prec: int) -> Value:
    """v rounded to prec significant digits (half-even)."""
    if isinstance(v, Decimal):
        return _ctx(prec).plus(v)
    m = _ctx(prec).plus(v.significand)
    return _normalise(m, v.exponent, prec)


def _one_minus(v: Value, digits: int) -> Decimal:
    """1 − v for 0 ≤ v ≤ 1/2 (a Scaled v is below 10**−10**18: 1 − v rounds to 1)."""
    if isinstance(v, Scaled):
        return Decimal(1)
    return _ctx(digits).subtract(1, v)


# ---------------------------------------------------------------- own elementary series


def _expm1(z: Decimal, digits: int) -> Decimal:
    """eᶻ − 1, relatively accurate near 0 (series for |z| ≤ 1/2, else exp(z) − 1)."""
    c = _ctx(digits + 5)
    if abs(z) > Decimal("0.5"):
        return c.subtract(c.exp(z), 1)
    total = Decimal(0)
    term = Decimal(1)
    k = 0
    while True:
        k += 1
        term = c.divide(c.multiply(term, z), k)
        total = c.add(total, term)
        # |z| ≤ 1/2: the tail after this term is below |term|
        if term == 0 or abs(term) < abs(total).scaleb(-(digits + 4)):
            return total


def _log1p(u: Decimal, digits: int) -> Decimal:
    """log(1 + u) for u > −1: 2·atanh(u/(2+u)) series for |u| ≤ 1/2, else ln(1 + u)."""
    c = _ctx(digits + 5)
    if abs(u) > Decimal("0.5"):
        return c.ln(c.add(1, u))
    v = c.divide(u, c.add(2, u))  # |v| ≤ 1/3
    v2 = c.multiply(v, v)
    power = v
    total = v
    n = 1
    while True:
        power = c.multiply(power, v2)
        n += 2
        term = c.divide(power, n)
        total = c.add(total, term)
        if term == 0 or abs(term) < abs(total).scaleb(-(digits + 4)):
            return c.multiply(2, total)


def _positive_series(x: Decimal, scale: int, digits: int) -> Decimal:
    """Σₙ scaleⁿ·x^(2n+1)/(1·3·5·…·(2n+1)) for x ≥ 0, all terms positive. Term ratio
    r = scale·x²/(2n+3) decreases; once r < 1/2 the tail is below 2·term·r."""
    c = _ctx(digits + 5)
    q = c.multiply(scale, c.multiply(x, x))
    term = x
    total = x
    n = 0
    while True:
        ratio = c.divide(q, 2 * n + 3)
        term = c.multiply(term, ratio)
        total = c.add(total, term)
        n += 1
        if term == 0:
            return total
        if ratio < Decimal("0.5") and c.multiply(2, term) < total.scaleb(-(digits + 4)):
            return total


def _continued_fraction(x: Decimal, scale: int, digits: int) -> Decimal:
    """1/(x + (1/scale)/(x + (2/scale)/(x + (3/scale)/(x + …)))) for x > 0, by the
    forward recurrence. Elements are positive, so consecutive convergents bracket the
    value; stop when two agree to `digits` digits."""
    c = _ctx(digits + 10)
    a_prev, a_cur = Decimal(1), x  # numerators  A₋₁, A₀
    b_prev, b_cur = Decimal(0), Decimal(1)  # denominators B₋₁, B₀
    previous = c.divide(a_cur, b_cur)
    for k in range(1, 1_000_000):
        ak = c.divide(k, scale)
        a_prev, a_cur = a_cur, c.add(c.multiply(x, a_cur), c.multiply(ak, a_prev))
        b_prev, b_cur = b_cur, c.add(c.multiply(x, b_cur), c.multiply(ak, b_prev))
        current = c.divide(a_cur, b_cur)
        if abs(current - previous) <= abs(current).scaleb(-(digits + 3)):
            return c.divide(1, current)
        previous = current
        if k % 64 == 0:  # keep the recurrence's numbers small
            shift = -b_cur.adjusted()
            a_prev, a_cur = a_prev.scaleb(shift), a_cur.scaleb(shift)
            b_prev, b_cur = b_prev.scaleb(shift), b_cur.scaleb(shift)
    raise ArithmeticError(f"continued fraction at {x} did not settle")


@cache
def _sqrt_pi(digits: int) -> Decimal:
    return _ctx(digits + 5).sqrt(_pi(digits + 5))


@cache
def _pi(digits: int) -> Decimal:
    """π from Machin's formula π/4 = 4·atan(1/5) − atan(1/239)."""
    c = _ctx(digits + 10)

    def atan_inv(n: int) -> Decimal:
        x = c.divide(1, n)
        x2 = c.multiply(x, x)
        power, total, k, sign = x, x, 1, -1
        while True:
            power = c.multiply(power, x2)
            k += 2
            term = c.divide(power, k)
            total = c.add(total, sign * term)
            sign = -sign
            if term < Decimal(10) ** -(digits + 8):
                return total

    return c.multiply(4, c.subtract(c.multiply(4, atan_inv(5)), atan_inv(239)))


def _sqrt_2pi(digits: int) -> Decimal:
    c = _ctx(digits + 5)
    return c.sqrt(c.multiply(2, _pi(digits + 5)))


# ---------------------------------------------------------------- erf, erfc, Φ


def _erf_kernel(x: Decimal, wp: int) -> Value:
    a = abs(x)
    if a == 0:
        return Decimal(0)
    c = _ctx(wp)
    if a > BIG:
        return Decimal(1).copy_sign(x)  # 1 − erfc(a), erfc(a) < 10^(−4e11)
    if _lost_digits(a, 1) < wp:
        x2 = _EXACT.multiply(a, a)
        series = _positive_series(a, 2, wp)
        value = c.multiply(c.divide(2, _sqrt_pi(wp)), c.multiply(_ctx(wp + 5).exp(-x2), series))
    else:
        value = _one_minus(_erfc_tail(a, wp), wp)
    return value.copy_sign(x)


def _erfc_tail(a: Decimal, wp: int) -> Value:
    """erfc(a) for large a > 0 by the continued fraction; e^(−a²) with a² exact."""
    k = _continued_fraction(a, 2, wp)
    x2 = _EXACT.multiply(a, a)
    return _scale(_ctx(wp + 5).divide(k, _sqrt_pi(wp)), _exp(-x2, wp), wp)


def _erfc_kernel(x: Decimal, wp: int) -> Value:
    c = _ctx(wp)
    if x <= 0:
        return c.add(1, _erf_kernel(-x, wp))
    if _lost_digits(x, 1) < wp:
        guard = int(_lost_digits(x, 1)) + 5
        return _ctx(wp).subtract(1, _erf_kernel(x, wp + guard))
    return _erfc_tail(x, wp)


def _phi(x: Decimal, wp: int) -> Value:
    """φ(x) = e^(−x²/2)/√(2π), with x²/2 exact."""
    y = _EXACT.divide(_EXACT.multiply(x, x), -2)
    return _scale(_ctx(wp + 5).divide(1, _sqrt_2pi(wp)), _exp(y, wp), wp)


def _lower_tail(a: Decimal, wp: int) -> Value:
    """Φ(−a) for a ≥ 0."""
    if _lost_digits(a, 0.5) < wp:
        guard = int(_lost_digits(a, 0.5)) + 5
        w = wp + guard
        c = _ctx(w)
        phi = _phi(a, w)
        return _ctx(wp).plus(c.subtract(Decimal("0.5"), c.multiply(phi, _positive_series(a, 1, w))))
    r = _continued_fraction(a, 1, wp)  # Mills ratio R(a), Φ(−a) = φ(a)·R(a)
    return _scale(r, _phi(a, wp), wp)


def _mills_ratio(a: Decimal, wp: int) -> Decimal:
    return _continued_fraction(a, 1, wp)


# ---------------------------------------------------------------- the family


def _sigmoid_kernel(x: Decimal, order: int, wp: int) -> Value:
    a = abs(x)
    s = 1 if x >= 0 else -1
    if a > BIG:
        if order == 0:
            return Decimal(1) if x > 0 else _exp(-a, wp)
        return _exp(-a, wp) if order == 1 else _scale(Decimal(-s), _exp(-a, wp), wp)
    c = _ctx(wp)
    e = c.exp(-a)
    one_e = c.add(1, e)
    if order == 0:
        return c.divide(1, one_e) if x >= 0 else c.divide(e, one_e)
    if order == 1:
        return c.divide(e, c.multiply(one_e, one_e))
    return c.divide(c.multiply(s, c.multiply(e, _expm1(-a, wp))), c.power(one_e, 3))


def _tanh_kernel(x: Decimal, order: int, wp: int) -> Value:
    a = abs(x)
    s = 1 if x >= 0 else -1
    two_a = _EXACT.multiply(2, a)
    if a > BIG:
        if order == 0:
            return Decimal(s)
        return _scale(Decimal(4 if order == 1 else -8 * s), _exp(-two_a, wp), wp)
    c = _ctx(wp)
    m = _expm1(-two_a, wp)
    t = c.divide(-m, c.add(2, m))
    if order == 0:
        return t if s > 0 else -t
    q = c.exp(-two_a)
    sech2 = c.divide(c.multiply(4, q), c.power(c.add(1, q), 2))
    if order == 1:
        return sech2
    return c.multiply(-2 * s, c.multiply(t, sech2))


def _softplus_kernel(x: Decimal, order: int, wp: int) -> Value:
    if order > 0:
        return _sigmoid_kernel(x, order - 1, wp)
    if x > BIG:
        return x  # x + log1p(e^(−x)), e^(−x)/x < 10^(−434300)
    if x < -BIG:
        return _exp(x, wp)  # log1p(w) = w·(1 − w/2 + …)
    c = _ctx(wp)
    if x >= 0:
        return c.add(x, _log1p(c.exp(-x), wp))
    return _log1p(c.exp(x), wp)


def _log_sigmoid_kernel(x: Decimal, order: int, wp: int) -> Value:
    if order == 0:
        return _neg(_softplus_kernel(-x, 0, wp))
    if order == 1:
        return _sigmoid_kernel(-x, 0, wp)
    return _neg(_sigmoid_kernel(x, 1, wp))


def _silu_kernel(x: Decimal, order: int, wp: int) -> Value:
    a = abs(x)
    if a > BIG:
        if order == 2:
            return _scale(_EXACT.subtract(2, a), _exp(-a, wp), wp)
        if x > 0:
            return x if order == 0 else Decimal(1)
        factor = x if order == 0 else _EXACT.add(1, x)
        return _scale(factor, _exp(x, wp), wp)
    c = _ctx(wp)
    if order == 0:
        return c.multiply(x, _sigmoid_kernel(x, 0, wp))
    if order == 1:
        sig, sig_neg = _sigmoid_kernel(x, 0, wp), _sigmoid_kernel(-x, 0, wp)
        return c.multiply(sig, c.add(1, c.multiply(x, sig_neg)))
    m = _expm1(-a, wp)
    x_tanh_half = c.multiply(a, c.divide(-m, c.add(2, m)))  # x·tanh(x/2), even
    return c.multiply(_sigmoid_kernel(x, 1, wp), c.subtract(2, x_tanh_half))


def _gelu_kernel(x: Decimal, order: int, wp: int) -> Value:
    c = _ctx(wp)
    if order == 2:
        two_minus = _EXACT.subtract(2, _EXACT.multiply(x, x))
        return _scale(two_minus, _phi(x, wp), wp)
    a = abs(x)
    if x >= 0:
        if a > BIG:
            return x if order == 0 else Decimal(1)
        lower = _lower_tail(a, wp)  # Φ(−x) ≤ 1/2
        if order == 0:
            return c.multiply(x, _one_minus(lower, wp))
        phi = _phi(x, wp)
        assert isinstance(lower, Decimal) and isinstance(phi, Decimal)
        return c.add(c.subtract(1, lower), c.multiply(x, phi))
    # x < 0: Φ(x) = Φ(−a)
    series_regime = _lost_digits(a, 0.5) < wp
    if series_regime:
        lower = _lower_tail(a, wp)
        if order == 0:
            return _scale(x, lower, wp)
        phi = _phi(a, wp)
        assert isinstance(lower, Decimal) and isinstance(phi, Decimal)
        return c.subtract(lower, c.multiply(a, phi))
    r = _mills_ratio(a, wp)  # Φ(−a) = φ(a)·R(a): GELU = −a·R·φ, GELU′ = (R − a)·φ
    factor = c.multiply(x, r) if order == 0 else c.subtract(r, a)
    return _scale(factor, _phi(a, wp), wp)


GELU_TANH_C = Decimal("0.044715")


def _gelu_tanh_kernel(x: Decimal, order: int, wp: int) -> Value:
    x2 = _EXACT.multiply(x, x)
    w = _EXACT.add(x, _EXACT.multiply(GELU_TANH_C, _EXACT.multiply(x2, x)))
    big_digits = max(0, w.adjusted()) + 15
    p = wp + big_digits
    cp = _ctx(p)
    k2 = cp.multiply(2, cp.sqrt(cp.divide(2, _pi(p))))  # 2√(2/π)
    v = cp.multiply(k2, w)  # absolute error below 10^(−wp−10)
    c = _ctx(wp + 5)
    v1 = c.multiply(k2, _EXACT.add(1, _EXACT.multiply(3 * GELU_TANH_C, x2)))
    v2 = c.multiply(k2, _EXACT.multiply(6 * GELU_TANH_C, x))
    if abs(v) > BIG:
        if v > 0:
            if order < 2:
                return x if order == 0 else Decimal(1)
            factor = c.add(
                c.subtract(c.multiply(2, v1), c.multiply(x, c.multiply(v1, v1))), c.multiply(x, v2)
            )
            return _scale(factor, _exp(-v, wp), wp)
        if order == 0:
            factor = x
        elif order == 1:
            factor = c.add(1, c.multiply(x, v1))
        else:
            factor = c.add(
                c.add(c.multiply(2, v1), c.multiply(x, c.multiply(v1, v1))), c.multiply(x, v2)
            )
        return _scale(factor, _exp(v, wp), wp)
    s0, s1, s2 = (_sigmoid_kernel(v, n, wp + 5) for n in range(3))
    if order == 0:
        return c.multiply(x, s0)
    if order == 1:
        return c.add(s0, c.multiply(x, c.multiply(s1, v1)))
    inner = c.add(c.multiply(s2, c.multiply(v1, v1)), c.multiply(s1, v2))
    return c.add(c.multiply(2, c.multiply(s1, v1)), c.multiply(x, inner))


def _mish_kernel(x: Decimal, order: int, wp: int) -> Value:
    a = abs(x)
    if a > BIG:
        if x > 0:
            if order < 2:
                return x if order == 0 else Decimal(1)
            return _scale(
                _EXACT.multiply(8, _EXACT.subtract(1, x)), _exp(_EXACT.multiply(-2, a), wp), wp
            )
        factor = [x, _EXACT.add(1, x), _EXACT.add(2, x)][order]
        return _scale(factor, _exp(x, wp), wp)
    c = _ctx(wp + 5)
    if x <= 0:
        w = c.exp(x)
        d = c.add(c.multiply(w, w), c.add(c.multiply(2, w), 2))
        t0 = c.divide(c.multiply(w, c.add(w, 2)), d)
        t1 = c.divide(c.multiply(4, c.multiply(w, c.add(w, 1))), c.multiply(d, d))
        poly = c.add(
            c.multiply(c.multiply(w, w), c.add(c.multiply(-2, w), -3)), c.add(c.multiply(2, w), 2)
        )
        t2 = c.divide(c.multiply(4, c.multiply(w, poly)), c.power(d, 3))
    else:
        t = c.exp(-x)
        d = c.add(1, c.add(c.multiply(2, t), c.multiply(2, c.multiply(t, t))))
        t0 = c.divide(c.add(1, c.multiply(2, t)), d)
        tt = c.multiply(t, t)
        t1 = c.divide(c.multiply(4, c.multiply(tt, c.add(1, t))), c.multiply(d, d))
        poly = c.add(c.add(-2, c.multiply(-3, t)), c.multiply(tt, c.add(2, c.multiply(2, t))))
        t2 = c.divide(c.multiply(4, c.multiply(tt, poly)), c.power(d, 3))
    if order == 0:
        return c.multiply(x, t0)
    if order == 1:
        return c.add(t0, c.multiply(x, t1))
    return c.add(c.multiply(2, t1), c.multiply(x, t2))


_KERNELS: dict[str, Callable[[Decimal, int, int], Value]] = {
    "sigmoid": _sigmoid_kernel,
    "tanh": _tanh_kernel,
    "softplus": _softplus_kernel,
    "log_sigmoid": _log_sigmoid_kernel,
    "silu": _silu_kernel,
    "gelu": _gelu_kernel,
    "gelu_tanh": _gelu_tanh_kernel,
    "mish": _mish_kernel,
}


def _settle(kernel: Callable[[Decimal, int], Value], x: Decimal, prec: int) -> Value:
    """Evaluate at growing working precisions until two consecutive results round to the
    same `prec` digits."""
    if not 1 <= prec <= MAX_PREC:
        raise ValueError(f"prec must be in 1..{MAX_PREC}")
    wp = prec + 15
    # stray operators (−x, 2·a, …) run in an exact context: any rounding there is an error
    with localcontext(_EXACT):
        previous = round_value(kernel(x, wp), prec)
        while wp < 8 * prec + 400:
            wp = wp + max(20, wp // 2)
            current = round_value(kernel(x, wp), prec)
            if current == previous:
                return current
            previous = current
    raise ArithmeticError(f"no stable {prec}-digit value at {x}")


def decimal_family(name: str, x: Number, order: int = 0, prec: int = 60) -> Value:
    """The family function `name` (see FAMILY) or its derivative of order 1 or 2 at x, to
    `prec` significant digits."""
    if order not in (0, 1, 2):
        raise ValueError("order must be 0, 1 or 2")
    kernel = _KERNELS[name]
    return _settle(lambda t, wp: kernel(t, order, wp), to_decimal(x), prec)


def decimal_erf(x: Number, prec: int = 60) -> Value:
    return _settle(_erf_kernel, to_decimal(x), prec)


def decimal_erfc(x: Number, prec: int = 60) -> Value:
    return _settle(_erfc_kernel, to_decimal(x), prec)


def decimal_tanh(x: Number, prec: int = 60) -> Value:
    return decimal_family("tanh", x, 0, prec)


def decimal_expm1(x: Number, prec: int = 60) -> Value:
    return _settle(lambda t, wp: _expm1(t, wp) if t > -BIG else Decimal(-1), to_decimal(x), prec)


def decimal_log(x: Number, prec: int = 60) -> Value:
    """log x (decimal's own correctly rounded ln)."""
    return _ctx(prec).ln(to_decimal(x))


# ---------------------------------------------------------------- binary64 rounding


def value_to_fraction(v: Value) -> Fraction:
    """Exact rational value of a Decimal (a Scaled value is too large or small to be one)."""
    if isinstance(v, Scaled):
        raise OverflowError("Scaled values have no practical Fraction")
    return Fraction(v)


def _binade_ulp(q: Fraction) -> Fraction:
    """The binary64 ulp of the binade holding |q| > 0 (2^−1074 below 2^−1022)."""
    a = abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e > a:
        e -= 1
    return Fraction(2) ** (max(e, -1022) - 52)


def binary64_nearest(q: Fraction) -> float:
    """q rounded to binary64, round-to-nearest-even, by exact rational arithmetic."""
    if q == 0:
        return 0.0
    ulp = _binade_ulp(q)
    t = abs(q) / ulp
    n = t.numerator // t.denominator
    rest = t - n
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and n % 2 == 1):
        n += 1
    magnitude = n * ulp
    if magnitude >= Fraction(2) ** 1024:
        return math.inf if q > 0 else -math.inf
    result = float(magnitude)  # exact: n·ulp is a binary64 number
    assert Fraction(result) == magnitude
    return result if q > 0 else -result


def midpoint_distance(q: Fraction) -> Fraction:
    """Distance from q to the nearest midpoint between two binary64 numbers, in ulps of
    q's binade (0 means q IS a midpoint)."""
    ulp = _binade_ulp(q)
    t = abs(q) / ulp
    rest = t - t.numerator // t.denominator
    return abs(rest - Fraction(1, 2))


# ---------------------------------------------------------------- published hard cases

HARD_TO_ROUND = Path(__file__).parent / "data" / "hard_to_round.toml"


class HardCase(NamedTuple):
    function: str  # tanh, erf, erfc, expm1, log
    x: float
    nearest: float  # f(x) rounded to nearest-even binary64
    log2_distance: float  # log2 of |f(x) − nearest midpoint| in ulps (measured)
    source: str


def hard_to_round_cases() -> list[HardCase]:
    data = tomllib.loads(HARD_TO_ROUND.read_text())
    return [
        HardCase(
            function=case["function"],
            x=float.fromhex(case["x"]),
            nearest=float.fromhex(case["nearest"]),
            log2_distance=case["log2_distance"],
            source=data["sources"][case["source"]],
        )
        for case in data["case"]
    ]


DECIMAL_REFERENCE: dict[str, Callable[[Number, int], Value]] = {
    "tanh": decimal_tanh,
    "erf": decimal_erf,
    "erfc": decimal_erfc,
    "expm1": decimal_expm1,
    "log": decimal_log,
}
