"""Inputs and results of `oracle.rounded` and `oracle.ulp_error` in the caller's types.

Python scalars (float, int, str, Fraction, Decimal, mpmath, SymPy numbers), lists, NumPy
scalars and arrays (0-d included), PyTorch tensors and JAX arrays become NumPy arrays;
results go back in the input's type. Tensors and JAX arrays are converted through their
exact values (bfloat16 → float32 → NumPy is exact); torch and jax are imported only when
the input is one of their types (`type(x).__module__` is checked first).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from symbolic.arith import ieee
from symbolic.errors import SymbolicError

FLOAT_NAMES = ", ".join(ieee.FORMATS)  # "float64, float32, float16, bfloat16"


@dataclass(frozen=True)
class Values:
    """Inputs as a NumPy array, and how to give results back.

    `array` has the dtype of a format (float64, float32, float16, bfloat16) or is an
    object array of exact values (str, int, Fraction, Decimal, …). `kind` is "scalar"
    (a Python or NumPy scalar), "numpy" (an ndarray, 0-d included), "sequence" (a list
    or tuple), "torch" or "jax".
    """

    array: np.ndarray
    kind: str


def _module_root(value: object) -> str:
    return type(value).__module__.partition(".")[0]


def is_float_dtype(dtype: np.dtype) -> bool:
    return any(fmt.dtype == dtype for fmt in ieee.FORMATS.values())


def _unsupported_dtype(what: str, dtype: object) -> SymbolicError:
    return SymbolicError(
        f"{what} has dtype {dtype}, which is not supported: use a float dtype ({FLOAT_NAMES})"
    )


def _from_numpy(array: np.ndarray, what: str) -> np.ndarray:
    """A float array as it is; exact values (ints, strings, objects) as an object array."""
    if is_float_dtype(array.dtype):
        return array
    if array.dtype.kind in "iu":
        return array.astype(object)  # exact Python ints
    if array.dtype.kind in "OUS":
        return array.astype(object)
    if array.dtype.kind == "c":
        raise SymbolicError(f"{what} is complex ({array.dtype}): only real inputs are supported")
    raise _unsupported_dtype(what, array.dtype)


def _from_torch(tensor: object, what: str) -> np.ndarray:
    import torch

    if not isinstance(tensor, torch.Tensor):
        raise SymbolicError(f"unsupported type for {what}: {type(tensor).__name__}")
    if tensor.is_complex():
        raise SymbolicError(f"{what} is a complex tensor ({tensor.dtype}): only real inputs")
    names = {torch.float64: "float64", torch.float32: "float32", torch.float16: "float16"}
    names[torch.bfloat16] = "bfloat16"
    if tensor.dtype not in names:
        raise _unsupported_dtype(f"{what} (a tensor)", tensor.dtype)
    if tensor.device.type != "cpu":
        raise SymbolicError(
            f"{what} is a tensor on {tensor.device}: move it to the CPU first (.cpu())"
        )
    if tensor.layout != torch.strided:
        raise SymbolicError(f"{what} is a {tensor.layout} tensor: make it dense (.to_dense())")
    tensor = tensor.detach()
    if tensor.dtype == torch.bfloat16:  # NumPy has no bfloat16: through float32, exactly
        return tensor.to(torch.float32).numpy().astype(ieee.FORMATS["bfloat16"].dtype)
    return np.array(tensor.numpy(), copy=True)


def _from_jax(array: object, what: str) -> np.ndarray:
    import jax

    if isinstance(array, jax.core.Tracer):
        raise SymbolicError(
            f"{what} is a traced JAX value (inside jit, grad or vmap): call this outside them"
        )
    if not isinstance(array, jax.Array):
        raise SymbolicError(f"unsupported type for {what}: {type(array).__name__}")
    platforms = {device.platform for device in array.devices()}
    if platforms != {"cpu"}:
        raise SymbolicError(
            f"{what} is a JAX array on {', '.join(sorted(platforms))}: "
            "move it to the CPU first (jax.device_put(x, jax.devices('cpu')[0]))"
        )
    converted = np.asarray(array)  # JAX's bfloat16 is ml_dtypes' one: exact
    if converted.dtype.kind == "c":
        raise SymbolicError(f"{what} is complex ({converted.dtype}): only real inputs")
    if not is_float_dtype(converted.dtype):
        raise _unsupported_dtype(f"{what} (a JAX array)", converted.dtype)
    return np.array(converted, copy=True)


def as_values(value: object, what: str) -> Values:
    """Any supported input of `rounded` / `ulp_error` as a NumPy array."""
    root = _module_root(value)
    if root == "torch":
        return Values(_from_torch(value, what), "torch")
    if root in {"jax", "jaxlib"}:
        return Values(_from_jax(value, what), "jax")
    if isinstance(value, np.ndarray):
        return Values(_from_numpy(value, what), "numpy")
    if isinstance(value, np.generic):
        return Values(_from_numpy(np.asarray(value), what), "scalar")
    if isinstance(value, bool):
        raise SymbolicError(f"{what} must be a number, not {value!r}")
    if isinstance(value, float):
        return Values(np.asarray(value, dtype=np.float64), "scalar")
    if isinstance(value, complex):
        raise SymbolicError(f"{what} is complex ({value!r}): only real inputs are supported")
    if hasattr(value, "__array__") and not isinstance(value, str):  # pandas, xarray, …
        return Values(_from_numpy(np.asarray(value), what), "numpy")
    if isinstance(value, list | tuple | range | Iterator):
        items = list(value)
        if any(_module_root(item) in {"torch", "jax", "jaxlib"} for item in items):
            raise SymbolicError(
                f"{what} is a list of tensors: pass one tensor (torch.stack, jnp.stack)"
            )
        array = np.asarray(items, dtype=object)
        if array.dtype == object and array.shape == (len(items),) and items:
            array = np.empty(len(items), dtype=object)
            array[:] = items  # a list of lists stays 2-d above; this keeps a flat one flat
        return Values(array, "sequence")
    if isinstance(value, dict | set | frozenset):  # no order
        raise SymbolicError(f"unsupported type for {what}: {type(value).__name__}")
    array = np.empty((), dtype=object)
    array[()] = value  # one value (str, int, Fraction, Decimal, …): to_point judges it
    return Values(array, "scalar")


def torch_dtype_name(dtype: object) -> str | None:
    text = str(dtype)
    return text.removeprefix("torch.") if text.startswith("torch.") else None


def check_output(values: Values, fmt: ieee.Format) -> None:
    """Results of `fmt` can be given back in the input's type (JAX needs x64 for float64)."""
    if values.kind == "jax" and fmt.name == "float64":
        import jax

        if not jax.config.read("jax_enable_x64"):
            raise SymbolicError(
                "float64 results cannot be JAX arrays while jax_enable_x64 is off: "
                "turn it on (jax.config.update('jax_enable_x64', True)) or ask for dtype='float32'"
            )


def give_back(result: np.ndarray, values: Values) -> object:
    """A result array in the type of the input: scalar, ndarray, tensor or JAX array."""
    if values.kind == "scalar":
        return result[()]
    if values.kind == "torch":
        import torch

        if result.dtype == ieee.FORMATS["bfloat16"].dtype:
            return torch.from_numpy(result.astype(np.float32)).to(torch.bfloat16)
        return torch.from_numpy(result.copy(order="C"))  # (ascontiguousarray makes 0-d 1-d)
    if values.kind == "jax":
        import jax.numpy as jnp

        return jnp.asarray(result)
    return result
