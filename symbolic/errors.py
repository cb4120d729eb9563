"""Errors that reach the user as one line on stderr with exit code 2.

Every problem with user input (an expression, a command-line value, a claims
file) is raised as a `SymbolicError`. The CLI prints its message on one line and
exits 2; nothing else escapes as a traceback.
"""

from __future__ import annotations


class SymbolicError(Exception):
    """Bad usage or bad input: the CLI prints it as one line and exits 2."""


class ExpressionError(SymbolicError):
    """An expression that the safe language rejects.

    `column` is 1-based and points into the text the user wrote, so the message
    can say where the problem is.
    """

    def __init__(self, reason: str, text: str, column: int | None = None) -> None:
        self.reason = reason
        self.text = text
        self.column = column
        where = f" at column {column}" if column is not None else ""
        shown = text if len(text) <= 60 else text[:57] + "..."
        super().__init__(f"bad expression {shown!r}{where}: {reason}")
