"""`symbolic check` linking pieces where |g| = ±g (the signs of g re-verified exactly) and
extrema to N digits (the attained point and the tails of f − c): real certificates of
`symbolic verify --json` re-verified, tampered ones refused or left partly checked."""

from __future__ import annotations

import copy

import pytest
import sympy

from symbolic.language.parser import X, parse_constant
from symbolic.prove.check import check_claim
from symbolic.prove.check_branches import signs_hold
from tests.cli_common import verified_claims

CLAIMS = """
[[claim]]
id = "abs_tanh_lt_one"
kind = "inequality"
lhs = "abs(tanh(x))"
op = "<"
rhs = "1"

[[claim]]
id = "abs_tanh_le_abs"
kind = "inequality"
lhs = "abs(tanh(x))"
op = "<="
rhs = "abs(x)"

[[claim]]
id = "deriv_tanh_max"
kind = "extremum"
expr = "diff(tanh(x), x)"
type = "max"
at = "0"
value = "1"

[[claim]]
id = "silu_min"
kind = "extremum"
expr = "silu(x)"
type = "min"
value = "-0.2785"
digits = 4
"""


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    return verified_claims(CLAIMS, tmp_path_factory.mktemp("pieces"))


def data_entries(claim: dict, key: str) -> list[dict]:
    return [e["data"] for e in claim["certificate_data"] if key in e.get("data", {})]


def test_good_certificates_re_verify(certificates: dict) -> None:
    for claim in certificates.values():
        assert check_claim(claim).status == "re-verified", check_claim(claim)


def test_signs_of_g_exactly() -> None:
    tanh, oo = sympy.tanh(X), sympy.oo
    assert signs_hold(((tanh, -1),), -oo, sympy.S.Zero)
    assert not signs_hold(((tanh, -1),), -oo, sympy.S.One)
    assert signs_hold(((X, 1), (tanh, 1)), sympy.S.Zero, oo)
    assert not signs_hold(((X, 1),), -sympy.S.One, oo)
    root = parse_constant("log(3)/2")  # tanh(log(3)/2) = 1/2: an irrational end, a root
    assert signs_hold(((2 * tanh - 1, 1),), root, oo)
    assert not signs_hold(((2 * tanh - 1, 1),), root - sympy.Rational(1, 1000), oo)
    assert not signs_hold(((sympy.Abs(X) - 1, 1),), sympy.S(2), oo)  # |·| is not judged


def test_branch_piece_dropped_or_moved(certificates: dict) -> None:
    dropped = copy.deepcopy(certificates["abs_tanh_lt_one"])
    forms = [e for e in dropped["certificate_data"] if "exp_form" in e.get("data", {})]
    dropped["certificate_data"].remove(forms[1])
    assert check_claim(dropped).status == "partly checked"
    moved = copy.deepcopy(certificates["abs_tanh_lt_one"])
    form = data_entries(moved, "exp_form")[0]["exp_form"]  # −1 − tanh(x), where tanh ≤ 0
    form.update(domain="[0, oo)", u_low="1", u_high="oo", pieces=[["2", -1]])
    report = check_claim(moved)
    assert report.status == "partly checked"  # the chart holds there, the branch's sign not


def test_branch_cover_tampered(certificates: dict) -> None:
    gap = copy.deepcopy(certificates["abs_tanh_le_abs"])
    tail = next(
        e for e in gap["certificate_data"] if e.get("data", {}).get("tail", {}).get("side") == "1"
    )
    gap["certificate_data"].remove(tail)
    report = check_claim(gap)
    assert report.status == "FAILED" and "gap in the cover" in report.lines[0]
    flipped = copy.deepcopy(certificates["abs_tanh_le_abs"])
    cover = next(
        d for d in data_entries(flipped, "cover") if d["what"] == "d" and d["cover"]["low"] == "1/8"
    )
    cover["expr"] = "x - tanh(x)"  # the other branch: its cover's bounds no longer hold
    assert check_claim(flipped).status == "FAILED"


def test_extremum_attained_tampered(certificates: dict) -> None:
    good = certificates["silu_min"]

    def tampered(change) -> dict:
        claim = copy.deepcopy(good)
        change(claim)
        return claim

    def attained(claim: dict) -> dict:
        return data_entries(claim, "attained")[0]["attained"]

    away = tampered(lambda c: attained(c).update(x="0"))  # f(0) = 0: not below the bound
    assert check_claim(away).status == "FAILED"
    outside = tampered(lambda c: attained(c).update(bound="-0.27"))  # above v + h
    report = check_claim(outside)
    assert report.status == "FAILED" and "outside the rounding interval" in report.lines[0]
    assert check_claim(tampered(lambda c: attained(c).update(x="100"))).status == "FAILED"

    def drop_attained(claim: dict) -> None:
        claim["certificate_data"] = [
            e for e in claim["certificate_data"] if "attained" not in e["data"]
        ]

    assert check_claim(tampered(drop_attained)).status == "partly checked"

    def drop_top_tail(claim: dict) -> None:  # the last tail toward +∞ is one of f − c
        tails = [
            e for e in claim["certificate_data"] if e["data"].get("tail", {}).get("side") == "1"
        ]
        claim["certificate_data"].remove(tails[-1])

    report = check_claim(tampered(drop_top_tail))
    assert report.status == "partly checked" and "no tail of f − c toward oo" in report.lines[-1]
    higher = tampered(lambda c: c["fields"].update(value="-0.2784"))  # min ≈ −0.278465
    assert check_claim(higher).status == "FAILED"
    as_max = tampered(lambda c: c["fields"].update(type="max"))
    assert check_claim(as_max).status == "FAILED"


def test_timeout_keeps_certified_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """A claim that runs out of time is `unknown (timeout)` with the pieces certified
    before the deadline in its certificate data; `check` has nothing to re-verify."""
    import time

    from symbolic.prove import progress, verify
    from symbolic.prove.claims import load_claims_text
    from symbolic.prove.verdict import Entry

    piece = {"tail": {"side": "1", "R": "2"}, "what": "d", "expr": "x"}

    def slow(claim: object) -> None:
        progress.report(Entry("step", "tail: t ≥ 2", piece))
        time.sleep(60)

    monkeypatch.setattr(verify, "prove", slow)
    claim = load_claims_text('[[claim]]\nid = "slow"\nlhs = "x"\nrhs = "x"\n').claims[0]
    result = verify.run_claim(claim, timeout=2.0)
    assert result.verdict.verdict == "unknown" and result.verdict.reason == "timeout"
    data = result.as_json()
    assert data["certificate_data"][0]["data"] == piece
    assert data["evidence"] == {"timeout_seconds": 2.0, "pieces_certified": 1}
    report = check_claim(data)
    assert report.status == "no data" and "timeout" in report.lines[0]


def test_fields_out_of_their_choices_and_the_extremum_point(certificates: dict) -> None:
    """f(at) = value is re-verified too (the data carries only the relation); a field
    outside its choices (op, type) leaves the claim unlinked, never re-verified."""

    def changed(claim_id: str, **fields: str) -> str:
        claim = copy.deepcopy(certificates[claim_id])
        claim["fields"].update(fields)
        return check_claim(claim).status

    assert changed("deriv_tanh_max") == "re-verified"
    assert changed("deriv_tanh_max", at="log(2)") == "FAILED"  # tanh′(log 2) = 16/25
    assert changed("deriv_tanh_max", at="7") == "FAILED"
    assert changed("deriv_tanh_max", type="maximum") != "re-verified"
    assert changed("abs_tanh_lt_one", op="pi") != "re-verified"
    assert changed("silu_min", type="least") != "re-verified"
