"""Independent pieces of one command's work, run side by side in forked children.

`report --function all` builds eight reports that share nothing but the output
directory (each writes its own files), and most of each is computation: with one child
per core the command takes about the time of its longest reports instead of their sum.
Results come back through a pipe, in the order of the tasks, so the output is the same
as one after the other.

Children are forked from the command's worker and keep its SIGTERM handler, which raises
an exception so that their `finally` blocks run (temporary files, latexmk's build
directory, prover children). When anything goes wrong in the worker (SIGTERM, Ctrl-C, a
child's error) every child still running gets SIGTERM, then SIGKILL after a grace time.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

from symbolic.errors import SymbolicError

GRACE_SECONDS = 10.0  # after SIGTERM, before SIGKILL


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _child(task: Callable[[], Any], connection: Connection) -> None:
    """Run one task; send ("ok", result) or ("error", one line); never return."""
    code = 0
    try:
        try:
            message: tuple[str, Any] = ("ok", task())
        except SymbolicError as error:
            message = ("error", str(error))
        except Exception as error:  # an internal error: said in one line by the parent
            message = ("error", f"internal error: {type(error).__name__}: {error}")
        connection.send(message)
    except BaseException:  # SIGTERM (Terminated), Ctrl-C: cleaned up by the finally blocks
        code = 1
    finally:
        connection.close()
        os._exit(code)


def run_each(tasks: Sequence[Callable[[], Any]], jobs: int) -> list[Any]:
    """Each task's result, in order, with at most `jobs` tasks running at once; the
    first error (a SymbolicError in a task) stops the others and is raised here."""
    if jobs <= 1 or len(tasks) <= 1:
        return [task() for task in tasks]
    context = multiprocessing.get_context("fork")
    results: dict[int, Any] = {}
    running: dict[Connection, tuple[int, multiprocessing.process.BaseProcess]] = {}
    waiting = list(enumerate(tasks))
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                index, task = waiting.pop(0)
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(task, sender))
                process.start()
                sender.close()
                running[receiver] = (index, process)
            for receiver in wait(list(running)):
                index, process = running.pop(receiver)
                results[index] = _received(receiver, process)
    finally:
        _stop([process for _, process in running.values()])
        for receiver in running:
            receiver.close()
    return [results[index] for index in range(len(tasks))]


def _received(receiver: Connection, process: multiprocessing.process.BaseProcess) -> Any:
    try:
        kind, value = receiver.recv()
    except EOFError:
        process.join()
        raise SymbolicError(
            f"a report process ended without a result (exit status {process.exitcode})"
        ) from None
    finally:
        receiver.close()
    process.join()
    if kind == "error":
        raise SymbolicError(value)
    return value


def _stop(processes: list[multiprocessing.process.BaseProcess]) -> None:
    """SIGTERM to each child still running, SIGKILL to those left after the grace time."""
    for process in processes:
        with contextlib.suppress(ProcessLookupError, TypeError):
            os.kill(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()
