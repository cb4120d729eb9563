"""The checker's own tail forms (`prove.check_forms`, `prove.check_rules`).

Every rule is compared with mpmath at high precision, an independent reference: the form's
enclosure at t = R, 10R and 1000R (each coefficient ball is valid for every t ≥ R) must
hold the true value of the expression at x = side·t. Then forged tails and limits whose
data is self-consistent (Lemma 1 passes on it) are refused because the checker's own
form says otherwise, and honest certificates still re-verify."""

from __future__ import annotations

import ast
import copy
import json
import subprocess
import sys
from collections.abc import Callable
from fractions import Fraction

import flint
import mpmath
import pytest
import sympy

from symbolic.arith.arb import precision
from symbolic.language.parser import parse
from symbolic.prove import check_rules
from symbolic.prove.check import check_claim
from symbolic.prove.check_forms import NotDerivedError, evaluate
from symbolic.prove.check_limits import _equal
from symbolic.prove.check_rules import derive
from symbolic.prove.check_tails import own_sign
from tests.cli_common import ROOT, environment, verified_claims

mp = mpmath.mp


def sigmoid(x: mpmath.mpf) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-x))


def decaying_sum(count: int) -> str:
    return " + ".join(f"exp(-{k}*x)" for k in range(1, count + 1))


def powers_sum(count: int) -> str:
    return " + ".join(f"x**(-{k})" for k in range(1, count + 1))


