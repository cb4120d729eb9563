"""The commands, on click: options, help with examples, and what each command does.

Each command checks its options, then does its work in a worker process within its
time and memory limits (`limits.run_limited`). Heavy modules are imported inside the
work, so that `--help` and usage errors are fast.
"""

from __future__ import annotations

import difflib
import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import click

import symbolic
from symbolic import __version__
from symbolic.cli.limits import Limits, run_limited
from symbolic.cli.output import Counter, colour, note_line, tracked
from symbolic.errors import SymbolicError
from symbolic.functions import ALL, DEFAULT_FUNCTION, FAMILY
from symbolic.grade.implementations import library_help

FAMILY_NAMES = click.Choice([*FAMILY, ALL])  # `--catalogue` and `--function`
MAIN = DEFAULT_FUNCTION.typed()  # the main job's function, f(x): the default of every command
NAME = DEFAULT_FUNCTION.language_name()

EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE = 0, 1, 2
FORMAT_NAMES = ("float64", "float32", "float16", "bfloat16")
DEFAULT_TIMEOUT = 600.0  # seconds, for derive, eval, table and sampled grade
CLAIM_TIMEOUT = 60.0  # seconds per claim, for verify and report
MAX_TIMEOUT = 86_400.0


class Command(click.Command):
    """A command whose help ends with examples that run as written."""

    def __init__(self, *args: object, examples: Sequence[str] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.examples = list(examples)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        _write_examples(formatter, self.examples)


def _write_examples(formatter: click.HelpFormatter, examples: Sequence[str]) -> None:
    if not examples:
        return
    formatter.write_paragraph()
    formatter.write_text(click.style("Examples:", bold=True))
    for example in examples:
        formatter.write(f"{'':>{formatter.current_indent + 2}}{example}\n")


class Group(click.Group):
    """The `symbolic` group: bare `symbolic` prints the help; an unknown command names
    the nearest one."""

    examples: Sequence[str] = ()

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            known = self.list_commands(ctx)
            near = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            hint = f"; did you mean {near[0]!r}?" if near else f"; the commands: {', '.join(known)}"
            raise click.UsageError(f"no such command {name!r}{hint}", ctx)
        return super().resolve_command(ctx, args)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        _write_examples(formatter, self.examples)


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Seconds(click.ParamType):
    """A time limit in seconds: more than 0, at most a day; `none` where allowed."""

    name = "seconds"

    def __init__(self, allow_none: bool = True) -> None:
        self.allow_none = allow_none

    def convert(self, value: object, param: object, ctx: object) -> float | None:
        if value is None or isinstance(value, float):
            return value
        text = str(value).strip().lower()
        if self.allow_none and text == "none":
            return None
        try:
            seconds = float(text)
        except ValueError:
            self.fail(f"not a number of seconds: {value!r}", param, ctx)
        if not 0 < seconds <= MAX_TIMEOUT:  # also rejects nan
            self.fail(f"must be between 0 and {MAX_TIMEOUT:.0f} seconds, got {value}", param, ctx)
        return seconds


def _non_negative(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None and value < 0:
        raise click.BadParameter(f"must be 0 or more, got {value}", ctx, param)
    return value


def timeout_option(default: float | None, help_text: str, allow_none: bool = True) -> Callable:
    return click.option(
        "--timeout",
        type=Seconds(allow_none),
        default=default,
        metavar="SECONDS",
        help=help_text,
        show_default=False,
    )


def _limits(command: str, seconds: float | None, memory: bool = True) -> Limits:
    """The limits of a command: `seconds`, and SYMBOLIC_MEMORY_LIMIT or, when it is not
    set, 4 GiB (`memory`) or none."""
    from symbolic.prove.verify import DEFAULT_MEMORY_LIMIT, memory_limit

    return Limits(command, seconds, memory_limit(DEFAULT_MEMORY_LIMIT if memory else None))


def _description() -> str:
    return (symbolic.__doc__ or "").splitlines()[0].removeprefix("symbolic: ")


@click.group(
    cls=Group,
    context_settings=CONTEXT,
    invoke_without_command=True,
    help=_description()
    + "\n\nExit codes: 0 success; 1 a check failed; 2 bad usage or input, a time or "
    "memory limit (one line on stderr). Memory: SYMBOLIC_MEMORY_LIMIT=8G or none "
    "(default 4G; for grade, of data: RLIMIT_DATA). Shell completion: see docs/cli.md.",
)
@click.version_option(
    __version__, "--version", prog_name="symbolic", message="%(prog)s %(version)s"
)
@click.pass_context
def cli(ctx: click.Context) -> int:
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help(), color=ctx.color)
    return EXIT_OK


Group.examples = (
    "symbolic derive",
    f"symbolic eval {NAME} --at -7e-300 --digits 30",
    f'symbolic table "diff({NAME}(x), x)" --from -5 --to 5 --step 0.5 --csv',
    f"symbolic verify --only deriv_{NAME}",
    "symbolic grade numpy --samples 10000",
    "symbolic report --format md --out reports",
)


# --- derive ---------------------------------------------------------------------------


@cli.command(
    cls=Command,
    context_settings=CONTEXT,
    short_help="derive a derivative step by step, every step checked",
    help=f"Derive d/dx EXPR (default {MAIN}) step by step from the definitions; every "
    "step is checked independently. Exit 1 if a step does not check.",
    examples=(
        "symbolic derive",
        "symbolic derive tanh --order 2",
        f'symbolic derive "x*{NAME}(x)" --route quotient --format md',
        "symbolic derive softplus --format json",
    ),
)
@click.argument("expr", default=MAIN, required=False, metavar="[EXPR]")
@click.option(
    "--order", type=int, default=1, metavar="N", show_default=True, help="differentiate N times"
)
@click.option(
    "--route",
    type=click.Choice(["quotient", "chain", "all"]),
    default="all",
    show_default=True,
    help="quotient rule, or chain rule on (1 + e^(-x))^(-1)",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "latex", "json"]),
    default="text",
    show_default=True,
    help="output format",
)
@timeout_option(DEFAULT_TIMEOUT, "time limit of the whole command (default 600; none: no limit)")
def derive(expr: str, order: int, route: str, fmt: str, timeout: float | None) -> int:
    def work() -> int:
        from symbolic.derive.derivation import derive as derive_steps
        from symbolic.derive.formats import render
        from symbolic.language.parser import parse

        derivation = derive_steps(parse(expr), order, route)
        sys.stdout.write(render(derivation, fmt))
        return EXIT_OK if derivation.checked else EXIT_CHECK_FAILED

    return run_limited(work, _limits("derive", timeout))


