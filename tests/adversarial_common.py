"""What the adversarial regression modules share: run every claim once, and the one
rule they enforce (a decided verdict must be the truth; an unknown must say why)."""

from __future__ import annotations

from symbolic.prove import verify
from symbolic.prove.claim import Claim


def run_every_claim(claims: dict[str, Claim]) -> dict[str, verify.Result]:
    return {claim_id: verify.run_claim(claim, timeout=60) for claim_id, claim in claims.items()}


def assert_not_wrong(claim: Claim, result: verify.Result) -> None:
    verdict, expect = result.verdict, claim.expect
    assert verdict.verdict in (expect, "unknown"), (
        f"{claim.id}: the prover says {verdict.verdict}, the truth is {expect}: "
        f"{verdict.certificate}"
    )
    if verdict.verdict == "unknown":
        assert verdict.reason, "an unknown verdict must give its reason"
