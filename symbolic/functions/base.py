"""Named functions: what each one is, and everything the later stages ask of it.

A named function stays an unevaluated SymPy function, so that results print under its
own name, and SymPy differentiates it through its *definition* only: the derivative
is never a stored formula, so the derivation engine has to derive identities such as
σ′ = σ(1 − σ) before it may use them (`derivative_identity`).

Everything else about the function is data on its class, read by the stages above
(none of them names a function):

- printing: `latex_name` (LaTeX, and MathML converted from it), `text_name` (text);
- numbers: `ball` (a tight Arb enclosure), `derivative_ball` (any order by a closed
  form), `kernels` (vectorized float kernels with proved error bounds, per order),
  `stable_forms` (cancellation-free formulas for the vectorized ball references),
  `vector_tails` (proved bounds far out, where those balls do not decide, per order),
  `sides` (the proved side of f^(n)(x) beside a power of two, for ULP errors, per order),
  `limits` (exact limits at ±∞, per order);
- closed forms for reports: `derivative_in_terms`, `derivative_zeros`, `taylor`;
- grading: `implementations` (NumPy, SciPy, PyTorch, JAX and float formulas);
- the catalogue of claims (`catalogue`, a file beside the module) and the `report`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import ClassVar

import flint
import numpy as np
import sympy
from sympy import Dummy, Expr, Function

from symbolic.arith.arb import precision
from symbolic.arith.decimals import decide_decimal
from symbolic.arith.ieee import Format
from symbolic.errors import SymbolicError

Implementation = Callable[[np.ndarray], np.ndarray]
# (x, h) -> the side of f^(n)(x) relative to h (`FamilyMember.sides`)
Side = Callable[[np.ndarray, np.ndarray], np.ndarray]
MAX_CLOSED_FORM_ORDER = 5_000  # derivative orders a closed form is evaluated for


@dataclass(frozen=True)
class FloatKernel:
    """f^(order) at float64 inputs, vectorized, for functions whose values are positive.

    `double_word(x)` returns hi + lo within DOUBLE_WORD_ERROR_BOUND (relative) of the true
    value for |x| ≤ reach; `plain(x)` a float64 within FLOAT64_ERROR_BOUND (both bounds in
    `symbolic.arith.doubleword`, each kernel's proof beside its code). Beyond reach,
    `settled(x, fmt)` gives values and a mask of the points whose rounding to `fmt` they
    settle; the rest go to the rigorous Arb path.
    """

    double_word: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
    plain: Callable[[np.ndarray], np.ndarray]
    settled: Callable[[np.ndarray, Format], tuple[np.ndarray, np.ndarray]]
    reach: float


@dataclass(frozen=True)
class VectorTail:
    """What a proved bound says of f^(n) at float64 points far out (`vector_tails`).

    `ball` is a double-word ball (`symbolic.arith.vball_dw.Ball`) of f^(n)(x)·2^scale
    (0 ≤ scale ≤ 1000), radius +inf at the points the bound does not cover; `sign` is the
    proved sign of f^(n)(x) (−1.0 or +1.0) at points where the ball holds 0 (a value below
    half the least subnormal), NaN where it is not known.
    """

    ball: object
    scale: int
    sign: np.ndarray


def side_of(h: np.ndarray, *cases: tuple[np.ndarray, object]) -> np.ndarray:
    """A side (`FamilyMember.sides`) from proved cases (mask, side): each side where its
    mask holds, NaN (not known) where none does. Sound cases never disagree."""
    side = np.full(np.shape(h), np.nan)
    for mask, value in cases:
        side = np.where(mask & np.isnan(side), value, side)
    return side


def between_side(h: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The side for low < f^(n)(x) < high (or f^(n)(x) = low = high = 0: h ≠ 0 is a power
    of two): above any h ≤ low, below any h ≥ high."""
    return side_of(h, (h <= low, 1.0), (h >= high, -1.0))


def half_side(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """The side for f^(n) with f^(n)(0) = 1/2 and f^(n)(x) − 1/2 of the sign of x: above
    h ≤ 1/2 for x > 0, below h ≥ 1/2 for x < 0, and 1/2 itself at 0."""
    return side_of(
        h, (x == 0, np.sign(0.5 - h)), ((x > 0) & (h <= 0.5), 1.0), ((x < 0) & (h >= 0.5), -1.0)
    )


TAIL_SCALE = 400  # a vanishing tail's ball is of f·2^400: 2^(400 − 1095) is a normal float


def vanishing_tail(ops: ModuleType, where: np.ndarray, sign: float) -> VectorTail:
    """f^(n)(x) proved to lie in (−2^-1095, 0) (sign −1) or (0, 2^-1095) (sign +1) at the
    points `where`: the ball 0 ± 2^(TAIL_SCALE − 1095) of f·2^TAIL_SCALE, below half the
    least subnormal (scaled, 2^(TAIL_SCALE − 1075)) and narrow enough to decide a zero,
    whose sign is then `sign`."""
    shape = where.shape
    ball = ops.select(
        where,
        ops.constant(shape, 0.0, 0.0, 2.0 ** (TAIL_SCALE - 1095)),
        ops.constant(shape, 0.0, 0.0, np.inf),
    )
    return VectorTail(ball, TAIL_SCALE, np.where(where, sign, np.nan))


def identity_tail(ops: ModuleType, x: np.ndarray, where: np.ndarray) -> VectorTail:
    """f(x) proved to lie in (x − 2^-1075, x) at the points `where` (all x ≥ 1): the ball
    (x − 2^-1074) ± x·2^-1000 (x·2^-1000 ≥ 2^-1000 is exact), which decides x. Its low
    word −2^-1074 is the true value's side of x, for ULP errors where x is a power of two
    (the binade below); hi + lo is within 2^-1074 ≤ 2^-1074·x of f(x)."""
    ball = ops.Ball(
        x,
        np.full(x.shape, -(2.0**-1074)),
        np.where(where, np.abs(x) * 2.0**-1000, np.inf),
    )
    return VectorTail(ball, 0, np.full(x.shape, np.nan))


def one_tail(ops: ModuleType, where: np.ndarray) -> VectorTail:
    """f^(n)(x) proved to lie in (1, 1 + 2^-1075) at the points `where`: the ball 1 ± 2^-1000,
    which decides 1 (in the binade of 1, as the true value is)."""
    shape = where.shape
    ball = ops.select(
        where, ops.constant(shape, 1.0, 0.0, 2.0**-1000), ops.constant(shape, 0.0, 0.0, np.inf)
    )
    return VectorTail(ball, 0, np.full(shape, np.nan))


@dataclass(frozen=True)
class FloatFormula:
    """One way of computing f^(order) in floats: a library's, or a textbook formula."""

    order: int
    label: str  # what it computes and how, for reports ("σ′ as s·(1 − s)")
    make: Callable[[], Implementation]  # imports optional libraries only when called


@dataclass(frozen=True)
class Plot:
    """A figure of the report: f^(order) for each (label, order) over a grid."""

    name: str
    title: str
    caption: str
    curves: tuple[tuple[str, int], ...]
    grid: tuple[float, float, int] = (-8.0, 8.0, 161)


@dataclass(frozen=True)
class LossPlot:
    """Relative error of f^(order) computed by `formula` from the correctly rounded f."""

    name: str
    title: str
    caption: str
    order: int
    label: str  # with {format} for the float format's name
    formula: Callable[[np.ndarray], np.ndarray]
    grid: tuple[float, float, int] = (-40.0, 40.0, 321)


@dataclass(frozen=True)
class ReportText:
    """What a function's report says beyond what the stages compute."""

    title: str
    # For each claim of the source found false, the catalogue claims that say what is true.
    corrections: Mapping[str, tuple[str, ...]]
    plots: tuple[Plot, ...]
    loss_plot: LossPlot | None
    float_formulas: tuple[tuple[str, int], ...]  # (implementation, order) tabulated
    higher_orders: tuple[int, ...]
    # (order n, value v, order m): the least x where f^(n) rounds to v; f^(m) is shown there.
    saturation: tuple[int, int, int] | None
    taylor_order: int = 11
    # The templates: "report" (σ's article, audited) or "function" (a family member's).
    template: str = "report"
    # Plain text (σ, −, ′, ·, ≈ are fine in every format): what the function is for and
    # how it relates to the others, and what the table of float formulas shows.
    about: str = ""
    float_note: str = ""


@dataclass(frozen=True)
class Zero:
    """A zero of a derivative: exact where a closed form exists, always certified."""

    exact: Expr | None
    ball: flint.arb

    def decimal(self, digits: int = 30) -> str:
        """The zero correctly rounded to `digits` digits, certified by its ball."""
        if self.exact is not None and self.exact.is_zero:
            return "0"
        with precision(max(flint.ctx.prec, 4 * digits + 64)):
            answer = decide_decimal(digits)(self.ball)
        if answer is None:
            raise SymbolicError(f"the zero is not known to {digits} digits; ask for fewer")
        return str(answer)


@dataclass(frozen=True)
class RewriteStep:
    """before = after, by a rewrite a function module knows (a definition, a lemma).
    The derivation engine turns these into checked steps."""

    heading: str
    detail: str
    before: Expr
    after: Expr
    lemma: bool = False
    argument: Expr | None = None  # the u a lemma is about, shown as "heading, u = …"


class FamilyMember:
    """What `verify --catalogue` and `report --function` ask of a function of the family:
    its names, its catalogue and report text, its float formulas and closed forms.

    Every `DefinedFunction` is one. A function the language takes from SymPy (tanh) gets
    a subclass of this alone, in its own module, so that the parser keeps SymPy's own
    function while the family still finds everything about it in one place.
    """

    latex_name: ClassVar[str] = ""
    text_name: ClassVar[str] = ""  # "" prints the language name, as SymPy does
    limits: ClassVar[Mapping[int, tuple[Expr, Expr]]] = {}  # order -> (at −∞, at +∞)
    implementations: ClassVar[Mapping[tuple[str, int], FloatFormula]] = {}
    catalogue: ClassVar[Path | None] = None
    report: ClassVar[ReportText | None] = None
    # f^(n)(u) by formulas free of cancellation (σ(−u), not 1 − σ(u)), per order n, in
    # exp, log1p, tanh, erfc, |·|, max and named functions: the vectorized references
    # (`symbolic.numbers.vectorized`) evaluate them in ball arithmetic.
    stable_forms: ClassVar[Mapping[int, Callable[[Expr], Expr]]] = {}
    # The proved side of f^(n)(x) relative to a power of two h, per order n: (x, h) ->
    # −1.0 (f^(n)(x) < h), 0.0 (= h), +1.0 (> h) or NaN (not known), vectorized, for the
    # ULP errors of results beside h where a reference's true value lost its distance
    # to h (`symbolic.numbers.sides`). Each proof, with its catalogue claim, is beside it.
    sides: ClassVar[Mapping[int, Side]] = {}

    @classmethod
    def language_name(cls) -> str:
        return cls.__name__

    @classmethod
    def display_name(cls) -> str:
        return cls.text_name or cls.language_name()

    @classmethod
    def typed(cls, order: int = 0) -> str:
        """f^(order)(x) as a user types it: f(x), diff(f(x), x), diff(f(x), x, n)."""
        call = f"{cls.language_name()}(x)"
        if order == 0:
            return call
        return f"diff({call}, x)" if order == 1 else f"diff({call}, x, {order})"

    @classmethod
    def prime_name(cls, order: int) -> str:
        """f′, f″, f‴, f^(n) in text; a name of two words in brackets: (log σ)′."""
        marks = {0: "", 1: "′", 2: "″", 3: "‴"}
        suffix = marks.get(order, f"^({order})")
        name = cls.display_name()
        return f"({name}){suffix}" if suffix and " " in name else f"{name}{suffix}"

    @classmethod
    def has_catalogue(cls) -> bool:
        """Whether its catalogue file exists (a function may have none yet)."""
        return cls.catalogue is not None and cls.catalogue.is_file()

    @classmethod
    def applied(cls, u: Expr) -> Expr:
        """f(u) as the language builds it."""
        return cls(u)  # type: ignore[call-arg]  # a SymPy Function class in subclasses

    @classmethod
    def definition(cls, u: Expr) -> Expr:
        """The formula this function stands for, applied to `u`."""
        raise NotImplementedError

    @classmethod
    def derivative_in_terms(cls, n: int, u: Expr) -> Expr | None:
        """f^(n)(u) written in f(u) (a polynomial in σ for σ), for reports."""
        return None

    @classmethod
    def derivative_zeros(cls, n: int) -> list[Zero]:
        """The real zeros of f^(n), ascending, certified."""
        return []

    @classmethod
    def taylor(cls, order: int) -> list[Fraction]:
        """The Taylor coefficients a_0 … a_order at 0."""
        return []


# The rigorous ball of a real constant (`symbolic.numbers.enclosure.constant_ball`, a layer
# above this one, which registers it when imported; `import symbolic` imports it first, so
# it is registered before any expression is built). Imports run one way: numbers → functions.
_CONSTANT_BALL: Callable[[Expr, int], flint.arb] | None = None


def register_constant_ball(function: Callable[[Expr, int], flint.arb]) -> None:
    """Called by `symbolic.numbers.enclosure` when it is imported."""
    global _CONSTANT_BALL
    _CONSTANT_BALL = function


class DefinedFunction(Function, FamilyMember):
    """A one-argument function given by an explicit formula in exp and log."""

    nargs = 1
    kernels: ClassVar[Mapping[int, FloatKernel]] = {}
    identity_id: ClassVar[str] = ""  # the catalogue's claim id of `derivative_identity`
    identity_text: ClassVar[str] = ""  # the identity as a derivation step shows it
    # Derivatives of this function are written in terms of that one (softplus′ = σ).
    written_in: ClassVar[type[DefinedFunction] | None] = None
    # f(u) as a vectorized ball from a ball of u: (ops, ball) -> ball, ops the module of
    # the ball arithmetic (`symbolic.arith.vball` or `vball_dw`), for functions the balls
    # evaluate directly rather than by their stable form of order 0 (σ).
    vector_ball: ClassVar[Callable[[object, object], object] | None] = None
    # Proved bounds far out in float64, per order n: (ops, x) -> pieces (`VectorTail`),
    # for the points where the balls of f^(n)(x) do not decide (values below 2^-960 or
    # subnormal, x³ beyond float64); `symbolic.numbers.vectorized` decides them. Each
    # proof is beside its code.
    vector_tails: ClassVar[
        Mapping[int, Callable[[ModuleType, np.ndarray], tuple[VectorTail, ...]]]
    ] = {}
    # The highest order `derivative_ball` gives (higher orders go through formulas).
    derivative_ball_orders: ClassVar[int] = MAX_CLOSED_FORM_ORDER

    @classmethod
    def derivative_identity(cls, u: Expr) -> Expr | None:
        """f′(u) in terms of f(u) (σ′ = σ(1 − σ)), once derived from the definition."""
        return None

    @classmethod
    def rewrite_steps(cls, result: Expr, arguments: list[Expr]) -> list[RewriteStep]:
        """Steps that write `result` (in exp, as the rules leave it) in terms of f(u) for
        the given arguments u; [] where that does not fit."""
        return []

    @classmethod
    def ball(cls, u: flint.arb) -> flint.arb | None:
        """A tight enclosure of f(u), or None to evaluate the definition."""
        return None

    @classmethod
    def derivative_ball(cls, n: int, u: flint.arb) -> flint.arb | None:
        """f^(n)(u) by a closed form for n ≤ `derivative_ball_orders`, or None where there
        is none."""
        return None

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

    # SymPy decides the sign of a number from a 2-digit evalf (Expr's default), which
    # reads softplus(−30) ≈ 9.4·10⁻¹⁴ as exactly 0: then it calls it zero, and
    # x·|softplus(−30)| became 0 and 1/softplus(−40) a division by zero. The sign of a
    # named function at a number is decided here on a rigorous Arb ball instead, and left
    # undecided (None) when the ball meets 0; it is zero only when its definition at that
    # number is literally 0 (gelu(0)).
    def _eval_is_extended_positive(self) -> bool | None:
        return self._ball_sign(1)

    def _eval_is_extended_negative(self) -> bool | None:
        return self._ball_sign(-1)

    def _eval_is_zero(self) -> bool | None:
        if self.is_number and self.expanded() == 0:
            return True
        return self._ball_sign(0)

    def _ball_sign(self, sign: int) -> bool | None:
        """Whether the number has this sign (0: is zero), by its Arb ball; None: unknown."""
        if not self.is_number or self.expanded() == 0:
            return None
        if _CONSTANT_BALL is None:
            return None
        try:
            ball = _CONSTANT_BALL(self, 128)
        except (SymbolicError, ArithmeticError, ValueError, TypeError, RecursionError):
            return None
        if ball > 0 or ball < 0:
            return bool(ball > 0) == (sign > 0) if sign else False
        return None

    def _latex(self, printer: sympy.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        call = rf"{self.latex_name}\left({printer._print(self.args[0])}\right)"
        # σ(x)² rather than σ²(x), which could be read as σ(σ(x)).
        return call if exp is None else f"{call}^{{{exp}}}"


def unevaluated_sum(terms: list[Expr]) -> Expr:
    """The terms added in this order, for printing."""
    return terms[0] if len(terms) == 1 else sympy.Add(*terms, evaluate=False)


def collect_powers(expr: Expr, function: type[DefinedFunction]) -> Expr | None:
    """The expression as a polynomial in f(u) with terms by ascending power, if it is one."""
    calls = sorted(expr.atoms(function), key=sympy.default_sort_key)
    if len(calls) != 1:
        return None
    s = sympy.Dummy("s")
    polynomial_form = sympy.expand(expr.xreplace({calls[0]: s}))
    if not polynomial_form.is_polynomial(s):
        return None
    poly = sympy.Poly(polynomial_form, s)
    terms = [
        sympy.factor(coefficient) * calls[0] ** power
        for (power,), coefficient in reversed(poly.terms())
        if coefficient != 0
    ]
    return unevaluated_sum(terms) if terms else sympy.S.Zero


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
