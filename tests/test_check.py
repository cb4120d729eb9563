"""`symbolic check`: certificates of `symbolic verify --json` re-verified, and tampered
ones refused. Real processes throughout; the truths the tampers are measured against
(the minimum of SiLU, the remainder on a tail) come from plain mpmath, not from the code
under test."""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest

from tests.cli_common import ROOT, assert_one_line_error, environment

CLAIMS = """
[[claim]]
id = "silu_lower"
kind = "inequality"
lhs = "silu(x)"
op = ">"
rhs = "-0.2785"

[[claim]]
id = "gelu_half"
kind = "inequality"
lhs = "gelu(x)"
op = ">="
rhs = "x/2"

[[claim]]
id = "tanh_below"
kind = "inequality"
lhs = "tanh(x)"
op = "<"
rhs = "x"
domain = "(0, oo)"

[[claim]]
id = "gelu_close"
kind = "inequality"
lhs = "abs(gelu(x) - gelu_tanh(x))"
op = "<"
rhs = "0.0005"
domain = "[-20, 20]"

[[claim]]
id = "gelu_monotone"
kind = "monotone"
expr = "gelu(x)"
direction = "increasing"
strict = true
domain = "[-0.75, 30]"

[[claim]]
id = "exact_one"
lhs = "diff(sigmoid(x), x)"
rhs = "sigmoid(x)*(1 - sigmoid(x))"
"""
IDS = ("silu_lower", "gelu_half", "tanh_below", "gelu_close", "gelu_monotone")


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
def certificate(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """verify --json of the mixed claims above (every one proved)."""
    folder = tmp_path_factory.mktemp("check")
    claims = folder / "mixed.claims.toml"
    claims.write_text(CLAIMS, encoding="utf-8")
    result = symbolic("verify", str(claims), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def check(data: dict, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return symbolic("check", str(path), *extra)


def claim(data: dict, claim_id: str) -> dict:
    return next(c for c in data["claims"] if c["id"] == claim_id)


def entries(data: dict, claim_id: str, key: str) -> list[dict]:
    return [e["data"] for e in claim(data, claim_id)["certificate_data"] if key in e["data"]]


def assert_failed(result: subprocess.CompletedProcess, claim_id: str, *words: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    line = next(ln for ln in result.stdout.splitlines() if f"FAILED: {claim_id}" in ln)
    for word in words:
        assert word in line, (word, line)


# ---------------------------------------------------------------- what holds


def test_every_certificate_re_verifies(certificate: dict, tmp_path: Path) -> None:
    result = check(certificate, tmp_path, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    found = {c["id"]: c["status"] for c in json.loads(result.stdout)["claims"]}
    assert {i: found[i] for i in IDS} == dict.fromkeys(IDS, "re-verified")
    assert found["exact_one"] == "re-verified"  # a cancellation, by prove/check_exact.py
    assert json.loads(result.stdout)["summary"]["failed"] == 0


def test_text_output_and_stdin(certificate: dict) -> None:
    result = symbolic("check", "-", stdin=json.dumps(certificate))
    assert result.returncode == 0, result.stderr
    assert "✓ re-verified: tanh_below" in result.stdout
    assert "cover the domain (0, oo)" in result.stdout
    assert "6 re-verified" in result.stdout.splitlines()[-1]


# ---------------------------------------------------------------- tampered certificates


def _silu_minimum() -> tuple[Fraction, Fraction]:
    """x* and SiLU(x*) + 0.2785 by mpmath alone: x* solves 1 + x(1 − σ(x)) = 0."""
    mpmath.mp.dps = 40
    x = mpmath.findroot(lambda t: 1 + t * (1 - 1 / (1 + mpmath.exp(-t))), -1.28)
    d = x / (1 + mpmath.exp(-x)) + mpmath.mpf("0.2785")
    return Fraction(mpmath.nstr(x, 30)), Fraction(mpmath.nstr(d, 30))


def _silu_cover(data: dict) -> dict:
    (cover,) = [e["cover"] for e in entries(data, "silu_lower", "cover")]
    return cover


def test_a_bound_past_the_true_minimum_fails(certificate: dict, tmp_path: Path) -> None:
    x_star, d_min = _silu_minimum()
    assert Fraction(35, 10**6) < d_min < Fraction(36, 10**6)  # 0.2785 − 0.2784645…
    data = copy.deepcopy(certificate)
    pieces = _silu_cover(data)["pieces"]
    index = next(i for i, p in enumerate(pieces) if Fraction(p[0]) <= x_star <= Fraction(p[1]))
    pieces[index][2] = str(d_min + Fraction(1, 10**6))  # above the true minimum there
    assert_failed(check(data, tmp_path), "silu_lower", "enclosure is not above the bound")


def test_a_removed_piece_leaves_a_gap(certificate: dict, tmp_path: Path) -> None:
    data = copy.deepcopy(certificate)
    pieces = _silu_cover(data)["pieces"]
    del pieces[len(pieces) // 2]
    assert_failed(check(data, tmp_path), "silu_lower", "gap")


def test_a_removed_tail_leaves_the_domain_uncovered(certificate: dict, tmp_path: Path) -> None:
    data = copy.deepcopy(certificate)
    found = claim(data, "silu_lower")["certificate_data"]
    tail = next(e for e in found if "tail" in e["data"] and e["data"]["tail"]["side"] == "1")
    found.remove(tail)
    assert_failed(check(data, tmp_path), "silu_lower", "a gap in the cover")


def test_a_widened_piece_fails(certificate: dict, tmp_path: Path) -> None:
    """A neighbour of the piece holding SiLU's minimum widened to take in x*, where d is
    below the neighbour's bound (the tiling is kept: only the shared end moves)."""
    x_star, d_min = _silu_minimum()
    data = copy.deepcopy(certificate)
    pieces = _silu_cover(data)["pieces"]
    index = next(i for i, p in enumerate(pieces) if Fraction(p[0]) <= x_star <= Fraction(p[1]))
    below = Fraction(math.floor(x_star * 2**20), 2**20)  # just below x*
    above = below + Fraction(1, 2**20)
    if Fraction(pieces[index + 1][2]) > d_min:  # the right neighbour starts before x*
        pieces[index][1] = pieces[index + 1][0] = str(below)
    else:
        assert Fraction(pieces[index - 1][2]) > d_min
        pieces[index - 1][1] = pieces[index][0] = str(above)
    assert_failed(check(data, tmp_path), "silu_lower", "enclosure is not above the bound")


def test_a_tail_remainder_below_the_true_one_fails(certificate: dict, tmp_path: Path) -> None:
    """On x ≥ R the form is t·(1 + r) with r = σ(t) − 1 + 0.2785/t; its true supremum by
    mpmath, halved, is a remainder bound no argument can support."""
    data = copy.deepcopy(certificate)
    tail = next(e["tail"] for e in entries(data, "silu_lower", "tail") if e["tail"]["side"] == "1")
    assert tail["dominant_m"] == "1" and json.loads(tail["dominant_q"]) == []
    r = Fraction(tail["R"])
    mpmath.mp.dps = 30
    grid = [mpmath.mpf(r.numerator) / r.denominator + k / mpmath.mpf(8) for k in range(400)]
    true = max(abs(1 / (1 + mpmath.exp(-t)) - 1 + mpmath.mpf("0.2785") / t) for t in grid)
    assert true > mpmath.mpf("0.04")
    tail["remainder_bound"] = str(Fraction(mpmath.nstr(true / 2, 20)))
    assert_failed(check(data, tmp_path), "silu_lower", "remainder bound", "below")


def test_a_changed_rhs_breaks_the_link(certificate: dict, tmp_path: Path) -> None:
    data = copy.deepcopy(certificate)
    claim(data, "silu_lower")["fields"]["rhs"] = "-0.27"
    assert_failed(check(data, tmp_path), "silu_lower", "link failed")


def test_a_changed_derivative_order_breaks_the_link(certificate: dict, tmp_path: Path) -> None:
    data = copy.deepcopy(certificate)
    (touching,) = entries(data, "tanh_below", "order")
    assert touching["order"] == 3  # tanh(x) − x = −x³/3 + …
    touching["order"] = 2
    assert_failed(check(data, tmp_path), "tanh_below", "d^(2)", "link failed")


def test_a_changed_monotone_direction_fails(certificate: dict, tmp_path: Path) -> None:
    data = copy.deepcopy(certificate)
    claim(data, "gelu_monotone")["fields"]["direction"] = "decreasing"
    assert_failed(check(data, tmp_path), "gelu_monotone", "sign other than the claim")


def test_one_failure_fails_the_run_and_names_its_claim(certificate: dict, tmp_path: Path) -> None:
    data = copy.deepcopy(certificate)
    claim(data, "gelu_close")["fields"]["rhs"] = "0.0004"
    result = check(data, tmp_path, "--json")
    assert result.returncode == 1
    found = {c["id"]: c["status"] for c in json.loads(result.stdout)["claims"]}
    assert found["gelu_close"] == "FAILED" and found["silu_lower"] == "re-verified"


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("not json", ("not JSON",)),
        ('{"claims": 3}', ("not the JSON of",)),
        ("[" * 100_000, ("not JSON",)),
        ('{"claims": [{"id": 1}]}', ("without id",)),
    ],
)
def test_bad_input_is_one_line(tmp_path: Path, text: str, words: tuple[str, ...]) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    assert_one_line_error(symbolic("check", str(path)), *words)


def test_not_a_file_and_too_big(tmp_path: Path) -> None:
    assert_one_line_error(symbolic("check", str(tmp_path)), "is a directory")
    assert_one_line_error(symbolic("check", str(tmp_path / "missing.json")), "cannot read")
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(5_000_001)
    assert_one_line_error(symbolic("check", str(big)), "larger than")


def test_every_catalogue_certificate_re_verifies() -> None:
    """The issue's promise: every certificate the built-in catalogues produce is
    re-verified (none fails, none is left partly checked or with no data)."""
    result = symbolic("check", "--catalogue", "all", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    reports = json.loads(result.stdout)["claims"]
    others = [
        (r["id"], r["status"], r["lines"][-1:]) for r in reports if r["status"] != "re-verified"
    ]
    assert not others
    assert len(reports) >= 176
    # every tail and every limit by tail forms decided on the checker's own form
    lines = [line for r in reports for line in r["lines"]]
    tails = [line for line in lines if line.split(": ", 1)[-1].startswith("tail x ")]
    limits = [line for line in lines if ", case " in line and "t ≥" in line]
    assert len(tails) >= 80 and len(limits) >= 18, (len(tails), len(limits))
    assert all("the checker's own form on t ≥" in line for line in tails)
    assert (
        sum("the checker's own form on t ≥" in line for line in lines) >= 99
    )  # range, zeros: by fields


def test_file_and_catalogue_are_exclusive(tmp_path: Path) -> None:
    assert_one_line_error(symbolic("check"), "give FILE")
    assert_one_line_error(symbolic("check", "x.json", "--catalogue", "silu"), "give FILE")
    assert_one_line_error(symbolic("check", "--catalogue", "nope"), "no built-in catalogue")


def test_a_proof_stripped_of_its_data_fails(certificate: dict, tmp_path: Path) -> None:
    data = copy.deepcopy(certificate)
    for entry in claim(data, "gelu_close")["certificate_data"]:
        entry["data"] = {}
    assert_failed(check(data, tmp_path), "gelu_close", "with no cover data")


# ---------------------------------------------------------------- limits at ±∞

LIMIT_CLAIMS = """
[[claim]]
id = "silu_bot"
kind = "limit"
expr = "silu(x)"
value = "0"
point = "-oo"

[[claim]]
id = "softplus_asymptote"
kind = "limit"
expr = "softplus(x) - x"
value = "0"
point = "oo"

[[claim]]
id = "gelu_asymptote"
kind = "limit"
expr = "gelu(x) - x"
value = "0"
point = "oo"

[[claim]]
id = "silu_top"
kind = "limit"
expr = "silu(x)"
value = "oo"
point = "oo"

[[claim]]
id = "mills"
kind = "limit"
expr = "x*exp(x**2)*erfc(x)"
value = "1/sqrt(pi)"
point = "oo"

[[claim]]
id = "silu_shift"
kind = "limit"
expr = "silu(x) + 0.2785"
value = "0.2785"
point = "-oo"
"""
# The case each limit is decided by, and the claim by plain mpmath: (f, x far out, limit).
LIMIT_CASES = {
    "silu_bot": "decays",
    "softplus_asymptote": "decays",
    "gelu_asymptote": "decays",
    "silu_top": "grows",
    "mills": "constant",  # the Mills ratio's coefficient K → 1/√π (a bounded coefficient)
    "silu_shift": "constant",  # the exact coefficient 557/2000
}


def sigmoid(x: mpmath.mpf) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-x))


LIMIT_TRUTHS = {
    "silu_bot": (lambda x: x * sigmoid(x), -200, 0),
    "softplus_asymptote": (lambda x: mpmath.log1p(mpmath.exp(x)) - x, 200, 0),
    "gelu_asymptote": (lambda x: x * mpmath.ncdf(x) - x, 200, 0),
    "mills": (lambda x: x * mpmath.exp(x**2) * mpmath.erfc(x), 10**4, 1 / mpmath.sqrt(mpmath.pi)),
    "silu_shift": (lambda x: x * sigmoid(x) + mpmath.mpf("0.2785"), -200, mpmath.mpf("0.2785")),
}


@pytest.fixture(scope="module")
def limits(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """verify --json of the limits above (every one proved by the tail forms)."""
    claims = tmp_path_factory.mktemp("limits") / "limits.claims.toml"
    claims.write_text(LIMIT_CLAIMS, encoding="utf-8")
    result = symbolic("verify", str(claims), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def limit_data(data: dict, claim_id: str) -> dict:
    (entry,) = entries(data, claim_id, "tail_limit")
    return entry


def test_the_claimed_limits_are_true_by_mpmath() -> None:
    """The references of the tampers below: each claim's value, by mpmath far out."""
    with mpmath.workdps(50):
        for f, x, value in LIMIT_TRUTHS.values():
            assert abs(f(mpmath.mpf(x)) - value) < mpmath.mpf(10) ** -5
        assert sigmoid(200) * 200 > 199  # silu → ∞


def test_limits_at_infinity_re_verify(limits: dict, tmp_path: Path) -> None:
    result = check(limits, tmp_path, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    reports = {c["id"]: c for c in json.loads(result.stdout)["claims"]}
    assert {i: reports[i]["status"] for i in LIMIT_CASES} == dict.fromkeys(
        LIMIT_CASES, "re-verified"
    )
    for claim_id, case in LIMIT_CASES.items():
        assert limit_data(limits, claim_id)["tail_limit"]["case"] == case
        assert any(f"case {case}" in line for line in reports[claim_id]["lines"])
        assert any("consistency check" in line for line in reports[claim_id]["lines"])


def test_catalogue_limits_re_verify() -> None:
    """The limits of the built-in catalogues proved by tail forms were `no data` before."""
    for name, count in (("silu", 3), ("softplus", 3)):
        result = symbolic("check", "--catalogue", name, "--json")
        assert result.returncode == 0, result.stdout + result.stderr
        reports = json.loads(result.stdout)["claims"]
        found = [r for r in reports if r["id"].split(".")[-1].startswith("tendsto_")]
        assert len(found) == count and all(r["status"] == "re-verified" for r in found), found


def _value_changed(data: dict) -> None:
    claim(data, "silu_bot")["fields"]["value"] = "1/1000"  # mpmath: |silu(−200)| < 10^−80


def _mills_value_changed(data: dict) -> None:
    claim(data, "mills")["fields"]["value"] = "9/16"  # 1/√π = 0.5641… by mpmath


def _coefficient_limit_changed(data: dict) -> None:
    form = limit_data(data, "mills")["tail_limit"]
    terms = json.loads(form["terms"])
    assert terms[0][3] == "1/sqrt(pi)" and Fraction(terms[0][2][0]) < Fraction(1, 2)
    terms[0][3] = "1/2"  # still inside the coefficient's ball
    form["terms"] = json.dumps(terms)


def _exact_coefficient_limit_changed(data: dict) -> None:
    form = limit_data(data, "silu_shift")["tail_limit"]
    terms = json.loads(form["terms"])
    (one,) = [t for t in terms if t[0] == "0" and t[1] == []]
    assert one[2] == ["557/2000"] and one[3] == "557/2000"
    one[3] = "557/2001"
    form["terms"] = json.dumps(terms)


def _term_removed(data: dict) -> None:
    form = limit_data(data, "silu_bot")["tail_limit"]
    terms = json.loads(form["terms"])
    assert terms[0][:3] == ["1", ["1"], ["-1"]]  # −t·e^(−t): SiLU(−t) = −t·σ(−t)
    form["terms"] = json.dumps(terms[1:])  # every other term still decays


def _dominant_term_removed(data: dict) -> None:
    form = limit_data(data, "silu_top")["tail_limit"]
    terms = json.loads(form["terms"])
    form["terms"] = json.dumps([t for t in terms if not (t[0] == "1" and t[1] == [])])


def _side_flipped(data: dict) -> None:
    entry = limit_data(data, "silu_bot")
    entry["side"], entry["tail_limit"]["side"] = 1, "1"


def _data_side_flipped(data: dict) -> None:
    limit_data(data, "silu_bot")["tail_limit"]["side"] = "1"


def _point_flipped(data: dict) -> None:
    claim(data, "silu_bot")["fields"]["point"] = "oo"  # silu → ∞ there


def _case_changed(data: dict) -> None:
    limit_data(data, "silu_bot")["tail_limit"]["case"] = "grows"


def _sign_flipped(data: dict) -> None:
    limit_data(data, "silu_top")["tail_limit"]["sign"] = "-1"


def _remainder_zero(data: dict) -> None:
    limit_data(data, "silu_top")["tail_limit"]["remainder_bound"] = "0"


def _expr_changed(data: dict) -> None:
    claim(data, "softplus_asymptote")["fields"]["expr"] = "softplus(x) - x + exp(-x)"


@pytest.mark.parametrize(
    ("tamper", "claim_id", "words"),
    [
        (_value_changed, "silu_bot", ("not the claim's value 1/1000",)),
        (_mills_value_changed, "mills", ("not the claim's value 9/16",)),
        (_coefficient_limit_changed, "mills", ("stated limit", "not the re-derived")),
        (_exact_coefficient_limit_changed, "silu_shift", ("557/2001", "exact coefficient")),
        (_term_removed, "silu_bot", ("form is not the expression", "rewriting wrong")),
        (_dominant_term_removed, "silu_top", ("no term has the dominant scale",)),
        (_side_flipped, "silu_bot", ("side",)),
        (_data_side_flipped, "silu_bot", ("bad side",)),
        (_point_flipped, "silu_bot", ("side",)),
        (_case_changed, "silu_bot", ("dominant scale is not shown to grow",)),
        (_sign_flipped, "silu_top", ("stated sign",)),
        (_remainder_zero, "silu_top", ("remainder bound", "below")),
        (_expr_changed, "softplus_asymptote", ("link failed",)),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else None,
)
def test_a_tampered_limit_fails(
    limits: dict, tmp_path: Path, tamper: Callable, claim_id: str, words: tuple[str, ...]
) -> None:
    data = copy.deepcopy(limits)
    tamper(data)
    result = check(data, tmp_path)
    assert_failed(result, claim_id, *words)
    others = [ln for ln in result.stdout.splitlines() if ln.startswith("✗ FAILED")]
    assert len(others) == 1, others  # only the tampered claim
