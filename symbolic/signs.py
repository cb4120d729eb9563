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

import flint
import sympy
from sympy import Expr

from symbolic.enclosure import enclose, precision, prepare
from symbolic.errors import SymbolicError
from symbolic.functions import expand_definitions
from symbolic.intervals import Interval
from symbolic.language import X

U = sympy.Symbol("u", positive=True)
X_AS_U = sympy.Symbol("u_x", real=True)  # the variable of P and Q when u is x itself


class NotRationalError(Exception):
    """The expression is not a rational function of one exponential."""


def explicit(expr: Expr) -> Expr:
    """Definitions expanded, derivatives taken (by SymPy, on the definitions)."""
    expanded = expand_definitions(expr)
    derivatives = [n for n in sympy.preorder_traversal(expanded) if isinstance(n, sympy.Derivative)]
    if derivatives:
        expanded = expanded.doit()
    return expanded


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
        return sympy.exp(self.kappa * x)

    def x_of_u(self, u: Expr) -> Expr:
        return u if self.u_is_x else sympy.log(u) / self.kappa

    def describe(self) -> str:
        from symbolic.printing import to_text

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
        power = sympy.nsimplify(slope / kappa)
        if not power.is_Integer:
            raise NotRationalError("exponents are not integer multiples of one another")
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
    ratios = [sympy.nsimplify(s / base) for s in slopes]
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

    low: Fraction | None  # None: the interval's own low end
    high: Fraction | None
    sample: Fraction
    sign: int


@dataclass(frozen=True)
class SignChart:
    """The sign of R = P/Q on a u-interval: pieces, zeros of P and poles of Q inside it."""

    pieces: tuple[Piece, ...]
    zeros: tuple[tuple[Fraction, Fraction], ...]  # isolating intervals of roots of P inside
    poles: tuple[tuple[Fraction, Fraction], ...]
    exact_zeros: tuple[Expr, ...]  # the same roots, exactly (rational or algebraic)

    def signs(self) -> set[int]:
        return {piece.sign for piece in self.pieces}


def u_interval(form: ExpForm, domain: Interval) -> tuple[Expr, Expr]:
    return form.u_of_x(domain.low), form.u_of_x(domain.high)


def sign_chart(form: ExpForm, domain: Interval) -> SignChart:
    """The exact sign of P/Q on the image of the domain (rational coefficients only)."""
    p, q = form.numerator, form.denominator
    for poly in (p, q):
        if not all(c.is_Rational for c in poly.coeffs()):
            raise NotRationalError("coefficients are not rational numbers")
    low, high = u_interval(form, domain)
    ends = (low, high, domain.low_open, domain.high_open)
    p_roots = _roots_inside(p, *ends)
    q_roots = _roots_inside(q, *ends)
    boundaries = sorted(p_roots + q_roots)
    pieces = []
    edges: list[Fraction | None] = (
        [None] + [b for interval in boundaries for b in interval] + [None]
    )
    for index in range(0, len(edges), 2):
        left, right = edges[index], edges[index + 1]
        sample = _rational_between(
            left if left is not None else low, right if right is not None else high
        )
        if sample is None:
            continue
        value = _exact_value(p, sample) / _exact_value(q, sample)
        pieces.append(Piece(left, right, sample, (value > 0) - (value < 0)))
    exact = tuple(_exact_root(p, interval) for interval in p_roots)
    return SignChart(tuple(pieces), tuple(p_roots), tuple(q_roots), exact)


def _exact_value(poly: sympy.Poly, at: Fraction) -> Fraction:
    """poly at a rational point, exactly (whatever its variable)."""
    value = poly.eval(sympy.Rational(at.numerator, at.denominator))
    return Fraction(int(value.p), int(value.q))


def _roots_inside(
    poly: sympy.Poly, low: Expr, high: Expr, low_open: bool, high_open: bool
) -> list[tuple[Fraction, Fraction]]:
    """Isolating intervals (rational ends) of the distinct real roots of poly in the u-interval."""
    if poly.degree() <= 0:
        return []
    inside = []
    for (a, b), _ in poly.intervals():
        interval = _separate(
            poly, Fraction(str(a)), Fraction(str(b)), low, high, low_open, high_open
        )
        if interval is not None:
            inside.append(interval)
    return inside


