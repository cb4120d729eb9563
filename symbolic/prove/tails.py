"""Certified signs and limits on the tails x → ±∞, where interval arithmetic fails.

On [R, ∞) interval arithmetic treats x and e^(−x) in x·e^(−x) as independent and
encloses the product by [0, ∞]. Here the expression is rewritten, exactly, as an
*asymptotic form* valid on the whole tail.
**The tail variable.** With s = ±1 the side, x = s·t and the tail is t ≥ R ≥ 1.
**Forms.** A form is a finite sum of terms c(t)·t^m·e^(−q(t)): the *scale* is exact
(m rational, q a polynomial without constant term with exact real coefficients, e.g.
2√2/√π); the *coefficient* c(t) is known through a ball (Arb) that contains c(t) for
every t ≥ R and, when known, its exact limit (an exact coefficient is a constant).
Scales are ordered by growth: t^m₁e^(−q₁) is smaller than t^m₂e^(−q₂) when q₁ − q₂ has
a positive leading coefficient, or q₁ = q₂ and m₁ < m₂ (signs of exact constants).

**Lemma 1 (monotone ratio).** Let ρ(t) = t^a·e^(−p(t)). For t > 0,
(log ρ)′ = (a − t·p′(t))/t, so ρ decreases on [R, ∞) as soon as s(t) = t·p′(t) − a
is positive there. That holds when every coefficient of the polynomial s(R + y) in y
is ≥ 0 and the constant one, s(R), is > 0 (checked in Arb). Then ρ(t) ≤ ρ(R).

**Sign of a form.** Let d be the largest scale, C the sum of the coefficients of the
terms of scale d, and write the form as d·(C + r) with r = Σ c_k·ρ_k, ρ_k = scale_k/d.
Each ρ_k passes Lemma 1, so |r| ≤ ε = Σ max|c_k|·ρ_k(R) on the whole tail. When the
ball of C excludes 0 and min|C| > ε, the form has the sign of C at every t ≥ R
(d > 0). R is tried at 1, 2, 4, …, 4096 (at least the caller's start).

**Building a form** (each rule an identity, each ball valid for every t ≥ R):

- sums and products term by term; exact coefficients stay exact and cancel exactly;
- reciprocal: 1/(d(C + r)) = d⁻¹·(1/C − r/C² + r²/(C²(C + r))) (an identity), with
  C + r ∈ C ± ε, which must exclude 0; with many terms in r the first order
  d⁻¹·(1/C − r/(C(C + r)));
- exp(P + B + r), P an exact polynomial, B bounded, |r| ≤ ε decaying:
  e^(P)·[e^B]·e^r with (**Lemma 4**) e^r = 1 + r + r²·E₂(r), where
  E₂(r) = (e^r − 1 − r)/r² = ∫₀¹ (1 − s)e^(rs) ds is increasing in r, so
  E₂ ∈ [E₂(−ε), E₂(ε)] (limit 1/2); with many terms in r the first order
  e^r = 1 + r·E₁, E₁ = (e^r − 1)/r = ∫₀¹ e^(rs) ds ∈ [E₁(−ε), E₁(ε)] (limit 1);
- log(d(C + r)) with d = e^(−q) (no power of t) and C exact: −q + log C + log(1 + v),
  v = r/C, |v| ≤ ε' < 1, where **Lemma 2 (log1p).** From the series
  log(1 + v) = Σ_j (−1)^(j+1) v^j/j: log(1 + v) = v − v²/2 + v³(1/3 + δ) with
  |δ| ≤ Σ_(i≥1) ε'^i/(3 + i) ≤ ε'/(4(1 − ε')) (a geometric tail); for v with many terms
  the first-order form v·L, L(v) = log(1 + v)/v decreasing on (−1, ∞), so
  L ∈ [L(ε'), L(−ε')] (for v ≥ 0 the classical v − v²/2 ≤ log(1 + v) ≤ v);
- tanh(g) when g's largest scale grows with sign σ: tanh(g) = σ·(1 − 2E/(1 + E)),
  E = e^(−2σg) (an identity for every g); when g → 0: tanh(g) = g·T with
  T = tanh(g)/g ∈ [tanh(ε)/ε, 1] (even, decreasing in |g|); when g stays bounded: the
  ball of tanh over g's ball (tanh is increasing);
- erfc(z) for an exact polynomial z → +∞ (z ≥ z₀ > 0 on the tail by Lemma 1's shift
  test): erfc(z) = e^(−z²)·z⁻¹·K(z) with K = z·e^(z²)·erfc(z). **Lemma 3 (Mills
  ratio; Abramowitz & Stegun 7.1.13):** for z ≥ 0,
  1/(z + √(z² + 2)) < e^(z²)∫_z^∞ e^(−u²)du ≤ 1/(z + √(z² + 4/π)); with
  erfc = (2/√π)∫, K ∈ [2/(√π(1 + √(1 + 2/z₀²))), 1/√π] and K → 1/√π. For z → −∞,
  erfc(z) = 2 − erfc(−z); erf = 1 − erfc; bounded arguments by monotone balls;
- (d(C + r))^n for rational n and exact C > 0: d^n·C^n·(1 + v·P), v = r/C, where
  **Lemma 5 (mean value):** (1 + v)^n − 1 = n(1 + ξ)^(n−1)·v with ξ between 0 and v,
  so for |v| ≤ ε < 1, P lies between n(1 − ε)^(n−1) and n(1 + ε)^(n−1) (limit n);
- |g| = ±g once g has a proved strict sign on the tail; cosh, sinh, sech by e^(±g); a^g = e^(g·log a).

**Limits.** The largest scale d decays (q with positive leading coefficient, or
m < 0): the limit is 0 (coefficients are bounded). d = 1: the limit is the exact
limit of C (None when unknown). d grows: ±∞ with the sign proved as above.
Anything else (trigonometric functions, log of a power of t, …): None.
`prove.tail_limits` decides it and gives the form as data for `symbolic check`.
"""

