"""Sign certificates: expressions in e^(κx) as rational functions, and their exact signs.

Most claims about σ, tanh, softplus′, σ(kx) reduce, after the definitions are
expanded, to a rational function R(u) = P(u)/Q(u) of u = e^(κx) (κ > 0), which maps
x ∈ (a, b) one-to-one and increasingly onto u ∈ (e^(κa), e^(κb)). The sign of R on
that interval is then decided exactly: the real roots of P and Q are isolated in
intervals with rational ends (SymPy's exact isolation), the interval's ends are
compared with them in Arb, and P and Q are evaluated exactly at a rational point of
every piece in between. With parameters in the coefficients, P and Q are factored
and each factor must have a known sign on u > 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cmp_to_key
from itertools import pairwise

import flint
import sympy
from sympy import Expr

from symbolic.arith.arb import precision
from symbolic.derive.checking import explicit
from symbolic.errors import SymbolicError
from symbolic.language.parser import X
from symbolic.language.printing import to_text
from symbolic.numbers.enclosure import enclose, prepare
from symbolic.numbers.exact import exp_exact, order, rational, rational_between, sign
from symbolic.numbers.intervals import Interval

U = sympy.Symbol("u", positive=True)
X_AS_U = sympy.Symbol("u_x", real=True)  # the variable of P and Q when u is x itself


MAX_POWER = 400


class NotRationalError(Exception):
    """The expression is not a rational function of one exponential."""


@dataclass(frozen=True)
class ExpForm:
    """expr(x) = P(u)/Q(u) with u = e^(κ·x), κ > 0 (or u = x itself when κ is None)."""

    kappa: Expr | None
    numerator: sympy.Poly
    denominator: sympy.Poly

    @property
    def u_is_x(self) -> bool:
        return self.kappa is None

    @property
    def rational(self) -> Expr:
        return self.numerator.as_expr() / self.denominator.as_expr()

    def u_of_x(self, x: Expr) -> Expr:
        if self.u_is_x:
            return x
        if x == sympy.oo:
            return sympy.oo
        if x == -sympy.oo:
            return sympy.S.Zero
        return exp_exact(self.kappa * x)

    def x_of_u(self, u: Expr) -> Expr:
        return u if self.u_is_x else sympy.log(u) / self.kappa

    def describe(self) -> str:
        if self.u_is_x:
            return (
                f"the expression is a rational function of x: P(x)/Q(x), "
                f"P = {to_text(self.numerator.as_expr().xreplace({X_AS_U: X}))}, "
                f"Q = {to_text(self.denominator.as_expr().xreplace({X_AS_U: X}))}"
            )
        u_text = f"e^({to_text(self.kappa)}·x)" if self.kappa != 1 else "e^x"
        return (
            f"with u = {u_text} > 0: the expression equals P(u)/Q(u), "
            f"P = {to_text(self.numerator.as_expr())}, Q = {to_text(self.denominator.as_expr())}"
        )


def exp_form(expr: Expr) -> ExpForm:
    """Write expr as a rational function of u = e^(κx), or raise NotRationalError."""
    f = explicit(expr)
    for hyperbolic in (sympy.tanh, sympy.cosh, sympy.sinh, sympy.sech, sympy.csch, sympy.coth):
        f = f.rewrite(
            hyperbolic, sympy.exp
        )  # only these: rewrite(exp) would turn x**2 into exp(2 log x)
    exponentials = sorted(f.atoms(sympy.exp), key=sympy.default_sort_key)
    slopes = []
    for e in exponentials:
        argument = sympy.expand(e.args[0])
        slope = sympy.diff(argument, X)
        if slope.has(X) or sympy.expand(argument - slope * X).has(X):
            raise NotRationalError(f"exponent {argument} is not linear in x")
        if slope != 0:
            slopes.append(slope)
    if not slopes:
        return _x_form(expr, f)
    kappa = _common_unit(slopes)
    substituted = f
    for e in exponentials:
        argument = sympy.expand(e.args[0])
        slope = sympy.diff(argument, X)
        power = sympy.cancel(slope / kappa)  # exact: a constant is never guessed
        if not power.is_Integer:
            raise NotRationalError("exponents are not integer multiples of one another")
        if abs(power) > MAX_POWER:
            raise NotRationalError(f"e^x to a power above {MAX_POWER} (slopes nearly equal)")
        constant = sympy.expand(argument - slope * X)
        substituted = substituted.xreplace({e: sympy.exp(constant) * U ** int(power)})
    if substituted.has(X):
        raise NotRationalError("x also occurs outside the exponentials")
    together = sympy.cancel(sympy.together(substituted))
    numerator, denominator = sympy.fraction(together)
    try:
        p, q = sympy.Poly(numerator, U), sympy.Poly(denominator, U)
    except sympy.PolynomialError as error:
        raise NotRationalError(str(error)) from None
    if any(c.has(U) for c in (*p.coeffs(), *q.coeffs())):
        raise NotRationalError("not polynomial in u")
    form = ExpForm(kappa, p, q)
    _check_form(expr, form)
    return form


def _x_form(expr: Expr, f: Expr) -> ExpForm:
    """A rational function of x itself (no exponential): u = x."""
    if not f.is_rational_function(X):
        raise NotRationalError("neither rational in x nor in an exponential of x")
    numerator, denominator = sympy.fraction(sympy.cancel(sympy.together(f)))
    try:
        p = sympy.Poly(numerator.xreplace({X: X_AS_U}), X_AS_U)
        q = sympy.Poly(denominator.xreplace({X: X_AS_U}), X_AS_U)
    except sympy.PolynomialError as error:
        raise NotRationalError(str(error)) from None
    return ExpForm(None, p, q)


def _common_unit(slopes: list[Expr]) -> Expr:
    """κ > 0 with every slope an integer multiple of κ."""
    base = slopes[0]
    ratios = [sympy.cancel(s / base) for s in slopes]  # exact: never nsimplify
    if not all(r.is_Rational for r in ratios):
        raise NotRationalError("exponents with incommensurable slopes")
    denominator = math.lcm(*(int(r.q) for r in ratios))
    numerator = math.gcd(*(int(r.p) for r in ratios))
    kappa = base * sympy.Rational(numerator, denominator)
    if kappa.is_negative:
        kappa = -kappa
    if not kappa.is_positive:
        raise NotRationalError("the sign of the exponent's slope is unknown")
    return kappa


def _check_form(expr: Expr, form: ExpForm) -> None:
    """The rewriting is symbolic; check it numerically too (a bug must surface)."""
    params = {s: sympy.Rational(3, 2) for s in expr.free_symbols - {X}}
    target = prepare(expr.xreplace(params))
    rational = form.rational.xreplace(params)
    kappa = form.kappa.xreplace(params)
    bits = 200
    for x in (sympy.Rational(-7, 3), sympy.Rational(1, 5), sympy.Rational(13, 4)):
        with precision(bits):
            point = flint.arb(flint.fmpq(int(x.p), int(x.q)))
        original = enclose(target, point, bits)
        converted = enclose(rational.xreplace({U: sympy.exp(kappa * x)}), None, bits)
        if original.is_finite() and converted.is_finite() and not original.overlaps(converted):
            raise SymbolicError(f"internal error: the e^x rewriting of {expr} is wrong at x = {x}")


# ---------------------------------------------------------------- exact sign analysis


@dataclass(frozen=True)
class Piece:
    """An open u-interval between consecutive roots, with the sign of R there."""

    low: Expr  # exact: a root, or an end of the u-interval
    high: Expr
    sample: Fraction
    sign: int


@dataclass(frozen=True)
class Root:
    """A real root of P or Q inside the u-interval: the root exactly (rational, radicals
    or CRootOf), its isolating interval with rational ends when it came from isolation
    over Q (None for a root given by a formula), and its multiplicity (1 when a root of
    a norm polynomial was found without it)."""

    low: Fraction | None
    high: Fraction | None
    exact: Expr
    multiplicity: int


@dataclass(frozen=True)
class SignChart:
    """The sign of R = P/Q on a u-interval: pieces, zeros of P and poles of Q inside it."""

    pieces: tuple[Piece, ...]
    roots: tuple[Root, ...]  # of P, inside
    pole_roots: tuple[Root, ...]  # of Q, inside

    @property
    def zeros(self) -> tuple[Expr, ...]:
        return tuple(r.exact for r in self.roots)

    @property
    def poles(self) -> tuple[Expr, ...]:
        return tuple(r.exact for r in self.pole_roots)

    @property
    def exact_zeros(self) -> tuple[Expr, ...]:
        return tuple(r.exact for r in self.roots)


def u_interval(form: ExpForm, domain: Interval) -> tuple[Expr, Expr]:
    return form.u_of_x(domain.low), form.u_of_x(domain.high)


def sign_chart(form: ExpForm, domain: Interval) -> SignChart:
    """The exact sign of P/Q on the image of the domain (rational coefficients only).

    The u-interval's ends are exact (e^a for the exact end a): a piece narrower than
    any float is still a piece, and a root that equals an end is found by algebra.
    """
    p, q = form.numerator, form.denominator
    for poly in (p, q):
        if poly.free_symbols - set(poly.gens):
            raise NotRationalError("coefficients hold parameters")
    low, high = u_interval(form, domain)
    ends = (low, high, domain.low_open, domain.high_open)
    p_roots = roots_inside(p, *ends)
    q_roots = roots_inside(q, *ends)
    boundaries = sorted(
        (r.exact for r in p_roots + q_roots), key=cmp_to_key(lambda a, b: order(a, b) or 0)
    )
    edges: list[Expr] = [low, *boundaries, high]
    pieces = []
    for left, right in pairwise(edges):
        sample = rational_between(left, right)
        if sample is None:
            continue
        value_sign = _sign_at(p, sample) * _sign_at(q, sample)
        pieces.append(Piece(left, right, sample, value_sign))
    return SignChart(tuple(pieces), tuple(p_roots), tuple(q_roots))


def _sign_at(poly: sympy.Poly, at: Fraction) -> int:
    """The exact sign of poly at a rational point that is not one of its roots."""
    value = poly.eval(rational(at))
    if value.is_Rational:
        return int(bool(value > 0)) - int(bool(value < 0))
    decided = sign(value)
    if decided is None:
        raise NotRationalError("the sign of a coefficient expression could not be decided")
    return decided


def roots_inside(
    poly: sympy.Poly, low: Expr, high: Expr, low_open: bool, high_open: bool
) -> list[Root]:
    """The distinct real roots of poly in the u-interval, exact."""
    if poly.degree() <= 0:
        return []
    inside = []
    for root in real_roots(poly):
        if _separate(root.exact, low, high, low_open, high_open):
            inside.append(root)
    return inside


def real_roots(poly: sympy.Poly) -> list[Root]:
    """Every distinct real root, exactly: isolation over Q for rational coefficients;
    formulas for degree ≤ 2 with real constant coefficients; for coefficients in
    Q(r^(1/n)), the roots of the resultant that are roots of poly (exact test)."""
    if all(c.is_Rational for c in poly.coeffs()):
        found = []
        for (a, b), multiplicity in _intervals(poly):
            interval = (Fraction(str(a)), Fraction(str(b)))
            found.append(Root(*interval, exact_root(poly, interval), multiplicity))
        return found
    if sign(poly.LC()) not in (-1, 1):
        raise NotRationalError("the leading coefficient is not certainly nonzero")
    if poly.degree() <= 2:
        return [Root(None, None, r, m) for r, m in _formula_roots(poly)]
    norm = _norm(poly)
    if norm is None:
        raise NotRationalError("coefficients are not rational numbers")
    found = []
    for root in real_roots(norm):
        value = sign(sympy.radsimp(poly.as_expr().xreplace({poly.gens[0]: root.exact})))
        if value is None:
            raise NotRationalError("a root of the norm could not be tested exactly")
        if value == 0:
            found.append(Root(root.low, root.high, root.exact, 1))  # multiplicity unknown
    return found


def _intervals(poly: sympy.Poly) -> list:
    try:
        return poly.intervals()
    except sympy.polys.polyerrors.DomainError as error:
        raise NotRationalError(f"root isolation is not available here ({error})") from None


def _formula_roots(poly: sympy.Poly) -> list[tuple[Expr, int]]:
    if poly.degree() == 1:
        return [(sympy.radsimp(-poly.nth(0) / poly.nth(1)), 1)]
    c2, c1, c0 = poly.nth(2), poly.nth(1), poly.nth(0)
    discriminant = sympy.expand(c1**2 - 4 * c2 * c0)
    which = sign(discriminant)
    if which is None:
        raise NotRationalError("the sign of a discriminant could not be decided")
    if which < 0:
        return []
    if which == 0:
        return [(sympy.radsimp(-c1 / (2 * c2)), 2)]
    roots = [
        (-c1 - sympy.sqrt(discriminant)) / (2 * c2),
        (-c1 + sympy.sqrt(discriminant)) / (2 * c2),
    ]
    roots.sort(key=cmp_to_key(lambda a, b: order(a, b) or 0))
    return [(sympy.radsimp(r), 1) for r in roots]


def _norm(poly: sympy.Poly) -> sympy.Poly | None:
    """A polynomial with rational coefficients whose roots include poly's, when the
    coefficients hold one radical r^(1/n) (resultant with t^n − r)."""
    radicals = {
        a
        for c in poly.coeffs()
        for a in c.atoms(sympy.Pow)
        if a.base.is_Rational and a.exp.is_Rational and not a.exp.is_Integer
    }
    others = {a for c in poly.coeffs() for a in c.atoms(sympy.Function)}
    if len(radicals) != 1 or others or any(c.has(sympy.pi, sympy.E) for c in poly.coeffs()):
        return None
    (radical,) = radicals
    t = sympy.Dummy("t")
    n = int(radical.exp.q)
    base = radical.base ** int(radical.exp.p)
    substituted = sympy.expand(poly.as_expr().xreplace({radical: t}))
    if substituted.has(radical) or not substituted.is_polynomial(t):
        return None
    norm = sympy.Poly(sympy.resultant(substituted, t**n - base, t), poly.gens[0])
    if norm.is_zero or not all(c.is_Rational for c in norm.coeffs()):
        return None
    return norm


def _separate(root: Expr, low: Expr, high: Expr, low_open: bool, high_open: bool) -> bool:
    """Whether an exact root lies in the u-interval. An end equal to it is recognised
    by algebra (`exact.order`); an end e^a with a ≠ 0 algebraic is transcendental and
    is separated from it in Arb."""
    where_low, where_high = _locate(low, root), _locate(high, root)
    if where_low is None or where_high is None:
        raise SymbolicError("a root could not be compared with an end of the domain")
    above = where_low < 0 or (where_low == 0 and not low_open)
    below = where_high > 0 or (where_high == 0 and not high_open)
    return above and below


def _locate(end: Expr, root: Expr) -> int | None:
    """The order of end against the root: −1 (end < root), 0, +1, or None."""
    if end == sympy.oo:
        return 1
    if end == -sympy.oo:
        return -1
    return order(end, root)


def exact_root(poly: sympy.Poly, interval: tuple[Fraction, Fraction]) -> Expr:
    """The root of poly in its isolating interval, exactly: rational, radicals (degree
    ≤ 2 factors) or CRootOf, chosen by exact root counting (Sturm), never by floats."""
    a, b = interval
    if a == b:
        return rational(a)
    variable = poly.gens[0]
    for factor, _ in sympy.factor_list(poly.as_expr())[1]:
        factor_poly = sympy.Poly(factor, variable)
        ends = (rational(a), rational(b))
        inside = factor_poly.count_roots(*ends) - sum(factor_poly.eval(e) == 0 for e in ends)
        if inside == 0:  # the root is strictly inside: a ≠ b means it is irrational
            continue
        below = factor_poly.count_roots(None, rational(a))
        if factor_poly.degree() == 1:
            return sympy.Rational(-factor_poly.nth(0), factor_poly.nth(1))
        if factor_poly.degree() == 2:
            discriminant = factor_poly.discriminant()
            c2, c1 = factor_poly.nth(2), factor_poly.nth(1)
            sign_of = 1 if c2 > 0 else -1
            smaller = (-c1 - sign_of * sympy.sqrt(discriminant)) / (2 * c2)
            larger = (-c1 + sign_of * sympy.sqrt(discriminant)) / (2 * c2)
            return sympy.radsimp(smaller if below == 0 else larger)
        return sympy.CRootOf(factor_poly, below)
    raise SymbolicError("internal error: an isolating interval holds no root")


# ---------------------------------------------------------------- signs with parameters


def factor_sign(expr: Expr) -> int | None:
    """+1 or −1 when every factor of expr has a known sign for u > 0 and the parameters'
    assumptions; 0 when expr is identically 0; None otherwise."""
    found = factor_sign_with_zeros(expr)
    return None if found is None or found[1] else found[0]


def factor_sign_with_zeros(expr: Expr) -> tuple[int, bool] | None:
    """(sign, may vanish): like `factor_sign`, but a factor of unknown sign to an even
    power counts as ≥ 0 (it vanishes only at its own roots)."""
    if expr == 0:
        return 0, False
    coefficient, factors = sympy.factor_list(expr)
    sign_so_far = _single_factor_sign(coefficient)
    if sign_so_far is None:
        return None
    vanishes = False
    for factor, multiplicity in factors:
        factor_sign_value = _single_factor_sign(factor)
        if factor_sign_value is None:
            if multiplicity % 2 or not factor.has(U, X_AS_U):
                return None  # odd, or free of u: it may vanish for every x at once
            vanishes = True
            continue
        sign_so_far *= factor_sign_value**multiplicity
    return sign_so_far, vanishes


def _single_factor_sign(factor: Expr) -> int | None:
    if factor.is_positive:
        return 1
    if factor.is_negative:
        return -1
    try:
        poly = sympy.Poly(factor, U)
    except sympy.PolynomialError:
        return None
    coefficients = [c for c in poly.coeffs() if c != 0]
    if all(c.is_positive for c in coefficients):
        return 1
    if all(c.is_negative for c in coefficients):
        return -1
    return None
