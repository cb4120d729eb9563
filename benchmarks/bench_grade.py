"""Exhaustive float32 grade of numpy's σ, and the speed-up over a per-point mpmath loop.

Run by hand: `.venv/bin/python benchmarks/bench_grade.py [JOBS] [STRIDE]` (default 2 jobs,
stride 1). Grades the float32 inputs of 1/(1 + exp(−x)) against certified references —
all 2^32, or every STRIDE-th bit pattern, extrapolated to 2^32 — then certifies 10^5
inputs with a per-point mpmath loop (40 digits, rounded to float32 through Python floats,
which certifies nothing) and extrapolates that to 2^32.
"""

from __future__ import annotations

import sys
import time

import mpmath
import numpy as np

from symbolic.cli.output import Counter
from symbolic.grade import grading


def main() -> None:
    jobs = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    stride = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    started = time.perf_counter()
    with Counter("grading", "inputs") as progress:  # rich: a bar with the rate and an ETA
        grade = grading.grade("numpy", "sigmoid(x)", "float32", exhaustive=True, jobs=jobs,
                              progress=progress, stride=stride)  # fmt: skip
    data = grade.as_json()
    measured = time.perf_counter() - started
    wall = measured * stride
    rng = np.random.default_rng(3)
    xs = rng.integers(0, 1 << 32, size=100_000, dtype=np.uint64).astype(np.uint32).view(np.float32)
    xs = xs[np.isfinite(xs)].astype(np.float64).tolist()
    started = time.perf_counter()
    with mpmath.workdps(40):
        for x in xs:
            float(np.float32(float(1 / (1 + mpmath.exp(-mpmath.mpf(x))))))
    loop = (time.perf_counter() - started) / len(xs) * 2**32
    print("| measurement | result |")
    print("|---|---|")
    scope = (
        "all 2^32 inputs"
        if stride == 1
        else f"every {stride}th bit pattern ({data['inputs']:,} inputs, {measured:.0f} s), extrapolated"
    )
    print(f"| exhaustive float32 grade of numpy σ, --jobs {jobs}, {scope} | {wall:.0f} s |")
    print(
        f"| inputs / correctly rounded / max ULP | {data['inputs']:,} / {data['correctly_rounded']:,} / {data['max_ulp']} |"
    )
    print(f"| per-point mpmath loop, 10^5 inputs, extrapolated to 2^32 | {loop:.0f} s |")
    print(f"| speed-up (aim ≥ 100×) | {loop / wall:.0f}× |")


if __name__ == "__main__":
    main()
