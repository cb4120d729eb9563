"""Certified vectorized references: speed against MPFR, exhaustive float32 grades, and the
cross-check against Arb. Run by hand (needs the `bench` extra, gmpy2):

    .venv/bin/python benchmarks/bench_references.py mpfr [N] [REPEATS]  # (a), 200000, 3
    .venv/bin/python benchmarks/bench_references.py grade FUNC [STRIDE] [JOBS] [IMPL]  # (b)
    .venv/bin/python benchmarks/bench_references.py chunks FUNC [STRIDE] [JOBS] [IMPL]
    .venv/bin/python benchmarks/bench_references.py check N [FUNC ...]  # Arb cross-check

(a) `oracle.rounded(f(x), xs)` in float64 on N points (normal, σ = 10) for every family
function, against MPFR (gmpy2, 53 bits, round to nearest, one point at a time, the
textbook formula), side by side in one run, each side timed REPEATS times alternately
and the best time of each kept. (b) An exhaustive float32 grade of IMPL's
f (default numpy; SiLU has `naive`, x/(1 + exp(−x))) with `--jobs`, every STRIDE-th bit pattern extrapolated to 2^32, and one NumPy pass of
the implementation over the same inputs. `check` compares N random float32 bit patterns
per function (orders 0 and 1) with the per-point Arb oracle and counts disagreements.
"""

from __future__ import annotations

import os

# mpmath switches to gmpy2's integers when gmpy2 is importable, which changes the types
# that tests/family_references.py reads: keep mpmath on its own backend here, and keep
# gmpy2 out of the project's venv (`pip install --target DIR gmpy2`, DIR on PYTHONPATH).
os.environ["MPMATH_NOGMPY"] = "1"

import math
import multiprocessing
import sys
import time
import zlib

import numpy as np

from symbolic.arith import ieee
from symbolic.grade import grading
from symbolic.grade.implementations import resolve
from symbolic.numbers import oracle

FUNCTIONS = ["sigmoid", "tanh", "softplus", "log_sigmoid", "silu", "gelu", "gelu_tanh", "mish"]


def _mpfr_formulas() -> dict:
    import gmpy2

    gmpy2.get_context().precision = 53
    gmpy2.get_context().round = gmpy2.RoundToNearest
    mpfr, exp, log1p, tanh, erfc = gmpy2.mpfr, gmpy2.exp, gmpy2.log1p, gmpy2.tanh, gmpy2.erfc
    root_half, scale, c = gmpy2.sqrt(mpfr(0.5)), gmpy2.sqrt(2 / gmpy2.const_pi()), mpfr("0.044715")
    return {
        "sigmoid": lambda x: 1 / (1 + exp(-x)),
        "tanh": tanh,
        "softplus": lambda x: log1p(exp(x)),
        "log_sigmoid": lambda x: -log1p(exp(-x)),
        "silu": lambda x: x / (1 + exp(-x)),
        "gelu": lambda x: x / 2 * erfc(-x * root_half),
        "gelu_tanh": lambda x: x / 2 * (1 + tanh(scale * (x + c * x * x * x))),
        "mish": lambda x: x * tanh(log1p(exp(x))),
        "mpfr": mpfr,
    }


def _seconds(run: object) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def versus_mpfr(count: int, repeats: int = 3) -> None:
    """Each side timed `repeats` times, alternately; the best time of each is kept."""
    formulas = _mpfr_formulas()
    xs = np.random.default_rng(1).standard_normal(count) * 10
    points = [formulas["mpfr"](float(x)) for x in xs]
    print(
        f"| f (float64, {count:,} points, best of {repeats}) | oracle.rounded | MPFR 53 bits | ratio |"
    )
    print("|---|---|---|---|")
    for name in FUNCTIONS:
        oracle.rounded(f"{name}(x)", xs[:64])  # compile once, outside the timing
        formula = formulas[name]

        def ours_run(name: str = name) -> None:
            oracle.rounded(f"{name}(x)", xs)

        def theirs_run(formula: object = formula) -> None:
            for p in points:
                float(formula(p))

        ours = theirs = math.inf
        for _ in range(repeats):  # the machine is shared: noise only adds time
            ours = min(ours, _seconds(ours_run))
            theirs = min(theirs, _seconds(theirs_run))
        print(f"| {name} | {ours:.3f} s | {theirs:.2f} s | {theirs / ours:.1f}× |", flush=True)


