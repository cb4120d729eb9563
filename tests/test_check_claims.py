"""`symbolic check` re-deriving claims from their own fields: identities by atom fractions,
values to digits, constant relations, counterexamples, smoothness, limits, zeros and
ranges rational in e^(x/L). Each good certificate is re-verified; each tampered one (a
claim field, a witness, a value changed, a zero dropped) is FAILED or, for an identity
the atom route cannot show, never re-verified."""

from __future__ import annotations

from typing import Any

import pytest
import sympy

from symbolic.language.parser import parse
from symbolic.prove import check_atoms
from symbolic.prove.check import check_claim


def claim(verdict: str = "proved", found: dict[str, str] | None = None, **fields: Any) -> dict:
    data = [{"kind": "refutation", "statement": "", "data": found}] if found else []
    fields.setdefault("kind", "identity")
    return {"id": "t", "verdict": verdict, "fields": fields, "certificate_data": data}


def status(c: dict) -> str:
    return check_claim(c).status


# ---------------------------------------------------------------- identities


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        ("gelu(x)", "x*(1 + erf(x/sqrt(2)))/2"),
        ("diff(gelu(x), x, 2)", "normal_pdf(x)*(2 - x**2)"),
        ("diff(mish(x), x)", "tanh(softplus(x)) + x*sigmoid(x)*(1 - tanh(softplus(x))**2)"),
        ("softplus(x)", "x - log_sigmoid(x)"),
        ("gelu_tanh(x)", "x*sigmoid(2*sqrt(2/pi)*(x + 0.044715*x**3))"),
        ("exp(x/2)**2", "exp(x)"),
        ("exp(x/3)*exp(x/2)", "exp(5*x/6)"),
        ("exp(x**2/3)**3*exp(x/5)**5", "exp(x**2 + x)"),
        ("log(exp(2*x) + exp(x))", "x + log(1 + exp(x))"),
    ],
)
def test_identities_re_verified(lhs: str, rhs: str) -> None:
    assert status(claim(lhs=lhs, rhs=rhs)) == "re-verified"


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        ("gelu(x)", "x*(1 + erf(x/sqrt(2)))/3"),  # the rhs changed
        ("gelu(x)", "x*(1 + erf(x))/2"),  # erf's argument changed
        ("diff(silu(x), x)", "sigmoid(x)*(1 + x*(1 + sigmoid(x)))"),
        ("log(1 + exp(x))", "log(2 + exp(x))"),
        ("exp(x**2)", "exp(x)**2"),
        ("exp(x/3)*exp(x/2)", "exp(x)"),
        ("sqrt(2)*exp(x)", "exp(x)*3/2"),
    ],
)
def test_wrong_identities_never_re_verified(lhs: str, rhs: str) -> None:
    report = check_claim(claim(lhs=lhs, rhs=rhs))
    assert report.status == "no data"
    assert "not the zero polynomial" in report.lines[0]


def test_identity_not_defined_everywhere_is_partly_checked() -> None:
    report = check_claim(claim(lhs="log(x) + 1", rhs="1 + log(x)"))
    assert report.status == "partly checked"
    assert "definedness not shown" in report.lines[-1]


def test_parity_and_symmetry() -> None:
    even = claim(kind="parity", expr="silu(x) - x/2", parity="even")
    assert status(even) == "re-verified"
    assert status({**even, "fields": {**even["fields"], "parity": "odd"}}) == "no data"
    assert status({**even, "fields": {**even["fields"], "parity": "neither"}}) == "no data"
    centre = claim(kind="symmetry", expr="sigmoid(x)", center=["0", "1/2"])
    assert status(centre) == "re-verified"
    assert status(claim(kind="symmetry", expr="sigmoid(x)", center=["0", "1"])) == "no data"


def test_atom_relations_are_exact() -> None:
    atoms, [pair] = check_atoms.fractions([parse("sqrt(2)*sqrt(pi)*sqrt(2) - 2*sqrt(pi)")])
    assert check_atoms.is_zero(atoms, pair)
    atoms, [pair] = check_atoms.fractions([sympy.sqrt(3) * sympy.sqrt(3) * parse("x") - 3])
    assert not check_atoms.is_zero(atoms, pair)


# ---------------------------------------------------------------- counterexamples


