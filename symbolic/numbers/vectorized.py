"""Certified references for any expression of the language, vectorized: balls, then Arb.

`compile_target(expr)` turns an expression (diff(...) included) into a function from an
array of float64 points to a `vball.Ball`; `rounded_and_true` decides the correct
rounding to a format from the balls wherever they allow (`decide`) and gives the true
values as (hi, lo). The caller sends the undecided points to the rigorous Arb path.

Derivatives are taken by the chain rule with each named function (and tanh) left as an
opaque function, whose derivatives of order n are then its stable form of order n
(`FamilyMember.stable_forms`): σ′ = σ(u)·σ(−u), tanh′ = 4σ(2u)·σ(−2u), … so that no
1 − σ or 1 − tanh² cancels. Plain float64 balls (radii ≈ 2^-44 relative) decide the
narrow formats (float32, float16, bfloat16); float64 needs double-words.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from types import ModuleType

import flint
import numpy as np
import sympy
from sympy import Expr
from sympy.codegen.cfunctions import expm1, log1p

from symbolic.arith import ieee, vball, vball_dw
from symbolic.arith.arb import double_word_ball, exact_bounds, precision
from symbolic.arith.vball import Ball
from symbolic.errors import SymbolicError
from symbolic.functions import FAMILY, DefinedFunction, FamilyMember, named_derivative
from symbolic.language.parser import X
from symbolic.numbers.enclosure import enclose, prepare
from symbolic.numbers.sides import mark_sides

Node = Callable[[np.ndarray], Ball]
MAX_PRECISION = 24  # plain float64 balls up to this (float32, float16, bfloat16)
BLOCK = 1 << 14  # points per block: big enough for NumPy, small enough for the cache
# A decided point's ball is also this narrow (relative), so that the true value it gives
# is good to 2^-16 ulp of float32 or better for ULP errors.
TRUE_VALUE_BOUND = 2.0**-40


class UnsupportedError(Exception):
    """The expression has a node the ball arithmetic does not evaluate."""


class Erfc(sympy.Function):
    """erfc without SymPy's rewriting of erfc(−z) as 2 − erfc(z), which cancels for
    large z (internal to the ball arithmetic)."""

    nargs = 1


# ---------------------------------------------------------------- stable forms


def _member(call: Expr) -> type[FamilyMember] | None:
    """The family member of a call (tanh is SymPy's own function)."""
    if isinstance(call, DefinedFunction):
        return type(call)
    if isinstance(call, sympy.tanh):
        return FAMILY["tanh"]
    return None


def stable_form(member: type[FamilyMember], order: int, u: Expr) -> Expr:
    """f^(order)(u) by the member's stable formula; raises where it has none."""
    form = member.stable_forms.get(order)
    if form is not None:
        return form(u)
    if order == 0 and isinstance(member, type) and issubclass(member, DefinedFunction):
        return member.definition(u)
    raise UnsupportedError(f"no stable formula for order {order} of {member.__name__}")


def differentiate(expr: Expr, order: int) -> Expr:
    """The order-th derivative in x, named functions through their stable forms."""
    opaque: dict[sympy.FunctionClass, type[FamilyMember]] = {}

    def hide(call: Expr) -> Expr:
        member = _member(call)
        placeholder = sympy.Function(f"_ball_{member.__name__}")
        opaque[placeholder] = member
        return placeholder(call.args[0])

    hidden = expr.replace(lambda e: _member(e) is not None, hide)
    derivative = sympy.diff(hidden, X, order)

    def shown(node: Expr) -> Expr | None:
        if isinstance(node, sympy.Subs):
            inner, _, (point,) = node.args
            if isinstance(inner, sympy.Derivative) and inner.expr.func in opaque:
                n = int(inner.variable_count[0][1])
                return stable_form(opaque[inner.expr.func], n, point)
        if isinstance(node, sympy.Derivative) and node.expr.func in opaque:
            n = int(node.variable_count[0][1])
            return stable_form(opaque[node.expr.func], n, node.expr.args[0])
        if node.func in opaque:
            return stable_form(opaque[node.func], 0, node.args[0])
        return None

    return _rebuild(derivative, shown)


def _rebuild(expr: Expr, rule: Callable[[Expr], Expr | None]) -> Expr:
    replaced = rule(expr)
    if replaced is not None:
        return replaced
    if not expr.args:
        return expr
    return expr.func(*[_rebuild(arg, rule) for arg in expr.args])


def stable_target(expr: Expr) -> Expr:
    """expr with every diff(...) written out by `differentiate`."""

    def rule(node: Expr) -> Expr | None:
        if isinstance(node, sympy.Derivative):
            (variable, count), *rest = node.variable_count
            if rest or variable != X:
                raise UnsupportedError("derivatives in x only")
            return differentiate(node.expr, int(count))
        return None

    return _protect(_expand_named(_rebuild(expr, rule)))


def _expand_named(expr: Expr) -> Expr:
    """Named functions by their stable forms (but those with a ball of their own)."""

    def rule(node: Expr) -> Expr | None:
        if isinstance(node, DefinedFunction) and type(node).vector_ball is None:
            return _expand_named(stable_form(type(node), 0, _expand_named(node.args[0])))
        return None

    return _rebuild(expr, rule)


# ---------------------------------------------------------------- compiling


@lru_cache(maxsize=256)
def _constant(expr: Expr) -> tuple[float, float, float]:
    """(hi, lo, rad) of a constant: hi + lo ± rad holds the 128-bit Arb enclosure,
    read exactly."""
    with precision(128):
        ball = enclose(prepare(expr), None, 128)
    if not ball.is_finite():
        raise UnsupportedError(f"the constant {expr} is not finite")
    return double_word_ball(ball)


_UNARY = {
    sympy.exp: "exp",
    sympy.log: "log",
    log1p: "log1p_ball",
    expm1: "expm1_ball",
    sympy.tanh: "tanh",
    sympy.erf: "erf",
    Erfc: "erfc",
    sympy.Abs: "absolute",
}


def _fold(nodes: list[Node], op: Callable) -> Node:
    def run(x: np.ndarray) -> Ball:
        result = nodes[0](x)
        for node in nodes[1:]:
            result = op(result, node(x))
        return result

    return run


@lru_cache(maxsize=512)
def compile_expression(expr: Expr, ops: ModuleType = vball) -> Node:
    """A function from float64 points to balls of expr (free of diff) at those points,
    in the ball arithmetic `ops` (plain float64 or double-word midpoints)."""
    if expr == X:
        return ops.exact
    if not expr.has(X):
        hi, lo, rad = _constant(expr)
        return lambda x: ops.constant(x.shape, hi, lo, rad)
    if expr.is_Add:
        return _fold([compile_expression(a, ops) for a in expr.args], ops.add)
    if expr.is_Mul:
        return _product(expr, ops)
    if expr.is_Pow:
        return _power(expr, ops)
    if isinstance(expr, sympy.Max | sympy.Min):
        op = ops.maximum if isinstance(expr, sympy.Max) else ops.minimum
        return _fold([compile_expression(a, ops) for a in expr.args], op)
    if isinstance(expr, sympy.sech):  # 2e^(−|u|)/(1 + e^(−2|u|)), cancellation-free
        u = sympy.Abs(expr.args[0])
        return compile_expression(2 * sympy.exp(-u) / (1 + sympy.exp(-2 * u)), ops)
    if expr.func in _UNARY:
        inner, op = compile_expression(expr.args[0], ops), getattr(ops, _UNARY[expr.func])
        return lambda x: op(inner(x))
    if isinstance(expr, DefinedFunction) and type(expr).vector_ball is not None:
        inner, ball_of = compile_expression(expr.args[0], ops), type(expr).vector_ball
        return lambda x: ball_of(ops, inner(x))
    if isinstance(expr, DefinedFunction):
        return compile_expression(stable_form(type(expr), 0, expr.args[0]), ops)
    raise UnsupportedError(f"no ball arithmetic for {expr.func}")


def _protect(expr: Expr) -> Expr:
    """Every erfc as `Erfc`, and k + c·erfc(z) with k = −2c (SymPy's rewriting of
    −c·erfc(−z)) back as −c·Erfc(−z)."""

    def rule(node: Expr) -> Expr | None:
        if node.is_Add:
            k, _ = node.as_coeff_Add()
            for term in node.args:
                c, rest = term.as_coeff_Mul()
                if isinstance(rest, sympy.erfc) and k != 0 and k == -2 * c:
                    others = [_protect(t) for t in node.args if t not in (k, term)]
                    return sympy.Add(-c * Erfc(-_protect(rest.args[0])), *others)
        if isinstance(node, sympy.erfc):
            return Erfc(_protect(node.args[0]))
        return None

    return _rebuild(expr, rule)


def _product(expr: Expr, ops: ModuleType) -> Node:
    """The constant factor (enclosed once) times the product of the others; a factor
    ±2^k scales exactly, so −x and x/2 stay exact balls."""
    constant, rest = expr.as_independent(X, as_Add=False)
    factors = [compile_expression(a, ops) for a in sympy.Mul.make_args(rest)]
    product = _fold(factors, ops.mul)
    if constant == 1:
        return product
    if constant.is_Rational and _is_power_of_two(abs(constant)):
        c = float(constant)
        return lambda x: ops.scale(product(x), c)
    hi, lo, rad = _constant(constant)
    return lambda x: ops.mul(ops.constant(x.shape, hi, lo, rad), product(x))


def _is_power_of_two(value: sympy.Rational) -> bool:
    p, q = int(value.p), int(value.q)
    return p & (p - 1) == 0 and q & (q - 1) == 0


def _power(expr: Expr, ops: ModuleType) -> Node:
    base, exponent = expr.args
    if exponent.is_Integer:
        inner, n = compile_expression(base, ops), int(exponent)
        return lambda x: ops.power(inner(x), n)
    raise UnsupportedError(f"no ball arithmetic for the power {expr}")


@lru_cache(maxsize=256)
def compile_target(expr: Expr, ops: ModuleType = vball) -> Node:
    """The ball function of a target of the oracle (diff(...) allowed); raises
    UnsupportedError where some node has no ball arithmetic."""
    try:
        return compile_expression(stable_target(expr), ops)
    except (UnsupportedError, SymbolicError, ValueError, TypeError, RecursionError) as error:
        raise UnsupportedError(str(error)) from error


def supported(expr: Expr) -> bool:
    try:
        compile_target(expr)
    except UnsupportedError:
        return False
    return True


# ---------------------------------------------------------------- signs

# Signs are float arrays: −1, +1, 0 (exactly zero) or NaN (not known).
SignNode = Callable[[np.ndarray], np.ndarray]
_SIGN_OF_ARGUMENT = (sympy.tanh, sympy.erf, log1p, expm1)
_POSITIVE = (sympy.exp, sympy.erfc)  # and Erfc, below; named functions by SymPy


def _ball_sign(ball: Ball) -> np.ndarray:
    exact_zero = (ball.mid == 0) & (ball.rad == 0)
    return np.where(
        ball.mid - ball.rad > 0,
        1.0,
        np.where(ball.mid + ball.rad < 0, -1.0, np.where(exact_zero, 0.0, np.nan)),
    )


def _sum_sign(signs: list[np.ndarray]) -> np.ndarray:
    """The sign of a sum: that of its non-zero terms when they all agree."""
    stacked = np.stack(signs)
    plus = np.all((stacked == 1) | (stacked == 0), axis=0)
    minus = np.all((stacked == -1) | (stacked == 0), axis=0)
    return np.where(plus & minus, 0.0, np.where(plus, 1.0, np.where(minus, -1.0, np.nan)))


def _extreme_sign(signs: list[np.ndarray], pick: Callable) -> np.ndarray:
    """The sign of max (pick = max) or min of values with these signs."""
    stacked = np.stack(signs)
    decisive = 1.0 if pick is max else -1.0
    any_decisive = np.any(stacked == decisive, axis=0)
    known = np.all(~np.isnan(stacked), axis=0)
    extreme = np.max(stacked, axis=0) if pick is max else np.min(stacked, axis=0)
    return np.where(any_decisive, decisive, np.where(known, extreme, np.nan))


def _rule_sign(expr: Expr) -> SignNode | None:
    """A sign rule for the node from the signs of its arguments, where one applies."""
    if expr.is_Add:
        parts = [_sign_node(a) for a in expr.args]
        return lambda x: _sum_sign([p(x) for p in parts])
    if expr.is_Mul:
        parts = [_sign_node(a) for a in expr.args]
        return lambda x: np.prod([p(x) for p in parts], axis=0)
    if expr.is_Pow and expr.args[1].is_Integer:
        base, n = _sign_node(expr.args[0]), int(expr.args[1])
        return lambda x: base(x) ** n if n >= 0 else 1 / base(x) ** -n
    if isinstance(expr, sympy.Max | sympy.Min):
        parts = [_sign_node(a) for a in expr.args]
        pick = max if isinstance(expr, sympy.Max) else min
        return lambda x: _extreme_sign([p(x) for p in parts], pick)
    if isinstance(expr, (*_POSITIVE, Erfc)) or (
        isinstance(expr, DefinedFunction) and expr.is_positive
    ):
        return lambda x: np.ones(x.shape)
    if isinstance(expr, _SIGN_OF_ARGUMENT):
        inner = _sign_node(expr.args[0])
        return inner
    if isinstance(expr, sympy.Abs):
        inner = _sign_node(expr.args[0])
        return lambda x: np.abs(inner(x))
    if isinstance(expr, DefinedFunction):
        return _sign_node(stable_form(type(expr), 0, expr.args[0]))
    return None


@lru_cache(maxsize=256)
def _sign_node(expr: Expr) -> SignNode:
    """The sign of the node's true value: by a rule where one is known (x·σ(x) has the
    sign of x however small it is), else by its ball."""
    if expr == X:
        return np.sign
    ball = compile_expression(expr)
    rule = _rule_sign(expr)
    if rule is None:
        return lambda x: _ball_sign(ball(x))

    def sign(x: np.ndarray) -> np.ndarray:
        found = rule(x)
        unknown = np.flatnonzero(np.isnan(found))
        if len(unknown):
            found[unknown] = _ball_sign(ball(x[unknown]))
        return found

    return sign


@lru_cache(maxsize=256)
def compile_sign(expr: Expr) -> SignNode:
    """The sign function of a target (see `_sign_node`)."""
    return _sign_node(stable_target(expr))


# ---------------------------------------------------------------- deciding the rounding


def _gaps(c: np.ndarray, fmt: ieee.Format) -> tuple[np.ndarray, np.ndarray]:
    """Distances from c (a value of the format, as float64) to its neighbours toward
    zero and away from zero (toward: half as large at a power of two above 2^emin).

    Read from c's float64 bits (every value of the formats is a normal float64 or 0):
    2^(max(E, emin) − p + 1), E the unbiased exponent, built as a float64 from its bits.
    """
    bits = np.abs(c).view(np.int64)
    exponent = (bits >> 52) - 1023
    zero = bits == 0
    ulp_exponent = np.maximum(exponent, fmt.emin) - fmt.precision + 1
    away = ((ulp_exponent + 1023) << 52).view(np.float64)
    binade_start = ((bits & ((1 << 52) - 1)) == 0) & (exponent > fmt.emin)
    toward = np.where(binade_start, away / 2, away)
    least = math.ldexp(1.0, fmt.min_subnormal_exponent)
    return np.where(zero, least, toward), np.where(zero, least, away)


def decide(ball: Ball, fmt: ieee.Format) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values of `fmt`, a mask of the points where every value in the ball rounds (to
    nearest, ties to even) to that value, and a mask of the points that round to zero
    where only the sign of the true value is missing (see `compile_sign`).

    c is the midpoint rounded to the format (a double-word's hi for float64); the ball
    must lie strictly inside (c − gap_below/2, c + gap_above/2): d = midpoint − c is
    exact (Sterbenz, or c = 0; a double-word's lo), the half gaps are powers of two, and
    RN is monotone, so RN(d + r) < g/2 implies d + r < g/2. A decided ball is also
    narrow (relative, or 2^-20 of the least subnormal), so that its midpoint serves as
    the true value in ULP errors. Double-word balls do not decide below 2^-960, where
    their low words lose accuracy and float64's half gaps underflow.
    """
    least = math.ldexp(1.0, fmt.min_subnormal_exponent)
    double = isinstance(ball, vball_dw.Ball)
    with np.errstate(over="ignore", invalid="ignore"):
        if double:
            c, d, bound = ball.hi, ball.lo, vball_dw.DIGITS_BOUND
        else:
            c = ball.mid.astype(fmt.dtype).astype(np.float64)
            d, bound = ball.mid - c, TRUE_VALUE_BOUND
        toward, away = _gaps(c, fmt)
        below = np.where(c > 0, toward, away)
        above = np.where(c < 0, toward, away)
        inside = (d + ball.rad < above / 2) & (d - ball.rad > -below / 2)
        narrow = (ball.rad <= bound * np.abs(c)) | (ball.rad <= 2.0**-20 * least)
    ok = inside & narrow & np.isfinite(c) & np.isfinite(ball.rad)
    positive, negative = ball.mid - ball.rad > 0, ball.mid + ball.rad < 0
    exact_zero = (ball.rad == 0) & (ball.mid == 0)
    zero = c == 0
    if double:
        ok &= (np.abs(c) >= 2.0**-960) | exact_zero
    sign_known = positive | negative | exact_zero
    c = np.where(zero, np.where(negative, -0.0, 0.0), c)
    return c.astype(fmt.dtype), ok & (~zero | sign_known), ok & zero & ~sign_known


def decide_double(ball: vball_dw.Ball, fmt: ieee.Format) -> tuple:
    """`decide` for double-word balls, with the same results: first a sufficient test
    in fewer operations, then `decide` itself at the points it leaves.

    For 2^-960 ≤ |c| finite (c = hi, a float64), ulp(c) = 2^(E − 52) is built from c's
    exponent bits; |lo| + rad < ulp/2, or < ulp/4 where c is a power of two (the gap
    toward zero is halved there), puts the ball strictly inside c's rounding interval on
    both sides (RN of the sum is monotone and the bound is a power of two), which is
    `decide`'s test; with rad ≤ DIGITS_BOUND·|c| (narrow) and c ≠ 0, the sign is c's.
    """
    c, d, rad = ball.hi, ball.lo, ball.rad
    size = np.abs(c)
    bits = size.view(np.int64)
    with np.errstate(over="ignore", invalid="ignore"):
        ulp = (((bits >> 52) - 52) << 52).view(np.float64)
        half = np.where((bits & ((1 << 52) - 1)) == 0, ulp * 0.25, ulp * 0.5)
        ok = (np.abs(d) + rad < half) & (rad <= vball_dw.DIGITS_BOUND * size)
    ok &= (size >= 2.0**-960) & np.isfinite(c)
    values, unsigned = c.astype(fmt.dtype), np.zeros(c.shape, dtype=bool)
    rest = np.flatnonzero(~ok)
    if len(rest):
        part = vball_dw.Ball(c[rest], d[rest], rad[rest])
        values[rest], ok[rest], unsigned[rest] = decide(part, fmt)
    return values, ok, unsigned


# ---------------------------------------------------------------- tiny arguments
#
# x·σ(x) = x/2 + x²/4 + …: for a float32 x of odd significand below 2^-125, x/2 lies
# exactly on a rounding boundary and the true value just beside it, by far less than
# any ball's radius. At |x| ≤ TINY_X such targets (f(0) = 0, f′(0) = a1 an exact
# dyadic) are decided by f(x) = a1·x + a2·x² + R with |R| ≤ M·|x|³, a2 and
# M = max |f‴|/6 over [−TINY_X, TINY_X] enclosed once by Arb.

TINY_X = 2.0**-30


@dataclass(frozen=True)
class TinyExpansion:
    a1: float  # exact
    a2: float
    a2_radius: float
    cubic: float  # M


@lru_cache(maxsize=256)
def tiny_expansion(expr: Expr) -> TinyExpansion | None:
    """The expansion at 0 (above), where it applies."""
    try:
        with precision(192):
            balls = [
                enclose(prepare(sympy.Derivative(expr, (X, k)) if k else expr), flint.arb(0), 192)
                for k in range(3)
            ]
            third = enclose(prepare(sympy.Derivative(expr, (X, 3))), flint.arb(0, TINY_X), 192)
    except Exception:
        return None
    if not all(b.is_finite() for b in [*balls, third]) or balls[0] != 0:
        return None
    low, high = exact_bounds(balls[1])
    if low != high or low == 0 or float(low) != low:
        return None
    a2_low, a2_high = (v / 2 for v in exact_bounds(balls[2]))
    a2 = float((a2_low + a2_high) / 2)
    a2_radius = float(max(a2_high - Fraction(a2), Fraction(a2) - a2_low)) * UP_FACTOR
    cubic = float(exact_bounds(abs(third))[1] / 6) * UP_FACTOR
    return TinyExpansion(float(low), a2, a2_radius + 2.0**-1000, cubic + 2.0**-1000)


UP_FACTOR = 1 + 2.0**-40


def _beside(m: np.ndarray, e: np.ndarray, fmt: ieee.Format) -> np.ndarray:
    """m rounded to the format, and where m is a rounding boundary, the neighbour on
    the side of e (casts may round twice, through float32, so m is not nudged)."""
    c = m.astype(fmt.dtype).astype(np.float64)
    toward, away = _gaps(c, fmt)
    below = np.where(c > 0, toward, away)
    above = np.where(c < 0, toward, away)
    c = np.where((m - c == above / 2) & (e > 0), c + above, c)
    return np.where((m - c == -below / 2) & (e < 0), c - below, c)


def decide_tiny(
    expansion: TinyExpansion, x: np.ndarray, fmt: ieee.Format
) -> tuple[np.ndarray, np.ndarray]:
    """Values and a mask of the decided points, for |x| ≤ TINY_X (narrow formats).

    m = a1·x is exact; v − m lies in [e − r, e + r], e = a2·x² and r covering a2's
    radius, the rounding of e and M|x|³. With c the format's value nearest to m (on
    the side of e where m is a boundary), t_low = (m − c) + gap_below/2 and t_high = gap_above/2 − (m − c) are exact
    (all terms are multiples of m's last bit), so RN(t_low + e − r) > 0 and
    RN(t_high − e − r) > 0 prove that v lies strictly between the two boundaries.
    """
    m = expansion.a1 * x
    e = expansion.a2 * x * x
    r = (
        2.0**-50 * np.abs(e) + expansion.a2_radius * x * x + expansion.cubic * np.abs(x) ** 3
    ) * UP_FACTOR + 2.0**-1070
    c = _beside(m, e, fmt)
    toward, away = _gaps(c, fmt)
    below = np.where(c > 0, toward, away)
    above = np.where(c < 0, toward, away)
    d = m - c
    ok = ((d + below / 2) + (e - r) > 0) & ((above / 2 - d) - (e + r) > 0)
    ok &= (np.abs(x) <= TINY_X) & (c != 0) & (np.abs(e) > r)
    return c.astype(fmt.dtype), ok


def arithmetic_for(fmt: ieee.Format) -> ModuleType:
    """Plain float64 balls for formats of at most 24 bits, double-words for float64."""
    return vball if fmt.precision <= MAX_PRECISION else vball_dw


def rounded_and_true(
    expr: Expr, x: np.ndarray, fmt: ieee.Format
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rounded values, the mask of decided points, and true values (hi, lo) at the
    decided points, for a supported target (`compile_target`); a zero lo beside a power
    of two carries the true value's side by its sign (`symbolic.numbers.sides`)."""
    ops = arithmetic_for(fmt)
    node, sign_of = compile_target(expr, ops), compile_sign(expr)
    x = np.asarray(x, dtype=np.float64)
    result = np.zeros(x.shape, dtype=fmt.dtype)
    decided = np.zeros(x.shape, dtype=bool)
    hi, lo = np.zeros(x.shape), np.zeros(x.shape)
    for start in range(0, len(x), BLOCK):
        part = slice(start, start + BLOCK)
        with np.errstate(all="ignore"):
            ball = node(x[part])
            values, ok, unsigned = (decide_double if ops is vball_dw else decide)(ball, fmt)
            if unsigned.any():
                where = np.flatnonzero(unsigned)
                sign = sign_of(x[part][where])
                known = ~np.isnan(sign)  # −1, +1, or 0 for an exact zero (+0)
                values[where[known]] = np.where(sign[known] < 0, -0.0, 0.0)
                ok[where[known]] = True
        result[part], decided[part], hi[part] = values, ok, ball.mid
        if ops is vball_dw:
            lo[part] = ball.lo
    found = _with_tails(expr, x, fmt, _with_tiny(expr, x, fmt, (result, decided, hi, lo)))
    mark_sides(expr, x, found[2], found[3])  # a zero lo beside a power of two: its side
    return found


def _with_tiny(expr: Expr, x: np.ndarray, fmt: ieee.Format, found: tuple) -> tuple:
    """The undecided points of |x| ≤ TINY_X by `decide_tiny`, where it applies."""
    result, decided, hi, lo = found
    if fmt.precision > MAX_PRECISION:
        return found
    where = np.flatnonzero(~decided & (np.abs(x) <= TINY_X) & (x != 0))
    expansion = tiny_expansion(expr) if len(where) else None
    if expansion is None:
        return found
    values, ok = decide_tiny(expansion, x[where], fmt)
    chosen = where[ok]
    result[chosen], decided[chosen] = values[ok], True
    hi[chosen] = expansion.a1 * x[chosen] + expansion.a2 * x[chosen] ** 2
    return result, decided, hi, lo


# ---------------------------------------------------------------- far tails (float64)
#
# A named function may have `vector_tails[n](ops, x)`: pieces (`VectorTail`), each a
# double-word ball of f^(n)(x)·2^k (radius +inf where it gives none) and the proved sign of
# f^(n)(x) where that ball holds 0, for the points whose values are too small for the balls
# of f^(n)(x) itself (below 2^-960, or subnormal) or whose x³ leaves float64. f^(n)(x)
# rounds to float64 as the ball's values round to float64 scaled by 2^k (its exponents,
# subnormal ones included, shifted by k): `decide_scaled`.


def decide_scaled(ball: vball_dw.Ball, k: int, fmt: ieee.Format) -> tuple:
    """Values of fmt (unscaled), a mask of the points they decide, and a mask of the
    points that round to zero where only the sign of the true value is missing, for a
    double-word ball of f·2^k (0 ≤ k ≤ 1000).

    c = RN(hi·2^-k)·2^k is hi rounded to the scaled format (one correctly rounded
    product, then an exact one) and r = hi − c is exact (both are multiples of ulp(hi),
    |r| ≤ |hi|); where c is subnormal in the scaled format and lo takes hi + lo past half
    a gap, c moves one gap (the least subnormal, exactly) toward it. d = (r − step) + lo
    errs by at most 2^-52·(|r| + |step| + |lo|) (two roundings), added to the radius
    with a factor 2 to spare; then `decide` in the scaled format. Its 2^-960 guard holds for c ≠ 0 (c ≥ 2^(k−1074));
    at c = 0 the ball decides zero when it lies strictly inside ±2^(k−1075) and is
    narrow (within 2^-20 of the least scaled subnormal, as in `decide`).
    """
    scaled = dataclasses.replace(fmt, emin=fmt.emin + k, emax=fmt.emax + k)
    down = math.ldexp(1.0, -k)
    least = math.ldexp(1.0, scaled.min_subnormal_exponent)
    c = (ball.hi * down) / down
    r = ball.hi - c
    over = (np.abs(c) <= math.ldexp(1.0, scaled.emin)) & (np.abs(r + ball.lo) > least / 2)
    step = np.where(over, np.copysign(least, r + ball.lo), 0.0)
    c = c + step
    d = (r - step) + ball.lo
    spread = (np.abs(r) + np.abs(step) + np.abs(ball.lo)) * 2.0**-51
    radius = (ball.rad + spread) * (1 + 2.0**-50)
    values, ok, _ = decide(vball_dw.Ball(c, d, radius), scaled)
    with np.errstate(invalid="ignore"):
        zero = (c == 0) & (np.abs(d) + radius < least / 2) & (radius <= 2.0**-20 * least)
    positive, negative = c + d - radius > 0, c + d + radius < 0
    signed = zero & (positive | negative)
    values = np.where(zero, np.where(negative, -0.0, 0.0), values * down)
    return values, (ok & (c != 0)) | signed, zero & ~signed


def unscaled(ball: vball_dw.Ball, k: int) -> tuple[np.ndarray, np.ndarray]:
    """hi + lo ≈ (ball's midpoint)·2^-k: h = RN(hi·2^-k), then the rest (hi − h·2^k, exact
    as in `decide_scaled`, plus lo) scaled: within the least subnormal of the midpoint
    (exact for k = 0), as the oracle's true values of subnormal results are."""
    down = math.ldexp(1.0, -k)
    h = ball.hi * down
    return h, ((ball.hi - h / down) + ball.lo) * down


def _with_tails(expr: Expr, x: np.ndarray, fmt: ieee.Format, found: tuple) -> tuple:
    """The undecided points that the function's `vector_tails` settle (float64, for
    f^(n)(x) with f a named function): each piece in turn decides what it can."""
    result, decided, hi, lo = found
    named = named_derivative(expr, X)
    tails = named[0].vector_tails.get(named[1]) if named else None
    where = np.flatnonzero(~decided)
    if tails is None or arithmetic_for(fmt) is not vball_dw or not len(where):
        return found
    with np.errstate(all="ignore"):
        for piece in tails(vball_dw, x[where]):
            values, ok, unsigned = decide_scaled(piece.ball, piece.scale, fmt)
            signed = unsigned & ~np.isnan(piece.sign)
            values[signed] = np.where(piece.sign[signed] < 0, -0.0, 0.0)
            ok = (ok | signed) & ~decided[where]
            true_hi, true_lo = unscaled(piece.ball, piece.scale)
            true_hi = np.where(signed, values, true_hi)  # a proved −0 is its own true value
            chosen = where[ok]
            result[chosen], decided[chosen] = values[ok], True
            hi[chosen], lo[chosen] = true_hi[ok], true_lo[ok]
    return result, decided, hi, lo


def rounded(expr: Expr, x: np.ndarray, fmt: ieee.Format) -> tuple[np.ndarray, np.ndarray]:
    """Rounded values and the mask of decided points (`rounded_and_true`, far tails
    included)."""
    values, decided, _, _ = rounded_and_true(expr, np.asarray(x, dtype=np.float64), fmt)
    return values, decided
