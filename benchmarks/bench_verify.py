"""Cold `symbolic verify` of the built-in catalogue against a bare `import sympy`.

Run by hand: `.venv/bin/python benchmarks/bench_verify.py`. Each command runs as a new
process (cold: nothing imported yet), 5 times; the medians and their ratio are printed
as a Markdown table for the README.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 5
SYMBOLIC = str(Path(sys.executable).with_name("symbolic"))


def median_seconds(command: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    sympy_seconds = median_seconds([sys.executable, "-c", "import sympy"])
    verify_seconds = median_seconds([SYMBOLIC, "verify"])
    print("| measurement (median of 5 cold runs) | seconds |")
    print("|---|---|")
    print(f"| `python -c 'import sympy'` | {sympy_seconds:.2f} |")
    print(f"| `symbolic verify` (built-in catalogue, 40 claims) | {verify_seconds:.2f} |")
    print(f"| ratio (aim ≤ 10×) | {verify_seconds / sympy_seconds:.1f}× |")


if __name__ == "__main__":
    main()
