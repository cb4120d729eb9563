"""The pieces of `grade_chunk` against definitions written out here: ULP errors by exact
rational arithmetic, the zero-run state by a plain loop, and the skipped max of
all-correct chunks, which must leave every grade unchanged."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from symbolic.arith import ieee
from symbolic.grade import grading
from symbolic.grade.implementations import resolve
from symbolic.grade.zeros import zero_state

FORMATS = ["float64", "float32", "float16", "bfloat16"]


def _exact_ulp_error(y: float, hi: float, lo: float, fmt: ieee.Format) -> float:
    """|y − v| / 2^(max(e, emin) − p + 1), v = hi + lo, e = ⌊log2 |v|⌋, all exact; a zero
    lo signed toward 0 (−0.0 for hi > 0, +0.0 for hi < 0) puts v infinitesimally below
    |hi| (`symbolic.numbers.sides`): e of a power of two hi is then one less."""
    if math.isnan(y) and math.isnan(hi):
        return 0.0
    if not (math.isfinite(y) and math.isfinite(hi)):
        return math.inf if not math.isfinite(y) or math.isnan(hi) else math.nan
    v = Fraction(hi) + Fraction(lo)
    e = fmt.emin
    if v:
        e = math.floor(math.log2(abs(v)))  # then corrected exactly
        while Fraction(2) ** e > abs(v):
            e -= 1
        while Fraction(2) ** (e + 1) <= abs(v):
            e += 1
    if v and lo == 0 and math.copysign(1, lo) != math.copysign(1, hi) and abs(v) == 2**e:
        e -= 1
    quantum = Fraction(2) ** (max(e, fmt.emin) - fmt.precision + 1)
    return float(abs(Fraction(y) - v) / quantum)


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(FORMATS), finite, st.floats(-1, 1), st.integers(-3, 3))
@example("float64", 1.0, -0.5, 0)  # v just below a power of two: the binade below
@example("float32", 2.0**-130, 0.25, 1)  # below float32's emin: the subnormal quantum
@example("float64", 2.0**-1070, 0.0, 2)  # float64's own quanta are subnormal
@example("float32", 1.0, -0.0, -1)  # lo = −0.0: v just below 1, the binade below
@example("float32", -1.0, 0.0, 1)  # lo = +0.0 below −1 in magnitude: toward 0
@example("float64", -4.0, -0.0, -1)  # lo = −0.0 away from 0: the binade of −4
def test_ulp_errors_are_exact(name: str, hi: float, fraction: float, steps: int) -> None:
    fmt = ieee.FORMATS[name]
    lo = fraction * math.ulp(hi) / 2 if hi else 0.0
    with np.errstate(all="ignore"):  # hi beyond the format's range: y is ±inf, skipped
        y = np.array([hi], dtype=np.float64).astype(fmt.dtype)
        for _ in range(abs(steps)):  # a result some quanta away, in the format
            y = np.nextafter(y, np.array([math.copysign(math.inf, steps)], dtype=fmt.dtype))
    y64 = float(y[0])
    if not math.isfinite(y64):
        return
    want = _exact_ulp_error(y64, hi, lo, fmt)
    got = float(grading.ulp_errors(y, np.array([hi]), np.array([lo]), fmt)[0])
    assert got == want or abs(got - want) <= 1e-12 * want, (got, want)


def test_ulp_errors_of_special_values() -> None:
    fmt = ieee.FORMATS["float32"]
    y = np.array([np.nan, np.nan, np.inf, 1.0, np.inf], dtype=np.float32)
    hi = np.array([np.nan, 1.0, 1.0, np.nan, np.inf])
    lo = np.zeros(5)
    assert list(grading.ulp_errors(y, hi, lo, fmt)) == [0.0, np.inf, np.inf, np.inf, np.inf]


def _plain_zero_state(bits, got, want, width):
    """The definition, by a loop over each sign in order of growing |x|."""
    state = {}
    for side in (0, 1):
        last_good, start, seen_zero = None, None, False
        for b, g, w in zip(bits, got, want, strict=True):
            if (int(b) >> (width - 1)) != side or w == 0 or math.isnan(w):
                continue
            if g != 0:
                last_good, start = int(b), None
            else:
                seen_zero = True
                start = int(b) if start is None else start
        if last_good is not None:
            state[side] = ("reset", start, last_good)
        elif seen_zero:
            state[side] = ("zeros", start, None)
        else:
            state[side] = ("none", None, None)
    return state


values = st.sampled_from([0.0, 1.0, 2.5, math.nan])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 65535), values, values), max_size=60))
def test_zero_state_is_the_loop(rows: list[tuple[int, float, float]]) -> None:
    rows = sorted({b: (b, g, w) for b, g, w in rows}.values())
    bits = np.array([r[0] for r in rows], dtype=np.uint16)
    got = np.array([r[1] for r in rows])
    want = np.array([r[2] for r in rows])
    fmt = ieee.FORMATS["float16"]
    assert zero_state(bits, got, want, fmt) == _plain_zero_state(bits, got, want, 16)


def test_a_long_chunk_finds_the_last_good_far_from_its_end() -> None:
    """The backwards search in doubling blocks, across block edges."""
    n = 50_000
    bits = np.arange(n, dtype=np.uint32)
    want = np.ones(n)
    got = np.zeros(n)
    got[12_345] = 1.0  # the only good result; every later one is a wrong zero
    state = zero_state(bits, got, want, ieee.FORMATS["float32"])
    assert state[0] == ("reset", 12_346, 12_345)
    assert state[1] == ("none", None, None)


def test_the_last_good_is_found_at_every_block_edge() -> None:
    """The doubling blocks of the backwards search meet at 50 000 − 4 096 and then
    8 192 further down: a lone good result on either side of each edge is found."""
    n = 50_000
    bits = np.arange(n, dtype=np.uint32)
    want = np.ones(n)
    for good in (0, 37_711, 37_712, 45_903, 45_904, n - 1):
        got = np.zeros(n)
        got[good] = 1.0
        state = zero_state(bits, got, want, ieee.FORMATS["float32"])
        after = good + 1 if good + 1 < n else None
        assert state[0] == ("reset", after, good), good


def test_an_all_correct_chunk_reports_its_exact_max_unless_told_to_skip() -> None:
    """Every float16 result of the stable σ′ is correctly rounded; its max is below 0.5
    (computed); skipped, the chunk says 0.5, a bound."""
    target = grading.target_of("diff(sigmoid(x), x)")
    implementation = resolve("stable", target.named)
    fmt = ieee.FORMATS["float16"]
    bits = np.arange(0x3C00, 0x4400, dtype=np.uint16)  # x in [1, 4)
    exact = grading.grade_chunk(bits, implementation, target, fmt, keep=3)
    assert exact.correctly_rounded == exact.inputs == len(bits)
    assert 0 < exact.max_ulp < 0.5
    skipped = grading.grade_chunk(bits, implementation, target, fmt, 3, max_if_all_correct=False)
    assert skipped.max_ulp == 0.5 and skipped.correctly_rounded == exact.correctly_rounded


def test_a_grade_with_wrong_results_is_the_same_on_one_or_two_workers() -> None:
    """Workers that saw a wrong result skip the max of all-correct chunks: the grade's
    max is the wrong result's, so one worker (which sees chunks in order) and two agree,
    and both equal the maximum over every input computed here chunk by chunk."""
    one = grading.grade("numpy", "sigmoid(x)", "float32", exhaustive=True, stride=257).as_json()
    two = grading.grade(
        "numpy", "sigmoid(x)", "float32", exhaustive=True, jobs=2, stride=257
    ).as_json()
    assert one == two
    target = grading.target_of("sigmoid(x)")
    fmt = ieee.FORMATS["float32"]
    implementation = resolve("numpy", target.named)
    worst = 0.0
    for start in range(0, 1 << 32, 1 << 22):
        bits = np.arange(start, start + (1 << 22), 257, dtype=np.uint64).astype(np.uint32)
        worst = max(worst, grading.grade_chunk(bits, implementation, target, fmt, 1).max_ulp)
    assert one["max_ulp"] == float(f"{worst:.4g}") and worst > 0.5


def test_zeros_nans_and_infs_count_only_where_the_true_value_is_a_finite_non_zero() -> None:
    """log(x) graded against an implementation answering 0, NaN or inf everywhere. At
    x < 0 the reference is NaN (undefined): a NaN there is right, a 0 is not a wrong zero
    (no non-zero true value), an inf is a wrong inf (it should be NaN). At x > 0, x ≠ 1,
    every such answer is wrong. Counted by hand here."""
    target = grading.target_of("log(x)")
    fmt = ieee.FORMATS["float16"]
    x = np.array([-3.0, -0.5, 0.25, 2.0, 5.0], dtype=np.float16)
    bits = np.sort(x.view(np.uint16))
    for answer, field, count in ((0.0, "wrong_zeros", 3), (np.nan, "nan", 3), (np.inf, "inf", 5)):
        stats = grading.grade_chunk(
            bits, lambda v, a=answer: np.full_like(v, a), target, fmt, keep=1
        )
        assert stats.undefined == 2
        assert stats.correctly_rounded == (2 if np.isnan(answer) else 0)  # NaN where undefined
        assert getattr(stats, field) == count, (field, stats)
        assert stats.max_ulp == np.inf


def test_an_infinity_of_the_wrong_sign_is_not_a_wrong_inf() -> None:
    """−inf where the true value overflows to +inf (exp(12) > float16's max) is wrong,
    but `inf` counts infinities where the reference is finite or NaN, not signs."""
    target = grading.target_of("exp(x)")
    fmt = ieee.FORMATS["float16"]
    bits = np.array([12.0], dtype=np.float16).view(np.uint16)
    stats = grading.grade_chunk(bits, lambda v: np.full_like(v, -np.inf), target, fmt, keep=1)
    assert stats.correctly_rounded == 0 and stats.inf == 0 and stats.max_ulp == np.inf


def oracle_sigmoid(x: np.ndarray) -> np.ndarray:
    """A correctly rounded σ: the oracle's own values (graded against themselves)."""
    from symbolic.numbers import oracle

    return oracle.rounded("sigmoid(x)", x)


def test_a_grade_with_every_result_correct_reports_the_exact_max_over_all_chunks() -> None:
    """No chunk has a wrong result, so none may skip its exact max: the grade's max is
    below 0.5 and equals the largest chunk max, computed here chunk by chunk."""
    stats = grading.grade(
        "tests.test_grade_chunk:oracle_sigmoid", "sigmoid(x)", "float32", exhaustive=True,
        stride=65_537,
    ).stats  # fmt: skip
    assert stats.correctly_rounded == stats.inputs > 60_000
    target = grading.target_of("sigmoid(x)")
    fmt = ieee.FORMATS["float32"]
    worst = 0.0
    for start in range(0, 1 << 32, 1 << 22):
        bits = np.arange(start, start + (1 << 22), 65_537, dtype=np.uint64).astype(np.uint32)
        worst = max(worst, grading.grade_chunk(bits, oracle_sigmoid, target, fmt, 1).max_ulp)
    assert 0.49 < worst < 0.5
    assert stats.max_ulp == worst  # exact: the JSON's 4 digits would show 0.5 for both
