"""Interval branch-and-bound (symbolic.prove.branch, .mixed, .extremes): covers must be
right, failing points must fail, touching points and near-misses must not be proved.

Truths come from mpmath at 50 digits with formulas written here by hand (never from
symbolic's evaluator), and from closed forms: the SiLU minimum is −W(1/e)."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.language.parser import parse
from symbolic.prove.branch import Cover, Stuck, WrongSign, certify_sign
from symbolic.prove.claims import load_claims_text
from symbolic.prove.prover import prove


@pytest.fixture(autouse=True)
def _precision() -> Iterator[None]:
    """This module's references need 50 digits (conftest resets mpmath per test)."""
    mpmath.mp.dps = 50
    yield


def sigma(x):
    return 1 / (1 + mpmath.exp(-x))


def silu(x):
    return x * sigma(x)


def gelu(x):
    return x * (1 + mpmath.erf(x / mpmath.sqrt(2))) / 2


def gelu_tanh(x):
    c = mpmath.mpf(44715) / 10**6
    return x / 2 * (1 + mpmath.tanh(mpmath.sqrt(2 / mpmath.pi) * (x + c * x**3)))


def mish(x):
    return x * mpmath.tanh(mpmath.log1p(mpmath.exp(x)))


def verdict_of(body: str) -> str:
    claims = load_claims_text(f'[[claim]]\nid = "c"\n{body}\n')
    return prove(claims.claims[0]).verdict


def _samples(low: Fraction, high: Fraction, count: int = 400) -> list:
    a, b = (
        mpmath.mpf(low.numerator) / low.denominator,
        mpmath.mpf(high.numerator) / high.denominator,
    )
    return [a + (b - a) * k / count for k in range(count + 1)]


# ---------------------------------------------------------------- covers


@pytest.mark.parametrize(
    ("text", "reference", "low", "high", "sign"),
    [
        ("silu(x) + 0.2785", lambda x: silu(x) + mpmath.mpf("0.2785"), -30, 30, 1),
        ("gelu(x) + 0.16998", lambda x: gelu(x) + mpmath.mpf("0.16998"), -30, 30, 1),
        ("mish(x) + 0.3089", lambda x: mish(x) + mpmath.mpf("0.3089"), -30, 30, 1),
        ("x - tanh(x)", lambda x: x - mpmath.tanh(x), Fraction(1, 10**6), 20, 1),
        (
            "abs(gelu(x) - gelu_tanh(x)) - 0.0005",
            lambda x: abs(gelu(x) - gelu_tanh(x)) - mpmath.mpf("0.0005"),
            -20,
            20,
            -1,
        ),
    ],
)
def test_a_cover_holds_at_every_sample(text, reference, low, high, sign) -> None:
    outcome = certify_sign(parse(text), Fraction(low), Fraction(high), sign, True)
    assert isinstance(outcome, Cover)
    assert outcome.pieces[0].low == low and outcome.pieces[-1].high == high
    for before, after in zip(outcome.pieces, outcome.pieces[1:], strict=False):
        assert before.high == after.low  # the pieces tile the interval
    for x in _samples(Fraction(low), Fraction(high)):
        assert sign * reference(x) > 0
    for piece in outcome.pieces:  # each stated bound really holds at the piece's middle
        middle = (piece.low + piece.high) / 2
        value = reference(mpmath.mpf(middle.numerator) / middle.denominator)
        bound = mpmath.mpf(piece.bound.numerator) / piece.bound.denominator
        assert (value >= bound) if sign > 0 else (value <= bound)


def test_a_value_true_to_twelve_digits_and_false_at_thirteen_is_refuted() -> None:
    minimum = -mpmath.lambertw(1 / mpmath.e).real  # SiLU's minimum, −W(1/e)
    assert mpmath.mpf("-0.27846454276") > minimum  # so silu(x) > it is false somewhere
    outcome = certify_sign(parse("silu(x) + 0.27846454276"), Fraction(-10), Fraction(10), 1, True)
    assert isinstance(outcome, WrongSign)
    x = mpmath.mpf(outcome.x.numerator) / outcome.x.denominator
    assert silu(x) + mpmath.mpf("0.27846454276") < 0


@pytest.mark.parametrize(
    "text",
    ["(x - 1/3)**2", "(silu(x) - silu(-1))**2", "x**4", "sigmoid(x)*(x - 1/7)**2"],
)
def test_a_touching_point_is_never_covered_strictly(text) -> None:
    outcome = certify_sign(parse(text), Fraction(-1), Fraction(1), 1, True, budget=400)
    assert isinstance(outcome, Stuck | WrongSign)


# ---------------------------------------------------------------- hypothesis

small = st.fractions(min_value=-4, max_value=4, max_denominator=8)


