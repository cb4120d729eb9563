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
from collections.abc import Callable, Sequence
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

from symbolic.arith import ieee, vball_dw
from symbolic.arith.arb import ball_of_rational, precision
from symbolic.arith.decimals import (
    DecimalValue,
    decide_decimal,
    dyadic_ends,
    dyadic_fraction,
)
from symbolic.arith.doubleword import DOUBLE_WORD_ERROR_BOUND
from symbolic.errors import SymbolicError
from symbolic.functions import NAMED_FUNCTIONS, FloatKernel, named_derivative
from symbolic.language.definedness import Condition, of_tree
from symbolic.language.parser import (
    Environment,
    X,
    parse,
    parse_constant,
    parse_with_conditions,
)
from symbolic.language.printing import to_language
from symbolic.numbers import arrays, fastpath, vectorized
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


def vectorized_supported(target: Expr, fmt: ieee.Format) -> bool:
    """Whether the vectorized balls (`symbolic.numbers.vectorized`) serve this target
    and format (plain float64 balls up to 24 bits, double-words for float64)."""
    return fmt.precision <= 53 and vectorized.supported(target)


def _rounded_balls(target: Expr, x: np.ndarray, fmt: ieee.Format) -> np.ndarray:
    """The vectorized balls, and the rigorous path for the points they leave open."""
    values, decided = vectorized.rounded(target, x, fmt)
    for index in np.flatnonzero(~decided):
        rounded_point = rounded_value(target, to_point(float(x[index])), fmt)
        values[index] = np.float64(rounded_point.as_float()).astype(fmt.dtype)
    return values


def _format_for(xs: object, dtype: object = None) -> ieee.Format:
    """The IEEE format asked for (`dtype`: a name, a NumPy/JAX dtype or a torch dtype),
    else that of the input's float dtype, else float64."""
    if dtype is not None:
        if isinstance(dtype, str):
            return ieee.format_named(dtype)
        torch_name = arrays.torch_dtype_name(dtype)
        if torch_name is not None:
            return ieee.format_named(torch_name)
        try:
            numpy_dtype = np.dtype(dtype)
        except TypeError:
            raise SymbolicError(
                f"dtype must be one of {arrays.FLOAT_NAMES}, got {dtype!r}"
            ) from None
        return ieee.format_of_dtype(numpy_dtype)
    array = xs.array if isinstance(xs, arrays.Values) else xs
    if isinstance(array, np.ndarray | np.generic) and arrays.is_float_dtype(array.dtype):
        return ieee.format_of_dtype(array.dtype)
    return ieee.FORMATS["float64"]


# ----------------------------------------------------------------------------- ±inf and NaN


def _special(x: object) -> float | None:
    """nan, inf or −inf when x is one (float, Decimal, str, mpmath, SymPy), else None."""
    if isinstance(x, float | np.floating):
        return None if math.isfinite(float(x)) else float(x)
    if isinstance(x, Decimal):
        if x.is_nan():
            return math.nan
        return (-math.inf if x.is_signed() else math.inf) if x.is_infinite() else None
    if isinstance(x, str):
        text = x.strip().lower()
        if text.lstrip("+-") == "nan":
            return math.nan
        if text.lstrip("+-") in {"inf", "infinity", "oo"}:
            return -math.inf if text.startswith("-") else math.inf
        return None
    if isinstance(x, mpmath.mpf):
        return None if mpmath.isfinite(x) else float(x)
    if x is sympy.nan:
        return math.nan
    if x is sympy.oo or x is sympy.S.NegativeInfinity:
        return float(x)
    return None


def _point_of(x: object) -> Point:
    """`to_point`, and Decimals by their exact digits (through the language's limits)."""
    if isinstance(x, Decimal):
        return to_point(format(x, "e"))  # '1e+5': the exact digits, never Euler's E
    return to_point(x)


