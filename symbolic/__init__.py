"""symbolic: the machine-checked reference for the logistic sigmoid σ and σ′ = σ(1 − σ)."""

from symbolic.errors import ExpressionError, SymbolicError
from symbolic.functions import logit, sigmoid, softplus
from symbolic.language import X, parse

__all__ = ["ExpressionError", "SymbolicError", "X", "logit", "parse", "sigmoid", "softplus"]
__version__ = "0.1.0"
