"""How long rendering the sigmoid report takes, and where the time goes.

Run by hand: `.venv/bin/python benchmarks/bench_report.py`. Times each part of building
the report model (in one process, after imports), then each format's rendering, and the
whole `symbolic report --format md/tex/html` as cold processes. Prints Markdown tables.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from symbolic.functions import sigmoid
from symbolic.prove.verify import catalogue, run_all
from symbolic.report import figures
from symbolic.report import model as report_model
from symbolic.report import render as reports


def timed(label: str, function: Callable[[], object], rows: list[tuple[str, float]]) -> object:
    started = time.perf_counter()
    result = function()
    rows.append((label, time.perf_counter() - started))
    return result


def main() -> None:
    rows: list[tuple[str, float]] = []
    timed("derivation of σ′, both routes, every step checked", report_model._derivations, rows)
    timed(
        "verify the catalogue (40 claims, forked children)",
        lambda: run_all([catalogue()], 60),
        rows,
    )
    timed(
        "figures (certified values from the oracle)",
        lambda: figures.function_figures(sigmoid),
        rows,
    )
    timed(
        "higher derivatives σ″…σ^(6) and their zeros",
        lambda: report_model._higher_derivatives(sigmoid, sigmoid.report),
        rows,
    )
    timed(
        "Taylor series, float facts",
        lambda: (
            report_model._taylor(sigmoid, sigmoid.report),
            report_model._float_facts(sigmoid, sigmoid.report),
        ),
        rows,
    )
    model = timed(
        "the whole model, built again",
        lambda: report_model.build_function_report(sigmoid),
        rows,
    )
    for fmt in ("md", "tex", "html"):
        timed(f"render {fmt} from the model", lambda fmt=fmt: reports.render(model, fmt), rows)
    print("| part (one process, imports done) | seconds |")
    print("|---|---|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.3f} |")
    symbolic = str(Path(sys.executable).with_name("symbolic"))
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        for fmt in ("md", "tex", "html"):
            subprocess.run(
                [symbolic, "report", "--format", fmt, "--out", out], check=True, capture_output=True
            )
        cold = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run(
            [symbolic, "report", "--format", "all", "--out", out], check=True, capture_output=True
        )
        everything = time.perf_counter() - started
    print()
    print("| command (cold process) | seconds |")
    print("|---|---|")
    print(f"| `symbolic report --format md`, `tex`, `html` (three runs) | {cold:.2f} |")
    print(f"| `symbolic report` (md, tex, html and the PDF through latexmk) | {everything:.2f} |")


if __name__ == "__main__":
    main()
