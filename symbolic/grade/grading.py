"""ULP grading of float implementations against certified references.

Inputs are bit patterns of the format, taken in bit order (so |x| grows within each
sign): every pattern (--exhaustive) or a seeded uniform sample of patterns, which spreads
the samples over the whole exponent range. Each chunk is graded on its own and the
statistics are merged, so memory stays flat and chunks can go to worker processes.

References: for a named function (or derivative) with a float kernel, the fast path
(`symbolic.numbers.fastpath`) gives both the correctly rounded result and the true value
to 2^-86, so ULP errors are exact to many digits; undecided points and other expressions
go through Arb (`symbolic.numbers.oracle`), after the far tails are settled by one ball
each (`far`); a chunk's references are kept for the next library graded on it. At ±inf
the references are the limits, from the registry or found exactly by the prover
(`infinities`); where no limit is known, ±inf inputs are excluded and counted. NaN maps
to NaN. The run of wrong zeros and its exact start are in `zeros`.

`zero_from` (where results become wrongly 0 for good) is certified, not just sampled:
the samples only bracket it, and a search over the floats in between (bisection in bit
order, checking the implementation and the oracle at every float it visits) finds the
exact float; see `Grade.as_json` for precisely what is checked.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise

import numpy as np
import sympy

from symbolic import functions
from symbolic.arith import ieee
from symbolic.errors import SymbolicError
from symbolic.functions import (
    DEFAULT_FUNCTION,
    FAMILY,
    DefinedFunction,
    FamilyMember,
    FloatKernel,
)
from symbolic.grade import far
from symbolic.grade.floats import as_float64 as _as_float64
from symbolic.grade.floats import bits_to_float as _bits_to_float
from symbolic.grade.floats import call as _call
from symbolic.grade.floats import number as _number
from symbolic.grade.floats import rounded as _rounded
from symbolic.grade.floats import shortest as _shortest
from symbolic.grade.implementations import Implementation, resolve
from symbolic.grade.infinities import infinity_limits
from symbolic.grade.infinities import limit_references as _limit_references
from symbolic.grade.infinities import unknown_limits as _unknown_limits
from symbolic.grade.memory import steady_heap
from symbolic.grade.zeros import ChangedAnswerError as _ChangedAnswerError
from symbolic.grade.zeros import exact_zero_from, threshold_search, wrongly_zero
from symbolic.grade.zeros import merge_zero_run as _merge_zero_run
from symbolic.grade.zeros import zero_state as _zero_state
from symbolic.language.parser import X
from symbolic.language.printing import to_language
from symbolic.numbers import fastpath, oracle, sides, vectorized

CHUNK_BITS = 22
_FLOAT64_MAX = Fraction(np.finfo(np.float64).max)
MAX_SAMPLES = 100_000_000
HISTOGRAM_EDGES = [0.5] + [2.0**k for k in range(0, 21)]
HISTOGRAM_LABELS = (
    ["<= 0.5"] + [f"({a:g}, {b:g}]" for a, b in pairwise(HISTOGRAM_EDGES)] + ["> 2^20", "inf"]
)


@dataclass
class Worst:
    ulp: float
    bits: int
    x: float
    got: float
    want: float


@dataclass
class Stats:
    """Statistics of a set of graded inputs, mergeable in bit order."""

    inputs: int = 0
    correctly_rounded: int = 0
    wrong_zeros: int = 0
    nan: int = 0
    inf: int = 0
    excluded: int = 0  # ±inf inputs not graded: the limit there is not known exactly
    undefined: int = 0  # finite inputs outside the domain: the reference is NaN there
    max_ulp: float = 0.0  # full precision: compared with --max-ulp; rounded only for display
    histogram: list[int] = field(default_factory=lambda: [0] * len(HISTOGRAM_LABELS))
    worst: list[Worst] = field(default_factory=list)
    # Per sign (0: +, 1: −), as bit patterns: the last input seen with a correct non-zero
    # result, and the first wrong zero after it (None: none yet). zero_from is filled in
    # by `grade` once the exact threshold inside that bracket is found.
    zero_run: dict[int, tuple[int | None, int | None]] = field(
        default_factory=lambda: {0: (None, None), 1: (None, None)}
    )
    zero_state: dict[int, tuple[str, int | None, int | None]] = field(
        default_factory=lambda: {0: ("none", None, None), 1: ("none", None, None)}
    )
    zero_from: dict[int, float | None] = field(default_factory=lambda: {0: None, 1: None})
    plot: list[tuple[float, float]] = field(default_factory=list)

    def merge(self, other: Stats, keep: int) -> None:
        self.inputs += other.inputs
        self.correctly_rounded += other.correctly_rounded
        self.wrong_zeros += other.wrong_zeros
        self.nan += other.nan
        self.inf += other.inf
        self.excluded += other.excluded
        self.undefined += other.undefined
        self.max_ulp = max(self.max_ulp, other.max_ulp)
        self.histogram = [a + b for a, b in zip(self.histogram, other.histogram, strict=True)]
        self.worst = sorted(self.worst + other.worst, key=lambda w: (-w.ulp, w.bits))[:keep]
        for side in (0, 1):
            self.zero_run[side] = _merge_zero_run(self.zero_run[side], other.zero_state, side)
        self.plot += other.plot


@dataclass(frozen=True)
class Target:
    expr: sympy.Expr
    # (f, n) when expr is f^(n)(x) for a function of the family (tanh included) or another
    # named function; None for any other expression
    named: tuple[type[FamilyMember], int] | None
    kernel: FloatKernel | None  # the fast path's kernel of f^(n), where f has one
    # The exact limits at −∞ and +∞ (None: not known; such inputs are excluded, counted)
    limits: tuple[sympy.Expr | None, sympy.Expr | None] = (None, None)


def target_of(text: str) -> Target:
    """What `--of text` grades: the expression, its function and order when it is one,
    the float kernel, and the limits at ±∞ (the registry's, else found by the prover)."""
    expr = oracle.to_expression(text)
    named = family_derivative(expr)
    if named is None:
        return Target(expr, None, None, infinity_limits(expr))
    function, order = named
    limits = function.limits.get(order) or infinity_limits(expr)
    kernels = getattr(function, "kernels", {})
    return Target(expr, named, kernels.get(order), limits)


def family_derivative(expr: sympy.Expr) -> tuple[type[FamilyMember], int] | None:
    """(f, n) when expr is f^(n)(x) for a member of the family (tanh included)."""
    return functions.family_derivative(expr, X)


def has_fast_references(target: Target) -> bool:
    """Whether its references are vectorized (a float kernel, or the ball arithmetic):
    what an exhaustive float32 grade needs to finish in minutes."""
    return target.kernel is not None or vectorized.supported(target.expr)


def fast_path_targets() -> list[str]:
    """The family's functions and derivatives with vectorized references, as typed."""
    return [
        member.typed(n)
        for member in dict.fromkeys(FAMILY.values())
        for n in (0, 1, 2)
        if has_fast_references(target_of(member.typed(n)))
    ]


# ---------------------------------------------------------------- references


def references(
    target: Target, x: np.ndarray, fmt: ieee.Format
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Correctly rounded results (dtype) and the true values as double-words (hi, lo):
    vectorized where `fastpath.references` certifies them, else from Arb."""
    x64 = _as_float64(x)
    finite = np.isfinite(x64)
    every = bool(finite.all())  # the usual chunk: no masks to gather and scatter
    if not every:
        rounded = np.full(x64.shape, np.nan, dtype=np.float64)
        hi = np.full(x64.shape, np.nan)
        lo = np.zeros(x64.shape)
        _limit_references(target, x64, fmt, rounded, hi)
    values, decided, true_hi, true_lo, known = fastpath.references(
        target.expr, target.kernel, x64 if every else x64[finite], fmt
    )
    if every and decided.all() and known.all():  # the usual chunk: nothing left to fill
        sides.mark_sides(target.expr, x64, true_hi, true_lo)
        return values, true_hi, true_lo
    found = (
        np.where(decided, values.astype(np.float64), np.nan),
        np.where(known, true_hi, np.nan),
        np.where(known, true_lo, 0.0),
    )
    if every:
        rounded, hi, lo = found
    else:
        rounded[finite], hi[finite], lo[finite] = found
    index = np.arange(len(x64)) if every else np.flatnonzero(finite)
    left = np.flatnonzero(~(decided & known))
    if len(left):  # far tails first: one Arb ball each, not their digits
        settled, values = far.settle(target.expr, x64[index[left]])
        rounded[index[left[settled]]] = hi[index[left[settled]]] = values[settled]
        lo[index[left[settled]]] = 0.0
        left = left[~settled]
    for j in left:
        i = index[j]
        point = oracle.to_point(float(x64[i]))
        try:
            if not decided[j]:
                rounded[i] = oracle.rounded_value(target.expr, point, fmt).as_float()
            if not known[j]:
                hi[i], lo[i] = _double_word(oracle.true_fraction(target.expr, point, fmt))
        except oracle.UndefinedPointError:
            continue  # outside the domain: the reference stays NaN
    sides.mark_sides(target.expr, x64, hi, lo)
    return rounded.astype(fmt.dtype), hi, lo


def _double_word(value: Fraction) -> tuple[float, float]:
    """hi + lo ≈ value; a value beyond the float64 range is ±inf (it rounds there too)."""
    if abs(value) > _FLOAT64_MAX:
        return (math.inf if value > 0 else -math.inf), 0.0
    high = float(value)
    return high, float(value - Fraction(high))


# ---------------------------------------------------------------- grading one chunk

_CACHE: dict[tuple[sympy.Expr, str, bytes], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
CACHE_ENTRIES = 64  # chunks of references kept, each of at most CACHE_POINTS inputs
CACHE_POINTS = 1 << 18


def _references(
    target: Target, bits: np.ndarray, x: np.ndarray, fmt: ieee.Format
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`references`, kept for the next grade of the same target on the same inputs (the
    next library graded: references do not depend on the implementation)."""
    if len(bits) > CACHE_POINTS:  # never kept: no key to hash (a chunk of 2^22 is 16 MB)
        return references(target, x, fmt)
    key = (target.expr, fmt.name, hashlib.sha256(bits.tobytes()).digest())
    if key in _CACHE:
        return tuple(array.copy() for array in _CACHE[key])  # type: ignore[return-value]
    want, hi, lo = references(target, x, fmt)
    if len(_CACHE) >= CACHE_ENTRIES:
        del _CACHE[next(iter(_CACHE))]
    _CACHE[key] = (want.copy(), hi.copy(), lo.copy())
    return want, hi, lo


def ulp_errors(got: np.ndarray, hi: np.ndarray, lo: np.ndarray, fmt: ieee.Format) -> np.ndarray:
    """|y − v| / 2^(max(e, emin) − p + 1) with v = hi + lo the true value (inf for inf/NaN).

    e is the exponent of v: that of hi, less one where hi is a power of two and lo
    points back towards 0 (v is just below the binade), read from hi's bits. A zero lo
    points by its sign (−0.0 or +0.0, as `symbolic.numbers.sides.mark_sides` sets it
    where the distance to hi is lost): with hi = 1, lo = −0.0 is v just below 1."""
    y = got.astype(np.float64)
    magnitude = np.abs(hi)
    hi_bits = magnitude.view(np.int64)
    biased = hi_bits >> 52  # hi's biased exponent; 0 for 0 and subnormals (below emin anyway)
    power_of_two = (hi_bits & ((1 << 52) - 1)) == 0
    below = power_of_two & (np.signbit(lo) != np.signbit(hi))  # v below 2^e
    exponent = np.maximum(biased - 1023 - below, fmt.emin)
    quantum = np.ldexp(1.0, exponent - fmt.precision + 1)  # float64's own quanta are subnormal
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.abs((y - hi) - lo) / quantum
    error[np.isnan(error)] = np.inf  # a NaN result; an inf one is already inf
    error[np.isnan(y) & np.isnan(hi)] = 0.0
    return error


def grade_chunk(
    bits: np.ndarray,
    implementation: Implementation,
    target: Target,
    fmt: ieee.Format,
    keep: int,
    plot_points: int = 64,
    max_if_all_correct: bool = True,
) -> Stats:
    """The statistics of one chunk of inputs (bits ascending). Whole-array passes are
    few: the comparison with the references and the plot window; everything else is
    computed on the wrong results only (a wrong zero, a NaN or an inf where the reference
    is not one is never a correct result).

    When every result of the chunk is correctly rounded, its max ULP error (≤ 0.5) needs
    the exact errors of all of them, the costliest pass. A caller that has already seen
    a wrong result of the same grade passes `max_if_all_correct=False`: the chunk then
    reports 0.5, an upper bound, and the grade's maximum is unchanged, since it is that
    wrong result's error, above 0.5, whichever chunk came first."""
    x = bits.view(fmt.dtype)
    unknown = _unknown_limits(target, x)
    if unknown.any():  # ±inf where the limit is not known: excluded and counted, never NaN
        bits, x = bits[~unknown], x[~unknown]
    got = _call(implementation, x, fmt)
    want, hi, lo = _references(target, bits, x, fmt)
    g, w = _as_float64(got), _as_float64(want)
    w_nan = np.isnan(w)
    correct = g == w
    if w_nan.any():
        correct |= np.isnan(g) & w_nan
    # A correctly rounded result is within 0.5 ULP by definition: exact errors are needed
    # only for the others (and for all when every result is correct, to report the max).
    # The definition also settles the last bit of the float64 arithmetic: an incorrect
    # result is more than 0.5 ULP away and a correctly rounded one at most 0.5 ULP.
    wrong = np.flatnonzero(~correct)
    errors = np.maximum(ulp_errors(got[wrong], hi[wrong], lo[wrong], fmt), np.nextafter(0.5, 1))
    gw, ww = g[wrong], w[wrong]
    stats = Stats(inputs=len(bits), correctly_rounded=len(bits) - len(wrong))
    stats.excluded = int(unknown.sum())
    stats.undefined = int((w_nan & np.isfinite(_as_float64(x))).sum()) if w_nan.any() else 0
    stats.wrong_zeros = int(((gw == 0) & (ww != 0) & ~np.isnan(ww)).sum())
    stats.nan = int((np.isnan(gw) & ~np.isnan(ww)).sum())
    stats.inf = int((np.isinf(gw) & ~np.isinf(ww)).sum())
    if len(errors):
        stats.max_ulp = float(errors.max())
    elif len(bits) and not max_if_all_correct:
        stats.max_ulp = 0.5
    elif len(bits):
        every = np.minimum(ulp_errors(got, hi, lo, fmt), 0.5)
        stats.max_ulp = float(every[np.isfinite(g)].max(initial=0.0))
    stats.histogram = _histogram(errors)
    stats.histogram[0] += stats.correctly_rounded
    keep_count = min(keep, len(errors))
    top = (
        np.argpartition(-errors, keep_count - 1)[:keep_count]
        if keep_count
        else np.array([], dtype=int)
    )
    order = top[np.lexsort((bits[wrong][top], -errors[top]))]  # largest first, then by bit pattern
    stats.worst = [
        Worst(float(errors[j]), int(bits[i]), float(x[i]), float(g[i]), float(w[i]))
        for j, i in ((j, wrong[j]) for j in order)
        if errors[j] > 0.5
    ]
    stats.zero_state = _zero_state(bits, g, w, fmt)
    with np.errstate(invalid="ignore"):  # NaN bit patterns (ml_dtypes warns on them)
        window = np.flatnonzero(np.abs(x) <= 50)
    shown = window[:: max(1, len(window) // plot_points)]
    for i, error in zip(shown, ulp_errors(got[shown], hi[shown], lo[shown], fmt), strict=True):
        stats.plot.append((float(x[i]), float(min(max(error, 1e-3), 1e6))))
    return stats


def _histogram(errors: np.ndarray) -> list[int]:
    counts = [0] * len(HISTOGRAM_LABELS)
    finite = errors[np.isfinite(errors)]
    positions = np.searchsorted(np.array(HISTOGRAM_EDGES), finite, side="left")
    for position, count in zip(*np.unique(positions, return_counts=True), strict=True):
        counts[int(position)] += int(count)
    counts[-1] = int(np.isinf(errors).sum())
    return counts


# ---------------------------------------------------------------- whole grades


@dataclass
class Grade:
    impl: str
    of: str
    fmt: ieee.Format
    mode: str
    stats: Stats
    # Why zero_from is null although results go wrongly to 0 (it could not be certified);
    # in the JSON as "zero_from_note" only when there is one.
    note: str | None = None

    def as_json(self) -> dict[str, object]:
        """The `grade --json` object (DESIGN.md). `max_ulp` and each `ulp` are rounded to
        4 significant digits for display; `--max-ulp` compares the unrounded maximum.

        `zero_from` is the float nearest 0 (either side; + first on a tie) where the
        results become wrongly 0 (0 while the correctly rounded value is not) and stay so
        moving away from 0. Exhaustive, every input is checked. Sampled, the samples only
        bracket it: `threshold_search` then evaluates the implementation and the oracle at
        floats between the last sample with a correct non-zero result and the first wrong
        zero after it, down to two neighbouring floats. Certified: the result is wrongly 0
        at `zero_from` and at every float checked beyond it (the samples, whose results
        may also be 0 where the true value rounds to 0, and the floats the search visited),
        and the neighbouring float nearer 0 was evaluated and is not wrongly 0. Not
        certified: floats neither sampled nor visited, which are assumed to behave
        monotonically between the checked ones (a lone correct result among them, or a
        run of wrong zeros nearer 0 that no sample hit, would not be seen).
        """
        s, fmt = self.stats, self.fmt
        candidates = [v for v in s.zero_from.values() if v is not None]
        zero_from = min(candidates, key=abs) if candidates else None
        return {
            "impl": self.impl,
            "of": self.of,
            "dtype": fmt.name,
            "mode": self.mode,
            "inputs": s.inputs,
            "correctly_rounded": s.correctly_rounded,
            "incorrect": s.inputs - s.correctly_rounded,
            "max_ulp": _number(s.max_ulp),
            "worst": [
                {
                    "x": _shortest(w.x, fmt),
                    "x_hex": ieee.hex_string(_rounded(w.x, fmt)),
                    "got": _shortest(w.got, fmt),
                    "want": _shortest(w.want, fmt),
                    "ulp": _number(w.ulp),
                }
                for w in s.worst
            ],
            "wrong_zeros": s.wrong_zeros,
            "nan": s.nan,
            "inf": s.inf,
            "excluded": s.excluded,
            "undefined": s.undefined,
            "zero_from": None if zero_from is None else _shortest(zero_from, fmt),
            "histogram": dict(zip(HISTOGRAM_LABELS, s.histogram, strict=True)),
        } | ({"zero_from_note": self.note} if self.note else {})


def sampled_bits(width: int, samples: int, seed: int) -> np.ndarray:
    """The sorted seeded sample of `width`-bit patterns that a sampled grade draws: one
    definition, so `symbolic conformance` grades exactly the inputs `symbolic grade` does."""
    rng = np.random.default_rng(seed)
    drawn = rng.integers(0, 1 << width, size=samples, dtype=np.uint64, endpoint=False)
    return np.sort(drawn.astype(np.dtype(f"uint{width}")))


def _input_chunks(
    fmt: ieee.Format, exhaustive: bool, samples: int, seed: int, stride: int = 1
) -> Iterator[np.ndarray | tuple[int, int, int, str]]:
    width = fmt.dtype.itemsize * 8
    unsigned = np.dtype(f"uint{width}")
    if exhaustive:
        if width > 32:
            raise SymbolicError(
                "--exhaustive is for float32, float16 and bfloat16 (2^64 inputs is too many): use --samples"
            )
        step = 1 << min(CHUNK_BITS, width)
        for start in range(0, 1 << width, step):
            yield (
                start,
                start + step,
                stride,
                unsigned.str,
            )  # workers build the chunk: no 16 MB pickles
        return
    if not 1 <= samples <= MAX_SAMPLES:
        raise SymbolicError(f"--samples must be from 1 to {MAX_SAMPLES}")
    bits = sampled_bits(width, samples, seed)
    step = 1 << CHUNK_BITS
    for start in range(0, len(bits), step):
        yield bits[start : start + step]


_WORKER: dict[str, object] = {}


def _worker_grade(chunk: np.ndarray | tuple[int, int, int, str]) -> Stats:
    if isinstance(chunk, tuple):
        start, stop, stride, unsigned = chunk
        bits = np.arange(start, stop, stride, dtype=np.uint64).astype(np.dtype(unsigned))
    else:
        bits = chunk
    stats = grade_chunk(
        bits,
        _WORKER["implementation"],
        _WORKER["target"],
        _WORKER["fmt"],
        _WORKER["keep"],
        max_if_all_correct=not _WORKER["seen_wrong"],
    )
    _WORKER["seen_wrong"] |= stats.correctly_rounded < stats.inputs
    return stats


def grade(
    impl: str,
    of: str | None = None,
    dtype: str = "float32",
    exhaustive: bool = False,
    samples: int = 100_000,
    worst: int = 10,
    jobs: int = 1,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    stride: int = 1,
) -> Grade:
    """Grade an implementation. `stride` > 1 (benchmarks only) takes every stride-th bit
    pattern of an exhaustive run. `of` defaults to the main function, f(x)."""
    fmt = ieee.format_named(dtype)
    target = target_of(of if of is not None else DEFAULT_FUNCTION.typed())
    if exhaustive and fmt.dtype.itemsize > 2 and not has_fast_references(target):
        raise SymbolicError(
            f"--exhaustive {fmt.name} needs vectorized references; these have them: "
            + ", ".join(fast_path_targets())
        )
    implementation = resolve(impl, target.named)
    if not 1 <= jobs <= 64:
        raise SymbolicError("--jobs must be from 1 to 64")
    total = (1 << (fmt.dtype.itemsize * 8)) // stride if exhaustive else samples
    stats = Stats()
    chunks = _input_chunks(fmt, exhaustive, samples, seed, stride)
    done = 0
    _WORKER.update(
        implementation=implementation, target=target, fmt=fmt, keep=worst, seen_wrong=False
    )
    if jobs > 1:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=steady_heap) as pool:
            for chunk_stats in pool.imap(_worker_grade, chunks):
                done = _absorb(stats, chunk_stats, worst, done, total, progress)
    else:
        for chunk in chunks:
            done = _absorb(stats, _worker_grade(chunk), worst, done, total, progress)
    flagged = wrongly_zero(implementation, target.expr, fmt)
    note = None
    try:
        stats.zero_from = exact_zero_from(stats.zero_run, flagged, fmt)
    except _ChangedAnswerError as error:
        # PyTorch's softplus gives one input different results at different places in an
        # array (vector and scalar loops): the grade stands, zero_from is not certified.
        note = str(error)
    mode = "exhaustive" if exhaustive else "sampled"
    return Grade(impl, to_language(target.expr), fmt, mode, stats, note)


def _absorb(
    stats: Stats,
    chunk: Stats,
    keep: int,
    done: int,
    total: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    stats.merge(chunk, keep)
    done += chunk.inputs
    if progress:
        progress(done, total)
    return done


def as_text(data: dict[str, object]) -> str:
    incorrect = data["incorrect"]
    lines = [
        f"{data['impl']} computing {data['of']} in {data['dtype']} ({data['mode']}, {data['inputs']:,} inputs)",
        f"  correctly rounded: {data['correctly_rounded']:,}; incorrect: {incorrect:,}; max ULP error: {data['max_ulp']}",
        f"  wrong zeros: {data['wrong_zeros']:,}; NaN: {data['nan']:,}; inf: {data['inf']:,}; "
        f"wrongly 0 from x = {data['zero_from'] if data['zero_from'] is not None else '(never)'}",
    ]
    if data.get("zero_from_note"):
        lines.append(f"  wrongly 0 from: not certified: {data['zero_from_note']}")
    if data.get("undefined"):
        lines.append(
            f"  outside the domain (f undefined, reference NaN): {data['undefined']:,} inputs"
        )
    if data.get("excluded"):
        lines.append(
            f"  ±inf inputs not graded (the limit there is not known exactly): {data['excluded']:,}"
        )
    if data["worst"]:
        lines.append("  worst inputs (x, got, correctly rounded, ULP error):")
        lines += [
            f"    {w['x']} ({w['x_hex']}): {w['got']} vs {w['want']}, {w['ulp']} ulp"
            for w in data["worst"]
        ]
    lines.append(
        "  histogram of ULP errors: "
        + ", ".join(f"{k}: {v:,}" for k, v in data["histogram"].items() if v)
    )
    return "\n".join(lines) + "\n"


FLOAT_FACT_FORMATS = ("bfloat16", "float32", "float64")


def float_facts(
    function: type[DefinedFunction], points: int = 1 << 16, limit: float = 800.0
) -> list[dict[str, object]]:
    """For each float formula the function's report lists, in bfloat16, float32 and
    float64 (`FLOAT_FACT_FORMATS`): where results go wrongly to 0 (zero_from) and where they first lose every
    digit (lost_from: relative error ≥ 1 while the correctly rounded value is not 0), as
    exact floats (shortest decimals). Each formula is called as `grade` calls it, so a
    bfloat16 input goes through the same implementation (the textbook formulas compute in
    float32 and round the result to bfloat16).

    float32 and float64: a fixed grid of `points` inputs in [−limit, limit] brackets each
    threshold (per sign); `threshold_search` then finds the exact float between the grid
    point nearer 0 and the first flagged one, evaluating the implementation and the oracle
    as it goes. The same certificate as a sampled `grade`: the float found is flagged, its
    neighbour nearer 0 is not, and so is every float checked beyond it (for lost_from:
    every float checked nearer 0 is not flagged); floats never evaluated are assumed to
    behave monotonically between the checked ones. bfloat16 has too few values for such
    a grid (most of its points would round to the same bfloat16): every bfloat16 in the
    grid's range is evaluated instead (`_float_fact_grid`), so its thresholds there are
    exhaustive, nothing assumed.
    `lost_count` counts grid points only.
    """
    facts = []
    for impl, order in function.report.float_formulas if function.report else ():
        target = target_of(function.typed(order))
        implementation = resolve(impl, target.named)
        label = function.implementations[impl, order].label
        for name in FLOAT_FACT_FORMATS:
            fmt = ieee.FORMATS[name]
            x, bits = _float_fact_grid(fmt, points, limit)
            got = _as_float64(_call(implementation, x, fmt))
            w = oracle.rounded(target.expr, x).astype(np.float64)  # correctly rounded
            lost = _lost(got, w)
            state = _zero_state(bits, got, w, fmt)
            zero_run = {side: (last_good, start) for side, (_, start, last_good) in state.items()}
            zeros = exact_zero_from(zero_run, wrongly_zero(implementation, target.expr, fmt), fmt)
            zero_from = [v for v in zeros.values() if v is not None]
            lost_from = _exact_lost_from(bits, lost, implementation, target, fmt)
            facts.append(
                {
                    "formula": label,
                    "format": name,
                    "zero_from": None if not zero_from else _shortest(min(zero_from, key=abs), fmt),
                    "lost_from": None if lost_from is None else _shortest(lost_from, fmt),
                    "lost_count": int(lost.sum()),
                }
            )
    return facts


def _float_fact_grid(fmt: ieee.Format, points: int, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """The inputs `float_facts` evaluates first, in bit order (|x| grows on each side),
    and their bit patterns: `points` evenly spaced in [−limit, limit] rounded to the
    format; for a 16-bit format, every float of the format in the range those points
    span (from the least |point|, limit/(points − 1), to limit): the same range, so that
    a formula's lone wrong result at a subnormal x, which the grid of a wider format
    never visits, does not hide the thresholds the table is about."""
    unsigned = np.dtype(f"uint{fmt.dtype.itemsize * 8}")
    grid = np.linspace(-limit, limit, points)
    if fmt.dtype.itemsize == 2:
        bits = np.arange(1 << 16, dtype=np.uint32).astype(unsigned)  # bit order already
        size = np.abs(_as_float64(bits.view(fmt.dtype)))
        bits = bits[(size >= np.abs(grid).min()) & (size <= limit)]  # no NaN, no ±inf
        return bits.view(fmt.dtype), bits
    x = grid.astype(fmt.dtype)
    bits = x.view(unsigned)
    order = np.argsort(bits, kind="stable")
    return x[order], bits[order]


def _lost(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Every digit lost: relative error ≥ 1 while the correctly rounded value is not 0."""
    with np.errstate(all="ignore"):
        relative = np.abs(got - want) / np.abs(want)
    return (relative >= 1) & (want != 0)


def _exact_lost_from(
    bits: np.ndarray,
    lost: np.ndarray,
    implementation: Implementation,
    target: Target,
    fmt: ieee.Format,
) -> float | None:
    """The least |x| where every digit is lost, exact: per side, searched between the
    first lost grid point (bits in bit order) and the grid point before it."""
    sign_bit = 1 << (fmt.dtype.itemsize * 8 - 1)

    def flagged(candidates: np.ndarray) -> np.ndarray:
        x = candidates.view(fmt.dtype)
        got = _as_float64(_call(implementation, x, fmt))
        return _lost(got, oracle.rounded(target.expr, x, dtype=fmt.name).astype(np.float64))

    found = []
    for negative in (False, True):
        side = ((bits & sign_bit) != 0) == negative
        hits = np.flatnonzero(side & lost)
        if not len(hits):
            continue
        before = np.flatnonzero(side[: hits[0]])
        below = int(bits[before[-1]]) if len(before) else None
        start = threshold_search(below, int(bits[hits[0]]), flagged, fmt, first=True)
        found.append(abs(_bits_to_float(start, fmt)))
    return min(found) if found else None