from __future__ import annotations

import decimal
import json
import operator
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache, reduce

import flint
import sympy
from sympy import Expr

from symbolic.arith.arb import exact_bounds, precision
from symbolic.errors import SymbolicError
from symbolic.language.parser import X
from symbolic.numbers.enclosure import constant_ball
from symbolic.numbers.exact import sign as exact_sign

BITS = 256
CAP = 4096
MAX_POWER = 1000
MAX_TERMS = 400
SECOND_ORDER = 6  # up to this many small terms: expansions to second order
SQRT_PI = sympy.sqrt(sympy.pi)
TINY = flint.arb(2) ** -64


class _UnhandledError(Exception):
    """The expression is outside what this module handles (at every R)."""


class _NotYetError(Exception):
    """Not decided at this R; a larger R may do."""


# Anything else that goes wrong (a number beyond Arb's exact bounds, an exotic SymPy
# object) ends the attempt with None: an honest "not proved", never a verdict.
GIVE_UP = (_UnhandledError, SymbolicError, ArithmeticError, ValueError, TypeError, RecursionError)


@dataclass(frozen=True)
class Tail:
    side: int  # +1: the tail x >= start;  -1: the tail x <= start
    start: Fraction  # exact
    sign: int  # +1 or -1: expr has this STRICT sign at every x of the tail
    certificate: tuple[str, ...]
    data: dict[str, str]


# ---------------------------------------------------------------- exact constants


@lru_cache(maxsize=4096)
def _ball(value: Expr) -> flint.arb:
    """A ball around an exact real constant (Arb at BITS)."""
    try:
        with precision(BITS):
            return constant_ball(value, BITS)
    except SymbolicError as error:
        raise _UnhandledError(str(error)) from error


@lru_cache(maxsize=4096)
def _sign(value: Expr) -> int:
    """The sign of an exact constant; _UnhandledError when it cannot be decided."""
    result = exact_sign(value)
    if result is None:
        raise _UnhandledError(f"the sign of {value} is not decided")
    return result


# ---------------------------------------------------------------- scales


Poly = tuple[Expr, ...]  # coefficients of degrees 1, 2, …, n (no constant term)


def _trim(q: Poly) -> Poly:
    q = tuple(sympy.expand(c) for c in q)
    while q and (q[-1] == 0 or _sign(q[-1]) == 0):
        q = q[:-1]
    return q


def _padd(a: Poly, b: Poly, k: int = 1) -> Poly:
    """a + k·b."""
    n = max(len(a), len(b))
    a, b = a + (sympy.S.Zero,) * (n - len(a)), b + (sympy.S.Zero,) * (n - len(b))
    return _trim(tuple(x + k * y for x, y in zip(a, b, strict=True)))


@dataclass(frozen=True)
class Scale:
    """t^m·e^(−q(t)) on t ≥ R ≥ 1: exact, positive."""

    m: Fraction
    q: Poly

    def __mul__(self, other: Scale) -> Scale:
        return Scale(self.m + other.m, _padd(self.q, other.q))

    def inverse(self) -> Scale:
        return Scale(-self.m, _padd((), self.q, -1))

    def over(self, other: Scale) -> Scale:
        return self * other.inverse()

    def growth(self) -> int:
        """+1 grows to ∞, 0 is the constant 1, −1 decays to 0."""
        if self.q:
            return -_sign(self.q[-1])
        return (self.m > 0) - (self.m < 0)

    def text(self) -> str:
        t = sympy.Symbol("t", positive=True)
        power = t ** sympy.Rational(self.m.numerator, self.m.denominator)
        parts = [] if self.m == 0 else [str(power)]
        if self.q:
            poly = sympy.Add(*(c * t ** (j + 1) for j, c in enumerate(self.q)))
            parts.append(f"exp({-poly})")
        return "·".join(parts) or "1"