# (expression, side, R, the mpmath reference f(x), a rule the form must use or None)
E = mpmath.exp
CASES: list[tuple[str, int, int, Callable, str | None]] = [
    ("x**3 - 2*x + 5", 1, 2, lambda x: x**3 - 2 * x + 5, None),
    ("x**3 - 2*x + 5", -1, 2, lambda x: x**3 - 2 * x + 5, None),
    ("1/(1 + exp(-x))", 1, 1, sigmoid, "1/g (second order)"),
    ("1/(1 + exp(-x))", -1, 1, sigmoid, "1/g (second order)"),
    (
        f"1/(1 + {decaying_sum(7)})",
        1,
        1,
        lambda x: 1 / (1 + sum(E(-k * x) for k in range(1, 8))),
        "1/g (first order)",
    ),
    ("(x + exp(-x))**(-2)", 1, 1, lambda x: (x + E(-x)) ** -2, "1/g (second order)"),
    ("(1 + exp(-x))**3", -1, 1, lambda x: (1 + E(-x)) ** 3, None),
    ("sqrt(x**2 + 1)", 1, 2, lambda x: mpmath.sqrt(x**2 + 1), "g^n (Lemma 5)"),
    ("sqrt(x**2 + 1)", -1, 2, lambda x: mpmath.sqrt(x**2 + 1), "g^n (Lemma 5)"),
    ("(1 + exp(-x))**(1/3)", 1, 1, lambda x: mpmath.cbrt(1 + E(-x)), "g^n (Lemma 5)"),
    ("2**(x - x**2)", 1, 1, lambda x: mpmath.power(2, x - x**2), "a^g = e^(g·log a)"),
    ("exp(-x**2 + x + 1/x)", 1, 1, lambda x: E(-(x**2) + x + 1 / x), "e^r (Lemma 4)"),
    (
        f"exp({powers_sum(7)})",
        1,
        2,
        lambda x: E(sum(x ** (-k) for k in range(1, 8))),
        "e^r (Lemma 4, first order)",
    ),
    ("exp(erfc(1/x))", 1, 2, lambda x: E(mpmath.erfc(1 / x)), "erfc z, z bounded"),
    ("log(1 + exp(x))", 1, 1, lambda x: mpmath.log1p(E(x)), "log(1 + v) (Lemma 2)"),
    ("log(1 + exp(x))", -1, 1, lambda x: mpmath.log1p(E(x)), "log(1 + v) (Lemma 2)"),
    (
        f"log(1 + {decaying_sum(7)})",
        1,
        1,
        lambda x: mpmath.log1p(sum(E(-k * x) for k in range(1, 8))),
        "log(1 + v) (Lemma 2, first order)",
    ),
    (
        "log(2 + erfc(1/x))",
        1,
        2,
        lambda x: mpmath.log(2 + mpmath.erfc(1 / x)),
        "log of a bounded coefficient",
    ),
    ("tanh(x**3/10 + x)", 1, 4, lambda x: mpmath.tanh(x**3 / 10 + x), "tanh g, g → ±∞"),
    ("tanh(x**3/10 + x)", -1, 4, lambda x: mpmath.tanh(x**3 / 10 + x), "tanh g, g → ±∞"),
    ("tanh(1/x)", 1, 1, lambda x: mpmath.tanh(1 / x), "tanh g, g → 0"),
    ("tanh(1 + 1/x)", 1, 1, lambda x: mpmath.tanh(1 + 1 / x), "tanh g, g bounded"),
    (
        "tanh(log(1 + exp(x)))",
        1,
        2,
        lambda x: mpmath.tanh(mpmath.log1p(E(x))),
        "tanh(log h) = (h² − 1)/(h² + 1)",
    ),
    ("abs(1 - x**2)", 1, 2, lambda x: abs(1 - x**2), "|g| = ±g"),
    ("cosh(x)", 1, 2, mpmath.cosh, "cosh g = (e^g + e^(−g))/2"),
    ("sinh(x)", -1, 2, mpmath.sinh, "sinh g = (e^g − e^(−g))/2"),
    ("cosh(x + 1/x)", -1, 2, lambda x: mpmath.cosh(x + 1 / x), "e^r (Lemma 4)"),
    ("sech(x)", 1, 2, mpmath.sech, "1/g (second order)"),
    ("erfc(x)", 1, 1, mpmath.erfc, "erfc z, z → ∞ (Lemma 3)"),
    ("erfc(x*sqrt(2)/2)", -1, 1, lambda x: mpmath.erfc(x / mpmath.sqrt(2)), "(Lemma 3)"),
    ("erf(x)", -1, 1, mpmath.erf, "erfc z, z → ∞ (Lemma 3)"),
    ("x*exp(x**2)*erfc(x)", 1, 1, lambda x: x * E(x**2) * mpmath.erfc(x), "(Lemma 3)"),
    ("gelu(x)", 1, 1, lambda x: x * mpmath.ncdf(x), "(Lemma 3)"),
    ("gelu(x) - x/2", -1, 1, lambda x: x * mpmath.ncdf(x) - x / 2, "(Lemma 3)"),
    # the references without cancellation: x·σ(x) − x = −x/(1 + e^x), log(1 + e^x) − x =
    # log(1 + e^(−x))
    ("silu(x) - x", 1, 1, lambda x: -x / (1 + E(x)), "1/g (second order)"),
    ("softplus(x) - x", 1, 1, lambda x: mpmath.log1p(E(-x)), "log(1 + v) (Lemma 2)"),
    ("mish(x)", -1, 2, lambda x: x * mpmath.tanh(mpmath.log1p(E(x))), "tanh(log h)"),
    ("log_sigmoid(x)", -1, 1, lambda x: -mpmath.log1p(E(-x)), "log(1 + v) (Lemma 2)"),
    (
        "gelu_tanh(x) - x",
        1,
        8,
        lambda x: -x / (1 + E(2 * mpmath.sqrt(2 / mpmath.pi) * (x + 8943 * x**3 / 200000))),
        "tanh g, g → ±∞",
    ),
    # compositions: every rule's output is the input of another
    (
        "exp(-x)*log(1 + exp(-x**2)) + tanh(1/x)**3",
        1,
        1,
        lambda x: E(-x) * mpmath.log1p(E(-(x**2))) + mpmath.tanh(1 / x) ** 3,
        "tanh g, g → 0",
    ),
    ("1/(x + sqrt(x**2 + 1))", -1, 2, lambda x: 1 / (x + mpmath.sqrt(x**2 + 1)), "g^n (Lemma 5)"),
    (
        "sqrt(1 + erfc(x))*cosh(1/x)",
        -1,
        1,
        lambda x: mpmath.sqrt(1 + mpmath.erfc(x)) * mpmath.cosh(1 / x),
        "(Lemma 3)",
    ),
    (
        "log(exp(x) + x**2) - x",  # log(e^x + x²) − x = log(1 + x²e^(−x))
        1,
        4,
        lambda x: mpmath.log1p(x**2 * E(-x)),
        "log(1 + v) (Lemma 2)",
    ),
]


def _mpf_of(value: flint.arb) -> mpmath.mpf:
    """An exact dyadic Arb number (a midpoint or a radius) as an mpf, exactly."""
    mantissa, exponent = value.man_exp()
    return mpmath.ldexp(mpmath.mpf(int(mantissa)), int(exponent))