def infinity_limit(target: Expr, negative: bool) -> Expr:
    """lim f at −∞ or +∞ from the registry (f^(n) of a named function that records it).

    Other expressions raise: their limits are not known here (`symbolic grade` finds
    more of them, by the prover's leading terms, in a higher layer).
    """
    side = "-inf" if negative else "inf"
    named = named_derivative(target, X)
    limits = named[0].limits.get(named[1]) if named is not None else None
    if not limits:
        known = ", ".join(f.typed(n) for f in NAMED_FUNCTIONS.values() for n in sorted(f.limits))
        raise SymbolicError(
            f"{to_language(target)} has no known limit at x = {side}: rounded() and "
            f"ulp_error() take ±inf only where the registry records it ({known}), "
            "so pass finite x"
        )
    return limits[0] if negative else limits[1]


def _rounded_special(target: Expr, x: float, fmt: ieee.Format) -> float:
    """rounded(f, x) for x = NaN (NaN) or ±inf (the correctly rounded limit of f there)."""
    if math.isnan(x):
        return math.nan
    limit = infinity_limit(target, x < 0)
    if limit.is_infinite:
        return math.inf if limit.is_extended_positive else -math.inf
    return rounded_value(limit, to_point(0), fmt).as_float()


# ----------------------------------------------------------------------------- rounded


def rounded(
    expr: str | Expr,
    xs: object,
    order: int = 0,
    dtype: object = None,
    env: Environment | None = None,
) -> object:
    """Correctly rounded references of expr^(order) at every x, in the type of xs.

    xs: a Python or NumPy scalar (float, int, str, Fraction, Decimal, …), a list, a NumPy
    array (0-d included) of float64/float32/float16/bfloat16 (or of ints, strings,
    objects: exact values), a CPU torch tensor or a JAX array of those float dtypes. The
    result has the type and shape of xs (a scalar gives a NumPy scalar, a list an ndarray)
    and the dtype of a float input (float64 otherwise), or that of `dtype` (a name, a
    NumPy/JAX dtype or a torch dtype). Each x is taken at its exact value, so a float32
    array gives f(x) for exactly those floats. x = NaN gives NaN; x = ±inf gives the
    correctly rounded limit of f at ±∞ where the registry records it (`f.limits`),
    and one line of error for other expressions.
    """
    values = arrays.as_values(xs, "x")
    fmt = _format_for(values, dtype)
    arrays.check_output(values, fmt)
    target = to_expression(expr, order, env)
    return arrays.give_back(_rounded_array(target, values.array, fmt), values)


def _rounded_array(target: Expr, array: np.ndarray, fmt: ieee.Format) -> np.ndarray:
    flat = array.ravel()
    result = np.empty(flat.shape, dtype=fmt.dtype)
    if array.dtype != object:
        x = flat.astype(np.float64)  # exact: every format fits in float64
        finite = np.isfinite(x)
        for index in np.flatnonzero(~finite):
            result[index] = _rounded_special(target, float(x[index]), fmt)
        kernel = fast_kernel(target)
        if kernel is not None:
            result[finite] = _rounded_fast(target, kernel, x[finite], fmt)
        elif vectorized_supported(target, fmt):
            result[finite] = _rounded_balls(target, x[finite], fmt)
        else:
            for index in np.flatnonzero(finite):
                point = to_point(float(x[index]))
                result[index] = rounded_value(target, point, fmt).as_float()
        return result.reshape(array.shape)
    for index, x in enumerate(flat.tolist()):
        special = _special(x)
        if special is not None:
            result[index] = _rounded_special(target, special, fmt)
        else:
            result[index] = rounded_value(target, _point_of(x), fmt).as_float()
    return result.reshape(array.shape)


# ----------------------------------------------------------------------------- ULP errors


