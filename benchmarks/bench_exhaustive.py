"""An exhaustive float32 grade as a user runs it, against one NumPy pass of the
implementation over all 2^32 inputs on one core. Run by hand on a quiet machine:

    .venv/bin/python benchmarks/bench_exhaustive.py sigmoid numpy [JOBS]
    .venv/bin/python benchmarks/bench_exhaustive.py silu naive [JOBS]

The grade is `symbolic grade IMPL --of "F(x)" --dtype float32 --exhaustive --jobs JOBS
--json` in its own process (wall time). The pass runs in a fresh process with the
default allocator, over the same 1024 chunks of 2^22 consecutive bit patterns that the
grade's workers build; only the implementation's calls are timed, not building the inputs. Both are printed with their ratio (issue 15's aims: numpy σ ≤ 12×,
any other family function ≤ 40×).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

PASS = """
import sys, time
import numpy as np
from symbolic.grade import grading
from symbolic.grade.implementations import resolve
implementation = resolve(sys.argv[1], grading.target_of(sys.argv[2]).named)
spent = 0.0
with np.errstate(all="ignore"):
    for index in range(1024):
        bits = np.arange(index << 22, (index + 1) << 22, dtype=np.uint64).astype(np.uint32)
        started = time.perf_counter()
        implementation(bits.view(np.float32))
        spent += time.perf_counter() - started
print(spent)
"""


def numpy_pass(impl: str, of: str) -> float:
    """Seconds of one pass: the implementation's calls alone."""
    done = subprocess.run(
        [PYTHON, "-c", PASS, impl, of], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return float(done.stdout.split()[-1])


def grade(impl: str, of: str, jobs: int) -> tuple[float, dict]:
    command = [PYTHON, "-m", "symbolic", "grade", impl, "--of", of, "--dtype", "float32"]
    command += ["--exhaustive", "--jobs", str(jobs), "--json"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    return wall, json.loads(done.stdout)


def main() -> None:
    name, impl = sys.argv[1], sys.argv[2]
    jobs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    of = f"{name}(x)"
    one_pass = numpy_pass(impl, of)
    wall, data = grade(impl, of, jobs)
    print(f"| {impl} {name}, float32 exhaustive, --jobs {jobs} | {wall:.0f} s "
          f"| {one_pass:.1f} s | {wall / one_pass:.1f}× | max ULP {data['max_ulp']} "
          f"| {data['correctly_rounded']:,} of {data['inputs']:,} correctly rounded |")  # fmt: skip


if __name__ == "__main__":
    main()
