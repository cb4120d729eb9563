"""Derivatives of any order by Taylor arithmetic in Arb (python-flint's `arb_series`).

SymPy's formula for the n-th derivative of a nested expression grows exponentially with n
(Faà di Bruno): d¹²/dx¹² e^(e^(x·σ(x))) has millions of terms. Taylor arithmetic instead
evaluates the expression on the truncated power series x0 + t, which costs O(n²) per
operation whatever the nesting: f^(n)(x0) = n!·[t^n] f(x0 + t). Every coefficient is an
Arb ball, so the value is as rigorous as the enclosures of `enclosure.py`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import flint
import sympy
from sympy import Expr

from symbolic.arith.arb import precision
from symbolic.errors import SymbolicError
from symbolic.functions import DefinedFunction
from symbolic.language.parser import X

Series = flint.arb_series


class TaylorDerivative(sympy.Function):
    """d^n/dx^n of an expression, evaluated by Taylor arithmetic rather than by a
    formula. Internal: not part of the language. Arguments: the expression, n."""

    nargs = 2


def derivative_ball(expr: Expr, order: int, point: flint.arb, bits: int) -> flint.arb:
    """f^(order)(point) for the expression f of x, as a ball at `bits` precision."""
    length = order + 1
    old_cap = flint.ctx.cap
    flint.ctx.cap = max(old_cap, length + 64)  # python-flint truncates series at `cap` terms
    try:
        with precision(bits):  # python-flint rounds even coeffs() to the working precision
            seed = Series([point, 1], prec=length)
            coefficients = _Evaluator(seed, length).evaluate(expr).coeffs()
            coefficient = coefficients[order] if len(coefficients) > order else flint.arb(0)
            return coefficient * math.factorial(order)
    finally:
        flint.ctx.cap = old_cap


class _Evaluator:
    def __init__(self, seed: Series, length: int) -> None:
        self.seed = seed
        self.length = length
        self.cache: dict[Expr, Series] = {}

    def constant(self, value: flint.arb) -> Series:
        return Series([value], prec=self.length)

    def evaluate(self, expr: Expr) -> Series:
        if expr not in self.cache:
            self.cache[expr] = self._evaluate(expr)
        return self.cache[expr]

    def _evaluate(self, expr: Expr) -> Series:
        if expr == X:
            return self.seed
        if expr.is_Rational:
            return self.constant(flint.arb(int(expr.p)) / int(expr.q))
        if expr is sympy.pi:
            return self.constant(flint.arb.pi())
        if expr is sympy.E:
            return self.constant(flint.arb(1).exp())
        if expr.is_Add:
            total = self.constant(flint.arb(0))
            for arg in expr.args:
                total += self.evaluate(arg)
            return total
        if expr.is_Mul:
            total = self.constant(flint.arb(1))
            for arg in expr.args:
                total *= self.evaluate(arg)
            return total
        if expr.is_Pow:
            return self._power(*expr.as_base_exp())
        if isinstance(expr, sympy.Derivative | TaylorDerivative):
            if isinstance(expr, sympy.Derivative):
                (_, count), *_ = expr.variable_count
                body = expr.expr
            else:
                body, count = expr.args
            inner = _Evaluator(self.seed_longer(int(count)), self.length + int(count))
            series = inner.evaluate(body)
            for _ in range(int(count)):
                series = series.derivative()
            return Series(series.coeffs()[: self.length], prec=self.length)
        if isinstance(expr, DefinedFunction):
            return self.evaluate(expr.expanded())
        function = _FUNCTIONS.get(type(expr))
        if function is None:
            raise SymbolicError(f"cannot take high derivatives of {type(expr).__name__}")
        return function(self, self.evaluate(expr.args[0]))

    def seed_longer(self, extra: int) -> Series:
        point = self.seed.coeffs()[0]
        return Series([point, 1], prec=self.length + extra)

    def _power(self, base: Expr, exponent: Expr) -> Series:
        b = self.evaluate(base)
        if exponent.is_Integer:
            n = int(exponent)
            result = self.constant(flint.arb(1))
            for _ in range(abs(n)):
                result *= b
            return result if n >= 0 else 1 / result
        if exponent == sympy.Rational(1, 2):
            return b.sqrt()
        return (self.evaluate(exponent) * b.log()).exp()


def _leading_sign(series: Series) -> int:
    """The sign of the constant term, or an error where it may be 0 (|u|, sign(u))."""
    head = series.coeffs()[0] if series.coeffs() else flint.arb(0)
    if head > 0:
        return 1
    if head < 0:
        return -1
    raise SymbolicError("a derivative of |u| or sign(u) at a point where u may be 0")


def _sinh(s: Series) -> Series:
    return (s.exp() - (-s).exp()) / 2


def _cosh(s: Series) -> Series:
    return (s.exp() + (-s).exp()) / 2


def _tanh(s: Series) -> Series:
    # (1 − e^(−2|u|))/(1 + e^(−2|u|)) with the sign of u: no overflow for large |u|
    sign = _leading_sign(s) if s.coeffs() and not s.coeffs()[0].contains(0) else 1
    e = (-2 * sign * s).exp()
    return sign * (1 - e) / (1 + e)


_FUNCTIONS: dict[type, Callable[[_Evaluator, Series], Series]] = {
    sympy.exp: lambda _, s: s.exp(),
    sympy.log: lambda _, s: s.log(),
    sympy.sin: lambda _, s: s.sin(),
    sympy.cos: lambda _, s: s.cos(),
    sympy.tan: lambda _, s: s.tan(),
    sympy.sinh: lambda _, s: _sinh(s),
    sympy.cosh: lambda _, s: _cosh(s),
    sympy.tanh: lambda _, s: _tanh(s),
    sympy.sech: lambda _, s: 1 / _cosh(s),
    sympy.asinh: lambda _, s: (s + (s * s + 1).sqrt()).log(),
    sympy.acosh: lambda _, s: (s + (s * s - 1).sqrt()).log(),
    sympy.atanh: lambda _, s: ((1 + s) / (1 - s)).log() / 2,
    sympy.erf: lambda _, s: s.erf(),
    sympy.erfc: lambda _, s: s.erfc(),
    sympy.Abs: lambda _, s: _leading_sign(s) * s,
    sympy.sign: lambda ev, s: ev.constant(flint.arb(_leading_sign(s))),
}