def ulp_error(
    got: object,
    expr: str | Expr,
    xs: object,
    order: int = 0,
    dtype: object = None,
) -> np.ndarray | np.float64:
    """ULP error of each `got` against the true value of expr^(order) at x (DESIGN.md):
    |y − v| / 2^(max(e, emin) − p + 1), e the exponent of v, in the format of `dtype`
    (default: the float dtype of `got`, else float64).

    got and xs take the types `rounded` takes, with the same shape. The errors are float64,
    in a NumPy array of that shape (a NumPy scalar when got is a scalar): ULP errors are
    measurements, not values of the format, so they do not keep a bfloat16 or float32
    dtype. Non-finite results are infinitely far (inf), except NaN where the true value is
    NaN (x = NaN), and ±inf where it is that infinity; x = ±inf is graded against the limit,
    as in `rounded`.

    Targets with a float kernel (`fast_kernel`) are vectorized: the true values come as double-words
    within 2^-80 (relative) from `fastpath`, so each error is within 2^(p−80) ulp plus a
    relative 2^-52 of the exact one. Other targets the balls evaluate (`vectorized`) take
    double-word balls, used where they are within 2^-80 too. Other points and expressions
    take the exact path (Arb, the exponent of v certified, the error within 2^-100 ulp or
    correctly rounded).
    """
    got_values, x_values = arrays.as_values(got, "got"), arrays.as_values(xs, "x")
    if got_values.array.shape != x_values.array.shape:
        raise SymbolicError(
            f"got has shape {got_values.array.shape} but x has shape {x_values.array.shape}: "
            "give one result per x"
        )
    fmt = _format_for(got_values, dtype)
    target = to_expression(expr, order)
    y = _as_float64(got_values.array)
    errors = _ulp_errors(target, y.ravel(), x_values.array.ravel(), fmt)
    errors = errors.reshape(got_values.array.shape)
    return errors[()] if got_values.kind == "scalar" else errors


def _as_float64(array: np.ndarray) -> np.ndarray:
    """Results as float64 (exact for the formats; others by float(), as Python does)."""
    if array.dtype != object:
        return array.astype(np.float64)
    flat = []
    for item in array.ravel().tolist():
        special = _special(item)
        try:
            flat.append(special if special is not None else float(item))
        except (TypeError, ValueError, OverflowError):
            raise SymbolicError(f"got must hold numbers, not {item!r}") from None
    return np.array(flat, dtype=np.float64).reshape(array.shape)


def _ulp_errors(target: Expr, y: np.ndarray, xs: np.ndarray, fmt: ieee.Format) -> np.ndarray:
    """ULP errors of flat arrays: vectorized where the kernel gives double-words whose
    binade is certain, the exact per-point path everywhere else."""
    errors = np.empty(y.shape, dtype=np.float64)
    done = np.zeros(y.shape, dtype=bool)
    kernel = fast_kernel(target)
    if kernel is not None and xs.dtype != object:
        x = xs.astype(np.float64)
        with np.errstate(invalid="ignore"):
            near = np.flatnonzero(np.isfinite(x) & (np.abs(x) <= kernel.reach))
        if len(near):
            float64 = ieee.FORMATS["float64"]  # double-words at every near point
            _, _, hi, lo = fastpath.fast_rounded_and_true(kernel, x[near], float64)
            certain = _binade_certain(hi, lo, fmt)
            chosen = near[certain]
            errors[chosen] = _ulp_formula(y[chosen], hi[certain], lo[certain], fmt)
            done[chosen] = True
    elif xs.dtype != object and vectorized.supported(target):
        _ball_ulp_errors(target, y, xs.astype(np.float64), fmt, errors, done)
    items = xs.tolist() if xs.dtype == object else xs.astype(np.float64).tolist()
    for index in np.flatnonzero(~done):
        errors[index] = _exact_ulp_error(target, float(y[index]), items[index], fmt)
    return errors


def _ball_ulp_errors(
    target: Expr,
    y: np.ndarray,
    x: np.ndarray,
    fmt: ieee.Format,
    errors: np.ndarray,
    done: np.ndarray,
) -> None:
    """ULP errors from double-word balls (`vectorized`), at the points whose ball is within
    DOUBLE_WORD_ERROR_BOUND (relative) of its midpoint and whose binade is certain."""
    with np.errstate(invalid="ignore"):
        near = np.flatnonzero(np.isfinite(x))
    if not len(near):
        return
    with np.errstate(all="ignore"):
        ball = vectorized.compile_target(target, vball_dw)(x[near])
        narrow = ball.rad <= DOUBLE_WORD_ERROR_BOUND * np.abs(ball.hi)
    certain = narrow & _binade_certain(ball.hi, ball.lo, fmt)
    chosen = near[certain]
    errors[chosen] = _ulp_formula(y[chosen], ball.hi[certain], ball.lo[certain], fmt)
    done[chosen] = True