# --- eval and table ---------------------------------------------------------------------


def expression_options(command: Callable) -> Callable:
    command = click.option(
        "--digits",
        type=int,
        default=20,
        metavar="D",
        show_default=True,
        help="significant digits of the certified value",
    )(command)
    command = click.option(
        "--order",
        type=int,
        default=0,
        metavar="N",
        show_default=True,
        help="differentiate N times first",
    )(command)
    return click.argument("expr", metavar="EXPR")(command)


@cli.command(
    "eval",
    cls=Command,
    context_settings=CONTEXT,
    short_help="certified value at given points, or its correctly rounded float",
    help="Evaluate EXPR at each X: the true value correctly rounded to D digits (every "
    "digit certified by interval arithmetic), or to an IEEE format. X is an exact "
    "decimal (0.1 is one tenth) or an expression (log(3)); negative values as typed.",
    examples=(
        f"symbolic eval {NAME} --at 1 --digits 50",
        f"symbolic eval {NAME} --order 1 --at -7e-300 --at 37.43 --format float64",
        f"symbolic eval {NAME} --at 0.1 --format float32 --json",
        'symbolic eval "log(1 + exp(x))" --at "log(3)"',
    ),
)
@expression_options
@click.option(
    "--at", "points", multiple=True, required=True, metavar="X", help="a point; repeatable"
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["decimal", *FORMAT_NAMES]),
    default="decimal",
    show_default=True,
    help="decimal, or the correctly rounded value in an IEEE format",
)
@click.option("--json", "as_json", is_flag=True, help="JSON output")
@timeout_option(DEFAULT_TIMEOUT, "time limit of the whole command (default 600; none: no limit)")
def eval_command(
    expr: str,
    order: int,
    digits: int,
    points: tuple[str, ...],
    fmt: str,
    as_json: bool,
    timeout: float | None,
) -> int:
    def work() -> int:
        import json

        from symbolic.arith import ieee
        from symbolic.language.printing import to_language
        from symbolic.numbers import oracle, tables

        expression = oracle.to_expression(expr, order)
        oracle.check_digits(digits)
        at = [oracle.to_point(x) for x in points]
        written = oracle.written_conditions(expr)
        for point in at:
            oracle.check_defined(expression, point, written, expr)
        formats = [] if fmt == "decimal" else [fmt]
        rows = [tables.evaluate_row(expression, point, digits, formats) for point in at]
        if as_json:
            data = {"expr": to_language(expression), "digits": digits, "results": []}
            data["results"] = [row.cells() for row in rows]
            sys.stdout.write(json.dumps(data, indent=2) + "\n")
            return EXIT_OK
        for row in rows:
            line = str(row.value)
            for name, rounded in row.formats.items():
                shortest = ieee.shortest_decimal(rounded, ieee.FORMATS[name])
                line = f"{shortest}  {ieee.hex_string(rounded)}  ({line})"
            sys.stdout.write((f"x = {row.x}: {line}" if len(rows) > 1 else line) + "\n")
        return EXIT_OK

    return run_limited(work, _limits("eval", timeout))


