"""`symbolic check` for limits, zeros and ranges of functions rational in e^(x/L) or x.

The claim's f, written out, is mapped by `check_atoms` to a fraction N/D in one variable
v (x, or u = e^(x/L) > 0, an increasing bijection of ℝ onto (0, ∞)); with rational
coefficients, everything below is exact arithmetic (python-flint's fmpq_poly):

- **limit at ±∞**: N/D as v → ∞ or v → 0⁺ (x → −∞ with u; x = −t with v = x), from the
  degrees and leading (or trailing) coefficients;
- **limit at 0** with v in {x, u}: N and D are polynomials in x and u = e^(x/L), whose
  Taylor coefficients at 0 are exact rationals (u = Σ (x/L)^k/k!): the first non-zero
  one of D, at order m, and those of N below m exactly 0 give N_m/D_m;
- **zeros**: N = c·x^a·u^b·P(u) (`terms_gcd`), D without zeros (every divisor of evident
  sign): the zeros are x = 0 when a > 0 and x = L·log r for the roots r > 0 of P; each
  listed zero is shown one exactly (x = 0, or P(e^(z/L)) = 0 by algebra), they are
  distinct, and their number is the count of all (Sturm over Q);
- **range** on ℝ: f continuous (divisors of evident sign); the critical points are the
  roots of N′D − ND′ in the open v-interval, rational (a factor with no linear root must
  have none there, by Sturm); the image is the interval between the least and the greatest
  of the critical values and the end limits, an end closed when a critical value attains
  it. c·log(g) + k with g rational in u has the image of g mapped through it.

Divisors must have an evident sign, or (limits) be non-zero fractions in v alone, so that
f is defined near the point; a limit is the claim's value exactly, an image the claim's
range exactly (ends and openness).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import flint
import sympy
from sympy import Expr

from symbolic.language.parser import X, parse, parse_constant
from symbolic.numbers.intervals import Interval, parse_interval
from symbolic.prove import check as base
from symbolic.prove import check_atoms as atoms_module
from symbolic.prove.check_claims import (
    Handler,
    NotCheckableError,
    domain_of,
    unshown,
    written_conditions,
)
from symbolic.prove.check_exact import _is_root, _Poly

MAX_ORDER = 40
OO = sympy.oo


def handler(kind: str, verdict: Any, fields: dict[str, Any]) -> Handler | None:
    """The re-derivation of a limit or zeros claim (proved) or a range (either verdict)."""
    if kind == "range":
        return _range
    return {"limit": _limit, "zeros": _zeros}.get(kind) if verdict == "proved" else None


class _Form:
    """f as N/D in one variable v: x, or u = e^(x/L) (`u` its atom, `scale` L); with
    `allow_x_and_u`, N and D may hold both x and u (limits at 0, zeros)."""

    def __init__(self, expr: Expr, allow_x_and_u: bool = False) -> None:
        self.f = base._written_out(expr)
        self.atoms, [(n, d)] = atoms_module.fractions([self.f])
        n, d = self.atoms.reduce(n), self.atoms.reduce(d)
        exps = [w for w, (m, _) in self.atoms.exp_logs.items() if m == X and (n.has(w) or d.has(w))]
        self.u = exps[0] if len(exps) == 1 else None
        self.scale = int(self.atoms.exp_logs[self.u][1]) if self.u is not None else 1
        variables = {X} | ({self.u} if self.u is not None else set())
        if len(exps) > 1 or not (n.free_symbols | d.free_symbols) <= variables:
            raise NotCheckableError("f is not a fraction in x and one exponential e^(x/L)")
        if not allow_x_and_u and self.u is not None and (n.has(X) or d.has(X)):
            raise NotCheckableError("x occurs outside the exponentials")
        self.n, self.d, self.variables = n, d, variables
        self.v = self.u if self.u is not None else X

    def defined(self, isolated: bool, fields: dict[str, Any] | None = None) -> None:
        """f defined on ℝ (or off isolated points); with the claim's `fields`, as written
        too: the conditions SymPy's automatic evaluation dropped (x²/x is x) must hold."""
        undefined = atoms_module.undefined_parts(
            self.atoms, self.f, self.variables if isolated else None
        )
        if fields is not None:
            undefined += unshown(written_conditions(fields, "expr"), isolated)
        if undefined:
            raise NotCheckableError(f"definedness not shown: {undefined[0]}")

    def polys(self) -> tuple[list[Fraction], list[Fraction]]:
        return _coefficients(self.n, self.v), _coefficients(self.d, self.v)


