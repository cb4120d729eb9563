"""Planted tables graded by tests/test_grade_planted.py as `tests.grade_tables:NAME`
(real modules, loaded the way a user's `package.module:function` is).

A table maps every float16 bit pattern to a result; the test fills it (correctly
rounded values from the certified oracle, then chosen inputs perturbed) before grading.
"""

from __future__ import annotations

import numpy as np

TABLES: dict[str, np.ndarray] = {}


def _lookup(name: str, x: np.ndarray) -> np.ndarray:
    return TABLES[name][x.astype(np.float16).view(np.uint16)]


def silu(x: np.ndarray) -> np.ndarray:
    return _lookup("silu", x)


def gelu(x: np.ndarray) -> np.ndarray:
    return _lookup("gelu", x)
