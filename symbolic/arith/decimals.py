"""Decimal digits from Arb balls: correctly rounded (ties to even) when the ball allows
it, exact values printed exactly, huge and tiny magnitudes handled in Arb."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import flint


def dyadic_ends(ball: flint.arb) -> tuple[tuple[int, int], tuple[int, int]]:
    """The ends of the ball as exact dyadics (mantissa, exponent)."""
    mid_m, mid_e = (int(v) for v in ball.mid().man_exp())
    rad_m, rad_e = (int(v) for v in ball.rad().man_exp())
    if rad_m == 0:
        return (mid_m, mid_e), (mid_m, mid_e)
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
    return f"{sign}{digits[0]}{tail}e{leading:+d}"


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
    such as e^(−10^30) never become huge Python integers.
    """
    magnitude = abs(ball)
    log10 = magnitude.log() / flint.arb(10).log()
    ends = [math.floor(dyadic_fraction(end)) for end in dyadic_ends(log10)]
    if ends[0] != ends[1]:
        return None
    leading = ends[0]
    scaled = magnitude * flint.arb(10) ** (digits - 1 - leading)
    rounded_ends = {round_half_even(dyadic_fraction(end)) for end in dyadic_ends(scaled)}
    if len(rounded_ends) != 1:
        return None
    (n,) = rounded_ends
    q = leading - digits + 1
    if n == 10**digits:
        n, q = n // 10, q + 1
    return DecimalValue(bool(ball < 0), _big_int_text(n), q, exact=False)


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
