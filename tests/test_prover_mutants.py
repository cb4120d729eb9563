"""Tests that kill prover mutants no other test killed (a mutation run by hand, not in CI).

1. Claims in tests/claims/mutants.toml, each with its truth checked here independently
   with plain mpmath at 50 digits (never with the `symbolic` package), then run through
   the prover, which must give exactly the true verdict (proved or refuted).
2. Direct tests of the helpers of symbolic.numbers.exact against independent oracles: brute-force
   searches over small denominators with fractions.Fraction, Python's own rational order,
   and mpmath at 50 digits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp, mpf

from symbolic.numbers import exact
from symbolic.prove import verify
from symbolic.prove.claims import load_claims

MUTANTS = Path(__file__).parent / "claims" / "mutants.toml"
DPS = 50
K_VALUES = (mpf(1) / 1000, mpf(1) / 3, mpf(1), mpf(2), mpf(7))
GRID = [mpf(s) * mpf(10) ** e for s in (-1, 1) for e in range(-30, 4)] + [mpf(0)]

# ------------------------------------------------------------------ independent truths


def sig(x: mpf) -> mpf:
    return 1 / (1 + mpmath.exp(-x))


def dsig(x: mpf) -> mpf:
    e = mpmath.exp(-abs(x))  # σ′(x) = e^−|x| / (1 + e^−|x|)², without cancellation
    return e / (1 + e) ** 2


def truth_inv_sqrt_reals() -> None:
    value = mpmath.sqrt(mpf(-1))  # 1/sqrt(x) at x = -1 is not a real number
    assert isinstance(value, mpmath.mpc) and value.imag != 0


def truth_inv_sqrt_half_line() -> None:
    with pytest.raises(ZeroDivisionError):
        _ = 1 / mpmath.sqrt(mpf(0))  # x**(-1/2) at x = 0, a point of [0, oo), is undefined
    assert all(1 / mpmath.sqrt(x) > 0 for x in GRID if x > 0)


def truth_deriv3_half_line() -> None:
    # σ‴ = σ(1 − σ)(1 − 6σ + 6σ²): zero where σ = (3 ± √3)/6; σ ≥ 1/2 on [0, ∞)
    for x in (mpf(-2), mpf("0.3"), mpf(1), mpf(4)):
        s = sig(x)
        formula = s * (1 - s) * (1 - 6 * s + 6 * s**2)
        assert abs(mpmath.diff(sig, x, 3) - formula) < mpf(10) ** -30
    high, low = (3 + mpmath.sqrt(3)) / 6, (3 - mpmath.sqrt(3)) / 6
    assert low < mpf(1) / 2 < high
    x = mpmath.log(high / (1 - high))
    assert abs(x - mpmath.acosh(2)) < mpf(10) ** -45


def truth_deriv4_missing_zero() -> None:
    # σ⁗ is odd (σ′ is even), so σ⁗(0) = 0 and 0 is not in the listed zeros ±log(5 + 2√6)
    assert abs(mpmath.diff(sig, mpf(0), 4)) < mpf(10) ** -30
    s = mpf(1) / 2
    assert s * (1 - s) * (1 - 14 * s + 36 * s**2 - 24 * s**3) == 0
    assert mpmath.log(5 + 2 * mpmath.sqrt(6)) > 2


def truth_lim_recip() -> None:
    assert 1 / mpf("-1e-30") < -(mpf(10) ** 29)  # tends to −oo from the left, not +oo


def truth_abs_positive_left() -> None:
    tiny = mpf(10) ** -1000
    assert all(abs(x) > 0 for x in [-tiny, mpf(-1), *(x for x in GRID if x < 0)])


def truth_tanh_below_one() -> None:
    # 1 − tanh x = 2/(e^(2x) + 1) > 0: the claimed end 1 is never attained
    assert all(2 / (mpmath.exp(2 * x) + 1) > 0 for x in [*GRID, mpf(10) ** 6])


def truth_sigmoid_above_zero() -> None:
    assert all(sig(x) > 0 for x in [*GRID, -(mpf(10) ** 6)])


def truth_sigmoid_low_end_unattained() -> None:
    # σ(x) − 1/2 = tanh(x/2)/2 > 0 on (0, log 3], so 1/2 is not in the image
    assert all(mpmath.tanh(x / 2) / 2 > 0 for x in GRID if 0 < x <= mpmath.log(3))
    assert abs(sig(mpmath.log(3)) - mpf(3) / 4) < mpf(10) ** -45


def truth_sigmoid_abs_attains_half() -> None:
    assert sig(abs(mpf(0))) == mpf(1) / 2


def truth_kx_increasing() -> None:
    # d/dx σ(kx) = k σ(kx)(1 − σ(kx)) > 0 for k > 0 (both factors positive)
    assert all(k * dsig(k * x) > 0 for k in K_VALUES for x in GRID)


def truth_kx_max() -> None:
    # k σ(1 − σ) = k(1/4 − (σ − 1/2)²) <= k/4, with equality exactly at σ = 1/2, x = 0
    for k in K_VALUES:
        assert abs(k * dsig(0) - k / 4) < mpf(10) ** -45
        assert all(k * dsig(k * x) <= k / 4 * (1 + mpf(10) ** -45) for x in GRID)


TRUTHS: dict[str, Callable[[], None]] = {
    "m_inv_sqrt_pos_reals": truth_inv_sqrt_reals,
    "m_zeros_deriv3_half_line": truth_deriv3_half_line,
    "m_zeros_deriv4_missing_zero": truth_deriv4_missing_zero,
    "m_inv_sqrt_pos_half_line": truth_inv_sqrt_half_line,
    "m_lim_recip_two_sided": truth_lim_recip,
    "m_abs_positive_left": truth_abs_positive_left,
    "m_tanh_range_half_closed": truth_tanh_below_one,
    "m_sigmoid_range_closed": truth_sigmoid_above_zero,
    "m_sigmoid_range_low_end_unattained": truth_sigmoid_low_end_unattained,
    "m_sigmoid_abs_range_open": truth_sigmoid_abs_attains_half,
    "m_sigmoid_kx_strict_mono": truth_kx_increasing,
    "m_deriv_kx_pos": truth_kx_increasing,
    "m_deriv_kx_max": truth_kx_max,
    "m_sigmoid_kx_mono_param_end": truth_kx_increasing,
}

CLAIMS = {claim.id: claim for claim in load_claims(MUTANTS).claims}


def test_every_claim_has_an_independent_truth() -> None:
    assert set(CLAIMS) == set(TRUTHS)


@pytest.mark.parametrize("claim_id", sorted(TRUTHS))
def test_independent_truth(claim_id: str) -> None:
    with mp.workdps(DPS):
        TRUTHS[claim_id]()


@pytest.mark.parametrize("claim_id", sorted(TRUTHS))
def test_prover_gives_the_true_verdict(claim_id: str) -> None:
    claim = CLAIMS[claim_id]
    result = verify.run_claim(claim, timeout=60)
    v = result.verdict
    assert v.verdict == claim.expect, f"{claim_id}: {v.verdict} — {v.reason}"
    if v.verdict == "refuted":
        assert v.counterexample and v.certificate


# ------------------------------------------------------------------ exact.py helpers

FRACTIONS = st.fractions(min_value=-20, max_value=20, max_denominator=40)


def brute_simplest(low: Fraction | None, high: Fraction | None) -> Fraction:
    """The rational strictly between low and high with the smallest denominator, then the
    smallest |numerator|, by exhaustive search (None: unbounded)."""
    if low is None and high is None:
        return Fraction(0)
    for q in range(1, 10_000):
        if low is not None and high is not None:
            numerators = range(math.floor(low * q) - 1, math.ceil(high * q) + 2)
        else:
            end = high if low is None else low
            assert end is not None
            p = math.floor(end * q)
            numerators = range(min(0, p) - 2, max(0, p) + 3)
        candidates = [
            Fraction(p, q)
            for p in numerators
            if (low is None or Fraction(p, q) > low) and (high is None or Fraction(p, q) < high)
        ]
        if candidates:
            return min(candidates, key=lambda f: (abs(f.numerator), f))
    raise AssertionError("no rational found")


@settings(max_examples=300, deadline=None)
@given(FRACTIONS, FRACTIONS)
def test_simplest_between_matches_brute_force(a: Fraction, b: Fraction) -> None:
    if a == b:
        return
    low, high = min(a, b), max(a, b)
    assert exact.simplest_between(low, high) == brute_simplest(low, high)


@settings(max_examples=100, deadline=None)
@given(FRACTIONS)
def test_simplest_between_half_bounded(end: Fraction) -> None:
    assert exact.simplest_between(None, end) == brute_simplest(None, end)
    assert exact.simplest_between(end, None) == brute_simplest(end, None)


SIMPLEST_CASES = {
    (None, None): 0,
    (None, Fraction(1, 2)): 0,
    (None, Fraction(0)): -1,
    (None, Fraction(-2)): -3,
    (None, Fraction(-5, 2)): -3,
    (None, Fraction(3)): 0,
    (Fraction(-1, 2), None): 0,
    (Fraction(0), None): 1,
    (Fraction(2), None): 3,
    (Fraction(5, 2), None): 3,
    (Fraction(-3), None): 0,
    (Fraction(-1), Fraction(1)): 0,
    (Fraction(0), Fraction(1)): Fraction(1, 2),
    (Fraction(-1), Fraction(0)): Fraction(-1, 2),
    (Fraction(1), Fraction(2)): Fraction(3, 2),
    (Fraction(1), Fraction(3)): 2,
    (Fraction(2), Fraction(3)): Fraction(5, 2),
    (Fraction(-3), Fraction(-2)): Fraction(-5, 2),
    (Fraction(-3), Fraction(-1)): -2,
    (Fraction(1, 3), Fraction(1, 2)): Fraction(2, 5),
    (Fraction(355, 113), Fraction(22, 7)): Fraction(377, 120),
    (Fraction(3), Fraction(16, 5)): Fraction(19, 6),
    (Fraction(7, 2), Fraction(4)): Fraction(11, 3),
}


def test_simplest_between_fixed_cases() -> None:
    for (low, high), expected in SIMPLEST_CASES.items():
        assert brute_simplest(low, high) == expected, (low, high)
        assert exact.simplest_between(low, high) == expected, (low, high)


ENDS = [
    sympy.sqrt(2),
    sympy.sqrt(3),
    -sympy.sqrt(5),
    sympy.pi,
    sympy.E,
    sympy.log(3),
    sympy.Rational(1, 3),
    sympy.Integer(2),
    sympy.Rational(-7, 4),
    (1 + sympy.sqrt(5)) / 2,
    sympy.exp(-3),
]


def mp_value(value: sympy.Expr) -> mpf:
    return mpf(str(sympy.N(value, 60)))


def brute_simplest_mp(a: mpf, b: mpf) -> Fraction:
    for q in range(1, 2000):
        ps = [p for p in range(math.floor(a * q) - 1, math.ceil(b * q) + 2) if a < mpf(p) / q < b]
        if ps:
            return min((Fraction(p, q) for p in ps), key=lambda f: abs(f.numerator))
    raise AssertionError("no rational found")


def test_rational_between_exact_ends() -> None:
    with mp.workdps(DPS):
        for a in ENDS:
            for b in ENDS:
                va, vb = mp_value(a), mp_value(b)
                if va < vb:
                    assert exact.rational_between(a, b) == brute_simplest_mp(va, vb), (a, b)
    assert exact.rational_between(-sympy.oo, sympy.sqrt(2)) == 0
    assert exact.rational_between(sympy.sqrt(2), sympy.oo) == 2
    assert exact.rational_between(-sympy.oo, -sympy.sqrt(2)) == -2
    assert exact.rational_between(-sympy.oo, sympy.oo) == 0
    assert exact.rational_between(Fraction(1, 3), sympy.Rational(1, 2)) == Fraction(2, 5)


def test_rational_between_empty_intervals_are_none() -> None:
    assert exact.rational_between(sympy.Integer(1), sympy.Integer(1)) is None
    assert exact.rational_between(Fraction(1, 2), Fraction(1, 2)) is None
    assert exact.rational_between(Fraction(2), Fraction(1)) is None
    assert exact.rational_between(sympy.Rational(3, 7), sympy.Rational(3, 7)) is None
    assert exact.rational_between(sympy.sqrt(2), sympy.sqrt(8) / 2) is None


@settings(max_examples=200, deadline=None)
@given(FRACTIONS, FRACTIONS)
def test_order_and_sign_of_rationals(a: Fraction, b: Fraction) -> None:
    expected = (a > b) - (a < b)  # Python's own rational order
    ra, rb = exact.rational(a), exact.rational(b)
    assert exact.order(ra, rb) == expected
    assert exact.order(ra + sympy.sqrt(2), rb + sympy.sqrt(2)) == expected
    assert exact.sign(exact.rational(a - b)) == expected
    assert exact.fraction(ra) == a


def test_order_with_infinities_and_irrationals() -> None:
    oo = sympy.oo
    values = [-oo, -sympy.sqrt(3), sympy.Rational(-1, 2), sympy.Integer(0), sympy.log(2)]
    values += [sympy.sqrt(2), oo]
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            assert exact.order(a, b) == (i > j) - (i < j), (a, b)
    assert exact.order(sympy.sqrt(8), 2 * sympy.sqrt(2)) == 0
    assert exact.order(sympy.sqrt(2) * sympy.sqrt(3), sympy.sqrt(6)) == 0
    assert exact.sign(sympy.sqrt(2) + sympy.sqrt(3) - sympy.sqrt(5 + 2 * sympy.sqrt(6))) == 0
    close = sympy.Rational(14142135623730950488016887242097, 10**31)
    with mp.workdps(DPS):
        expected = int(mpmath.sign(mpmath.sqrt(2) - mp_value(close)))
    assert expected == -1  # the 31-digit decimal is just above √2
    assert exact.order(sympy.sqrt(2), close) == expected
    assert exact.sign(sympy.pi - sympy.Rational(355, 113)) == -1
    assert exact.sign(sympy.Rational(355, 113) - sympy.pi) == 1
    assert exact.sign(sympy.oo) == 1
    assert exact.sign(-sympy.oo) == -1
    assert exact.sign(sympy.Integer(0)) == 0
    assert exact.sign(sympy.Rational(-1, 10**40)) == -1
    assert exact.sign(sympy.exp(-50)) == 1
    assert exact.sign(-sympy.exp(-50)) == -1


def test_is_zero_and_minimal_polynomial() -> None:
    t = sympy.Symbol("t")
    assert exact.is_zero(sympy.Integer(0))
    assert exact.is_zero(sympy.sqrt(2) * sympy.sqrt(3) - sympy.sqrt(6))
    assert exact.is_zero(sympy.Abs(-sympy.sqrt(2)) - sympy.sqrt(2))
    assert exact.is_zero(sympy.exp(sympy.log(3)) - 3)
    assert not exact.is_zero(sympy.sqrt(2) - sympy.Rational(141421356237, 10**11))
    assert not exact.is_zero(sympy.Integer(1))
    poly = exact.minimal_polynomial(sympy.sqrt(2) + 1)
    assert poly is not None and poly.as_expr().subs(poly.gens[0], t) == t**2 - 2 * t - 1
    root = sympy.CRootOf(sympy.Poly(t**3 - t - 1, t), 0)
    poly = exact.minimal_polynomial(root)
    assert poly is not None and poly.as_expr().subs(poly.gens[0], t) == t**3 - t - 1
    assert exact.minimal_polynomial(sympy.pi) is None
    assert exact.minimal_polynomial(sympy.log(2)) is None


def test_is_root() -> None:
    t = sympy.Symbol("t")
    p = sympy.Poly((t**2 - 2) * (t - sympy.Rational(1, 3)), t)
    assert exact.is_root(p, sympy.sqrt(2)) is True
    assert exact.is_root(p, -sympy.sqrt(2)) is True
    assert exact.is_root(p, sympy.Rational(1, 3)) is True
    assert exact.is_root(p, sympy.sqrt(3)) is False
    assert exact.is_root(p, sympy.Rational(1, 2)) is False
    assert exact.is_root(p, sympy.Integer(0)) is False
    assert exact.is_root(p, sympy.pi) is None
    q = sympy.Poly(t**4 - 10 * t**2 + 1, t)  # the minimal polynomial of √2 + √3
    assert exact.is_root(q, sympy.sqrt(2) + sympy.sqrt(3)) is True
    assert exact.is_root(q, sympy.sqrt(2) + sympy.sqrt(5)) is False


def test_exp_exact_and_as_logs() -> None:
    assert exact.exp_exact(sympy.log(3)) == 3
    assert exact.exp_exact(2 * sympy.log(3)) == 9
    assert exact.exp_exact(-sympy.log(4)) == sympy.Rational(1, 4)
    assert sympy.simplify(exact.exp_exact(sympy.acosh(2)) - (2 + sympy.sqrt(3))) == 0
    assert sympy.simplify(exact.exp_exact(sympy.asinh(1)) - (1 + sympy.sqrt(2))) == 0
    assert sympy.simplify(exact.exp_exact(sympy.atanh(sympy.Rational(1, 2))) - sympy.sqrt(3)) == 0
    assert exact.exp_exact(sympy.Integer(1)) == sympy.E
    assert not exact.as_logs(sympy.acosh(2)).has(sympy.acosh)
    mixed = sympy.asinh(2) + sympy.atanh(sympy.Rational(1, 3))
    assert not exact.as_logs(mixed).has(sympy.asinh, sympy.atanh)
    with mp.workdps(DPS):
        for value in (sympy.acosh(3), sympy.asinh(2), sympy.atanh(sympy.Rational(1, 5))):
            assert abs(mp_value(exact.as_logs(value)) - mp_value(value)) < mpf(10) ** -45
