"""Rigorous enclosures: a SymPy expression evaluated in Arb ball arithmetic (python-flint).

A ball [m ± r] is guaranteed to contain the true value; how wide it is depends on
the working precision. `symbolic.numbers.oracle` raises the precision until the ball is
narrow enough to decide the rounding it needs (Ziv's strategy).

Before evaluation, `prepare` turns diff(...) into explicit formulas: derivatives of
f(a·x + b) for a named function f with a closed form for every order use it
(`derivative_ball`: σ^(n) = P_n(σ)), other derivatives are taken by SymPy on the
expression in which each named function differentiates by its derived identity
(`derivative_identity`: σ′ = σ(1 − σ), derived and checked by `symbolic derive`).
Named functions are evaluated by their own tight enclosures (`ball`: σ(u) =
e^u/(1 + e^u) for u < 0), so that the ball stays tight for large |x|.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction

import flint
import sympy
from sympy import Expr

from symbolic.arith.arb import ball_of_rational, exact_bounds, precision
from symbolic.errors import SymbolicError
from symbolic.functions import NAMED_FUNCTIONS, DefinedFunction
from symbolic.functions.base import MAX_CLOSED_FORM_ORDER, register_constant_ball
from symbolic.language.parser import X
from symbolic.numbers import series
from symbolic.numbers.series import TaylorDerivative

MAX_GENERAL_DERIVATIVE_ORDER = 40
MAX_FORMULA_OPS = 4_000  # a derivative formula larger than this is evaluated as a series


class NamedDerivative(sympy.Function):
    """f^(n)(u) for a named function f, evaluated by its closed form. Internal: not part
    of the language. Arguments: the function's language name (a Symbol), n, u."""

    nargs = 3


class _ByIdentity(sympy.Function):
    """f(u) whose derivative SymPy takes as f's derived identity (σ′ = σ(1 − σ))."""

    nargs = 2  # the function's language name (a Symbol), u

    def fdiff(self, argindex: int = 2) -> Expr:
        if argindex != 2:
            raise sympy.ArgumentIndexError(self, argindex)
        function = NAMED_FUNCTIONS[str(self.args[0])]
        u = sympy.Dummy("u")
        identity = function.derivative_identity(u)
        return identity.replace(function, lambda v: _ByIdentity(self.args[0], v)).subs(
            u, self.args[1]
        )


def prepare(expr: Expr) -> Expr:
    """Replace every diff(...) by an explicit formula that can be evaluated."""
    derivatives = [n for n in sympy.preorder_traversal(expr) if isinstance(n, sympy.Derivative)]
    if not derivatives:
        return expr
    node = derivatives[-1]  # innermost last in preorder: resolve inner ones first
    explicit = _explicit_derivative(node)
    if explicit.has(sympy.Derivative):  # SymPy could not differentiate a part: no formula
        raise SymbolicError(f"cannot write {node} as a formula")
    return prepare(expr.xreplace({node: explicit}))


def _explicit_derivative(node: sympy.Derivative) -> Expr:
    (_, order), *_ = node.variable_count
    order = int(order)
    inner = prepare(node.expr)
    if isinstance(inner, DefinedFunction) and _has_closed_derivatives(type(inner), order):
        argument = inner.args[0]
        slope = sympy.diff(argument, X)
        if argument.is_polynomial(X) and not slope.has(X):
            if order > MAX_CLOSED_FORM_ORDER:
                raise SymbolicError(
                    f"derivative order {order} is more than {MAX_CLOSED_FORM_ORDER}"
                )
            name = sympy.Symbol(type(inner).language_name())
            return slope**order * NamedDerivative(name, sympy.Integer(order), argument)
    if order > MAX_GENERAL_DERIVATIVE_ORDER:
        raise SymbolicError(
            f"derivative order {order} is more than {MAX_GENERAL_DERIVATIVE_ORDER} "
            "(only named functions of a*x + b with a closed form have any order)"
        )
    marked = _mark_identities(inner)
    derivative = marked
    for _ in range(order):
        derivative = sympy.diff(derivative, X)
        if sympy.count_ops(derivative) > MAX_FORMULA_OPS:
            # The formula swells (Faà di Bruno): Taylor arithmetic at the point instead.
            return TaylorDerivative(inner, sympy.Integer(order))
    return _without_cancellation(_unmark(derivative))