ONE = Scale(Fraction(0), ())


def _compare(a: Scale, b: Scale) -> int:
    """+1 when a/b → ∞, 0 when a = b, −1 when a/b → 0."""
    return a.over(b).growth()


# ---------------------------------------------------------------- coefficients


def _monotone(function, ball: flint.arb) -> flint.arb:
    """The ball of a monotone function over a ball: its values at both ends."""
    return (function(ball.lower())).union(function(ball.upper()))


@dataclass(frozen=True)
class Coef:
    """A coefficient function of t: a ball valid on the whole tail, and its limit."""

    exact: Expr | None
    ball: flint.arb
    limit: Expr | None

    @staticmethod
    def of(value: Expr) -> Coef:
        return Coef(value, _ball(value), value)

    @staticmethod
    def bounded(ball: flint.arb, limit: Expr | None) -> Coef:
        if not ball.is_finite():
            raise _NotYetError("an unbounded coefficient")
        return Coef(None, ball, limit)

    def __add__(self, other: Coef) -> Coef:
        if self.exact is not None and other.exact is not None:
            return Coef.of(sympy.expand(self.exact + other.exact))
        known = self.limit is not None and other.limit is not None
        return Coef.bounded(self.ball + other.ball, self.limit + other.limit if known else None)

    def __mul__(self, other: Coef) -> Coef:
        if self.exact is not None and other.exact is not None:
            return Coef.of(sympy.expand(self.exact * other.exact))
        known = self.limit is not None and other.limit is not None
        return Coef.bounded(self.ball * other.ball, self.limit * other.limit if known else None)

    def inverse(self) -> Coef:
        if self.ball.contains(0):
            raise _NotYetError("a coefficient that may vanish")
        if self.exact is not None:
            return Coef.of(sympy.radsimp(1 / self.exact))
        limit = None if self.limit is None else 1 / self.limit
        return Coef.bounded(1 / self.ball, limit)

    def is_zero(self) -> bool:
        return self.exact is not None and (self.exact == 0 or _sign(self.exact) == 0)

    def text(self) -> str:
        return str(self.exact) if self.exact is not None else _interval_text(self.ball)


def _decimal(value: Fraction, up: bool) -> str:
    """value rounded outward (up or down) to 6 significant digits."""
    rounding = decimal.ROUND_CEILING if up else decimal.ROUND_FLOOR
    with decimal.localcontext(decimal.Context(prec=6, rounding=rounding)):
        return str(+(decimal.Decimal(value.numerator) / decimal.Decimal(value.denominator)))


def _interval_text(ball: flint.arb) -> str:
    if ball.abs_upper() < TINY or ball.abs_upper() > 1 / TINY:
        return f"[−{_upper_text(ball)}, {_upper_text(ball)}]"
    low, high = (Fraction(end) for end in _bounds_text(ball))  # 64 bits: short and fast
    return f"[{_decimal(low, False)}, {_decimal(high, True)}]"


def _upper_text(ball: flint.arb) -> str:
    """A short upper bound of |ball|: 6 digits rounded up, or a power of 2 far out."""
    upper = ball.abs_upper()
    if TINY <= upper <= 1 / TINY:
        return _decimal(exact_bounds(upper)[1], True)
    mantissa, exponent = upper.mid().man_exp()  # upper is exact: ≤ 2^(e + bits of m)
    return f"2^{int(exponent) + int(mantissa).bit_length()}"


def _data_bound(epsilon: flint.arb, coefficient: flint.arb) -> Fraction:
    """An exact rational ≥ ε·(1 + 2^−40) for the data (room for the 64-bit rounding of the
    coefficients there); 2^−64 when that still separates it from |C|."""
    if epsilon < TINY and coefficient.abs_lower() > TINY:
        return Fraction(1, 2**64)
    return Fraction(_bounds_text(epsilon * (1 + flint.arb(2) ** -40))[1])


Term = tuple[Scale, Coef]
Form = tuple[Term, ...]


def _merge(terms: list[Term]) -> Form:
    if len(terms) > MAX_TERMS * MAX_TERMS:
        raise _UnhandledError("too many terms")
    merged: dict[Scale, Coef] = {}
    for scale, coef in terms:
        merged[scale] = merged[scale] + coef if scale in merged else coef
    form = tuple((s, c) for s, c in merged.items() if not c.is_zero())
    if len(form) > MAX_TERMS:
        raise _UnhandledError("too many terms")
    return form


