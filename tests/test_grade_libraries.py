"""The built-in library implementations, run for real (NumPy, SciPy, PyTorch, JAX).

Every built-in name × family function × order resolves and computes in the graded dtype,
or is one clear line (exit 2 on the command line); ±inf are graded against the limits
(a correct tanh is 0 ULP there); real PyTorch and JAX grades, exhaustive in bfloat16,
forward and backward, are checked against a table of the certified oracle.
"""

from __future__ import annotations

import json
import subprocess
import sys

import ml_dtypes
import numpy as np
import pytest

from symbolic.errors import SymbolicError
from symbolic.functions import FAMILY
from symbolic.grade import grading
from symbolic.grade.implementations import LIBRARIES, resolve
from symbolic.numbers import oracle

FUNCTIONS = list(dict.fromkeys(FAMILY))  # swish is silu's alias: graded as silu
FUNCTIONS.remove("swish")
# What a library does not have (the rest must resolve and run).
MISSING = {
    ("numpy", "gelu"),  # NumPy has no erf
    ("scipy", "tanh"),
    ("scipy", "gelu_tanh"),
    ("scipy", "mish"),
}
DTYPES = [np.float32, np.float16, ml_dtypes.bfloat16]
SPECIALS = [-np.inf, -100.0, -1.0, -0.0, 0.0, 0.5, 3.0, 100.0, np.inf, np.nan]


def _typed(name: str, order: int) -> str:
    return f"{name}(x)" if order == 0 else f"diff({name}(x), x)"


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("order", [0, 1])
def test_every_built_in_resolves_or_is_one_clear_line(library: str, name: str, order: int) -> None:
    target = grading.target_of(_typed(name, order))
    if (library, name) in MISSING:
        with pytest.raises(SymbolicError, match=f"^{library} has no [^\n]+$"):
            resolve(library, target.named)
        return
    implementation = resolve(library, target.named)
    for dtype in DTYPES:
        x = np.array(SPECIALS, dtype=dtype)
        with np.errstate(all="ignore"):
            y = implementation(x)
        assert y.dtype == x.dtype and y.shape == x.shape
        assert np.isnan(y[-1].astype(np.float64))  # NaN in, NaN out
    # The right function and order: near the certified value at ordinary points, in
    # float32 (1 − tanh(3)² loses 5 bits to cancellation, so not to the last ULP).
    x = np.array([0.5, 3.0, -1.0], dtype=np.float32)
    want = oracle.rounded(_typed(name, order), x)
    got = implementation(x)
    assert np.allclose(got, want, rtol=1e-4, atol=0), (got, want)


_CLI_SCRIPT = """
import contextlib, io, json, sys
from symbolic.cli import main
results = []
for library, of in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()) as out:
        code = main(["grade", library, "--of", of, "--samples", "1"])
    results.append([code, out.getvalue(), err.getvalue()])
print(json.dumps(results))
"""