@settings(max_examples=40, deadline=None)
@given(
    a=small, b=small, c=small, k=st.integers(1, 3), low=st.integers(-8, 0), width=st.integers(1, 8)
)
def test_random_mixed_expressions_are_decided_rightly(a, b, c, k, low, width) -> None:
    text = f"({a}) + ({b})*x*exp(-{k}*x) + ({c})*x**2*sigmoid(x)"

    def reference(x):
        return (
            mpmath.mpf(a.numerator) / a.denominator
            + mpmath.mpf(b.numerator) / b.denominator * x * mpmath.exp(-k * x)
            + mpmath.mpf(c.numerator) / c.denominator * x**2 * sigma(x)
        )

    high = low + width
    outcome = certify_sign(parse(text), Fraction(low), Fraction(high), 1, True, budget=1500)
    if isinstance(outcome, Cover):
        assert all(reference(x) > 0 for x in _samples(Fraction(low), Fraction(high), 200))
    elif isinstance(outcome, WrongSign):
        x = mpmath.mpf(outcome.x.numerator) / outcome.x.denominator
        assert reference(x) <= 0


# ---------------------------------------------------------------- claims through the prover


@pytest.mark.parametrize(
    ("body", "truth"),
    [
        ('kind = "inequality"\nlhs = "tanh(x)"\nop = "<"\nrhs = "x"\ndomain = "(0, 10]"', "proved"),
        (
            'kind = "inequality"\nlhs = "tanh(x)"\nop = "<"\nrhs = "x"\ndomain = "[0, 10]"',
            "refuted",
        ),
        (
            'kind = "inequality"\nlhs = "x - tanh(x)"\nop = "<="\nrhs = "0"\ndomain = "[-3, 0]"',
            "proved",
        ),
        (
            'kind = "inequality"\nlhs = "x - tanh(x)"\nop = ">="\nrhs = "0"\ndomain = "[-3, 0]"',
            "refuted",
        ),
        (
            'kind = "inequality"\nlhs = "x*sigmoid(x)"\nop = "<"\nrhs = "x"\ndomain = "(0, 5]"',
            "proved",
        ),
        (
            'kind = "monotone"\nexpr = "gelu(x)"\ndirection = "increasing"\n'
            'domain = "[-0.75, 30]"\nstrict = true',
            "proved",
        ),
        (
            'kind = "monotone"\nexpr = "gelu(x)"\ndirection = "increasing"\ndomain = "[-0.76, 30]"',
            "refuted",
        ),
    ],
)
def test_claims_on_compact_domains(body, truth) -> None:
    assert verdict_of(body) == truth


def test_gelu_turning_point_lies_between_the_monotone_claims() -> None:
    """The truth of the two monotone claims above: GELU′ vanishes at x₀ ≈ −0.7518."""
    x0 = mpmath.findroot(lambda x: mpmath.diff(gelu, x), -0.75)
    assert mpmath.mpf("-0.76") < x0 < mpmath.mpf("-0.75")


# ---------------------------------------------------------------- certified extrema

SILU_MIN = -mpmath.lambertw(1 / mpmath.e).real


@pytest.mark.parametrize(
    ("expr", "kind", "value", "digits", "domain", "truth"),
    [
        ("silu(x)", "min", "-0.278464542761", 12, "[-30, 30]", "proved"),
        ("silu(x)", "min", "-0.278464542760", 12, "[-30, 30]", "refuted"),
        ("silu(x)", "min", "-0.2784645428", 10, "reals", "proved"),
        ("abs(gelu(x) - gelu_tanh(x))", "max", "0.000473", 3, "[-10, 10]", "proved"),
        ("abs(gelu(x) - gelu_tanh(x))", "max", "0.0002", 1, "[-10, 10]", "refuted"),
        ("x", "min", "0.5", 1, "(0.5, 1]", "unknown"),  # the infimum is not attained
    ],
)
def test_extremum_to_certified_digits(expr, kind, value, digits, domain, truth) -> None:
    body = (
        f'kind = "extremum"\nexpr = "{expr}"\ntype = "{kind}"\nvalue = "{value}"\n'
        f'digits = {digits}\ndomain = "{domain}"'
    )
    assert verdict_of(body) == truth


def test_extremum_references() -> None:
    """The truths of the table above, by mpmath alone."""
    assert mpmath.nstr(SILU_MIN, 12) == "-0.278464542761"
    assert mpmath.nstr(SILU_MIN, 10) == "-0.2784645428"
    gap = lambda x: gelu(x) - gelu_tanh(x)  # noqa: E731
    peak = mpmath.findroot(lambda x: mpmath.diff(gap, x), -2.7)
    assert mpmath.nstr(abs(gap(peak)), 3) == "0.000473"


# ---------------------------------------------------------------- removable singularities


