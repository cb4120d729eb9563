"""`symbolic verify --catalogue NAME|all` in real processes.

The catalogues of the family are written beside their modules; so that these tests do
not depend on which of them exist (nor take minutes to prove them all), a small driver
points each function's `catalogue` at a claims file of the test's own (or at none)
before it runs the command line, in a fresh process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.cli_common import ROOT, assert_one_line_error, environment

FAMILY = ["sigmoid", "tanh", "softplus", "log_sigmoid", "silu", "gelu", "gelu_tanh", "mish"]

# Two claims whose ids collide across functions: prefixing must keep them apart.
SMALL = """
[[claim]]
id = "deriv"
kind = "identity"
lhs = "diff({name}(x), x)"
rhs = "{derivative}"

[[claim]]
id = "at_zero"
kind = "value"
expr = "{name}(x)"
at = "0"
value = "{value}"
digits = 5
"""
# Derivatives and values at 0 worked out by hand: σ′ = σ(1 − σ), σ(0) = 1/2;
# softplus′ = σ, softplus(0) = log 2 = 0.69314718…
SMALL_CATALOGUES = {
    "sigmoid": SMALL.format(name="sigmoid", derivative="sigmoid(x)*(1 - sigmoid(x))", value="0.5"),
    "softplus": SMALL.format(name="softplus", derivative="sigmoid(x)", value="0.69315"),
}

DRIVER = """
import json, sys
from pathlib import Path
from symbolic.functions import FAMILY
from symbolic.cli import main
paths = json.loads(sys.argv[1])
for entry in dict.fromkeys(FAMILY.values()):
    path = paths.get(entry.language_name())
    entry.catalogue = Path(path) if path else None