def _coefficients(p: Expr, v: Expr) -> list[Fraction]:
    """Ascending rational coefficients of p in v."""
    poly = sympy.Poly(p, v)
    values = list(reversed(poly.all_coeffs()))
    if not all(c.is_Rational for c in values):
        raise NotCheckableError("coefficients that are not rational")
    return [Fraction(int(c.p), int(c.q)) for c in values]


# ---------------------------------------------------------------- limits


def _limit(claim: dict[str, Any], fields: dict[str, Any]) -> tuple[str, list[str]]:
    point = parse_constant(base._text(fields, "point"))
    value = parse_constant(base._text(fields, "value"))
    domain = domain_of(fields)
    expr = parse(base._text(fields, "expr"))
    if point in (OO, -OO):
        if (domain.high if point == OO else domain.low) != point:
            raise base.CheckFailedError(f"x cannot tend to {point} within the domain {domain}")
        form = _Form(expr)
        form.defined(isolated=True, fields=fields)
        got = _limit_at_infinity(form, 1 if point == OO else -1)
        how = f"f = N/D in {'u = e^(x/' + str(form.scale) + ')' if form.u is not None else 'x'}"
    elif point == 0:
        if not (
            base._order(domain.low, sympy.S.Zero) in (-1, 0)
            and base._order(domain.high, sympy.S.Zero) in (0, 1)
        ):
            raise base.CheckFailedError(f"x cannot tend to 0 within the domain {domain}")
        if base._order(domain.low, domain.high) == 0:
            raise base.CheckFailedError("a limit in a one-point domain")
        form = _Form(expr, allow_x_and_u=True)
        form.defined(isolated=True, fields=fields)
        got, order = _limit_at_zero(form)
        how = f"Taylor coefficients of N and D at 0 exact; D's first non-zero at order {order}"
    else:
        raise NotCheckableError(f"a limit at {point}")
    if not _equal(got, value):
        raise base.CheckFailedError(f"the limit is {got}, not the claim's {value}")
    return "re-verified", [f"{how}: the limit is {got} (exact), the claim's value"]


def _limit_at_infinity(form: _Form, side: int) -> Expr:
    n, d = form.polys()
    if form.u is None and side < 0:  # x = −t, t → ∞
        n = [c * (-1) ** k for k, c in enumerate(n)]
        d = [c * (-1) ** k for k, c in enumerate(d)]
        side = 1
    if side > 0:
        return _ratio_limit(_lead(n), _lead(d))
    return _ratio_limit(_trail(n), _trail(d), at_zero=True)


def _lead(c: list[Fraction]) -> tuple[int, Fraction]:
    k = max(i for i, v in enumerate(c) if v)
    return k, c[k]


def _trail(c: list[Fraction]) -> tuple[int, Fraction]:
    k = min(i for i, v in enumerate(c) if v)
    return k, c[k]


def _ratio_limit(
    top: tuple[int, Fraction], bottom: tuple[int, Fraction], at_zero: bool = False
) -> Expr:
    """c_n v^p / c_d v^q as v → ∞ (or → 0⁺ with the trailing terms)."""
    (p, a), (q, b) = top, bottom
    ratio = a / b
    grows = p < q if at_zero else p > q
    if p == q:
        return sympy.Rational(ratio.numerator, ratio.denominator)
    return (OO if ratio > 0 else -OO) if grows else sympy.S.Zero


def _limit_at_zero(form: _Form) -> tuple[Expr, int]:
    for order in (8, 16, MAX_ORDER):
        top, bottom = _series(form, form.n, order), _series(form, form.d, order)
        nonzero = [k for k, c in enumerate(bottom) if c]
        if not nonzero:
            continue
        m = nonzero[0]
        if any(top[k] for k in range(m)):
            raise NotCheckableError("N's Taylor coefficients below D's order are not all 0")
        ratio = top[m] / bottom[m]
        return sympy.Rational(ratio.numerator, ratio.denominator), m
    raise NotCheckableError(f"D's Taylor coefficients vanish to order {MAX_ORDER}")


