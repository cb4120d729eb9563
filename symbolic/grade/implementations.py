"""Implementations to grade: built-in names, or any `package.module:function`.

An implementation maps a NumPy array of the graded dtype to an array of results.
Built-in names (numpy, scipy, torch, jax, and textbook formulas such as `naive`) are
the ones the graded function carries in its registry module (`implementations`), for
the derivative order graded; `built_in_names` lists them. Every family member counts,
tanh included (SymPy's own function, whose family entry is not a DefinedFunction). A
missing optional library, or a function a library lacks, is a clear one-line error.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable

import numpy as np

from symbolic.errors import SymbolicError
from symbolic.functions import FAMILY, NAMED_FUNCTIONS, FamilyMember, Implementation

LIBRARIES = ("numpy", "scipy", "torch", "jax")
# Names with a colon are module:function formulas a report measures: resolved as such.
BUILT_IN = tuple(
    sorted(
        {
            name
            for f in [*NAMED_FUNCTIONS.values(), *FAMILY.values()]
            for name, _ in f.implementations
            if ":" not in name
        }
    )
)


def built_in_names(function: type[FamilyMember], order: int) -> list[str]:
    """The built-in implementations of f^(order), in registry order."""
    return [name for name, n in function.implementations if n == order]


def resolve(name: str, named: tuple[type[FamilyMember], int] | None) -> Implementation:
    """The implementation called `name` of f^(n), for named = (f, n)."""
    if name in BUILT_IN:
        return _built_in(name, named)
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


def _built_in(name: str, named: tuple[type[FamilyMember], int] | None) -> Implementation:
    if named is None:
        raise SymbolicError(
            "the built-in implementations compute named functions and their derivatives; "
            "for --of other expressions grade package.module:function"
        )
    function, order = named
    formula = function.implementations.get((name, order))
    if formula is None:
        orders = sorted(n for k, n in function.implementations if k == name)
        what = function.prime_name(order)
        if not orders:
            raise SymbolicError(
                f"{name} does not compute {function.display_name()} or its derivatives"
            )
        wanted = " or ".join(f"'{function.typed(n)}'" for n in orders)
        raise SymbolicError(f"{name} does not compute {what}: use --of {wanted}")
    return formula.make()


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


def library_help() -> str:
    """What `numpy`, `scipy`, `torch` and `jax` compute for each family function (its
    forward formula; "none" where the library has no such function), for `grade --help`,
    from the registry's labels."""
    members = dict.fromkeys(FAMILY.values())
    parts = []
    for library in LIBRARIES:
        entries = []
        for member in members:
            formula = member.implementations.get((library, 0))
            if formula is not None:
                label = "none" if formula.label == "(none)" else formula.label
                entries.append(f"{member.language_name()}: {label}")
        parts.append(f"{library} ({'; '.join(entries)})")
    return ", ".join(parts)
