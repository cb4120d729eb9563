"""The `symbolic` command line (click, with rich for progress).

Exit codes, everywhere: 0 success; 1 a check failed (a derivation step did not
check, a claim's verdict differs from what was expected, a grade over --max-ulp);
2 bad usage or bad input, or a time or memory limit reached, reported as one line on
stderr with no traceback; 130 on Ctrl-C; 143 on SIGTERM.

`main(argv)` parses in this process and runs the command's work in a worker process
that holds its time and memory limits (`symbolic.cli.limits`).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

import click

import symbolic.cli.conformance  # noqa: F401 - registers `symbolic conformance`
from symbolic.cli.app import EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, MAIN, cli
from symbolic.cli.limits import Terminated, guarded, terminate
from symbolic.cli.output import colour
from symbolic.errors import SymbolicError

__all__ = [
    "EXIT_CHECK_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAIN",
    "Terminated",
    "cli",
    "entry_point",
    "main",
]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, terminate)
        installed = True
    except ValueError:  # not the main thread: leave signals alone
        installed = False
    try:
        return guarded(lambda: _dispatch(argv))
    finally:
        if installed:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _dispatch(argv: Sequence[str] | None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        code = cli.main(
            args=args, prog_name="symbolic", standalone_mode=False, color=colour(sys.stdout)
        )
    except click.exceptions.Abort:
        raise KeyboardInterrupt from None
    except click.UsageError as error:
        raise SymbolicError(_usage_message(error)) from None
    except click.ClickException as error:
        raise SymbolicError(error.format_message()) from None
    return EXIT_OK if code is None else int(code)


def _usage_message(error: click.UsageError) -> str:
    """One line: the command, what is wrong, where to look."""
    command = ""
    if error.ctx is not None:
        command = error.ctx.command_path.removeprefix("symbolic").strip()
    if isinstance(error, click.BadParameter) and error.param is not None:
        hint = error.param_hint or _param_name(error.param)
        if isinstance(hint, list | tuple):
            hint = " / ".join(hint)
        message = f"{hint}: {error.message}"
    else:
        message = error.format_message()
    where = f"{command}: " if command else ""
    return f"{where}{message} (see symbolic {command + ' ' if command else ''}--help)"


def _param_name(param: click.Parameter) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return (param.metavar or param.name or "").upper().strip("[].")


def entry_point() -> NoReturn:
    sys.exit(main())
