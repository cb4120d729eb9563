"""`symbolic conformance`: the family × implementations × dtypes × directions matrix,
graded on Dask, resumable, rendered as DIR/conformance.{md,html} (symbolic.conformance).

Options are checked in the command's worker, like the other commands' inputs: a bad one
is one line and exit 2. Progress (cells and tasks done, an ETA) is drawn on a terminal's
stderr only; Dask's dashboard address, when the cluster has one, is a note on stderr.
"""

from __future__ import annotations

import json
import sys

import click

from symbolic.cli.app import (
    CONTEXT,
    EXIT_CHECK_FAILED,
    EXIT_OK,
    NAME,
    Command,
    _limits,
    _non_negative,
    cli,
    timeout_option,
)
from symbolic.cli.output import colour, note_line, progress_wanted
from symbolic.errors import SymbolicError

DEFAULT_TIMEOUT = 3600.0  # seconds, sampled; none with --exhaustive
DEFAULT_SAMPLES = 100_000
MAX_JOBS = 64


class Bars:
    """Two rich progress bars on a terminal's stderr (cells, tasks, with an ETA); nothing
    when stderr is not a terminal."""

    def __init__(self) -> None:
        self.progress = None
        self.cells = self.tasks = None

    def start(self, cells: int, tasks: int) -> None:
        if not progress_wanted():
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]{task.description:>5}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("elapsed"),
            TimeElapsedColumn(),
            console=Console(file=sys.stderr, no_color=not colour(sys.stderr)),
            transient=True,
        )
        self.progress.start()
        self.cells = self.progress.add_task("cells", total=cells)
        self.tasks = self.progress.add_task("tasks", total=tasks)

    def task_done(self) -> None:
        if self.progress is not None:
            self.progress.advance(self.tasks)

    def cell_done(self) -> None:
        if self.progress is not None:
            self.progress.advance(self.cells)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


