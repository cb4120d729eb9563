"""The pytest plugin, run in a scratch project as a user would run it."""

from __future__ import annotations

import pytest

CLAIMS = """
[[claim]]
id = "sigmoid_neg"
lhs = "sigmoid(-x)"
rhs = "1 - sigmoid(x)"

[[claim]]
id = "deriv_lt_quarter"
kind = "inequality"
lhs = "diff(sigmoid(x), x)"
op = "<"
rhs = "1/4"
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".claims.toml", sigma=CLAIMS)
    pytester.makefile(".toml", other="[tool.something]\nvalue = 1\n")
    pytester.makepyprojecttoml("[tool.pytest.ini_options]\n")
    return pytester


def test_one_item_per_claim_and_only_claims_files(project: pytest.Pytester) -> None:
    result = project.runpytest("--collect-only", "-q")
    lines = [line for line in result.outlines if "::" in line]
    assert lines == ["sigma.claims.toml::sigmoid_neg", "sigma.claims.toml::deriv_lt_quarter"]


def test_failure_shows_verdict_certificate_and_line(project: pytest.Pytester) -> None:
    result = project.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*sigma.claims.toml:6: claim deriv_lt_quarter*",
        "*verdict: refuted (expected proved)*",
        "*counterexample: x = 0*",
    ])  # fmt: skip


def test_k_selects_claims_and_junitxml_works(project: pytest.Pytester) -> None:
    result = project.runpytest("-k", "sigmoid_neg", "--junitxml=report.xml")
    result.assert_outcomes(passed=1, deselected=1)
    report = (project.path / "report.xml").read_text(encoding="utf-8")
    assert 'name="sigmoid_neg"' in report


def test_a_broken_claims_file_is_a_collection_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".claims.toml", broken='[[claim]]\nid = "a"\nlhs = "x"\n')
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*claim 'a' (#1): field 'rhs': missing*"])
