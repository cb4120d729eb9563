"""The vectorized ball references against the rigorous per-point Arb oracle.

Every family function and its first two derivatives, at inputs of the narrow formats:
each value the balls decide must equal `oracle.rounded_value` (sign of zero included),
and the balls must decide nearly every input (the rest go to Arb, which is slow).
"""

from __future__ import annotations

import zlib

import ml_dtypes
import numpy as np
import pytest

from symbolic.arith import ieee
from symbolic.numbers import oracle, vectorized

FUNCTIONS = ["sigmoid", "tanh", "softplus", "log_sigmoid", "silu", "gelu", "gelu_tanh", "mish"]
TARGETS = [(name, order) for name in FUNCTIONS for order in (0, 1)]


def _same(got: float, want: float) -> bool:
    return got == want and np.signbit(got) == np.signbit(want)


def _all_finite(fmt: ieee.Format) -> np.ndarray:
    unsigned = np.dtype(f"uint{fmt.dtype.itemsize * 8}")
    bits = np.arange(0, 2 ** (fmt.dtype.itemsize * 8), dtype=np.uint64).astype(unsigned)
    with np.errstate(invalid="ignore"):
        x = bits.view(fmt.dtype).astype(np.float64)
    return x[np.isfinite(x)]


def _check_against_arb(expr, x: np.ndarray, fmt: ieee.Format) -> np.ndarray:
    """Cross-check the decided points; return the mask of decided points."""
    values, decided, hi, _ = vectorized.rounded_and_true(expr, x, fmt)
    for xv, value, done, true in zip(x, values, decided, hi, strict=True):
        if not done:
            continue
        point = oracle.to_point(float(xv))
        want = oracle.rounded_value(expr, point, fmt).as_float()
        assert _same(float(value), want), (str(expr), float(xv), float(value), want)
        # the true value is good to far below an ulp (2^-16 of the rounded value's ulp)
        ulp = max(abs(want), 2.0**fmt.emin) * 2.0 ** (1 - fmt.precision)
        if want == 0:  # the true value may be e^-1e38: only its size is checked
            assert abs(true) <= 2.0 ** (fmt.min_subnormal_exponent - 1)
            continue
        exact = float(oracle.true_fraction(expr, point, fmt))
        assert abs(true - exact) <= 2.0**-16 * ulp, (str(expr), float(xv), true, exact)
    return decided


@pytest.mark.parametrize(("name", "order"), TARGETS)
def test_bfloat16_stratified(name: str, order: int) -> None:
    """Every 64th bfloat16 (all exponents, both signs) against Arb; most decided cheaply."""
    fmt = ieee.FORMATS["bfloat16"]
    expr = oracle.to_expression(f"{name}(x)", order)
    x = _all_finite(fmt)
    _, decided, _, _ = vectorized.rounded_and_true(expr, x, fmt)
    assert decided.mean() > 0.7  # the tails of gelu′ and mish′ are left to Arb
    _check_against_arb(expr, x[::64], fmt)


@pytest.mark.parametrize("name", ["sigmoid", "silu", "gelu", "mish"])
def test_float16_stratified(name: str) -> None:
    fmt = ieee.FORMATS["float16"]
    for order in (0, 1, 2):
        expr = oracle.to_expression(f"{name}(x)", order)
        _check_against_arb(expr, _all_finite(fmt)[7::97], fmt)


@pytest.mark.parametrize(("name", "order"), TARGETS)
def test_float32_random(name: str, order: int) -> None:
    """Random float32 bit patterns (all exponents) and random moderate values: 600 each."""
    fmt = ieee.FORMATS["float32"]
    rng = np.random.default_rng(zlib.crc32(f"{name}{order}".encode()))
    bits = rng.integers(0, 2**32, 300, dtype=np.uint64).astype(np.uint32)
    with np.errstate(invalid="ignore"):  # NaN patterns, dropped below
        x = bits.view(np.float32).astype(np.float64)
    # moderate values; beyond |x| ≈ 38, e^(−x²/2) underflows float64 and the sign of
    # gelu′ there is left to Arb (known limitation)
    moderate = rng.uniform(-30, 30, 300).astype(np.float32).astype(np.float64)
    x = np.concatenate([x[np.isfinite(x)], moderate])
    decided = _check_against_arb(oracle.to_expression(f"{name}(x)", order), x, fmt)
    assert decided[-300:].mean() > 0.95


def test_second_derivatives_bfloat16() -> None:
    fmt = ieee.FORMATS["bfloat16"]
    x = _all_finite(fmt)[3::211]
    for name in FUNCTIONS:
        _check_against_arb(oracle.to_expression(f"{name}(x)", 2), x, fmt)


@pytest.mark.parametrize(
    "text",
    ["x*sigmoid(x)", "softplus(2*x) - x", "exp(-x**2/2)*tanh(x)/3", "log(1 + x**2)", "erf(x)"],
)
def test_expressions(text: str) -> None:
    """Any expression of the kernels: the balls agree with Arb where they decide."""
    fmt = ieee.FORMATS["float32"]
    x = np.random.default_rng(5).standard_normal(400) * 8
    x = x.astype(np.float32).astype(np.float64)
    for order in (0, 1):
        decided = _check_against_arb(oracle.to_expression(text, order), x, fmt)
        assert decided.mean() > 0.9


def test_oracle_rounded_uses_the_balls_and_matches_arb() -> None:
    x = np.array([-1e30, -800.0, -3.5, -1e-40, 0.0, 2.5e-8, 7.0, 1e30], dtype=np.float32)
    got = oracle.rounded("mish(x)", x, order=1)
    assert got.dtype == np.float32
    for xv, value in zip(x, got, strict=True):
        want = oracle.rounded_value(
            oracle.to_expression("mish(x)", 1), oracle.to_point(float(xv)), fmt32()
        )
        assert _same(float(value), want.as_float())
    bf = oracle.rounded("gelu(x)", x.astype(ml_dtypes.bfloat16))
    assert bf.dtype == ml_dtypes.bfloat16


def fmt32() -> ieee.Format:
    return ieee.FORMATS["float32"]


@pytest.mark.parametrize(("name", "order"), TARGETS)
def test_float64_random(name: str, order: int) -> None:
    """Double-word balls: random float64 bit patterns and moderate values, 150 each."""
    fmt = ieee.FORMATS["float64"]
    rng = np.random.default_rng(zlib.crc32(f"64{name}{order}".encode()))
    x = rng.integers(0, 2**64, 150, dtype=np.uint64).view(np.float64)
    moderate = rng.uniform(-25, 25, 150)  # below 2^-960, float64 values go to Arb
    x = np.concatenate([x[np.isfinite(x)], moderate])
    decided = _check_against_arb(oracle.to_expression(f"{name}(x)", order), x, fmt)
    assert decided[-150:].mean() > 0.9


@pytest.mark.parametrize("name", ["tanh", "silu", "gelu", "mish"])
def test_ulp_error_from_balls_matches_the_exact_path(name: str) -> None:
    """oracle.ulp_error is vectorized by double-word balls; the exact Arb path agrees."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    x = (rng.standard_normal(400) * 10).astype(np.float32)
    got = np.nextafter(x * np.float32(0.5), np.float32(1))  # far from right, on purpose
    errors = oracle.ulp_error(got, f"{name}(x)", x)
    expr = oracle.to_expression(f"{name}(x)")
    for i in range(0, 400, 13):
        exact = oracle._exact_ulp_error(expr, float(got[i]), float(x[i]), fmt32())
        assert errors[i] == pytest.approx(exact, rel=2.0**-40, abs=2.0**-40)
