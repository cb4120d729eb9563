"""σ(u) = 1/(1 + e^(−u)), the logistic sigmoid, and everything known about it.

- Closed forms. σ^(n) = Σ_{k=0}^{n} (−1)^k · k! · S(n+1, k+1) · σ^(k+1) for n ≥ 1 (S:
  Stirling numbers of the second kind) follows from σ′ = σ(1 − σ) by induction
  (d/dx σ^(k+1) = (k+1)σ^(k+1)(1 − σ) and the Stirling recurrence); the derivation
  engine derives the first few orders step by step and the tests compare both. The
  Taylor coefficients come from σ(x) = 1/2 + tanh(x/2)/2 and the Bernoulli numbers.
- Float kernels of σ and σ′ with proved error bounds (below), the library
  implementations and textbook formulas that grading compares, the catalogue of claims
  (`sigmoid.claims.toml`) and the text of the σ article's report.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from functools import cache
from pathlib import Path
from types import ModuleType

import flint
import numpy as np
import sympy
from sympy import Expr, S

from symbolic.arith import doubleword as dw
from symbolic.arith import dwkernels as dwk
from symbolic.arith import kernels64 as k64
from symbolic.arith.ieee import Format
from symbolic.arith.vball import Ball
from symbolic.errors import SymbolicError
from symbolic.functions.base import (
    MAX_CLOSED_FORM_ORDER,
    DefinedFunction,
    FloatFormula,
    FloatKernel,
    LossPlot,
    Plot,
    ReportText,
    RewriteStep,
    Zero,
    collect_powers,
    half_side,
    side_of,
    unevaluated_sum,
)
from symbolic.functions.libraries import (
    in_work_dtype,
    jax_function,
    native,
    scipy_special,
    torch_function,
)

MAX_TAYLOR_ORDER = 5_000


class sigmoid(DefinedFunction):  # noqa: N801 - SymPy function classes are lower case
    """σ(u) = 1/(1 + e^(−u)), the logistic sigmoid."""

    latex_name = r"\sigma"
    text_name = "σ"
    catalogue = Path(__file__).with_name("sigmoid.claims.toml")
    identity_id = "deriv_sigmoid"
    identity_text = "σ′(u) = σ(u)·(1 − σ(u))"

    @classmethod
    def definition(cls, u: Expr) -> Expr:
        return 1 / (1 + sympy.exp(-u))

    @classmethod
    def eval(cls, arg: Expr) -> Expr | None:
        if arg.is_zero:
            return S.Half
        if arg is S.Infinity:
            return S.One
        if arg is S.NegativeInfinity:
            return S.Zero
        return None

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_extended_real else None

    @classmethod
    def derivative_identity(cls, u: Expr) -> Expr:
        s = cls(u)
        return s * (1 - s)

    @classmethod
    def rewrite_steps(cls, result: Expr, arguments: list[Expr]) -> list[RewriteStep]:
        return rewrite_in_sigmoid(result, arguments)

    @classmethod
    def ball(cls, u: flint.arb) -> flint.arb:
        """σ(u) without cancellation or overflow: e^u/(1 + e^u) for u < 0."""
        if u < 0:
            e = u.exp()
            return e / (1 + e)
        return 1 / (1 + (-u).exp())

    @classmethod
    def derivative_ball(cls, n: int, u: flint.arb) -> flint.arb:
        """σ^(n)(u) = P_n(σ(u)); for u > 0, σ^(n)(u) = (−1)^(n+1) σ^(n)(−u), where σ is small."""
        coefficients = derivative_coefficients(n)
        if n >= 1 and u > 0:
            sign = -1 if n % 2 == 0 else 1
            return sign * _horner(coefficients, cls.ball(-u))
        return _horner(coefficients, cls.ball(u))

    @classmethod
    def derivative_in_terms(cls, n: int, u: Expr) -> Expr:
        return derivative_polynomial(n, u)

    @classmethod
    def derivative_zeros(cls, n: int) -> list[Zero]:
        return derivative_zeros(n)

    @classmethod
    def taylor(cls, order: int) -> list[Fraction]:
        return taylor_coefficients(order)


def _horner(coefficients: tuple[int, ...], s: flint.arb) -> flint.arb:
    total = flint.arb(0)
    for c in reversed(coefficients):
        total = total * s + flint.arb(flint.fmpz(c))
    return total


# ---------------------------------------------------------------- closed forms


def _check_order(n: int, limit: int, what: str) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= limit:
        raise SymbolicError(f"{what} must be a whole number from 0 to {limit}, got {n!r}")


@cache
def stirling2_row(m: int) -> tuple[int, ...]:
    """S(m, 0), …, S(m, m): Stirling numbers of the second kind, by their recurrence."""
    row = [1]  # S(0, 0)
    for i in range(1, m + 1):
        row = [0, *(j * row[j] + row[j - 1] if j < i else row[j - 1] for j in range(1, i + 1))]
    return tuple(row)


@cache
def derivative_coefficients(n: int) -> tuple[int, ...]:
    """c_0 … c_{n+1} with σ^(n) = Σ c_j σ^j (n = 0 gives σ itself: (0, 1))."""
    _check_order(n, MAX_CLOSED_FORM_ORDER, "the derivative order")
    if n == 0:
        return (0, 1)
    row = stirling2_row(n + 1)
    coefficients = [0] * (n + 2)
    factorial = 1
    for k in range(n + 1):
        if k:
            factorial *= k
        coefficients[k + 1] = (-1) ** k * factorial * row[k + 1]
    return tuple(coefficients)


def derivative_polynomial(n: int, argument: Expr | None = None) -> Expr:
    """σ^(n)(u) as an explicit SymPy polynomial in σ(u), lowest power first."""
    s = sigmoid(argument if argument is not None else sympy.Symbol("x", real=True))
    terms = [c * s**j for j, c in enumerate(derivative_coefficients(n)) if c]
    return sympy.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]


def taylor_coefficients(order: int) -> list[Fraction]:
    """a_0 … a_order with σ(x) = Σ a_k x^k near 0 (radius of convergence π)."""
    _check_order(order, MAX_TAYLOR_ORDER, "the Taylor order")
    coefficients = [Fraction(0)] * (order + 1)
    coefficients[0] = Fraction(1, 2)
    # tanh(z) = Σ_{n≥1} 2^(2n)(2^(2n) − 1) B_(2n) z^(2n−1) / (2n)!, and σ(x) = 1/2 + tanh(x/2)/2.
    for k in range(1, order + 1, 2):
        n = (k + 1) // 2
        bernoulli = sympy.bernoulli(2 * n)
        tanh_coefficient = Fraction(
            int(2 ** (2 * n) * (2 ** (2 * n) - 1) * bernoulli.p),
            int(bernoulli.q * sympy.factorial(2 * n)),
        )
        coefficients[k] = tanh_coefficient / 2 / 2**k
    return coefficients


def derivative_zeros(n: int, precision: int = 200) -> list[Zero]:
    """The real zeros of σ^(n), ascending.

    σ^(n)(x) = P(σ(x)) with P(s) = s(1 − s)·Q(s) for n ≥ 1, and σ maps ℝ onto (0, 1)
    one-to-one, so the zeros are x = logit(s) for the roots s of Q in (0, 1). Roots
    are isolated by FLINT (certified balls); where SymPy finds them in radicals, the
    exact form is given too, and it must lie in the certified ball.
    """
    _check_order(n, 200, "the derivative order for zeros")
    if n == 0:
        return []
    s = sympy.Symbol("s")
    p = sympy.Poly(list(reversed(derivative_coefficients(n))), s)
    q, remainder = sympy.div(p, sympy.Poly(s * (1 - s), s))
    if not remainder.is_zero:
        raise AssertionError("σ^(n) is not divisible by σ(1 − σ)")
    balls = _roots_in_unit_interval(q, precision)
    exact = _exact_roots(q)
    zeros = []
    old = flint.ctx.prec
    flint.ctx.prec = precision
    try:
        for ball in balls:
            x_ball = (ball / (1 - ball)).log()
            closed = _matching_exact(exact, x_ball)
            zeros.append(Zero(closed, x_ball))
    finally:
        flint.ctx.prec = old
    return zeros


def _roots_in_unit_interval(q: sympy.Poly, precision: int) -> list[flint.arb]:
    poly = flint.fmpz_poly([int(c) for c in reversed(q.all_coeffs())])
    old = flint.ctx.prec
    flint.ctx.prec = precision
    try:
        roots = [root.real for root, _ in poly.complex_roots() if root.imag.contains(0)]
        inside = [r for r in roots if r > 0 and r < 1]
        if any(r.overlaps(0) or r.overlaps(1) for r in roots):
            raise SymbolicError("a root could not be separated from 0 or 1")
        return sorted(inside, key=lambda r: float(r.mid()))
    finally:
        flint.ctx.prec = old


def _exact_roots(q: sympy.Poly) -> list[Expr]:
    """x = log(s/(1 − s)) for the roots s of the rational factors of Q of degree ≤ 2."""
    x_values = []
    for factor, _ in sympy.factor_list(q.as_expr())[1]:
        factor_poly = sympy.Poly(factor, *q.gens)
        if factor_poly.degree() > 2:
            continue
        for root in sympy.roots(factor_poly, filter="R"):
            if 0 < root < 1:
                ratio = sympy.expand(sympy.radsimp(root / (1 - root)))
                x_values.append(sympy.log(ratio))
    return x_values


def _matching_exact(candidates: list[Expr], ball: flint.arb) -> Expr | None:
    """The closed form that names this root (identification only; the tests verify it)."""
    for candidate in candidates:
        if abs(float(sympy.N(candidate, 30)) - float(ball.mid())) < 1e-9:
            return candidate
    return None


# ---------------------------------------------------------------- results written in σ


def rewrite_in_sigmoid(result: Expr, arguments: list[Expr]) -> list[RewriteStep]:
    """Rewrite an expression in e^(−u) as one in σ(u), in checked steps.

    Each term c·e^(−a·u)/(1 + e^(−u))^b with 0 ≤ a ≤ b is written as
    c·(1/(1 + e^(−u)))^(b−a)·(e^(−u)/(1 + e^(−u)))^a and becomes
    c·σ(u)^(b−a)·(1 − σ(u))^a by the definition and the lemma. Terms that do not
    have that shape are rewritten by e^(−u) = (1 − σ(u))/σ(u) instead.
    """
    # Larger arguments first, so that e^(−2x) is matched to σ(2x) before e^(−x) takes it.
    ordered = sorted(arguments, key=lambda u: (-sympy.count_ops(u), sympy.default_sort_key(u)))
    markers = {u: sympy.Dummy(f"T{index}", positive=True) for index, u in enumerate(ordered)}
    in_markers = result
    for u, marker in markers.items():
        in_markers = _replace_exponentials(in_markers, u, marker, exact=len(markers) > 1)
    split = _split_terms(sympy.Add.make_args(in_markers), markers)
    expanded = split is None
    if expanded:
        split = _split_terms(sympy.Add.make_args(sympy.expand_mul(in_markers)), markers)
    if split is None:
        return _substitution_steps(result, in_markers, markers)
    shown_split, in_sigma, lemma_arguments = split
    steps = []
    if shown_split != result:
        steps.append(
            RewriteStep(
                "split into factors",
                "1/(1 + e^(−u)) and e^(−u)/(1 + e^(−u))",
                result,
                shown_split,
            )
        )
    for u in lemma_arguments:
        lemma = sympy.exp(-u) / (1 + sympy.exp(-u))
        steps.append(
            RewriteStep(
                "lemma",
                "1 − σ(u) = 1 − 1/(1 + e^(−u)) = e^(−u)/(1 + e^(−u))",
                1 - sigmoid(u),
                lemma,
                lemma=True,
                argument=u,
            )
        )
    heading = "definition of σ and the lemma" if lemma_arguments else "definition of σ"
    steps.append(RewriteStep(heading, "", shown_split, in_sigma))
    collected = collect_powers(in_sigma, sigmoid) if expanded else None
    if collected is not None and sympy.count_ops(collected) < sympy.count_ops(in_sigma):
        steps.append(RewriteStep("collect powers of σ", "", in_sigma, collected))
    return steps


def _replace_exponentials(expr: Expr, u: Expr, marker: sympy.Dummy, exact: bool) -> Expr:
    """Write e^(−u) as the marker T and e^u as 1/T.

    With one argument, `subs` also turns e^(−2u) into T²; with several (σ(x)σ(2x))
    that would write e^(−x) as √T, so only exact occurrences are replaced.
    """
    if exact:
        return expr.xreplace({sympy.exp(-u): marker, sympy.exp(u): 1 / marker})
    return expr.subs(sympy.exp(-u), marker).subs(sympy.exp(u), 1 / marker)


def _split_terms(
    terms: tuple[Expr, ...], markers: dict[Expr, sympy.Dummy]
) -> tuple[Expr, Expr, list[Expr]] | None:
    """The split form (in exp), the σ form, and the u whose lemma is used; None if a term
    does not fit."""
    shown, in_sigma, lemma_arguments = [], [], []
    for term in terms:
        factored = sympy.factor(term)
        coefficient, fraction_parts, sigma_powers, lemma_parts = factored, [], sympy.S.One, []
        for u, marker in markers.items():
            powers = _marker_powers(factored, marker)
            if powers is None:
                return None
            a, b = powers
            if a and u not in lemma_arguments:
                lemma_arguments.append(u)
            coefficient = coefficient / (marker**a * (1 + marker) ** (-b))
            e = sympy.exp(-u)
            fractions = [
                (sympy.UnevaluatedExpr(1 / (1 + e)), b - a),
                (sympy.UnevaluatedExpr(e / (1 + e)), a),
            ]
            fraction_parts += _unevaluated_powers(fractions)
            s = sigmoid(u)
            sigma_powers *= s ** (b - a)
            lemma_parts += _unevaluated_powers([(1 - s, a)])
        coefficient = sympy.factor(coefficient)
        if any(coefficient.has(marker) for marker in markers.values()):
            return None
        shown.append(_unevaluated_product(coefficient, fraction_parts))
        in_sigma.append(_unevaluated_product(coefficient * sigma_powers, lemma_parts))
    return unevaluated_sum(shown), unevaluated_sum(in_sigma), lemma_arguments


def _marker_powers(term: Expr, marker: sympy.Dummy) -> tuple[int, int] | None:
    """(a, b) with term = c·T^a/(1 + T)^b and c free of T, or None."""
    powers = term.as_powers_dict()
    a = powers.get(marker, 0)
    b = -powers.get(1 + marker, 0)
    rest = [base for base in powers if base not in (marker, 1 + marker) and base.has(marker)]
    if rest or not (sympy.Integer(a) == a and sympy.Integer(b) == b and 0 <= a <= b):
        return None
    return int(a), int(b)


def _substitution_steps(
    result: Expr, in_markers: Expr, markers: dict[Expr, sympy.Dummy]
) -> list[RewriteStep]:
    rewritten = in_markers
    for u, marker in markers.items():
        s = sigmoid(u)
        rewritten = rewritten.subs(marker, (1 - s) / s)
    rewritten = sympy.factor(rewritten)
    if rewritten.has(sympy.exp):
        return []
    heading = "substitute e^(−u) = (1 − σ(u))/σ(u), from σ(u) = 1/(1 + e^(−u))"
    return [RewriteStep(heading, "", result, rewritten)]


def _unevaluated_powers(pairs: list[tuple[Expr, int]]) -> list[Expr]:
    return [base if n == 1 else sympy.Pow(base, n, evaluate=False) for base, n in pairs if n]


def _unevaluated_product(coefficient: Expr, factors: list[Expr]) -> Expr:
    """coefficient·factors, kept in this order for printing (σ before 1 − σ)."""
    if not factors:
        return coefficient
    if coefficient.could_extract_minus_sign():
        return -_unevaluated_product(-coefficient, factors)
    parts = [*sympy.Mul.make_args(coefficient), *factors]
    parts = [part for part in parts if part != 1]
    return parts[0] if len(parts) == 1 else sympy.Mul(*parts, evaluate=False)


# ---------------------------------------------------------------- float kernels
#
# σ = 1/(1 + e) or e/(1 + e), σ′ = e/(1 + e)² with e = e^(−|x|) from `dw.exp_negative`
# (relative error < 2^-90). Double-words: one add, one square, one divide add at most
# 3u² + (2·3u² + 7u²) + 16u² and propagate the error of e at most 3 times: < 2^-87,
# inside DOUBLE_WORD_ERROR_BOUND = 2^-80. Plain float64 (`dw.exp_negative_float64`,
# < 2^-47.2): 1 + e, the square and the division add at most 4u and double the error
# of e at most: < 2^-45, inside FLOAT64_ERROR_BOUND = 2^-40. Beyond |x| = 600 the
# values are settled by bounds that need no arithmetic: σ′(x) < e^(−|x|) and
# σ(−|x|) < e^(−|x|) round to +0, 1 − σ(|x|) < e^(−|x|) rounds to 1, once e^(−|x|) is
# below half the least subnormal of the format.


def sigmoid_double_word(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """σ(x) for |x| ≤ 600."""
    eh, el = dw.exp_negative(np.abs(x))
    dh, dl = dw.add(1.0, 0.0, eh, el)
    numerator_h = np.where(x < 0, eh, 1.0)
    numerator_l = np.where(x < 0, el, 0.0)
    return dw.div(numerator_h, numerator_l, dh, dl)


def sigmoid_prime_double_word(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """σ′(x) = e/(1 + e)², e = exp(−|x|), for |x| ≤ 600."""
    eh, el = dw.exp_negative(np.abs(x))
    dh, dl = dw.add(1.0, 0.0, eh, el)
    sh, sl = dw.mul(dh, dl, dh, dl)
    return dw.div(eh, el, sh, sl)


def sigmoid_float64(x: np.ndarray, order: int) -> np.ndarray:
    """σ (order 0) or σ′ (order 1) in plain float64, |x| ≤ 600, relative error < 2^-45."""
    e = dw.exp_negative_float64(np.abs(x))
    d = 1.0 + e
    if order == 1:
        return e / (d * d)
    return np.where(x < 0, e, 1.0) / d


def _settled(order: int):
    def settled(x: np.ndarray, fmt: Format) -> tuple[np.ndarray, np.ndarray]:
        values = np.where((order == 0) & (x > 0), 1.0, 0.0)
        reach = max(dw.exp_underflow_threshold(fmt), dw.MAX_ARGUMENT)
        return values, np.abs(x) > reach

    return settled


sigmoid.kernels = {
    0: FloatKernel(
        sigmoid_double_word, lambda x: sigmoid_float64(x, 0), _settled(0), dw.MAX_ARGUMENT
    ),
    1: FloatKernel(
        sigmoid_prime_double_word, lambda x: sigmoid_float64(x, 1), _settled(1), dw.MAX_ARGUMENT
    ),
}
sigmoid.limits = {0: (S.Zero, S.One), 1: (S.Zero, S.Zero)}


# ---------------------------------------------------------------- float implementations


def _numpy_sigmoid(x: np.ndarray) -> np.ndarray:
    return in_work_dtype(_one_over_one_plus_exp)(x)


def _one_over_one_plus_exp(w: np.ndarray) -> np.ndarray:
    one = w.dtype.type(1)
    return one / (one + np.exp(-w))


def _naive(sigmoid_of):
    """σ′ as s·(1 − s), with s from `sigmoid_of` in the graded dtype."""

    def gradient(x: np.ndarray) -> np.ndarray:
        s = sigmoid_of(x)
        return (s * (s.dtype.type(1) - s)).astype(x.dtype)

    return gradient


def _product(x: np.ndarray) -> np.ndarray:
    return (_numpy_sigmoid(x) * _numpy_sigmoid(-x)).astype(x.dtype)


def _stable(w: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(w))
    return e / ((w.dtype.type(1) + e) * (w.dtype.type(1) + e))


# `numpy` computes in the graded dtype (float16 natively, bfloat16 by ml_dtypes); the
# textbook formulas (naive, product, stable) through float32, as before.
sigmoid.implementations = {
    ("numpy", 0): FloatFormula(0, "σ as 1/(1 + exp(−x))", lambda: native(_one_over_one_plus_exp)),
    ("numpy", 1): FloatFormula(
        1, "s*(1 - s), s = 1/(1 + np.exp(-x))", lambda: _naive(native(_one_over_one_plus_exp))
    ),
    ("scipy", 0): FloatFormula(0, "scipy.special.expit", lambda: scipy_special("expit")),
    ("scipy", 1): FloatFormula(
        1, "s*(1 - s), s = scipy.special.expit(x)", lambda: _naive(scipy_special("expit"))
    ),
    ("torch", 0): FloatFormula(0, "torch.sigmoid", lambda: torch_function("sigmoid", 0)),
    ("torch", 1): FloatFormula(1, "torch.sigmoid, autograd", lambda: torch_function("sigmoid", 1)),
    ("jax", 0): FloatFormula(0, "jax.nn.sigmoid", lambda: jax_function("nn.sigmoid", 0)),
    ("jax", 1): FloatFormula(1, "jax.nn.sigmoid, jax.grad", lambda: jax_function("nn.sigmoid", 1)),
    ("naive", 1): FloatFormula(1, "σ′ as s·(1 − s)", lambda: _naive(_numpy_sigmoid)),
    ("product", 1): FloatFormula(1, "σ′ as σ(x)·σ(−x)", lambda: _product),
    ("stable", 1): FloatFormula(
        1, "σ′ as e^(−|x|)/(1 + e^(−|x|))²", lambda: in_work_dtype(_stable)
    ),
}


# ---------------------------------------------------------------- the report

sigmoid.report = ReportText(
    title="The derivative of the sigmoid, machine-checked",
    corrections={
        "deriv_sigmoid_as_worded": ("deriv_sigmoid",),
        "sigmoid_def_as_printed": ("sigmoid_def",),
        "deriv_sigmoid_range_closed": ("deriv_sigmoid_range",),
        "sigmoid_symmetric_about_y_axis": ("sigmoid_symmetric_about_half", "sigmoid_neg"),
        "deriv_sigmoid_antitone": (
            "deriv_sigmoid_strictMonoOn_Iic",
            "deriv_sigmoid_strictAntiOn_Ici",
        ),
        "example4_deriv_sigmoid_two": (),
        "example5_deriv_sigmoid_neg_two": (),
    },
    plots=(
        Plot(
            "sigmoid",
            "σ(x) and σ′(x)",
            "The sigmoid σ (Figure 1 of the article) and its derivative σ′ = σ(1 − σ) "
            "(Figure 2), values from the certified oracle.",
            (("σ(x)", 0), ("σ′(x)", 1)),
        ),
        Plot(
            "higher_derivatives",
            "σ″(x) and σ‴(x)",
            "σ″ vanishes at 0 (the inflection point of σ); σ‴ vanishes at ±ln(2 + √3), the "
            "inflection points of σ′.",
            (("σ″(x)", 2), ("σ‴(x)", 3)),
        ),
    ),
    # s is σ(x) correctly rounded to the format (the best any code can do), so the figure
    # shows the loss due to s·(1 − s) alone, and it is the same on every machine: the
    # products and differences are exact IEEE operations, no libm call is involved.
    loss_plot=LossPlot(
        "naive_gradient_error",
        "Relative error of σ′ computed as s·(1 − s)",
        "Relative error of σ′(x) computed as s·(1 − s) in float32 and float64, where s is σ(x) "
        "correctly rounded to the format, against the certified value. Errors are clipped to "
        "[1e-18, 1]; 1 means every digit is lost (the result is 0).",
        1,
        "s·(1 − s) in {format}",
        lambda s: s * (s.dtype.type(1) - s),
    ),
    float_formulas=(("numpy", 0), ("naive", 1), ("product", 1), ("stable", 1)),
    higher_orders=(2, 3, 4, 5, 6),
    saturation=(0, 1, 1),
)


sigmoid.written_in = sigmoid


# ---------------------------------------------------------------- stable forms (vectorized references)
#
# f^(n)(u) without cancellation, for the ball arithmetic of `symbolic.numbers.vectorized`.


def _vector_ball(ops: ModuleType, a: Ball) -> Ball:
    """σ(a) = 1/(1 + e^(−a)) where the midpoint m ≥ 0, e^a/(1 + e^a) where m < 0: both
    are identities for every value of the ball, so choosing by m is safe. `ops` is the
    ball arithmetic (`symbolic.arith.vball`, or `vball_dw` for double-words)."""
    positive = a.mid >= 0
    e = ops.exp(ops.select(positive, ops.neg(a), a))
    ones = ops.exact(np.ones_like(a.mid))
    return ops.div(ops.select(positive, ones, e), ops.add(ones, e))


sigmoid.vector_ball = _vector_ball
sigmoid.stable_forms = {
    0: sigmoid,  # σ itself: its vector ball
    1: lambda u: sigmoid(u) * sigmoid(-u),
    2: lambda u: -sigmoid(u) * sigmoid(-u) * sympy.tanh(u / 2),  # σ(−u) − σ(u) = −tanh(u/2)
}


# ---------------------------------------------------------------- faster float64 kernels
#
# The plain float64 kernels of σ and σ′ (float32, float16, bfloat16 targets) with the
# table-driven e^(−|x|) of `kernels64.exp_negative_table` (relative error < 2^-48, six
# Horner steps instead of thirteen): σ = where(x < 0, e, 1)/(1 + e) adds at most
# 2^-48 + u (the denominator) and u (the quotient): < 2^-46.9; σ′ = e/(1 + e)² at most
# 2^-48 + 2·(2^-48 + u) + 2u < 2^-46.3; both inside FLOAT64_ERROR_BOUND = 2^-40, for
# |x| ≤ 600 (the kernels' reach, below 708).


def _sigmoid_table(x: np.ndarray, order: int) -> np.ndarray:
    e = k64.exp_negative_table(np.abs(x))
    d = 1.0 + e
    if order == 1:
        return e / (d * d)
    return np.where(x < 0, e, 1.0) / d


# The double-word kernels likewise with `dwkernels.exp` (< 2^-88; table-driven, no
# squarings): 1 + e, (1 + e)², the quotient add 3u² + 7u² + 16u² and propagate the error
# of e at most three times: < 2^-86, inside DOUBLE_WORD_ERROR_BOUND = 2^-80 (|x| ≤ 600,
# so e ≥ 2^-866 and its low word stays normal).


def _sigmoid_table_double_word(x: np.ndarray, order: int) -> tuple[np.ndarray, np.ndarray]:
    a = np.abs(x)
    eh, el = dwk.exp(-a, np.zeros_like(a))
    dh, dl = dw.add(1.0, 0.0, eh, el)
    if order == 1:
        return dw.div(eh, el, *dw.mul(dh, dl, dh, dl))
    return dw.div(np.where(x < 0, eh, 1.0), np.where(x < 0, el, 0.0), dh, dl)


sigmoid.kernels = {
    order: dataclasses.replace(
        kernel,
        plain=lambda x, n=order: _sigmoid_table(x, n),
        double_word=lambda x, n=order: _sigmoid_table_double_word(x, n),
    )
    for order, kernel in sigmoid.kernels.items()
}

# Sides beside a power of two h (`sides`), for ULP errors where a true value lost its
# distance to h (σ(800) = 1 − e^-800: hi = 1, lo = 0):
# - σ: 0 < σ < 1 (sigmoid_range); σ(x) − 1/2 = tanh(x/2)/2 has the sign of x
#   (tanh_half_eq_two_mul_sigmoid_sub_one, strictMono_tanh, tanh_eq_zero_iff).
# - σ′ = σ(1 − σ) = 1/4 − (σ − 1/2)² ≤ 1/4, equal only at 0 (deriv_sigmoid,
#   deriv_sigmoid_range, deriv_sigmoid_max; σ = 1/2 only at 0, as above).


def sigmoid_side(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """The side of σ(x) relative to h (also softplus′ and, at −x, (log σ)′)."""
    return side_of(h, (h >= 1, -1.0), (h <= 0, 1.0), (True, half_side(x, h)))


sigmoid.sides = {
    0: sigmoid_side,
    1: lambda x, h: side_of(h, ((h == 0.25) & (x == 0), 0.0), (h >= 0.25, -1.0), (h <= 0, 1.0)),
}
