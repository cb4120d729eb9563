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
    """The issue's promise: every certificate the built-in catalogues produce checks."""
    result = symbolic("check", "--catalogue", "all", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    reports = json.loads(result.stdout)["claims"]
    assert not [r for r in reports if r["status"] == "FAILED"]
    assert sum(r["status"] == "re-verified" for r in reports) >= 20


def test_file_and_catalogue_are_exclusive(tmp_path: Path) -> None:
    assert_one_line_error(symbolic("check"), "give FILE")
    assert_one_line_error(symbolic("check", "x.json", "--catalogue", "silu"), "give FILE")
    assert_one_line_error(symbolic("check", "--catalogue", "nope"), "no built-in catalogue")


def test_a_proof_stripped_of_its_data_fails(certificate: dict, tmp_path: Path) -> None:
    data = copy.deepcopy(certificate)
    for entry in claim(data, "gelu_close")["certificate_data"]:
        entry["data"] = {}
    assert_failed(check(data, tmp_path), "gelu_close", "with no cover data")
