"""The conformance report: a model built from the cells, rendered by Jinja2 templates.

`DIR/conformance.md` and `DIR/conformance.html` (templates/conformance.*.j2) hold, per
function, a matrix of max ULP errors (implementation and direction × dtype, coloured by
ULP class in the HTML) and a table of every cell (max ULP, share correctly rounded,
wrong zeros, NaN, inf, zero_from), the SVG plot of each cell's ULP error against x
(`symbolic grade --plot`'s figure: files in DIR/plots/ for the Markdown, inline in the
HTML) and the n/a cells with their reasons. The model holds no timing, host or date and
nothing of how the run went (resumed or not, where it ran): the same results give the
same bytes. It shows the command that reproduces the results and the library versions.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import jinja2

from symbolic import __version__
from symbolic.arith import ieee
from symbolic.conformance.cells import Options, Planned, library_of, library_version
from symbolic.conformance.tasks import Outcome
from symbolic.errors import SymbolicError
from symbolic.files import prepare_directory, write_atomically
from symbolic.grade.grading import Grade, Stats
from symbolic.language.printing import markdown_escape
from symbolic.report.figures import grade_plot
from symbolic.report.render import template_directory

# (upper bound of the max ULP error, CSS class, label), first match wins.
ULP_CLASSES = (
    (0.5, "cr", "correctly rounded (≤ 0.5 ULP)"),
    (1.0, "faithful", "faithful (≤ 1 ULP)"),
    (16.0, "close", "≤ 16 ULP"),
    (float(2**20), "far", "≤ 2^20 ULP"),
    (math.inf, "wrong", "> 2^20 ULP, or inf/NaN"),
)
TEMPLATES = {"md": "conformance.md.j2", "html": "conformance.html.j2"}


@dataclass(frozen=True)
class CellResult:
    """One cell of this run: its outcome (graded), or an error, or the n/a reason."""

    planned: Planned
    outcome: Outcome | None
    error: str | None
    computed: bool  # computed by this run (False: resumed from DIR, or n/a)

    @property
    def status(self) -> str:
        if self.outcome is not None:
            return "graded"
        return "error" if self.error is not None else "n/a"

    @property
    def data(self) -> dict | None:
        return None if self.outcome is None else json.loads(self.outcome.text)


@dataclass(frozen=True)
class CellView:
    name: str
    impl: str
    dtype: str
    direction: str
    what: str  # f or f′ as printed
    status: str
    reason: str
    max_ulp: str
    percent: str
    inputs: int
    wrong_zeros: int
    nan: int
    inf: int
    zero_from: str
    worst: str
    css: str
    label: str
    plot: str | None  # plots/<name>.svg, when the cell has a plot
    svg: str | None


@dataclass(frozen=True)
class MatrixRow:
    label: str
    entries: tuple[CellView, ...]


@dataclass(frozen=True)
class FunctionView:
    name: str
    title: str
    dtypes: tuple[str, ...]
    matrix: tuple[MatrixRow, ...]
    graded: tuple[CellView, ...]
    other: tuple[CellView, ...]  # n/a and errors


@dataclass(frozen=True)
class ConformanceModel:
    title: str
    command: str
    mode: str
    versions: tuple[tuple[str, str], ...]
    classes: tuple[tuple[str, str], ...]
    functions: tuple[FunctionView, ...]
    counts: tuple[tuple[str, int], ...]


def ulp_class(max_ulp: float, data: dict) -> tuple[str, str]:
    bad = data["nan"] or data["inf"]
    for bound, css, label in ULP_CLASSES:
        if max_ulp <= bound and not (bad and bound < math.inf):
            return css, label
    return ULP_CLASSES[-1][1], ULP_CLASSES[-1][2]


def percent(correct: int, inputs: int) -> str:
    """The share correctly rounded, rounded down to 0.01 % (99.999 % is not 100 %)."""
    if not inputs:
        return "—"
    hundredths = correct * 10000 // inputs
    return f"{hundredths // 100}.{hundredths % 100:02d} %"


def cell_view(result: CellResult) -> CellView:
    planned = result.planned
    cell = planned.cell
    what = cell.member.prime_name(cell.order)
    base = dict(name=cell.name, impl=cell.impl, dtype=cell.dtype, direction=cell.direction)
    if result.outcome is None:
        reason = result.error if result.error is not None else (planned.reason or "")
        css = "error" if result.error is not None else "na"
        return CellView(
            **base,
            what=what,
            status=result.status,
            reason=reason,
            max_ulp="—",
            percent="—",
            inputs=0,
            wrong_zeros=0,
            nan=0,
            inf=0,
            zero_from="—",
            worst="—",
            css=css,
            label=result.status,
            plot=None,
            svg=None,
        )
    data = result.data
    css, label = ulp_class(result.outcome.max_ulp, data)
    svg = plot_svg(result)
    worst = data["worst"][0]["x"] if data["worst"] else "—"
    return CellView(
        **base,
        what=what,
        status="graded",
        reason="",
        max_ulp=str(data["max_ulp"]),
        percent=percent(data["correctly_rounded"], data["inputs"]),
        inputs=data["inputs"],
        wrong_zeros=data["wrong_zeros"],
        nan=data["nan"],
        inf=data["inf"],
        zero_from="never" if data["zero_from"] is None else data["zero_from"],
        worst=worst,
        css=css,
        label=label,
        plot=None if svg is None else f"plots/{cell.name}.svg",
        svg=svg,
    )


def plot_svg(result: CellResult) -> str | None:
    """`symbolic grade --plot`'s figure of the cell's ULP errors (None: fewer than two
    distinct x with |x| <= 50 were graded, nothing to draw)."""
    points = result.outcome.plot
    if len({x for x, _ in points}) < 2:
        return None
    data = result.data
    stats = Stats(plot=list(points))
    return grade_plot(
        Grade(data["impl"], data["of"], ieee.format_named(data["dtype"]), data["mode"], stats)
    )


def function_view(name: str, results: list[CellResult], options: Options) -> FunctionView:
    views = [cell_view(r) for r in results]
    member = results[0].planned.cell.member
    rows = []
    for impl in options.impls:
        for direction in options.directions:
            entries = tuple(v for v in views if v.impl == impl and v.direction == direction)
            rows.append(MatrixRow(f"{impl}: {entries[0].what}", entries))
    return FunctionView(
        name=name,
        title=member.display_name(),
        dtypes=options.dtypes,
        matrix=tuple(rows),
        graded=tuple(v for v in views if v.status == "graded"),
        other=tuple(v for v in views if v.status != "graded"),
    )


def versions(options: Options) -> tuple[tuple[str, str], ...]:
    libraries = dict.fromkeys(["numpy", *(library_of(impl) for impl in options.impls)])
    found = [(name, library_version(name) or "not installed") for name in libraries]
    return (("symbolic", __version__), *found)


def build_model(results: list[CellResult], options: Options) -> ConformanceModel:
    functions = tuple(
        function_view(name, [r for r in results if r.planned.cell.function == name], options)
        for name in options.functions
    )
    statuses = [r.status for r in results]
    return ConformanceModel(
        title="Conformance of float implementations",
        command=options.command(),
        mode=(
            "exhaustive: every bit pattern of each format"
            if options.exhaustive
            else f"sampled: {options.samples:,} uniform random bit patterns per cell (seed {options.seed})"
        ),
        versions=versions(options),
        classes=tuple((css, label) for _, css, label in ULP_CLASSES),
        functions=functions,
        counts=tuple(
            (label, statuses.count(s))
            for s, label in (("graded", "graded"), ("n/a", "n/a"), ("error", "failed"))
        ),
    )


def _environment(fmt: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_directory())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=fmt == "html",
    )
    env.filters["md"] = lambda text: markdown_escape(str(text))
    return env


def render(model: ConformanceModel, fmt: str) -> str:
    try:
        return _environment(fmt).get_template(TEMPLATES[fmt]).render(model=model)
    except jinja2.TemplateNotFound as missing:
        raise SymbolicError(f"template {missing.name} not found") from None
    except jinja2.UndefinedError as error:
        raise SymbolicError(f"template error: {error.message}") from None


def write_report(model: ConformanceModel, out: Path) -> list[Path]:
    """conformance.md, conformance.html and plots/*.svg (plots of cells no longer in
    the report are removed), each written atomically."""
    plots = prepare_directory(str(out / "plots"), "--out")
    wanted = {}
    for function in model.functions:
        for view in function.graded:
            if view.svg is not None:
                wanted[f"{view.name}.svg"] = view.svg
    for stale in sorted(plots.glob("*.svg")):
        if stale.name not in wanted:
            stale.unlink(missing_ok=True)
    for name, svg in wanted.items():
        write_atomically(plots / name, svg)
    written = []
    for fmt in ("md", "html"):
        path = out / f"conformance.{fmt}"
        write_atomically(path, render(model, fmt))
        written.append(path)
    return written