@pytest.mark.parametrize(
    ("expr", "point", "value", "truth"),
    [
        ("(sigmoid(x) - 1/2)/x", "0", "1/4", "proved"),  # σ′(0) = 1/4
        ("(sigmoid(x) - 1/2)/x", "0", "1/2", "refuted"),
        ("(tanh(x) - x)/x**3", "0", "-1/3", "proved"),  # tanh x = x − x³/3 + …
        ("(tanh(x) - x)/x**3", "0", "-1/6", "refuted"),
        ("(exp(x) - 1 - x)/x**2", "0", "1/2", "proved"),
        ("(softplus(x) - log(2))/x", "0", "1/2", "proved"),  # softplus′(0) = σ(0)
        ("(gelu(x) - x/2)/x**2", "0", "sqrt(2)/(2*sqrt(pi))", "proved"),  # φ(0) = 1/√(2π)
        ("(x - tanh(x))/x**4", "0", "0", "refuted"),  # ~ x⁻¹/3: unbounded
        ("sin(x)/abs(x)", "0", "1", "unknown"),  # |x| is not analytic: no verdict by Taylor
    ],
)
def test_limits_at_removable_singularities(expr, point, value, truth) -> None:
    body = f'kind = "limit"\nexpr = "{expr}"\npoint = "{point}"\nvalue = "{value}"'
    assert verdict_of(body) == truth


def test_removable_singularity_references() -> None:
    """The truths above, by mpmath's own Taylor coefficients."""
    assert mpmath.taylor(sigma, 0, 1)[1] == mpmath.mpf(1) / 4
    assert mpmath.almosteq(mpmath.taylor(mpmath.tanh, 0, 3)[3], -mpmath.mpf(1) / 3)
    assert mpmath.almosteq(mpmath.taylor(gelu, 0, 2)[2], 1 / mpmath.sqrt(2 * mpmath.pi))
    assert mpmath.almosteq(mpmath.diff(lambda x: mpmath.log1p(mpmath.exp(x)), 0), 0.5)


# ---------------------------------------------------------------- from the mutation run


def test_a_bound_met_exactly_at_an_end_covers_a_non_strict_relation_only() -> None:
    """e^x − 1 ≥ 0 on [0, 1] (equality at 0): proved non-strict, never strict."""
    assert isinstance(certify_sign(parse("exp(x) - 1"), Fraction(0), Fraction(1), 1, False), Cover)
    strict = certify_sign(parse("exp(x) - 1"), Fraction(0), Fraction(1), 1, True)
    assert isinstance(strict, WrongSign) and strict.x == 0
    below = certify_sign(parse("1 - exp(x)"), Fraction(0), Fraction(1), -1, True)
    assert not isinstance(below, Cover)
    assert isinstance(certify_sign(parse("1 - exp(x)"), Fraction(0), Fraction(1), -1, False), Cover)


def test_a_zero_at_the_middle_is_the_failing_point_of_a_strict_cover() -> None:
    outcome = certify_sign(parse("x**2*sigmoid(x)"), Fraction(-1), Fraction(1), 1, True)
    assert isinstance(outcome, WrongSign) and outcome.x == 0


def test_a_touching_point_under_an_absolute_value() -> None:
    """|GELU(x)| ≤ |x|, equality at 0 only (|Φ(x)| < 1): both sides vanish at 0."""
    assert verdict_of('kind = "inequality"\nlhs = "abs(gelu(x))"\nop = "<="\nrhs = "abs(x)"') == (
        "proved"
    )
    assert all(abs(gelu(x)) <= abs(x) for x in _samples(Fraction(-40), Fraction(40)))


def test_a_failure_in_a_sliver_beside_an_irrational_end_is_never_proved() -> None:
    """d = x − √2 − 2^−200 < 0 on (√2, √2 + 2^−200): a cover must reach the end itself."""
    body = (
        'kind = "inequality"\nlhs = "x - sqrt(2) - 2**(-200)"\nop = ">"\nrhs = "0"\n'
        'domain = "(sqrt(2), 2]"'
    )
    assert verdict_of(body) != "proved"


def test_a_claimed_extremum_one_unit_off_in_its_last_digit_is_refuted() -> None:
    """SiLU's minimum is −0.27846454276107…: −0.278464542762 is 0.93 units off."""
    assert mpmath.nstr(SILU_MIN, 12) != "-0.278464542762"
    body = (
        'kind = "extremum"\nexpr = "silu(x)"\ntype = "min"\nvalue = "-0.278464542762"\n'
        'digits = 12\ndomain = "[-30, 30]"'
    )
    assert verdict_of(body) == "refuted"


def test_an_extremum_over_a_domain_with_irrational_ends() -> None:
    """min of x² on [√2, 2] is 2, at the irrational end √2."""
    body = (
        'kind = "extremum"\nexpr = "x**2"\ntype = "min"\nvalue = "2.00"\ndigits = 3\n'
        'domain = "[sqrt(2), 2]"'
    )
    assert verdict_of(body) == "proved"
