"""Φ and φ: the standard normal distribution function and its density, the natural
terms of GELU's derivatives (GELU = u·Φ, GELU′ = Φ + u·φ, GELU″ = φ·(2 − u²)).

Φ(u) = erfc(−u/√2)/2 and φ(u) = e^(−u²/2)/√(2π), each knowing only its definition;
their derivative identities Φ′ = φ and φ′ = −u·φ are derived and checked like σ′.
Enclosures keep their relative accuracy in both tails: Φ(−a) for a > 3 is φ(a)·R(a),
with the Mills ratio R(a) = U(1/2, 1/2, a²/2)/√2 (U: the confluent hypergeometric
function; erfc(z) = e^(−z²)·U(1/2, 1/2, z²)/√π, DLMF 13.6.7 and 7.2.2), so that
Φ(−10) ≈ 7.6e−24 and Φ(−10^308) come out with all their digits, and the argument a²/2
of e^(−a²/2) is computed from u alone, not from an irrational u/√2.
"""

from __future__ import annotations

import flint
import sympy
from sympy import Expr, S

from symbolic.functions.base import DefinedFunction, RewriteStep

TAIL = 3  # |u| beyond which Φ is computed through the Mills ratio


class normal_pdf(DefinedFunction):  # noqa: N801
    """φ(u) = e^(−u²/2)/√(2π)."""

    latex_name = r"\varphi"
    text_name = "φ"
    identity_id = "deriv_normal_pdf"
    identity_text = "φ′(u) = −u·φ(u)"

    @classmethod
    def definition(cls, u: Expr) -> Expr:
        return sympy.exp(-(u**2) / 2) / sympy.sqrt(2 * sympy.pi)

    @classmethod
    def derivative_identity(cls, u: Expr) -> Expr:
        return -u * cls(u)

    @classmethod
    def ball(cls, u: flint.arb) -> flint.arb:
        return (-(u * u) / 2).exp() / (2 * flint.arb.pi()).sqrt()


class normal_cdf(DefinedFunction):  # noqa: N801
    """Φ(u) = erfc(−u/√2)/2 = (1 + erf(u/√2))/2."""

    latex_name = r"\Phi"
    text_name = "Φ"
    identity_id = "deriv_normal_cdf"
    identity_text = "Φ′(u) = φ(u)"

    @classmethod
    def definition(cls, u: Expr) -> Expr:
        return sympy.erfc(-u / sympy.sqrt(2)) / 2

    @classmethod
    def derivative_identity(cls, u: Expr) -> Expr:
        return normal_pdf(u)

    @classmethod
    def ball(cls, u: flint.arb) -> flint.arb:
        """Φ(u), relatively accurate in both tails."""
        if u < -TAIL:
            return _lower_tail(-u)
        if u > TAIL:
            return 1 - _lower_tail(u)
        return (-u / flint.arb(2).sqrt()).erfc() / 2

    @classmethod
    def rewrite_steps(cls, result: Expr, arguments: list[Expr]) -> list[RewriteStep]:
        """erf and erfc of u/√2 written in Φ(u), then e^(−u²/2) in φ(u): GELU′ = Φ + u·φ."""
        steps: list[RewriteStep] = []
        current = result
        for u in arguments:
            z = u / sympy.sqrt(2)
            in_cdf = {
                sympy.erfc(z): 2 - 2 * cls(u),
                sympy.erfc(-z): 2 * cls(u),
                sympy.erf(z): 2 * cls(u) - 1,
            }
            after = sympy.expand(current.xreplace(in_cdf))
            if after != current:
                detail = "Φ(u) = erfc(−u/√2)/2 = (1 + erf(u/√2))/2"
                steps.append(RewriteStep("definition of Φ", detail, current, after, argument=u))
                current = after
            density = sympy.exp(-(u**2) / 2)
            after = sympy.expand(
                current.xreplace({density: sympy.sqrt(2 * sympy.pi) * normal_pdf(u)})
            )
            if after != current:
                detail = "φ(u) = e^(−u²/2)/√(2π)"
                steps.append(RewriteStep("definition of φ", detail, current, after, argument=u))
                current = after
        return steps if steps and not current.has(sympy.erf, sympy.erfc) else []


def _lower_tail(a: flint.arb) -> flint.arb:
    """Φ(−a) = φ(a)·U(1/2, 1/2, a²/2)/√2 for a > 0."""
    half = flint.arb(1) / 2
    mills = (a * a / 2).hypgeom_u(half, half) / flint.arb(2).sqrt()
    return normal_pdf.ball(a) * mills


normal_cdf.limits = {0: (S.Zero, S.One), 1: (S.Zero, S.Zero)}  # at −∞ and +∞, per order
normal_pdf.limits = {0: (S.Zero, S.Zero), 1: (S.Zero, S.Zero)}


# ---------------------------------------------------------------- stable forms (vectorized references)
#
# f^(n)(u) without cancellation, for the ball arithmetic of `symbolic.numbers.vectorized`.


def _pdf(u: Expr) -> Expr:
    return sympy.exp(-(u**2) / 2) / sympy.sqrt(2 * sympy.pi)


normal_pdf.stable_forms = {
    0: _pdf,
    1: lambda u: -u * _pdf(u),
    2: lambda u: (u**2 - 1) * _pdf(u),
}
normal_cdf.stable_forms = {
    0: lambda u: sympy.erfc(-u / sympy.sqrt(2)) / 2,
    1: _pdf,
    2: lambda u: -u * _pdf(u),
}
