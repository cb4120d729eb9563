"""Claims evaluated at exact points with Arb balls: the prover's numeric layer.

Everything here is rigorous: a relation "certainly fails" only when a ball proves
it, precision is raised (up to `MAX_BITS`) before giving up, and no value is ever
rounded to a float on its way to a verdict. Counterexamples print each side to the
first digit where they differ, plus three.
"""

from __future__ import annotations

import math
from itertools import product

import flint
import sympy
from sympy import Expr

from symbolic.arith.arb import precision
from symbolic.errors import SymbolicError
from symbolic.language.printing import to_language
from symbolic.numbers import oracle
from symbolic.numbers.enclosure import enclose, prepare
from symbolic.numbers.intervals import Interval

BITS = 160
ESCALATION = (160, 1024, 4096, 16_384)
MAX_BITS = ESCALATION[-1]
SAMPLES = [
    sympy.Rational(v)
    for v in (
        "-40", "-20", "-10", "-6", "-4", "-3", "-2", "-1.5", "-1", "-0.7", "-0.5", "-0.3",
        "-0.1", "0", "0.1", "0.3", "0.5", "0.7", "1", "1.5", "2", "3", "4", "6", "10",
        "20", "40", "-1000", "-600", "-200", "200", "600", "1000",
    )
]  # fmt: skip
CHECK_SAMPLES = [
    sympy.Rational(v)
    for v in ("-200", "-31.5", "-2.25", "-1e-30", "1e-30", "0.05", "1.75", "31.5", "200")
]
NEAR_END = ("1e-30", "1e-10", "0.001", "0.1", "1", "5", "50")
PARAMETER_VALUES = {
    "positive": ["1", "2", "1/2", "5"],
    "negative": ["-1", "-2", "-1/2"],
    "integer": ["1", "2", "0", "-1"],
    "nonzero": ["1", "-1", "2"],
    "real": ["1", "-1", "0", "2"],
}
Parameters = dict[sympy.Symbol, Expr]


def parameter_assignments(parameters: tuple[sympy.Symbol, ...]) -> list[Parameters]:
    """A few values of the parameters that respect their assumptions."""
    if not parameters:
        return [{}]
    choices = [[sympy.Rational(v) for v in PARAMETER_VALUES[_kind(s)]] for s in parameters]
    return [dict(zip(parameters, combo, strict=True)) for combo in list(product(*choices))[:12]]


def _kind(symbol: sympy.Symbol) -> str:
    if symbol.is_integer:
        return "integer"
    if symbol.is_positive:
        return "positive"
    if symbol.is_negative:
        return "negative"
    return "nonzero" if symbol.is_nonzero else "real"


def ball(expr: Expr, x: Expr, params: Parameters, bits: int = BITS) -> flint.arb | None:
    """expr at x (an exact number) as a ball, or None where it is not a finite real
    (undefined, or the evaluation failed)."""
    try:
        target = prepare(expr.xreplace(params))
        point = oracle.to_point(x)
        value = enclose(target, point.ball(bits), bits)
    except (SymbolicError, ValueError, ZeroDivisionError, TypeError, OverflowError):
        return None
    return value if value.is_finite() and not value.is_nan() else None


def certainly_fails(difference: flint.arb, op: str) -> bool:
    """Whether the ball proves that `lhs − rhs op 0` is false."""
    if op == "=":
        return not difference.contains(0)
    if op in ("<", "<="):
        return bool(difference > 0)
    if op in (">", ">="):
        return bool(difference < 0)
    return False  # "!=" fails only at exact equality, which balls cannot show


def failing_balls(
    lhs: Expr, rhs: Expr, op: str, x: Expr, params: Parameters, escalate: bool = True
) -> tuple[flint.arb, flint.arb] | None:
    """The two sides at x when `lhs op rhs` certainly fails there, raising the precision
    while the difference's ball still contains 0."""
    for bits in ESCALATION if escalate else ESCALATION[:1]:
        left, right = ball(lhs, x, params, bits), ball(rhs, x, params, bits)
        if left is None or right is None:
            return None
        with precision(bits):
            difference = left - right
        if certainly_fails(difference, op):
            return left, right
        if not difference.contains(0):
            return None  # decided, and not a failure
    return None


