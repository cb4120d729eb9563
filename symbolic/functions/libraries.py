"""Float implementations from the ML libraries, wrapped alike for every function.

An implementation maps a NumPy array of the graded dtype to an array of results of the
same dtype. Everything is computed in the graded dtype (float16 and bfloat16 through
float32, as the libraries do on a CPU). Derivatives come from each library's own
automatic differentiation. A missing optional library is a clear one-line error.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np

from symbolic.errors import SymbolicError

Implementation = Callable[[np.ndarray], np.ndarray]


def work_dtype(dtype: np.dtype) -> np.dtype:
    """float16 and bfloat16 are computed in float32, then rounded back."""
    return np.dtype(np.float32) if dtype.itemsize == 2 else dtype


def optional(module: str, package: str) -> object:
    """Import an optional library, or say in one line how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise SymbolicError(f"{package} is not installed: pip install {package}") from None


def in_work_dtype(formula: Callable[[np.ndarray], np.ndarray]) -> Implementation:
    """A NumPy formula run in the work dtype, without floating-point warnings."""

    def run(x: np.ndarray) -> np.ndarray:
        w = x.astype(work_dtype(x.dtype))
        with np.errstate(all="ignore"):
            return np.asarray(formula(w)).astype(x.dtype)

    return run


def scipy_special(name: str) -> Implementation:
    """scipy.special.<name>, in the work dtype."""
    special = optional("scipy.special", "scipy")
    function = getattr(special, name)
    return lambda x: function(x.astype(work_dtype(x.dtype))).astype(x.dtype)


def torch_function(path: str, order: int) -> Implementation:
    """torch.<path> (order 0) or its autograd derivative (order 1), in the graded dtype."""
    torch = optional("torch", "torch")
    function = _attribute(torch, path)

    def run(x: np.ndarray) -> np.ndarray:
        name = {"float64": "float64", "float32": "float32", "float16": "float16"}.get(
            str(x.dtype), "bfloat16"
        )
        tensor = torch.tensor(
            x.astype(np.float64), dtype=getattr(torch, name), requires_grad=order == 1
        )
        y = function(tensor)
        if order == 1:
            (y.sum()).backward()
            y = tensor.grad
        return y.detach().to(torch.float64).numpy().astype(x.dtype)

    return run


def jax_function(path: str, order: int) -> Implementation:
    """jax.<path> (order 0) or jax.grad of it (order 1), in the graded dtype."""
    jax = optional("jax", "jax")
    jnp = importlib.import_module("jax.numpy")
    function = _attribute(jax, path)

    def run(x: np.ndarray) -> np.ndarray:
        if x.dtype == np.float64:
            jax.config.update("jax_enable_x64", True)
        values = jnp.asarray(x)
        f = function if order == 0 else jax.vmap(jax.grad(function))
        return np.asarray(f(values)).astype(x.dtype)

    return run


def _attribute(module: object, path: str) -> Callable:
    value = module
    for part in path.split("."):
        value = getattr(value, part)
    return value
