"""`symbolic check`: asymptotic forms on a tail, built by the checker itself.

The prover rewrites an expression on the tail t ≥ R (x = side·t, R ≥ 1) as a *form*
Σ c_k(t)·t^(m_k)·e^(−q_k(t)) and writes it into the certificate. The checker does not
take that form as a premise: `check_rules` builds its own, bottom-up from the claim's
expression, at the certificate's R (no search), from the objects of this module. Neither
module imports the prover's tail code (`prove.tails`, `prove.tail_limits`): a bug in the
prover's rules cannot mislead the checker too. The mathematics is the same (the lemmas
of `prove.tails`), re-stated and re-argued here and in `check_rules`.

**Scales.** s(t) = t^m·e^(−q(t)): m rational, q a polynomial without constant term
whose coefficients are exact constants (SymPy numbers after `expand`, trailing literal
zeros dropped). On t ≥ 1 a scale is positive. The scale a is *above* b when a/b → ∞:
the leading coefficient of q_a − q_b is < 0 (its Arb ball excludes 0; a coefficient not
separated from 0 stops the derivation, it is never guessed), or q_a = q_b and m_a > m_b.

**Coefficients.** c(t) is a function of t known through a ball (Arb, 256 bits) that
holds c(t) for *every* t ≥ R, and, when known, its exact limit as t → ∞. An exact
coefficient is a constant (its ball holds it; it is its own limit); exact coefficients
add and multiply exactly, so cancellations (x − x) are exact. Sums, products and
reciprocals of coefficient functions have the sums, products and reciprocals of the balls
(Arb's arithmetic is rigorous) and of the limits (limits of sums and products; 1/c → 1/L
when the ball of c excludes 0, so L ≠ 0).

**Forms.** A form is a finite sum of terms c(t)·s(t) with distinct scales; the empty form
is 0. Sums merge the terms of one scale (coefficients added), products multiply term by
term (scales multiply: m's add, q's add). Both are identities at every t.

**The split (Lemma 1).** A nonzero form is d·(C + r): d its largest scale, C(t) the sum of
the coefficients of the terms of scale d, r = Σ c_k·ρ_k with ρ_k = s_k/d = t^a·e^(−p(t)).
Lemma 1 (`check_tails.ratio_at`, the checker's own): (log ρ)′ = −(t·p′(t) − a)/t, so ρ
decreases on [R, ∞) when s(t) = t·p′(t) − a is > 0 there, which holds when s(R) > 0 and
every coefficient of s(R + y) in y is ≥ 0 (checked in Arb); then ρ(t) ≤ ρ(R). So
|r(t)| ≤ ε = Σ max|c_k|·ρ_k(R) for every t ≥ R. When the ball of C excludes 0 and
min|C| > ε, the form has the sign of C at every t ≥ R (d > 0). Every ρ_k → 0 (d is the
largest scale) and the c_k are bounded, so r(t) → 0 as t → ∞ whatever R.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from fractions import Fraction

import flint
import sympy
from sympy import Expr

from symbolic.errors import SymbolicError
from symbolic.numbers.enclosure import constant_ball
from symbolic.prove.check import FINE_BITS
from symbolic.prove.check_tails import ratio_at

MAX_TERMS = 400  # terms of a form (bounded work); beyond it the derivation stops


class NotDerivedError(Exception):
    """The checker's rules give no form here: an expression outside them, or a bound
    that does not close at the certificate's R. Never a verdict on the claim."""


Poly = tuple[Expr, ...]  # the coefficients of t, t², …, t^n (no constant term)


@functools.lru_cache(maxsize=8192)
def ball(value: Expr) -> flint.arb:
    """The Arb ball (256 bits) of an exact real constant."""
    try:
        return constant_ball(value, FINE_BITS)
    except (SymbolicError, ArithmeticError, ValueError, TypeError) as error:
        raise NotDerivedError(f"the constant {value} has no finite ball ({error})") from None


def sign_of(value: Expr) -> int:
    """The sign of a nonzero exact constant, from a ball that excludes 0."""
    found = ball(value)
    if found > 0 or found < 0:
        return 1 if found > 0 else -1
    raise NotDerivedError(f"the sign of the constant {value} is not separated from 0")


