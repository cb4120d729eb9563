"""Three ways to print an expression: the language itself, terminal text, LaTeX.

`to_language` prints text that `symbolic.language.parser.parse` reads back, so any
result can be fed to another command. `to_text` is for people at a terminal
(σ, ^, d/dx[…]). `to_latex` is SymPy's LaTeX with σ and d/dx notation. MathML (for
HTML) is not printed from expressions: `latex_to_mathml` converts the LaTeX.
"""

from __future__ import annotations

import latex2mathml.converter
import sympy
from sympy import Expr
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from symbolic.functions import NAMED_FUNCTIONS, DefinedFunction


class LanguagePrinter(StrPrinter):
    """Prints in the syntax of the expression language."""

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        (variable, order), *_ = expr.variable_count
        inner = self._print(expr.expr)
        return f"diff({inner}, {variable})" if order == 1 else f"diff({inner}, {variable}, {order})"

    def _print_Abs(self, expr: sympy.Abs) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_sign(self, expr: sympy.sign) -> str:
        # sign(u) = u/|u| for u ≠ 0, the only points where it appears (d|u|/dx).
        arg = self._print(expr.args[0])
        return f"(({arg})/abs({arg}))"


class TextPrinter(LanguagePrinter):
    """Readable one-line text for the terminal."""

    def _print_Function(self, expr: Expr) -> str:
        # SymPy skips the printers of intermediate Function classes: dispatch here.
        if isinstance(expr, DefinedFunction):
            return f"{expr.display_name()}({self._print(expr.args[0])})"
        return super()._print_Function(expr)

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        (variable, order), *_ = expr.variable_count
        power = "" if order == 1 else f"^{order}"
        return f"d{power}/d{variable}{power}[{self._print(expr.expr)}]"

    def _print_sign(self, expr: sympy.sign) -> str:
        return f"sign({self._print(expr.args[0])})"


class TexPrinter(LatexPrinter):
    """SymPy's LaTeX, with derivatives written as d/dx."""

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        (variable, order), *_ = expr.variable_count
        var = self._print(variable)
        operator = (
            rf"\frac{{d}}{{d{var}}}"
            if order == 1
            else rf"\frac{{d^{{{order}}}}}{{d{var}^{{{order}}}}}"
        )
        return rf"{operator}\left[{self._print(expr.expr)}\right]"

    def _print_Mul(self, expr: sympy.Mul) -> str:
        # Products of kept-apart fractions (the split step) read better with a dot.
        if any(_is_kept_apart(factor) for factor in expr.args):
            return r" \cdot ".join(
                self._print(f) if _is_kept_apart(f) else self.parenthesize(f, PRECEDENCE["Mul"])
                for f in expr.args
            )
        return super()._print_Mul(expr)

    def _print_sign(self, expr: sympy.sign) -> str:
        return rf"\operatorname{{sign}}\left({self._print(expr.args[0])}\right)"


def _is_kept_apart(expr: Expr) -> bool:
    base = expr.base if expr.is_Pow else expr
    return isinstance(base, sympy.UnevaluatedExpr)


def to_language(expr: Expr) -> str:
    return LanguagePrinter({"order": "none"}).doprint(expr)


def to_text(expr: Expr) -> str:
    return TextPrinter({"order": "none"}).doprint(expr).replace("**", "^")


def to_latex(expr: Expr) -> str:
    return TexPrinter({"order": "none"}).doprint(expr)


_TEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_TEX_UNICODE = {
    **{f.text_name: f"${f.latex_name}$" for f in NAMED_FUNCTIONS.values() if f.text_name},
    "−": "-",
    "′": "'",
    "·": r"$\cdot$",
    "²": r"$^2$",
    "ⁿ": r"$^n$",
    "⁻": r"$^-$",
    "¹": r"$^1$",
    "ᵘ": r"$^u$",
    "ᵛ": r"$^v$",
    "√": r"$\surd$",
    "≠": r"$\neq$",
    "→": r"$\to$",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "∞": r"$\infty$",
    "≈": r"$\approx$",
    "–": "--",
    "—": "---",
    "″": "$''$",
    "‴": "$'''$",
    "±": "$\\pm$",
    "∈": "$\\in$",
    "ℝ": "$\\mathbb{R}$",
    "…": "\\ldots{}",
    "’": "'",
    "‘": "`",
    "“": "``",
    "”": "''",
    "×": "$\\times$",
    "κ": "$\\kappa$",
    "ε": "$\\varepsilon$",
    "δ": "$\\delta$",
    "ξ": "$\\xi$",
    "ρ": "$\\rho$",
    "π": "$\\pi$",
    "Σ": "$\\Sigma$",
    "⁴": "$^4$",
    "³": "$^3$",
    "✓": "$\\checkmark$",
    "✗": "$\\times$",
}


def tex_escape(text: str) -> str:
    """Plain text (which may hold σ, −, ′) made safe for LaTeX text mode under pdflatex."""
    out = []
    for char in text:
        if char in _TEX_SPECIALS:
            out.append(_TEX_SPECIALS[char])
        elif char in _TEX_UNICODE:
            out.append(_TEX_UNICODE[char])
        elif char.isascii():
            out.append(char)
        else:
            out.append("?")
    return "".join(out)


def markdown_escape(text: str) -> str:
    """Plain text that Markdown (and GitHub tables) must not read as markup."""
    for char in "\\`*_[]<>|$":
        text = text.replace(char, "\\" + char)
    return text


def xml_escape(text: str) -> str:
    """Text inside SVG or HTML elements (the report templates autoescape on their own)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def latex_to_mathml(latex: str, display: bool = False) -> str:
    """A <math> element converted from LaTeX by latex2mathml: the HTML shows the very
    LaTeX that the Markdown, the TeX and the PDF show, so every format has one source."""
    return latex2mathml.converter.convert(latex, display="block" if display else "inline")
