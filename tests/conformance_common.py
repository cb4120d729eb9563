"""What the conformance tests share: the matrix they run, one local run of it (made once
per test session, in real processes), and real Dask schedulers and workers on loopback,
each in its own session so that the test can kill the whole group, whatever happens."""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from symbolic.functions import DEFAULT_FUNCTION
from tests.cli_common import ROOT, environment, in_session

NAME = DEFAULT_FUNCTION.language_name()
# The matrix of the tests: σ and GELU from numpy and scipy, forward and backward, two
# dtypes; numpy has no erf, so its GELU cells are n/a. 200 000 samples a cell is 4 chunk
# tasks per cell, 12 cells: long enough to kill a worker mid-run.
MATRIX = ["--functions", f"{NAME},gelu", "--impls", "numpy,scipy", "--dtypes",
          "float32,bfloat16", "--backward", "--samples", "200000", "--seed", "3"]  # fmt: skip
GRADED = 12
NOT_APPLICABLE = 4


def run(*args: str, timeout: float = 300, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "symbolic", *args],
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def conformance(out: Path, *more: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return run("conformance", *MATRIX, "--out", str(out), *more, timeout=timeout)


@functools.cache
def local_run() -> Path:
    """DIR of one local run of MATRIX (a LocalCluster of 2 workers), made once."""
    directory = Path(tempfile.mkdtemp(prefix="symbolic-conformance-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    result = conformance(directory / "local", "--jobs", "2", "--json")
    assert result.returncode == 0, result.stderr
    assert quiet(result.stderr), result.stderr  # no Dask logs, no progress off a terminal
    (directory / "summary.json").write_text(result.stdout)
    return directory / "local"


DASHBOARD_NOTE = "symbolic: note: Dask dashboard: http://127.0.0.1:"


def quiet(stderr: str) -> bool:
    """Nothing on stderr but the note of Dask's dashboard address (one line)."""
    lines = stderr.splitlines()
    return len(lines) <= 1 and all(line.startswith(DASHBOARD_NOTE) for line in lines)


def summary_of(result: subprocess.CompletedProcess) -> dict:
    return json.loads(result.stdout)


def cell_files(out: Path) -> dict[str, bytes]:
    """name → bytes of every cell file (hidden temporary files would be listed too)."""
    return {p.name: p.read_bytes() for p in sorted((out / "cells").iterdir())}


def assert_whole_cells(out: Path, inputs: int = 200000) -> None:
    """Every file in cells/ and meta/ is a complete JSON document: no half-written cell,
    no temporary file left behind."""
    for folder in ("cells", "meta"):
        for path in (out / folder).iterdir():
            assert not path.name.startswith("."), path
            data = json.loads(path.read_text())
            if folder == "cells":
                assert {"impl", "of", "dtype", "inputs", "max_ulp", "histogram"} <= data.keys()
                assert data["inputs"] == inputs


# ---------------------------------------------------------------- real processes


def start(command: list[str], log: Path, **env: str) -> subprocess.Popen:
    """A process in its own session, its output in the file `log`."""
    with open(log, "wb") as output:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment(**env),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def session_alive(sid: int) -> bool:
    return bool([pid for pid in in_session(sid) if not _zombie(pid)])


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def kill_session(process: subprocess.Popen) -> None:
    """SIGKILL to every process of the session `process` leads, then reap it."""
    for pid in in_session(process.pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(30)


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.1)


# A small client in its own process (the test process keeps no Dask state): "wait N"
# waits for N workers; "busy" waits until a worker is running a conformance task and
# prints that worker's process id.
_PROBE = """
import os, sys, time
from distributed import Client
client = Client(sys.argv[1], timeout=30)
if sys.argv[2] == "wait":
    client.wait_for_workers(int(sys.argv[3]), timeout=60)
else:
    pids = client.run(os.getpid)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        busy = [w for w, keys in client.processing().items()
                if any(str(k).startswith("conformance-") for k in keys)]
        if busy:
            print(pids[busy[0]])
            break
        time.sleep(0.05)
client.close()
"""


def probe(address: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, address, *args],
        env=environment(DASK_LOGGING__DISTRIBUTED="error"),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@contextlib.contextmanager
def dask_cluster(workers: int) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """A real `dask scheduler` and `workers` real `dask worker` processes (no nanny: a
    killed worker stays dead) on 127.0.0.1; every process is killed on the way out."""
    started: list[subprocess.Popen] = []
    folder = Path(tempfile.mkdtemp(prefix="symbolic-dask-"))
    file = folder / "scheduler.json"
    quiet = {"DASK_LOGGING__DISTRIBUTED": "error"}
    try:
        started.append(start([sys.executable, "-m", "distributed.cli.dask_scheduler",
                              "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                              "--scheduler-file", str(file)], folder / "scheduler.log", **quiet))  # fmt: skip
        wait_for(lambda: file.exists() and file.stat().st_size > 0, 60, "the scheduler")
        address = json.loads(file.read_text())["address"]
        for _ in range(workers):
            started.append(start([sys.executable, "-m", "distributed.cli.dask_worker", address,
                                  "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1",
                                  "--no-dashboard"], folder / f"worker{len(started)}.log", **quiet))  # fmt: skip
        probe(address, "wait", str(workers))
        yield address, started[1:]
    finally:
        for process in reversed(started):
            kill_session(process)
        shutil.rmtree(folder, ignore_errors=True)
