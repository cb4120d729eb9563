"""Third adversarial suite: claims the prover decided wrongly in the third adversarial hunt,
with their truth checked independently.

tests/claims/adversarial3.toml lists claims whose `expect` is the TRUE verdict (all of them
are false claims: "refuted"). This file

1. checks the stated truth of every claim independently with plain mpmath at 50 digits
   (and again at 80), never with the `symbolic` package:
   - claims about powers whose exponents cancel (x**n*x**(-n), abs(x)**k/abs(x)**k): the
     witness is a parameter value of the declared kind (n = 1 an integer, r = 1 a real,
     several k > 0) and x = 0, where the expression AS WRITTEN divides by zero (mpmath
     raises ZeroDivisionError), so the claim is false at that point of its domain;
   - limit claims at a point the domain does not approach: the witness is the positive
     distance from the point to the domain (or, for oo/-oo, the finite end of the domain
     on that side), so no sequence of domain points tends to the point and the limit
     within the domain does not exist;
2. runs every claim through the prover and demands soundness: the verdict is the true
   one or `unknown` (with a reason), never the opposite promise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from mpmath import exp, mp, mpf, pi

from symbolic.prove.claims import load_claims
from tests.adversarial_common import assert_not_wrong, run_every_claim

HERE = Path(__file__).parent
ADVERSARIAL3 = HERE / "claims" / "adversarial3.toml"
DPS = (50, 80)


# ------------------------------------------------------------------ undefined at x = 0


def undefined(f: Callable[[mpf], object]) -> bool:
    """f(x) as written has no real value: mpmath divides by zero."""
    try:
        f(mpf(0))
    except ZeroDivisionError:
        return True
    return False


def undefined_at_0(f: Callable[[mpf, mpf], object], params: list[object]) -> Callable[[], None]:
    """For each witness parameter value p, the expression f(p, x) is undefined at x = 0 (a
    point of the claim's domain, the reals), and it is defined (and 1 or 0) at other x."""

    def run() -> None:
        for raw in params:
            p = mpf(raw)
            assert undefined(lambda x, p=p: f(p, x)), p
            for x in (mpf(1) / 3, mpf(2), -mpf(5)):
                v = f(p, x)
                assert v == v  # defined elsewhere: the failure is the point 0 alone

    return run


def int_pow(x: mpf, n: mpf) -> mpf:
    """x**n for an integer n, as written: 0**(-1) = 1/0 raises."""
    n = int(n)
    return x**n if n >= 0 else 1 / x ** (-n)


def xn_xmn(n: mpf, x: mpf) -> mpf:
    return int_pow(x, n) * int_pow(x, -n)


def absr_absmr(r: mpf, x: mpf) -> mpf:
    a = abs(x)
    return (a**r if r > 0 else 1 / a ** (-r)) * (1 / a**r if r > 0 else a ** (-r))


def x2r_x2mr(r: mpf, x: mpf) -> mpf:
    return absr_absmr(r, x * x) if x != 0 else absr_absmr(r, mpf(0))


def absk_over_absk(k: mpf, x: mpf) -> mpf:
    return abs(x) ** k / abs(x) ** k


K_SAMPLES = [mpf(1) / 1000, mpf(1) / 2, 1, 2, mpf(5) / 2, pi, 17]


# ------------------------------------------------------------------ limits off the domain


def point_off_domain(point: object, lo: object, hi: object) -> Callable[[], None]:
    """The limit point is not approached by the domain [lo, hi] (None = infinite end):
    for a finite point, its distance to the closed hull of the domain is positive; for oo
    (-oo), the domain has a finite upper (lower) end."""

    def run() -> None:
        low = None if lo is None else mpf(lo)
        high = None if hi is None else mpf(hi)
        if point == "oo":
            assert high is not None
        elif point == "-oo":
            assert low is not None
        else:
            p = mpf(point)
            gap = max(low - p if low is not None else mpf(0), p - high if high is not None else 0)
            assert gap > mpf(1) / 2, gap

    return run


CHECKS: dict[str, Callable[[], None]] = {
    "adv3_pow_id_xn_xmn": undefined_at_0(xn_xmn, [1, 2, -1]),
    "adv3_pow_id_absr": undefined_at_0(absr_absmr, [1, mpf(1) / 2, -1]),
    "adv3_pow_id_x2r": undefined_at_0(x2r_x2mr, [1, -3]),
    "adv3_pow_val_xn": undefined_at_0(xn_xmn, [1]),
    "adv3_pow_val_absr": undefined_at_0(absr_absmr, [1]),
    "adv3_pow_par_xn": undefined_at_0(xn_xmn, [1]),
    "adv3_pow_in_xn": undefined_at_0(xn_xmn, [1]),
    "adv3_pow_rg_xn": undefined_at_0(xn_xmn, [1]),
    "adv3_pow_ze_xn": undefined_at_0(lambda n, x: xn_xmn(n, x) - 1 + x, [1]),
    "adv3_pow_sm_absk": undefined_at_0(absk_over_absk, K_SAMPLES),
    "adv3_lim_out_x2": point_off_domain(3, 0, 1),
    "adv3_lim_out_sig2": point_off_domain(2, 0, 1),
    "adv3_lim_out_sig_open": point_off_domain(-1, 0, 1),
    "adv3_lim_out_oo": point_off_domain("oo", 0, 1),
    "adv3_lim_out_moo": point_off_domain("-oo", 0, None),
}

CLAIMS = {claim.id: claim for claim in load_claims(ADVERSARIAL3).claims}


def test_every_claim_has_a_check() -> None:
    assert set(CLAIMS) == set(CHECKS)


def test_formulas_are_the_claims() -> None:
    """The mpmath formulas above agree with the claims' own expressions away from 0 (a
    guard against checking a different expression): x**n*x**(-n) = 1, and so on."""
    with mp.workdps(50):
        for x in (mpf(1) / 3, mpf(2), -mpf(5)):
            assert xn_xmn(mpf(3), x) == 1 or abs(xn_xmn(mpf(3), x) - 1) < mpf(10) ** -45
            assert abs(absr_absmr(pi, x) - 1) < mpf(10) ** -45
            assert abs(absk_over_absk(pi, x) - 1) < mpf(10) ** -45
        assert exp(0) == 1


@pytest.mark.parametrize("claim_id", sorted(CHECKS))
def test_truth_is_independently_checked(claim_id: str) -> None:
    """Every claim's `expect` ("refuted") is shown by its witness."""
    assert CLAIMS[claim_id].expect == "refuted"
    for dps in DPS:
        with mp.workdps(dps):
            CHECKS[claim_id]()


@pytest.fixture(scope="module")
def verdicts() -> dict[str, object]:
    return run_every_claim(CLAIMS)


@pytest.mark.parametrize("claim_id", sorted(CHECKS))
def test_no_wrong_verdict(claim_id: str, verdicts: dict) -> None:
    assert_not_wrong(CLAIMS[claim_id], verdicts[claim_id])
