"""One conformance run: plan, take the finished cells from DIR, grade the rest on Dask,
write each cell as it finishes, draw the report, sum up.

A rerun with the same arguments and DIR finds every cell finished, starts no cluster and
only redraws the report; `fresh` recomputes every cell. A cell is written the moment it
is finished, so an interrupted run keeps what it finished and the next one resumes there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from symbolic.conformance import engine
from symbolic.conformance.cells import Options, Planned, plan
from symbolic.conformance.report import CellResult, build_model, write_report
from symbolic.conformance.store import Store
from symbolic.conformance.tasks import Outcome


@dataclass(frozen=True)
class RunResult:
    options: Options
    out: Path
    cells: tuple[CellResult, ...]
    written: tuple[Path, ...]  # the report files

    def exceeding(self, max_ulp: float | None) -> list[CellResult]:
        """Graded cells whose exact maximum ULP error exceeds `max_ulp`."""
        if max_ulp is None:
            return []
        return [c for c in self.cells if c.outcome and not c.outcome.max_ulp <= max_ulp]

    def summary(self, max_ulp: float | None) -> dict[str, object]:
        """The `conformance --json` object."""
        over = {c.planned.cell.name for c in self.exceeding(max_ulp)}
        cells = [_cell_summary(c, c.planned.cell.name in over) for c in self.cells]
        statuses = [c.status for c in self.cells]
        return {
            "out": str(self.out),
            "command": self.options.command(),
            "report": [str(p) for p in self.written],
            "cells": cells,
            "summary": {
                "cells": len(cells),
                "graded": statuses.count("graded"),
                "computed": sum(c.computed for c in self.cells),
                "resumed": sum(c.status == "graded" and not c.computed for c in self.cells),
                "n/a": statuses.count("n/a"),
                "errors": statuses.count("error"),
                "max_ulp_gate": max_ulp,
                "exceeding": sorted(over),
            },
        }


def _cell_summary(result: CellResult, exceeds: bool) -> dict[str, object]:
    cell = result.planned.cell
    data = result.data or {}
    return {
        "cell": cell.name,
        "function": cell.function,
        "impl": cell.impl,
        "dtype": cell.dtype,
        "direction": cell.direction,
        "status": result.status,
        "reason": result.error or result.planned.reason,
        "file": f"cells/{cell.name}.json" if result.outcome else None,
        "computed": result.computed,
        "inputs": data.get("inputs"),
        "correctly_rounded": data.get("correctly_rounded"),
        "max_ulp": data.get("max_ulp"),
        "exceeds_max_ulp": exceeds,
    }


def run(
    options: Options,
    out: str,
    where: engine.Where,
    fresh: bool,
    progress: engine.Progress,
    note: Callable[[str], None],
) -> RunResult:
    store = Store(out)
    planned = plan(options)
    done: dict[str, CellResult] = {}
    for p in planned:
        if not p.graded:
            done[p.cell.name] = CellResult(p, None, None, computed=False)
        elif not fresh and (stored := store.load(p)) is not None:
            done[p.cell.name] = CellResult(p, stored, None, computed=False)

    def finished(p: Planned, outcome: Outcome | str) -> None:
        if isinstance(outcome, str):
            done[p.cell.name] = CellResult(p, None, outcome, computed=True)
            return
        store.save(p, outcome)
        done[p.cell.name] = CellResult(p, outcome, None, computed=True)

    work = [p for p in planned if p.cell.name not in done]
    engine.compute(work, where, finished, progress, note)
    results = [done[p.cell.name] for p in planned]
    written = write_report(build_model(results, options), store.root)
    return RunResult(options, store.root, tuple(results), tuple(written))
