"""Second adversarial suite: claims the prover decided wrongly in the second adversarial
hunt, with their truth checked independently.

tests/claims/adversarial2.toml lists claims whose `expect` is the TRUE verdict. This file

1. checks the stated truth of every claim independently with plain mpmath at 50 digits
   (and again at 80), never with the `symbolic` package:
   - TRUE claims about a power with a positive parameter exponent (|x|**k, x**k,
     sqrt(x)**k with k > 0): the power is defined at base 0 (0**k = 0, a real number; for
     k = 1 it is plain |x|). The relation is checked for several k (rational, integer,
     irrational, tiny, large) at many x including 0, where both sides are evaluated as
     written and must be real;
   - FALSE extremum claims whose point `at` lies outside the domain for a parameter value:
     the witness is that parameter value, the point outside the domain, and a domain point
     where the function beats the claimed extreme value;
   - FALSE zeros claims where the expression vanishes on a whole interval: the witness is
     two points of the domain, not listed, where the expression is 0 (exactly for the
     |.| pieces; below 10^(3 - dps) at both 50 and 80 digits for the identities);
2. runs every claim through the prover and demands soundness: the verdict is the true
   one or `unknown`, never the opposite promise.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from mpmath import exp, log, mp, mpf, pi, sqrt, tanh

from symbolic.prove.claims import load_claims
from tests.adversarial_common import assert_not_wrong, run_every_claim

HERE = Path(__file__).parent
ADVERSARIAL2 = HERE / "claims" / "adversarial2.toml"
DPS = (50, 80)


def sigmoid(x: mpf) -> mpf:
    return 1 / (1 + exp(-x))


def h(x: mpf) -> mpf:
    """The [definitions] entry h = |x - 1| - |x + 1|."""
    return abs(x - 1) - abs(x + 1)


def dsigmoid(x: mpf) -> mpf:
    s = sigmoid(x)
    return s * (1 - s)


# ------------------------------------------------------------------ true claims: 0**k, k > 0


def k_samples() -> list[mpf]:
    return [mpf(1) / 1000, mpf(1) / 3, mpf(1) / 2, mpf(1), mpf(2), mpf(5) / 2, +pi, mpf(17)]


def x_samples() -> list[mpf]:
    base = [mpf(0), mpf(10) ** -30, mpf(1) / 3, mpf(1) / 2, mpf(1), mpf(2), mpf(7), mpf(50)]
    return base + [-v for v in base if v != 0]


def real(v: object) -> mpf:
    """v is a real mpmath number (no complex result, no NaN)."""
    assert isinstance(v, mpf), f"{v!r} is not real"
    assert v == v, "NaN"
    return v


def close(a: mpf, b: mpf) -> bool:
    return abs(a - b) <= mpf(10) ** (5 - mp.dps) * max(1, abs(a), abs(b))


def for_all(relation: Callable[[mpf, mpf], None], xs: Callable[[], list[mpf]] = x_samples):
    def run() -> None:
        for k in k_samples():
            for x in xs():
                relation(k, x)

    return run


def nonneg_x() -> list[mpf]:
    return [x for x in x_samples() if x >= 0]


def at_zero_is_zero(f: Callable[[mpf], object]) -> Callable[[], None]:
    """f(0) is defined (real) and exactly 0 for every sampled k."""

    def run() -> None:
        for k in k_samples():
            assert real(f(k)) == 0

    return run


def both(*checks: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        for check in checks:
            check()

    return run


def rel_even(f):
    return lambda k, x: real(f(k, -x)) == real(f(k, x)) or close(f(k, -x), f(k, x))


def chk_even(f):
    def relation(k, x):
        assert rel_even(f)(k, x), (k, x)

    return for_all(relation)


def chk_identity(lhs, rhs, xs=x_samples):
    def relation(k, x):
        a, b = real(lhs(k, x)), real(rhs(k, x))
        assert a == b or close(a, b), (k, x, a, b)

    return for_all(relation, xs)


def chk_nonneg(f, xs=x_samples):
    def relation(k, x):
        assert real(f(k, x)) >= 0, (k, x)

    return for_all(relation, xs)


def chk_range_zero_to_oo() -> None:
    """|x|^k takes 0 (at x = 0), every y > 0 (at x = y^(1/k)), and nothing negative."""
    for k in k_samples():
        assert real(abs(mpf(0)) ** k) == 0
        for y in (mpf(10) ** -20, mpf(1) / 7, mpf(1), mpf(10) ** 20):
            x = y ** (1 / k)
            assert close(real(abs(x) ** k), y)
    chk_nonneg(lambda k, x: abs(x) ** k)()


def chk_strictly_increasing_xk() -> None:
    xs = sorted(nonneg_x())
    for k in k_samples():
        values = [real(x**k) for x in xs]
        assert all(a < b for a, b in pairwise(values)), k


# ------------------------------------------------------------------ false extremum claims


def at_outside(at: mpf, lo: object, hi: object, beaten_at: mpf, f, claimed: mpf, kind: str):
    """For the parameter value that gives the domain [lo, hi] (None = infinite end), the
    point `at` is outside the domain, and the domain point `beaten_at` has a value beyond
    the claimed extreme value (below it for a min, above for a max)."""

    def run() -> None:
        low = None if lo is None else mpf(lo)
        high = None if hi is None else mpf(hi)
        assert (low is not None and at < low) or (high is not None and at > high)
        assert low is None or beaten_at >= low
        assert high is None or beaten_at <= high
        value = f(beaten_at)
        if kind == "min":
            assert value > claimed, "the claimed min is not beaten: pick another point"
        else:
            assert value < claimed
        assert f(at) == claimed or close(f(at), claimed), "the claim's own pair f(at) = value"

    return run


# ------------------------------------------------------------------ false zeros claims


def unlisted_zeros(
    f, points: list[object], listed: list[object], lo, hi, lo_open, hi_open, exact: bool = True
):
    """f vanishes at each of `points` (two or more), which lie in the domain and are none of
    the listed zeros: the zero set is not the list. Points and ends may be functions of no
    arguments, evaluated at the working precision."""

    def run() -> None:
        low = None if lo is None else (lo() if callable(lo) else mpf(lo))
        high = None if hi is None else (hi() if callable(hi) else mpf(hi))
        for p in points:
            x = mpf(p) if not callable(p) else p()
            if low is not None:
                assert x > low if lo_open else x >= low
            if high is not None:
                assert x < high if hi_open else x <= high
            for z in listed:
                assert x != mpf(z), "the witness is a listed zero"
            v = f(x)
            if exact:
                assert v == 0, (x, v)
            else:
                assert abs(v) <= mpf(10) ** (3 - mp.dps), (x, v)

    return run


TINY = lambda: 1 + mpf(10) ** -41  # noqa: E731  (in [1, 1 + 10^-40], at 50 and 80 digits)
TINY2 = lambda: 1 + mpf(10) ** -42  # noqa: E731
TINY_END = lambda: 1 + mpf(10) ** -40  # noqa: E731  (evaluated at the working precision)
HALF = mpf(1) / 2

CHECKS: dict[str, Callable[[], None]] = {
    # ---- 0**k with k > 0 is defined and 0
    "adv2_par_absk_even": both(
        chk_even(lambda k, x: abs(x) ** k), at_zero_is_zero(lambda k: abs(mpf(0)) ** k)
    ),
    "adv2_p_val_absk_0": at_zero_is_zero(lambda k: abs(mpf(0)) ** k),
    "adv2_p_id_absk_sq": chk_identity(
        lambda k, x: abs(x) ** k * abs(x) ** k, lambda k, x: abs(x) ** (2 * k)
    ),
    "adv2_p_in_absk_ge0": chk_nonneg(lambda k, x: abs(x) ** k),
    "adv2_p_rg_absk": chk_range_zero_to_oo,
    "adv2_p_par_absk1_even": both(
        chk_even(lambda k, x: abs(x) ** (k + 1)), at_zero_is_zero(lambda k: abs(mpf(0)) ** (k + 1))
    ),
    "adv2_p_mo_xk": chk_strictly_increasing_xk,
    "adv2_p_ext_absk": both(
        at_zero_is_zero(lambda k: abs(mpf(0)) ** k), chk_nonneg(lambda k, x: abs(x) ** k)
    ),
    "adv2_p_sym_absk": chk_identity(
        lambda k, x: abs((1 - x) - 1) ** k, lambda k, x: abs((1 + x) - 1) ** k
    ),
    "adv2_z_in_xk_ge0": both(
        chk_nonneg(lambda k, x: x**k, nonneg_x), at_zero_is_zero(lambda k: mpf(0) ** k)
    ),
    "adv2_z_id_sqrt_k": chk_identity(
        lambda k, x: sqrt(x) ** k, lambda k, x: x ** (k / 2), nonneg_x
    ),
    # ---- the extremum point lies outside the domain for some parameter value
    # k = 1/2: domain [0, 1/2], 1 outside; the min there is 1/4 at 1/2, not 0
    "adv2_ext_sq_min_0k": at_outside(mpf(1), 0, HALF, HALF, lambda x: (x - 1) ** 2, mpf(0), "min"),
    # k = 1: domain [1, 2] ([1, oo)), 0 outside; the min is 1, not 0
    "adv2_q_ext_x2_k2": at_outside(mpf(0), 1, 2, mpf(1), lambda x: x**2, mpf(0), "min"),
    "adv2_q_ext_x2_k2b": at_outside(mpf(0), 1, None, mpf(1), lambda x: x**2, mpf(0), "min"),
    # m = -1: domain (-oo, -1], 0 outside; the min is 1 at -1
    "adv2_q_ext_x2_minf_0": at_outside(mpf(0), None, -1, mpf(-1), lambda x: x**2, mpf(0), "min"),
    # k = 1: domain [1, oo), 0 outside; the max is sigma'(1) < 1/4
    "adv2_q_ext_dsig_k_at0": at_outside(mpf(0), 1, None, mpf(1), dsigmoid, mpf(1) / 4, "max"),
    # ---- the expression is 0 on a whole interval
    "adv2_ze_h_plus2": unlisted_zeros(lambda x: h(x) + 2, [2, 5], ["1"], None, None, 0, 0),
    "adv2_r_ze_absx_minus_x_12": unlisted_zeros(
        lambda x: abs(x) - x, ["1.5", "1.25"], [], 1, 2, True, True
    ),
    "adv2_r_ze_absx_minus_x": unlisted_zeros(lambda x: abs(x) - x, [1, 3], ["0"], None, None, 0, 0),
    "adv2_r_ze_h2": unlisted_zeros(lambda x: h(x) - 2, [-2, -7], ["-1"], None, None, 0, 0),
    "adv2_r_ze_relu": unlisted_zeros(lambda x: (x + abs(x)) / 2, [-1, -3], ["0"], None, None, 0, 0),
    "adv2_r_ze_tri": unlisted_zeros(
        lambda x: abs(x - 1) + abs(x + 1) - 2, [0, "0.5"], ["-1", "1"], None, None, 0, 0
    ),
    "adv2_r_ze_sqrtsq": unlisted_zeros(lambda x: sqrt(x**2) - x, [1, 4], ["0"], None, None, 0, 0),
    "adv2_r_ze_xabs": unlisted_zeros(lambda x: x * abs(x) - x**2, [1, 3], ["0"], None, None, 0, 0),
    "adv2_r_ze_sigsum": unlisted_zeros(
        lambda x: sigmoid(x) + sigmoid(-x) - 1, [1, -3], [], None, None, 0, 0, exact=False
    ),
    "adv2_r_ze_abstanh": unlisted_zeros(
        lambda x: abs(tanh(x)) - tanh(abs(x)), [1, -2], [], None, None, 0, 0
    ),
    "adv2_r_ze_logexp": unlisted_zeros(
        lambda x: log(exp(x)) - x, [1, -3], [], None, None, 0, 0, exact=False
    ),
    "adv2_z_ze_tanh_id": unlisted_zeros(
        lambda x: tanh(x) - 2 * sigmoid(2 * x) + 1, [1, -2], [], None, None, 0, 0, exact=False
    ),
    "adv2_r_ze_h2_tiny": unlisted_zeros(
        lambda x: h(x) + 2, [TINY, TINY2], ["1"], 0, TINY_END, False, False, exact=False
    ),
    "adv2_r_ze_h2_tiny_open": unlisted_zeros(
        lambda x: h(x) + 2, [TINY, TINY2], [], 1, TINY_END, True, True, exact=False
    ),
    "adv2_r_ze_xabs_neg": unlisted_zeros(
        lambda x: x * abs(x) + x**2, [-1, "-0.5"], ["0"], -1, 1, False, False
    ),
    "adv2_r_ze_relu_shift": unlisted_zeros(
        lambda x: abs(x - 1) - (x - 1), ["1.5", 2], ["1"], 0, 2, False, False
    ),
    "adv2_r_ze_sig_const": unlisted_zeros(lambda x: sigmoid(x) * 0, [0, 1], [], 0, 1, False, False),
}

CLAIMS = {claim.id: claim for claim in load_claims(ADVERSARIAL2).claims}
TRUE_CLAIMS = {cid for cid in CHECKS if cid.startswith(("adv2_par_", "adv2_p_", "adv2_z_i"))}


def test_every_claim_has_a_check() -> None:
    assert set(CLAIMS) == set(CHECKS)


@pytest.mark.parametrize("claim_id", sorted(CHECKS))
def test_truth_is_independently_checked(claim_id: str) -> None:
    """Every claim's `expect` is shown by its check: the relation holds at every sample
    (true claims) or the witness breaks it (false claims)."""
    expect = "proved" if claim_id in TRUE_CLAIMS else "refuted"
    assert CLAIMS[claim_id].expect == expect
    for dps in DPS:
        with mp.workdps(dps):
            CHECKS[claim_id]()


@pytest.fixture(scope="module")
def verdicts() -> dict[str, object]:
    return run_every_claim(CLAIMS)


@pytest.mark.parametrize("claim_id", sorted(CHECKS))
def test_no_wrong_verdict(claim_id: str, verdicts: dict) -> None:
    assert_not_wrong(CLAIMS[claim_id], verdicts[claim_id])
