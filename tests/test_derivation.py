"""Step-by-step derivations: results against independent references, checks that can fail."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import mpmath
import pytest
import sympy
from sympy import Rational

from symbolic.cli import main
from symbolic.derive import rules
from symbolic.derive.checking import check_equal
from symbolic.derive.derivation import derive
from symbolic.derive.formats import render
from symbolic.functions import expand_definitions, sigmoid
from symbolic.language.parser import X, parse

S = sigmoid(X)


def stirling2(n: int, k: int) -> int:
    """Stirling numbers of the second kind by their recurrence (independent of the code)."""
    table = [[0] * (n + 1) for _ in range(n + 1)]
    table[0][0] = 1
    for i in range(1, n + 1):
        for j in range(1, i + 1):
            table[i][j] = j * table[i - 1][j] + table[i - 1][j - 1]
    return table[n][k]


def sigma_polynomial_coefficients(expr: sympy.Expr) -> list[int]:
    """Coefficients of expr as a polynomial in σ(x), lowest power first (power 0 included)."""
    s = sympy.Symbol("s")
    poly = sympy.Poly(sympy.expand(expr.doit().xreplace({S: s})), s)
    return [int(c) for c in reversed(poly.all_coeffs())]


@pytest.mark.parametrize("route", ["quotient", "chain"])
def test_first_derivative_of_sigmoid_ends_in_sigma_times_one_minus_sigma(route: str) -> None:
    derivation = derive(S, 1, route)
    assert derivation.checked
    final = derivation.steps[-1].after
    assert sympy.expand(final.doit() - S * (1 - S)) == 0
    assert final.doit().has(sigmoid) and not final.doit().has(sympy.exp)
    lemmas = [step for step in derivation.steps if step.lemma]
    assert len(lemmas) == 1
    assert sympy.expand(lemmas[0].before - (1 - S)) == 0


def test_route_all_shows_both_routes() -> None:
    derivation = derive(S)
    assert [section.route for section in derivation.sections] == ["quotient", "chain"]
    names = {step.name for step in derivation.steps}
    assert "quotient rule" in names and "power rule with the chain rule" in names


@pytest.mark.parametrize("order", range(1, 7))
def test_order_n_matches_the_stirling_closed_form(order: int) -> None:
    derivation = derive(S, order, "quotient")
    assert derivation.checked
    coefficients = sigma_polynomial_coefficients(derivation.result_in_terms)
    expected = [0] + [
        (-1) ** k * sympy.factorial(k) * stirling2(order + 1, k + 1) for k in range(order + 1)
    ]
    assert coefficients == expected


@pytest.mark.parametrize("n", range(1, 13))
def test_stirling_reference_matches_the_explicit_formula(n: int) -> None:
    """The test's recurrence against the inclusion–exclusion formula
    S(n, k) = (1/k!) Σ_j (−1)^j C(k, j) (k − j)^n: two independent routes."""
    for k in range(1, n + 1):
        explicit = sum((-1) ** j * math.comb(k, j) * (k - j) ** n for j in range(k + 1))
        assert explicit % math.factorial(k) == 0
        assert stirling2(n, k) == explicit // math.factorial(k)


EXPRESSIONS = [
    "sigmoid(x)", "x*sigmoid(x)", "sigmoid(2*x)", "sigmoid(-x)", "sigmoid(x)**2",
    "tanh(x)", "tanh(x/2)", "log(1+exp(x))", "softplus(x)", "logit(x)", "exp(-x**2)",
    "x**3 - 2*x + 1", "1/(1+x**2)", "sqrt(1+x**2)", "sin(x)*cos(x)", "tan(x)",
    "sinh(x)/cosh(x)", "sech(x)**2", "asinh(x)", "acosh(x)", "atanh(x)", "abs(x)",
    "2**x", "x**x", "log(sigmoid(x))", "exp(sigmoid(x))", "sigmoid(sigmoid(x))",
    "sigmoid(x)*sigmoid(2*x)", "x*tanh(softplus(x))", "sigmoid(x)/(1+x**2)",
    "(1+tanh(x/2))/2", "1/(4*cosh(x/2)**2)", "log(x)/x", "pi*x + E",
]  # fmt: skip
POINTS = ["-2.75", "-0.6", "0.3", "0.7", "1.45", "3.2"]


def _mp_value(expr: sympy.Expr, point: str) -> mpmath.mpf | None:
    with mpmath.workdps(40):
        value = sympy.N(expr.subs(X, Rational(point)), 40)
        if not value.is_real or not value.is_finite:
            return None
        return mpmath.mpf(str(value))


@pytest.mark.parametrize("text", EXPRESSIONS)
@pytest.mark.parametrize("route", ["quotient", "chain"])
def test_derivation_agrees_with_sympy_diff(text: str, route: str) -> None:
    expr = parse(text)
    derivation = derive(expr, 1, route)
    assert derivation.checked, [s.check.describe() for s in derivation.steps if not s.checked]
    reference = sympy.diff(expand_definitions(expr), X)
    finals = [derivation.result]
    if derivation.result_in_terms is not None:
        finals.append(derivation.result_in_terms.doit())
    compared = 0
    for point in POINTS:
        want = _mp_value(reference, point)
        if want is None:
            continue
        for final in finals:
            got = _mp_value(expand_definitions(final), point)
            assert got is not None and mpmath.almosteq(got, want, rel_eps=mpmath.mpf(10) ** -30)
        compared += 1
    assert compared >= 2


def test_a_corrupted_step_is_caught() -> None:
    derivation = derive(S, 1, "quotient")
    good = derivation.steps[3]
    assert check_equal(good.before, good.after).ok
    for wrong in (2 * good.after, good.after + sympy.exp(-X) / 10**30, -good.after):
        corrupted = replace(good, after=wrong)
        assert not check_equal(corrupted.before, corrupted.after).ok


def test_a_wrong_rule_makes_the_command_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def wrong_product_rule(self: rules.ProductRule) -> sympy.Expr:
        f, g = self.factors[0], sympy.Mul(*self.factors[1:])
        return rules.d(f) * g - f * rules.d(g)  # sign error

    monkeypatch.setattr(rules.ProductRule, "apply", wrong_product_rule)
    assert main(["derive", "x*sigmoid(x)", "--route", "quotient"]) == 1
    out = capsys.readouterr().out
    assert "NOT checked" in out and "did NOT check" in out


def test_sigma_prime_is_derived_without_a_built_in_derivative(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_builtin_derivative(self: sigmoid, argindex: int = 1) -> sympy.Expr:
        raise AssertionError("the derivation used sigmoid's built-in derivative")

    monkeypatch.setattr(sigmoid, "fdiff", no_builtin_derivative)
    derivation = derive(S, 3, "all")
    assert derivation.checked


def test_diff_in_the_input_adds_to_the_order() -> None:
    nested = derive(parse("diff(sigmoid(x), x)"), 1, "quotient")
    direct = derive(S, 2, "quotient")
    assert nested.order == 2
    assert sympy.expand((nested.result_in_terms - direct.result_in_terms).doit()) == 0


def test_inner_diff_is_derived_first() -> None:
    derivation = derive(parse("x*diff(sigmoid(x), x)"), 1, "quotient")
    assert derivation.checked
    want = sympy.diff(X * sympy.diff(expand_definitions(S), X), X)
    got = expand_definitions(derivation.result)
    assert abs(sympy.N((want - got).subs(X, Rational(7, 10)), 30)) < 1e-25


def test_json_output_has_the_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "--format", "json", "--route", "chain"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"expr", "order", "route", "steps", "result", "result_in_terms"}
    assert data["expr"] == "sigmoid(x)" and data["route"] == "chain" and data["order"] == 1
    for step in data["steps"]:
        assert set(step) >= {"rule", "before", "after", "latex", "checked"}
        assert step["checked"] is True
        parse(step["before"]), parse(step["after"])  # the language reads its own output
    assert sympy.expand(parse(data["result_in_terms"]) - S * (1 - S)) == 0
    result = parse(data["result"])
    assert sympy.simplify(result - sympy.exp(-X) / (1 + sympy.exp(-X)) ** 2) == 0


@pytest.mark.parametrize("fmt", ["text", "md", "latex", "json"])
def test_formats_are_deterministic_and_mark_every_step(fmt: str) -> None:
    first = render(derive(S, 2), fmt)
    assert first == render(derive(S, 2), fmt)
    steps = len(derive(S, 2).steps)
    if fmt == "json":
        assert [step["checked"] for step in json.loads(first)["steps"]] == [True] * steps
        return
    marks = {"text": "✓", "md": "checked ✓", "latex": "(checked)"}
    assert first.count(marks[fmt]) == steps


def test_latex_environments_are_balanced() -> None:
    latex = render(derive(S, 3), "latex")
    assert latex.count(r"\begin{align*}") == latex.count(r"\end{align*}") == 4
    assert latex.count("{") == latex.count("}")


def test_order_bounds_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    for order in ("0", "13", "-1", "two"):
        assert main(["derive", "--order", order]) == 2
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1 and "Traceback" not in err