def test_what_a_library_lacks_is_one_line_and_exit_2_on_the_command_line() -> None:
    """Every missing (library, function, order) through the CLI, in one fresh process
    (forking the CLI's worker after JAX started its threads would warn)."""
    cases = [[lib, _typed(name, order)] for lib, name in sorted(MISSING) for order in (0, 1)]
    result = subprocess.run(
        [sys.executable, "-c", _CLI_SCRIPT, json.dumps(cases)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    for (library, of), (code, out, err) in zip(cases, json.loads(result.stdout), strict=True):
        assert code == 2 and out == "", (library, of)
        assert len(err.splitlines()) == 1 and err.startswith(f"symbolic: error: {library} has no ")


@pytest.mark.parametrize("library", ["numpy", "torch", "jax"])
@pytest.mark.parametrize("order", [0, 1])
def test_a_correct_tanh_is_graded_zero_ulp_at_infinities(library: str, order: int) -> None:
    """tanh(±inf) = ±1 and tanh′(±inf) = 0 exactly: the references are the registry's
    limits (never NaN), so the grade there is 0 ULP, nothing excluded."""
    target = grading.target_of(_typed("tanh", order))
    assert target.limits == ((-1, 1) if order == 0 else (0, 0))
    for dtype in ("float32", "bfloat16"):
        fmt = grading.ieee.FORMATS[dtype]
        bits = np.array([np.inf, -np.inf], dtype=fmt.dtype).view(f"uint{8 * fmt.dtype.itemsize}")
        stats = grading.grade_chunk(bits, resolve(library, target.named), target, fmt, keep=5)
        assert stats.inputs == 2 and stats.excluded == 0
        assert stats.correctly_rounded == 2 and stats.max_ulp == 0.0


def test_other_expressions_get_the_provers_limits_at_infinity() -> None:
    """x·σ(x) is not rational in e^x: its limits (0 at −∞, ∞ at +∞) come from the
    prover's tail forms, so ±inf are graded, not excluded."""
    target = grading.target_of("x*sigmoid(x)")
    assert target.named is None and target.limits == (0, grading.sympy.oo)
    fmt = grading.ieee.FORMATS["float32"]
    bits = np.array([np.inf, -np.inf], dtype=np.float32).view(np.uint32)
    stats = grading.grade_chunk(
        bits, resolve("tests.family_implementations:numpy_silu", None), target, fmt, keep=5
    )
    assert stats.excluded == 0 and stats.inputs == 2
    assert stats.nan == 1  # −inf/(1 + e^inf) = −inf/inf: NaN, where the limit is 0


def _oracle_table(expr: str, x: np.ndarray) -> np.ndarray:
    """Correctly rounded bfloat16 values (finite x: the oracle; ±inf: the limits)."""
    out = np.full(x.shape, np.nan, dtype=x.dtype)
    x64 = x.astype(np.float64)
    finite = np.isfinite(x64)
    out[finite] = oracle.rounded(expr, x[finite], dtype="bfloat16")
    limits = grading.target_of(expr).limits
    out[np.isneginf(x64)] = float(limits[0])
    out[np.isposinf(x64)] = float(limits[1])
    return out


@pytest.mark.slow
@pytest.mark.parametrize("library", ["torch", "jax"])
@pytest.mark.parametrize("order", [0, 1])
def test_real_library_grades_exhaustive_bfloat16(library: str, order: int) -> None:
    """σ and σ′ of PyTorch (autograd) and JAX (jax.grad) on every bfloat16 input: the
    count of correctly rounded results is the count of outputs equal to the oracle's
    table, computed here by the public API; nothing is excluded; ±inf are right."""
    expr = _typed("sigmoid", order)
    x = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(ml_dtypes.bfloat16)
    with np.errstate(invalid="ignore"):  # NaN bit patterns, converted on purpose
        got = resolve(library, grading.target_of(expr).named)(x).astype(np.float64)
        want = _oracle_table(expr, x).astype(np.float64)
        x64 = x.astype(np.float64)
    same = int(((got == want) | (np.isnan(got) & np.isnan(want))).sum())
    data = grading.grade(library, expr, "bfloat16", exhaustive=True).as_json()
    assert data["inputs"] == 1 << 16 and data["excluded"] == 0
    assert data["correctly_rounded"] == same
    assert data["nan"] == int((np.isnan(got) & ~np.isnan(want)).sum())
    assert data["wrong_zeros"] == int(((got == 0) & (want != 0) & ~np.isnan(want)).sum())
    ends = got[np.isinf(x64)]
    assert list(ends) == ([1.0, 0.0] if order == 0 else [0.0, 0.0])


def _brute_zero_from(got: np.ndarray, want: np.ndarray) -> float | None:
    """The definition, on inputs in bit order (|x| growing, one sign): the first wrong zero
    after the last correct non-zero result, among inputs whose rounded value is not 0."""
    relevant = (want != 0) & ~np.isnan(want)
    good = np.flatnonzero(relevant & (got != 0))
    after = good[-1] + 1 if len(good) else 0
    wrong = np.flatnonzero(relevant[after:] & (got[after:] == 0))
    return None if not len(wrong) else after + int(wrong[0])


@pytest.mark.slow
def test_a_one_sided_tail_going_wrongly_to_zero_is_found() -> None:
    """scipy's GELU, x/2·(1 + erf(x/√2)) in float32, is 0 once erf rounds to −1 (x ≈ −5.5),
    while GELU(x) still rounds to a float16 subnormal: zero_from is on the negative side
    only. Checked against the definition applied to every float16 in [−16, 0) with the
    oracle's table (beyond −16, |GELU(x)| < 10^-50 rounds to 0: no input there counts)."""
    data = grading.grade("scipy", "gelu(x)", "float16", samples=3000).as_json()
    x = np.arange(0x8001, 0xCC01, dtype=np.uint32).astype(np.uint16).view(np.float16)  # to −16
    assert float(x[-1]) == -16.0
    got = resolve("scipy", grading.target_of("gelu(x)").named)(x).astype(np.float64)
    want = oracle.rounded("gelu(x)", x).astype(np.float64)
    index = _brute_zero_from(got, want)
    assert index is not None and -6.0 < float(x[index]) < -5.0
    assert data["zero_from"] is not None and np.float16(data["zero_from"]) == x[index]
    assert data["inf"] == 0 and data["wrong_zeros"] > 0


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16])
def test_numpy_computes_in_the_graded_dtype(dtype: type) -> None:
    """`numpy` SiLU on 16-bit inputs is the formula typed on those arrays (each operation
    rounded to the dtype, bfloat16 by ml_dtypes), not float32 rounded once at the end:
    the two differ on some inputs, and the built-in matches the first everywhere."""
    x = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(dtype)
    with np.errstate(all="ignore"):
        x = x[np.isfinite(x.astype(np.float32))]
        built_in = resolve("numpy", grading.target_of("silu(x)").named)(x).astype(np.float32)
        typed = (x / (dtype(1) + np.exp(-x))).astype(np.float32)
        wide = (x.astype(np.float32) / (1 + np.exp(-x.astype(np.float32)))).astype(dtype)
    both = ~np.isnan(typed)
    assert np.array_equal(built_in[both], typed[both]) and np.isnan(built_in[~both]).all()
    assert (wide.astype(np.float32)[both] != typed[both]).sum() > 100
