"""`oracle.ulp_error` timings (run by hand: `.venv/bin/python benchmarks/bench_ulp_error.py`).

The case of issue 12: 2,001 points of linspace(−10, 10), σ′ computed naively in float32
(s·(1 − s)), graded in float32 ULPs; the same in float64; and the exact per-point path
(an expression without a float kernel, `1/(1 + exp(−x))`, so every point goes to Arb),
for comparison. Each time is the best of `repeats` runs, after one warm-up run.
Prints a Markdown table.
"""

from __future__ import annotations

import platform
import sys
import time
from collections.abc import Callable

import numpy as np

from symbolic.numbers import oracle


def best_of(function: Callable[[], object], repeats: int) -> float:
    function()  # warm-up: parsing, caches
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def cases(count: int = 2001) -> list[tuple[str, Callable[[], object]]]:
    xs32 = np.linspace(-10, 10, count, dtype=np.float32)
    s32 = (1 / (1 + np.exp(-xs32))).astype(np.float32)
    got32 = s32 * (np.float32(1) - s32)
    xs64 = np.linspace(-10, 10, count)
    s64 = 1 / (1 + np.exp(-xs64))
    got64 = s64 * (1 - s64)
    s_plain = 1 / (1 + np.exp(-xs64))
    return [
        (
            f"σ′ float32, {count:,} points",
            lambda: oracle.ulp_error(got32, "sigmoid(x)", xs32, order=1),
        ),
        (
            f"σ′ float64, {count:,} points",
            lambda: oracle.ulp_error(got64, "sigmoid(x)", xs64, order=1),
        ),
        (
            f"1/(1 + exp(−x)) float64 (no kernel: exact path), {count:,} points",
            lambda: oracle.ulp_error(s_plain, "1/(1 + exp(-x))", xs64),
        ),
    ]


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print()
    print("| `oracle.ulp_error` | seconds |")
    print("|---|---|")
    for label, function in cases():
        print(f"| {label} | {best_of(function, repeats):.4f} |")


if __name__ == "__main__":
    main()
