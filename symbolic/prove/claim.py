"""One claim, parsed: the typed data every strategy of the prover works on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy

from symbolic.language.definedness import Condition
from symbolic.numbers.intervals import Interval


@dataclass(frozen=True)
class Claim:
    """One claim, parsed: expressions are SymPy objects built by the safe language."""

    id: str
    kind: str
    fields: dict[str, Any]
    raw: dict[str, Any]
    domain: Interval
    expect: str
    text: str
    source: str
    file: str
    line: int
    parameters: tuple[sympy.Symbol, ...] = ()
    conditions: dict[str, tuple[Condition, ...]] = field(default_factory=dict)
    statement: str = ""  # the claim in one line of the language, for reports and JSON