def _add(*forms: Form) -> Form:
    return _merge([term for form in forms for term in form])


def _mul(a: Form, b: Form) -> Form:
    return _merge([(s * u, c * k) for s, c in a for u, k in b])


def _const(value: Expr | int) -> Form:
    value = sympy.Integer(value) if isinstance(value, int) else value
    return () if value == 0 else ((ONE, Coef.of(value)),)


def _scaled(form: Form, value: Expr | int) -> Form:
    return _mul(form, _const(value))


# ---------------------------------------------------------------- Lemma 1


def _shift_positive(coefficients: list[flint.arb], at: flint.arb) -> bool:
    """s(R + y) has coefficients ≥ 0 in y and s(R) > 0: then s > 0 and s is
    nondecreasing on [R, ∞)."""
    n = len(coefficients)
    shifted = []
    for j in range(n):
        total = flint.arb(0)
        for k in range(j, n):
            total += coefficients[k] * int(sympy.binomial(k, j)) * at ** (k - j)
        shifted.append(total)
    return shifted[0] > 0 and all(b >= 0 for b in shifted[1:])


def _decreasing(ratio: Scale, at: flint.arb) -> bool:
    """Lemma 1 for ρ = t^a·e^(−p): t·p′(t) − a > 0 on [R, ∞)."""
    a = flint.arb(flint.fmpq(ratio.m.numerator, ratio.m.denominator))
    coefficients = [-a] + [_ball(c) * (j + 1) for j, c in enumerate(ratio.q)]
    return _shift_positive(coefficients, at)


def _value(scale: Scale, at: flint.arb) -> flint.arb:
    """t^m·e^(−q(t)) at t = R, in Arb."""
    exponent = flint.arb(0)
    for j, c in enumerate(scale.q):
        exponent += _ball(c) * at ** (j + 1)
    power = at ** flint.arb(flint.fmpq(scale.m.numerator, scale.m.denominator))
    return power * (-exponent).exp()


# ---------------------------------------------------------------- the split


Piece = tuple[Scale, Coef, flint.arb]


@dataclass(frozen=True)
class Split:
    """form = d·(C + r), |r| ≤ epsilon on the whole tail."""

    dominant: Scale
    coefficient: Coef
    rest: tuple[Term, ...]  # (ratio scale ρ_k = scale_k/d, c_k)
    epsilon: flint.arb
    bounds: tuple[Piece, ...]  # (ρ_k, c_k, an upper bound of |c_k|·ρ_k(R))


