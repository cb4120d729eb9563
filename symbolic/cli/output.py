"""What the command line writes besides its results: one-line errors, progress, colour.

Colour and progress follow the stream they go to: colour only on a terminal and only
when NO_COLOR is not set (https://no-color.org); progress (a bar, the rate and an ETA)
only when stderr is a terminal, so that logs and pipes get the results alone.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")


def colour(stream: TextIO) -> bool:
    """Colour on this stream: a terminal, NO_COLOR unset or empty, TERM not dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def error_line(message: str) -> None:
    """`symbolic: error: MESSAGE` as one line on stderr, whatever the message holds."""
    one_line = " ".join(str(message).split())
    label = "symbolic: error:"
    if colour(sys.stderr):
        label = f"\x1b[1;31m{label}\x1b[0m"
    sys.stderr.write(f"{label} {one_line}\n")
    sys.stderr.flush()


def note_line(message: str) -> None:
    label = "symbolic: note:"
    if colour(sys.stderr):
        label = f"\x1b[1;33m{label}\x1b[0m"
    sys.stderr.write(f"{label} {message}\n")


def _progress(unit: str):
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            if speed is None and task.elapsed and task.completed:  # one update: its average
                speed = task.completed / task.elapsed
            return Text("" if speed is None else f"{speed:,.1f} {unit}/s", style="cyan")

    console = Console(file=sys.stderr, no_color=not colour(sys.stderr))
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        Rate(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("elapsed"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        redirect_stdout=True,
        redirect_stderr=False,
    )


def progress_wanted() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def tracked(items: Iterable[T], total: int, description: str, unit: str) -> Iterator[T]:
    """`items`, with a progress bar on a terminal's stderr (nothing otherwise)."""
    if not progress_wanted():
        yield from items
        return
    with _progress(unit) as progress:
        task = progress.add_task(description, total=total)
        for item in items:
            yield item
            progress.advance(task)


class Counter:
    """A `progress(done, total)` callback (as `grading.grade` takes) drawing a bar with
    the rate and an ETA on a terminal's stderr; use it as a context manager."""

    def __init__(self, description: str, unit: str) -> None:
        self.description, self.unit = description, unit
        self._progress = None
        self._task = None
        self._stack = contextlib.ExitStack()

    def __call__(self, done: int, total: int) -> None:
        if not progress_wanted():
            return
        if self._progress is None:
            self._progress = self._stack.enter_context(_progress(self.unit))
            self._task = self._progress.add_task(self.description, total=total)
        self._progress.update(self._task, completed=done, total=total)

    def __enter__(self) -> Callable[[int, int], None]:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()