@cli.command(
    cls=Command,
    context_settings=CONTEXT,
    short_help="the family × libraries × dtypes matrix, graded on Dask, as a report",
    help="Grade every cell (function, implementation, dtype, direction) as `symbolic grade` "
    "does, as chunk tasks on Dask: a local cluster of --jobs workers, or the cluster at "
    "--scheduler. Each cell is written as DIR/cells/NAME.json (the JSON of grade --json) "
    "the moment it finishes; a rerun skips finished cells (--fresh recomputes them); the "
    "report is DIR/conformance.md and .html. Cells a library does not provide, or whose "
    "library is not installed, are n/a. Exit 1 when a cell exceeds --max-ulp or fails.",
    examples=(
        "symbolic conformance --impls numpy,scipy --dtypes float32,bfloat16 --samples 20000 --out build/conformance",
        f"symbolic conformance --functions {NAME},softplus --impls numpy --backward --samples 5000 --json",
        f"symbolic conformance --functions {NAME} --impls numpy,scipy --dtypes bfloat16 --samples 10000 --max-ulp 16 --jobs 1",
    ),
)
@click.option(
    "--functions", default="all", metavar="F,...", show_default=True, help="family functions"
)
@click.option(
    "--impls",
    default="numpy,scipy,torch,jax",
    metavar="LIB,...",
    show_default=True,
    help="built-in implementations",
)
@click.option("--dtypes", default="float32", metavar="D,...", show_default=True, help="formats")
@click.option("--backward", is_flag=True, help="grade the derivatives (autograd) too")
@click.option("--exhaustive", is_flag=True, help="every input of each format (not float64)")
@click.option(
    "--samples", type=int, metavar="N", help=f"random inputs per cell (default {DEFAULT_SAMPLES})"
)
@click.option(
    "--seed",
    type=int,
    default=0,
    metavar="S",
    show_default=True,
    callback=_non_negative,
    help="seed of the samples",
)
@click.option(
    "--out", default="conformance", metavar="DIR", show_default=True, help="output directory"
)
@click.option("--jobs", type=int, metavar="N", help="local worker processes (default: the cores)")
@click.option("--scheduler", metavar="ADDRESS", help="an existing Dask scheduler, tcp://HOST:PORT")
@click.option("--fresh", is_flag=True, help="recompute finished cells")
@click.option(
    "--max-ulp", type=float, metavar="U", help="exit 1 when a cell's max ULP error exceeds U"
)
@click.option("--json", "as_json", is_flag=True, help="print a summary as JSON")
@timeout_option(None, "time limit of the whole command (default 3600, none with --exhaustive)")
@click.pass_context
def conformance(
    ctx: click.Context,
    functions: str,
    impls: str,
    dtypes: str,
    backward: bool,
    exhaustive: bool,
    samples: int | None,
    seed: int,
    out: str,
    jobs: int | None,
    scheduler: str | None,
    fresh: bool,
    max_ulp: float | None,
    as_json: bool,
    timeout: float | None,
) -> int:
    if exhaustive and samples is not None:
        raise SymbolicError("conformance: give --exhaustive or --samples, not both")
    if jobs is not None and not 1 <= jobs <= MAX_JOBS:
        raise SymbolicError(f"--jobs must be from 1 to {MAX_JOBS}")
    if jobs is not None and scheduler is not None:
        raise SymbolicError("--jobs is for the local cluster: leave it out with --scheduler")
    timeout_given = ctx.get_parameter_source("timeout") != click.core.ParameterSource.DEFAULT
    seconds = timeout if timeout_given else (None if exhaustive else DEFAULT_TIMEOUT)
    arguments = dict(
        functions=functions,
        impls=impls,
        dtypes=dtypes,
        backward=backward,
        exhaustive=exhaustive,
        samples=samples,
        seed=seed,
    )

    def work() -> int:
        from symbolic.cli.parallel import cores
        from symbolic.conformance import engine
        from symbolic.conformance.run import run

        options = _options(**arguments)
        if scheduler is not None:
            engine.check_address(scheduler)
        where = engine.Where(scheduler, jobs or min(cores(), MAX_JOBS))
        bars = Bars()
        try:
            result = run(options, out, where, fresh, bars, note_line)
        finally:
            bars.close()
        summary = result.summary(max_ulp)
        sys.stdout.write(json.dumps(summary, indent=2) + "\n" if as_json else _text(summary))
        failed = summary["summary"]["errors"] or summary["summary"]["exceeding"]
        return EXIT_CHECK_FAILED if failed else EXIT_OK

    from symbolic.cli.limits import run_limited

    return run_limited(work, _limits("conformance", seconds, memory=False))


def _options(
    functions: str,
    impls: str,
    dtypes: str,
    backward: bool,
    exhaustive: bool,
    samples: int | None,
    seed: int,
):
    from symbolic.conformance import cells

    return cells.Options(
        functions=cells.function_names(functions),
        impls=cells.impl_names(impls),
        dtypes=cells.dtype_names(dtypes, exhaustive),
        backward=backward,
        exhaustive=exhaustive,
        samples=cells.check_samples(DEFAULT_SAMPLES if samples is None else samples),
        seed=seed,
    )


def _text(summary: dict) -> str:
    s = summary["summary"]
    lines = [
        f"conformance: {s['graded']} cells graded ({s['computed']} computed, {s['resumed']} "
        f"resumed), {s['n/a']} n/a, {s['errors']} errors"
    ]
    for cell in summary["cells"]:
        what = f"  {cell['cell']}: "
        if cell["status"] == "graded":
            share = f"{cell['correctly_rounded']:,} of {cell['inputs']:,} correctly rounded"
            over = "  EXCEEDS --max-ulp" if cell["exceeds_max_ulp"] else ""
            lines.append(f"{what}max ULP error {cell['max_ulp']}, {share}{over}")
        elif cell["status"] == "error":
            lines.append(f"{what}error: {cell['reason']}")
    lines.append("report: " + ", ".join(summary["report"]))
    return "\n".join(lines) + "\n"