def _binade_certain(hi: np.ndarray, lo: np.ndarray, fmt: ieee.Format) -> np.ndarray:
    """Where every v within DOUBLE_WORD_ERROR_BOUND of hi + lo has the same max(e, emin).

    hi = 2^k with lo = 0 is not certain (the true value may be just below 2^k, which halves
    the ULP); nor are zeros or non-finite values.
    """
    a = np.abs(hi)
    with np.errstate(invalid="ignore", over="ignore"):
        _, top = np.frexp(a)  # 2^(top−1) ≤ a < 2^top
        lower, upper = np.ldexp(1.0, top - 1), np.ldexp(1.0, top)
        outward = lo * np.sign(hi)
        # a − lower and upper − a are exact (Sterbenz); the margin covers the kernel's bound
        margin = 4 * DOUBLE_WORD_ERROR_BOUND * a
        above_lower = ((a - lower) + outward) > margin
        below_upper = ((upper - a) - outward) > margin
    exponent = top - 1
    subnormal = exponent < fmt.emin  # below 2^emin the exponent is emin, whatever it is
    certain = np.where(subnormal, (top < fmt.emin) | below_upper, above_lower & below_upper)
    return certain & np.isfinite(hi) & np.isfinite(lo) & (hi != 0)


def _ulp_formula(y: np.ndarray, hi: np.ndarray, lo: np.ndarray, fmt: ieee.Format) -> np.ndarray:
    """|y − (hi + lo)| / 2^(max(e, emin) − p + 1) where the binade of hi + lo is certain.

    Scaling by a power of two is exact (up to underflow below 2^-1074 ulp, and overflow
    where the error is beyond float64 anyway); the two subtractions round once each.
    """
    _, top = np.frexp(np.abs(hi))
    shift = -(np.maximum(top - 1, fmt.emin) - fmt.precision + 1)
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.abs((np.ldexp(y, shift) - np.ldexp(hi, shift)) - np.ldexp(lo, shift))
    return np.where(np.isfinite(y), error, np.inf)


# Terms below 2^-1200 ulp are dropped by the exact path (far below float64's 2^-1074).
NEGLIGIBLE_EXPONENT = -1200
EXACT_TOLERANCE = Fraction(1, 2**100)  # ulp: accepted when the error is known this well
STRADDLE_BITS = 4096  # from this precision, a ball across 2^k takes the binade below it
MAX_TRUE_EXPONENT = 1 << 20  # `true_fraction` gives ±2^(2^20) for values beyond


def _exact_ulp_error(target: Expr, y: float, x: object, fmt: ieee.Format) -> float:
    """The ULP error of y at one point, from Arb: NaN and ±inf handled first."""
    special = _special(x)
    if special is not None and math.isnan(special):
        return 0.0 if math.isnan(y) else math.inf
    if special is not None:
        limit = infinity_limit(target, special < 0)
        if limit.is_infinite:
            want = math.inf if limit.is_extended_positive else -math.inf
            return 0.0 if y == want else math.inf
        target, point = limit, to_point(0)
    else:
        point = _point_of(x)
    if not math.isfinite(y):
        check_defined(target, point)
        return math.inf
    return certified_ball(target, point, _decide_ulp(y, fmt))


def _top(dyadic: tuple[int, int]) -> int:
    """k with 2^k ≤ |m·2^e| < 2^(k+1) (m ≠ 0)."""
    mantissa, exponent = dyadic
    return abs(mantissa).bit_length() - 1 + exponent


