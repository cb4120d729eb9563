"""The function registry: a function is one module, and every stage asks the registry.

A toy function defined here the way a module in symbolic/functions/ defines one, and
added to the registry, is parsed, printed, evaluated, derived and graded without any
other change. The registry's own data (limits, kernels, implementations) is checked
against independent routes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal, localcontext
from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.arith.arb import precision
from symbolic.arith.doubleword import DOUBLE_WORD_ERROR_BOUND, FLOAT64_ERROR_BOUND
from symbolic.derive.derivation import derive
from symbolic.errors import SymbolicError
from symbolic.functions import NAMED_FUNCTIONS, DefinedFunction, FloatFormula, expand_definitions
from symbolic.grade import grading
from symbolic.language.parser import X, parse
from symbolic.language.printing import to_latex, to_text
from symbolic.numbers import oracle
from symbolic.numbers.enclosure import enclose, prepare


class halfexp(DefinedFunction):  # noqa: N801 - SymPy function classes are lower case
    """halfexp(u) = e^(u/2): a toy registry entry, as a function module would write it."""

    latex_name = r"\operatorname{h}"
    text_name = "h"
    calls = 0  # how often its own enclosure was used

    @classmethod
    def definition(cls, u: sympy.Expr) -> sympy.Expr:
        return sympy.exp(u / 2)

    @classmethod
    def derivative_identity(cls, u: sympy.Expr) -> sympy.Expr:
        return cls(u) / 2

    @classmethod
    def ball(cls, u: flint.arb) -> flint.arb:
        cls.calls += 1
        return (u / 2).exp()


halfexp.identity_id = "deriv_halfexp"
halfexp.identity_text = "h′(u) = h(u)/2"
halfexp.implementations = {
    ("numpy", 0): FloatFormula(0, "h as exp(x/2)", lambda: lambda x: np.exp(x / 2).astype(x.dtype)),
}


@pytest.fixture
def registered() -> Iterator[type[DefinedFunction]]:
    NAMED_FUNCTIONS["halfexp"] = halfexp
    try:
        yield halfexp
    finally:
        del NAMED_FUNCTIONS["halfexp"]


def test_a_new_function_is_known_to_every_stage(registered: type[DefinedFunction]) -> None:
    expr = parse("halfexp(2*x)")
    assert expr == halfexp(2 * X)
    assert to_text(expr) == "h(2*x)"
    assert to_latex(expr) == r"\operatorname{h}\left(2 x\right)"
    # Certified value against the closed form e^(x) at x = 1/3, through its own ball.
    before = halfexp.calls
    value = oracle.value("halfexp(2*x)", "0.3", digits=25)
    assert halfexp.calls > before
    with localcontext() as context:
        context.prec = 40
        assert Decimal(value) == +Decimal("0.3").exp().quantize(Decimal(value))
    # Higher derivatives by its identity h′ = h/2: d²/dx² h(2x) = h(2x).
    assert oracle.value("diff(halfexp(2*x), x, 2)", "0.3", digits=25) == value
    derivation = derive(expr, 2)
    assert derivation.checked
    assert sympy.simplify((derivation.final - expr).doit().rewrite(sympy.exp)) == 0


def test_a_new_functions_implementation_is_graded(registered: type[DefinedFunction]) -> None:
    data = grading.grade("numpy", "halfexp(x)", "float16", exhaustive=True).as_json()
    assert data["inputs"] == 1 << 16
    assert data["max_ulp"] != "inf"
    assert data["correctly_rounded"] > 0.9 * data["inputs"]
    with pytest.raises(Exception, match="does not compute"):
        grading.grade("numpy", "diff(halfexp(x), x)", "float16", samples=10)


def test_unregistering_forgets_the_function() -> None:
    with pytest.raises(Exception, match="halfexp"):
        parse("halfexp(x)")


# ---------------------------------------------------------------- the registry's data


def _limit_cases() -> list[tuple[str, int]]:
    return [(name, n) for name, f in NAMED_FUNCTIONS.items() for n in f.limits]


@pytest.mark.parametrize(("name", "order"), _limit_cases())
def test_stored_limits_are_the_limits(name: str, order: int) -> None:
    """Each stored limit at ±∞ agrees with SymPy's limit of the written-out definition
    and with certified values far out (the values approach the limit)."""
    function = NAMED_FUNCTIONS[name]
    expr = oracle.to_expression(function.typed(order))
    explicit = sympy.diff(expand_definitions(function.definition(X)), X, order)
    for side, infinity in ((0, -sympy.oo), (1, sympy.oo)):
        stored = function.limits[order][side]
        assert sympy.limit(explicit, X, infinity) == stored
        far = -60 if side == 0 else 60
        ball = enclose(prepare(expr), flint.arb(far), 200)
        if stored.is_infinite:  # far out, the values are large with the limit's sign
            assert float(ball.mid()) * float(sympy.sign(stored)) > 30
        else:
            assert abs(float(ball.mid()) - float(stored)) < 1e-20


def _kernels() -> list[tuple[str, int]]:
    return [(name, n) for name, f in NAMED_FUNCTIONS.items() for n in f.kernels]


@pytest.mark.parametrize(("name", "order"), _kernels())
@settings(max_examples=60, deadline=None)
@given(x=st.floats(min_value=-700, max_value=700, allow_nan=False))
def test_kernels_keep_their_stated_error_bounds(name: str, order: int, x: float) -> None:
    """double_word within 2^-80 and plain within 2^-40 of a 300-bit Arb ball of the
    definition (not the function's own ball) wherever |x| is within the kernel's reach."""
    function = NAMED_FUNCTIONS[name]
    kernel = function.kernels[order]
    if abs(x) > kernel.reach:
        return
    u = sympy.Symbol("u")
    derivative = sympy.diff(function.definition(u), u, order)
    with precision(300):
        truth = _arb_of(derivative, u, flint.arb(Fraction(x).numerator) / Fraction(x).denominator)
    true = Fraction(str(truth.mid().str(60, radius=False)).replace(" ", ""))
    hi, lo = kernel.double_word(np.array([x]))
    got = Fraction(float(hi[0])) + Fraction(float(lo[0]))
    assert abs(got - true) <= Fraction(DOUBLE_WORD_ERROR_BOUND) * abs(true) * Fraction(1001, 1000)
    plain = Fraction(float(kernel.plain(np.array([x]))[0]))
    assert abs(plain - true) <= Fraction(FLOAT64_ERROR_BOUND) * abs(true)


def _arb_of(expr: sympy.Expr, u: sympy.Symbol, point: flint.arb) -> flint.arb:
    """A plain Arb evaluation of an exp-rational expression (no symbolic code)."""
    if expr == u:
        return point
    if expr.is_Rational:
        return flint.arb(int(expr.p)) / int(expr.q)
    if expr.is_Add:
        return sum((_arb_of(a, u, point) for a in expr.args), flint.arb(0))
    if expr.is_Mul:
        result = flint.arb(1)
        for a in expr.args:
            result *= _arb_of(a, u, point)
        return result
    if expr.is_Pow and expr.exp.is_Integer:
        base = _arb_of(expr.base, u, point)
        n = int(expr.exp)
        return base**n if n > 0 else 1 / base ** (-n)
    if isinstance(expr, sympy.exp):
        return _arb_of(expr.args[0], u, point).exp()
    raise AssertionError(f"unexpected {expr}")


@pytest.mark.parametrize(
    ("name", "impl", "order"),
    [
        (name, impl, order)
        for name, f in NAMED_FUNCTIONS.items()
        for impl, order in f.implementations
        if impl in ("numpy", "scipy", "naive", "product", "stable")
    ],
)
def test_every_listed_implementation_computes_its_function(
    name: str, impl: str, order: int
) -> None:
    """At moderate float64 points, each formula is within 1e-12 relative of the truth:
    a mislabelled formula (σ for σ′, a wrong sign) cannot pass. From −3 on: the usual
    GELU formulas, 1 + erf(x/√2) and 1 + tanh(…), cancel further out (that is what grade
    measures). A library without the function says so in one line."""
    function = NAMED_FUNCTIONS[name]
    xs = np.linspace(-3, 5, 33)
    try:
        implementation = function.implementations[impl, order].make()
    except SymbolicError as error:
        assert str(error).startswith(f"{impl} has no ") and "\n" not in str(error)
        return
    got = implementation(xs)
    want = oracle.rounded(function.typed(order), xs).astype(np.float64)
    assert np.all(np.abs(got - want) <= 1e-12 * np.abs(want) + math.ulp(1.0) * 1e-300)


def test_named_function_signs_are_rigorous_in_a_fresh_process() -> None:
    """The Arb ball behind the signs of named functions at numbers is registered by
    `import symbolic` itself, whatever module a process imports first: SymPy's 2-digit
    evalf read softplus(−30) ≈ 9.4e-14 as 0 and made x·|softplus(−30)| the number 0."""
    import subprocess
    import sys

    code = (
        "from symbolic.language.parser import parse; "
        "print(parse('x*abs(softplus(-30))'), parse('abs(log_sigmoid(exp(pi)))'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.split() == ["x*softplus(-30)", "-log_sigmoid(exp(pi))"], result