def holds(ball: flint.arb, value: mpmath.mpf) -> bool:
    """The ball holds value (computed at 600 bits: a 2^−500 relative allowance)."""
    middle, radius = _mpf_of(ball.mid()), _mpf_of(ball.rad())
    slack = abs(value) * mpmath.ldexp(1, -500)
    return middle - radius - slack <= value <= middle + radius + slack


@pytest.mark.parametrize(
    ("text", "side", "r", "reference", "rule"),
    CASES,
    ids=[f"{c[0][:40]}@{'+' if c[1] > 0 else '-'}" for c in CASES],
)
def test_each_rule_encloses_mpmath(
    text: str, side: int, r: int, reference: Callable, rule: str | None
) -> None:
    form = derive(parse(text), side, Fraction(r))
    if rule is not None:
        assert any(rule in used for used in form.rules), form.rules
    with mpmath.workprec(600):
        for t in (r, 10 * r, 1000 * r):
            with precision(256):
                enclosure = evaluate(form.terms, Fraction(t))
            true = reference(mpmath.mpf(side * t))
            assert enclosure.is_finite(), (text, t)
            assert holds(enclosure, true), (text, side, t, enclosure, mpmath.nstr(true, 30))


def test_the_reference_is_not_a_tautology() -> None:
    """A wrong form is caught by the comparison: tanh's form against another function."""
    form = derive(parse("tanh(x)"), 1, Fraction(1))
    with mpmath.workprec(600), precision(256):
        assert not holds(evaluate(form.terms, Fraction(10)), mpmath.tanh(mpmath.mpf(10)) / 2)


@pytest.mark.parametrize(
    ("text", "side", "r", "limit", "case"),
    [
        ("x*exp(x**2)*erfc(x)", 1, 1, 1 / sympy.sqrt(sympy.pi), "constant"),  # Mills: K → 1/√π
        ("exp(erfc(1/x))", 1, 2, sympy.E, "constant"),
        ("tanh(1 + 1/x)", 1, 1, sympy.tanh(1), "constant"),
        ("log(2 + erfc(1/x))", 1, 2, sympy.log(3), "constant"),
        ("(1 + exp(-x))**(1/3)", 1, 1, sympy.Integer(1), "constant"),
        ("silu(x) + 557/2000", -1, 1, sympy.Rational(557, 2000), "constant"),
        ("sqrt(x**2 + 1) - x", 1, 2, sympy.Integer(0), "decays"),
        ("silu(x)", -1, 1, sympy.Integer(0), "decays"),
        ("softplus(x)", 1, 1, sympy.oo, "grows"),
        ("log_sigmoid(x)", -1, 1, -sympy.oo, "grows"),
    ],
)
def test_limits_are_derived_by_the_rules(
    text: str, side: int, r: int, limit: sympy.Expr, case: str
) -> None:
    found, how = derive(parse(text), side, Fraction(r)).limit()
    assert how == case and _equal(found, limit), (found, how)


def test_the_mills_limit_is_true_by_mpmath() -> None:
    with mpmath.workdps(50):
        x = mpmath.mpf(10) ** 6
        value = x * mpmath.exp(x**2) * mpmath.erfc(x)
        assert abs(value - 1 / mpmath.sqrt(mpmath.pi)) < mpmath.mpf(10) ** -11


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("sin(x)", "outside the checker's tail rules"),
        ("log(x)", "a power of t"),
        ("exp(sqrt(x))", "not an exact polynomial"),
        ("x**x", "not a rational number"),
        ("erfc(exp(x))", "not an exact polynomial"),
    ],
)
def test_expressions_outside_the_rules_are_not_derived(text: str, words: str) -> None:
    with pytest.raises(NotDerivedError, match=words.replace("(", r"\(")):
        derive(parse(text), 1, Fraction(2))
    with pytest.raises(NotDerivedError, match="parameters"):
        derive(parse("x") + sympy.Symbol("y"), 1, Fraction(2))


