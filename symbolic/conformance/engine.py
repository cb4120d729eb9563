"""The Dask side: a cluster to run on, the chunk tasks of each cell, their results.

Without a scheduler address the run starts a `distributed.LocalCluster` of `jobs` worker
processes with one thread each (grading is NumPy and Arb, which hold the GIL in places);
with one it connects to that cluster, whose workers need this package importable.
Each cell is its chunk tasks and one merge task that depends on them; Dask moves the
work, and recomputes it when a worker dies (a task lost with its worker is rescheduled on
another, up to `distributed.scheduler.allowed-failures` times; a task that raises is
retried `RETRIES` times). Results do not depend on where or in what order tasks ran:
chunks are fixed by the arguments and merged in chunk order (`tasks.merge_task`).

Keys hold the cell's name and parameter hash, so two runs of the same cell on one
cluster share the work, and different cells never collide. Earlier cells get higher
priority, so cells finish (and are written) one after another rather than all at the end.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from symbolic.conformance.cells import Planned, chunks
from symbolic.conformance.tasks import Outcome, grade_task, merge_task
from symbolic.errors import SymbolicError

RETRIES = 3
CONNECT_SECONDS = 10
ADDRESS = re.compile(r"(?:(?:tcp|tls)://)?(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}")


@dataclass(frozen=True)
class Where:
    """Where the tasks run: an existing scheduler, or a local cluster of `jobs` workers."""

    scheduler: str | None
    jobs: int


class Progress(Protocol):
    def start(self, cells: int, tasks: int) -> None: ...
    def task_done(self) -> None: ...
    def cell_done(self) -> None: ...


def check_address(address: str) -> str:
    """A scheduler address as Dask takes it (tcp://host:port); one line otherwise."""
    if not ADDRESS.fullmatch(address):
        raise SymbolicError(
            f"--scheduler {address!r}: not a scheduler address; give tcp://HOST:PORT"
        )
    return address


def _distributed() -> Any:
    """The `distributed` module, quiet (its logs would fill stderr): the environment is
    set before the first import, so that the worker processes it starts are quiet too."""
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    os.environ.setdefault("DASK_DISTRIBUTED__ADMIN__TICK__LIMIT", "1h")
    try:
        import distributed
    except ImportError:
        raise SymbolicError(
            "conformance runs on Dask, which is not installed: pip install 'symbolic[cluster]'"
        ) from None
    logging.getLogger("distributed").setLevel(logging.ERROR)
    return distributed


@contextlib.contextmanager
def connected(where: Where) -> Iterator[Any]:
    """A Dask client on the cluster; the local cluster is shut down on every exit."""
    distributed = _distributed()
    if where.scheduler is not None:
        _reachable(where.scheduler)
        try:
            client = distributed.Client(where.scheduler, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as error:
            reason = " ".join(str(error).split()) or type(error).__name__
            raise SymbolicError(
                f"--scheduler {where.scheduler}: cannot connect: {reason}"
            ) from None
        with contextlib.closing(client):
            yield client
        return
    cluster = distributed.LocalCluster(
        n_workers=where.jobs,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",  # a free port: never another run's 8787
        memory_limit=0,
        silence_logs=logging.ERROR,
    )
    with contextlib.closing(cluster), distributed.Client(cluster) as client:
        yield client


def _reachable(address: str) -> None:
    """Fail at once, in one line, when nothing listens at the address (Dask itself would
    retry for its whole connect timeout)."""
    host, _, port = address.split("://")[-1].rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise SymbolicError(f"--scheduler {address}: cannot connect: {reason}") from None


def dashboard(client: Any) -> str | None:
    """The address of the cluster's dashboard, when it has one: Dask's scheduler always
    serves HTTP, but its dashboard needs bokeh installed where the scheduler runs."""
    with contextlib.suppress(Exception):
        scheduler = client.get_versions(packages=["bokeh"])["scheduler"]["packages"]
        if scheduler.get("bokeh") and "dashboard" in client.scheduler_info().get("services", {}):
            return client.dashboard_link
    return None


def compute(
    work: list[Planned],
    where: Where,
    finished: Callable[[Planned, Outcome | str], None],
    progress: Progress,
    note: Callable[[str], None],
) -> None:
    """Grade every planned cell on the cluster; `finished(cell, outcome or error)` is
    called as each cell completes (in completion order: only the writing order varies)."""
    if not work:
        return
    with connected(where) as client:
        link = dashboard(client)
        if link:
            note(f"Dask dashboard: {link}")
        cells = _submit(client, work)
        futures = [f for _, parts, merged in cells.values() for f in (*parts, merged)]
        progress.start(len(cells), len(futures))
        distributed = _distributed()
        for future in distributed.as_completed(futures):
            progress.task_done()
            entry = cells.pop(future.key, None)
            if entry is not None:
                planned, _, merged = entry
                finished(planned, _outcome(merged))
                progress.cell_done()


def _submit(client: Any, work: list[Planned]) -> dict[str, tuple[Planned, list, Any]]:
    """Each cell's chunk tasks and merge task, by the merge task's key."""
    cells = {}
    for n, planned in enumerate(work):
        spec = planned.spec
        prefix = f"conformance-{planned.cell.name}-{planned.key[:16]}"
        parts = [
            client.submit(
                grade_task, spec, start, stop, key=f"{prefix}-{i}", retries=RETRIES, priority=-n
            )
            for i, (start, stop) in enumerate(chunks(spec))
        ]
        merged = client.submit(
            merge_task, spec, parts, key=f"{prefix}-merge", retries=RETRIES, priority=-n
        )
        cells[merged.key] = (planned, parts, merged)
    return cells


def _outcome(future: Any) -> Outcome | str:
    """The cell's outcome, or why it failed, in one line."""
    try:
        return future.result()
    except SymbolicError as error:
        return str(error)
    except Exception as error:  # a worker's error, or the cluster gave up on the task
        return " ".join(f"{type(error).__name__}: {error}".split())
