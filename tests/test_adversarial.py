"""Adversarial suite: claims the prover once decided wrongly, with their truth checked
independently.

tests/claims/adversarial.toml lists claims whose `expect` is the TRUE verdict. This file

1. checks the stated truth of every claim independently with plain mpmath at 50 digits
   (and again at 80), never with the `symbolic` package. Every claim here is FALSE by the
   undefined-point convention (README, "Where a claim holds"): the expression as written
   has no real value at a point the claim speaks of. The witness is checked on the parts
   of the expression as written: a denominator that is exactly 0, the argument of a
   log/sqrt/atanh/acosh outside its real domain, or a derivative that does not exist
   because the one-sided difference quotients of the differentiated function tend to
   different values;
2. runs every claim through the prover and demands soundness: the verdict is the true
   one or `unknown`, never the opposite promise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from mpmath import log, mp, mpf, sqrt

from symbolic.prove.claims import load_claims
from tests.adversarial_common import assert_not_wrong, run_every_claim

HERE = Path(__file__).parent
ADVERSARIAL = HERE / "claims" / "adversarial.toml"
DPS = (50, 80)

# ------------------------------------------------------------------ independent witnesses


def zero_denominator(denominator: Callable[[mpf], mpf], x: object) -> Callable[[], None]:
    """The expression divides by denominator(x), which is exactly 0 at x."""

    def run() -> None:
        assert denominator(mpf(x)) == 0, "the denominator is not 0 there"

    return run


def outside(argument: Callable[[mpf], mpf], x: object, low: object, high: object = None):
    """A function (sqrt, log, atanh, acosh) is applied to argument(x), which lies outside
    its real domain: below `low` (or, with `high`, outside the open interval)."""

    def run() -> None:
        a = argument(mpf(x))
        if high is None:
            assert a < mpf(low), f"the argument {a} is inside the real domain"
        else:
            assert a <= mpf(low) or a >= mpf(high), f"the argument {a} is inside (low, high)"

    return run


def no_derivative(f: Callable[[mpf], mpf], p: object) -> Callable[[], None]:
    """f is not differentiable at p: for h = 10^-1 .. 10^-30 the right and left difference
    quotients differ by more than 1 (for |x - p| they are +1 and -1). `p` is a number or a
    function of no arguments (evaluated at the working precision)."""

    def run() -> None:
        p_v = p() if callable(p) else mpf(p)
        for j in range(1, 31):
            h = mpf(10) ** -j
            right = (f(p_v + h) - f(p_v)) / h
            left = (f(p_v) - f(p_v - h)) / h
            assert right - left > 1, f"one-sided quotients {right}, {left} at h = {h}"

    return run


CHECKS: dict[str, Callable[[], None]] = {
    # value claims at a point where the written expression is undefined
    "adv_value_x_over_x_at_0": zero_denominator(lambda x: x, 0),
    "adv_value_x2_over_x_at_0": zero_denominator(lambda x: x, 0),
    "adv_value_sqrt_squared_at_minus1": outside(lambda x: x, -1, 0),
    "adv_value_exp_log_at_minus1": outside(lambda x: x, -1, 0),
    "adv_value_log_minus_log_at_minus2": outside(lambda x: x, -2, 0),
    "adv_value_inv_inv_at_0": zero_denominator(lambda x: x, 0),  # the inner 1/x
    "adv_value_sqrt_times_sqrt_at_minus3": outside(lambda x: x, -3, 0),
    "adv_value_tanh_atanh_at_2": outside(lambda x: x, 2, -1, 1),  # atanh needs -1 < x < 1
    "adv_value_cosh_acosh_at_0": outside(lambda x: x, 0, 1),  # acosh needs x >= 1
    "adv_value_sqrt_fourth_at_minus1": outside(lambda x: x, -1, 0),
    # the derivative of |x| (and of sqrt(x^2) = |x|) does not exist at 0
    "adv_value_diff_abs_at_0": no_derivative(lambda x: abs(x), 0),
    "adv_value_diff_sqrt_square_at_0": no_derivative(lambda x: sqrt(x**2), 0),
    # symmetry about the centre (a, 0): at x = 0 the claim needs f(a), and f = d|x - a|/dx
    # has no value at x = a
    "adv_symmetry_diff_abs_center_0": no_derivative(lambda x: abs(x), 0),
    "adv_symmetry_diff_abs_center_1": no_derivative(lambda x: abs(x - 1), 1),
    "adv_symmetry_diff_abs_center_log2": no_derivative(lambda x: abs(x - log(2)), lambda: log(2)),
}

CLAIMS = {claim.id: claim for claim in load_claims(ADVERSARIAL).claims}


def test_every_claim_has_a_check() -> None:
    assert set(CLAIMS) == set(CHECKS)


@pytest.mark.parametrize("claim_id", sorted(CHECKS))
def test_truth_is_independently_checked(claim_id: str) -> None:
    """Every claim in the file is false (expect = refuted), shown by its witness."""
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
