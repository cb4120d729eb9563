"""Adversarial soundness review of `symbolic check`: hand-edited certificates and fresh
claims that must never be `re-verified` unless the certificate establishes the claim.

Each test fails on an unsound behaviour found in the review (or pins a tamper that is
refused, so that it stays refused). The claims' truth is established independently in
the comments (mathematics; mpmath where a number is involved)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import mpmath
import pytest

from symbolic.prove.check import check_claim
from tests.cli_common import ROOT, environment

CLAIMS = """
[[claim]]
id = "silu_lower"
kind = "inequality"
lhs = "silu(x)"
op = ">"
rhs = "-0.2785"

[[claim]]
id = "tanh_lt"
kind = "inequality"
lhs = "tanh(x)"
op = "<"
rhs = "x"
domain = "(0, oo)"

[[claim]]
id = "gelu_ge"
kind = "inequality"
lhs = "gelu(x)"
op = ">="
rhs = "x/2"
domain = "[0, oo)"

[[claim]]
id = "silu_lim"
kind = "limit"
expr = "silu(x)"
point = "-oo"
value = "0"

[[claim]]
id = "silu_min"
kind = "extremum"
expr = "silu(x)"
type = "min"
value = "-0.2785"
digits = 4

[[claim]]
id = "sig_max"
kind = "extremum"
expr = "diff(sigmoid(x), x)"
type = "max"
value = "1/4"
at = "0"
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
def certificate(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """verify --json of the claims above (every one proved), by claim id."""
    folder = tmp_path_factory.mktemp("adversarial")
    claims = folder / "adv.claims.toml"
    claims.write_text(CLAIMS, encoding="utf-8")
    result = symbolic("verify", str(claims), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return {c["id"]: c for c in json.loads(result.stdout)["claims"]}


def claim(verdict: str = "proved", found: dict[str, str] | None = None, **fields: Any) -> dict:
    data = [{"kind": "refutation", "statement": "", "data": found}] if found else []
    fields.setdefault("kind", "identity")
    return {"id": "t", "verdict": verdict, "fields": fields, "certificate_data": data}


def status(c: dict) -> str:
    return check_claim(c).status


def edited(certificate: dict[str, dict], claim_id: str, **fields: Any) -> dict:
    c = copy.deepcopy(certificate[claim_id])
    c["fields"].update(fields)
    return c


def test_the_certificates_re_verify(certificate: dict[str, dict]) -> None:
    for c in certificate.values():
        assert status(c) == "re-verified", check_claim(c)


# ------------------------------------------------ definedness as written (finding 1)
# SymPy evaluates x/x to 1, sqrt(x)**2 to x, 0*log(x) to 0 while parsing; the claim is
# judged as written (docs/claims.md), so each of these is false somewhere on its domain.
# Before the fix `check` re-verified every one of them.


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        ("x/x", "1"),  # undefined at 0
        ("exp(log(x))", "x"),  # undefined for x ≤ 0
        ("sqrt(x)**2", "x"),  # undefined for x < 0
        ("(-x)**(1/2)*(-x)**(1/2)", "-x"),  # undefined for x > 0
        ("1/(1/x)", "x"),  # undefined at 0
        ("0*log(x)", "0"),  # undefined for x ≤ 0
        ("log(x) - log(x)", "0"),
        ("(exp(x) - 1)**2/(exp(x) - 1)", "exp(x) - 1"),  # undefined at 0
        ("sqrt(1 - exp(x))**2", "1 - exp(x)"),  # undefined for x > 0
        ("x**(-1)*x", "1"),
    ],
)
def test_identities_undefined_as_written_are_not_re_verified(lhs: str, rhs: str) -> None:
    assert status(claim(lhs=lhs, rhs=rhs)) != "re-verified"


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "parity", "expr": "x/x", "parity": "even"},
        {"kind": "symmetry", "expr": "sqrt(x)**2", "center": ["0", "0"]},
        {"kind": "smooth", "expr": "x/x"},
        {"kind": "smooth", "expr": "sqrt(x)**2"},
        {"kind": "limit", "expr": "sqrt(x)**2", "point": "-oo", "value": "-oo"},
        {"kind": "range", "expr": "x**2/x", "range": "(-oo, oo)"},  # misses 0 as written
        {"kind": "zeros", "expr": "x**2/x", "zeros": ["0"]},  # no zero as written
        {"kind": "zeros", "expr": "x*sqrt(x)**2", "zeros": ["0"]},
    ],
)
def test_other_kinds_undefined_as_written_are_not_re_verified(fields: dict) -> None:
    assert status(claim(**fields)) != "re-verified"