@cli.command(
    cls=Command,
    context_settings=CONTEXT,
    short_help="golden vectors: certified values and every IEEE rounding over many points",
    help="Tabulate EXPR over a range (--from A --to B --step H, exact decimals) or the "
    "points of a file (--at-file, one x per line): x, the D-digit value, and its "
    "correctly rounded float64, float32, float16 and bfloat16 values (shortest decimal "
    "and hex). Rows are written as they are computed; at most 100,000.",
    examples=(
        f"symbolic table {NAME} --from -5 --to 5 --step 1",
        f"symbolic table {NAME} --order 1 --from -40 --to 40 --step 0.5 --digits 40 --csv",
        f"symbolic table {NAME} --from -1 --to 1 --step 1/4 --json",
    ),
)
@expression_options
@click.option("--from", "start", metavar="A", help="first x")
@click.option("--to", "stop", metavar="B", help="last x (inclusive)")
@click.option("--step", metavar="H", help="step between points (> 0)")
@click.option("--at-file", metavar="PATH", help="file with one x per line (# comments)")
@click.option("--csv", "as_csv", is_flag=True, help="CSV output")
@click.option("--json", "as_json", is_flag=True, help="JSON output")
@timeout_option(DEFAULT_TIMEOUT, "time limit of the whole command (default 600; none: no limit)")
def table(
    expr: str,
    order: int,
    digits: int,
    start: str | None,
    stop: str | None,
    step: str | None,
    at_file: str | None,
    as_csv: bool,
    as_json: bool,
    timeout: float | None,
) -> int:
    if as_csv and as_json:
        raise SymbolicError("table: give --csv or --json, not both")

    def work() -> int:
        from symbolic.numbers import oracle, tables

        expression = oracle.to_expression(expr, order)
        oracle.check_digits(digits)
        ranged = [start, stop, step]
        if at_file is not None:
            if any(part is not None for part in ranged):
                raise SymbolicError("give either --at-file or --from/--to/--step, not both")
            points = tables.file_points(at_file)
        elif all(part is not None for part in ranged):
            points = tables.range_points(start, stop, step)
        else:
            raise SymbolicError("give --from A --to B --step H, or --at-file PATH")
        written = oracle.written_conditions(expr)
        for point in points:  # all of them before the first row is written
            oracle.check_defined(expression, point, written, expr)
        rows = tables.iter_rows(expression, tracked(points, len(points), "table", "rows"), digits)
        if as_csv:
            tables.write_csv(rows, sys.stdout)
        elif as_json:
            tables.write_json(expression, digits, rows, sys.stdout)
        else:
            tables.write_text(rows, sys.stdout)
        return EXIT_OK

    return run_limited(work, _limits("table", timeout))


# --- verify and report ------------------------------------------------------------------