class _Builder:
    """Forms of subexpressions on the tail t ≥ R (x = side·t)."""

    def __init__(self, side: int, r: Fraction) -> None:
        self.side = side
        self.r = r
        self.at = flint.arb(flint.fmpq(r.numerator, r.denominator))
        self.facts: list[str] = []
        self.cache: dict[Expr, Form] = {}

    def note(self, fact: str) -> None:
        if fact not in self.facts:
            self.facts.append(fact)

    def split(self, form: Form) -> Split:
        if not form:
            raise _UnhandledError("the form is identically 0")
        dominant = form[0][0]
        for scale, _ in form[1:]:
            if _compare(scale, dominant) > 0:
                dominant = scale
        group = [c for s, c in form if _compare(s, dominant) == 0]
        coefficient = reduce(operator.add, group)
        rest = tuple((s.over(dominant), c) for s, c in form if _compare(s, dominant) != 0)
        epsilon, bounds = self.bound(rest)
        return Split(dominant, coefficient, rest, epsilon, bounds)

    def bound(self, rest: tuple[Term, ...]) -> tuple[flint.arb, tuple[Piece, ...]]:
        """ε ≥ Σ |c_k|·ρ_k(t) for all t ≥ R, each ρ_k decreasing by Lemma 1."""
        epsilon, pieces = flint.arb(0), []
        for ratio, c in rest:
            if not _decreasing(ratio, self.at):
                raise _NotYetError("a ratio not shown decreasing from R")
            piece = (c.ball.abs_upper() * _value(ratio, self.at)).abs_upper()
            epsilon += piece
            pieces.append((ratio, c, piece))
        return epsilon.abs_upper(), tuple(pieces)

    def small(self, form: Form) -> flint.arb:
        """A bound of |form| on the tail when every scale decays."""
        if any(s.growth() >= 0 for s, _ in form):
            raise _UnhandledError("not a decaying form")
        return self.bound(form)[0]

    # ------------------------------------------------------------ expressions

    def form(self, expr: Expr) -> Form:
        if expr not in self.cache:
            self.cache[expr] = self._form(expr)
        return self.cache[expr]

    def _form(self, expr: Expr) -> Form:
        if expr == X:
            return ((Scale(Fraction(1), ()), Coef.of(sympy.Integer(self.side))),)
        if not expr.free_symbols:
            return _const(expr)
        if expr.free_symbols != {X}:
            raise _UnhandledError("an expression with parameters")
        if expr.is_Add:
            return _add(*(self.form(a) for a in expr.args))
        if expr.is_Mul:
            result = _const(sympy.Integer(1))
            for a in expr.args:
                result = _mul(result, self.form(a))
            return result
        if expr.is_Pow:
            return self._power(expr)
        handler = {
            sympy.exp: self._exp,
            sympy.log: self._log,
            sympy.tanh: self._tanh,
            sympy.erfc: self._erfc,
            sympy.erf: self._erf,
            sympy.Abs: self._abs,
            sympy.cosh: lambda g: self._hyperbolic(g, 1),
            sympy.sinh: lambda g: self._hyperbolic(g, -1),
            sympy.sech: lambda g: self.reciprocal(self._hyperbolic(g, 1)),
        }.get(expr.func)
        if handler is None:
            raise _UnhandledError(f"{expr.func} is not handled on the tails")
        return handler(self.form(expr.args[0]))

    def _power(self, expr: Expr) -> Form:
        base, exponent = expr.args
        if not base.free_symbols and _sign(base) > 0:  # a^g = e^(g·log a)
            return self._exp(self.form(sympy.expand(exponent * sympy.log(base))))
        if exponent.is_Rational and not exponent.is_Integer and exponent.q <= MAX_POWER:
            return self._root(self.form(base), exponent)
        if not (exponent.is_Integer and abs(int(exponent)) <= MAX_POWER):
            raise _UnhandledError("a power other than a rational of moderate size")
        n = int(exponent)
        form = self.form(base)
        if n < 0:
            form, n = self.reciprocal(form), -n
        result, square = _const(1), form
        while n:  # binary powering
            if n & 1:
                result = _mul(result, square)
            n >>= 1
            if n:
                square = _mul(square, square)
        return result

    def _root(self, form: Form, n: sympy.Rational) -> Form:
        """(d(C + r))^n = d^n·C^n·(1 + v·P), v = r/C, C > 0 exact (Lemma 5)."""
        parts = self.split(form)
        c, d = parts.coefficient, parts.dominant
        if c.exact is None or _sign(c.exact) <= 0:
            raise _UnhandledError("a rational power of a form not shown positive")
        scale = Scale(d.m * Fraction(n.p, n.q), _trim(tuple(k * n for k in d.q)))
        head = ((scale, Coef.of(sympy.radsimp(c.exact**n))),)
        if not parts.rest:
            return head
        relative = (parts.epsilon / c.ball).abs_upper()
        if not relative < 1:
            raise _NotYetError("the power needs |r/C| < 1")
        self.note("Lemma 5: (1 + v)^n = 1 + v·n(1 + ξ)^(n−1), |ξ| ≤ |v| ≤ ε < 1")
        power = flint.arb(flint.fmpq(n.p, n.q))
        low, high = (power * (1 + s * relative) ** (power - 1) for s in (-1, 1))
        factor = ((ONE, Coef.of(sympy.radsimp(1 / c.exact)) * Coef.bounded(low.union(high), n)),)
        return _mul(head, _add(_const(1), _mul(parts.rest, factor)))

    def _hyperbolic(self, form: Form, k: int) -> Form:
        """cosh g (k = 1) or sinh g (k = −1) as (e^g + k·e^(−g))/2."""
        halves = _add(self._exp(form), _scaled(self._exp(_scaled(form, -1)), k))
        return _scaled(halves, sympy.Rational(1, 2))

    def _abs(self, form: Form) -> Form:
        """|g| = ±g once g has a proved strict sign on the tail."""
        return _scaled(form, self._strict_sign(self.split(form))) if form else ()

    def reciprocal(self, form: Form) -> Form:
        """1/(d(C + r)) = d⁻¹·(1/C − r/C² + r²/(C²(C + r))), or with few exact terms
        to spare, the first order d⁻¹·(1/C − r/(C(C + r)))."""
        parts = self.split(form)
        c, epsilon = parts.coefficient, parts.epsilon
        around = Coef.bounded(c.ball + (-epsilon).union(epsilon), c.limit)
        if around.ball.contains(0):
            raise _NotYetError("a divisor not bounded away from 0")
        inverse, head = parts.dominant.inverse(), c.inverse()
        minus = Coef.of(sympy.Integer(-1))
        rest = parts.rest
        if len(rest) > SECOND_ORDER:
            self.note("1/(d(C + r)) = (1/C − r/(C(C + r)))/d with C + r ∈ C ± ε")
            factor = minus * head * around.inverse()
            return _merge([(inverse, head)] + [(inverse * s, k * factor) for s, k in rest])
        self.note("1/(d(C + r)) = (1/C − r/C² + r²/(C²(C + r)))/d with C + r ∈ C ± ε")
        linear = _mul(rest, ((ONE, minus * head * head),))
        square = _mul(_mul(rest, rest), ((ONE, head * head * around.inverse()),))
        return _mul(((inverse, Coef.of(sympy.Integer(1))),), _add(((ONE, head),), linear, square))

    def _exp(self, form: Form) -> Form:
        """e^(P + B + r) = e^P·e^B·e^r, P exact polynomial, B bounded, r decaying."""
        q: Poly = ()
        constant = sympy.S.Zero
        bounded: Coef | None = None
        decaying: list[Term] = []
        for scale, c in form:
            growth = scale.growth()
            if growth < 0:
                decaying.append((scale, c))
            elif scale.q or scale.m.denominator != 1 or (c.exact is None and growth > 0):
                raise _UnhandledError("exp of an argument that is not polynomial plus bounded")
            elif growth > 0:
                degree = int(scale.m)
                padded = [sympy.S.Zero] * degree
                padded[degree - 1] = -c.exact
                q = _padd(q, tuple(padded))
            elif c.exact is not None:
                constant = c.exact
            else:
                bounded = c
        coef = Coef.of(sympy.exp(constant))
        if bounded is not None:
            limit = None if bounded.limit is None else sympy.exp(bounded.limit)
            coef = coef * Coef.bounded(_monotone(flint.arb.exp, bounded.ball), limit)
        head = ((Scale(Fraction(0), q), coef),)
        if not decaying:
            return head
        epsilon = self.small(tuple(decaying))
        if not epsilon > 0:
            raise _NotYetError("no bound of the decaying part")
        return _mul(head, self._expm(tuple(decaying), epsilon))

    def _expm(self, r: Form, epsilon: flint.arb) -> Form:
        """e^r for |r| ≤ ε on the tail: 1 + r + r²·E₂ (few terms) or 1 + r·E₁ (Lemma 4)."""
        if len(r) > SECOND_ORDER:
            self.note("Lemma 4: e^r = 1 + r·E₁, E₁ ∈ [E₁(−ε), E₁(ε)] for |r| ≤ ε")
            low, high = (1 - (-epsilon).exp()) / epsilon, (epsilon.exp() - 1) / epsilon
            factor = ((ONE, Coef.bounded(low.union(high), sympy.Integer(1))),)
            return _add(_const(1), _mul(r, factor))
        self.note("Lemma 4: e^r = 1 + r + r²·E₂, E₂ ∈ [E₂(−ε), E₂(ε)] for |r| ≤ ε")
        low = ((-epsilon).exp() - 1 + epsilon) / epsilon**2
        high = (epsilon.exp() - 1 - epsilon) / epsilon**2
        factor = ((ONE, Coef.bounded(low.union(high), sympy.Rational(1, 2))),)
        return _add(_const(1), r, _mul(_mul(r, r), factor))

    def _log(self, form: Form) -> Form:
        """log(e^(−q)(C + r)) = −q + log C + (r/C)·L (Lemma 2)."""
        parts = self.split(form)
        d, c, epsilon = parts.dominant, parts.coefficient, parts.epsilon
        if d.m != 0:
            raise _UnhandledError("log of a power of t")
        poly = _merge([(Scale(Fraction(j + 1), ()), Coef.of(-k)) for j, k in enumerate(d.q)])
        if c.exact is None:
            around = c.ball + (-epsilon).union(epsilon)
            if not around > 0:
                raise _NotYetError("log of a form not bounded away from 0")
            limit = None if c.limit is None else sympy.log(c.limit)
            return _add(poly, ((ONE, Coef.bounded(_monotone(flint.arb.log, around), limit)),))
        if _sign(c.exact) <= 0:
            raise _UnhandledError("log of a form that is not positive")
        head = _add(poly, _const(sympy.log(c.exact)))
        if not parts.rest:
            return head
        relative = (epsilon / c.ball).abs_upper()
        if not (relative < 1 and relative > 0):
            raise _NotYetError("log1p bound needs |r/C| < 1")
        v = tuple((s, k * Coef.of(sympy.radsimp(1 / c.exact))) for s, k in parts.rest)
        return _add(head, self._log1p(v, relative))

    def _log1p(self, v: Form, epsilon: flint.arb) -> Form:
        """log(1 + v) for |v| ≤ ε < 1 on the tail (Lemma 2)."""
        if len(v) > SECOND_ORDER:
            self.note("Lemma 2: log(1 + v)/v ∈ [L(ε), L(−ε)] for |v| ≤ ε < 1")
            low = epsilon.log1p() / epsilon
            high = (-epsilon).log1p() / (-epsilon)
            return _mul(v, ((ONE, Coef.bounded(low.union(high), sympy.Integer(1))),))
        self.note("Lemma 2: log(1 + v) = v − v²/2 + v³(1/3 + δ), |δ| ≤ ε/(4(1 − ε)), |v| ≤ ε < 1")
        delta = epsilon / (4 * (1 - epsilon))
        third = flint.arb(1) / 3 + (-delta).union(delta)
        square = _mul(v, v)
        cube = _mul(square, ((ONE, Coef.bounded(third, sympy.Rational(1, 3))),))
        return _add(v, _scaled(square, sympy.Rational(-1, 2)), _mul(cube, v))

    def _tanh(self, form: Form) -> Form:
        if not form:
            return ()
        parts = self.split(form)
        growth = parts.dominant.growth()
        if growth > 0:
            sign = self._strict_sign(parts)
            self.note("tanh(g) = s(1 − 2E/(1 + E)), E = e^(−2sg), s the sign of g → ±∞")
            e = self._exp(_scaled(form, sympy.Integer(-2 * sign)))
            fraction = _mul(e, self.reciprocal(_add(_const(sympy.Integer(1)), e)))
            return _scaled(_add(_const(sympy.Integer(1)), _scaled(fraction, -2)), sign)
        if growth < 0:
            epsilon = self.small(form)
            self.note("tanh(g) = g·T, T ∈ [tanh(ε)/ε, 1] for |g| ≤ ε")
            low = epsilon.tanh() / epsilon if epsilon > 0 else flint.arb(1)
            return _mul(form, ((ONE, Coef.bounded(low.union(flint.arb(1)), sympy.Integer(1))),))
        ball, limit = self._bounded(parts)
        value = None if limit is None else sympy.tanh(limit)
        return ((ONE, Coef.bounded(_monotone(flint.arb.tanh, ball), value)),)

    def _bounded(self, parts: Split) -> tuple[flint.arb, Expr | None]:
        ball = parts.coefficient.ball + (-parts.epsilon).union(parts.epsilon)
        return ball, parts.coefficient.limit

    def _strict_sign(self, parts: Split) -> int:
        ball = parts.coefficient.ball
        if ball.abs_lower() <= parts.epsilon:
            raise _NotYetError("the sign of a growing argument is not decided")
        return 1 if ball > 0 else -1

    def _erf(self, form: Form) -> Form:
        return _add(_const(sympy.Integer(1)), _scaled(self._erfc(form), -1))

    def _erfc(self, form: Form) -> Form:
        if not form:
            return _const(sympy.Integer(1))
        parts = self.split(form)
        growth = parts.dominant.growth()
        if growth > 0:
            sign = self._strict_sign(parts)
            upper = self._mills(_scaled(form, sign))
            return upper if sign > 0 else _add(_const(sympy.Integer(2)), _scaled(upper, -1))
        if growth < 0:
            epsilon = self.small(form)
            ball, limit = (-epsilon).union(epsilon), sympy.Integer(0)
        else:
            ball, limit = self._bounded(parts)
        value = None if limit is None else sympy.erfc(limit)
        return ((ONE, Coef.bounded(_monotone(flint.arb.erfc, ball), value)),)

    def _mills(self, z: Form) -> Form:
        """erfc(z) = e^(−z²)·z⁻¹·K(z) for an exact polynomial z → +∞ (Lemma 3)."""
        degree = 0
        for scale, c in z:
            if scale.q or scale.m.denominator != 1 or scale.m < 0 or c.exact is None:
                raise _UnhandledError("erfc of an argument that is not an exact polynomial")
            degree = max(degree, int(scale.m))
        coefficients = [flint.arb(0)] * (degree + 1)
        for scale, c in z:
            coefficients[int(scale.m)] = _ball(c.exact)
        if not _shift_positive(coefficients, self.at):
            raise _NotYetError("z is not shown increasing and positive on the tail")
        z0 = sum((c * self.at**j for j, c in enumerate(coefficients)), flint.arb(0)).lower()
        root_pi = flint.arb.pi().sqrt()
        low = 2 / (root_pi * (1 + (1 + 2 / z0**2).sqrt()))
        self.note(
            "Lemma 3 (Mills ratio, A&S 7.1.13): z·e^(z²)·erfc(z) ∈ [2/(√π(1 + √(1 + 2/z₀²))), 1/√π]"
        )
        k = Coef.bounded(low.union(1 / root_pi), 1 / SQRT_PI)
        square = self._exp(_scaled(_mul(z, z), -1))
        return _mul(_mul(square, self.reciprocal(z)), ((ONE, k),))