def _without_cancellation(expr: Expr) -> Expr:
    """c − c·tanh(u)² (SymPy's tanh′ = 1 − tanh²) written c·sech(u)²: the difference
    loses every digit for large |u| (tanh′(10^38) ≈ 4·e^(−2·10^38)); sech(u)² keeps them."""

    def rewrite(node: Expr) -> Expr:
        constant, rest = node.as_independent(X, as_Add=True)
        if constant == 0:
            return node
        for term in sympy.Add.make_args(rest):
            coefficient, power = term.as_coeff_Mul()
            if (
                power.is_Pow
                and isinstance(power.base, sympy.tanh)
                and power.exp == 2
                and coefficient == -constant
            ):
                return rest - term + constant * sympy.sech(power.base.args[0]) ** 2
        return node

    return expr.replace(lambda node: node.is_Add, rewrite)


def _has_closed_derivatives(function: type[DefinedFunction], order: int) -> bool:
    if min(order, MAX_CLOSED_FORM_ORDER) > function.derivative_ball_orders:
        return False  # higher orders of this function go through formulas
    return function.derivative_ball(1, flint.arb(0)) is not None


def _mark_identities(expr: Expr) -> Expr:
    """Named functions with a derived identity differentiate by it."""
    for call in sorted(expr.atoms(DefinedFunction), key=sympy.default_sort_key):
        function = type(call)
        if function.derivative_identity(sympy.Dummy("u")) is None:
            continue
        name = function.language_name()
        expr = expr.replace(function, lambda v, n=name: _ByIdentity(sympy.Symbol(n), v))
    return expr


def _unmark(expr: Expr) -> Expr:
    return expr.replace(
        lambda e: isinstance(e, _ByIdentity),
        lambda e: NAMED_FUNCTIONS[str(e.args[0])](e.args[1]),
    )


def enclose(expr: Expr, point: flint.arb | None, bits: int) -> flint.arb:
    """A ball containing expr at x = point (an exact or tight ball), at `bits` precision."""
    with precision(bits):
        return _Evaluator(point).evaluate(expr)


class _Evaluator:
    def __init__(self, point: flint.arb | None) -> None:
        self.point = point
        self.cache: dict[Expr, flint.arb] = {}

    def evaluate(self, expr: Expr) -> flint.arb:
        if expr in self.cache:
            return self.cache[expr]
        value = self._evaluate(expr)
        self.cache[expr] = value
        return value

    def _evaluate(self, expr: Expr) -> flint.arb:
        if expr == X:
            if self.point is None:
                raise SymbolicError("the expression depends on x, but no x was given")
            return self.point
        if expr.is_Rational:
            return ball_of_rational(int(expr.p), int(expr.q))
        if expr is sympy.pi:
            return flint.arb.pi()
        if expr is sympy.E:
            return flint.arb(1).exp()
        if expr.is_infinite or expr is sympy.nan:
            raise SymbolicError(f"cannot evaluate {expr}: not a finite number")
        if expr.is_Add:
            return _sum(self.evaluate(arg) for arg in expr.args)
        if expr.is_Mul:
            return _product(self.evaluate(arg) for arg in expr.args)
        if expr.is_Pow:
            return self._power(expr)
        if isinstance(expr, sympy.CRootOf):
            return _real_root_ball(expr)
        if isinstance(expr, TaylorDerivative):
            point = self.evaluate(X)
            return series.derivative_ball(expr.args[0], int(expr.args[1]), point, flint.ctx.prec)
        if isinstance(expr, NamedDerivative):
            named = NAMED_FUNCTIONS[str(expr.args[0])]
            return named.derivative_ball(int(expr.args[1]), self.evaluate(expr.args[2]))
        if isinstance(expr, DefinedFunction):
            ball = type(expr).ball(self.evaluate(expr.args[0]))
            return ball if ball is not None else self.evaluate(expr.expanded())
        function = FUNCTIONS.get(type(expr))
        if function is None:
            raise SymbolicError(f"cannot evaluate {type(expr).__name__} numerically")
        return function(self.evaluate(expr.args[0]))

    def _power(self, expr: Expr) -> flint.arb:
        base, exponent = expr.as_base_exp()
        b = self.evaluate(base)
        if exponent.is_Integer:
            return integer_power(b, int(exponent))
        if exponent == sympy.Rational(1, 2):
            return b.sqrt()
        if exponent == -sympy.Rational(1, 2):
            return b.rsqrt()
        if exponent.is_Rational and exponent.q <= 64:
            root = b.root(int(exponent.q)) if b > 0 else flint.arb.nan()
            return root ** int(exponent.p)
        return (self.evaluate(exponent) * b.log()).exp()