def domain_samples(domain: Interval) -> list[Expr]:
    """Points of the domain: fixed samples, the closed ends, points near every finite
    end (down to 1e-30 away) and fractions of a bounded domain."""
    points = [p for p in SAMPLES if domain.contains(p)]
    low, high = domain.low, domain.high
    for end, is_open in ((low, domain.low_open), (high, domain.high_open)):
        if end.is_finite and not is_open:
            points.append(end)
    if low.is_finite and high.is_finite:
        width = high - low
        for t in ("1e-30", "0.001", "0.01", "0.1", "0.25", "0.5", "0.75", "0.9", "0.99", "0.999"):
            points.append(low + width * sympy.Rational(t))
        points.append(high - width * sympy.Rational("1e-30"))
    elif low.is_finite:
        points += [low + sympy.Rational(t) for t in NEAR_END]
    elif high.is_finite:
        points += [high - sympy.Rational(t) for t in NEAR_END]
    return [p for p in dict.fromkeys(points) if domain.contains(p)]


def check_points(domain: Interval, extra: list[Expr] = ()) -> list[Expr]:
    """The points of the independent re-check: samples, ±200, near 0, near the ends,
    and both sides of every given point (critical points, poles, roots)."""
    points = [*CHECK_SAMPLES, *domain_samples(domain)]
    for point in extra:
        for offset in ("1e-30", "1e-6", "0.01"):
            points += [point - sympy.Rational(offset), point + sympy.Rational(offset)]
    return [p for p in dict.fromkeys(points) if domain.contains(p)]


def search_counterexample(
    lhs: Expr,
    rhs: Expr,
    op: str,
    points: list[Expr],
    assignments: list[Parameters],
    escalate_first: int = 6,
) -> dict[str, str] | None:
    """A point where `lhs op rhs` certainly fails (Arb balls), or None. The first few
    points are tried at rising precision (a tiny constant can hide a difference)."""
    for params in assignments:
        for index, x in enumerate(points):
            found = failing_balls(lhs, rhs, op, x, params, escalate=index < escalate_first)
            if found:
                return counterexample(x, *found, params)
    return None


def counterexample(
    x: Expr, left: flint.arb, right: flint.arb, params: Parameters
) -> dict[str, str]:
    left_text, right_text = pair_decimals(left, right)
    found = {"x": to_language(x), "lhs": left_text, "rhs": right_text}
    if params:
        found["parameters"] = ", ".join(f"{s} = {to_language(v)}" for s, v in params.items())
    return found


def pair_decimals(left: flint.arb, right: flint.arb) -> tuple[str, str]:
    """Both values to the first significant digit where they differ, plus three."""
    digits = 15
    accuracy = min(MAX_BITS, max(left.rel_accuracy_bits(), right.rel_accuracy_bits()))
    with precision(max(BITS, accuracy + 8)):
        gap = abs(left - right)
        scale = max(abs(left), abs(right))
        if gap > 0 and scale > 0:
            ratio = (scale / gap).upper()
            digits = max(digits, math.ceil(float(ratio.log() / flint.arb(10).log())) + 4)
    return decimal_text(left, digits), decimal_text(right, digits)


def decimal_text(value: flint.arb, digits: int = 15) -> str:
    """A ball as a certified decimal (correctly rounded when the ball allows it)."""
    for wanted in (digits, 15, 6):
        with precision(max(BITS, 4 * wanted)):
            answer = oracle.decide_decimal(wanted)(value)
        if answer is not None:
            return str(answer)
    return value.str(10)


def evidence(domain: Interval, parameters: tuple[sympy.Symbol, ...]) -> dict[str, object]:
    points = len(domain_samples(domain)) * len(parameter_assignments(parameters))
    return {"points": points, "digits": int(BITS * 0.30103)}
