"""Decimal digits from Arb balls: correctly rounded (ties to even) when the ball allows
it, exact values printed exactly, huge and tiny magnitudes handled in Arb."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import flint

MAX_END_BITS = 1 << 20  # ends of a ball are kept exact up to this many bits


def dyadic_ends(ball: flint.arb) -> tuple[tuple[int, int], tuple[int, int]]:
    """Exact dyadics (mantissa, exponent) at, or just outside, the ends of the ball.

    The ends are mid ± rad exactly, unless the radius and the midpoint differ in size by
    more than MAX_END_BITS bits (1 ± 2^(−10^80), or Arb's 2^(−2^190) ± 1): then they are
    rounded outward to that many bits, so that they never become integers of 10^80 bits.
    """
    mid_m, mid_e = (int(v) for v in ball.mid().man_exp())
    rad_m, rad_e = (int(v) for v in ball.rad().man_exp())
    if rad_m == 0:
        return (mid_m, mid_e), (mid_m, mid_e)
    if mid_m and abs(mid_e - rad_e) > MAX_END_BITS:
        old = flint.ctx.prec
        flint.ctx.prec = MAX_END_BITS
        try:
            low, high = ball.lower().man_exp(), ball.upper().man_exp()
        finally:
            flint.ctx.prec = old
        return (int(low[0]), int(low[1])), (int(high[0]), int(high[1]))
    e = min(mid_e, rad_e)
    mid_scaled = mid_m << (mid_e - e)
    rad_scaled = rad_m << (rad_e - e)
    return (mid_scaled - rad_scaled, e), (mid_scaled + rad_scaled, e)


# ----------------------------------------------------------------------------- decimal


@dataclass(frozen=True)
class DecimalValue:
    """±digits·10^exponent with len(digits) = D (or fewer when the value is exact)."""

    negative: bool
    digits: str
    exponent: int  # of the last digit
    exact: bool

    def __str__(self) -> str:
        return format_decimal(self.negative, self.digits, self.exponent)


def format_decimal(negative: bool, digits: str, exponent: int) -> str:
    """Positional for moderate magnitudes, scientific otherwise (like Python's repr)."""
    sign = "-" if negative else ""
    if digits == "0":
        return f"{sign}0"
    leading = exponent + len(digits) - 1  # exponent of the first digit
    if -6 <= leading < max(len(digits), 21):
        if exponent >= 0:
            return f"{sign}{digits}{'0' * exponent}"
        point = len(digits) + exponent
        if point > 0:
            return f"{sign}{digits[:point]}.{digits[point:]}"
        return f"{sign}0.{'0' * -point}{digits}"
    tail = f".{digits[1:]}" if len(digits) > 1 else ""
    power = ("-" if leading < 0 else "+") + _big_int_text(abs(leading))
    return f"{sign}{digits[0]}{tail}e{power}"


def round_decimal(value: Fraction, digits: int) -> tuple[bool, int, int]:
    """(negative, N, q) with N·10^q the value rounded to `digits` significant digits."""
    negative = value < 0
    magnitude = abs(value)
    leading = _decimal_exponent(magnitude)
    q = leading - digits + 1
    n = round_half_even(magnitude / Fraction(10) ** q)
    if n == 10**digits:  # 9.99… rounded up to 10.0…
        n //= 10
        q += 1
    return negative, n, q


def _decimal_exponent(magnitude: Fraction) -> int:
    """floor(log10(magnitude)) for magnitude > 0, exactly."""
    estimate = math.floor(
        (magnitude.numerator.bit_length() - magnitude.denominator.bit_length()) * math.log10(2)
    )
    while Fraction(10) ** estimate > magnitude:
        estimate -= 1
    while Fraction(10) ** (estimate + 1) <= magnitude:
        estimate += 1
    return estimate


def floor_dyadic(dyadic: tuple[int, int]) -> int:
    """⌊m·2^e⌋ by shifting: no Fraction of 2^e, whatever the size of e."""
    mantissa, exponent = dyadic
    if exponent >= 0:
        return mantissa << exponent
    if -exponent > mantissa.bit_length() + 1:
        return -1 if mantissa < 0 else 0
    return mantissa >> -exponent


def dyadic_fraction(dyadic: tuple[int, int]) -> Fraction:
    mantissa, exponent = dyadic
    return Fraction(mantissa) * Fraction(2) ** exponent


def _big_int_text(n: int) -> str:
    # Python refuses str() of ints over 4300 digits by default; FLINT has no such limit.
    return str(flint.fmpz(n))


def decide_decimal(digits: int):
    def decide(ball: flint.arb) -> DecimalValue | None:
        low, high = dyadic_ends(ball)
        if low == high:
            return exact_decimal(dyadic_fraction(low), digits)
        if low[0] <= 0 <= high[0]:
            return None  # the ball touches 0: its sign and exponent are unknown
        return _rounded_decimal_of_ball(ball, digits)

    return decide


def _rounded_decimal_of_ball(ball: flint.arb, digits: int) -> DecimalValue | None:
    """Round a ball that excludes 0 to `digits` digits, if both its ends agree.

    The decimal exponent and the scaling by a power of ten are done in Arb, so values
    such as e^(−10^30) never become huge Python integers. A ball that straddles a power
    of ten (σ(10^5) = 1 − 10^(−43430)) is decided by rounding each end with its own
    exponent: rounding is monotone, so when both ends give the same decimal, so does
    every value between them. The value never has to be separated from 10^k itself.
    """
    magnitude = abs(ball)
    log10 = magnitude.log() / flint.arb(10).log()
    ends = [floor_dyadic(end) for end in dyadic_ends(log10)]
    if ends[0] == ends[1]:
        rounded = _round_with_exponent(magnitude, ends[0], digits)
    elif ends[1] == ends[0] + 1:
        low, high = (flint.arb(flint.arb(m) * flint.arb(2) ** e) for m, e in dyadic_ends(magnitude))
        rounded = _round_with_exponent(low, ends[0], digits)
        if rounded is not None and rounded != _round_with_exponent(high, ends[1], digits):
            rounded = None
    else:
        return None
    if rounded is None:
        return None
    n, q = rounded
    return DecimalValue(bool(ball < 0), _big_int_text(n), q, exact=False)


def _round_with_exponent(magnitude: flint.arb, leading: int, digits: int) -> tuple[int, int] | None:
    """(n, q) with n·10^q the value rounded to `digits` digits, taking 10^leading as its
    leading power of ten; None when the ball's ends round apart or `leading` is wrong."""
    scaled = magnitude * flint.arb(10) ** (digits - 1 - leading)
    if not scaled.rad() < 1:
        return None  # 10^(−leading) is too coarse at this precision (|leading| ~ 10^38)
    rounded_ends = {round_half_even(dyadic_fraction(end)) for end in dyadic_ends(scaled)}
    if len(rounded_ends) != 1:
        return None
    (n,) = rounded_ends
    if not 10 ** (digits - 1) <= n <= 10**digits:
        return None  # the leading power of ten was not the value's
    q = leading - digits + 1
    if n == 10**digits:
        n, q = n // 10, q + 1
    return n, q


def round_half_even(value: Fraction) -> int:
    n = math.floor(value)
    rest = value - n
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and n % 2):
        n += 1
    return n


def exact_decimal(value: Fraction, digits: int) -> DecimalValue:
    """An exact value: all its digits when it has at most D of them, else rounded."""
    if value == 0:
        return DecimalValue(False, "0", 0, exact=True)
    negative, n, q = round_decimal(value, digits)
    exact = Fraction(n) * Fraction(10) ** q == abs(value)
    text = _big_int_text(n)
    if exact:
        stripped = text.rstrip("0")
        q += len(text) - len(stripped)
        text = stripped
    return DecimalValue(negative, text, q, exact=exact)