def _real_root_ball(root: sympy.CRootOf) -> flint.arb:
    """A real algebraic root as a ball: its isolating interval (exact rational ends,
    SymPy's exact real-root isolation) refined to the working precision."""
    if not root.is_real:
        raise SymbolicError(f"{root} is not real")
    interval = root._get_interval()
    width = sympy.Rational(1, 2 ** (flint.ctx.prec + 4))
    low, high = root.poly.refine_root(interval.a, interval.b, eps=width)
    low, high = sympy.Rational(low), sympy.Rational(high)
    middle, half = (low + high) / 2, (high - low) / 2
    ball = flint.arb(flint.fmpq(int(middle.p), int(middle.q)))
    return ball + flint.arb(0, flint.arb(flint.fmpq(int(half.p), int(half.q))).upper())


def integer_power(ball: flint.arb, n: int) -> flint.arb:
    """ball**n for an integer n. python-flint's ** gives NaN for a ball that contains 0
    (it goes through a logarithm); repeated multiplication is rigorous there."""
    if not ball.contains(0):
        return ball**n
    result, square, k = flint.arb(1), ball, abs(n)
    while k:
        if k & 1:
            result *= square
        square *= square
        k >>= 1
    return 1 / result if n < 0 else result


def _sum(values: Iterator[flint.arb]) -> flint.arb:
    total = flint.arb(0)
    for value in values:
        total += value
    return total


def _product(values: Iterator[flint.arb]) -> flint.arb:
    total = flint.arb(1)
    for value in values:
        total *= value
    return total


def _acosh(u: flint.arb) -> flint.arb:
    return u.acosh() if u >= 1 else flint.arb.nan()


def _atanh(u: flint.arb) -> flint.arb:
    return u.atanh() if abs(u) < 1 else flint.arb.nan()


def _log(u: flint.arb) -> flint.arb:
    return u.log() if u > 0 else flint.arb.nan()


FUNCTIONS: dict[type, Callable[[flint.arb], flint.arb]] = {
    sympy.exp: lambda u: u.exp(),
    sympy.log: _log,
    sympy.Abs: abs,
    sympy.sign: lambda u: u.sgn(),
    sympy.sin: lambda u: u.sin(),
    sympy.cos: lambda u: u.cos(),
    sympy.tan: lambda u: u.tan(),
    sympy.sinh: lambda u: u.sinh(),
    sympy.cosh: lambda u: u.cosh(),
    sympy.tanh: lambda u: u.tanh(),
    sympy.sech: lambda u: u.sech(),
    sympy.asinh: lambda u: u.asinh(),
    sympy.acosh: _acosh,
    sympy.atanh: _atanh,
    sympy.erf: lambda u: u.erf(),
    sympy.erfc: lambda u: u.erfc(),
}


def constant_ball(expr: Expr, bits: int) -> flint.arb:
    """A finite ball around a real constant expression, at `bits` of precision."""
    ball = enclose(prepare(expr), None, bits)
    if not ball.is_finite() or ball.is_nan():
        raise SymbolicError(f"{expr} is not a finite real number")
    return ball


register_constant_ball(constant_ball)  # the signs of named functions at numbers


def constant_bounds(expr: Expr, bits: int) -> tuple[Fraction, Fraction]:
    """Rigorous rational bounds of a real constant expression, at `bits` of precision."""
    return exact_bounds(constant_ball(expr, bits))
