"""IEEE binary formats: correct rounding of exact values, shortest decimals, hex, ULPs.

Values are handled exactly as dyadic rationals m·2^e (Python ints), so rounding is
done once, straight from the exact value or from both ends of a certified ball,
never through another float format (rounding twice is wrong).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import ml_dtypes
import numpy as np

from symbolic.arith.decimals import round_half_even
from symbolic.errors import SymbolicError


@dataclass(frozen=True)
class Format:
    """A binary format: `precision` significand bits (with the hidden bit), exponents."""

    name: str
    precision: int
    emin: int
    emax: int
    dtype: np.dtype

    @property
    def max_finite(self) -> Fraction:
        return Fraction((2**self.precision - 1) * 2 ** (self.emax - self.precision + 1))

    @property
    def min_subnormal_exponent(self) -> int:
        return self.emin - self.precision + 1


FORMATS: dict[str, Format] = {
    "float64": Format("float64", 53, -1022, 1023, np.dtype(np.float64)),
    "float32": Format("float32", 24, -126, 127, np.dtype(np.float32)),
    "float16": Format("float16", 11, -14, 15, np.dtype(np.float16)),
    "bfloat16": Format("bfloat16", 8, -126, 127, np.dtype(ml_dtypes.bfloat16)),
}


def format_named(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise SymbolicError(f"unknown format {name!r}: use {', '.join(FORMATS)}") from None


def format_of_dtype(dtype: np.dtype) -> Format:
    for fmt in FORMATS.values():
        if fmt.dtype == dtype:
            return fmt
    raise SymbolicError(f"no IEEE format for dtype {dtype}: use {', '.join(FORMATS)}")


@dataclass(frozen=True)
class Rounded:
    """A value of a format: ±significand·2^exponent, or ±inf (significand None)."""

    negative: bool
    significand: int | None
    exponent: int

    @property
    def is_inf(self) -> bool:
        return self.significand is None

    def as_fraction(self) -> Fraction:
        if self.significand is None:
            raise ValueError("infinite")
        value = Fraction(self.significand) * Fraction(2) ** self.exponent
        return -value if self.negative else value

    def as_float(self) -> float:
        """The value as a Python float (exact: every format here fits in float64)."""
        if self.significand is None:
            return -math.inf if self.negative else math.inf
        value = math.ldexp(self.significand, self.exponent)
        return -value if self.negative else value


def round_dyadic(mantissa: int, exponent: int, fmt: Format) -> Rounded:
    """Round m·2^e to the nearest value of `fmt`, ties to even, with subnormals and overflow."""
    negative = mantissa < 0
    m = abs(mantissa)
    if m == 0:
        return Rounded(negative, 0, 0)
    top = m.bit_length() - 1 + exponent  # 2^top <= |v| < 2^(top+1)
    if top > fmt.emax:
        return Rounded(negative, None, 0)
    quantum = max(top, fmt.emin) - fmt.precision + 1
    shift = quantum - exponent
    if shift > m.bit_length() + 1:
        return Rounded(negative, 0, 0)  # below half the smallest subnormal
    significand = m << -shift if shift <= 0 else round_half_even(Fraction(m, 1 << shift))
    return _normalised(negative, significand, quantum, fmt)


def _normalised(negative: bool, significand: int, quantum: int, fmt: Format) -> Rounded:
    """One representation per value: a carry into the next binade is folded back."""
    if significand == 0:
        return Rounded(negative, 0, 0)
    if significand == 1 << fmt.precision:
        significand, quantum = significand >> 1, quantum + 1
    if significand.bit_length() - 1 + quantum > fmt.emax:
        return Rounded(negative, None, 0)
    return Rounded(negative, significand, quantum)


def round_fraction(value: Fraction, fmt: Format) -> Rounded:
    """Round an exact rational (any denominator) to `fmt`."""
    if value == 0:
        return Rounded(False, 0, 0)
    negative = value < 0
    magnitude = abs(value)
    top = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
    if Fraction(2) ** top > magnitude:
        top -= 1
    if top > fmt.emax:
        return Rounded(negative, None, 0)
    if top < fmt.min_subnormal_exponent - 2:
        return Rounded(negative, 0, 0)
    quantum = max(top, fmt.emin) - fmt.precision + 1
    scaled = magnitude / Fraction(2) ** quantum
    significand = math.floor(scaled)
    rest = scaled - significand
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and significand & 1):
        significand += 1
    return _normalised(negative, significand, quantum, fmt)


def to_dtype(values: list[Rounded], fmt: Format) -> np.ndarray:
    """Rounded values as an array of the format's dtype (each conversion is exact)."""
    as_float64 = np.array([v.as_float() for v in values], dtype=np.float64)
    return as_float64.astype(fmt.dtype)