def test_the_rules_import_none_of_the_prover() -> None:
    """Independence: neither module names the prover's tail code, and importing the
    checker loads none of it."""
    for name in ("check_forms", "check_rules", "check_tails", "check_limits"):
        tree = ast.parse((ROOT / "symbolic" / "prove" / f"{name}.py").read_text("utf-8"))
        imported = {
            n.module if isinstance(n, ast.ImportFrom) else a.name
            for n in ast.walk(tree)
            if isinstance(n, ast.Import | ast.ImportFrom)
            for a in n.names
        }
        assert not any(m and (m.split(".")[-1] == "tails" or "tail_limits" in m) for m in imported)
    code = (
        "import sys, symbolic.prove.check_rules, symbolic.prove.check_limits;"
        "print(sorted(m for m in sys.modules if m.startswith('symbolic.prove.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment(), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    loaded = result.stdout
    for prover in ("tails'", "tail_limits", "mixed", "branch", "limits'"):
        assert f"symbolic.prove.{prover}" not in loaded, loaded


# ---------------------------------------------------------------- certificates

CLAIMS = """
[[claim]]
id = "tanh_cube"
kind = "inequality"
lhs = "x - x**3/3"
op = "<"
rhs = "tanh(x)"
domain = "(0, oo)"

[[claim]]
id = "gelu_half"
kind = "inequality"
lhs = "gelu(x)"
op = ">="
rhs = "x/2"
domain = "[0, oo)"

[[claim]]
id = "mills"
kind = "limit"
expr = "x*exp(x**2)*erfc(x)"
value = "1/sqrt(pi)"
point = "oo"

[[claim]]
id = "silu_top"
kind = "limit"
expr = "silu(x)"
value = "oo"
point = "oo"
"""


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    return verified_claims(CLAIMS, tmp_path_factory.mktemp("forms"))


def tail_of(c: dict) -> dict:
    return next(e["data"] for e in c["certificate_data"] if "tail" in e.get("data", {}))


def test_honest_certificates_re_verify_by_the_own_form(certificate: dict[str, dict]) -> None:
    for c in certificate.values():
        report = check_claim(c)
        assert report.status == "re-verified", report
        assert any("the checker's own form on t ≥" in line for line in report.lines), report
        assert any("re-derived" in line for line in report.lines), report


def _negated(coefficient: list[str]) -> list[str]:
    if len(coefficient) == 1:
        return [f"-({coefficient[0]})"]
    return [str(-Fraction(coefficient[1])), str(-Fraction(coefficient[0]))]


def test_a_tail_with_the_wrong_sign_fails(certificate: dict[str, dict]) -> None:
    """tanh(x) > x − x³/3 on (0, ∞) is true (mpmath below), so x − x³/3 > tanh(x) is
    false everywhere there. The forged certificate negates the honest tail form: its data
    is self-consistent (C of sign +1, min|C| > ε by Lemma 1), but it is not −d's form."""
    c = copy.deepcopy(certificate["tanh_cube"])
    c["fields"]["op"] = ">"
    for entry in c["certificate_data"]:
        data = entry.get("data", {})
        if "tail" in data:
            tail = data["tail"]
            terms = [[m, q, _negated(k)] for m, q, k in json.loads(tail["terms"])]
            low, high = tail["coefficient_low"], tail["coefficient_high"]
            tail |= {"sign": "1", "terms": json.dumps(terms)}
            tail |= {
                "coefficient_low": str(-Fraction(high)),
                "coefficient_high": str(-Fraction(low)),
            }
    c["certificate_data"] = [e for e in c["certificate_data"] if "tail" in e.get("data", {})]
    c["fields"]["domain"] = f"[{tail_of(c)['tail']['start']}, oo)"
    report = check_claim(c)
    assert report.status == "FAILED", report
    assert "has the sign -1 on the whole tail" in report.lines[0], report
    with mpmath.workdps(30):
        assert all(
            mpmath.tanh(x) > x - x**3 / 3 for x in (mpmath.mpf(4), mpmath.mpf(40), mpmath.mpf(400))
        )


def test_a_forged_dominant_scale_fails(certificate: dict[str, dict]) -> None:
    """Every term of the honest form times t^−1: the data still passes Lemma 1 (the
    ratios are the same) and min|C| > ε, but its dominant scale t² is not d's t³."""
    c = copy.deepcopy(certificate["tanh_cube"])
    tail = tail_of(c)["tail"]
    terms = [[str(Fraction(m) - 1), q, k] for m, q, k in json.loads(tail["terms"])]
    tail |= {"terms": json.dumps(terms), "dominant_m": str(Fraction(tail["dominant_m"]) - 1)}
    report = check_claim(c)
    assert report.status == "FAILED", report
    assert "dominant scale t^2 is not the expression's" in report.lines[0], report


def test_a_tail_below_where_the_lemma_holds_is_not_re_verified(
    certificate: dict[str, dict],
) -> None:
    """The honest tail of x − tanh(x) − x³/3 < 0 starts at R = 4. At R = 1 Lemma 1's bound
    does not close (ε ≥ min|C| = 1/3): the own form does not decide the sign there, and
    the certificate moved to R = 1 is not re-verified."""
    c = copy.deepcopy(certificate["tanh_cube"])
    tail = tail_of(c)["tail"]
    assert tail["R"] == "4"
    expr = parse("x - tanh(x) - x**3/3")
    assert own_sign(expr, tail, Fraction(4))[1] is None
    moved = tail | {"R": "1", "start": "1"}
    _, why = own_sign(expr, moved, Fraction(1))
    assert why is not None and "does not decide the sign" in why, why
    tail |= {"R": "1", "start": "1"}
    report = check_claim(c)  # the certificate's own data does not pass Lemma 1 at R = 1
    assert report.status == "FAILED" and "re-derived Σ|c_k|·ρ_k(R)" in report.lines[0], report


def test_a_tail_form_the_rules_cannot_confirm_is_not_re_verified(
    certificate: dict[str, dict],
) -> None:
    """A hand-made tail for x − tanh(x) − x³/3 < 0 on t ≥ 1: −t³/3 + c(t)·t² with
    c(t) = (t − tanh t)/t² in [0, 3/10] (true: 0 ≤ c ≤ 1/t ≤ 3/10 for t ≥ 10/3, mpmath
    on a grid below that, where c is Lipschitz with a margin of 0.03). Its data passes Lemma 1
    (ε = 3/10 < 1/3) and agrees with d at the three points, but no rule of the checker
    gives that ball: at R = 1 its own form does not decide the sign. Not re-verified."""
    c = copy.deepcopy(certificate["tanh_cube"])
    tail = tail_of(c)["tail"]
    terms = [["3", [], ["-1/3"]], ["2", [], ["0", "3/10"]]]
    tail |= {"R": "1", "start": "1", "terms": json.dumps(terms), "remainder_bound": "3/10"}
    tail |= {"coefficient_low": "-1/3", "coefficient_high": "-1/3"}
    report = check_claim(c)
    assert report.status == "partly checked", report
    assert "the sign is not re-derived by the checker's own rules" in report.lines[0], report
    assert "does not decide the sign" in report.lines[-1], report
    with mpmath.workdps(30):
        for k in range(0, 240):
            t = mpmath.mpf(k) / 100 + 1
            assert 0 <= (t - mpmath.tanh(t)) / t**2 <= mpmath.mpf(27) / 100


def test_a_forged_limit_of_the_mills_ratio_fails(certificate: dict[str, dict]) -> None:
    """x·e^(x²)·erfc(x) → 1/√π (mpmath above), not 1/2. The forged data states 1/2 for
    the limit of the coefficient K, which lies in K's ball, and 1/2 for the claim: the
    data alone agreed (the coefficient's limit was trusted); the own form's K → 1/√π."""
    c = copy.deepcopy(certificate["mills"])
    c["fields"]["value"] = "1/2"
    data = c["certificate_data"][0]["data"]["tail_limit"]
    terms = json.loads(data["terms"])
    assert terms[0][3] == "1/sqrt(pi)" and Fraction(terms[0][2][0]) < Fraction(1, 2)
    terms[0][3] = "1/2"
    data |= {"terms": json.dumps(terms), "limit": "1/2"}
    report = check_claim(c)
    assert report.status == "FAILED", report
    assert "tends to 1/sqrt(pi) (case constant), not to the stated 1/2" in report.lines[0]


def test_rules_missing_leave_the_claim_partly_checked(
    certificate: dict[str, dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the checker's rules cannot build a form the prover built (erfc removed here),
    the claim is `partly checked` with a line that says so, never re-verified on trust."""
    monkeypatch.delitem(check_rules.FUNCTIONS, sympy.erfc)
    derive.cache_clear()
    try:
        for claim_id in ("gelu_half", "mills"):
            report = check_claim(certificate[claim_id])
            assert report.status == "partly checked", report
            assert "not re-derived" in report.lines[-1], report
            assert "outside the checker's tail rules" in report.lines[-1], report
    finally:
        derive.cache_clear()