def poly(coefficients: tuple[Expr, ...] | list[Expr]) -> Poly:
    """Coefficients after `expand`, trailing literal zeros dropped (a canonical form for
    equality of scales; a zero that is not literal stays, and stops comparisons)."""
    found = [sympy.expand(c) for c in coefficients]
    while found and found[-1] == 0:
        found.pop()
    return tuple(found)


def _combine(a: Poly, b: Poly, k: int) -> Poly:
    """a + k·b."""
    pairs = itertools.zip_longest(a, b, fillvalue=sympy.S.Zero)
    return poly([u + k * v for u, v in pairs])


def rational(value: Fraction) -> Expr:
    return sympy.Rational(value.numerator, value.denominator)


@dataclass(frozen=True)
class Scale:
    """t^m·e^(−q(t)), exact and positive on t ≥ 1."""

    m: Fraction
    q: Poly

    def __mul__(self, other: Scale) -> Scale:
        return Scale(self.m + other.m, _combine(self.q, other.q, 1))

    def over(self, other: Scale) -> Scale:
        return Scale(self.m - other.m, _combine(self.q, other.q, -1))

    def power(self, n: Fraction) -> Scale:
        """(t^m·e^(−q))^n = t^(mn)·e^(−nq) (a positive base)."""
        return Scale(self.m * n, poly([rational(n) * c for c in self.q]))

    def growth(self) -> int:
        """+1 when the scale tends to ∞, 0 for the constant 1, −1 when it tends to 0."""
        if self.q:
            return -sign_of(self.q[-1])
        return (self.m > 0) - (self.m < 0)

    def text(self) -> str:
        t = sympy.Symbol("t", positive=True)
        parts = [] if self.m == 0 else [f"t^{self.m}" if self.m != 1 else "t"]
        if self.q:
            exponent = sympy.Add(*(-c * t ** (j + 1) for j, c in enumerate(self.q)))
            parts.append(f"e^({exponent})")
        return "·".join(parts) or "1"


ONE = Scale(Fraction(0), ())


def above(a: Scale, b: Scale) -> int:
    """+1 when a/b → ∞, 0 when a = b, −1 when a/b → 0 (a NotDerivedError when the
    leading coefficient that decides it is not separated from 0)."""
    return a.over(b).growth()


# ---------------------------------------------------------------- coefficients


@dataclass(frozen=True)
class Coef:
    """A coefficient function of t: exact (a constant) or a ball holding c(t) for every
    t ≥ R; `limit` its exact limit as t → ∞ when known."""

    exact: Expr | None
    ball: flint.arb
    limit: Expr | None

    @staticmethod
    def of(value: Expr) -> Coef:
        value = sympy.expand(value)
        return Coef(value, ball(value), value)

    @staticmethod
    def bounded(values: flint.arb, limit: Expr | None) -> Coef:
        if not values.is_finite() or values.is_nan():
            raise NotDerivedError("a coefficient whose ball is not finite")
        return Coef(None, values, limit)

    def __add__(self, other: Coef) -> Coef:
        if self.exact is not None and other.exact is not None:
            return Coef.of(self.exact + other.exact)
        known = self.limit is not None and other.limit is not None
        return Coef.bounded(self.ball + other.ball, self.limit + other.limit if known else None)

    def __mul__(self, other: Coef) -> Coef:
        if self.exact is not None and other.exact is not None:
            return Coef.of(self.exact * other.exact)
        known = self.limit is not None and other.limit is not None
        return Coef.bounded(self.ball * other.ball, self.limit * other.limit if known else None)

    def inverse(self) -> Coef:
        """1/c, for a ball that excludes 0 (the limit, in the closed ball, is ≠ 0 too)."""
        if self.ball.contains(0):
            raise NotDerivedError("the reciprocal of a coefficient that may vanish")
        if self.exact is not None:
            return Coef.of(1 / self.exact)
        limit = None if self.limit is None else 1 / self.limit
        return Coef.bounded(1 / self.ball, limit)

    def is_zero(self) -> bool:
        return self.exact is not None and self.exact == 0


Term = tuple[Scale, Coef]
Form = tuple[Term, ...]


def merge(terms: list[Term]) -> Form:
    """The terms of one scale added (exact ones exactly; a literal 0 dropped)."""
    if len(terms) > MAX_TERMS * MAX_TERMS:
        raise NotDerivedError("too many terms")
    merged: dict[Scale, Coef] = {}
    for scale, coef in terms:
        merged[scale] = merged[scale] + coef if scale in merged else coef
    form = tuple((s, c) for s, c in merged.items() if not c.is_zero())
    if len(form) > MAX_TERMS:
        raise NotDerivedError(f"a form of more than {MAX_TERMS} terms")
    return form