def shortest_decimal(value: Rounded, fmt: Format) -> str:
    """The shortest decimal string that rounds back to `value` in `fmt`."""
    if value.is_inf:
        return "-inf" if value.negative else "inf"
    if value.significand == 0:
        return "-0.0" if value.negative else "0.0"
    if fmt.name == "float64":
        return repr(value.as_float())
    exact = value.as_fraction()
    for digits in range(1, fmt.precision // 3 + 3):
        nearest = f"{float(exact):.{digits - 1}e}"
        for text in _neighbours(nearest):
            if round_fraction(Fraction(text), fmt) == value:
                return _tidy_scientific(text)
    raise AssertionError("no shortest decimal found")  # pragma: no cover


def _neighbours(text: str) -> list[str]:
    """The n-digit decimal nearest the value first, then the ones a unit on either side.

    Just below a power of two the round-trip interval is lopsided, so the nearest
    n-digit decimal can miss it while its neighbour on the wide side does not.
    """
    mantissa, exponent = text.split("e")
    places = len(mantissa.split(".")[1]) if "." in mantissa else 0
    step = Fraction(1, 10**places) * Fraction(10) ** int(exponent)
    centre = Fraction(text)
    return [text] + [f"{float(centre + k * step):.{places}e}" for k in (-1, 1)]


def _tidy_scientific(text: str) -> str:
    """'1.50e-03' → '0.0015'; '3.0e+38' → '3e+38': like Python's repr of floats."""
    as_float = float(text)
    mantissa, exp = text.split("e")
    exponent = int(exp)
    if -4 <= exponent < 16:
        digits = mantissa.replace("-", "").replace(".", "")
        shown = Fraction(int(digits), 10 ** (len(digits) - 1)) * Fraction(10) ** exponent
        return _plain_decimal(-shown if as_float < 0 else shown)
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{exponent:+03d}"


def _plain_decimal(value: Fraction) -> str:
    """An exact terminating decimal as text with at least one digit after the point."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    places = 0
    while value.denominator != 1 and places < 400:
        value *= 10
        places += 1
    digits = str(value.numerator).rjust(places + 1, "0")
    whole, fraction = digits[: len(digits) - places], digits[len(digits) - places :]
    return f"{sign}{whole}.{fraction or '0'}"


def hex_string(value: Rounded) -> str:
    """C99 hex float of the value, trailing zero digits removed: 0x1.92a6p-3."""
    if value.is_inf:
        return "-inf" if value.negative else "inf"
    if value.significand == 0:
        return "-0x0p+0" if value.negative else "0x0p+0"
    text = value.as_float().hex()
    mantissa, exponent = text.split("p")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}p{exponent}"


def ulp_exponent(true_value: Fraction, fmt: Format) -> int:
    """e with ULP = 2^e for a true value: e = max(exponent of v, emin) − p + 1."""
    if true_value == 0:
        return fmt.emin - fmt.precision + 1
    magnitude = abs(true_value)
    top = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
    if Fraction(2) ** top > magnitude:
        top -= 1
    return max(top, fmt.emin) - fmt.precision + 1


def ulp_distance(got: float, true_value: Fraction, fmt: Format) -> float:
    """|got − v| / 2^(max(e, emin) − p + 1), e the exponent of the true value v.

    inf or NaN results are infinitely far (math.inf).
    """
    if not math.isfinite(got):
        return math.inf
    difference = abs(Fraction(got) - true_value)
    return float(difference / Fraction(2) ** ulp_exponent(true_value, fmt))