def _series(form: _Form, p: Expr, order: int) -> list[Fraction]:
    """The Taylor coefficients of p(x, e^(x/L)) at 0 up to `order`, exact."""
    u_series = flint.fmpq_poly(
        [flint.fmpq(1, math.factorial(k) * form.scale**k) for k in range(order + 1)]
    )
    gens = [X] + ([form.u] if form.u is not None else [])
    total = flint.fmpq_poly([0])
    for monomial, c in sympy.Poly(p, *gens).terms():
        term = (
            flint.fmpq_poly([flint.fmpq(int(c.p), int(c.q))])
            * flint.fmpq_poly([0, 1]) ** monomial[0]
        )
        if len(monomial) > 1 and monomial[1]:
            term *= _truncate(u_series ** monomial[1], order)
        total += _truncate(term, order)
    coefficients = [Fraction(int(v.p), int(v.q)) for v in total.coeffs()]
    return (coefficients + [Fraction(0)] * (order + 1))[: order + 1]


def _truncate(p: flint.fmpq_poly, order: int) -> flint.fmpq_poly:
    return flint.fmpq_poly(p.coeffs()[: order + 1])


def _equal(a: Expr, b: Expr) -> bool:
    from symbolic.prove.check_limits import _equal as equal

    return equal(a, b)


# ---------------------------------------------------------------- zeros


def _zeros(claim: dict[str, Any], fields: dict[str, Any]) -> tuple[str, list[str]]:
    domain = domain_of(fields)
    if domain != Interval.reals():
        raise NotCheckableError("zeros on a domain other than ℝ")
    form = _Form(parse(base._text(fields, "expr")), allow_x_and_u=True)
    form.defined(isolated=False, fields=fields)
    if form.atoms.reduce(form.n) == 0:
        raise base.CheckFailedError("f is identically 0: its zeros are not a finite list")
    gens = [X, form.v] if form.u is not None else [X]
    (a, *_), rest = sympy.Poly(form.n, *gens).terms_gcd()
    if rest.as_expr().has(X) and form.u is not None:
        raise NotCheckableError("N is not x^a times a polynomial in e^(x/L)")
    p = _Poly(_coefficients(rest.as_expr(), form.v))
    listed = [parse_constant(str(z)) for z in fields.get("zeros", [])]
    for i, z in enumerate(listed):
        if not z.is_extended_real or z.is_infinite:
            raise base.CheckFailedError(f"the listed zero {z} is not a real number")
        for other in listed[:i]:
            if base._order(z, other) in (0, None):
                raise base.CheckFailedError(
                    f"the listed zeros {other} and {z} are not shown distinct"
                )
        if not ((z == 0 and a > 0) or _root_at(p, z, form)):
            raise base.CheckFailedError(f"f is not shown 0 at the listed x = {z}")
    count = _count(p, form) + (a > 0 and not _root_at(p, sympy.S.Zero, form))
    if count != len(listed):
        raise base.CheckFailedError(f"f has {count} zero(s) on ℝ (Sturm), {len(listed)} listed")
    return "re-verified", [
        f"f = x^{a}·P(v)/D with v = {'e^(x/' + str(form.scale) + ')' if form.u is not None else 'x'}, "
        f"D of evident sign: each listed zero shown exactly, {count} zero(s) in all (Sturm)"
    ]


def _root_at(p: _Poly, z: Expr, form: _Form) -> bool:
    v = sympy.exp(z / form.scale) if form.u is not None else z
    return not p.zero and _is_root(p, v)


def _count(p: _Poly, form: _Form) -> int:
    """The distinct real roots of P in the image of ℝ: (0, ∞) for u, ℝ for x."""
    if not p.sturm:
        return 0
    bound = p.bound() + 1
    return p.open_count(Fraction(0) if form.u is not None else -bound, bound)


# ---------------------------------------------------------------- ranges