@pytest.mark.parametrize(
    ("expr", "at"), [("x/x", "0"), ("sqrt(x)**2", "-1"), ("log(x) - log(x) + 1", "-2")]
)
def test_a_value_where_f_is_undefined_as_written_fails(expr: str, at: str) -> None:
    c = claim(kind="value", expr=expr, at=at, value="1" if "log" in expr or "/" in expr else "-1")
    c["fields"]["digits"] = 3
    assert status(c) == "FAILED"


def test_the_true_ones_stay_re_verified() -> None:
    assert status(claim(lhs="exp(x)/exp(x)", rhs="1")) == "re-verified"
    assert status(claim(lhs="sigmoid(x)/sigmoid(x)", rhs="1")) == "re-verified"
    assert status(claim(lhs="log(exp(x))", rhs="x")) == "re-verified"
    assert status(claim(kind="limit", expr="x**2/x", point="0", value="0")) == "re-verified"
    assert status(claim(kind="value", expr="x/x", at="2", value="1", digits=3)) == "re-verified"


@pytest.mark.parametrize(
    ("claim_id", "fields"),
    [
        ("silu_lower", {"lhs": "x/x*silu(x)"}),  # undefined at 0
        ("silu_lower", {"lhs": "silu(sqrt(x)**2)"}),  # undefined for x < 0
        ("silu_lower", {"rhs": "-0.2785 + 0*log(x)"}),  # undefined for x ≤ 0
        ("sig_max", {"expr": "diff(sigmoid(x), x)*x/x"}),  # undefined at its own max
        ("silu_min", {"expr": "silu(x)*x/x"}),
        ("silu_lim", {"expr": "silu(x)*sqrt(x)**2/x"}),  # undefined for x ≤ 0
        ("gelu_ge", {"lhs": "gelu(x)*x**2/x**2"}),  # undefined at 0, in the domain
    ],
)
def test_certificates_of_claims_undefined_as_written_are_not_re_verified(
    certificate: dict[str, dict], claim_id: str, fields: dict
) -> None:
    """The covers, tails and exact forms are checked on SymPy's form, where the divisor
    is gone: the claim, as written, is false (undefined) at a point of its domain."""
    assert status(edited(certificate, claim_id, **fields)) != "re-verified"


# ------------------------------------------------ tampers that are refused (kept so)


@pytest.mark.parametrize(
    ("claim_id", "fields"),
    [
        ("gelu_ge", {"op": ">"}),  # GELU(0) = 0: equality at 0
        ("tanh_lt", {"domain": "[0, oo)"}),  # tanh 0 = 0
        ("tanh_lt", {"domain": "(-1, oo)"}),  # tanh x > x for x < 0
        ("tanh_lt", {"op": ">"}),
        ("gelu_ge", {"rhs": "x/2 + 10**(-30)"}),  # false at 0 by 10^-30
        ("sig_max", {"value": "1/4 + 10**(-30)"}),
        ("sig_max", {"at": "10**(-30)"}),
        ("silu_min", {"value": "-0.2784"}),
        ("silu_min", {"digits": 5}),  # min SiLU = -0.27846454…: -0.27846 at 5 digits
        ("silu_lim", {"value": "10**(-30)"}),
    ],
)
def test_edited_fields_are_refused(
    certificate: dict[str, dict], claim_id: str, fields: dict
) -> None:
    assert status(edited(certificate, claim_id, **fields)) == "FAILED"


def test_silu_minimum_to_five_digits_is_not_the_claim() -> None:
    mpmath.mp.dps = 40
    x = mpmath.findroot(lambda t: 1 + t + mpmath.exp(t), -1.28)  # SiLU′ = 0
    assert mpmath.nstr(x / (1 + mpmath.exp(-x)), 5) == "-0.27846"


