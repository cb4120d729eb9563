"""The certified oracle: true values to D digits and correctly rounded IEEE references.

    import numpy as np, symbolic
    symbolic.numbers.oracle.value("diff(sigmoid(x), x)", "0.1", digits=100)   # str, certified
    ref = symbolic.numbers.oracle.rounded("sigmoid(x)", xs, order=1)          # float32 in, float32 out
    np.testing.assert_array_max_ulp(my_sigmoid_grad(xs), ref, maxulp=2)

Every answer comes from a rigorous enclosure (Arb balls) whose precision is raised
until the answer is certain (Ziv's strategy): both ends of the ball round to the
same D-digit decimal, or to the same value of the IEEE format. Rounding is
monotone, so the true value inside the ball rounds to that same answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import TypeVar

import flint
import mpmath
import numpy as np
import sympy
from sympy import Expr

from symbolic.arith import ieee
from symbolic.arith.arb import ball_of_rational, precision
from symbolic.arith.decimals import (
    DecimalValue,
    decide_decimal,
    dyadic_ends,
    dyadic_fraction,
)
from symbolic.errors import SymbolicError
from symbolic.functions import FloatKernel, named_derivative
from symbolic.language.definedness import Condition, of_tree
from symbolic.language.parser import (
    Environment,
    X,
    parse,
    parse_constant,
    parse_with_conditions,
)
from symbolic.language.printing import to_language
from symbolic.numbers import fastpath
from symbolic.numbers.enclosure import enclose, prepare
from symbolic.numbers.exact import sign

MAX_DIGITS = 100_000
START_BITS = 64
MAX_BITS = 1 << 18
T = TypeVar("T")
MAX_NAN_RETRIES = 3


# ----------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Point:
    """A value of x: exact (a rational) or a constant expression such as log(3)."""

    text: str
    expr: Expr

    @property
    def rational(self) -> Fraction | None:
        if self.expr.is_Rational:
            return Fraction(int(self.expr.p), int(self.expr.q))
        return None

    def ball(self, bits: int) -> flint.arb:
        """A ball around the point at `bits` of precision (exact for dyadic rationals)."""
        if self.expr.is_Rational:
            with precision(bits):
                return ball_of_rational(int(self.expr.p), int(self.expr.q))
        return enclose(prepare(self.expr), None, bits)


def to_point(x: object) -> Point:
    """Any supported input as an exact point.

    str: a decimal or an expression (`0.1` is exactly one tenth); float and NumPy
    floats: their exact binary value; int, Fraction, mpmath.mpf, SymPy numbers.
    """
    if isinstance(x, Point):
        return x
    if isinstance(x, str):
        if x.strip().lower().lstrip("+-") in {"nan", "inf", "infinity"}:
            raise SymbolicError(f"x must be a finite number, got {x.strip()!r}")
        return Point(x.strip(), _finite(parse_constant(x), x))
    if isinstance(x, bool):
        raise SymbolicError(f"x must be a number, not {x!r}")
    if isinstance(x, int | np.integer):
        return Point(str(int(x)), sympy.Integer(int(x)))
    if isinstance(x, float | np.floating):
        if not math.isfinite(float(x)):
            raise SymbolicError(f"x must be finite, got {x!r}")
        value = Fraction(float(x))
        return Point(repr(float(x)), sympy.Rational(value.numerator, value.denominator))
    if isinstance(x, Fraction):
        return Point(str(x), sympy.Rational(x.numerator, x.denominator))
    if isinstance(x, mpmath.mpf):
        if not mpmath.isfinite(x):
            raise SymbolicError(f"x must be finite, got {x!r}")
        mantissa, exponent = x.man_exp
        value = Fraction(int(mantissa)) * Fraction(2) ** int(exponent)
        return Point(mpmath.nstr(x, 20), sympy.Rational(value.numerator, value.denominator))
    if isinstance(x, sympy.Basic) and x.is_number:
        return Point(str(x), _finite(sympy.S(x), str(x)))
    raise SymbolicError(f"unsupported type for x: {type(x).__name__}")


def _finite(expr: Expr, text: str) -> Expr:
    if expr.is_infinite or expr.has(sympy.oo, sympy.zoo, sympy.nan):
        raise SymbolicError(f"x must be finite, got {text!r}")
    return expr


def to_expression(expr: str | Expr, order: int = 0, env: Environment | None = None) -> Expr:
    """An expression (text of the language, or SymPy), differentiated `order` times."""
    parsed = parse(expr, env) if isinstance(expr, str) else expr
    if not isinstance(order, int) or order < 0:
        raise SymbolicError(f"order must be a whole number ≥ 0, got {order!r}")
    if order:
        parsed = sympy.Derivative(parsed, (X, order))
    return parsed


@lru_cache(maxsize=256)
def _prepared(expr: Expr) -> Expr:
    return prepare(expr)


@lru_cache(maxsize=256)
def _formula_conditions(expr: Expr) -> tuple[Condition, ...]:
    """Where the formula evaluated is defined (d|x|/dx = sign(x) needs x ≠ 0)."""
    return tuple(of_tree(_prepared(expr)))


class UndefinedPointError(SymbolicError):
    """The expression is not defined at the point (its reference is NaN in a grade)."""


def written_conditions(text: str, env: Environment | None = None) -> tuple[Condition, ...]:
    """Where an expression is defined as written (x/x needs x ≠ 0, though SymPy has 1)."""
    return parse_with_conditions(text, env)[1]


def check_defined(
    expr: Expr, point: Point, written: Sequence[Condition] = (), text: str | None = None
) -> None:
    """Raise, in one line, if expr is not defined at the point as written (x/x at 0), or
    the formula evaluated is not (d|x|/dx = sign(x) at 0: the derivative may exist there,
    as that of x·|x| does, but this formula cannot certify it)."""
    name = text if text is not None else to_language(expr)
    for condition in written:
        if _fails(condition, point):
            raise UndefinedPointError(
                f"{name} is not defined at x = {point.text} ({condition} fails there)"
            )
    for condition in _formula_conditions(expr):
        if _fails(condition, point):
            raise UndefinedPointError(
                f"{name}: the formula evaluated is not defined at x = {point.text} "
                f"({condition} fails there), so no value is certified there"
            )


def _fails(condition: Condition, point: Point) -> bool:
    """The condition fails at the point, exactly (False when that is not decided)."""
    value = condition.argument.xreplace({X: point.expr})
    if not value.is_number:
        return False
    found = sign(value)
    return found is not None and not condition.allows(found)


# ----------------------------------------------------------------------------- Ziv loop


def certified_ball(
    expr: Expr, point: Point, decide: Callable[[flint.arb], T | None], start_bits: int = START_BITS
) -> T:
    """Raise the precision until `decide(ball)` returns an answer (not None)."""
    check_defined(expr, point)
    prepared = _prepared(expr)
    bits = start_bits
    limit = max(MAX_BITS, 16 * start_bits)
    nan_tries = 0
    while bits <= limit:
        ball = enclose(prepared, point.ball(bits), bits)
        if ball.is_nan() or not ball.is_finite():
            nan_tries += 1
            if nan_tries > MAX_NAN_RETRIES:
                raise UndefinedPointError(
                    f"the expression is not defined at x = {point.text} "
                    "(not a finite real number there)"
                )
        else:
            with precision(bits):
                answer = decide(ball)
            if answer is not None:
                return answer
        bits *= 2
    raise SymbolicError(
        f"could not certify the value at x = {point.text} with {limit} bits "
        "(it may be exactly 0, or a tie between two roundings)"
    )


def check_digits(digits: int) -> None:
    if not isinstance(digits, int) or isinstance(digits, bool) or not 1 <= digits <= MAX_DIGITS:
        raise SymbolicError(f"digits must be a whole number from 1 to {MAX_DIGITS}, got {digits!r}")


def decimal_value(expr: Expr, point: Point, digits: int) -> DecimalValue:
    """The true value at `point`, correctly rounded (ties to even) to `digits` digits."""
    check_digits(digits)
    return certified_ball(expr, point, decide_decimal(digits), int(digits * 3.33) + START_BITS)


def value(
    expr: str | Expr, x: object, digits: int = 20, order: int = 0, env: Environment | None = None
) -> str:
    """The certified value of expr (differentiated `order` times) at x, to `digits` digits."""
    target, point = to_expression(expr, order, env), to_point(x)
    if isinstance(expr, str):
        check_defined(target, point, written_conditions(expr, env), expr)
    return str(decimal_value(target, point, digits))


# ----------------------------------------------------------------------------- IEEE


def decide_format(fmt: ieee.Format):
    def decide(ball: flint.arb) -> ieee.Rounded | None:
        low, high = dyadic_ends(ball)
        low_rounded = ieee.round_dyadic(*low, fmt)
        high_rounded = ieee.round_dyadic(*high, fmt)
        if low_rounded != high_rounded:
            return None
        if low_rounded.significand == 0 and low != high and low[0] <= 0 <= high[0]:
            return None  # rounds to zero, but the sign of the true value is not known yet
        return low_rounded

    return decide


def rounded_value(expr: Expr, point: Point, fmt: ieee.Format) -> ieee.Rounded:
    """The true value at `point` correctly rounded to `fmt`."""
    return certified_ball(expr, point, decide_format(fmt))


def rounded(
    expr: str | Expr,
    xs: Iterable[object] | np.ndarray | object,
    order: int = 0,
    dtype: str | np.dtype | None = None,
    env: Environment | None = None,
) -> np.ndarray:
    """Correctly rounded references of expr^(order) at every x, as an array of `dtype`.

    The dtype defaults to that of a NumPy array xs (float64 otherwise). Each x is
    taken at its exact value, so a float32 array gives f(x) for exactly those floats.
    """
    fmt = _format_for(xs, dtype)
    target = to_expression(expr, order, env)
    array = xs if isinstance(xs, np.ndarray) else np.asarray(xs, dtype=object)
    kernel = fast_kernel(target)
    if kernel is not None and _is_float_array(array):
        return _rounded_fast(target, kernel, array, fmt)
    flat = [rounded_value(target, to_point(x), fmt) for x in array.ravel().tolist()]
    return ieee.to_dtype(flat, fmt).reshape(array.shape)


def fast_kernel(target: Expr) -> FloatKernel | None:
    """The float kernel of target when it is f^(n)(x) for a named f that has one."""
    named = named_derivative(target, X)
    if named is None:
        return None
    function, order = named
    return function.kernels.get(order)


def _is_float_array(array: np.ndarray) -> bool:
    return array.dtype.kind == "f" or array.dtype == ieee.FORMATS["bfloat16"].dtype


def _rounded_fast(
    target: Expr, kernel: FloatKernel, array: np.ndarray, fmt: ieee.Format
) -> np.ndarray:
    """The double-word fast path, and the rigorous path for the points it leaves open."""
    x = array.astype(np.float64).ravel()
    if not np.isfinite(x).all():
        bad = x[~np.isfinite(x)][0]
        raise SymbolicError(f"x must be finite, got {bad!r}")
    values, decided = fastpath.fast_rounded(kernel, x, fmt)
    for index in np.flatnonzero(~decided):
        rounded_point = rounded_value(target, to_point(float(x[index])), fmt)
        values[index] = np.float64(rounded_point.as_float()).astype(fmt.dtype)
    return values.reshape(array.shape)


def _format_for(xs: object, dtype: str | np.dtype | None) -> ieee.Format:
    if dtype is not None:
        if isinstance(dtype, str):
            return ieee.format_named(dtype)
        return ieee.format_of_dtype(np.dtype(dtype))
    if (isinstance(xs, np.ndarray | np.floating) and xs.dtype.kind == "f") or (
        isinstance(xs, np.ndarray) and xs.dtype == ieee.FORMATS["bfloat16"].dtype
    ):
        return ieee.format_of_dtype(xs.dtype)
    return ieee.FORMATS["float64"]


def ulp_error(
    got: Sequence[float] | np.ndarray,
    expr: str | Expr,
    xs: Sequence[object] | np.ndarray,
    order: int = 0,
    dtype: str | np.dtype | None = None,
) -> np.ndarray:
    """ULP error of each `got` against the true value, as DESIGN.md defines it."""
    fmt = _format_for(np.asarray(got), dtype)
    target = to_expression(expr, order)
    errors = []
    for y, x in zip(np.asarray(got).ravel().tolist(), np.asarray(xs).ravel().tolist(), strict=True):
        errors.append(ieee.ulp_distance(float(y), true_fraction(target, to_point(x), fmt), fmt))
    return np.array(errors, dtype=np.float64)


def true_fraction(expr: Expr, point: Point, fmt: ieee.Format) -> Fraction:
    """A rational within 2^-(p+40) relative of the true value: plenty for ULP errors."""

    def decide(ball: flint.arb) -> Fraction | None:
        low, high = dyadic_ends(ball)
        if low == high:
            return dyadic_fraction(low)
        low_f, high_f = dyadic_fraction(low), dyadic_fraction(high)
        scale = max(abs(low_f), abs(high_f), Fraction(2) ** (fmt.emin - fmt.precision))
        if high_f - low_f <= scale / 2 ** (fmt.precision + 40):
            return (low_f + high_f) / 2
        return None

    return certified_ball(expr, point, decide)


def as_decimal(text: str) -> Decimal:
    """A value string of this module as a Decimal (handy in tests and for users)."""
    return Decimal(text)
