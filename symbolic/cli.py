"""The `symbolic` command line.

Exit codes, everywhere: 0 success; 1 a check failed (a derivation step did not
check, a claim's verdict differs from what was expected); 2 bad usage or bad
input, reported as one line on stderr with no traceback.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

import symbolic
from symbolic import __version__
from symbolic.errors import SymbolicError
from symbolic.functions import DEFAULT_FUNCTION

MAIN = DEFAULT_FUNCTION.typed()  # the main job's function, f(x): the default of every command

EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE = 0, 1, 2
FORMAT_NAMES = ("float64", "float32", "float16", "bfloat16")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("symbolic").strip()
        where = f"{command}: " if command else ""
        raise SymbolicError(f"{where}{message} (see symbolic {command} --help)".replace("  ", " "))


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="symbolic",
        description=(symbolic.__doc__ or "").splitlines()[0].removeprefix("symbolic: "),
    )
    parser.add_argument("--version", action="version", version=f"symbolic {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    derive = commands.add_parser(
        "derive",
        help="derive a derivative step by step, every step checked",
        description="Derive d/dx EXPR step by step from the definitions; every step is "
        "checked independently. Exit 1 if a step does not check.",
    )
    derive.add_argument(
        "expr",
        nargs="?",
        default=MAIN,
        metavar="EXPR",
        help=f"expression of x (default: {MAIN})",
    )
    derive.add_argument(
        "--order", type=int, default=1, metavar="N", help="differentiate N times (default 1)"
    )
    derive.add_argument(
        "--route",
        choices=("quotient", "chain", "all"),
        default="all",
        help="quotient rule, or chain rule on (1 + e^(-x))^(-1) (default: all)",
    )
    derive.add_argument(
        "--format",
        choices=("text", "md", "latex", "json"),
        default="text",
        help="output format (default: text)",
    )
    derive.set_defaults(handler=_run_derive)
    _add_eval(commands)
    _add_table(commands)
    _add_verify(commands)
    _add_report(commands)
    _add_grade(commands)
    return parser


def _add_grade(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "grade",
        help="ULP grading of a float implementation against certified references",
        description="Grade IMPL (numpy, scipy, torch, jax, naive, product, stable, or "
        "package.module:function) against the correctly rounded references of --of.",
    )
    parser.add_argument("impl", metavar="IMPL")
    parser.add_argument(
        "--of",
        default=MAIN,
        metavar="EXPR",
        help=f"the function computed (default {MAIN})",
    )
    parser.add_argument(
        "--dtype", choices=FORMAT_NAMES, default="float32", help="format graded (default float32)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--exhaustive", action="store_true", help="every input of the format (not float64)"
    )
    mode.add_argument(
        "--samples",
        type=int,
        default=100_000,
        metavar="N",
        help="random inputs over all exponents (default 100000)",
    )
    parser.add_argument(
        "--max-ulp",
        type=float,
        metavar="U",
        help="exit 1 when the max ULP error exceeds U (the exact maximum, not the 4 digits shown)",
    )
    parser.add_argument(
        "--worst", type=int, default=10, metavar="K", help="list the K worst inputs (default 10)"
    )
    parser.add_argument(
        "--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)"
    )
    parser.add_argument(
        "--seed", type=_non_negative_int, default=0, help="seed of the samples (default 0)"
    )
    parser.add_argument(
        "--plot", metavar="PATH", help="write an SVG of ULP error against x (|x| <= 50)"
    )
    parser.add_argument("--json", action="store_true", help="JSON output")
    parser.set_defaults(handler=_run_grade)


def _add_report(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "report",
        help="render the derivation report (Markdown, LaTeX, HTML, PDF)",
        description=f"Render the report of {MAIN} (no FILE) or a verification report of claims "
        "files, from Jinja2 templates. Files are written atomically.",
    )
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help=f"claims files (default: the report of {MAIN})"
    )
    parser.add_argument(
        "--format",
        choices=("md", "tex", "html", "pdf", "all"),
        default="all",
        help="output format; all = md, tex, html, and pdf when TeX is installed (default)",
    )
    parser.add_argument(
        "--out", default="reports", metavar="DIR", help="output directory (default reports/)"
    )
    parser.add_argument("--templates", metavar="DIR", help="use the templates in DIR instead")
    _add_timeout(parser)
    parser.set_defaults(handler=_run_report)


def _add_verify(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "verify",
        help="prove or refute the claims of *.claims.toml files (default: the article's)",
        description="Prove or refute each claim, with a certificate or a certified "
        "counterexample. Exit 1 when a verdict differs from the claim's `expect`.",
    )
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="claims files (default: built-in catalogue)"
    )
    parser.add_argument("--json", action="store_true", help="JSON output")
    parser.add_argument("--junit", metavar="PATH", help="also write JUnit XML to PATH")
    _add_timeout(parser)
    parser.add_argument("--only", metavar="ID", help="run only the claim with this id")
    parser.set_defaults(handler=_run_verify)


def _add_timeout(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="time limit per claim (default 60); past it the claim is unknown (timeout)",
    )


def _check_timeout(timeout: float) -> None:
    if not 0 < timeout <= 86_400:  # also rejects nan
        raise SymbolicError(f"--timeout must be between 0 and 86400 seconds, got {timeout}")


def _add_expression_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "expr",
        metavar="EXPR",
        help=f"expression of x, e.g. {DEFAULT_FUNCTION.language_name()} or 'x*{MAIN}'",
    )
    parser.add_argument(
        "--order", type=int, default=0, metavar="N", help="differentiate N times first (default 0)"
    )
    parser.add_argument(
        "--digits",
        type=int,
        default=20,
        metavar="D",
        help="significant digits of the certified value (default 20)",
    )


def _add_eval(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "eval",
        help="certified value at given points, or its correctly rounded float",
        description="Evaluate EXPR at each X: the true value correctly rounded to D digits "
        "(every digit certified by interval arithmetic), or to an IEEE format.",
    )
    _add_expression_arguments(parser)
    parser.add_argument(
        "--at",
        action="append",
        required=True,
        metavar="X",
        help="a point: exact decimal (0.1 is one tenth) or expression (log(3)); repeatable",
    )
    parser.add_argument(
        "--format",
        choices=("decimal", *FORMAT_NAMES),
        default="decimal",
        help="decimal (default) or the correctly rounded value in an IEEE format",
    )
    parser.add_argument("--json", action="store_true", help="JSON output")
    parser.set_defaults(handler=_run_eval)


def _add_table(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "table",
        help="golden vectors: certified values and every IEEE rounding over many points",
        description="Tabulate EXPR over a range or the points of a file: x, the D-digit "
        "value, and its correctly rounded float64, float32, float16 and bfloat16 values "
        "(shortest decimal and hex).",
    )
    _add_expression_arguments(parser)
    parser.add_argument("--from", dest="start", metavar="A", help="first x")
    parser.add_argument("--to", dest="stop", metavar="B", help="last x (inclusive)")
    parser.add_argument("--step", metavar="H", help="step between points (> 0)")
    parser.add_argument("--at-file", metavar="PATH", help="file with one x per line")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--csv", action="store_true", help="CSV output")
    output.add_argument("--json", action="store_true", help="JSON output")
    parser.set_defaults(handler=_run_table)


def _run_derive(args: argparse.Namespace) -> int:
    from symbolic.derive.derivation import derive
    from symbolic.derive.formats import render
    from symbolic.language.parser import parse

    derivation = derive(parse(args.expr), args.order, args.route)
    sys.stdout.write(render(derivation, args.format))
    return EXIT_OK if derivation.checked else EXIT_CHECK_FAILED


def _run_eval(args: argparse.Namespace) -> int:
    import json

    from symbolic.arith import ieee
    from symbolic.language.printing import to_language
    from symbolic.numbers import oracle, tables

    expr = oracle.to_expression(args.expr, args.order)
    oracle.check_digits(args.digits)
    points = [oracle.to_point(x) for x in args.at]
    written = oracle.written_conditions(args.expr)
    for point in points:
        oracle.check_defined(expr, point, written, args.expr)
    formats = [] if args.format == "decimal" else [args.format]
    rows = [tables.evaluate_row(expr, point, args.digits, formats) for point in points]
    if args.json:
        data = {"expr": to_language(expr), "digits": args.digits, "results": []}
        for row in rows:
            cells = row.cells()
            data["results"].append({key: cells[key] for key in cells})
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return EXIT_OK
    for row in rows:
        line = str(row.value)
        for name, rounded in row.formats.items():
            fmt = ieee.FORMATS[name]
            line = f"{ieee.shortest_decimal(rounded, fmt)}  {ieee.hex_string(rounded)}  ({line})"
        sys.stdout.write((f"x = {row.x}: {line}" if len(rows) > 1 else line) + "\n")
    return EXIT_OK


def _run_table(args: argparse.Namespace) -> int:
    from symbolic.numbers import oracle, tables

    expr = oracle.to_expression(args.expr, args.order)
    oracle.check_digits(args.digits)
    ranged = [args.start, args.stop, args.step]
    if args.at_file is not None:
        if any(part is not None for part in ranged):
            raise SymbolicError("give either --at-file or --from/--to/--step, not both")
        points = tables.file_points(args.at_file)
    elif all(part is not None for part in ranged):
        points = tables.range_points(args.start, args.stop, args.step)
    else:
        raise SymbolicError("give --from A --to B --step H, or --at-file PATH")
    written = oracle.written_conditions(args.expr)
    for point in points:
        oracle.check_defined(expr, point, written, args.expr)
    rows = tables.build_rows(expr, points, args.digits)
    if args.csv:
        text = tables.as_csv(rows)
    elif args.json:
        text = tables.as_json(expr, args.digits, rows)
    else:
        text = tables.as_text(rows)
    sys.stdout.write(text)
    return EXIT_OK


def _run_verify(args: argparse.Namespace) -> int:
    from symbolic.files import append_text, check_output_file, claims_paths, write_atomically
    from symbolic.prove import verify

    _check_timeout(args.timeout)
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if args.junit is not None:  # before the slow part
        check_output_file(args.junit, "--junit")
    if summary_path:
        check_output_file(summary_path, "GITHUB_STEP_SUMMARY")
    files = verify.load_all(claims_paths(args.files))
    results = verify.run_all(files, args.timeout, args.only)
    if args.only is not None and not results:
        raise SymbolicError(f"no claim with id {args.only!r}")
    if args.junit is not None:
        write_atomically(args.junit, verify.as_junit(results))
    if summary_path:
        paths = [f.path for f in files]
        append_text(summary_path, verify.github_summary(results, paths), "GITHUB_STEP_SUMMARY")
    sys.stdout.write(verify.as_json(results) if args.json else verify.as_text(results))
    return EXIT_OK if all(r.ok for r in results) else EXIT_CHECK_FAILED


def _run_report(args: argparse.Namespace) -> int:
    from symbolic.files import claims_paths, prepare_directory
    from symbolic.prove import verify
    from symbolic.report import model as report_model
    from symbolic.report import render as reports

    _check_timeout(args.timeout)
    reports.template_directory(args.templates)  # fail early, before the slow part
    prepare_directory(args.out, "--out")
    files = claims_paths(args.files)
    if args.format == "all":
        formats = ["md", "tex", "html"]
        if reports.latexmk_available():
            formats.append("pdf")
        else:
            print(
                "symbolic: note: TeX is not installed, so no PDF (see symbolic report --help)",
                file=sys.stderr,
            )
    else:
        formats = [args.format]
        if args.format == "pdf" and not reports.latexmk_available():
            reports.compile_pdf(
                "", reports.Path(args.out) / "unused.pdf"
            )  # raises the install hint
    with verify.time_limit(args.timeout):
        if files:
            model = report_model.build_claims_report(files)
            name = reports.Path(files[0]).name.removesuffix(".toml").removesuffix(".claims")
            name += "-report"
        else:
            model = report_model.build_function_report(DEFAULT_FUNCTION)
            name = DEFAULT_FUNCTION.language_name()
    for path in reports.write_report(model, formats, args.out, name, args.templates):
        print(path)
    failed = model.data.summary.failed
    return EXIT_OK if failed == 0 else EXIT_CHECK_FAILED


def _run_grade(args: argparse.Namespace) -> int:
    import json

    from symbolic.grade import grading

    if not 0 <= args.worst <= 1000:
        raise SymbolicError("--worst must be from 0 to 1000")
    if args.plot is not None:
        from symbolic.files import check_output_file

        check_output_file(args.plot, "--plot")  # before the slow part
    result = grading.grade(
        args.impl,
        args.of,
        args.dtype,
        args.exhaustive,
        args.samples,
        args.worst,
        args.jobs,
        args.seed,
        grading.terminal_progress,
    )
    data = result.as_json()
    if args.plot:
        from symbolic.files import write_atomically
        from symbolic.report.figures import grade_plot

        write_atomically(args.plot, grade_plot(result))
    sys.stdout.write(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if args.json
        else grading.as_text(data)
    )
    # The exact maximum, not the 4-digit one printed: 0.50003 ULP exceeds --max-ulp 0.5.
    exceeded = args.max_ulp is not None and not result.stats.max_ulp <= args.max_ulp
    return EXIT_CHECK_FAILED if exceeded else EXIT_OK


VALUE_OPTIONS = ("--at", "--from", "--to", "--step")


def join_negative_values(argv: Sequence[str]) -> list[str]:
    """`--at -7e-300` as `--at=-7e-300`: argparse would take a value that starts with
    '-' for an option (it only knows plain negative numbers such as -2.5)."""
    joined: list[str] = []
    tokens = list(argv)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token in VALUE_OPTIONS and following and following.startswith("-") and following != "--":
            joined.append(f"{token}={following}")
            index += 2
            continue
        joined.append(token)
        index += 1
    return joined


class Terminated(SystemExit):
    """SIGTERM, raised as an exception so that every `finally` runs: temporary files
    and directories are removed, child processes are killed."""


def _terminate(signum: int, frame: object) -> NoReturn:
    raise Terminated(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, _terminate)
        installed = True
    except ValueError:  # not the main thread: leave signals alone
        installed = False
    try:
        return _main(argv)
    except Terminated as stop:
        print("symbolic: terminated (SIGTERM)", file=sys.stderr)
        return int(stop.code)
    finally:
        if installed:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _main(argv: Sequence[str] | None) -> int:
    try:
        tokens = join_negative_values(sys.argv[1:] if argv is None else argv)
        args = build_parser().parse_args(tokens)
        return args.handler(args)
    except SymbolicError as error:
        one_line = " ".join(str(error).split())
        print(f"symbolic: error: {one_line}", file=sys.stderr)
        return EXIT_USAGE
    except (OverflowError, RecursionError, MemoryError) as error:
        # A limit of the machine, not of the input's syntax: still one line, never a traceback.
        kind = type(error).__name__
        print(f"symbolic: error: the input is too large to handle ({kind})", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("symbolic: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into a closed reader (e.g. `| head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def entry_point() -> NoReturn:
    sys.exit(main())
