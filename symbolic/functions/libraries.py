"""Float implementations from the ML libraries, wrapped alike for every function.

An implementation maps a NumPy array of the graded dtype to an array of results of the
same dtype: the graded dtype's inputs go in, results in that dtype come out. Where the
16-bit formats are computed (and why):

- NumPy (`native`): in the graded dtype itself, every operation rounded to it: float16
  by NumPy's own float16 loops, bfloat16 by ml_dtypes' loops (each computes in float32
  and rounds once per operation), as a user's `np.exp(x)` on such an array does.
- SciPy (`scipy_special`, `scipy_formula`): scipy.special has no float16 or bfloat16
  loops, so 16-bit inputs are computed in float32 and the result rounded once.
- PyTorch (`torch_function`) and JAX (`jax_function`): natively, in the dtype's own
  kernels on the CPU; derivatives by the library's own automatic differentiation
  (autograd's backward kernels, `jax.grad` through `jax.vmap`), never a formula.

A missing optional library is a clear one-line error; so is a function a library does
not have (`unavailable`).
"""

from __future__ import annotations

import functools
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


def native(formula: Callable[[np.ndarray], np.ndarray]) -> Implementation:
    """A NumPy formula run in the graded dtype itself (float16 by NumPy, bfloat16 by
    ml_dtypes), each operation rounded to it; constants are made in that dtype by the
    formula (`w.dtype.type(1)`) so that NumPy does not promote to float64."""

    def run(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(formula(x)).astype(x.dtype)

    return run


def scipy_special(name: str) -> Implementation:
    """scipy.special.<name>, in the work dtype."""
    special = optional("scipy.special", "scipy")
    function = getattr(special, name)
    return in_work_dtype(function)


def scipy_formula(formula: Callable[[object, np.ndarray], np.ndarray]) -> Implementation:
    """formula(scipy.special, w) in the work dtype (scipy has no 16-bit loops)."""
    special = optional("scipy.special", "scipy")
    return in_work_dtype(functools.partial(formula, special))


def unavailable(library: str, what: str, instead: str) -> Callable[[], Implementation]:
    """A `FloatFormula.make` for a function the library does not provide: one line."""

    def make() -> Implementation:
        raise SymbolicError(f"{library} has no {what}: {instead}")

    return make


_TORCH_DTYPES = {"float64": "float64", "float32": "float32", "float16": "float16"}


def torch_function(path: str, order: int, **keywords: object) -> Implementation:
    """torch.<path>(x, **keywords) (order 0) or its autograd derivative (order 1), in the
    graded dtype (PyTorch has float16 and bfloat16 kernels on the CPU)."""
    torch = optional("torch", "torch")
    function = functools.partial(_attribute(torch, path), **keywords)

    def run(x: np.ndarray) -> np.ndarray:
        dtype = getattr(torch, _TORCH_DTYPES.get(str(x.dtype), "bfloat16"))
        tensor = torch.tensor(x.astype(np.float64), dtype=dtype, requires_grad=order == 1)
        y = function(tensor)
        if order == 1:
            y.sum().backward()  # the backward kernel: d(sum y)/dx_i = f′(x_i)
            y = tensor.grad
        return y.detach().to(torch.float64).numpy().astype(x.dtype)

    return run


def jax_function(
    path: str, order: int, fallback: Callable | None = None, **keywords: object
) -> Implementation:
    """jax.<path>(x, **keywords) (order 0) or jax.grad of it through jax.vmap (order 1),
    in the graded dtype (JAX computes float16 and bfloat16 natively). `fallback(jax)`
    gives the function when an older JAX lacks jax.<path>."""
    jax = optional("jax", "jax")
    jnp = importlib.import_module("jax.numpy")
    try:
        function = functools.partial(_attribute(jax, path), **keywords)
    except AttributeError:
        if fallback is None:
            raise SymbolicError(f"this JAX ({jax.__version__}) has no jax.{path}") from None
        function = fallback(jax)

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
