"""Closed forms for σ: higher derivatives as polynomials in σ, the Taylor series, zeros.

σ^(n) = Σ_{k=0}^{n} (−1)^k · k! · S(n+1, k+1) · σ^(k+1)   (n ≥ 1, S = Stirling 2nd kind)

follows from σ′ = σ(1 − σ) by induction (d/dx σ^(k+1) = (k+1)σ^(k+1)(1 − σ) and the
Stirling recurrence); the derivation engine derives the first few orders step by step
and the tests compare both. The Taylor coefficients come from
σ(x) = 1/2 + tanh(x/2)/2 and the Bernoulli numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import flint
import sympy
from sympy import Expr

from symbolic.errors import SymbolicError
from symbolic.functions import sigmoid
from symbolic.numbers.arb import precision
from symbolic.numbers.decimals import decide_decimal

MAX_DERIVATIVE_ORDER = 5_000
MAX_TAYLOR_ORDER = 5_000


def _check_order(n: int, limit: int, what: str) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= limit:
        raise SymbolicError(f"{what} must be a whole number from 0 to {limit}, got {n!r}")


@cache
def stirling2_row(m: int) -> tuple[int, ...]:
    """S(m, 0), …, S(m, m): Stirling numbers of the second kind, by their recurrence."""
    row = [1]  # S(0, 0)
    for i in range(1, m + 1):
        row = [0, *(j * row[j] + row[j - 1] if j < i else row[j - 1] for j in range(1, i + 1))]
    return tuple(row)


@cache
def sigmoid_derivative_coefficients(n: int) -> tuple[int, ...]:
    """c_0 … c_{n+1} with σ^(n) = Σ c_j σ^j (n = 0 gives σ itself: (0, 1))."""
    _check_order(n, MAX_DERIVATIVE_ORDER, "the derivative order")
    if n == 0:
        return (0, 1)
    row = stirling2_row(n + 1)
    coefficients = [0] * (n + 2)
    factorial = 1
    for k in range(n + 1):
        if k:
            factorial *= k
        coefficients[k + 1] = (-1) ** k * factorial * row[k + 1]
    return tuple(coefficients)


def sigmoid_derivative_polynomial(n: int, argument: Expr | None = None) -> Expr:
    """σ^(n)(u) as an explicit SymPy polynomial in σ(u), lowest power first."""
    s = sigmoid(argument if argument is not None else sympy.Symbol("x", real=True))
    terms = [c * s**j for j, c in enumerate(sigmoid_derivative_coefficients(n)) if c]
    return sympy.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]


def taylor_coefficients(order: int) -> list[Fraction]:
    """a_0 … a_order with σ(x) = Σ a_k x^k near 0 (radius of convergence π)."""
    _check_order(order, MAX_TAYLOR_ORDER, "the Taylor order")
    coefficients = [Fraction(0)] * (order + 1)
    coefficients[0] = Fraction(1, 2)
    # tanh(z) = Σ_{n≥1} 2^(2n)(2^(2n) − 1) B_(2n) z^(2n−1) / (2n)!, and σ(x) = 1/2 + tanh(x/2)/2.
    for k in range(1, order + 1, 2):
        n = (k + 1) // 2
        bernoulli = sympy.bernoulli(2 * n)
        tanh_coefficient = Fraction(
            int(2 ** (2 * n) * (2 ** (2 * n) - 1) * bernoulli.p),
            int(bernoulli.q * sympy.factorial(2 * n)),
        )
        coefficients[k] = tanh_coefficient / 2 / 2**k
    return coefficients


@dataclass(frozen=True)
class Zero:
    """A zero of σ^(n): exact where a closed form exists, always certified to `digits`."""

    exact: Expr | None
    ball: flint.arb

    def decimal(self, digits: int = 30) -> str:
        """The zero correctly rounded to `digits` digits, certified by its ball."""
        if self.exact is not None and self.exact.is_zero:
            return "0"
        with precision(max(flint.ctx.prec, 4 * digits + 64)):
            answer = decide_decimal(digits)(self.ball)
        if answer is None:
            raise SymbolicError(f"the zero is not known to {digits} digits; ask for fewer")
        return str(answer)


def sigmoid_derivative_zeros(n: int, precision: int = 200) -> list[Zero]:
    """The real zeros of σ^(n), ascending.

    σ^(n)(x) = P(σ(x)) with P(s) = s(1 − s)·Q(s) for n ≥ 1, and σ maps ℝ onto (0, 1)
    one-to-one, so the zeros are x = logit(s) for the roots s of Q in (0, 1). Roots
    are isolated by FLINT (certified balls); where SymPy finds them in radicals, the
    exact form is given too, and it must lie in the certified ball.
    """
    _check_order(n, 200, "the derivative order for zeros")
    if n == 0:
        return []
    s = sympy.Symbol("s")
    p = sympy.Poly(list(reversed(sigmoid_derivative_coefficients(n))), s)
    q, remainder = sympy.div(p, sympy.Poly(s * (1 - s), s))
    if not remainder.is_zero:
        raise AssertionError("σ^(n) is not divisible by σ(1 − σ)")
    balls = _roots_in_unit_interval(q, precision)
    exact = _exact_roots(q)
    zeros = []
    old = flint.ctx.prec
    flint.ctx.prec = precision
    try:
        for ball in balls:
            x_ball = (ball / (1 - ball)).log()
            closed = _matching_exact(exact, x_ball)
            zeros.append(Zero(closed, x_ball))
    finally:
        flint.ctx.prec = old
    return zeros


def _roots_in_unit_interval(q: sympy.Poly, precision: int) -> list[flint.arb]:
    poly = flint.fmpz_poly([int(c) for c in reversed(q.all_coeffs())])
    old = flint.ctx.prec
    flint.ctx.prec = precision
    try:
        roots = [root.real for root, _ in poly.complex_roots() if root.imag.contains(0)]
        inside = [r for r in roots if r > 0 and r < 1]
        if any(r.overlaps(0) or r.overlaps(1) for r in roots):
            raise SymbolicError("a root could not be separated from 0 or 1")
        return sorted(inside, key=lambda r: float(r.mid()))
    finally:
        flint.ctx.prec = old


def _exact_roots(q: sympy.Poly) -> list[Expr]:
    """x = log(s/(1 − s)) for the roots s of the rational factors of Q of degree ≤ 2."""
    x_values = []
    for factor, _ in sympy.factor_list(q.as_expr())[1]:
        factor_poly = sympy.Poly(factor, *q.gens)
        if factor_poly.degree() > 2:
            continue
        for root in sympy.roots(factor_poly, filter="R"):
            if 0 < root < 1:
                ratio = sympy.expand(sympy.radsimp(root / (1 - root)))
                x_values.append(sympy.log(ratio))
    return x_values


def _matching_exact(candidates: list[Expr], ball: flint.arb) -> Expr | None:
    """The closed form that names this root (identification only; the tests verify it)."""
    for candidate in candidates:
        if abs(float(sympy.N(candidate, 30)) - float(ball.mid())) < 1e-9:
            return candidate
    return None