CLAIM_TIMEOUT_HELP = "time limit per claim (default 60); past it the claim is unknown (timeout)"


@cli.command(
    cls=Command,
    context_settings=CONTEXT,
    short_help="prove or refute the claims of *.claims.toml files (default: the article's)",
    help="Prove or refute each claim of FILE (a *.claims.toml file, or a directory: every "
    "*.claims.toml under it), with a certificate or a certified counterexample; no FILE: "
    "the built-in catalogue of the article. --catalogue NAME runs the built-in facts of a "
    "family function, or of every one with `all`, each id prefixed with the function's "
    "name. Each claim runs in its own process within --timeout and the memory limit. "
    "Exit 1 when a verdict differs from the claim's `expect`.",
    examples=(
        "symbolic verify",
        f"symbolic verify --only deriv_{NAME} --json",
        f"symbolic verify --catalogue {NAME} --only {NAME}.deriv_{NAME}",
        "symbolic verify --catalogue all --junit build/catalogues.xml",
        f"symbolic verify tests/claims/{NAME}.claims.toml --junit build/claims.xml --timeout 120",
    ),
)
@click.argument("files", nargs=-1, metavar="[FILE]...")
@click.option("--json", "as_json", is_flag=True, help="JSON output")
@click.option("--junit", metavar="PATH", help="also write JUnit XML to PATH")
@timeout_option(CLAIM_TIMEOUT, CLAIM_TIMEOUT_HELP, allow_none=False)
@click.option("--only", metavar="ID", help="run only the claim with this id")
@click.option(
    "--catalogue",
    "function",
    type=FAMILY_NAMES,
    metavar="NAME|all",
    help=f"the built-in facts of a family function ({', '.join(FAMILY)}) or of all",
)
def verify(
    files: tuple[str, ...],
    as_json: bool,
    junit: str | None,
    timeout: float,
    only: str | None,
    function: str | None,
) -> int:
    _one_source(files, function, "--catalogue")

    def work() -> int:
        from symbolic.files import append_text, check_output_file, claims_paths, write_atomically
        from symbolic.prove import verify as verifying

        summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
        if junit is not None:  # before the slow part
            check_output_file(junit, "--junit")
        if summary_path:
            check_output_file(summary_path, "GITHUB_STEP_SUMMARY")
        if function is None:
            loaded = verifying.load_all(claims_paths(list(files)))
        else:
            loaded = _catalogues(function)
        results = verifying.run_all(loaded, timeout, only)
        if only is not None and not results:
            raise SymbolicError(f"no claim with id {only!r}")
        if junit is not None:
            write_atomically(junit, verifying.as_junit(results))
        if summary_path:
            paths = [f.path for f in loaded]
            summary = verifying.github_summary(results, paths)
            append_text(summary_path, summary, "GITHUB_STEP_SUMMARY")
        sys.stdout.write(verifying.as_json(results) if as_json else verifying.as_text(results))
        return EXIT_OK if all(r.ok for r in results) else EXIT_CHECK_FAILED

    return run_limited(work, _limits("verify", None))


@cli.command(
    cls=Command,
    context_settings=CONTEXT,
    short_help="re-verify the certificates of `verify --json` (covers, tails) with Arb only",
    help="Re-verify every cover and tail certificate in FILE (what `symbolic verify --json` "
    "printed; - for stdin) with rigorous Arb arithmetic only: no simplification, no search. "
    "Each cover is linked to its claim's fields, each piece re-verified as given, and the "
    "pieces must cover the domain. --catalogue NAME (or all) proves a built-in catalogue "
    "first (--timeout per claim, as verify) and checks it. Exit 1 when a certificate fails. "
    "See docs/check.md.",
    examples=(
        "symbolic check --catalogue silu",
        "symbolic check --catalogue softplus --json",
        "symbolic check --catalogue tanh --timeout 120",
    ),
)
@click.argument("file", required=False, metavar="[FILE]")
@click.option(
    "--catalogue", metavar="NAME", help="prove NAME's built-in catalogue (or all), then check"
)
@click.option("--json", "as_json", is_flag=True, help="JSON output")
@timeout_option(
    None,
    "with FILE: time limit of the whole command (default 600); with --catalogue: per claim "
    "(default 60)",
    allow_none=False,
)
def check(file: str | None, catalogue: str | None, as_json: bool, timeout: float | None) -> int:
    def work() -> int:
        from symbolic.prove import check_output as checking

        if (file is None) == (catalogue is None):
            raise SymbolicError(
                "give FILE (what `symbolic verify --json` printed, - for stdin) or --catalogue NAME"
            )
        if catalogue is not None:
            seconds = timeout or CLAIM_TIMEOUT
            text, name = _catalogue_certificates(catalogue, seconds), f"the {catalogue} catalogue"
        else:
            text, name = _check_input(file, checking.MAX_BYTES), "stdin" if file == "-" else file
        formatter = checking.as_json if as_json else checking.as_text
        output, ok = checking.run(text, name, formatter)
        sys.stdout.write(output)
        return EXIT_OK if ok else EXIT_CHECK_FAILED

    return run_limited(work, _limits("check", None if catalogue else timeout or DEFAULT_TIMEOUT))