def test_refuted_identity_witness() -> None:
    as_worded = claim(
        "refuted", {"x": "0"}, lhs="diff(sigmoid(x), x)", rhs="sigmoid(x)*(sigmoid(x) - 1)"
    )
    assert status(as_worded) == "re-verified"
    outside = {**as_worded, "fields": {**as_worded["fields"], "domain": "(1, 2)"}}
    assert status(outside) == "FAILED"  # the witness is outside the domain
    true = {**as_worded, "fields": {**as_worded["fields"], "rhs": "sigmoid(x)*(1 - sigmoid(x))"}}
    assert status(true) == "FAILED"  # a true identity: the sides agree at the witness
    axis = claim("refuted", {"x": "-log(2)"}, kind="symmetry", expr="sigmoid(x)", axis="0")
    assert status(axis) == "re-verified"
    at_zero = claim("refuted", {"x": "0"}, kind="symmetry", expr="sigmoid(x)", axis="0")
    assert status(at_zero) == "FAILED"  # f(−0) = f(0): no counterexample there
    no_witness = claim("refuted", kind="symmetry", expr="sigmoid(x)", axis="0")
    assert status(no_witness) == "no data"


def test_refuted_monotone_pair() -> None:
    def antitone(pair: str) -> dict:
        return claim(
            "refuted",
            {"x": pair},
            kind="monotone",
            expr="diff(sigmoid(x), x)",
            direction="decreasing",
            strict=False,
        )

    assert status(antitone("-log(2), 1/1000 - log(2)")) == "re-verified"
    assert status(antitone("1/1000 - log(2), -log(2)")) == "FAILED"  # not in order
    assert status(antitone("1, 2")) == "FAILED"  # σ′ does decrease there
    assert status(antitone("1")) == "FAILED"  # one point only


# ---------------------------------------------------------------- values and constants


def value(verdict: str = "proved", found: str | None = None, **fields: Any) -> dict:
    fields = {
        "kind": "value",
        "expr": "sigmoid(x)",
        "at": "1",
        "value": "0.7311",
        "digits": 4,
        **fields,
    }
    return claim(
        verdict,
        {"x": fields["at"], "lhs": found, "rhs": fields["value"]} if found else None,
        **fields,
    )


def test_values_to_digits() -> None:
    assert status(value()) == "re-verified"
    assert status(value(value="0.7312")) == "FAILED"
    assert status(value(digits=5)) == "FAILED"  # σ(1) = 0.73106 to 5 digits
    assert status(value(value="0.73106", digits=4)) == "FAILED"  # not a 4-digit number
    assert status(value(at="2")) == "FAILED"
    assert status(value(expr="log_sigmoid(x)", at="0", value="-0.693147180559945", digits=15)) == (
        "re-verified"
    )
    assert status(value(expr="diff(mish(x), x)", at="0", value="0.6", digits=1)) == "re-verified"


def test_refuted_values() -> None:
    wrong = {"expr": "diff(sigmoid(x), x)", "at": "2", "value": "0.1048"}
    assert status(value("refuted", "0.1050", **wrong)) == "re-verified"
    assert status(value("refuted", "0.1049", **wrong)) == "FAILED"  # not the rounding
    assert status(value("refuted", "0.1050", **{**wrong, "value": "0.1050"})) == "FAILED"
    assert status(value("refuted", **wrong)) == "no data"


def test_constant_relations() -> None:
    near = {"kind": "inequality", "lhs": "silu(-1.2784645)", "rhs": "-0.27846454276"}
    assert status(claim(op="<", **near)) == "re-verified"
    assert status(claim(op=">", **near)) == "FAILED"
    assert status(claim("refuted", op=">", **near)) == "re-verified"
    assert status(claim(op="<", **{**near, "rhs": "-0.27846454277"})) == "FAILED"  # below the min


# ---------------------------------------------------------------- smoothness


def test_smooth() -> None:
    assert status(claim(kind="smooth", expr="diff(sigmoid(x), x)")) == "re-verified"
    assert status(claim(kind="smooth", expr="mish(x)")) == "re-verified"
    assert status(claim(kind="smooth", expr="abs(x)")) == "no data"
    assert status(claim(kind="smooth", expr="1/(1 - exp(x))")) == "no data"


# ---------------------------------------------------------------- limits, zeros, ranges