# ---------------------------------------------------------------- public interface


def _candidates(side: int, start: Fraction | None) -> list[Fraction]:
    low = Fraction(1) if start is None else max(Fraction(1), side * Fraction(start))
    powers = [Fraction(2**k) for k in range(13) if 2**k > low]
    return [low, *powers] if low <= CAP else [low]


def _attempt(expr: Expr, side: int, r: Fraction) -> tuple[_Builder, Form]:
    builder = _Builder(side, r)
    with precision(BITS):
        return builder, builder.form(expr)


def _describe(builder: _Builder, form: Form) -> list[str]:
    where = "x = t" if builder.side > 0 else "x = −t"
    lines = [f"tail: t ≥ {builder.r} with {where}; the expression equals the form below"]
    lines += [f"  term: {c.text()}·{s.text()}" for s, c in form]
    return lines + [f"uses: {fact}" for fact in builder.facts]


def _bounds_text(ball: flint.arb) -> tuple[str, str]:
    """Exact rational bounds of a ball, rounded outward to 64 significant bits; 0 or
    ±2^−8000 for ends smaller than that (short strings for the data)."""
    ends = []
    for end, up in ((ball.lower(), False), (ball.upper(), True)):
        mantissa, exponent = (int(v) for v in end.mid().man_exp())  # the end is exact
        shift = max(0, mantissa.bit_length() - 64)
        mantissa = -((-mantissa) >> shift) if up else mantissa >> shift
        exponent += shift
        if exponent > 8000:
            raise ValueError("a bound too large for the data")
        if exponent + 64 < -8000:  # |end| < 2^−7936
            mantissa, exponent = (int(mantissa > 0), -7936) if up else (-int(mantissa < 0), -7936)
        ends.append(str(Fraction(mantissa) * Fraction(2) ** exponent))
    return ends[0], ends[1]


