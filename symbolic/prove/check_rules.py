"""`symbolic check`: the rules that build a tail form from an expression (`check_forms`).

`derive(expr, side, R)` writes the claim's named functions out (`explicit`: definitions
expanded, derivatives taken by SymPy's diff; trusted as for the exact forms), then builds
the form of every subexpression bottom-up on the tail t ≥ R, x = side·t, at the given R
(no search). Each rule below is an identity at every t ≥ R, or a lemma that bounds a
coefficient function by a ball valid for every t ≥ R, with its exact limit as t → ∞; its
soundness argument is its docstring. An expression outside the rules, or a bound that
does not close at this R, raises `NotDerivedError`: the claim is then not re-verified by
the checker's own form (never re-verified on the prover's word).

The prover's rules (`prove.tails`) are the same lemmas; this module shares no code with
them. Sums and products are `check_forms.add` and `check_forms.mul` (identities).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import flint
import sympy
from sympy import Expr

from symbolic.arith.arb import precision
from symbolic.derive.checking import explicit
from symbolic.errors import SymbolicError
from symbolic.language.parser import X
from symbolic.prove.check import FINE_BITS, CheckFailedError
from symbolic.prove.check_forms import (
    ONE,
    Coef,
    Form,
    NotDerivedError,
    Scale,
    Split,
    add,
    ball,
    const,
    dominant_of,
    mul,
    of_coefficient,
    poly,
    scaled,
    sign_of,
    small,
    split,
)
from symbolic.prove.check_tails import shift_positive, tail_bound

SECOND_ORDER = 6  # up to this many small terms: the expansions to second order
MAX_POWER = 1000  # integer powers, and denominators of rational ones
ROOT_PI = sympy.sqrt(sympy.pi)


class Builder:
    """The forms of the subexpressions of one expression on the tail t ≥ R, x = side·t."""

    def __init__(self, side: int, r: Fraction) -> None:
        self.side, self.r = side, r
        self.at = flint.arb(flint.fmpq(r.numerator, r.denominator))
        self.used: dict[str, None] = {}
        self.cache: dict[Expr, Form] = {}

    def use(self, rule: str) -> None:
        self.used[rule] = None

    def split(self, form: Form) -> Split:
        return split(form, self.at)

    def small(self, form: Form) -> flint.arb:
        return small(form, self.at)

    def form(self, expr: Expr) -> Form:
        if expr not in self.cache:
            self.cache[expr] = self._form(expr)
        return self.cache[expr]

    def _form(self, expr: Expr) -> Form:
        """x = side·t; constants exact; sums and products term by term; the rest by rule."""
        if expr == X:
            return ((Scale(Fraction(1), ()), Coef.of(sympy.Integer(self.side))),)
        if not expr.free_symbols:
            return const(expr)
        if expr.free_symbols != {X}:
            raise NotDerivedError("an expression with parameters")
        if expr.is_Add:
            return add(*(self.form(a) for a in expr.args))
        if expr.is_Mul:
            return functools.reduce(mul, (self.form(a) for a in expr.args), const(1))
        if expr.is_Pow:
            return power_rule(self, expr)
        if isinstance(expr, sympy.tanh) and isinstance(expr.args[0], sympy.log):
            used = dict(self.used)
            try:  # two sound rules: the rational form first (it keeps every order)
                return tanh_of_log_rule(self, self.form(expr.args[0].args[0]))
            except NotDerivedError:
                self.used = used  # then tanh of the form of log h
        rule = FUNCTIONS.get(expr.func)
        if rule is None or len(expr.args) != 1:
            raise NotDerivedError(f"{expr.func} is outside the checker's tail rules")
        return rule(self, self.form(expr.args[0]))


def _hull(function: Callable[[flint.arb], flint.arb], values: flint.arb) -> flint.arb:
    """A monotone function over a ball: the hull of its values at the two ends."""
    return function(flint.arb(values.lower())).union(function(flint.arb(values.upper())))


def _bounded_argument(parts: Split) -> tuple[flint.arb, Expr | None]:
    """g = C + r of scale 1: g(t) ∈ C ± ε on the tail, and g → lim C (r → 0)."""
    return parts.around(), parts.coefficient.limit


def _apply(function: Callable[[Expr], Expr], limit: Expr | None) -> Expr | None:
    return None if limit is None else function(limit)


# ---------------------------------------------------------------- reciprocal, powers


def reciprocal(b: Builder, g: Form) -> Form:
    """1/g for g = d·(C + r) with C(t) + r(t) ∈ C ± ε, a ball that excludes 0:
    1/g = d⁻¹·(1/C − r/C² + r²/(C²·(C + r))), an identity (over C²(C + r) the numerator
    is C(C + r) − r(C + r) + r² = C²); with more than SECOND_ORDER terms in r the first
    order d⁻¹·(1/C − r/(C·(C + r))) (numerator C + r − r). 1/C is exact when C is, else
    the ball 1/C (C's ball is inside C ± ε); 1/(C + r) has the ball 1/(C ± ε) and the
    limit 1/lim C (r → 0; lim C lies in the closed ball, so it is not 0)."""
    parts = b.split(g)
    around = parts.around()
    if around.contains(0):
        raise NotDerivedError("a divisor not bounded away from 0 at this R")
    c = parts.coefficient
    head, whole = c.inverse(), Coef.bounded(1 / around, _apply(lambda v: 1 / v, c.limit))
    inverse = ONE.over(parts.dominant)
    minus = Coef.of(sympy.Integer(-1))
    if len(parts.rest) > SECOND_ORDER:
        b.use("1/g (first order)")
        factor = minus * head * whole
        linear = tuple((inverse * s, k * factor) for s, k in parts.rest)
        return add(((inverse, head),), linear)
    b.use("1/g (second order)")
    linear = mul(parts.rest, of_coefficient(minus * head * head))
    square = mul(mul(parts.rest, parts.rest), of_coefficient(head * head * whole))
    return mul(((inverse, Coef.of(sympy.Integer(1))),), add(of_coefficient(head), linear, square))


def power_rule(b: Builder, expr: Expr) -> Form:
    """base^n. A constant base a > 0: a^g = e^(g·log a) (the definition). An integer n
    (|n| ≤ MAX_POWER): repeated products (n < 0: of the reciprocal). A rational n that is
    not an integer: Lemma 5 (`root_rule`). Anything else is outside the rules."""
    base, exponent = expr.args
    if not base.free_symbols:
        if sign_of(base) <= 0:
            raise NotDerivedError("a power of a constant base that is not positive")
        b.use("a^g = e^(g·log a)")
        return exp_rule(b, scaled(b.form(exponent), sympy.log(base)))
    if exponent.free_symbols or not exponent.is_Rational:
        raise NotDerivedError("a power whose exponent is not a rational number")
    if not exponent.is_Integer:
        if exponent.q > MAX_POWER:
            raise NotDerivedError("a rational power with a large denominator")
        return root_rule(b, b.form(base), Fraction(int(exponent.p), int(exponent.q)))
    n = int(exponent)
    if abs(n) > MAX_POWER:
        raise NotDerivedError(f"an integer power beyond {MAX_POWER}")
    form = b.form(base)
    if n < 0:
        form, n = reciprocal(b, form), -n
    result, square = const(1), form
    while n:  # binary powering: products only
        if n & 1:
            result = mul(result, square)
        n >>= 1
        if n:
            square = mul(square, square)
    return result


def root_rule(b: Builder, g: Form, n: Fraction) -> Form:
    """g^n, n rational, for g = d·(C + r) with C exact > 0 and ε/C < 1. **Lemma 5 (mean
    value).** g^n = d^n·C^n·(1 + v)^n, v = r/C, |v| ≤ ε/C = ε' < 1 (d > 0 and C + r > 0,
    so the powers of positive reals split); (1 + v)^n − 1 = n(1 + ξ)^(n−1)·v for some ξ
    between 0 and v, so (1 + v)^n = 1 + v·P with P = n(1 + ξ)^(n−1) between
    n(1 − ε')^(n−1) and n(1 + ε')^(n−1) ((1 + ξ)^(n−1) is monotone in ξ); P → n as
    v → 0."""
    parts = b.split(g)
    c, d = parts.coefficient, parts.dominant
    if c.exact is None or sign_of(c.exact) <= 0:
        raise NotDerivedError("a rational power of a form whose coefficient is not exact > 0")
    power = sympy.Rational(n.numerator, n.denominator)
    head = ((d.power(n), Coef.of(c.exact**power)),)
    if not parts.rest:
        return head
    relative = flint.arb((parts.epsilon / c.ball).abs_upper())
    if not relative < 1:
        raise NotDerivedError("a rational power with |r/C| not below 1 at this R")
    b.use("g^n (Lemma 5)")
    exponent = flint.arb(flint.fmpq(n.numerator, n.denominator))
    ends = [exponent * (1 + s * relative) ** (exponent - 1) for s in (-1, 1)]
    factor = Coef.of(1 / c.exact) * Coef.bounded(ends[0].union(ends[1]), power)
    return mul(head, add(const(1), mul(parts.rest, of_coefficient(factor))))


# ---------------------------------------------------------------- exp, log


def exp_rule(b: Builder, g: Form) -> Form:
    """e^g with g = P + c + B + r: P the growing terms, each an exact c_j·t^j (j ≥ 1 an
    integer: an exact polynomial; anything else growing is outside the rules), c an exact
    constant, B a bounded coefficient of scale 1, r the decaying terms (|r| ≤ ε by
    Lemma 1). e^g = e^P·e^c·e^B·e^r exactly; e^P is the scale e^(−q), q = −P; e^B lies in
    the hull of e^(B's ends) (exp increasing) with limit e^(lim B); e^r by Lemma 4."""
    q: list[Expr] = []
    constant: Expr = sympy.S.Zero
    bounded: Coef | None = None
    decaying = []
    for scale, c in g:
        growth = scale.growth()
        if growth < 0:
            decaying.append((scale, c))
        elif growth == 0:  # the scale 1
            if c.exact is not None:
                constant = c.exact
            else:
                bounded = c
        elif scale.q or scale.m.denominator != 1 or c.exact is None:
            raise NotDerivedError("exp of a growing argument that is not an exact polynomial")
        else:
            degree = int(scale.m)
            q += [sympy.S.Zero] * (degree - len(q))
            q[degree - 1] -= c.exact
    coefficient = Coef.of(sympy.exp(constant))
    if bounded is not None:
        values = _hull(flint.arb.exp, bounded.ball)
        coefficient = coefficient * Coef.bounded(values, _apply(sympy.exp, bounded.limit))
    head = ((Scale(Fraction(0), poly(q)), coefficient),)
    if not decaying:
        return head
    return mul(head, exp_small(b, tuple(decaying), b.small(tuple(decaying))))


def _series_tail(epsilon: flint.arb, first: int) -> flint.arb:
    """Σ_(k≥1) ε^k/(k + first)! ≤ (ε/(first + 1)!)·e^ε: a bound of |E(y) − E(0)| for
    |y| ≤ ε, E(y) = Σ_(k≥0) y^k/(k + first)!."""
    return epsilon * epsilon.exp() / math.factorial(first + 1)


def exp_small(b: Builder, r: Form, epsilon: flint.arb) -> Form:
    """e^r for |r(t)| ≤ ε on the tail. **Lemma 4.** e^r = 1 + r + r²·E₂(r) with
    E₂(y) = (e^y − 1 − y)/y² = Σ_(k≥0) y^k/(k + 2)! = ∫₀¹ (1 − s)e^(ys) ds, increasing in
    y: E₂(r(t)) ∈ [E₂(−ε), E₂(ε)], and |E₂(y) − 1/2| ≤ (ε/6)e^ε (the series); both balls
    hold it, so their intersection does; E₂(r(t)) → E₂(0) = 1/2. With more than
    SECOND_ORDER terms in r, the first order e^r = 1 + r·E₁(r), E₁(y) = (e^y − 1)/y =
    Σ y^k/(k + 1)! = ∫₀¹ e^(ys) ds ∈ [E₁(−ε), E₁(ε)], |E₁ − 1| ≤ (ε/2)e^ε, limit 1."""
    spread = flint.arb(0, 1)  # [−1, 1]
    if len(r) > SECOND_ORDER:
        b.use("e^r (Lemma 4, first order)")
        series = 1 + _series_tail(epsilon, 1) * spread
        ends = (-epsilon).expm1() / (-epsilon), epsilon.expm1() / epsilon
        values = _intersect(series, ends[0].union(ends[1]))
        return add(const(1), mul(r, of_coefficient(Coef.bounded(values, sympy.Integer(1)))))
    b.use("e^r (Lemma 4)")
    series = flint.arb(1) / 2 + _series_tail(epsilon, 2) * spread
    ends = [(y.expm1() - y) / (y * y) for y in (-epsilon, epsilon)]
    values = _intersect(series, ends[0].union(ends[1]))
    square = mul(mul(r, r), of_coefficient(Coef.bounded(values, sympy.Rational(1, 2))))
    return add(const(1), r, square)


def _intersect(a: flint.arb, b: flint.arb) -> flint.arb:
    """Two balls that both hold the same values: their intersection (a, when b is not
    finite). Balls that do not meet mean a wrong enclosure: the derivation stops."""
    if not b.is_finite() or b.is_nan():
        return a
    if not a.overlaps(b):
        raise NotDerivedError("two enclosures of one coefficient do not meet")
    return a.intersection(b)


def log_rule(b: Builder, g: Form) -> Form:
    """log g for g = d·(C + r), d = e^(−q(t)) (m = 0: log of a power of t is outside these
    forms), with C + r > 0 on the tail: log g = −q(t) + log(C + r). C exact > 0 with
    ε' = ε/C < 1: log(C + r) = log C + log(1 + v), v = r/C, |v| ≤ ε' (Lemma 2). Otherwise
    C ± ε must be > 0: log(C + r) is a coefficient with the ball log(C ± ε) (log
    increasing) and the limit log(lim C)."""
    parts = b.split(g)
    d, c, epsilon = parts.dominant, parts.coefficient, parts.epsilon
    if d.m != 0:
        raise NotDerivedError("log of a form whose largest scale has a power of t")
    polynomial = add(*(((Scale(Fraction(j + 1), ()), Coef.of(-k)),) for j, k in enumerate(d.q)))
    if c.exact is None:
        around = parts.around()
        if not around > 0:
            raise NotDerivedError("log of a form not shown positive at this R")
        b.use("log of a bounded coefficient")
        values = _hull(flint.arb.log, around)
        return add(polynomial, of_coefficient(Coef.bounded(values, _apply(sympy.log, c.limit))))
    if sign_of(c.exact) <= 0:
        raise NotDerivedError("log of a form that is not positive")
    head = add(polynomial, const(sympy.log(c.exact)))
    if not parts.rest:
        return head
    relative = flint.arb((epsilon / c.ball).abs_upper())
    if not relative < 1:
        raise NotDerivedError("log(1 + v) with |v| not below 1 at this R")
    v = mul(parts.rest, const(1 / c.exact))
    return add(head, log1p(b, v, relative))


def log1p(b: Builder, v: Form, epsilon: flint.arb) -> Form:
    """log(1 + v) for |v(t)| ≤ ε < 1. **Lemma 2.** From log(1 + v) = Σ_(j≥1) (−1)^(j+1)
    v^j/j: log(1 + v) = v − v²/2 + v³·(1/3 + δ), δ = Σ_(i≥1) (−1)^i v^i/(3 + i), so
    |δ| ≤ Σ ε^i/4 = ε/(4(1 − ε)), and δ → 0 (v → 0). With more than SECOND_ORDER terms in
    v, the first order log(1 + v) = v·L(v), L(v) = log(1 + v)/v decreasing on (−1, ∞):
    L ∈ [L(ε), L(−ε)], limit 1."""
    if len(v) > SECOND_ORDER:
        b.use("log(1 + v) (Lemma 2, first order)")
        values = (epsilon.log1p() / epsilon).union((-epsilon).log1p() / (-epsilon))
        return mul(v, of_coefficient(Coef.bounded(values, sympy.Integer(1))))
    b.use("log(1 + v) (Lemma 2)")
    delta = epsilon / (4 * (1 - epsilon))
    third = Coef.bounded(flint.arb(1) / 3 + (-delta).union(delta), sympy.Rational(1, 3))
    square = mul(v, v)
    cube = mul(mul(square, v), of_coefficient(third))
    return add(v, scaled(square, sympy.Rational(-1, 2)), cube)


# ---------------------------------------------------------------- tanh, hyperbolic


def tanh_rule(b: Builder, g: Form) -> Form:
    """tanh g. g → ±∞ (its largest scale grows, its sign σ decided on the tail):
    tanh g = σ·(1 − 2E/(1 + E)), E = e^(−2σg), an identity for every g (tanh g =
    (1 − e^(−2g))/(1 + e^(−2g)) and tanh is odd). g → 0 (every scale decays, |g| ≤ ε):
    tanh g = g·T, T = tanh(g)/g ∈ [tanh(ε)/ε, 1] (T is even and decreasing in |g|),
    limit 1. g bounded (largest scale 1): the ball of tanh over C ± ε (tanh increasing),
    limit tanh(lim C)."""
    if not g:
        return ()
    parts = b.split(g)
    growth = parts.dominant.growth()
    if growth > 0:
        sign = parts.strict_sign()
        b.use("tanh g, g → ±∞")
        e = exp_rule(b, scaled(g, -2 * sign))
        fraction = mul(e, reciprocal(b, add(const(1), e)))
        return scaled(add(const(1), scaled(fraction, -2)), sign)
    if growth < 0:
        epsilon = b.small(g)
        b.use("tanh g, g → 0")
        low = epsilon.tanh() / epsilon if epsilon > 0 else flint.arb(1)
        return mul(g, of_coefficient(Coef.bounded(low.union(flint.arb(1)), sympy.Integer(1))))
    values, limit = _bounded_argument(parts)
    b.use("tanh g, g bounded")
    return of_coefficient(Coef.bounded(_hull(flint.arb.tanh, values), _apply(sympy.tanh, limit)))


def tanh_of_log_rule(b: Builder, h: Form) -> Form:
    """tanh(log h) = (h² − 1)/(h² + 1) for h > 0 (tanh y = (e^(2y) − 1)/(e^(2y) + 1) and
    e^(2 log h) = h²); h > 0 is shown on the tail by its form's sign (Lemma 1)."""
    if b.split(h).strict_sign() <= 0:
        raise NotDerivedError("tanh(log h) with h not shown positive")
    b.use("tanh(log h) = (h² − 1)/(h² + 1)")
    square = mul(h, h)
    return mul(add(square, const(-1)), reciprocal(b, add(square, const(1))))


def abs_rule(b: Builder, g: Form) -> Form:
    """|g| = σ·g once g has the strict sign σ on the whole tail (Lemma 1, min|C| > ε)."""
    if not g:
        return ()
    b.use("|g| = ±g")
    return scaled(g, b.split(g).strict_sign())


def cosh_rule(b: Builder, g: Form) -> Form:
    """cosh g = (e^g + e^(−g))/2 (the definition)."""
    b.use("cosh g = (e^g + e^(−g))/2")
    return scaled(add(exp_rule(b, g), exp_rule(b, scaled(g, -1))), sympy.Rational(1, 2))


def sinh_rule(b: Builder, g: Form) -> Form:
    """sinh g = (e^g − e^(−g))/2 (the definition)."""
    b.use("sinh g = (e^g − e^(−g))/2")
    minus = scaled(exp_rule(b, scaled(g, -1)), -1)
    return scaled(add(exp_rule(b, g), minus), sympy.Rational(1, 2))


def sech_rule(b: Builder, g: Form) -> Form:
    """sech g = 1/cosh g."""
    return reciprocal(b, cosh_rule(b, g))


# ---------------------------------------------------------------- erfc, erf


def erfc_rule(b: Builder, z: Form) -> Form:
    """erfc z. z → +∞: Lemma 3 (`mills`). z → −∞: erfc z = 2 − erfc(−z). z → 0: the ball
    erfc([−ε, ε]) (erfc decreasing), limit erfc(0) = 1. z bounded: erfc(C ± ε), limit
    erfc(lim C)."""
    if not z:
        return const(1)
    parts = b.split(z)
    growth = parts.dominant.growth()
    if growth > 0:
        sign = parts.strict_sign()
        upper = mills(b, scaled(z, sign))
        return upper if sign > 0 else add(const(2), scaled(upper, -1))
    if growth < 0:
        epsilon = b.small(z)
        values, limit = (-epsilon).union(epsilon), sympy.Integer(0)
    else:
        values, limit = _bounded_argument(parts)
    b.use("erfc z, z bounded")
    return of_coefficient(Coef.bounded(_hull(flint.arb.erfc, values), _apply(sympy.erfc, limit)))


def erf_rule(b: Builder, z: Form) -> Form:
    """erf z = 1 − erfc z."""
    return add(const(1), scaled(erfc_rule(b, z), -1))


def mills(b: Builder, z: Form) -> Form:
    """erfc z for an exact polynomial z(t) → +∞ with z(R + y) of coefficients ≥ 0 in y and
    z(R) > 0 (so z ≥ z₀ = z(R) > 0 on the tail): erfc z = e^(−z²)·z⁻¹·K(z),
    K(z) = z·e^(z²)·erfc(z). **Lemma 3 (Mills ratio; Abramowitz & Stegun 7.1.13).** For
    z ≥ 0, 1/(z + √(z² + 2)) < e^(z²)∫_z^∞ e^(−u²) du ≤ 1/(z + √(z² + 4/π)); with
    erfc = (2/√π)∫, K(z) ∈ (2/(√π(1 + √(1 + 2/z²))), 2/(√π(1 + √(1 + 4/(πz²))))]: the
    lower end increases in z (≥ its value at z₀), the upper end is ≤ 1/√π, and both tend
    to 1/√π, the limit of K."""
    degree, coefficients = 0, {}
    for scale, c in z:
        if scale.q or scale.m.denominator != 1 or scale.m < 0 or c.exact is None:
            raise NotDerivedError("erfc of an argument that is not an exact polynomial")
        degree = max(degree, int(scale.m))
        coefficients[int(scale.m)] = ball(c.exact)
    values = [coefficients.get(j, flint.arb(0)) for j in range(degree + 1)]
    if not shift_positive(values, b.at):
        raise NotDerivedError("erfc: z is not shown increasing and positive from R")
    z0 = flint.arb(sum((c * b.at**j for j, c in enumerate(values)), flint.arb(0)).lower())
    root_pi = flint.arb.pi().sqrt()
    low = 2 / (root_pi * (1 + (1 + 2 / z0**2).sqrt()))
    b.use("erfc z, z → ∞ (Lemma 3)")
    k = Coef.bounded(low.union(1 / root_pi), 1 / ROOT_PI)
    square = exp_rule(b, scaled(mul(z, z), -1))
    return mul(mul(square, reciprocal(b, z)), of_coefficient(k))


FUNCTIONS: dict[type, Callable[[Builder, Form], Form]] = {
    sympy.exp: exp_rule,
    sympy.log: log_rule,
    sympy.tanh: tanh_rule,
    sympy.erfc: erfc_rule,
    sympy.erf: erf_rule,
    sympy.Abs: abs_rule,
    sympy.cosh: cosh_rule,
    sympy.sinh: sinh_rule,
    sympy.sech: sech_rule,
}


# ---------------------------------------------------------------- the derived form


@dataclass(frozen=True)
class TailForm:
    """The checker's own form of an expression on t ≥ r, x = side·t, and the rules used."""

    side: int
    r: Fraction
    terms: Form
    rules: tuple[str, ...]

    def dominant(self) -> tuple[Scale, Coef]:
        return dominant_of(self.terms)

    def sign(self) -> int:
        """The strict sign on the whole tail: Lemma 1 (`check_tails.tail_bound`, the
        checker's own) for every term below the largest scale, min|C| > ε."""
        d, _ = self.dominant()
        triples = [(s.m, s.q, c.ball) for s, c in self.terms]
        with precision(FINE_BITS):
            try:
                c_ball, epsilon = tail_bound(triples, (d.m, d.q), self.r)
            except CheckFailedError as failure:
                raise NotDerivedError(str(failure)) from None
            if c_ball.contains(0) or not c_ball.abs_lower() > epsilon:
                raise NotDerivedError(
                    f"at R = {self.r} the checker's form does not decide the sign: min|C| of "
                    f"its dominant scale {d.text()} is not above ε = "
                    f"{epsilon.mid().str(5, radius=False)}"
                )
        return 1 if c_ball > 0 else -1

    def limit(self) -> tuple[Expr, str]:
        """(the limit as t → ∞, the case): 0 when the largest scale decays (bounded
        coefficients); the sum of the exact limits of the coefficients of scale 1 when it
        is 1 (the other terms decay); ±∞ with the sign of C when it grows (`sign`)."""
        if not self.terms:
            return sympy.Integer(0), "decays"
        d, c = self.dominant()
        growth = d.growth()
        if growth < 0:
            return sympy.Integer(0), "decays"
        if growth > 0:
            return sympy.oo * self.sign(), "grows"
        if c.limit is None:
            raise NotDerivedError("the limit of the coefficient of scale 1 is not known exactly")
        return c.limit, "constant"

    def describe(self) -> str:
        where = f"t ≥ {self.r}, x = {'t' if self.side > 0 else '−t'}"
        rules = ", ".join(self.rules) or "sums and products only"
        return f"the checker's own form on {where}: {len(self.terms)} term(s) ({rules})"


ERRORS = (SymbolicError, ArithmeticError, ValueError, TypeError, RecursionError)


@functools.lru_cache(maxsize=512)
def derive(expr: Expr, side: int, r: Fraction) -> TailForm:
    """The checker's own form of expr (named functions written out) on the tail t ≥ r,
    x = side·t; a NotDerivedError when its rules do not give one at this r."""
    if side not in (1, -1) or r < 1:
        raise NotDerivedError("a tail with a bad side or R")
    builder = Builder(side, r)
    try:
        written = explicit(expr)
        if written.has(sympy.Float):  # SymPy's float arithmetic rounds: no exact coefficient
            raise NotDerivedError("a floating-point number in the expression")
        with precision(FINE_BITS):
            terms = builder.form(written)
    except NotDerivedError:
        raise
    except ERRORS as error:
        raise NotDerivedError(f"the rules stopped: {error}") from None
    return TailForm(side, r, terms, tuple(builder.used))
