"""Implementations graded by the tests as `tests.family_implementations:NAME` (real
modules, loaded the way a user's `package.module:function` is)."""

from __future__ import annotations

import numpy as np


def numpy_tanh(x: np.ndarray) -> np.ndarray:
    return np.tanh(x)


def numpy_silu(x: np.ndarray) -> np.ndarray:
    return x / (1 + np.exp(-x))