def tail_sign(expr: Expr, side: int, start: Fraction | None = None) -> Tail | None:
    """Prove that expr has a strict constant sign for all x >= R (side +1) or x <= -R (side -1).
    R is chosen by the function (at least `start` in the direction of the tail when given).
    None when it cannot prove it. Never wrong."""
    if side not in (1, -1):
        raise ValueError("side is +1 or -1")
    for r in _candidates(side, start):
        try:
            builder, form = _attempt(expr, side, r)
            with precision(BITS):
                parts = builder.split(form)
                c = parts.coefficient.ball
                room = parts.epsilon * (1 + flint.arb(2) ** -40)
                if c.contains(0) or not c.abs_lower() > room:
                    continue
                sign = 1 if c > 0 else -1
                return _tail(builder, form, parts, sign)
        except _NotYetError:
            continue
        except GIVE_UP:
            return None
    return None


def _tail(builder: _Builder, form: Form, parts: Split, sign: int) -> Tail:
    low, high = _bounds_text(parts.coefficient.ball)
    epsilon = _data_bound(parts.epsilon, parts.coefficient.ball)
    word = "positive" if sign > 0 else "negative"
    lines = [
        *_describe(builder, form),
        f"dominant scale d = {parts.dominant.text()}, coefficient C = {parts.coefficient.text()}",
        "the other terms over d: ratios decreasing on the tail (Lemma 1), so at t = R:",
        *(f"  |{c.text()}·{s.text()}| ≤ {_upper_text(b)} at t = R" for s, c, b in parts.bounds),
        f"|r| ≤ ε ≤ {_decimal(epsilon, True)} < min|C|, so the expression is {word}"
        f" for every t ≥ {builder.r}",
    ]
    data = {
        "side": str(builder.side),
        "start": str(builder.side * builder.r),
        "R": str(builder.r),
        "sign": str(sign),
        "dominant_m": str(parts.dominant.m),
        "dominant_q": json.dumps([str(c) for c in parts.dominant.q]),
        "coefficient_low": low,
        "coefficient_high": high,
        "remainder_bound": str(epsilon),
        "terms": json.dumps([[str(s.m), [str(c) for c in s.q], _coef_data(c)] for s, c in form]),
    }
    return Tail(builder.side, builder.side * builder.r, sign, tuple(lines), data)


def _coef_data(c: Coef) -> list[str]:
    return [str(c.exact)] if c.exact is not None else list(_bounds_text(c.ball))


def tail_limit(expr: Expr, side: int) -> tuple[Expr, tuple[str, ...]] | None:
    """The exact limit of expr as x → side·∞ (a SymPy number, possibly irrational like
    sqrt(2)/2, or oo / -oo), proved, with the certificate lines; None when not proved.
    A thin wrapper of `prove.tail_limits.tail_limit_data`, without its data."""
    from symbolic.prove.tail_limits import tail_limit_data  # it builds on this module

    found = tail_limit_data(expr, side)
    return None if found is None else (found.limit, found.lines)