@pytest.mark.parametrize(
    ("expr", "point", "value", "expected"),
    [
        ("tanh(x)", "oo", "1", "re-verified"),
        ("tanh(x)", "-oo", "-1", "re-verified"),
        ("tanh(x)", "-oo", "1", "FAILED"),
        ("tanh(x)", "oo", "1/2", "FAILED"),
        ("diff(sigmoid(x), x)", "-oo", "0", "re-verified"),
        ("exp(x)/(1 + x**2)", "oo", "oo", "no data"),  # x outside the exponentials
        ("x**3/(1 - x**2)", "-oo", "oo", "re-verified"),
        ("x**3/(1 - x**2)", "-oo", "-oo", "FAILED"),
        ("tanh(x)/x", "0", "1", "re-verified"),
        ("tanh(x)/x", "0", "2", "FAILED"),
        ("mish(x)/x", "0", "3/5", "re-verified"),
        ("(exp(x) - 1 - x)/x**2", "0", "1/2", "re-verified"),
        ("(exp(x) - 1 - x)/x**2", "0", "1/3", "FAILED"),
    ],
)
def test_limits(expr: str, point: str, value: str, expected: str) -> None:
    assert status(claim(kind="limit", expr=expr, point=point, value=value)) == expected


def test_limit_outside_the_domain_fails() -> None:
    c = claim(kind="limit", expr="tanh(x)", point="oo", value="1", domain="(-1, 1)")
    assert status(c) == "FAILED"


def test_zeros() -> None:
    inflections = ["-log(2 + sqrt(3))", "log(2 + sqrt(3))"]
    third = "diff(sigmoid(x), x, 3)"
    assert status(claim(kind="zeros", expr=third, zeros=inflections)) == "re-verified"
    assert status(claim(kind="zeros", expr=third, zeros=inflections[:1])) == "FAILED"  # dropped
    assert status(claim(kind="zeros", expr=third, zeros=["-log(2)", "log(2)"])) == "FAILED"
    twice = [*inflections, "log(1/(2 - sqrt(3)))"]
    assert status(claim(kind="zeros", expr=third, zeros=twice)) == "FAILED"  # not distinct
    assert status(claim(kind="zeros", expr="mish(x)", zeros=["0"])) == "re-verified"
    assert status(claim(kind="zeros", expr="mish(x)", zeros=[])) == "FAILED"
    assert status(claim(kind="zeros", expr="diff(sigmoid(x), x)", zeros=[])) == "re-verified"
    assert status(claim(kind="zeros", expr="x**2 - 2", zeros=["sqrt(2)", "-sqrt(2)"])) == (
        "re-verified"
    )


@pytest.mark.parametrize(
    ("expr", "range_", "verdict", "expected"),
    [
        ("diff(sigmoid(x), x)", "(0, 1/4]", "proved", "re-verified"),
        ("diff(sigmoid(x), x)", "[0, 1/4]", "proved", "FAILED"),
        ("diff(sigmoid(x), x)", "[0, 1/4]", "refuted", "re-verified"),
        ("diff(sigmoid(x), x)", "(0, 1/4]", "refuted", "FAILED"),
        ("diff(sigmoid(x), x)", "(0, 1/4)", "proved", "FAILED"),
        ("tanh(x)", "(-1, 1)", "proved", "re-verified"),
        ("softplus(x)", "(0, oo)", "proved", "re-verified"),
        ("log_sigmoid(x)", "(-oo, 0)", "proved", "re-verified"),
        ("log_sigmoid(x)", "(-oo, 0]", "proved", "FAILED"),
        ("softplus(x)", "(1, oo)", "proved", "FAILED"),
    ],
)
def test_ranges(expr: str, range_: str, verdict: str, expected: str) -> None:
    assert status(claim(verdict, kind="range", expr=expr, range=range_)) == expected


def test_sides_with_x_are_not_constants() -> None:
    """d = log(x) + 1 − log(x) is free of x, but the sides are not defined on ℝ."""
    c = claim(kind="inequality", lhs="log(x) + 1", op=">", rhs="log(x)")
    assert status(c) != "re-verified"


def test_refutation_by_definedness_is_not_re_checked() -> None:
    found = {"x": "0", "lhs": "undefined", "rhs": "1"}
    c = claim("refuted", found, kind="value", expr="log(x)", at="0", value="1", digits=1)
    assert check_claim(c).status == "no data"
