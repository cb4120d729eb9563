"""Time `symbolic conformance` on a matrix, and extrapolate to a bigger cluster from the
time of each task.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_conformance.py [--jobs 2] [--workers 64] [ARGS...]

starts a local Dask cluster of --jobs workers (one thread each), runs the command against
it (`--scheduler`) with ARGS (default: numpy σ and σ′, float32, exhaustive) into a
temporary directory, and records every task on the scheduler (Dask's task stream). The
extrapolation to --workers workers is the sum of the chunk tasks' compute time divided by
the workers, plus the longest merge task (each cell ends with one), plus the measured
time outside the tasks (process start, imports, the report). It assumes workers as fast
as these and no scheduling cost, so it is a lower bound of the real time.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time

DEFAULT = ["--functions", "sigmoid", "--impls", "numpy", "--dtypes", "float32", "--backward",
           "--exhaustive"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=64)
    known, rest = parser.parse_known_args()
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    import distributed

    cluster = distributed.LocalCluster(
        n_workers=known.jobs, threads_per_worker=1, host="127.0.0.1",
        dashboard_address="127.0.0.1:0", memory_limit=0, silence_logs=logging.ERROR,
    )  # fmt: skip
    client = distributed.Client(cluster)
    args = rest or DEFAULT
    with tempfile.TemporaryDirectory() as out, distributed.get_task_stream(client) as stream:
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "symbolic", "conformance", *args, "--out", out,
             "--scheduler", cluster.scheduler_address, "--timeout", "none"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wall = time.monotonic() - started
    client.close()
    cluster.close()
    report(stream.data, wall, known.jobs, known.workers, args)


def report(tasks: list[dict], wall: float, jobs: int, workers: int, args: list[str]) -> None:
    def seconds(task: dict) -> float:
        return sum(s["stop"] - s["start"] for s in task["startstops"] if s["action"] == "compute")

    chunks = [seconds(t) for t in tasks if not t["key"].endswith("-merge")]
    merges = [seconds(t) for t in tasks if t["key"].endswith("-merge")]
    busy = (sum(chunks) + sum(merges)) / jobs
    outside = max(0.0, wall - busy)
    estimate = sum(chunks) / workers + max(merges, default=0.0) + outside
    print(f"command: symbolic conformance {' '.join(args)}")
    print(f"wall time with --jobs {jobs}: {wall:.1f} s")
    print(f"chunk tasks: {len(chunks)}, compute {sum(chunks):.1f} s in all, "
          f"{sum(chunks) / max(1, len(chunks)):.3f} s each on average, longest {max(chunks):.3f} s")  # fmt: skip
    print(f"merge tasks: {len(merges)}, longest {max(merges, default=0.0):.2f} s")
    print(f"outside the tasks (start, imports, report): {outside:.1f} s")
    print(f"extrapolated to {workers} workers: {estimate:.1f} s")


if __name__ == "__main__":
    main()