# ------------------------------------------------ the link by Arb balls (finding 2)
# The covered expression was linked to the claim's d when Arb balls at three fixed
# points (−7/3, 1/5, 5/2) agreed: no proof. A claim whose d differs from the covered
# expression by a term vanishing at those points (and at the tails' consistency points)
# re-verified with SiLU's genuine certificate.

VANISHING = (
    "(x + 7/3)*(x - 1/5)*(x - 5/2)*(x - 1)*(x - 7/3)*(x - 8)*(x + 4)*(x + 25/3)*(x + 32)"
    "*exp(-4*x**2)/100000"
)


def test_a_link_by_balls_at_fixed_points_is_refused(certificate: dict[str, dict]) -> None:
    lhs = f"silu(x) + {VANISHING}"
    mpmath.mp.dps = 30
    x = mpmath.mpf("-0.37")  # the claim is false there (mpmath): far below −0.2785
    value = (
        x / (1 + mpmath.exp(-x))
        + mpmath.fprod(
            x - r for r in (-mpmath.mpf(7) / 3, mpmath.mpf(1) / 5, 2.5, 1, mpmath.mpf(7) / 3, 8)
        )
        * (x + 4)
        * (x + mpmath.mpf(25) / 3)
        * (x + 32)
        * mpmath.exp(-4 * x**2)
        / 100000
    )
    assert value < mpmath.mpf("-0.6")
    report = check_claim(edited(certificate, "silu_lower", lhs=lhs))
    assert report.status == "FAILED" and "link failed" in report.lines[0], report


def test_a_link_by_the_atom_map_still_holds(certificate: dict[str, dict]) -> None:
    """The same d written otherwise (σ by its definition) is linked exactly."""
    c = edited(certificate, "silu_lower", lhs="x/(1 + exp(-x))")
    assert status(c) == "re-verified"


# ------------------------------------------------ a forged tail form (finding 3)
# The tail rewriting was trusted: a form agreeing with d at the three consistency points
# passed. The checker now builds its own form of d (`check_rules`) and decides from it.


def _forged_tail_claim() -> dict:
    """(x − 1)(x − 7/3)(x − 8) + e^(−x) > 0 on [1, ∞): false (at x = 3 it is
    −20/3 + e^(−3) < 0). The 'tail' says d = e^(−t) on t ≥ 1: it agrees with d at the
    consistency points R, 2R + 1/3, 8R, where the cubic vanishes."""
    lhs = "(x - 1)*(x - 7/3)*(x - 8) + exp(-x)"
    tail = {
        "side": "1",
        "start": "1",
        "R": "1",
        "sign": "1",
        "dominant_m": "0",
        "dominant_q": json.dumps(["1"]),
        "coefficient_low": "1",
        "coefficient_high": "1",
        "remainder_bound": "0",
        "terms": json.dumps([["0", ["1"], ["1"]]]),
    }
    return {
        "id": "forged_tail",
        "verdict": "proved",
        "method": "interval branch-and-bound (Arb) with tail bounds",
        "fields": {"kind": "inequality", "lhs": lhs, "op": ">", "rhs": "0", "domain": "[1, oo)"},
        "certificate_data": [
            {"kind": "step", "statement": "tail", "data": {"tail": tail, "what": "d", "expr": lhs}}
        ],
    }


def test_a_forged_tail_form_is_refused() -> None:
    """The checker's own form of d is t³ − (34/3)t² + … + e^(−t): its dominant scale t³
    (coefficient 1) is not the certificate's e^(−t)."""
    report = check_claim(_forged_tail_claim())
    assert report.status == "FAILED", report
    assert "dominant scale e^(-t) is not the expression's" in report.lines[0], report
    assert "t^3" in report.lines[0], report


# ------------------------------------------------ forged limit forms (finding 4)


def _forged_limit(expr: str, value: str, terms: list, case: str) -> dict:
    data = {
        "tail_limit": {
            "side": "1",
            "R": "1",
            "case": case,
            "limit": value,
            "dominant_m": "0",
            "dominant_q": "[]",
            "terms": json.dumps(terms),
        },
        "expr": expr,
        "side": 1,
    }
    return {
        "id": "forged_limit",
        "verdict": "proved",
        "method": "dominant terms on the tail, bounded remainder",
        "fields": {"kind": "limit", "expr": expr, "point": "oo", "value": value},
        "certificate_data": [{"kind": "step", "statement": "limit", "data": data}],
    }


