"""`symbolic check` on exact proofs (e^x substitution, sign charts, cancellations):
certificates of `symbolic verify --json` re-verified, and tampered ones refused. Real
processes for the command; the truths the tampers are measured against (the sign of
σ′ − 1/4, roots of polynomials built from their roots) come from mpmath and from the
construction, not from the code under test."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from fractions import Fraction
from itertools import product
from pathlib import Path

import mpmath
import pytest

from tests.cli_common import ROOT, environment

EXACT_METHODS = (
    "e^x substitution, exact sign chart",
    "e^x substitution, cancellation",
    "sign of f′ (exact sign chart)",
)
CLAIMS = """
[[claim]]
id = "s2_decreasing"
kind = "monotone"
expr = "diff(sigmoid(x), x, 2)"
direction = "decreasing"
domain = "[-log(2 + sqrt(3)), log(2 + sqrt(3))]"

[[claim]]
id = "tanh_irrational_ends"
kind = "inequality"
lhs = "tanh(x)"
op = "<"
rhs = "1/2"
domain = "(-1, 1/3]"

[[claim]]
id = "square"
kind = "inequality"
lhs = "x**2 + 1"
op = ">="
rhs = "2*x"
"""


def symbolic(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "symbolic", *args],
        cwd=ROOT,
        env=environment(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def sigmoid() -> dict:
    result = symbolic("verify", "--catalogue", "sigmoid", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def check(data: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return symbolic("check", str(path), "--json")


def statuses(result: subprocess.CompletedProcess) -> dict[str, dict]:
    return {c["id"]: c for c in json.loads(result.stdout)["claims"]}


def test_the_sigmoid_catalogue_is_re_verified(sigmoid: dict, tmp_path: Path) -> None:
    exact = [
        c["id"]
        for c in sigmoid["claims"]
        if c["verdict"] == "proved" and c["method"] in EXACT_METHODS
    ]
    assert len(exact) >= 14, exact
    result = check(sigmoid, tmp_path)
    assert result.returncode == 0, result.stdout
    found = statuses(result)
    for name in exact:
        assert found[name]["status"] == "re-verified", found[name]
    assert "sign chart" not in " ".join(found["sigmoid.example1_sigmoid_zero"]["lines"])


def test_algebraic_and_transcendental_ends(tmp_path: Path) -> None:
    """Ends 2 ± √3 that are roots of P (closed), ends e^(−1), e^(1/3), and u = x."""
    claims = tmp_path / "ends.claims.toml"
    claims.write_text(CLAIMS, encoding="utf-8")
    proved = symbolic("verify", str(claims), "--json")
    assert proved.returncode == 0, proved.stdout
    result = symbolic("check", "-", "--json", stdin=proved.stdout)
    assert result.returncode == 0, result.stdout
    found = statuses(result)
    assert {c["status"] for c in found.values()} == {"re-verified"}
    assert "2 root(s) of P" in " ".join(found["s2_decreasing"]["lines"])


def _claim(data: dict, name: str) -> dict:
    return next(c for c in data["claims"] if c["id"] == f"sigmoid.{name}")


def _form(claim: dict) -> dict:
    return next(e["data"] for e in claim["certificate_data"] if "exp_form" in e["data"])


def _tampered(sigmoid: dict, name: str, change) -> dict:
    data = copy.deepcopy(sigmoid)
    claim = _claim(data, name)
    change(claim, _form(claim))
    data["claims"] = [claim]
    return data


def _refused(data: dict, tmp_path: Path, *words: str) -> None:
    result = check(data, tmp_path)
    assert result.returncode == 1, result.stdout
    (report,) = json.loads(result.stdout)["claims"]
    assert report["status"] == "FAILED", report
    for word in words:
        assert word in report["lines"][0], (word, report["lines"])


def test_a_flipped_sign_is_refused(sigmoid: dict, tmp_path: Path) -> None:
    def flip(claim: dict, form: dict) -> None:
        form["exp_form"]["pieces"][0][1] *= -1

    _refused(_tampered(sigmoid, "deriv_sigmoid_le_quarter", flip), tmp_path, "sign of P/Q")


def test_a_removed_root_is_refused(sigmoid: dict, tmp_path: Path) -> None:
    def remove(claim: dict, form: dict) -> None:
        form["exp_form"]["roots_P"] = []

    _refused(_tampered(sigmoid, "deriv_sigmoid_le_quarter", remove), tmp_path, "1 roots", "listed")


def test_a_moved_isolating_interval_is_refused(sigmoid: dict, tmp_path: Path) -> None:
    def move(claim: dict, form: dict) -> None:
        form["exp_form"]["roots_P"] = [["2", "3"]]

    _refused(_tampered(sigmoid, "deriv_sigmoid_le_quarter", move), tmp_path, "isolate")


def test_a_changed_coefficient_is_refused(sigmoid: dict, tmp_path: Path) -> None:
    def change(claim: dict, form: dict) -> None:
        form["exp_form"]["P"][0] = "-2"  # −2 + 2u − u²: still < 0, but not d

    _refused(_tampered(sigmoid, "deriv_sigmoid_lt_quarter_pos", change), tmp_path, "link failed")


def test_a_changed_kappa_is_refused(sigmoid: dict, tmp_path: Path) -> None:
    def change(claim: dict, form: dict) -> None:
        form["exp_form"]["kappa"] = "1/2"

    _refused(_tampered(sigmoid, "deriv_sigmoid_lt_quarter_pos", change), tmp_path, "link failed")


def test_a_changed_rhs_is_refused(sigmoid: dict, tmp_path: Path) -> None:
    def change(claim: dict, form: dict) -> None:
        claim["fields"]["rhs"] = "1/5"  # σ′ < 1/5 is false near 0 (σ′(0) = 1/4)

    assert mpmath.diff(lambda x: 1 / (1 + mpmath.exp(-x)), 0) > mpmath.mpf(1) / 5
    _refused(_tampered(sigmoid, "deriv_sigmoid_lt_quarter_pos", change), tmp_path, "link failed")


def test_a_forged_chart_for_a_false_claim_is_refused(sigmoid: dict, tmp_path: Path) -> None:
    """σ′ ≥ 1/4 is false (mpmath: σ′(1) < 1/4); a certificate whose pieces all claim +
    is refused by the exact signs, whatever else it says."""
    sigma = lambda x: 1 / (1 + mpmath.exp(-x))  # noqa: E731
    assert mpmath.diff(sigma, 1) < mpmath.mpf(1) / 4

    def forge(claim: dict, form: dict) -> None:
        claim["fields"]["op"] = ">="
        for piece in form["exp_form"]["pieces"]:
            piece[1] = 1

    _refused(_tampered(sigmoid, "deriv_sigmoid_le_quarter", forge), tmp_path, "sign of P/Q")


def test_a_strict_relation_with_a_root_is_refused(sigmoid: dict, tmp_path: Path) -> None:
    """σ′ < 1/4 on ℝ is false at x = 0 exactly; the chart of σ′ ≤ 1/4 has the root u = 1."""

    def strict(claim: dict, form: dict) -> None:
        claim["fields"]["op"] = "<"

    _refused(_tampered(sigmoid, "deriv_sigmoid_le_quarter", strict), tmp_path, "strict")


def test_a_wider_claimed_domain_is_refused(sigmoid: dict, tmp_path: Path) -> None:
    def widen(claim: dict, form: dict) -> None:
        claim["fields"]["domain"] = "reals"  # the chart is on (0, oo) only

    _refused(_tampered(sigmoid, "deriv_sigmoid_lt_quarter_pos", widen), tmp_path, "domain")


def test_a_cancellation_of_a_different_identity_is_refused(sigmoid: dict, tmp_path: Path) -> None:
    def change(claim: dict, form: dict) -> None:
        claim["fields"]["rhs"] = "sigmoid(x)*(1 + sigmoid(x))"

    _refused(_tampered(sigmoid, "deriv_sigmoid", change), tmp_path, "link failed")


def test_sturm_counts_match_polynomials_built_from_their_roots() -> None:
    """The checker's root counts against polynomials made as products (u − r_i)."""
    from symbolic.prove.check_exact import _Poly

    roots = [Fraction(-3), Fraction(1, 3), Fraction(1, 2), Fraction(2), Fraction(2)]
    coefficients = [Fraction(1)]
    for r in roots:  # multiply by (u − r), ascending coefficients
        shifted = [Fraction(0), *coefficients]
        coefficients = [
            s - r * c for s, c in zip(shifted, [*coefficients, Fraction(0)], strict=True)
        ]
    poly = _Poly(coefficients)
    ends = [Fraction(v, 6) for v in range(-30, 30, 5)] + [Fraction(1, 3), Fraction(2)]
    distinct = set(roots)
    for a, b in product(ends, ends):
        if a < b:
            assert poly.open_count(a, b) == sum(a < r < b for r in distinct), (a, b)
            assert poly.closed_count(a, b) == sum(a <= r <= b for r in distinct), (a, b)


def test_a_removed_form_is_refused(sigmoid: dict, tmp_path: Path) -> None:
    def remove(claim: dict, form: dict) -> None:
        for entry in claim["certificate_data"]:
            entry["data"].pop("exp_form", None)

    _refused(_tampered(sigmoid, "deriv_sigmoid_lt_quarter_pos", remove), tmp_path, "no exact form")
