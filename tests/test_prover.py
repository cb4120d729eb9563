"""The prover: soundness and decisiveness on claims with known answers, and its CI outputs."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from symbolic.cli import main
from symbolic.prove import verify
from symbolic.prove.claims import ClaimError, load_claims, load_claims_text
from symbolic.prove.kinds import KINDS
from symbolic.prove.prover import Verdict

HERE = Path(__file__).parent
TRUTH = HERE / "claims" / "truth.toml"


@pytest.fixture(scope="module")
def truth_results() -> list[verify.Result]:
    claims = load_claims(TRUTH).claims
    return [verify.run_claim(claim, timeout=60) for claim in claims]


def test_truth_suite_is_large_enough(truth_results: list[verify.Result]) -> None:
    assert len(truth_results) >= 60
    kinds = {r.claim.kind for r in truth_results}
    assert kinds == set(KINDS)  # every kind is exercised


def test_no_verdict_contradicts_the_known_answer(truth_results: list[verify.Result]) -> None:
    unsound = [
        (r.claim.id, r.verdict.verdict)
        for r in truth_results
        if r.verdict.verdict in ("proved", "refuted") and r.verdict.verdict != r.claim.expect
    ]
    assert unsound == []


def test_at_least_90_percent_decided(truth_results: list[verify.Result]) -> None:
    tally = Counter((r.claim.expect, r.verdict.verdict) for r in truth_results)
    true_total = sum(n for (expect, _), n in tally.items() if expect == "proved")
    false_total = sum(n for (expect, _), n in tally.items() if expect == "refuted")
    assert tally[("proved", "proved")] >= 0.9 * true_total
    assert tally[("refuted", "refuted")] >= 0.9 * false_total
    assert false_total >= 25


def test_refutations_carry_certified_counterexamples(truth_results: list[verify.Result]) -> None:
    for r in truth_results:
        if r.verdict.verdict == "refuted":
            assert r.verdict.counterexample, r.claim.id
            assert r.verdict.certificate, r.claim.id


def test_the_traps(truth_results: list[verify.Result]) -> None:
    verdicts = {r.claim.id: r.verdict.verdict for r in truth_results}
    # strict monotonicity with a zero derivative at the end point
    assert verdicts["t_deriv_strict_anti_right"] == "proved"
    # open vs closed ends of a range
    assert verdicts["t_sigmoid_range_half_line"] == "proved"
    assert verdicts["f_sigmoid_range_half_line_open"] == "refuted"
    assert verdicts["f_deriv_range_open"] == "refuted"
    # identities that SymPy's .equals cannot decide
    assert verdicts["t_tanh_sigmoid"] == "proved"
    assert verdicts["t_deriv_tanh_sigmoid"] == "proved"


def test_catalogue_passes_and_names_the_false_statements(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    assert "Statements of the article that are false:" in out
    for claim_id in ("deriv_sigmoid_antitone", "sigmoid_symmetric_about_y_axis",
                     "example4_deriv_sigmoid_two", "deriv_sigmoid_range_closed"):  # fmt: skip
        assert f"  - {claim_id} " in out
    assert "0 not as expected" in out


def test_catalogue_covers_the_article_sections() -> None:
    sources = " ".join(c.source for c in verify.catalogue().claims)
    for section in ("Defining the Derivative", "Range", "Symmetry", "Monotonicity",
                    "Vanishing Gradient", "Smoothness", "Non-zero Everywhere",
                    "Example 1", "Example 2", "Example 3", "Example 4", "Example 5", "Example 6"):  # fmt: skip
        assert section in sources


def test_json_output_follows_the_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "two.claims.toml"
    path.write_text(
        '[[claim]]\nid = "good"\nlhs = "sigmoid(-x)"\nrhs = "1 - sigmoid(x)"\n\n'
        '[[claim]]\nid = "bad"\nlhs = "sigmoid(x)"\nrhs = "1/(1 + exp(x))"\n',
        encoding="utf-8",
    )
    assert main(["verify", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"proved": 1, "refuted": 1, "unknown": 0, "failed": 1}
    good, bad = data["claims"]
    keys = {"id", "kind", "statement", "verdict", "expected", "ok", "method", "certificate",
            "counterexample", "seconds"}  # fmt: skip
    assert keys <= set(good) and keys <= set(bad)
    assert good["ok"] is True and good["counterexample"] is None
    assert bad["verdict"] == "refuted" and bad["ok"] is False
    assert set(bad["counterexample"]) >= {"x", "lhs", "rhs"}
    assert all(isinstance(v, str) for v in bad["counterexample"].values())


def test_junit_and_github_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mixed.claims.toml"
    path.write_text(
        '[[claim]]\nid = "pos"\nkind = "inequality"\nlhs = "sigmoid(x)"\nop = ">"\nrhs = "0"\n\n'
        '[[claim]]\nid = "wrong"\nkind = "inequality"\nlhs = "sigmoid(x)"\nop = ">"\nrhs = "1/2"\n',
        encoding="utf-8",
    )
    summary = tmp_path / "summary.md"
    summary.write_text("existing line\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    junit = tmp_path / "out.xml"
    assert main(["verify", str(path), "--junit", str(junit)]) == 1
    capsys.readouterr()
    root = ET.parse(junit).getroot()
    cases = root.findall(".//testcase")
    assert [c.get("name") for c in cases] == ["pos", "wrong"]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None and "refuted" in failure.get("message")
    assert "counterexample" in failure.text
    table = summary.read_text(encoding="utf-8")
    assert table.startswith("existing line\n") and "| `wrong` | refuted | proved | ❌ |" in table


def test_timeout_is_enforced_even_when_the_prover_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    def stuck(claim: object) -> Verdict:
        time.sleep(120)  # like SymPy inside one long C-level computation
        raise AssertionError("not reached")

    monkeypatch.setattr(verify, "prove", stuck)
    claim = load_claims_text('[[claim]]\nid = "slow"\nlhs = "x"\nrhs = "x"\n').claims[0]
    started = time.perf_counter()
    result = verify.run_claim(claim, timeout=1.0)
    assert time.perf_counter() - started < 10
    assert result.verdict.verdict == "unknown" and result.verdict.reason == "timeout"


def test_only_and_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--only", "deriv_sigmoid", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in data["claims"]] == ["deriv_sigmoid"]
    for args in (["verify", "--only", "no_such_claim"], ["verify", "--timeout", "0"],
                 ["verify", "/nonexistent.claims.toml"]):  # fmt: skip
        assert main(args) == 2
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1 and err.startswith("symbolic: error:")


BAD_FILES = [
    ('[[claim]\nid = "a"', "malformed TOML", None),
    ('[[claim]]\nid = "a"\nkind = "theorem"\nlhs = "x"\nrhs = "x"', "'a'", "'kind'"),
    ('[[claim]]\nid = "a"\nlhs = "x"', "'a'", "'rhs'"),
    ('[[claim]]\nid = "a"\nlhs = "x"\nrhs = "x"\ncolour = "red"', "'a'", "'colour'"),
    ('[[claim]]\nid = "a"\nlhs = "x"\nrhs = "x"\n[[claim]]\nid = "a"\nlhs = "x"\nrhs = "x"', "'a' (#2)", "duplicate"),
    ('[[claim]]\nid = "a"\nlhs = "__import__(1)"\nrhs = "x"', "'a'", "'lhs'"),
    ('[[claim]]\nid = "a"\nlhs = "x"\nrhs = "x"\ndomain = "(2, 1)"', "'a'", "'domain'"),
    ('[[claim]]\nid = "a"\nlhs = "x"\nrhs = "x"\ndomain = "[0, oo]"', "'a'", "'domain'"),
    ('[[claim]]\nlhs = "x"\nrhs = "x"', "claim #1", "'id'"),
    ('[[claim]]\nid = "a"\nkind = "inequality"\nlhs = "x"\nop = "=<"\nrhs = "x"', "'a'", "'op'"),
    ('[[claim]]\nid = "a"\nkind = "value"\nexpr = "x"\nat = 0.1\nvalue = "0.1"\ndigits = 2', "'a'", "'at'"),
    ('[parameters]\nk = "complex"\n[[claim]]\nid = "a"\nlhs = "x"\nrhs = "x"', "[parameters] k", None),
    ('[definitions]\nexp = "x"\n[[claim]]\nid = "a"\nlhs = "x"\nrhs = "x"', "[definitions] exp", None),
    ('[[claim]]\nid = "a"\nlhs = "x"\nrhs = "x"\nexpect = "maybe"', "'a'", "'expect'"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "where", "field"), BAD_FILES, ids=range(len(BAD_FILES)))
def test_loading_errors_name_file_claim_and_field(
    text: str, where: str, field: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.claims.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ClaimError) as caught:
        load_claims(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and where in message
    if field:
        assert field in message
    assert main(["verify", str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def verdicts_of(text: str) -> dict[str, str]:
    """The verdict of every claim of a claims text, by id (each in its child, 60 s)."""
    return {
        c.id: verify.run_claim(c, timeout=60).verdict.verdict for c in load_claims_text(text).claims
    }


def test_value_at_a_huge_point_and_an_extremum_outside_a_parametric_domain() -> None:
    """Found by an adversarial pass: log(e^x) − x at 10^40 timed out (exact bounds of
    e^(10^40) as a Fraction); x = 1 is outside [m, 0] for every m < 0."""
    import mpmath

    with mpmath.workdps(80):
        assert mpmath.log(mpmath.exp(mpmath.mpf(10) ** 40)) - mpmath.mpf(10) ** 40 == 0
    text = (
        '[parameters]\nm = "negative"\n'
        '[[claim]]\nid = "v"\nkind = "value"\nexpr = "log(exp(x)) - x"\nat = "10**40"\n'
        'value = "0"\ndigits = 1\n'
        '[[claim]]\nid = "e"\nkind = "extremum"\nexpr = "abs(x - 1)"\ntype = "min"\nat = "1"\n'
        'value = "0"\ndomain = "[m, 0]"\nexpect = "refuted"\n'
    )
    verdicts = verdicts_of(text)
    assert verdicts == {"v": "proved", "e": "refuted"}


def test_third_adversarial_pass_alarms_and_crashes() -> None:
    """True limits whose re-check at 1e30 loses digits to cancellation stay proved; a
    parameter end that once overflowed Arb and a strict-monotone search that once timed
    out are refuted. Truths by hand, checked with mpmath."""
    import mpmath

    with mpmath.workdps(200):  # tanh(100) − 1 cancels 87 digits
        x = mpmath.mpf(100)  # the distance to each limit is below 1e-40 there
        assert abs((mpmath.tanh(x) - 1) * mpmath.exp(2 * x) + 2) < mpmath.mpf(10) ** -30
        assert abs((1 / (1 + mpmath.exp(-x)) - 1) * mpmath.exp(x) + 1) < mpmath.mpf(10) ** -30
        assert (mpmath.sqrt(2) + mpmath.sqrt(3)) ** 2 - 5 - 2 * mpmath.sqrt(6) == 0
        d = lambda t: mpmath.exp(-t) / (1 + mpmath.exp(-t)) ** 2  # noqa: E731
        assert d(-1) < d(0)  # σ′ increases on [−1, 0]: not decreasing on [r, oo) for r = −1
        s = lambda t: 1 / (1 + mpmath.exp(t))  # noqa: E731  σ(z·x) with z = −1
        assert s(0) > s(1)
    text = (
        '[parameters]\nr = "real"\nz = "nonzero"\n'
        '[[claim]]\nid = "a"\nkind = "limit"\nexpr = "(tanh(x) - 1)*exp(2*x)"\npoint = "oo"\nvalue = "-2"\n'
        '[[claim]]\nid = "b"\nkind = "limit"\nexpr = "(sigmoid(x) - 1)*exp(x)"\npoint = "oo"\nvalue = "-1"\n'
        '[[claim]]\nid = "c"\nkind = "limit"\nexpr = "((sqrt(2) + sqrt(3))**2 - 5 - 2*sqrt(6))*exp(2*x) + 3"\n'
        'point = "oo"\nvalue = "3"\n'
        '[[claim]]\nid = "d"\nkind = "monotone"\nexpr = "diff(sigmoid(x), x)"\ndirection = "decreasing"\n'
        'strict = true\ndomain = "[r, oo)"\nexpect = "refuted"\n'
        '[[claim]]\nid = "e"\nkind = "monotone"\nexpr = "sigmoid(z*x)"\ndirection = "increasing"\n'
        'strict = true\nexpect = "refuted"\n'
    )
    verdicts = verdicts_of(text)
    assert verdicts == {"a": "proved", "b": "proved", "c": "proved", "d": "refuted", "e": "refuted"}


def test_fourth_adversarial_pass_alarms() -> None:
    """Ties at CRootOf points inside tanh are recognised (tanh written with exp, so that
    e^(k log r) is r^k); a smooth claim whose re-check needs many bits keeps its proof.
    Truths by hand: tanh″ = −2t(1 − t²) reaches ±4√3/9 at t = ∓1/√3; 1 − σ(kx) > 0."""
    import mpmath

    with mpmath.workdps(60):
        x0 = -mpmath.log(2 + mpmath.sqrt(3)) / 2
        t = mpmath.tanh(x0)
        assert abs(-2 * t * (1 - t**2) - 4 * mpmath.sqrt(3) / 9) < mpmath.mpf(10) ** -50
        assert abs(mpmath.diff(mpmath.tanh, x0, 2) - 4 * mpmath.sqrt(3) / 9) < mpmath.mpf(10) ** -40
    text = (
        '[parameters]\nk = "positive"\n'
        '[[claim]]\nid = "a"\nkind = "inequality"\nlhs = "diff(tanh(x), x, 2)"\nop = "!="\n'
        'rhs = "4*sqrt(3)/9"\nexpect = "refuted"\n'
        '[[claim]]\nid = "b"\nkind = "inequality"\nlhs = "diff(tanh(x), x, 2)"\nop = ">"\n'
        'rhs = "-4*sqrt(3)/9"\nexpect = "refuted"\n'
        '[[claim]]\nid = "c"\nkind = "smooth"\nexpr = "log(1 - sigmoid(k*x))"\n'
    )
    verdicts = verdicts_of(text)
    assert verdicts == {"a": "refuted", "b": "refuted", "c": "proved"}


def test_certificates_are_structured_entries() -> None:
    """A refutation's last entry carries the counterexample as data; an unknown verdict
    ends in its reason; a value claim carries its certified value; JSON stays text."""
    text = """
