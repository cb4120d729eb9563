"""Real grades of the libraries: numpy, scipy, torch, jax × family function × forward /
backward, in bfloat16 (every input) and float32 (sampled), as Markdown tables.

Run by hand (nice'd, in the background: every non-σ reference is an Arb ball per point):

    .venv/bin/python benchmarks/grade_table.py [--samples N] [--timeout S] [--json PATH]

Each cell is `symbolic grade LIB --of F` (or `--of "diff(F(x), x)"`): the max ULP error
and the share of results correctly rounded. The cells of one function and order share
their references (graded one after another, the grader keeps them), so each reference
is computed once per format. A cell over --timeout seconds is shown as "timeout"; a
library without the function as "n/a". `formulas` as the first argument gives the older
table of σ's formulas (numpy, scipy, naive, product, stable; 10^6 samples per row).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from symbolic.errors import SymbolicError
from symbolic.grade import grading

FUNCTIONS = ["sigmoid", "tanh", "softplus", "log_sigmoid", "silu", "gelu", "gelu_tanh", "mish"]
LIBRARIES = ["numpy", "scipy", "torch", "jax"]
FORMATS = [("bfloat16", True), ("float32", False)]  # (dtype, exhaustive)


class CellTimeoutError(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise CellTimeoutError

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def missing(library: str, of: str) -> bool:
    """The library has no such function (its built-in is a one-line n/a)."""
    from symbolic.grade.implementations import resolve

    try:
        resolve(library, grading.target_of(of).named)
    except SymbolicError:
        return True
    return False


def typed(name: str, order: int) -> str:
    return f"{name}(x)" if order == 0 else f"diff({name}(x), x)"


def cell(library: str, of: str, dtype: str, exhaustive: bool, samples: int, seconds: float):
    """One grade as a dict (max_ulp, share, counts), or {"error": text}."""
    started = time.perf_counter()
    try:
        with time_limit(seconds):
            data = grading.grade(library, of, dtype, exhaustive, samples).as_json()
    except CellTimeoutError:
        return {"error": "timeout"}
    except SymbolicError as error:  # n/a: the library has no such function
        return {"error": "n/a" if " has no " in str(error) else "error", "why": str(error)}
    share = 100 * data["correctly_rounded"] / data["inputs"]
    keys = ("inputs", "max_ulp", "wrong_zeros", "nan", "inf", "excluded", "zero_from")
    return {**{k: data[k] for k in keys}, "share": share, "seconds": time.perf_counter() - started}


def shown(result: dict) -> str:
    if "error" in result:
        return result["error"]
    ulp = result["max_ulp"]
    ulp_text = ulp if ulp == "inf" else f"{ulp:.3g}"
    share = result["share"]
    share_text = f"{share:.3f}".rstrip("0").rstrip(".") if share < 100 else "100"
    return f"{ulp_text} / {share_text} %"


def table(results: dict, dtype: str, mode: str) -> str:
    lines = [
        f"**{dtype}, {mode}** (max ULP / % correctly rounded)",
        "",
        "| function | " + " | ".join(LIBRARIES) + " |",
        "|---|" + "---|" * len(LIBRARIES),
    ]
    for name in FUNCTIONS:
        for order in (0, 1):
            row = [shown(results.get(f"{dtype}|{typed(name, order)}|{lib}", {"error": "—"}))
                   for lib in LIBRARIES]  # fmt: skip
            label = name if order == 0 else f"{name}′ (backward)"
            lines.append(f"| {label} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def versions() -> str:
    names = ["numpy", "scipy", "torch", "jax", "jaxlib", "ml_dtypes"]
    return ", ".join(f"{n} {importlib.metadata.version(n)}" for n in names)


def render(results: dict, samples: int) -> None:
    print(table(results, "bfloat16", "exhaustive (65 536 inputs)"))
    print()
    print(table(results, "float32", f"sampled ({samples:,} inputs, seed 0)"))
    print()
    print(f"Versions: {versions()}.")


def family(args: argparse.Namespace) -> None:
    results: dict = {}
    if args.render:  # tables from saved results (runs split by --formats)
        for path in args.render:
            with open(path, encoding="utf-8") as saved:
                results.update(json.load(saved))
        render(results, args.samples)
        return
    for dtype, exhaustive in FORMATS:
        if dtype not in args.formats.split(","):
            continue
        for name in args.functions.split(","):
            for order in (0, 1):
                of = typed(name, order)
                timed_out = False
                for library in LIBRARIES:
                    if timed_out and not missing(library, of):  # the others would wait too
                        result = {"error": "timeout"}
                    elif timed_out:
                        result = {"error": "n/a"}
                    else:
                        result = cell(library, of, dtype, exhaustive, args.samples, args.timeout)
                    timed_out = timed_out or result.get("error") == "timeout"
                    results[f"{dtype}|{of}|{library}"] = result
                    print(f"{dtype} {of} {library}: {shown(result)} "
                          f"({result.get('seconds', 0):.0f} s)", file=sys.stderr, flush=True)  # fmt: skip
                    if args.json:
                        with open(args.json, "w", encoding="utf-8") as out:
                            json.dump(results, out, indent=1)
    render(results, args.samples)


FORMULA_ROWS = [
    ("numpy", "sigmoid(x)", "1/(1 + exp(−x))"),
    ("scipy", "sigmoid(x)", "scipy.special.expit"),
    ("naive", "diff(sigmoid(x), x)", "σ′ as s·(1 − s)"),
    ("product", "diff(sigmoid(x), x)", "σ′ as σ(x)·σ(−x)"),
    ("stable", "diff(sigmoid(x), x)", "σ′ as e^(−\\|x\\|)/(1 + e^(−\\|x\\|))²"),
]


def formulas(samples: int) -> None:
    """The older table: σ's formulas in float32 and float64, sampled."""
    print(
        "| implementation | dtype | correctly rounded | max ULP | wrong zeros | wrongly 0 from x = |"
    )
    print("|---|---|---|---|---|---|")
    for impl, of, label in FORMULA_ROWS:
        for dtype in ("float32", "float64"):
            data = grading.grade(impl, of, dtype, samples=samples).as_json()
            share = 100 * data["correctly_rounded"] / data["inputs"]
            zero_from = data["zero_from"] if data["zero_from"] is not None else "—"
            worst = data["max_ulp"] if data["max_ulp"] == "inf" else f"{data['max_ulp']:.4g}"
            print(f"| `{impl}`: {label} | {dtype} | {share:.3f} % | {worst} | "
                  f"{data['wrong_zeros']:,} | {zero_from} |")  # fmt: skip


def main() -> None:
    if sys.argv[1:2] == ["formulas"]:
        formulas(int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000, help="float32 samples per cell")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per cell")
    parser.add_argument("--json", help="write the results so far to this file after each cell")
    parser.add_argument("--formats", default="bfloat16,float32", help="which tables")
    parser.add_argument("--functions", default=",".join(FUNCTIONS), help="which rows")
    parser.add_argument("--render", nargs="+", metavar="JSON", help="tables from saved results")
    family(parser.parse_args())


if __name__ == "__main__":
    main()