def _ulp_exponent_of_ball(
    low: tuple[int, int], high: tuple[int, int], fmt: ieee.Format, last_resort: bool = False
) -> int | None:
    """max(e, emin) shared by every value in [low, high], or None if they differ.

    `last_resort`: a ball that straddles one power of two 2^k (σ(1e300) = 1 − e^-1e300,
    whose side of 1 no working precision shows) takes the binade below 2^k in magnitude,
    whose ULP is the smaller: the error is then never understated (it is 2× too large
    if v ≥ 2^k in fact).
    """
    if low[0] > 0 or high[0] < 0:  # one sign, no zero: |v| is monotone over the ball
        tops = (_top(low), _top(high))
        exponents = {max(top, fmt.emin) for top in tops}
        if len(exponents) == 1:
            return exponents.pop()
        if last_resort and abs(tops[0] - tops[1]) == 1:
            return max(min(tops), fmt.emin)
        return None
    tops = [_top(end) for end in (low, high) if end[0] != 0]
    return fmt.emin if not tops or max(tops) < fmt.emin else None


def _scaled(dyadic: tuple[int, int], shift: int) -> Fraction:
    """m·2^(e + shift) exactly, or 0 when it is below 2^NEGLIGIBLE_EXPONENT."""
    mantissa, exponent = dyadic
    if mantissa == 0 or _top((mantissa, exponent + shift)) < NEGLIGIBLE_EXPONENT:
        return Fraction(0)
    power = exponent + shift
    return Fraction(mantissa << power) if power >= 0 else Fraction(mantissa, 1 << -power)


def _to_float(value: Fraction) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf


def _decide_ulp(y: float, fmt: ieee.Format) -> Callable[[flint.arb], float | None]:
    numerator, denominator = y.as_integer_ratio()
    got = (numerator, -(denominator.bit_length() - 1))

    def decide(ball: flint.arb) -> float | None:
        low, high = dyadic_ends(ball)
        exponent = _ulp_exponent_of_ball(low, high, fmt, flint.ctx.prec >= STRADDLE_BITS)
        if exponent is None:
            return None
        shift = -(exponent - fmt.precision + 1)  # in units of the ULP
        y_ulps, low_ulps, high_ulps = (_scaled(d, shift) for d in (got, low, high))
        to_low, to_high = abs(y_ulps - low_ulps), abs(y_ulps - high_ulps)
        least = Fraction(0) if low_ulps <= y_ulps <= high_ulps else min(to_low, to_high)
        most = max(to_low, to_high)
        if _to_float(least) == _to_float(most) or most - least <= EXACT_TOLERANCE:
            return _to_float((least + most) / 2)
        return None

    return decide


def true_fraction(expr: Expr, point: Point, fmt: ieee.Format) -> Fraction:
    """A rational within 2^-(p+40) relative of the true value, or within 2^(emin−2p−41)
    absolute (2^-(p+40) of half the least subnormal): plenty for ULP errors.

    A ball whose ends are both below 2^(emin−2p−41) in magnitude gives 0, without ever
    turning them into fractions: Arb's e^(−10^300) is a ball of radius 2^(−2^190) or so,
    whose exact ends would need more memory than any machine has. Likewise a ball beyond
    2^MAX_TRUE_EXPONENT on one side of 0 gives ±2^MAX_TRUE_EXPONENT: not within 2^-(p+40)
    of the value, but like it beyond every format (it rounds to ±inf, as the value does).
    """

    def decide(ball: flint.arb) -> Fraction | None:
        low, high = dyadic_ends(ball)
        tops = [_top(end) for end in (low, high) if end[0] != 0]
        if not tops or max(tops) < fmt.emin - 2 * fmt.precision - 41:
            return Fraction(0)  # |v| < 2^(emin − 2p − 41): within the absolute allowance
        if max(tops) > MAX_TRUE_EXPONENT:
            if len(tops) < 2 or min(tops) <= MAX_TRUE_EXPONENT or (low[0] < 0) != (high[0] < 0):
                return None  # across 0, or not yet beyond: a higher precision may tell
            return Fraction(-1 if low[0] < 0 else 1) * 2**MAX_TRUE_EXPONENT
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
