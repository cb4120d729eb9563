"""Where an expression is defined: the conditions its parts put on x.

A claim holds at x only where both of its sides are defined (the convention of the
claims format: a point of the domain where a side is undefined refutes the claim).
The language records each condition as the user wrote it, before SymPy simplifies
anything (SymPy turns x/x into 1 at once): a divisor is not 0, a logarithm's
argument is > 0, a square root's is ≥ 0, and so on. These are the *certain*
conditions: failing one at a point of the domain is a counterexample.

Derivatives add conditions of their own (d|x|/dx = x/|x|), which say where SymPy's
formula is defined, not where the derivative exists (x³·|x| has a derivative at 0).
Those are *uncertain*: a proof needs them, but failing one refutes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy import Expr

from symbolic.language.printing import to_text


@dataclass(frozen=True)
class Condition:
    """`argument op 0` must hold (op is "!=", ">" or ">=")."""

    argument: Expr
    op: str

    def allows(self, sign: int) -> bool:
        """Whether an argument of this sign (−1, 0, 1) meets the condition."""
        return {"!=": sign != 0, ">": sign > 0, ">=": sign >= 0}[self.op]

    def at(self, substitution: dict[Expr, Expr]) -> Condition:
        return Condition(self.argument.xreplace(substitution), self.op)

    def __str__(self) -> str:
        return f"{to_text(self.argument)} {self.op} 0"


X_SYMBOL = sympy.Symbol("x", real=True)


def _variable(expr: Expr) -> bool:
    return bool(expr.free_symbols)


def of_power(base: Expr, exponent: Expr, certain: bool = True) -> list[Condition]:
    """Conditions for base**exponent to be a real number.

    A claim holds for every allowed value of its parameters, so a condition is
    necessary (`certain`: failing it refutes) when some allowed value needs it:
    x**n with n an integer of unknown sign needs x ≠ 0 (n = −1 is allowed), x**k with
    k > 0 needs x ≥ 0 (0**k = 0), x**r with r of unknown sign needs x > 0. Exponents
    that hold x itself (x**x) give only the sufficient base > 0, when `certain` is False.
    """
    if not _variable(base):
        return []
    if exponent.is_integer:
        return [] if exponent.is_nonnegative else [Condition(base, "!=")]
    if exponent.is_positive or exponent.is_nonnegative:
        return [Condition(base, ">=")]
    if exponent.is_negative or not exponent.has(X_SYMBOL):
        return [Condition(base, ">")]
    return [] if certain else [Condition(base, ">")]


def of_call(function: type, argument: Expr) -> list[Condition]:
    """Conditions for function(argument) to be a real number."""
    if not _variable(argument):
        return []
    if function is sympy.log:
        return [Condition(argument, ">")]
    if function is sympy.acosh:
        return [Condition(argument - 1, ">=")]
    if function is sympy.atanh:
        return [Condition(1 - argument**2, ">")]
    if function is sympy.tan:
        return [Condition(sympy.cos(argument), "!=")]
    return []


def of_tree(expr: Expr) -> list[Condition]:
    """The conditions of every part of an (already built) expression."""
    found: list[Condition] = []
    for node in sympy.preorder_traversal(expr):
        if node.is_Pow:
            found += of_power(*node.as_base_exp(), certain=False)
        elif isinstance(node, sympy.sign):
            found.append(Condition(node.args[0], "!="))
        elif isinstance(node, sympy.Function) and len(node.args) == 1:
            found += of_call(type(node), node.args[0])
    return list(dict.fromkeys(found))
