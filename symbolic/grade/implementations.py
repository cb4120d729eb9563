"""Implementations to grade: built-in names, or any `package.module:function`.

An implementation maps a NumPy array of the graded dtype to an array of results.
Built-ins compute σ, or σ′ when the target is diff(sigmoid(x), x):

- numpy:  1/(1 + exp(−x));           σ′ as s·(1 − s) with that s
- scipy:  scipy.special.expit;       σ′ as s·(1 − s)
- torch:  torch.sigmoid;             σ′ by autograd
- jax:    jax.nn.sigmoid;            σ′ by jax.grad
- naive:   σ′ = s·(1 − s)                   (s = 1/(1 + exp(−x)))
- product: σ′ = σ(x)·σ(−x)
- stable:  σ′ = e^(−|x|)/(1 + e^(−|x|))²

Everything is computed in the graded dtype (float16 and bfloat16 through float32, as the
ML libraries do on a CPU). A missing optional library is a clear one-line error.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable

import numpy as np

from symbolic.errors import SymbolicError

Implementation = Callable[[np.ndarray], np.ndarray]
BUILT_IN = ("numpy", "scipy", "torch", "jax", "naive", "product", "stable")
SIGMA_PRIME_ONLY = ("naive", "product", "stable")


def _work_dtype(dtype: np.dtype) -> np.dtype:
    """float16 and bfloat16 are computed in float32, then rounded back."""
    return np.dtype(np.float32) if dtype.itemsize == 2 else dtype


def _numpy_sigmoid(x: np.ndarray) -> np.ndarray:
    w = x.astype(_work_dtype(x.dtype))
    with np.errstate(all="ignore"):
        return (w.dtype.type(1) / (w.dtype.type(1) + np.exp(-w))).astype(x.dtype)


def _scipy_sigmoid(x: np.ndarray) -> np.ndarray:
    special = _optional("scipy.special", "scipy")
    return special.expit(x.astype(_work_dtype(x.dtype))).astype(x.dtype)


def _naive(sigmoid: Implementation) -> Implementation:
    def gradient(x: np.ndarray) -> np.ndarray:
        s = sigmoid(x)
        return (s * (s.dtype.type(1) - s)).astype(x.dtype)

    return gradient


def _product(x: np.ndarray) -> np.ndarray:
    return (_numpy_sigmoid(x) * _numpy_sigmoid(-x)).astype(x.dtype)


def _stable(x: np.ndarray) -> np.ndarray:
    w = x.astype(_work_dtype(x.dtype))
    with np.errstate(all="ignore"):
        e = np.exp(-np.abs(w))
        return (e / ((w.dtype.type(1) + e) * (w.dtype.type(1) + e))).astype(x.dtype)


def _torch(order: int) -> Implementation:
    torch = _optional("torch", "torch")

    def run(x: np.ndarray) -> np.ndarray:
        name = {"float64": "float64", "float32": "float32", "float16": "float16"}.get(
            str(x.dtype), "bfloat16"
        )
        tensor = torch.tensor(
            x.astype(np.float64), dtype=getattr(torch, name), requires_grad=order == 1
        )
        y = torch.sigmoid(tensor)
        if order == 1:
            (y.sum()).backward()
            y = tensor.grad
        return y.detach().to(torch.float64).numpy().astype(x.dtype)

    return run


def _jax(order: int) -> Implementation:
    jax = _optional("jax", "jax")
    jnp = importlib.import_module("jax.numpy")

    def run(x: np.ndarray) -> np.ndarray:
        if x.dtype == np.float64:
            jax.config.update("jax_enable_x64", True)
        values = jnp.asarray(x)
        f = jax.nn.sigmoid if order == 0 else jax.vmap(jax.grad(jax.nn.sigmoid))
        return np.asarray(f(values)).astype(x.dtype)

    return run


def _optional(module: str, package: str) -> object:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise SymbolicError(f"{package} is not installed: pip install {package}") from None


def resolve(name: str, order: int) -> Implementation:
    """The implementation called `name`, for σ (order 0) or σ′ (order 1)."""
    if name in BUILT_IN:
        return _built_in(name, order)
    if not re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", name):
        raise SymbolicError(
            f"unknown implementation {name!r}: use {', '.join(BUILT_IN)} or package.module:function"
        )
    module_name, function_name = name.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise SymbolicError(f"cannot import {module_name}: {error}") from None
    function = getattr(module, function_name, None)
    if not callable(function):
        raise SymbolicError(f"{module_name} has no function {function_name!r}")
    return _checked_user_function(function, name)


def _built_in(name: str, order: int) -> Implementation:
    if name in SIGMA_PRIME_ONLY and order != 1:
        raise SymbolicError(f"{name} computes σ′: use --of 'diff(sigmoid(x), x)'")
    if order not in (0, 1):
        raise SymbolicError("built-in implementations compute σ or σ′ only")
    table: dict[str, Callable[[], Implementation]] = {
        "numpy": lambda: _numpy_sigmoid if order == 0 else _naive(_numpy_sigmoid),
        "scipy": lambda: _scipy_sigmoid if order == 0 else _naive(_scipy_sigmoid),
        "torch": lambda: _torch(order),
        "jax": lambda: _jax(order),
        "naive": lambda: _naive(_numpy_sigmoid),
        "product": lambda: _product,
        "stable": lambda: _stable,
    }
    return table[name]()


def _checked_user_function(function: Callable[[np.ndarray], object], name: str) -> Implementation:
    def run(x: np.ndarray) -> np.ndarray:
        try:
            result = np.asarray(function(x))
        except Exception as error:  # user code: report it in one line
            raise SymbolicError(f"{name} raised {type(error).__name__}: {error}") from None
        if result.shape != x.shape:
            raise SymbolicError(f"{name} returned shape {result.shape} for input shape {x.shape}")
        return result.astype(x.dtype)

    return run
