"""symbolic: the machine-checked reference for the logistic sigmoid σ and σ′ = σ(1 − σ).

`symbolic.numbers.oracle` (certified values and correctly rounded floats) is imported on first
use, so that `import symbolic` stays light for the derivation commands.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from symbolic.errors import ExpressionError, SymbolicError
from symbolic.functions import NAMED_FUNCTIONS
from symbolic.language.parser import X, parse
from symbolic.numbers import enclosure as _enclosure  # noqa: F401  # registers constant_ball

# Every named function of the registry, as symbolic.<name> (symbolic.sigmoid, …).
globals().update(NAMED_FUNCTIONS)
__all__ = ["ExpressionError", "SymbolicError", "X", "oracle", "parse", *NAMED_FUNCTIONS]
__version__ = "0.1.0"

_LAZY_MODULES = {
    "oracle": "symbolic.numbers.oracle",
    "ieee": "symbolic.arith.ieee",
    "fastpath": "symbolic.numbers.fastpath",
}


def __getattr__(name: str) -> ModuleType:
    """`symbolic.oracle` and kin, imported on first use (they pull in NumPy and Arb)."""
    if name in _LAZY_MODULES:
        return importlib.import_module(_LAZY_MODULES[name])
    raise AttributeError(f"module 'symbolic' has no attribute {name!r}")
