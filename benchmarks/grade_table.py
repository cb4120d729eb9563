"""The README's table of grades: numpy and scipy for σ, and the three σ′ formulas.

Run by hand: `.venv/bin/python benchmarks/grade_table.py [SAMPLES]` (default 10^6 sampled
inputs per row, over the whole exponent range; the same seed for every row).
"""

from __future__ import annotations

import sys

from symbolic.grade import grading

ROWS = [
    ("numpy", "sigmoid(x)", "1/(1 + exp(−x))"),
    ("scipy", "sigmoid(x)", "scipy.special.expit"),
    ("naive", "diff(sigmoid(x), x)", "σ′ as s·(1 − s)"),
    ("product", "diff(sigmoid(x), x)", "σ′ as σ(x)·σ(−x)"),
    (
        "stable",
        "diff(sigmoid(x), x)",
        "σ′ as e^(−\\|x\\|)/(1 + e^(−\\|x\\|))²",
    ),  # \| keeps the table whole
]


def main() -> None:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(
        "| implementation | dtype | correctly rounded | max ULP | wrong zeros | wrongly 0 from x = |"
    )
    print("|---|---|---|---|---|---|")
    for impl, of, label in ROWS:
        for dtype in ("float32", "float64"):
            data = grading.grade(impl, of, dtype, samples=samples).as_json()
            share = 100 * data["correctly_rounded"] / data["inputs"]
            zero_from = data["zero_from"] if data["zero_from"] is not None else "—"
            worst = data["max_ulp"] if data["max_ulp"] == "inf" else f"{data['max_ulp']:.4g}"
            print(f"| `{impl}`: {label} | {dtype} | {share:.3f} % | {worst} | "
                  f"{data['wrong_zeros']:,} | {zero_from} |")  # fmt: skip


if __name__ == "__main__":
    main()