def _check_input(file: str, limit: int) -> str:
    """verify's JSON from a regular file or stdin, at most `limit` bytes, UTF-8."""
    from symbolic.files import read_bounded_text

    if file != "-":
        return read_bounded_text(file, limit)
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise SymbolicError(f"stdin: larger than {limit} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SymbolicError("stdin: not UTF-8 text") from None


def _catalogue_certificates(name: str, timeout: float) -> str:
    """verify --json of the built-in catalogues (NAME.claims.toml beside the registry's
    modules), every claim within `timeout` seconds."""
    import re
    from pathlib import Path

    import symbolic.functions
    from symbolic.prove import verify as verifying
    from symbolic.prove.claims import load_claims

    folder = Path(symbolic.functions.__file__).parent
    known = sorted(p.name.removesuffix(".claims.toml") for p in folder.glob("*.claims.toml"))
    if name != "all" and (not re.fullmatch(r"[a-z_]+", name) or name not in known):
        raise SymbolicError(
            f"--catalogue: no built-in catalogue {name!r} (use {', '.join(known)} or all)"
        )
    names = known if name == "all" else [name]
    loaded = [load_claims(folder / f"{n}.claims.toml") for n in names]
    return verifying.as_json(verifying.run_all(loaded, timeout))


@cli.command(
    cls=Command,
    context_settings=CONTEXT,
    short_help="render the derivation report (Markdown, LaTeX, HTML, PDF)",
    help=f"Render the report of {MAIN} (no FILE), of a family function (--function NAME, "
    "or all of them), or a verification report of claims files, from Jinja2 templates. "
    "Files are written atomically; --out is created with its parents.",
    examples=(
        "symbolic report",
        "symbolic report --format md --out build",
        "symbolic report --function softplus --format html --out build",
        f"symbolic report tests/claims/{NAME}.claims.toml --format html --out build",
    ),
)
@click.argument("files", nargs=-1, metavar="[FILE]...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "tex", "html", "pdf", "all"]),
    default="all",
    show_default=True,
    help="output format; all = md, tex, html, and pdf when TeX is installed",
)
@click.option("--out", default="reports", metavar="DIR", show_default=True, help="output directory")
@click.option("--templates", metavar="DIR", help="use the templates in DIR instead")
@timeout_option(CLAIM_TIMEOUT, CLAIM_TIMEOUT_HELP, allow_none=False)
@click.option(
    "--function",
    type=FAMILY_NAMES,
    metavar="NAME|all",
    help=f"the report of a family function ({', '.join(FAMILY)}) or of all, as NAME.*",
)
def report(
    files: tuple[str, ...],
    fmt: str,
    out: str,
    templates: str | None,
    timeout: float,
    function: str | None,
) -> int:
    _one_source(files, function, "--function")

    def work() -> int:
        from symbolic.cli.parallel import cores, run_each
        from symbolic.files import claims_paths, prepare_directory
        from symbolic.report import render as reports

        reports.template_directory(templates)  # fail early, before the slow part
        prepare_directory(out, "--out")
        paths = claims_paths(list(files))
        if fmt == "all":
            formats = ["md", "tex", "html"]
            if reports.latexmk_available():
                formats.append("pdf")
            else:
                note_line("TeX is not installed, so no PDF (see symbolic report --help)")
        else:
            formats = [fmt]
            if fmt == "pdf" and not reports.latexmk_available():
                reports.compile_pdf("", reports.Path(out) / "unused.pdf")  # the install hint
        options = {"formats": formats, "out": out, "templates": templates, "timeout": timeout}
        subjects = _report_subjects(paths, function)
        tasks = [functools.partial(_report, m, name, paths, **options) for m, name in subjects]
        with _status("report: building"):  # the reports side by side, one per core
            outcomes = run_each(tasks, jobs=min(len(tasks), cores()))
        for written, _ in outcomes:
            print("\n".join(written))
        return EXIT_OK if all(failed == 0 for _, failed in outcomes) else EXIT_CHECK_FAILED

    return run_limited(work, _limits("report", None))


def _one_source(files: tuple[str, ...], function: str | None, option: str) -> None:
    """FILE and a built-in function's name are two sources of claims: one at a time."""
    if files and function is not None:
        raise click.UsageError(f"give FILE or {option} NAME, not both")


def _catalogues(function: str) -> list:
    """The catalogues of `--catalogue NAME|all`, ids prefixed with each function's name.
    NAME without a catalogue is an error; `all` runs those that exist and notes the rest."""
    from symbolic.functions import family_members
    from symbolic.prove import verify as verifying

    members = family_members(function)
    missing = [m.language_name() for m in members if not m.has_catalogue()]
    if len(missing) == len(members):
        what = missing[0] if len(missing) == 1 else "no function"
        raise SymbolicError(f"{what} has no catalogue yet")
    for name in missing:
        note_line(f"{name} has no catalogue yet; its claims are not run")
    return [verifying.catalogue(m, qualified=True) for m in members if m.has_catalogue()]


def _report(
    member: object,
    name: str,
    paths: list[str],
    formats: list[str],
    out: str,
    templates: str | None,
    timeout: float,
) -> tuple[list[str], int]:
    """Build one report (a function's, or the claims files' when `member` is None) and
    write it as `name`.*: the paths written and the number of claims not as expected."""
    from symbolic.prove import verify as verifying
    from symbolic.report import model as report_model
    from symbolic.report import render as reports

    with verifying.time_limit(timeout):
        if member is None:
            model = report_model.build_claims_report(paths)
        else:
            model = report_model.build_function_report(member)
    written = reports.write_report(model, formats, out, name, templates)
    return [str(path) for path in written], model.data.summary.failed


def _report_subjects(paths: list[str], function: str | None) -> list[tuple[object, str]]:
    """(function, output name) per report: the claims files' report (function None), a
    family function's, every family function's, or the main job's (σ's article)."""
    from symbolic.functions import family_members

    if paths:
        name = Path(paths[0]).name.removesuffix(".toml").removesuffix(".claims")
        return [(None, name + "-report")]
    members = family_members(function) if function is not None else [DEFAULT_FUNCTION]
    return [(m, m.language_name()) for m in members]


def _status(text: str):
    """A spinner with the elapsed time on a terminal's stderr (the report has no count
    to show a rate of)."""
    import contextlib

    from symbolic.cli.output import progress_wanted

    if not progress_wanted():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(file=sys.stderr, no_color=not colour(sys.stderr)).status(text)


# --- grade ------------------------------------------------------------------------------


@cli.command(
    cls=Command,
    context_settings=CONTEXT,
    short_help="ULP grading of a float implementation against certified references",
    help="Grade IMPL against the correctly rounded references of --of (F or diff(F(x), x) "
    f"for F one of {', '.join(dict.fromkeys(m.language_name() for m in FAMILY.values()))}). "
    f"IMPL: {library_help()}; derivatives by the closed formulas (numpy, scipy), autograd "
    "(torch), jax.grad through vmap (jax); or a function's formulas (naive, stable, ...), "
    "or package.module:function. float16/bfloat16: numpy, torch, jax natively (numpy's "
    "bfloat16 by ml_dtypes), scipy through float32. Time limit: 600 s when sampled, none "
    "with --exhaustive. Memory: 4G of data (RLIMIT_DATA: PyTorch and JAX reserve large "
    "address spaces), or SYMBOLIC_MEMORY_LIMIT.",
    examples=(
        "symbolic grade numpy --samples 10000",
        f'symbolic grade naive --of "diff({NAME}(x), x)" --dtype bfloat16 --exhaustive',
        f'symbolic grade stable --of "diff({NAME}(x), x)" --dtype float16 --exhaustive --json',
        'symbolic grade torch --of "diff(tanh(x), x)" --dtype float16 --samples 2000',
    ),
)
@click.argument("impl", metavar="IMPL")
@click.option(
    "--of", "of", default=MAIN, metavar="EXPR", show_default=True, help="the function computed"
)
@click.option(
    "--dtype",
    type=click.Choice(FORMAT_NAMES),
    default="float32",
    show_default=True,
    help="format graded",
)
@click.option("--exhaustive", is_flag=True, help="every input of the format (not float64)")
@click.option(
    "--samples", type=int, metavar="N", help="random inputs over all exponents (default 100000)"
)
@click.option(
    "--max-ulp",
    type=float,
    metavar="U",
    help="exit 1 when the max ULP error exceeds U (the exact maximum, not the 4 digits shown)",
)
@click.option(
    "--worst", type=int, default=10, metavar="K", show_default=True, help="list the K worst inputs"
)
@click.option(
    "--jobs", type=int, default=1, metavar="N", show_default=True, help="worker processes"
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    callback=_non_negative,
    help="seed of the samples",
)
@click.option("--plot", metavar="PATH", help="write an SVG of ULP error against x (|x| <= 50)")
@click.option("--json", "as_json", is_flag=True, help="JSON output")
@timeout_option(None, "time limit of the whole command (default 600, none with --exhaustive)")
@click.pass_context
def grade(
    ctx: click.Context,
    impl: str,
    of: str,
    dtype: str,
    exhaustive: bool,
    samples: int | None,
    max_ulp: float | None,
    worst: int,
    jobs: int,
    seed: int,
    plot: str | None,
    as_json: bool,
    timeout: float | None,
) -> int:
    if exhaustive and samples is not None:
        raise SymbolicError("grade: give --exhaustive or --samples, not both")
    if not 0 <= worst <= 1000:
        raise SymbolicError("--worst must be from 0 to 1000")
    timeout_given = ctx.get_parameter_source("timeout") != click.core.ParameterSource.DEFAULT
    seconds = timeout if timeout_given else (None if exhaustive else DEFAULT_TIMEOUT)

    def work() -> int:
        import json

        from symbolic.grade import grading
        from symbolic.grade.memory import limit_data, memory_errors, steady_heap

        if plot is not None:
            from symbolic.files import check_output_file

            check_output_file(plot, "--plot")  # before the slow part
        limit_data(memory)
        steady_heap()  # this process exists to grade: its workers inherit it
        with Counter("grading", "inputs") as progress, memory_errors(memory):
            result = grading.grade(
                impl,
                of,
                dtype,
                exhaustive,
                100_000 if samples is None else samples,
                worst,
                jobs,
                seed,
                None if as_json else progress,  # --json: the results alone, no bar
            )
        data = result.as_json()
        if plot:
            from symbolic.files import write_atomically
            from symbolic.report.figures import grade_plot

            write_atomically(plot, grade_plot(result))
        sys.stdout.write(
            json.dumps(data, indent=2, ensure_ascii=False) + "\n"
            if as_json
            else grading.as_text(data)
        )
        # The exact maximum, not the 4-digit one printed: 0.50003 ULP exceeds --max-ulp 0.5.
        exceeded = max_ulp is not None and not result.stats.max_ulp <= max_ulp
        return EXIT_CHECK_FAILED if exceeded else EXIT_OK

    memory = _limits("grade", seconds).memory  # SYMBOLIC_MEMORY_LIMIT, else 4G
    # Not RLIMIT_AS (PyTorch and JAX reserve large address spaces): RLIMIT_DATA, set in
    # the worker by `work`, counts the private writable memory actually mapped.
    return run_limited(work, Limits("grade", seconds, None))
