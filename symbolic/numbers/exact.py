"""Exact real numbers: order, equality and roots, decided by algebra or by separation
in Arb, never by a float and never because a simplifier gave up.

Two exact real numbers are equal or not. `order` first separates them with Arb
balls at rising precision (up to `MAX_BITS`); a difference that is not 0 is always
separated at some precision, so only equal numbers (or numbers equal to more than
`MAX_BITS` bits) stay undecided, and those are settled by algebra: a rewrite of the
difference that is literally 0, or the minimal polynomial of the difference being t.
When neither decides, the answer is None and the caller says `unknown`.
"""

from __future__ import annotations

import math
from fractions import Fraction

import sympy
from sympy import Expr

from symbolic.derive.checking import reduces_to_zero
from symbolic.errors import SymbolicError
from symbolic.numbers.enclosure import constant_ball, constant_bounds

PRECISIONS = (128, 512, 2048, 10_000)
MAX_BITS = PRECISIONS[-1]
_T = sympy.Symbol("t")
INVERSE_HYPERBOLIC_AS_LOG = (sympy.acosh, sympy.asinh, sympy.atanh)


def fraction(value: Expr) -> Fraction:
    """A SymPy rational as a Fraction."""
    return Fraction(int(value.p), int(value.q))


def rational(value: Fraction) -> Expr:
    return sympy.Rational(value.numerator, value.denominator)


def as_logs(value: Expr) -> Expr:
    """acosh, asinh and atanh written as logarithms, so that e^acosh(2) is 2 + √3."""
    for function in INVERSE_HYPERBOLIC_AS_LOG:
        value = value.rewrite(function, sympy.log) if value.has(function) else value
    return value


HYPERBOLIC_AS_EXP = {
    sympy.tanh: lambda a: (sympy.exp(2 * a) - 1) / (sympy.exp(2 * a) + 1),
    sympy.sinh: lambda a: (sympy.exp(a) - sympy.exp(-a)) / 2,
    sympy.cosh: lambda a: (sympy.exp(a) + sympy.exp(-a)) / 2,
    sympy.sech: lambda a: 2 / (sympy.exp(a) + sympy.exp(-a)),
}


def hyperbolic_as_exp(value: Expr) -> Expr:
    """tanh, sinh, cosh, sech written with exp, so that e^(k·log r) becomes r^k at once
    (SymPy's own rewrite can take a detour through complex logarithms)."""
    for function, formula in HYPERBOLIC_AS_EXP.items():
        if value.has(function):
            value = value.replace(function, formula)
    return value


def exp_exact(argument: Expr) -> Expr:
    """e^argument, simplified exactly where it is algebraic (e^log(r) = r)."""
    value = sympy.exp(sympy.expand(as_logs(argument)))
    if value.has(sympy.exp):
        value = sympy.powsimp(sympy.expand_log(value, force=False))
    return sympy.radsimp(value) if not value.has(sympy.exp) else value


def sign(value: Expr) -> int | None:
    """The exact sign of a real constant, or None when it cannot be decided."""
    if value.is_Rational:
        return int(bool(value > 0)) - int(bool(value < 0))
    if value.is_infinite:
        return 1 if value == sympy.oo else -1
    for bits in PRECISIONS:
        try:
            ball = constant_ball(value, bits)
        except SymbolicError:
            return None
        if ball > 0:
            return 1
        if ball < 0:
            return -1
    return 0 if is_zero(value) else None


def is_zero(value: Expr) -> bool:
    """True only when algebra shows the constant is exactly 0."""
    if value == 0:
        return True
    if value.has(sympy.Abs):
        value = value.replace(sympy.Abs, _resolved_abs)
    # Algebraic numbers first (fast and decisive), then rewrites that reach a literal 0.
    for form in (value, hyperbolic_as_exp(as_logs(value))):  # tanh(log r) is algebraic in r
        polynomial = minimal_polynomial(form)
        if polynomial is not None:  # algebraic: 0 exactly when its minimal polynomial is t
            return polynomial.degree() == 1 and polynomial.TC() == 0
    return reduces_to_zero(value) or reduces_to_zero(as_logs(value))


