"""Independent check that two expressions (which may hold d/dx placeholders) are equal.

A derivation step is trusted only when both of these pass:

1. symbolic: every named function is replaced by its definition, every
   placeholder is differentiated by SymPy's own `diff` (not by our rules), and
   the difference reduces to exactly 0 under one of a few rewrites
   (expand, cancel, simplify). A rewrite that does not reach 0 proves
   nothing, so the check can fail; it never guesses (no `.equals`).
2. numeric: both sides are evaluated at many points with 60 significant digits
   (mpmath through SymPy's evalf) and must agree to 45 digits wherever the
   left side is real and finite; at least three points must be usable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy
from sympy import Expr, Rational

from symbolic.functions import expand_definitions
from symbolic.language.parser import X

SAMPLE_POINTS: tuple[Rational, ...] = tuple(
    Rational(p)
    for p in (
        "-12.25", "-3.7", "-1.3", "-0.55", "0.15", "0.35", "0.6",
        "0.8", "1.9", "2.6", "4.4", "9.5",
    )
)  # fmt: skip
DIGITS = 60
AGREEMENT = sympy.Float("1e-45", DIGITS)
MIN_POINTS = 3


@dataclass(frozen=True)
class CheckResult:
    """The outcome of an equality check, with what was found."""

    symbolic: bool
    points: int
    mismatch: str | None

    @property
    def ok(self) -> bool:
        return self.symbolic and self.points >= MIN_POINTS and self.mismatch is None

    def describe(self) -> str:
        if self.ok:
            return f"checked: difference reduces to 0; agrees at {self.points} points to 45 digits"
        problems = []
        if not self.symbolic:
            problems.append("the difference does not reduce to 0")
        if self.mismatch:
            problems.append(self.mismatch)
        elif self.points < MIN_POINTS:
            problems.append(f"only {self.points} usable sample points")
        return "NOT checked: " + "; ".join(problems)


def explicit(expr: Expr) -> Expr:
    """The expression with definitions expanded and placeholders differentiated by SymPy."""
    return expand_definitions(expr).doit()


def check_equal(left: Expr, right: Expr) -> CheckResult:
    """Check left = right (as functions of x) symbolically and numerically."""
    lhs, rhs = explicit(left), explicit(right)
    substitution = sample_parameters(lhs - rhs)
    lhs, rhs = lhs.xreplace(substitution), rhs.xreplace(substitution)
    points, mismatch = _numeric_agreement(lhs, rhs)
    return CheckResult(reduces_to_zero(lhs - rhs), points, mismatch)


def reduces_to_zero(difference: Expr) -> bool:
    """True only when a rewrite of `difference` is literally 0."""
    if difference == 0:
        return True
    attempts = (
        sympy.expand,
        lambda e: sympy.cancel(sympy.together(e)),
        lambda e: sympy.cancel(sympy.together(e.rewrite(sympy.exp))),  # tanh, σ as exp: fast
        sympy.simplify,
        lambda e: sympy.simplify(e.rewrite(sympy.exp)),
        lambda e: sympy.expand(e.rewrite(sympy.erf)),  # erfc(z) = 1 − erf(z)
    )
    for attempt in attempts:
        try:
            if attempt(difference) == 0:
                return True
        except (sympy.PolynomialError, TypeError, ValueError, NotImplementedError):
            continue
    return False


def sample_parameters(expr: Expr) -> dict[sympy.Symbol, Rational]:
    """Values for parameters other than x that respect their assumptions."""
    values = {}
    for symbol in sorted(expr.free_symbols - {X}, key=str):
        value = Rational(3) if symbol.is_integer else Rational(13, 10)
        values[symbol] = -value if symbol.is_negative else value
    return values


def _numeric_agreement(lhs: Expr, rhs: Expr) -> tuple[int, str | None]:
    usable = 0
    for point in SAMPLE_POINTS:
        left = _value(lhs, point)
        if left is None:
            continue
        right = _value(rhs, point)
        if right is None or abs(left - right) > AGREEMENT * max(1, abs(left)):
            shown = "undefined" if right is None else sympy.N(right, 20)
            return usable, f"at x = {point}: {sympy.N(left, 20)} ≠ {shown}"
        usable += 1
    return usable, None


MAX_MAGNITUDE = 1e250  # beyond this, a part of the expression makes evalf crawl


def _moderate(expr: Expr, point: float) -> bool:
    """Every part of expr is at most MAX_MAGNITUDE at x = point, by a float evaluation.

    mpmath evaluates e^(e^(e^20)) to 60 digits by computing e^20 to millions of digits:
    such points are left out of the numeric check (it needs three usable points, and the
    symbolic check stands on its own). Parts it cannot evaluate count as moderate."""
    try:
        value = _float_of(expr, point)
    except (OverflowError, ValueError, ZeroDivisionError):
        return False
    return value is None or abs(value) <= MAX_MAGNITUDE


_FLOAT_FUNCTIONS = {
    sympy.exp: math.exp, sympy.log: math.log, sympy.sin: math.sin, sympy.cos: math.cos,
    sympy.tan: math.tan, sympy.sinh: math.sinh, sympy.cosh: math.cosh, sympy.tanh: math.tanh,
    sympy.Abs: abs, sympy.asinh: math.asinh, sympy.acosh: math.acosh, sympy.atanh: math.atanh,
    sympy.erf: math.erf, sympy.erfc: math.erfc,
}  # fmt: skip


def _float_of(expr: Expr, point: float) -> float | None:
    """A float value of expr, raising OverflowError past MAX_MAGNITUDE in any part;
    None where a part is not one of the elementary nodes handled here."""
    if expr == X:
        value = point
    elif expr.is_Number:
        value = float(expr)
    elif expr.is_Add or expr.is_Mul:
        parts = [_float_of(a, point) for a in expr.args]
        if any(p is None for p in parts):
            return None
        value = math.fsum(parts) if expr.is_Add else math.prod(parts)
    elif expr.is_Pow:
        base, exponent = (_float_of(a, point) for a in expr.args)
        if base is None or exponent is None:
            return None
        value = abs(base) ** exponent if base or exponent > 0 else math.inf
    elif type(expr) in _FLOAT_FUNCTIONS:
        inner = _float_of(expr.args[0], point)
        if inner is None:
            return None
        value = _FLOAT_FUNCTIONS[type(expr)](inner)
    else:
        return None
    if isinstance(value, complex) or not abs(value) <= MAX_MAGNITUDE:
        raise OverflowError("too large for a 60-digit check")
    return value


def _value(expr: Expr, point: Rational) -> sympy.Float | None:
    """The value at x = point to DIGITS digits, or None where it is not a finite real
    (or too large for mpmath to reach in reasonable time)."""
    if not _moderate(expr, float(point)):
        return None
    try:
        value = expr.evalf(DIGITS, subs={X: point})
    except (ValueError, TypeError, ZeroDivisionError, OverflowError):
        return None
    if not value.is_Number or not value.is_finite or not value.is_real:
        return None
    return value
