"""The registry of named functions: one module per function.

A named function is a `DefinedFunction` (see `base.py`): it prints under its own name
(σ for sigmoid) and knows only its definition. `NAMED_FUNCTIONS` is what the language
accepts by name; σ's catalogue of claims is `sigmoid.claims.toml` beside its module.
"""

from __future__ import annotations

from symbolic.functions.base import DefinedFunction, expand_definitions
from symbolic.functions.logit import logit
from symbolic.functions.sigmoid import sigmoid
from symbolic.functions.softplus import softplus

NAMED_FUNCTIONS: dict[str, type[DefinedFunction]] = {
    "sigmoid": sigmoid,
    "logit": logit,
    "softplus": softplus,
}

__all__ = [
    "NAMED_FUNCTIONS",
    "DefinedFunction",
    "expand_definitions",
    "logit",
    "sigmoid",
    "softplus",
]