def exhaustive(name: str, stride: int, jobs: int, impl: str) -> None:
    of = f"{name}(x)"
    started = time.perf_counter()
    grade = grading.grade(impl, of, "float32", exhaustive=True, jobs=jobs, stride=stride)
    wall = (time.perf_counter() - started) * stride
    data = grade.as_json()
    implementation = resolve(impl, grading.target_of(of).named)
    bits = np.arange(0, 1 << 32, stride, dtype=np.uint64).astype(np.uint32)
    x = bits.view(np.float32)
    started = time.perf_counter()
    with np.errstate(all="ignore"):
        for start in range(0, len(x), 1 << 22):
            implementation(x[start : start + (1 << 22)])
    numpy_pass = (time.perf_counter() - started) * stride
    print(f"| exhaustive float32 grade of {impl} {name}, --jobs {jobs}, stride {stride} "
          f"({data['inputs']:,} inputs), extrapolated | {wall:.0f} s |")  # fmt: skip
    print(f"| one NumPy pass of the implementation, extrapolated | {numpy_pass:.1f} s |")
    print(f"| ratio | {wall / numpy_pass:.1f}× |")


def _chunk(args: tuple[str, str, int]) -> float:
    """Grade one chunk of 2^22 consecutive float32 bit patterns; its wall time."""
    of, impl, index = args
    target = grading.target_of(of)
    implementation = resolve(impl, target.named)
    bits = np.arange(index << 22, (index + 1) << 22, dtype=np.uint64).astype(np.uint32)
    started = time.perf_counter()
    grading.grade_chunk(bits, implementation, target, ieee.FORMATS["float32"], 10)
    return time.perf_counter() - started


def chunks(name: str, stride: int, jobs: int, impl: str) -> None:
    """Every stride-th chunk of the exhaustive grade (grade_chunk, as `grade` runs it,
    with `jobs` processes), extrapolated; `symbolic grade --exhaustive` itself still
    asks for a FloatKernel, so SiLU is measured this way."""
    of = f"{name}(x)"
    work = [(of, impl, index) for index in range(0, 1024, stride)]
    started = time.perf_counter()
    with multiprocessing.Pool(jobs) as pool:
        pool.map(_chunk, work)
    wall = (time.perf_counter() - started) * stride
    implementation = resolve(impl, grading.target_of(of).named)
    started = time.perf_counter()
    with np.errstate(all="ignore"):
        for _, _, index in work:
            bits = np.arange(index << 22, (index + 1) << 22, dtype=np.uint64)
            implementation(bits.astype(np.uint32).view(np.float32))
    numpy_pass = (time.perf_counter() - started) * stride
    print(f"| float32 grade of {impl} {name}, --jobs {jobs}, every {stride}th chunk of 2^22, "
          f"extrapolated to 2^32 | {wall:.0f} s |")  # fmt: skip
    print(f"| one NumPy pass of the implementation over the same chunks, extrapolated | "
          f"{numpy_pass:.1f} s |")  # fmt: skip
    print(f"| ratio | {wall / numpy_pass:.1f}× |")


def check(count: int, names: list[str]) -> None:
    fmt = ieee.FORMATS["float32"]
    for name in names:
        for order in (0, 1):
            rng = np.random.default_rng(zlib.crc32(f"{name}{order}".encode()))
            bits = rng.integers(0, 1 << 32, count, dtype=np.uint64).astype(np.uint32)
            with np.errstate(invalid="ignore"):
                x = bits.view(np.float32).astype(np.float64)
            x = x[np.isfinite(x)]
            expr = oracle.to_expression(f"{name}(x)", order)
            got = oracle.rounded(expr, x.astype(np.float32))
            wrong = 0
            for xv, value in zip(x, got, strict=True):
                want = oracle.rounded_value(expr, oracle.to_point(float(xv)), fmt).as_float()
                wrong += float(value) != want or np.signbit(value) != np.signbit(want)
            print(f"| {name} order {order} | {len(x):,} | {wrong} |", flush=True)


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "mpfr"
    if mode == "mpfr":
        count = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
        versus_mpfr(count, int(sys.argv[3]) if len(sys.argv) > 3 else 3)
    elif mode == "grade":
        name = sys.argv[2] if len(sys.argv) > 2 else "sigmoid"
        stride = int(sys.argv[3]) if len(sys.argv) > 3 else 1
        jobs = int(sys.argv[4]) if len(sys.argv) > 4 else 2
        exhaustive(name, stride, jobs, sys.argv[5] if len(sys.argv) > 5 else "numpy")
    elif mode == "chunks":
        name = sys.argv[2] if len(sys.argv) > 2 else "silu"
        stride = int(sys.argv[3]) if len(sys.argv) > 3 else 16
        jobs = int(sys.argv[4]) if len(sys.argv) > 4 else 2
        chunks(name, stride, jobs, sys.argv[5] if len(sys.argv) > 5 else "naive")
    else:
        check(int(sys.argv[2]), sys.argv[3:] or FUNCTIONS)


if __name__ == "__main__":
    main()
