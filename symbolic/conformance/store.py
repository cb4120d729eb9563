"""Finished cells on disk, written atomically, and found again by a resumed run.

`DIR/cells/<name>.json` is exactly what `symbolic grade --json` prints for the cell.
Beside it, `DIR/meta/<name>.json` holds what the cell file cannot: the parameters that
decided it (and their hash), the sha256 of the cell file it belongs to, the exact maximum
ULP error and the points of its plot. Each file is written to a temporary file in the
same directory and renamed over the target, so a run stopped at any moment leaves whole
files only. A stored cell counts as finished only when its meta names the same
parameters and the cell file's digest matches, so a cell written by a run with other
arguments (or a meta left from one) is never taken for this run's.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

from symbolic.conformance.cells import Planned
from symbolic.conformance.tasks import Outcome
from symbolic.errors import SymbolicError
from symbolic.files import prepare_directory, read_bounded_text, write_atomically

MAX_CELL_BYTES = 16 << 20
GRADE_KEYS = {"impl", "of", "dtype", "mode", "inputs", "max_ulp", "worst", "histogram"}


class Store:
    """The cells/ and meta/ directories of one --out DIR."""

    def __init__(self, out: str) -> None:
        self.root = prepare_directory(out, "--out")
        self.cells = prepare_directory(str(self.root / "cells"), "--out")
        self.meta = prepare_directory(str(self.root / "meta"), "--out")

    def cell_path(self, planned: Planned) -> Path:
        return self.cells / f"{planned.cell.name}.json"

    def meta_path(self, planned: Planned) -> Path:
        return self.meta / f"{planned.cell.name}.json"

    def save(self, planned: Planned, outcome: Outcome) -> None:
        """The cell file, then its meta: a run stopped between the two leaves a cell
        whose meta does not match it, which the next run recomputes."""
        write_atomically(self.cell_path(planned), outcome.text)
        meta = {
            "key": planned.key,
            "parameters": json.loads(planned.parameters),
            "cell_sha256": _digest(outcome.text),
            "max_ulp": _number_text(outcome.max_ulp),
            "plot": [list(point) for point in outcome.plot],
        }
        write_atomically(self.meta_path(planned), json.dumps(meta, indent=1) + "\n")

    def load(self, planned: Planned) -> Outcome | None:
        """The stored outcome of this very cell, or None (missing, stale or damaged)."""
        try:
            text = read_bounded_text(self.cell_path(planned), MAX_CELL_BYTES)
            meta = json.loads(read_bounded_text(self.meta_path(planned), MAX_CELL_BYTES))
            data = json.loads(text)
        except (SymbolicError, ValueError):
            return None
        if not isinstance(meta, dict) or not isinstance(data, dict):
            return None
        if meta.get("key") != planned.key or meta.get("cell_sha256") != _digest(text):
            return None
        if not data.keys() >= GRADE_KEYS:
            return None
        try:
            plot = tuple((float(x), float(y)) for x, y in meta["plot"])
            return Outcome(text, float(meta["max_ulp"]), plot)
        except (KeyError, TypeError, ValueError):
            return None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _number_text(value: float) -> str:
    """The exact float as text (repr round-trips; inf is spelled out, not JSON's Infinity)."""
    return "inf" if math.isinf(value) else repr(value)