def test_a_forged_limit_of_a_function_rational_in_exp_fails() -> None:
    """σ(x) → 0 at ∞ (false: σ → 1), 'proved' by the form σ(t) = c(t)/t with c(t) in
    [0, 10] on t ≥ 1, which agrees at the three consistency points (t·σ(t) < 10 there)
    and decays. The checker's own form of σ (1 − e^(−t) + …) tends to 1; the exact route
    (σ rational in e^x) would refute it too."""
    c = _forged_limit("sigmoid(x)", "0", [["-1", [], ["0", "10"], None]], "decays")
    report = check_claim(c)
    assert report.status == "FAILED" and "tends to 1 (case constant)" in report.lines[0], report


def test_a_forged_limit_of_a_bounded_coefficient_is_refused() -> None:
    """SiLU(x) − x = −x/(1 + e^x) → 0 at ∞, not 1: the form 'c(t)·1 with c(t) in [−1, 2]'
    is true on t ≥ 1, and the stated limit 1 of c lies in the ball. The checker's own
    form is −t·e^(−t)·(1 − e^(−t) + …): its dominant scale is not 1."""
    c = _forged_limit("silu(x) - x", "1", [["0", [], ["-1", "2"], "1"]], "constant")
    report = check_claim(c)
    assert report.status == "FAILED", report
    assert "dominant scale 1 is not the expression's" in report.lines[0], report


# ------------------------------------------------ hostile files (finding 5)


def _tail_of(c: dict) -> dict:
    return next(e["data"]["tail"] for e in c["certificate_data"] if "tail" in e.get("data", {}))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        # a scale e^(−q(t)) with q of degree 3000 took minutes (Lemma 1's shifts, O(n²))
        (lambda t: t.update(terms=json.dumps([["1", ["1"] * 3000, ["-1"]]])), "at most 64"),
        # 3000 terms of degree 60: 140 s before the cap
        (lambda t: t.update(terms=json.dumps([["1", ["1/3"] * 60, ["-1"]]] * 3000)), "at most 256"),
        (lambda t: t.update(terms="[" * 10000 + "]" * 10000), "cannot be read"),
        (lambda t: t.update(R="1" + "0" * 10000, start="1" + "0" * 10000), "cannot be read"),
    ],
)
def test_heavy_tail_data_fails_at_once(
    certificate: dict[str, dict], tmp_path: Path, change: Any, words: str
) -> None:
    c = copy.deepcopy(certificate["tanh_lt"])
    change(_tail_of(c))
    path = tmp_path / "cert.json"
    path.write_text(json.dumps({"claims": [c]}), encoding="utf-8")
    result = symbolic("check", str(path), "--timeout", "60")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and words in result.stdout, result.stdout


def test_deeply_nested_json_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"claims": ' + "[" * 100000 + "]" * 100000 + "}", encoding="utf-8")
    result = symbolic("check", str(path))
    assert result.returncode == 2 and result.stderr.startswith("symbolic: error: ")
    assert len(result.stderr.splitlines()) == 1 and "not JSON" in result.stderr


@pytest.mark.parametrize(
    "lhs", ["x/x", "log(x) - log(x) + 1", "sqrt(x)**2 - x + 1", "exp(log(x)) - x + 1"]
)
def test_a_constant_relation_undefined_as_written_is_not_re_verified(lhs: str) -> None:
    """lhs > 0: SymPy's lhs is 1, free of x; as written it is undefined at 0 (or x ≤ 0)."""
    assert status(claim(kind="inequality", lhs=lhs, op=">", rhs="0")) != "re-verified"


def test_a_limit_at_zero_on_a_one_sided_domain() -> None:
    """Too strict before (a TypeError comparing with the int 0: no data); sound now."""
    f = "(sigmoid(x) - 1/2)/x"
    assert status(claim(kind="limit", expr=f, point="0", value="1/4", domain="(0, 1)")) == (
        "re-verified"
    )
    wrong = claim(kind="limit", expr=f, point="0", value="1/4 + 10**(-30)", domain="(0, 1)")
    assert status(wrong) == "FAILED"
    away = claim(kind="limit", expr="sigmoid(x)", point="0", value="1/2", domain="[1, 2]")
    assert status(away) == "FAILED"
