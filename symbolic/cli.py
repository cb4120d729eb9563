"""The `symbolic` command line.

Exit codes, everywhere: 0 success; 1 a check failed (a derivation step did not
check, a claim's verdict differs from what was expected); 2 bad usage or bad
input, reported as one line on stderr with no traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from symbolic import __version__
from symbolic.errors import SymbolicError

EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("symbolic").strip()
        where = f"{command}: " if command else ""
        raise SymbolicError(f"{where}{message} (see symbolic {command} --help)".replace("  ", " "))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="symbolic",
        description="Machine-checked reference for the logistic sigmoid σ and σ′ = σ(1 − σ).",
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
        "expr", nargs="?", default="sigmoid(x)", metavar="EXPR",
        help="expression of x (default: sigmoid(x))",
    )  # fmt: skip
    derive.add_argument(
        "--order", type=int, default=1, metavar="N", help="differentiate N times (default 1)"
    )
    derive.add_argument(
        "--route", choices=("quotient", "chain", "all"), default="all",
        help="quotient rule, or chain rule on (1 + e^(-x))^(-1) (default: all)",
    )  # fmt: skip
    derive.add_argument(
        "--format", choices=("text", "md", "latex", "json"), default="text",
        help="output format (default: text)",
    )  # fmt: skip
    derive.set_defaults(handler=_run_derive)
    return parser


def _run_derive(args: argparse.Namespace) -> int:
    from symbolic.derivation import derive
    from symbolic.derivation_formats import render
    from symbolic.language import parse

    derivation = derive(parse(args.expr), args.order, args.route)
    sys.stdout.write(render(derivation, args.format))
    return EXIT_OK if derivation.checked else EXIT_CHECK_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except SymbolicError as error:
        one_line = " ".join(str(error).split())
        print(f"symbolic: error: {one_line}", file=sys.stderr)
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
