"""Exact numbers: the helpers that decide order and pick sample points, against
independent references (fractions, brute force, decimal)."""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.numbers.exact import (
    exp_exact,
    is_root,
    is_zero,
    order,
    rational_between,
    simplest_between,
)

fractions = st.fractions(min_value=-1000, max_value=1000, max_denominator=10**6)


def _brute_simplest(low: Fraction, high: Fraction) -> Fraction:
    """The rational with the least denominator, then least |numerator|, in (low, high)."""
    q = 1
    while True:
        start = (low * q).__floor__() + 1
        candidates = [
            Fraction(p, q)
            for p in range(start, (high * q).__ceil__())
            if low < Fraction(p, q) < high
        ]
        if candidates:
            return min(candidates, key=abs)
        q += 1


@settings(max_examples=300, deadline=None)
@given(fractions, fractions)
def test_simplest_between_is_the_simplest(a: Fraction, b: Fraction) -> None:
    if a == b:
        return
    low, high = min(a, b), max(a, b)
    found = simplest_between(low, high)
    assert low < found < high
    assert found.denominator == _brute_simplest(low, high).denominator


@settings(max_examples=200, deadline=None)
@given(fractions, fractions)
def test_order_of_rationals_matches_fractions(a: Fraction, b: Fraction) -> None:
    x, y = sympy.Rational(a.numerator, a.denominator), sympy.Rational(b.numerator, b.denominator)
    assert order(x, y) == (a > b) - (a < b)


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=-60, max_value=60).filter(lambda k: k != 0))
def test_order_separates_e_to_a_tiny_power_from_one(k: int) -> None:
    """e^(10^-k·s) versus 1: decided in Arb even when the gap is below any float."""
    tiny = sympy.Rational(1 if k > 0 else -1, 10 ** abs(k))
    assert order(sympy.exp(tiny), sympy.S.One) == (1 if k > 0 else -1)


def test_order_decides_equal_algebraic_numbers_by_algebra() -> None:
    assert order(exp_exact(sympy.acosh(2)), 2 + sympy.sqrt(3)) == 0
    assert order(-sympy.log(sympy.Rational(5, 3)), sympy.log(sympy.Rational(3, 5))) == 0
    assert is_zero(sympy.sqrt(2) * sympy.sqrt(3) - sympy.sqrt(6))
    assert not is_zero(sympy.sqrt(2) + sympy.sqrt(3) - sympy.sqrt(10))


def test_rational_between_transcendental_ends_narrower_than_a_float() -> None:
    low, high = sympy.S.One, sympy.exp(sympy.Rational(1, 10**30))
    found = rational_between(low, high)
    with localcontext() as ctx:
        ctx.prec = 80
        upper = Decimal(1) + Decimal(10) ** -30 + Decimal(10) ** -60  # e^t < 1 + t + t² for t < 1
        assert Decimal(1) < Decimal(found.numerator) / Decimal(found.denominator) < upper
    assert rational_between(sympy.Rational(1, 3), sympy.Rational(1, 3)) is None


def test_is_root_by_minimal_polynomial() -> None:
    u = sympy.Symbol("u")
    poly = sympy.Poly(u**3 - 4 * u**2 + u, u)  # u(u² − 4u + 1): roots 0, 2 ± √3
    assert is_root(poly, 2 - sympy.sqrt(3)) is True
    assert is_root(poly, 2 + sympy.sqrt(2)) is False
    assert is_root(poly, sympy.exp(1)) is None  # transcendental: not decided by algebra


@pytest.mark.parametrize("value", ["1/3", "-7/2", "0"])
def test_order_of_a_number_with_itself_is_zero(value: str) -> None:
    number = sympy.Rational(value)
    assert order(number + sympy.sqrt(2) - sympy.sqrt(2), number) == 0


def test_integer_powers_of_balls_that_contain_zero() -> None:
    """python-flint's ** is NaN for a ball around 0; the enclosure's power is finite and
    still contains every true value (checked at exact points of the ball)."""
    import flint

    from symbolic.numbers.enclosure import integer_power

    ball = flint.arb(0, 0.5)  # [−0.5, 0.5]
    assert (ball**2).is_nan() or not (ball**2).is_finite()  # the library's behaviour we avoid
    for n in (2, 3, 4, 7):
        power = integer_power(ball, n)
        assert power.is_finite()
        for t in (Fraction(-1, 2), Fraction(-1, 7), Fraction(0), Fraction(1, 3), Fraction(1, 2)):
            exact = t**n
            assert power.contains(flint.arb(flint.fmpq(exact.numerator, exact.denominator)))
    assert integer_power(flint.arb(-3), 3) == -27 and integer_power(flint.arb(2), -2) == 0.25