[[claim]]
id = "false_identity"
kind = "identity"
lhs = "sigmoid(x)"
rhs = "1 - sigmoid(x)"

[[claim]]
id = "sigmoid_at_one"
kind = "value"
expr = "sigmoid(x)"
at = "1"
value = "0.7311"
digits = 4
"""
    results = {r.claim.id: r for r in verify.run_all([load_claims_text(text, "t")], 60)}
    refuted = results["false_identity"].verdict
    assert refuted.verdict == "refuted"
    last = [e for e in refuted.certificate if e.kind == "refutation"][-1]
    assert last.data == refuted.counterexample and "x" in last.data
    assert refuted.why == last.statement
    value = results["sigmoid_at_one"].verdict
    assert [e.data for e in value.certificate if e.kind == "value"] == [{"value": "0.7311"}]
    assert all(isinstance(line, str) for line in value.statements)
    assert "certified value" not in " ".join(value.statements)
    unknown = Verdict.unknown("m", "not decided", {"points": 3})
    assert [(e.kind, e.statement, e.data) for e in unknown.certificate] == [
        ("reason", "not decided", {"points": 3})
    ]
    wrapped = unknown.around(["first"], ["then this"])
    assert [e.kind for e in wrapped.certificate] == ["step", "step", "reason"]
