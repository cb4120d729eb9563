"""Named functions that know only their definitions.

They stay unevaluated SymPy functions so that results print as σ(x), but each carries
its *definition* and nothing more: the derivative SymPy computes for them is the
derivative of the definition, never a stored formula. In particular `sigmoid` does not
know σ′ = σ(1 − σ); the derivation engine has to derive it.
"""

from __future__ import annotations

from typing import ClassVar

import sympy
from sympy import Dummy, Expr, Function


class DefinedFunction(Function):
    """A one-argument function given by an explicit formula in exp and log."""

    nargs = 1
    latex_name: ClassVar[str] = ""

    @classmethod
    def definition(cls, u: Expr) -> Expr:
        """The formula this function stands for, applied to `u`."""
        raise NotImplementedError

    def expanded(self) -> Expr:
        return self.definition(self.args[0])

    def fdiff(self, argindex: int = 1) -> Expr:
        # Differentiate the definition; the result is in terms of exp and log.
        u = Dummy("u")
        return self.definition(u).diff(u).subs(u, self.args[0])

    def _eval_rewrite_as_exp(self, arg: Expr, **kwargs: object) -> Expr:
        return self.definition(arg)

    def _eval_evalf(self, prec: int) -> Expr | None:
        return self.expanded()._eval_evalf(prec)

    def _eval_is_real(self) -> bool | None:
        return self.expanded().is_real

    def _latex(self, printer: sympy.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        call = rf"{self.latex_name}\left({printer._print(self.args[0])}\right)"
        # σ(x)² rather than σ²(x), which could be read as σ(σ(x)).
        return call if exp is None else f"{call}^{{{exp}}}"


def expand_definitions(expr: Expr) -> Expr:
    """Replace every named function by its defining formula."""
    mapping = {
        call: call.expanded()
        for call in expr.atoms(DefinedFunction)
        if isinstance(call, DefinedFunction)
    }
    if not mapping:
        return expr
    # Inner calls may hold further named functions: repeat until none is left.
    return expand_definitions(expr.xreplace(mapping))
