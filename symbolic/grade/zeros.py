"""Where results go wrongly to 0 for good (`zero_from`), per side, certified.

Chunks are graded in bit order, so |x| grows within each sign: `zero_state` says, per
chunk and side, whether a correct non-zero result reset the run of wrong zeros and where
the last run starts; `merge_zero_run` carries the run across chunks. The samples only
bracket the threshold: `threshold_search` then finds the exact float between the last
correct non-zero result and the first wrong zero after it, evaluating the
implementation and the oracle at every float it visits (see its docstring for what is
certified). It works the same on either side, so a one-sided tail (GELU's negative tail
going to 0 while the positive side is fine) is found on its own side.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy

from symbolic.arith import ieee
from symbolic.errors import SymbolicError
from symbolic.grade.floats import Implementation, as_float64, bits_to_float, call, shortest
from symbolic.numbers import oracle

SEARCH_POINTS = 257  # floats evaluated per round of the threshold search (ends included)
# Per sign (0: +, 1: −): ("reset" | "zeros" | "none", start of the last run, last good)
ZeroState = dict[int, tuple[str, int | None, int | None]]


def merge_zero_run(
    current: tuple[int | None, int | None], later: ZeroState, side: int
) -> tuple[int | None, int | None]:
    """(last correct non-zero, start of the run of wrong zeros after it) on this side,
    after a chunk of larger |x|.

    "reset": the chunk had a correct non-zero result, so only a run after it counts;
    "zeros": only wrong zeros, so a run in progress goes on (or starts here); "none": no
    input with a non-zero true value, nothing changes.
    """
    kind, start, last_good = later[side]
    if kind == "reset":
        return last_good, start
    if kind == "zeros":
        return current if current[1] is not None else (current[0], start)
    return current


def zero_state(bits: np.ndarray, got: np.ndarray, want: np.ndarray, fmt: ieee.Format) -> ZeroState:
    """Per sign (0: +, 1: −), scanning away from 0: did a correct non-zero result reset the
    run of wrong zeros ("reset", with the bits of the last such input), and where (bits)
    does the last run start?

    `bits` ascend (chunks come in bit order): the positive patterns are a prefix and the
    negative ones the rest, and within each |x| grows. Each side is a slice, and the last
    good result is searched for from its end, so a chunk costs a few small passes, not
    copies of whole arrays."""
    split = int(np.searchsorted(bits, bits.dtype.type(1 << (bits.dtype.itemsize * 8 - 1))))
    state: ZeroState = {}
    for side, part in ((0, slice(0, split)), (1, slice(split, len(bits)))):
        g, w, b = got[part], want[part], bits[part]
        last_good = _last_true(lambda s, g=g, w=w: _relevant(w[s]) & (g[s] != 0), len(g))
        tail = slice(last_good + 1, len(g))
        after = np.flatnonzero(_relevant(w[tail]) & (g[tail] == 0))  # wrong zeros after it
        start = int(b[last_good + 1 + after[0]]) if len(after) else None
        if last_good >= 0:
            state[side] = ("reset", start, int(b[last_good]))
        elif start is not None:
            state[side] = ("zeros", start, None)
        else:
            state[side] = ("none", None, None)
    return state


def _relevant(want: np.ndarray) -> np.ndarray:
    """Inputs whose correctly rounded value is a non-zero number."""
    return (want != 0) & ~np.isnan(want)


def _last_true(mask_of: Callable[[slice], np.ndarray], length: int, block: int = 4096) -> int:
    """The last index where mask_of is true (−1 if none), looking at blocks from the
    end that double in size: usually the last input is already the one."""
    stop = length
    while stop > 0:
        start = max(0, stop - block)
        found = np.flatnonzero(mask_of(slice(start, stop)))
        if len(found):
            return start + int(found[-1])
        stop, block = start, 2 * block
    return -1


class ChangedAnswerError(SymbolicError):
    """The implementation answered differently when evaluated again at an input."""

    pass


def threshold_search(
    below: int | None,
    start: int,
    flagged: Callable[[np.ndarray], np.ndarray],
    fmt: ieee.Format,
    first: bool = False,
) -> int:
    """The exact float (bit pattern) where a property starts, between two checked inputs.

    `below` is an input nearer 0 where `flagged` is false (None: none, then the search
    starts at ±0 of `start`'s sign) and `start` one farther out, on the same side, where it
    is true. Rounds of `SEARCH_POINTS` floats evenly spaced in bit order between the two
    (ends included, so both are checked again) narrow the bracket to the last unflagged
    input followed by the flagged one (`first`: to the first flagged input and the one
    before it) until the two are neighbours: the search is bisection on the float grid,
    257-way. Returns the flagged neighbour, which was evaluated in the same call as its
    unflagged neighbour nearer 0; it returns ±0 only if ±0 itself is flagged.

    What it certifies: every float it evaluated between that neighbour and `start` is
    flagged (with `first`: every float it evaluated before the answer is not), and the
    float just nearer 0 is not. Floats it did not evaluate are assumed to behave like
    the evaluated ones around them (monotone behaviour between checked points): a result
    that flickers between two checked floats is not seen. An implementation that gives a
    different answer when evaluated again at `below` or `start` is an error.
    """
    width = fmt.dtype.itemsize * 8
    unsigned = np.dtype(f"uint{width}")
    lo = below if below is not None else start & (1 << (width - 1))
    lo_checked, hi = below is not None, start
    while True:
        span = hi - lo
        count = min(SEARCH_POINTS, span + 1)
        points = sorted({lo + span * i // (count - 1) for i in range(count)})
        marks = np.asarray(flagged(np.array(points, dtype=unsigned)), dtype=bool)
        if first:
            hits = np.flatnonzero(marks)
            if not len(hits):
                raise _changed(points[-1], fmt)
            k = int(hits[0])
        else:
            if not marks[-1]:
                raise _changed(points[-1], fmt)
            clear = np.flatnonzero(~marks)
            k = int(clear[-1]) + 1 if len(clear) else 0
        if k == 0:
            if lo_checked:
                raise _changed(lo, fmt)
            return lo  # ±0 itself is flagged: there is nothing nearer 0 on this side
        lo, hi, lo_checked = points[k - 1], points[k], True
        if hi - lo == 1:
            return hi


def _changed(bits: int, fmt: ieee.Format) -> SymbolicError:
    return ChangedAnswerError(
        f"the implementation changed its answer at x = {shortest(bits_to_float(bits, fmt), fmt)} when evaluated "
        "again, so the threshold where it goes wrongly to 0 cannot be certified"
    )


def wrongly_zero(
    implementation: Implementation, expr: sympy.Expr, fmt: ieee.Format
) -> Callable[[np.ndarray], np.ndarray]:
    """Bits → mask: the implementation returns 0 where the oracle's correctly rounded
    value is not 0 (the inputs searched are finite)."""

    def flagged(bits: np.ndarray) -> np.ndarray:
        x = bits.view(fmt.dtype)
        got = as_float64(call(implementation, x, fmt))
        want = oracle.rounded(expr, x, dtype=fmt.name).astype(np.float64)
        return (got == 0) & (want != 0) & ~np.isnan(want)

    return flagged


def exact_zero_from(
    zero_run: dict[int, tuple[int | None, int | None]],
    flagged: Callable[[np.ndarray], np.ndarray],
    fmt: ieee.Format,
) -> dict[int, float | None]:
    """Per side, the certified start of the run of wrong zeros bracketed by the samples."""
    found: dict[int, float | None] = {}
    for side, (below, start) in zero_run.items():
        found[side] = (
            None
            if start is None
            else bits_to_float(threshold_search(below, start, flagged, fmt), fmt)
        )
    return found
