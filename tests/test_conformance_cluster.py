"""`symbolic conformance` on real Dask processes (issue 16): a `dask scheduler` with two
`dask worker` processes gives the local run's bytes; so does a run that loses a worker
(SIGKILL) mid-run; an interrupted run (SIGINT, or SIGKILL of the command) leaves whole
cells only, its processes end, and the next run resumes to the same result."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.cli_common import ROOT, command, environment
from tests.conformance_common import (
    DASHBOARD_NOTE,
    GRADED,
    MATRIX,
    NAME,
    assert_whole_cells,
    cell_files,
    conformance,
    dask_cluster,
    in_session,
    kill_session,
    local_run,
    probe,
    session_alive,
    summary_of,
    wait_for,
)

pytestmark = pytest.mark.slow  # real schedulers, workers and local clusters


def _report(out: Path) -> tuple[bytes, bytes]:
    return (out / "conformance.md").read_bytes(), (out / "conformance.html").read_bytes()


def _started(out: Path, *more: str) -> subprocess.Popen:
    """`symbolic conformance MATRIX` in the background, in its own session."""
    return subprocess.Popen(
        command("conformance", *MATRIX, "--out", str(out), *more),
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_a_real_scheduler_and_two_workers_give_the_local_bytes(tmp_path: Path) -> None:
    with dask_cluster(2) as (address, _):
        result = conformance(tmp_path, "--scheduler", address, "--json")
    assert result.returncode == 0, result.stderr
    assert summary_of(result)["summary"]["computed"] == GRADED
    assert cell_files(tmp_path) == cell_files(local_run())
    assert _report(tmp_path) == _report(local_run())  # the report names no host, port or path


def test_a_worker_killed_mid_run_changes_nothing(tmp_path: Path) -> None:
    with dask_cluster(2) as (address, workers):
        process = _started(tmp_path, "--scheduler", address)
        try:
            pid = int(probe(address, "busy"))  # a worker running one of the run's tasks
            assert pid in {w.pid for w in workers}
            os.kill(pid, signal.SIGKILL)
            _, err = process.communicate(timeout=300)
        finally:
            kill_session(process)
        assert next(w for w in workers if w.pid == pid).wait(30) == -signal.SIGKILL
    assert process.returncode == 0, err
    assert cell_files(tmp_path) == cell_files(local_run())


def _stderr_line(process: subprocess.Popen, seconds: float) -> str:
    """The next line the command writes on stderr (empty if none within `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], 0.1)
        if ready:
            return process.stderr.readline()
    return ""


def test_the_dashboard_address_is_printed_and_serves_the_dashboard(tmp_path: Path) -> None:
    """With bokeh installed (the cluster extra), the local cluster's dashboard is up for
    the run, and its address, the note on stderr, answers with Dask's status page."""
    process = _started(tmp_path, "--jobs", "1", "--samples", "2000000", *FIRST)
    try:
        line = _stderr_line(process, 120).strip()
        assert line.startswith(DASHBOARD_NOTE) and line.endswith("/status"), line
        url = line.rpartition(" ")[2]
        with urllib.request.urlopen(url, timeout=30) as page:
            assert page.status == 200 and b"Dask" in page.read()
        out, err = process.communicate(timeout=300)
    finally:
        kill_session(process)
    assert process.returncode == 0 and err == "", err
    assert "cells graded" in out


SAMPLES = 2_000_000
FIRST = ["--functions", NAME]  # MATRIX's σ cells: 6 of its GRADED, finished before the run


@pytest.mark.parametrize("how", ["SIGINT", "SIGKILL"])
def test_an_interrupted_run_leaves_whole_cells_and_resumes(how: str, tmp_path: Path) -> None:
    """σ's cells are finished first; the whole matrix then resumes them and is
    interrupted while GELU's cells (2 000 000 samples each) are computing. Waiting for
    a first cell of one run was racy: Dask finishes the cells' chunk tasks together, and
    CI's run had ended before the signal landed."""
    first = conformance(tmp_path, "--jobs", "2", "--samples", str(SAMPLES), *FIRST)
    assert first.returncode == 0, first.stderr
    cells = tmp_path / "cells"
    before = len(list(cells.glob("*.json")))
    assert 1 <= before < GRADED
    process = _started(tmp_path, "--jobs", "2", "--samples", str(SAMPLES))
    try:
        wait_for(lambda: session_alive(process.pid) and len(in_session(process.pid)) > 2, 60,
                 "the run's workers")  # fmt: skip
        os.kill(process.pid, signal.SIGINT if how == "SIGINT" else signal.SIGKILL)
        _, err = process.communicate(timeout=60)
        code = process.returncode
        # The command's worker and its local cluster end too (on SIGKILL of the command, the
        # worker gets SIGTERM from the kernel and shuts the cluster down).
        wait_for(lambda: not session_alive(process.pid), 60, "the run's processes to end")
    finally:
        kill_session(process)
    assert_whole_cells(tmp_path, SAMPLES)
    finished = len(list(cells.glob("*.json")))
    assert code == (130 if how == "SIGINT" else -signal.SIGKILL), err
    assert before <= finished < GRADED
    if how == "SIGKILL":
        return  # resuming is the same after either
    again = conformance(tmp_path, "--jobs", "2", "--samples", str(SAMPLES), "--json")
    assert again.returncode == 0, again.stderr
    counts = summary_of(again)["summary"]
    assert counts["resumed"] >= before and counts["computed"] == GRADED - counts["resumed"]
    whole = conformance(tmp_path / "whole", "--jobs", "2", "--samples", str(SAMPLES))
    assert whole.returncode == 0, whole.stderr
    assert cell_files(tmp_path) == cell_files(tmp_path / "whole")  # as if never interrupted
    assert _report(tmp_path) == _report(tmp_path / "whole")