def _range(claim: dict[str, Any], fields: dict[str, Any]) -> tuple[str, list[str]]:
    if domain_of(fields) != Interval.reals():
        raise NotCheckableError("a range on a domain other than ℝ")
    claimed = parse_interval(base._text(fields, "range"))
    expr = base._written_out(parse(base._text(fields, "expr")))
    outer, inner = _log_wrapper(expr)
    form = _Form(inner)
    form.defined(isolated=False, fields=fields)
    image = _image(form)
    how = "critical points and end limits, exact"
    if outer is not None:
        if form.u is None or form.atoms.sign((form.n, form.d)) != 1:
            raise NotCheckableError("log of a fraction not evidently positive")
        image = _through_log(image, *outer)
        how += f"; f = {outer[0]}·log(g) + {outer[1]}, log increasing"
    same = _same_interval(image, claimed)
    proved = claim.get("verdict") == "proved"
    if same != proved:
        raise base.CheckFailedError(f"the image is {_show(image)}, the claim says {claimed}")
    verb = "is" if same else "is not"
    return "re-verified", [
        f"the image of ℝ is {_show(image)} ({how}): it {verb} the claimed {claimed}"
    ]


Ends = tuple[Expr, bool, Expr, bool]  # low, low attained, high, high attained


def _image(form: _Form) -> Ends:
    n, d = form.polys()
    top, bottom = flint.fmpq_poly(_fmpq(n)), flint.fmpq_poly(_fmpq(d))
    critical = top.derivative() * bottom - top * bottom.derivative()
    low_v = Fraction(0) if form.u is not None else None
    if critical.degree() < 0:
        c = _value(top, bottom, Fraction(1))
        return c, True, c, True
    values: list[tuple[Expr, bool]] = []
    for factor, _ in critical.factor()[1]:
        roots = _Poly([Fraction(int(v.p), int(v.q)) for v in factor.coeffs()])
        if factor.degree() == 1:
            c0, c1 = factor.coeffs()
            root = -c0 / c1
            r = Fraction(int(root.p), int(root.q))
            if low_v is None or r > low_v:
                values.append((_value(top, bottom, r), True))
        elif _count(roots, form):
            raise NotCheckableError("critical points that are not rational")
    values.append((_limit_at_infinity(form, -1), False))
    values.append((_limit_at_infinity(form, 1), False))
    low = min(v for v, _ in values)
    high = max(v for v, _ in values)
    return (
        low,
        any(a for v, a in values if v == low),
        high,
        any(a for v, a in values if v == high),
    )


def _fmpq(values: list[Fraction]) -> list[flint.fmpq]:
    return [flint.fmpq(v.numerator, v.denominator) for v in values]


def _value(top: flint.fmpq_poly, bottom: flint.fmpq_poly, at: Fraction) -> Expr:
    point = flint.fmpq(at.numerator, at.denominator)
    value = top(point) / bottom(point)
    return sympy.Rational(int(value.p), int(value.q))


def _log_wrapper(expr: Expr) -> tuple[tuple[Expr, Expr] | None, Expr]:
    """f = c·log(g) + k (c ≠ 0, k rational): ((c, k), g); else (None, f)."""
    k, rest = expr.as_coeff_Add()
    c, inner = rest.as_coeff_Mul()
    if isinstance(inner, sympy.log) and k.is_Rational and c.is_Rational and c != 0:
        return (c, k), inner.args[0]
    return None, expr


def _through_log(image: Ends, c: Expr, k: Expr) -> Ends:
    low, low_in, high, high_in = image
    if not (low >= 0):
        raise NotCheckableError("log of a fraction whose image reaches 0 or below")
    mapped = [(-OO if v == 0 else sympy.log(v)) * c + k for v in (low, high)]
    if c > 0:
        return mapped[0], low_in and low != 0, mapped[1], high_in
    return mapped[1], high_in, mapped[0], low_in and low != 0


def _same_interval(image: Ends, claimed: Interval) -> bool:
    low, low_in, high, high_in = image
    return (
        _equal(low, claimed.low)
        and _equal(high, claimed.high)
        and low_in == (not claimed.low_open)
        and high_in == (not claimed.high_open)
    )


def _show(image: Ends) -> str:
    low, low_in, high, high_in = image
    return f"{'[' if low_in else '('}{low}, {high}{']' if high_in else ')'}"
