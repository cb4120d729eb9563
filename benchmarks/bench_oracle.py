"""Oracle benchmarks (run by hand: `.venv/bin/python benchmarks/bench_oracle.py`).

1. σ^(100): the closed form (Stirling numbers) and its certified value at 50 digits,
   against sympy.diff(σ, x, 100) evaluated the same way (our certified evaluator).
2. Certified float64 references of σ′ per second: `oracle.rounded` (double-word fast
   path, Arb for the undecided points) against a per-point mpmath loop at 40 digits
   that certifies nothing; and a bare per-point Arb ball, for comparison.

Each ratio is measured within one run. Prints a Markdown table for the README.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from typing import TypeVar

import flint
import mpmath
import numpy as np
import sympy

from symbolic.functions import expand_definitions, sigmoid
from symbolic.functions.sigmoid import derivative_coefficients as sigmoid_derivative_coefficients
from symbolic.language.parser import X
from symbolic.numbers import oracle

T = TypeVar("T")


def timed(function: Callable[..., T], *args: object) -> tuple[float, T]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def closed_form_vs_sympy_diff(order: int = 100, point: str = "0.5") -> list[tuple[str, str]]:
    sigmoid_derivative_coefficients.cache_clear()

    def closed_form() -> str:
        sigmoid_derivative_coefficients(order)
        return oracle.value("sigmoid(x)", point, digits=50, order=order)

    def via_sympy() -> str:
        explicit = sympy.diff(expand_definitions(sigmoid(X)), X, order)
        return oracle.value(explicit, point, digits=50)

    fast_seconds, fast_value = timed(closed_form)
    slow_seconds, slow_value = timed(via_sympy)
    assert fast_value == slow_value, (fast_value, slow_value)
    return [
        (f"σ^({order}) closed form + 50 digits at x = {point}", f"{fast_seconds * 1e3:.1f} ms"),
        (f"sympy.diff(σ, x, {order}) + 50 digits", f"{slow_seconds:.2f} s"),
        ("ratio", f"{slow_seconds / fast_seconds:.0f}×"),
    ]


def references_per_second(
    count: int = 1_000_000, loop_count: int = 20_000
) -> list[tuple[str, str]]:
    rng = np.random.default_rng(2026)
    xs = rng.uniform(-40, 40, count)
    oracle.rounded("sigmoid(x)", xs[:1000], order=1)  # warm up the caches
    fast_seconds, _ = timed(oracle.rounded, "sigmoid(x)", xs, 1)
    fast_rate = count / fast_seconds

    def mpmath_loop(points: list[float]) -> list[float]:
        with mpmath.workdps(40):
            out = []
            for x in points:
                e = mpmath.exp(-abs(mpmath.mpf(x)))
                out.append(float(e / (1 + e) ** 2))
            return out

    def arb_loop(points: list[float]) -> list[float]:
        old = flint.ctx.prec
        flint.ctx.prec = 128
        try:
            out = []
            for x in points:
                e = (-abs(flint.arb(x))).exp()
                out.append(float((e / (1 + e) ** 2).mid()))
            return out
        finally:
            flint.ctx.prec = old

    sample = xs[:loop_count].tolist()
    mp_seconds, _ = timed(mpmath_loop, sample)
    arb_seconds, _ = timed(arb_loop, sample)
    mp_rate, arb_rate = loop_count / mp_seconds, loop_count / arb_seconds
    return [
        (f"oracle.rounded σ′ float64, {count:,} points", f"{fast_rate:,.0f} /s"),
        (f"mpmath loop at 40 digits, {loop_count:,} points", f"{mp_rate:,.0f} /s"),
        (f"bare Arb ball per point, {loop_count:,} points", f"{arb_rate:,.0f} /s"),
        ("ratio oracle / mpmath", f"{fast_rate / mp_rate:.0f}×"),
        ("ratio bare Arb / mpmath", f"{arb_rate / mp_rate:.1f}×"),
    ]


def main() -> None:
    versions = (
        f"Python {platform.python_version()}, SymPy {sympy.__version__}, "
        f"python-flint {flint.__version__}, NumPy {np.__version__}"
    )
    print(f"machine: {platform.machine()}, {versions}")
    print()
    print("| measurement | result |")
    print("|---|---|")
    for label, result in closed_form_vs_sympy_diff() + references_per_second():
        print(f"| {label} | {result} |")


if __name__ == "__main__":
    main()