sys.exit(main(sys.argv[2:]))
"""


def run_with(catalogues: dict[str, str], *args: str, tmp_path: Path, **env: str):
    """symbolic ARGS in a fresh process where only the functions named in `catalogues`
    have a catalogue: the given text, written under tmp_path."""
    paths = {}
    for name, text in catalogues.items():
        path = tmp_path / f"{name}.claims.toml"
        path.write_text(text, encoding="utf-8")
        paths[name] = str(path)
    return subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(paths), *args],
        cwd=tmp_path,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=600,
    )


def symbolic(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "symbolic", *args],
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_one_catalogue_prefixes_each_id_with_its_function(tmp_path: Path) -> None:
    result = run_with(
        SMALL_CATALOGUES, "verify", "--catalogue", "softplus", "--json", tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [c["id"] for c in data["claims"]] == ["softplus.deriv", "softplus.at_zero"]
    assert all(c["verdict"] == "proved" and c["ok"] for c in data["claims"])
    assert data["summary"] == {"proved": 2, "refuted": 0, "unknown": 0, "failed": 0}
    assert {c["file"] for c in data["claims"]} == {"<built-in softplus.claims.toml>"}


def test_all_runs_every_catalogue_once_with_unique_ids(tmp_path: Path) -> None:
    catalogues = SMALL_CATALOGUES | {
        "silu": SMALL.format(
            name="silu", derivative="sigmoid(x)*(1 + x*(1 - sigmoid(x)))", value="0"
        )
    }
    result = run_with(catalogues, "verify", "--catalogue", "all", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    ids = [c["id"] for c in json.loads(result.stdout)["claims"]]
    # Registry order, silu once although swish names it too.
    expected = [f"{f}.{i}" for f in ("sigmoid", "softplus", "silu") for i in ("deriv", "at_zero")]
    assert ids == expected
    assert len(set(ids)) == len(ids)
    # The functions without a catalogue are named on stderr, one note each.
    notes = result.stderr.splitlines()
    missing = [f for f in FAMILY if f not in catalogues]
    assert len(notes) == len(missing)
    for name, line in zip(missing, notes, strict=True):
        assert line == f"symbolic: note: {name} has no catalogue yet; its claims are not run"


def test_the_alias_runs_its_function(tmp_path: Path) -> None:
    catalogues = {
        "silu": SMALL.format(
            name="silu", derivative="sigmoid(x)*(1 + x*(1 - sigmoid(x)))", value="0"
        )
    }
    result = run_with(catalogues, "verify", "--catalogue", "swish", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    ids = [c["id"] for c in json.loads(result.stdout)["claims"]]
    assert ids == ["silu.deriv", "silu.at_zero"]


def test_all_writes_junit_grouped_by_function_and_the_github_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = run_with(
        SMALL_CATALOGUES,
        "verify",
        "--catalogue",
        "all",
        "--junit",
        str(tmp_path / "out.xml"),
        tmp_path=tmp_path,
        GITHUB_STEP_SUMMARY=str(summary),
    )
    assert result.returncode == 0, result.stderr
    suites = ET.parse(tmp_path / "out.xml").getroot()
    names = [suite.get("name") for suite in suites]
    assert names == ["<built-in sigmoid.claims.toml>", "<built-in softplus.claims.toml>"]
    cases = [case.get("name") for case in suites.iter("testcase")]
    assert cases == ["sigmoid.deriv", "sigmoid.at_zero", "softplus.deriv", "softplus.at_zero"]
    text = summary.read_text(encoding="utf-8")
    assert "`softplus.at_zero`" in text and "`sigmoid.deriv`" in text
    assert "4 proved, 0 refuted, 0 unknown, 0 failed" in text


def test_a_claim_not_as_expected_fails_the_run(tmp_path: Path) -> None:
    wrong = SMALL.format(name="softplus", derivative="sigmoid(x)", value="0.69314")  # not 0.69315
    result = run_with({"softplus": wrong}, "verify", "--catalogue", "all", tmp_path=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "softplus.at_zero" in result.stdout and "FAILED" in result.stdout


def test_the_only_option_takes_the_prefixed_id(tmp_path: Path) -> None:
    result = run_with(
        SMALL_CATALOGUES,
        "verify",
        "--catalogue",
        "all",
        "--only",
        "softplus.deriv",
        "--json",
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert [c["id"] for c in json.loads(result.stdout)["claims"]] == ["softplus.deriv"]


def test_a_function_without_a_catalogue_is_one_line(tmp_path: Path) -> None:
    result = run_with(SMALL_CATALOGUES, "verify", "--catalogue", "tanh", tmp_path=tmp_path)
    assert_one_line_error(result, "tanh has no catalogue yet")
    assert result.stdout == ""


def test_a_bad_name_lists_the_valid_ones(tmp_path: Path) -> None:
    result = symbolic("verify", "--catalogue", "relu", cwd=tmp_path)
    line = assert_one_line_error(result, "relu")
    for name in [*FAMILY, "swish", "all"]:
        assert name in line


def test_a_file_and_a_catalogue_together_are_refused(tmp_path: Path) -> None:
    claims = ROOT / "symbolic" / "functions" / "sigmoid.claims.toml"
    result = symbolic("verify", str(claims), "--catalogue", "sigmoid", cwd=tmp_path)
    assert_one_line_error(result, "--catalogue")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_shipped_catalogues_are_all_found(tmp_path: Path) -> None:
    """Every catalogue file beside the modules runs under `all`, prefixed; ids are unique
    (the files themselves are read here with tomllib, not by symbolic)."""
    result = symbolic("verify", "--catalogue", "all", "--json", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    ids = [c["id"] for c in json.loads(result.stdout)["claims"]]
    assert len(set(ids)) == len(ids)
    expected = []
    for name in FAMILY:
        path = ROOT / "symbolic" / "functions" / f"{name}.claims.toml"
        if path.is_file():
            claims = tomllib.loads(path.read_text(encoding="utf-8"))["claim"]
            expected += [f"{name}.{claim['id']}" for claim in claims]
        else:
            assert f"{name} has no catalogue yet" in result.stderr
    assert ids == expected
