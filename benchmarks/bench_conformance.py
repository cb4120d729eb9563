"""Time `symbolic conformance` on a matrix, and extrapolate to a bigger cluster from the
time of each task.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_conformance.py [--jobs 2] [--workers 64]
        [--budget SECONDS] [ARGS...]

starts a local Dask cluster of --jobs workers (one thread each), runs the command against
it (`--scheduler`) with ARGS (default: numpy σ and σ′, float32, exhaustive) into a
temporary directory, and records every task on the scheduler (Dask's task stream) and the
CPU time of the worker processes. After --budget seconds the run is stopped (SIGTERM), and
the figures come from the tasks finished by then.

On a shared machine wall times say more about the neighbours than about the code, so the
figures are CPU seconds: per chunk task (the workers' CPU time over the chunk tasks they
finished), the whole matrix (that times the number of chunk tasks), with --jobs workers
(divided by --jobs, plus the start-up measured), and with --workers workers (divided by
--workers, plus the same start-up and the longest merge task). It assumes one idle core per
worker and no scheduling cost, so the extrapolations are lower bounds.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
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
    parser.add_argument("--budget", type=float, default=None)
    known, rest = parser.parse_known_args()
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    import distributed

    cluster = distributed.LocalCluster(
        n_workers=known.jobs, threads_per_worker=1, host="127.0.0.1",
        dashboard_address="127.0.0.1:0", memory_limit=0, silence_logs=logging.ERROR,
    )  # fmt: skip
    client = distributed.Client(cluster)
    args = rest or DEFAULT
    pids = list(client.run(os.getpid).values())
    cpu_before = _cpu(pids)
    with tempfile.TemporaryDirectory() as out, distributed.get_task_stream(client) as stream:
        started = time.monotonic()
        command = subprocess.Popen(
            [sys.executable, "-m", "symbolic", "conformance", *args, "--out", out,
             "--scheduler", cluster.scheduler_address, "--timeout", "none"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            command.wait(known.budget)
        except subprocess.TimeoutExpired:
            command.send_signal(signal.SIGTERM)  # a background job may ignore SIGINT
            command.wait()
        wall = time.monotonic() - started
        started_epoch = time.time() - wall
    first = min((s["start"] for t in stream.data for s in t["startstops"]), default=started_epoch)
    start_up = first - started_epoch
    cpu = _cpu(pids) - cpu_before
    client.close()
    cluster.close()
    report(stream.data, wall, cpu, start_up, known, args)


def _cpu(pids: list[int]) -> float:
    import psutil

    return sum(sum(psutil.Process(pid).cpu_times()[:2]) for pid in pids)


def report(tasks, wall, cpu, start_up, known, args) -> None:
    from symbolic.conformance.cells import Options, chunks, plan

    def seconds(task: dict) -> float:
        return sum(s["stop"] - s["start"] for s in task["startstops"] if s["action"] == "compute")

    done = [t for t in tasks if not t["key"].endswith("-merge")]
    merges = [seconds(t) for t in tasks if t["key"].endswith("-merge")]
    options = _options(args, Options)
    total = sum(len(chunks(p.spec)) for p in plan(options) if p.spec is not None)
    per_task = cpu / max(1, len(done) + len(merges))
    matrix = per_task * total
    print(f"command: symbolic conformance {' '.join(args)}")
    print(f"wall time: {wall:.1f} s" + (" (stopped at the budget)" if len(done) < total else ""))
    print(f"chunk tasks finished: {len(done)} of {total}; merge tasks: {len(merges)}, longest "
          f"{max(merges, default=0.0):.2f} s wall")  # fmt: skip
    print(f"wall per chunk task (this load): {sum(map(seconds, done)) / max(1, len(done)):.3f} s")
    print(f"worker CPU: {cpu:.1f} s, {per_task:.3f} s per task")
    print(f"start-up before the first task: {start_up:.1f} s")
    print(
        f"whole matrix: {matrix:.0f} CPU s; with --jobs {known.jobs}: {matrix / known.jobs + start_up:.0f} s"
    )
    print(f"extrapolated to {known.workers} workers: "
          f"{matrix / known.workers + start_up + max(merges, default=0.0):.1f} s")  # fmt: skip


def _options(args: list[str], options_type):
    from symbolic.conformance import cells

    def value(name: str, default: str) -> str:
        return args[args.index(name) + 1] if name in args else default

    exhaustive = "--exhaustive" in args
    return options_type(
        functions=cells.function_names(value("--functions", "all")),
        impls=cells.impl_names(value("--impls", "numpy,scipy,torch,jax")),
        dtypes=cells.dtype_names(value("--dtypes", "float32"), exhaustive),
        backward="--backward" in args,
        exhaustive=exhaustive,
        samples=int(value("--samples", "100000")),
        seed=int(value("--seed", "0")),
    )


if __name__ == "__main__":
    main()
