"""Small helpers on arrays of graded floats, shared by the grading modules: exact
conversion to float64, calling an implementation, bit patterns and shortest decimals."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from symbolic.arith import ieee

Implementation = Callable[[np.ndarray], np.ndarray]


def as_float64(values: np.ndarray) -> np.ndarray:
    """Exact conversion to float64; NaN bit patterns (graded on purpose) stay NaN quietly."""
    with np.errstate(invalid="ignore"):
        return values.astype(np.float64)


def call(implementation: Implementation, x: np.ndarray, fmt: ieee.Format) -> np.ndarray:
    """The implementation's results in the format. Every bit pattern is graded, NaN and
    ±inf included, so NumPy's floating-point warnings on them are expected, not news."""
    with np.errstate(all="ignore"):
        return np.asarray(implementation(x)).astype(fmt.dtype)


def bits_to_float(bits: int, fmt: ieee.Format) -> float:
    unsigned = np.dtype(f"uint{fmt.dtype.itemsize * 8}")
    return float(np.array([bits], dtype=unsigned).view(fmt.dtype)[0])


def rounded(value: float, fmt: ieee.Format) -> ieee.Rounded:
    """A float of the format (as float64) as the format's rounded value, signed zero kept."""
    if math.isnan(value):
        return ieee.Rounded(False, None, 0)
    if math.isinf(value):
        return ieee.Rounded(value < 0, None, 0)
    result = ieee.round_fraction(Fraction(value), fmt)
    return (
        ieee.Rounded(math.copysign(1, value) < 0, result.significand, result.exponent)
        if value == 0
        else result
    )


def shortest(value: float, fmt: ieee.Format) -> str:
    """The shortest decimal that round-trips in the format ("nan", "inf", "-0" too)."""
    if math.isnan(value):
        return "nan"
    return ieee.shortest_decimal(rounded(value, fmt), fmt)


def number(value: float) -> float | str:
    """A ULP error for display: 4 significant digits, "inf" for infinity."""
    if math.isinf(value):
        return "inf"
    return float(f"{value:.4g}")