def _separate(
    poly: sympy.Poly,
    a: Fraction,
    b: Fraction,
    low: Expr,
    high: Expr,
    low_open: bool,
    high_open: bool,
) -> tuple[Fraction, Fraction] | None:
    """Refine [a, b] until it is inside or outside the u-interval; None when outside.

    A root equal to an end can only be rational (e^(κa) is transcendental for rational
    a ≠ 0), and then it is found exactly.
    """
    for _ in range(200):
        if a == b:  # an exact rational root
            r = sympy.Rational(a.numerator, a.denominator)
            above = bool(r > low) if low_open else bool(r >= low)
            below = bool(r < high) if high_open else bool(r <= high)
            return (a, b) if above and below else None
        where_low = _compare(low, a, b)
        where_high = _compare(high, a, b)
        if where_low is not None and where_high is not None:
            if where_low == 1 or where_high == -1:
                return None  # the interval lies entirely below low or above high
            return (a, b) if where_low == -1 and where_high == 1 else None
        refined = poly.refine_root(
            sympy.Rational(a.numerator, a.denominator),
            sympy.Rational(b.numerator, b.denominator),
            eps=(b - a) / 8,
        )
        a, b = Fraction(str(refined[0])), Fraction(str(refined[1]))
    raise SymbolicError("a root could not be separated from an end of the domain")


def _compare(end: Expr, a: Fraction, b: Fraction) -> int | None:
    """-1 if end < a, +1 if end > b, None if it may lie inside [a, b]."""
    if end == sympy.oo:
        return 1
    if end == -sympy.oo:
        return -1
    if end == 0:
        return -1 if a > 0 else None
    if end.is_Rational:
        value = Fraction(int(end.p), int(end.q))
        return -1 if value < a else (1 if value > b else None)
    with precision(256):
        ball = enclose(end, None, 256)
        if ball < flint.arb(flint.fmpq(a.numerator, a.denominator)):
            return -1
        if ball > flint.arb(flint.fmpq(b.numerator, b.denominator)):
            return 1
    return None


def _rational_between(low: object, high: object) -> Fraction | None:
    """A simple rational strictly between two ends (Fractions or SymPy numbers, maybe ±oo)."""
    lo = _as_fraction_bound(low, below=False)
    hi = _as_fraction_bound(high, below=True)
    if lo is None and hi is None:
        return Fraction(0)
    if lo is None:
        return Fraction(math.floor(hi) - 1)
    if hi is None:
        return Fraction(math.floor(lo) + 1)
    if lo >= hi:
        return None
    middle = (lo + hi) / 2
    for denominator in (1, 2, 4, 8, 16, 64, 1024):
        candidate = Fraction(round(middle * denominator), denominator)
        if lo < candidate < hi:
            return candidate
    return middle


def _as_fraction_bound(end: object, below: bool) -> Fraction | None:
    """A rational just inside a SymPy end (exact when the end is rational)."""
    if isinstance(end, Fraction):
        return end
    if end in (sympy.oo, -sympy.oo):
        return None
    if end == 0:
        return Fraction(0)
    if end.is_Rational:
        return Fraction(int(end.p), int(end.q))
    with precision(128):
        ball = enclose(end, None, 128)
    mid = Fraction(float(ball.mid()))
    slack = Fraction(float(ball.rad())) + abs(mid) / 2**60
    return mid - slack if below else mid + slack


def _exact_root(poly: sympy.Poly, interval: tuple[Fraction, Fraction]) -> Expr:
    a, b = interval
    if a == b:
        return sympy.Rational(a.numerator, a.denominator)
    for factor, _ in sympy.factor_list(poly.as_expr())[1]:
        factor_poly = sympy.Poly(factor, poly.gens[0])
        if factor_poly.degree() <= 2:
            for root in sympy.roots(factor_poly, filter="R"):
                if (
                    root.is_real
                    and bool(sympy.Rational(a.numerator, a.denominator) <= root)
                    and bool(root <= sympy.Rational(b.numerator, b.denominator))
                ):
                    return sympy.radsimp(root)
    index = [i for i, r in enumerate(poly.real_roots()) if a <= Fraction(float(r.evalf(30))) <= b]
    return poly.real_roots()[index[0]] if index else sympy.Rational((a + b) / 2)


# ---------------------------------------------------------------- signs with parameters


def factor_sign(expr: Expr) -> int | None:
    """+1 or −1 when every factor of expr has a known sign for u > 0 and the parameters'
    assumptions; 0 when expr is identically 0; None otherwise."""
    if expr == 0:
        return 0
    coefficient, factors = sympy.factor_list(expr)
    sign = _single_factor_sign(coefficient)
    for factor, multiplicity in factors:
        factor_sign_value = _single_factor_sign(factor)
        if sign is None or factor_sign_value is None:
            return None
        sign *= factor_sign_value**multiplicity
    return sign


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