def add(*forms: Form) -> Form:
    return merge([term for form in forms for term in form])


def mul(a: Form, b: Form) -> Form:
    return merge([(s * u, c * k) for s, c in a for u, k in b])


def const(value: Expr | int) -> Form:
    value = sympy.Integer(value) if isinstance(value, int) else sympy.expand(value)
    return () if value == 0 else ((ONE, Coef.of(value)),)


def scaled(form: Form, value: Expr | int) -> Form:
    return mul(form, const(value))


def of_coefficient(coef: Coef) -> Form:
    """The form c(t)·1."""
    return ((ONE, coef),)


# ---------------------------------------------------------------- the split


@dataclass(frozen=True)
class Split:
    """form = d·(C + r) with |r(t)| ≤ epsilon for every t ≥ R (Lemma 1)."""

    dominant: Scale
    coefficient: Coef  # C, the sum of the coefficients of scale d
    rest: Form  # r's terms: (ρ_k = s_k/d, c_k)
    epsilon: flint.arb

    def around(self) -> flint.arb:
        """A ball holding C(t) + r(t) for every t ≥ R."""
        return self.coefficient.ball + (-self.epsilon).union(self.epsilon)

    def strict_sign(self) -> int:
        """The sign of the form on the whole tail: C's ball excludes 0, min|C| > ε."""
        c = self.coefficient.ball
        if c.contains(0) or not c.abs_lower() > self.epsilon:
            raise NotDerivedError(
                f"the sign of a form with dominant scale {self.dominant.text()} is not "
                "decided at this R (min|C| ≤ ε)"
            )
        return 1 if c > 0 else -1


def bound(terms: Form, at: flint.arb) -> flint.arb:
    """ε ≥ Σ |c_k(t)|·s_k(t) for every t ≥ R: each s_k decreasing from R (Lemma 1),
    so s_k(t) ≤ s_k(R), and |c_k(t)| ≤ max|ball_k|."""
    epsilon = flint.arb(0)
    for scale, coef in terms:
        value = ratio_at(scale.m, scale.q, at)
        if value is None:
            raise NotDerivedError(
                f"Lemma 1 does not show {scale.text()} decreasing from t = R at this R"
            )
        epsilon += flint.arb(coef.ball.abs_upper()) * value
    return flint.arb(epsilon.upper())


def dominant_of(form: Form) -> tuple[Scale, Coef]:
    """The largest scale d (every other scale shown below it) and C, the sum of the
    coefficients of the terms of scale d."""
    if not form:
        raise NotDerivedError("a form that is identically 0 here")
    dominant = form[0][0]
    for scale, _ in form[1:]:
        if above(scale, dominant) > 0:
            dominant = scale
    for scale, _ in form:  # distinct canonical scales: each strictly below d
        if scale != dominant and above(scale, dominant) >= 0:
            raise NotDerivedError("two scales that are not ordered")
    group = [c for s, c in form if s == dominant]
    return dominant, functools.reduce(lambda a, b: a + b, group)


def split(form: Form, at: flint.arb) -> Split:
    """d·(C + r), d the largest scale, |r| ≤ ε on the tail by Lemma 1."""
    dominant, coefficient = dominant_of(form)
    rest = tuple((s.over(dominant), c) for s, c in form if s != dominant)
    return Split(dominant, coefficient, rest, bound(rest, at))


def small(form: Form, at: flint.arb) -> flint.arb:
    """A bound of |form(t)| on the tail when every scale decays."""
    for scale, _ in form:
        if scale.growth() >= 0:
            raise NotDerivedError("a part that should decay has a scale that does not")
    return bound(form, at)


def evaluate(form: Form, t: Fraction) -> flint.arb:
    """The form's enclosure at the exact point t ≥ R: Σ ball_k·t^m·e^(−q(t))."""
    at = flint.arb(flint.fmpq(t.numerator, t.denominator))
    total = flint.arb(0)
    for scale, coef in form:
        exponent = sum((ball(c) * at ** (j + 1) for j, c in enumerate(scale.q)), flint.arb(0))
        m = flint.arb(flint.fmpq(scale.m.numerator, scale.m.denominator))
        total += coef.ball * at**m * (-exponent).exp()
    return total
