"""What a Dask worker runs: one chunk of a cell, and the merge of a cell's chunks.

Both are plain functions of plain data (a `Spec` and integers), so a worker on another
machine needs only this package installed. The implementation and the reference target
are prepared once per worker process and cached; a sampled cell's sample is drawn once
per worker (the same seeded, sorted draw as `symbolic grade`) and sliced.

The merge takes the chunks' statistics in chunk order, whatever order they finished
in, then finds the exact `zero_from` and builds the cell with `Grade.as_json`, the very
builder of `symbolic grade --json`, so a cell file is byte for byte what that prints.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

import numpy as np

from symbolic.arith import ieee
from symbolic.conformance.cells import Spec
from symbolic.errors import SymbolicError
from symbolic.grade.grading import Grade, Stats, grade_chunk, sampled_bits, target_of
from symbolic.grade.implementations import resolve
from symbolic.grade.memory import steady_heap
from symbolic.grade.zeros import exact_zero_from, wrongly_zero
from symbolic.language.printing import to_language

PLOT_BINS = 400
PLOT_HALF_WIDTH = 50.0  # grade_chunk keeps plot points with |x| <= 50


@dataclass(frozen=True)
class Outcome:
    """A finished cell: its JSON text (as `grade --json` prints it), the exact maximum
    ULP error (the JSON shows 4 digits; `--max-ulp` compares this) and the plot points."""

    text: str
    max_ulp: float
    plot: tuple[tuple[float, float], ...]


@functools.lru_cache(maxsize=32)
def prepared(impl: str, of: str, dtype: str):
    """(implementation, target, format) of a cell, once per worker process."""
    target = target_of(of)
    return resolve(impl, target.named), target, ieee.format_named(dtype)


@functools.lru_cache(maxsize=4)
def sample(width: int, samples: int, seed: int) -> np.ndarray:
    """The sorted seeded sample of bit patterns, drawn as `symbolic grade` draws it
    (cached per worker: every chunk task of a cell slices the same draw)."""
    bits = sampled_bits(width, samples, seed)
    bits.flags.writeable = False
    return bits


def chunk_bits(spec: Spec, start: int, stop: int, fmt: ieee.Format) -> np.ndarray:
    width = fmt.dtype.itemsize * 8
    if spec.exhaustive:
        return np.arange(start, stop, dtype=np.uint64).astype(np.dtype(f"uint{width}"))
    return sample(width, spec.samples, spec.seed)[start:stop].copy()


def grade_task(spec: Spec, start: int, stop: int) -> Stats:
    """The statistics of one chunk of a cell (in a heap kept steady: `steady_heap`)."""
    steady_heap()
    implementation, target, fmt = prepared(spec.impl, spec.of, spec.dtype)
    bits = chunk_bits(spec, start, stop, fmt)
    stats = grade_chunk(
        bits, implementation, target, fmt, spec.worst, max_if_all_correct=spec not in _SEEN_WRONG
    )
    if stats.correctly_rounded < stats.inputs:
        _SEEN_WRONG.add(spec)
    return stats


# Cells of which this worker has graded a wrong result: their later all-correct chunks
# skip the exact max ULP (`grade_chunk`'s max_if_all_correct; the cell's max is the same).
_SEEN_WRONG: set[Spec] = set()


def merge_task(spec: Spec, parts: list[Stats]) -> Outcome:
    """The cell from its chunks' statistics, merged in chunk order."""
    implementation, target, fmt = prepared(spec.impl, spec.of, spec.dtype)
    total = Stats()
    for part in parts:
        total.merge(part, spec.worst)
    try:
        total.zero_from = exact_zero_from(
            total.zero_run, wrongly_zero(implementation, target.expr, fmt), fmt
        )
    except SymbolicError as error:
        raise SymbolicError(f"{spec.impl}: {error}") from None
    mode = "exhaustive" if spec.exhaustive else "sampled"
    grade = Grade(spec.impl, to_language(target.expr), fmt, mode, total)
    text = json.dumps(grade.as_json(), indent=2, ensure_ascii=False) + "\n"
    return Outcome(text, total.max_ulp, thinned(total.plot))


def thinned(
    points: list[tuple[float, float]], bins: int = PLOT_BINS
) -> tuple[tuple[float, float], ...]:
    """At most one point per x bin over [−50, 50], the largest error (the smallest x on a
    tie): an exhaustive float32 cell has ~34 000 plot points, a figure needs a few hundred
    and its peaks."""
    best: dict[int, tuple[float, float]] = {}
    for x, error in points:
        b = min(bins - 1, max(0, int((x + PLOT_HALF_WIDTH) * bins / (2 * PLOT_HALF_WIDTH))))
        kept = best.get(b)
        if kept is None or (error, -x) > (kept[1], -kept[0]):
            best[b] = (x, error)
    return tuple(sorted(best.values()))