def _resolved_abs(argument: Expr) -> Expr:
    """|a| as a or −a when the sign of the constant a is decided (exactly or in Arb)."""
    which = sign(argument) if not argument.free_symbols else None
    if which is None or which == 0:
        return sympy.Abs(argument)
    return argument if which > 0 else -argument


def order(a: Expr, b: Expr) -> int | None:
    """−1, 0 or +1 as a <, =, > b (exact reals or ±oo), or None when undecided."""
    a, b = (sympy.Integer(v) if isinstance(v, int) else v for v in (a, b))
    if a == b:
        return 0
    if a.is_infinite or b.is_infinite:
        if a == sympy.oo or b == -sympy.oo:
            return 1
        return -1
    return sign(a - b)


def minimal_polynomial(value: Expr) -> sympy.Poly | None:
    """The minimal polynomial over Q of an algebraic constant, or None when SymPy
    cannot give one (the number may be transcendental)."""
    if isinstance(value, sympy.CRootOf):
        return sympy.Poly(value.expr.xreplace({value.poly.gens[0]: _T}), _T).monic()
    if value.free_symbols or value.has(sympy.exp, sympy.log, sympy.pi, sympy.E):
        return None
    if any(
        not isinstance(f, sympy.Pow | sympy.Add | sympy.Mul) for f in value.atoms(sympy.Function)
    ):
        return None
    try:
        return sympy.minimal_polynomial(value, _T, polys=True)
    except Exception:  # NotAlgebraic, NotImplementedError and kin: not decided
        return None


def is_root(poly: sympy.Poly, value: Expr) -> bool | None:
    """Whether an algebraic number is a root of a polynomial with rational
    coefficients (its minimal polynomial divides it); None when not decided."""
    if value.is_Rational:
        return poly.eval(value) == 0
    minimal = minimal_polynomial(value)
    if minimal is None:
        return None
    remainder = sympy.rem(poly.as_expr().xreplace({poly.gens[0]: _T}), minimal.as_expr(), _T)
    return sympy.expand(remainder) == 0


def simplest_between(low: Fraction | None, high: Fraction | None) -> Fraction:
    """The rational with the smallest denominator (then numerator) strictly between
    low and high (None: unbounded). low < high."""
    if low is None and high is None:
        return Fraction(0)
    if low is None:
        return Fraction(min(0, math.ceil(high) - 1))
    if high is None:
        return Fraction(max(0, math.floor(low) + 1))
    if low < 0 < high:
        return Fraction(0)
    if high <= 0:
        return -simplest_between(-high, -low)
    whole = math.floor(low)
    if whole + 1 < high:
        return Fraction(whole + 1)
    inner_low = None if low == whole else 1 / (low - whole)
    return whole + 1 / simplest_between(1 / (high - whole), inner_low)


def rational_between(low: Expr | Fraction, high: Expr | Fraction) -> Fraction | None:
    """A simple rational strictly between two exact ends (±oo allowed); None when the
    open interval between them is empty."""
    for bits in PRECISIONS:
        low_bound = _bound(low, bits, upper=True)
        high_bound = _bound(high, bits, upper=False)
        if low_bound is not None and high_bound is not None and low_bound >= high_bound:
            if _is_exact(low) and _is_exact(high):
                return None
            continue
        return simplest_between(low_bound, high_bound)
    if order(_expr(low), _expr(high)) == 0:
        return None
    raise SymbolicError("two ends of an interval could not be separated")


def _expr(value: Expr | Fraction) -> Expr:
    return rational(value) if isinstance(value, Fraction) else value


def _is_exact(value: Expr | Fraction) -> bool:
    return isinstance(value, Fraction) or value.is_Rational


def _bound(value: Expr | Fraction, bits: int, upper: bool) -> Fraction | None:
    """An upper (or lower) rational bound of value; None for ±oo."""
    if isinstance(value, Fraction):
        return value
    if value.is_infinite:
        return None
    if value.is_Rational:
        return fraction(value)
    low, high = constant_bounds(value, bits)
    return high if upper else low
