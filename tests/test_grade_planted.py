"""Planted errors in correctly rounded float16 tables of SiLU and GELU are found exactly,
and a naive float16 softplus has exactly the infinities counted by hand.

The tables come from the certified oracle (`oracle.rounded`, the public API), not from
the grader; then chosen inputs are perturbed: one-ulp errors, a wrong zero, a NaN. The
grade must report exactly those inputs and no others. To keep CI short the tables grade
every 4th float16 bit pattern (`stride=4`, 16 384 inputs of both signs, ±inf and NaNs
included); the planted inputs are chosen among them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from symbolic.grade import grading
from symbolic.numbers import oracle
from tests import grade_tables

STRIDE = 4
# Planted inputs (float16 values whose bit patterns are multiples of 4, asserted below).
ONE_ULP = [0.5, -1.25, 3.0, -0.0625, 17.0]
WRONG_ZERO = -3.5
NAN_AT = 1.5


def _graded_inputs() -> np.ndarray:
    return np.arange(0, 1 << 16, STRIDE, dtype=np.uint16).view(np.float16)


def _planted_table(expr: str) -> np.ndarray:
    """Every float16 bit pattern → f(x) correctly rounded (oracle), limits at ±inf, NaN
    for NaN; then the planted errors. Patterns not graded stay NaN."""
    table = np.full(1 << 16, np.nan, dtype=np.float16)
    x = _graded_inputs()
    finite = np.isfinite(x)
    table[x[finite].view(np.uint16)] = oracle.rounded(expr, x[finite], dtype="float16")
    table[np.float16(np.inf).view(np.uint16)] = np.inf  # both limits at +∞ are +∞
    table[np.float16(-np.inf).view(np.uint16)] = 0.0  # and 0 at −∞
    for value in [*ONE_ULP, WRONG_ZERO, NAN_AT]:
        assert int(np.float16(value).view(np.uint16)) % STRIDE == 0, value
    for value in ONE_ULP:
        bits = np.float16(value).view(np.uint16)
        table[bits] = np.nextafter(table[bits], np.float16(np.inf))
    assert table[np.float16(WRONG_ZERO).view(np.uint16)] != 0
    table[np.float16(WRONG_ZERO).view(np.uint16)] = 0
    table[np.float16(NAN_AT).view(np.uint16)] = np.nan
    return table


@pytest.mark.slow
@pytest.mark.parametrize("name", ["silu", "gelu"])
def test_planted_errors_in_a_float16_table_are_found_exactly(name: str) -> None:
    grade_tables.TABLES[name] = _planted_table(f"{name}(x)")
    grade = grading.grade(
        f"tests.grade_tables:{name}",
        f"{name}(x)",
        "float16",
        exhaustive=True,
        worst=50,
        stride=STRIDE,
    )
    data = grade.as_json()
    planted = len(ONE_ULP) + 2
    assert data["inputs"] == (1 << 16) // STRIDE and data["excluded"] == 0
    assert data["incorrect"] == planted
    assert data["correctly_rounded"] == data["inputs"] - planted
    assert data["wrong_zeros"] == 1 and data["nan"] == 1 and data["inf"] == 0
    found = {float(w["x"]) for w in data["worst"]}
    assert found == {*ONE_ULP, WRONG_ZERO, NAN_AT}
    by_x = {float(w["x"]): w for w in data["worst"]}
    for value in ONE_ULP:  # one ulp away from the correctly rounded value: (0.5, 1.5) ULP
        assert 0.5 < by_x[value]["ulp"] < 1.5, by_x[value]
    assert by_x[NAN_AT]["ulp"] == "inf" and by_x[NAN_AT]["got"] == "nan"
    assert float(by_x[WRONG_ZERO]["got"]) == 0 and by_x[WRONG_ZERO]["ulp"] > 1000
    assert data["zero_from"] is None  # one wrong zero, correct non-zero results beyond it


# softplus(x) = log1p(exp(x)) in float16 is inf exactly where exp(x) overflows float16:
# e^x rounds to inf from e^x ≥ 65520 (the midpoint of 65504, the largest float16, and
# 2^16), that is x ≥ ln 65520 = 11.09024…. float16 in [8, 16) are spaced 2^-7 apart:
# 11.0859375 = 1419·2^-7 < ln 65520 < 1420·2^-7 = 11.09375 = 1.38671875·2^3, bit pattern
# (15 + 3) << 10 | 0.38671875·1024 = 18432 + 396 = 18828. The finite float16 from there
# to 65504 (bit pattern 31743) are 31743 − 18828 + 1 = 12916 inputs; log1p(inf) = inf,
# while softplus(x) < x + 1 is finite. +inf's reference is its limit, +inf: not counted.
# Graded with stride 4 (bit patterns 0, 4, 8, …): 18828 = 4·4707 and 31740 = 4·7935 are
# the first and last multiples of 4 there: 7935 − 4707 + 1 = 3229 inputs.
SOFTPLUS_INFS = 3229


@pytest.mark.slow
def test_a_naive_float16_softplus_has_its_infinities_counted() -> None:
    assert math.log(65520) > 11.0859375 and math.log(65520) < 11.09375
    assert int(np.float16(11.09375).view(np.uint16)) == 18828
    data = grading.grade(
        "numpy", "softplus(x)", "float16", exhaustive=True, stride=STRIDE
    ).as_json()
    assert data["inputs"] == (1 << 16) // STRIDE and data["excluded"] == 0
    assert data["inf"] == SOFTPLUS_INFS
    assert data["max_ulp"] == "inf"
    assert data["nan"] == 0
