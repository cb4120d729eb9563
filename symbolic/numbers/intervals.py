"""Real intervals with exact ends: "(0, oo)", "[-1, 2]", "reals".

Ends are constant expressions of the language (exact: `0.1` is one tenth, `log(3)`
is allowed); `oo` and `-oo` are always open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy
from sympy import Expr

from symbolic.errors import SymbolicError
from symbolic.language.parser import Environment, parse_constant
from symbolic.language.printing import to_language
from symbolic.numbers.exact import order

_INTERVAL = re.compile(r"^\s*([\[(])\s*(.+?)\s*,\s*(.+?)\s*([\])])\s*$")


@dataclass(frozen=True)
class Interval:
    low: Expr
    high: Expr
    low_open: bool
    high_open: bool

    @classmethod
    def reals(cls) -> Interval:
        return cls(-sympy.oo, sympy.oo, True, True)

    def __str__(self) -> str:
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        return f"{left}{_text(self.low)}, {_text(self.high)}{right}"

    @property
    def is_reals(self) -> bool:
        return self.low == -sympy.oo and self.high == sympy.oo

    def contains(self, value: Expr) -> bool:
        """Exact membership of a real number: exact order (algebra, or Arb separation);
        False when it cannot be decided (a parameter in an end, say)."""
        above = order(value, self.low)
        below = order(value, self.high)
        if above is None or below is None:
            return False
        low_ok = above > 0 or (above == 0 and not self.low_open)
        high_ok = below < 0 or (below == 0 and not self.high_open)
        return low_ok and high_ok

    def excludes(self, value: Expr) -> bool:
        """Certainly outside (an exact order with an end is decided)."""
        below, above = order(value, self.low), order(value, self.high)
        if below is not None and (below < 0 or (below == 0 and self.low_open)):
            return True
        return above is not None and (above > 0 or (above == 0 and self.high_open))

    def at(self, values: dict) -> Interval:
        """The interval with parameters replaced by values."""
        if not values:
            return self
        return Interval(
            self.low.xreplace(values), self.high.xreplace(values), self.low_open, self.high_open
        )


def _text(value: Expr) -> str:
    if value == sympy.oo:
        return "oo"
    if value == -sympy.oo:
        return "-oo"
    return to_language(value)


def parse_interval(text: str, env: Environment | None = None) -> Interval:
    """Parse "reals" or an interval such as "(0, oo)" or "[-1, 2]"."""
    if not isinstance(text, str):
        raise SymbolicError(f'an interval must be text such as "(0, oo)", got {text!r}')
    if text.strip() in ("reals", "R", "(-oo, oo)"):
        return Interval.reals()
    match = _INTERVAL.match(text)
    if not match:
        raise SymbolicError(f'bad interval {text!r}: write "(a, b)", "[a, b]", or "reals"')
    left, low_text, high_text, right = match.groups()
    low = parse_constant(low_text, env)
    high = parse_constant(high_text, env)
    for end in (low, high):
        if not end.is_extended_real:
            raise SymbolicError(f"bad interval {text!r}: the ends must be real numbers")
    relation = order(low, high)
    if relation is None and not (low.free_symbols or high.free_symbols):
        raise SymbolicError(
            f"bad interval {text!r}: could not decide that the low end is below the high end"
        )
    if (low == sympy.oo) or (high == -sympy.oo) or relation == 1:
        raise SymbolicError(f"bad interval {text!r}: the low end must not exceed the high end")
    low_open = left == "(" or low == -sympy.oo
    high_open = right == ")" or high == sympy.oo
    if (left == "[" and low == -sympy.oo) or (right == "]" and high == sympy.oo):
        raise SymbolicError(f"bad interval {text!r}: an infinite end must be open")
    if relation == 0 and (low_open or high_open):
        raise SymbolicError(f"bad interval {text!r}: it is empty")
    return Interval(low, high, low_open, high_open)
