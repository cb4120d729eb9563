"""The report model: plain data, built once, that every template renders.

It gathers the derivation (both routes, every step checked), the verdicts of the
catalogue (or of the user's claims files), the audit of the article, its worked
examples beside certified values, higher derivatives, the Taylor series, float facts
and figures. Every formula is given as LaTeX (Markdown and TeX) and as MathML (HTML),
so the templates only lay things out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy
from sympy import Expr

from symbolic import __version__
from symbolic.derive.derivation import derive
from symbolic.functions import sigmoid
from symbolic.grade.grading import float_facts
from symbolic.language.parser import X
from symbolic.language.printing import mathml, mathml_body, to_latex, to_text
from symbolic.numbers import oracle
from symbolic.numbers.closed_forms import (
    sigmoid_derivative_polynomial,
    sigmoid_derivative_zeros,
    taylor_coefficients,
)
from symbolic.prove.verify import Result, catalogue, counterexample_text, load_all, run_all, summary
from symbolic.report.figures import Figure, all_figures

# For each statement of the article found false: the catalogue's claims that say what is true.
CORRECTIONS = {
    "deriv_sigmoid_as_worded": ["deriv_sigmoid"],
    "sigmoid_def_as_printed": ["sigmoid_def"],
    "deriv_sigmoid_range_closed": ["deriv_sigmoid_range"],
    "sigmoid_symmetric_about_y_axis": ["sigmoid_symmetric_about_half", "sigmoid_neg"],
    "deriv_sigmoid_antitone": ["deriv_sigmoid_strictMonoOn_Iic", "deriv_sigmoid_strictAntiOn_Ici"],
    "example4_deriv_sigmoid_two": [],
    "example5_deriv_sigmoid_neg_two": [],
}


@dataclass(frozen=True)
class MathItem:
    """One formula in the three notations the templates need."""

    latex: str
    mathml: str
    text: str


@dataclass(frozen=True)
class StepEntry:
    rule: str
    name: str
    math: MathItem
    lemma: bool
    checked: bool


@dataclass(frozen=True)
class SectionEntry:
    title: str
    start: MathItem
    steps: list[StepEntry]


@dataclass(frozen=True)
class ClaimEntry:
    id: str
    text: str
    statement: str
    kind: str
    verdict: str
    expected: str
    ok: bool
    method: str
    certificate: list[str]
    counterexample: str
    source: str


@dataclass(frozen=True)
class RefutedRow(ClaimEntry):
    why: str = ""
    corrections: list[ClaimEntry] = field(default_factory=list)


@dataclass(frozen=True)
class ExampleRow:
    id: str
    source: str
    quantity: str
    article: str
    digits: int
    certified: str
    correct: bool
    rounded: str | None


@dataclass(frozen=True)
class ZeroEntry:
    latex: str | None
    decimal: str


@dataclass(frozen=True)
class HigherRow:
    order: int
    name: str
    latex_name: str
    polynomial: MathItem
    zeros: list[ZeroEntry]


@dataclass(frozen=True)
class Taylor:
    series: MathItem
    coefficients: list[str]


@dataclass(frozen=True)
class FloatRow:
    format: str
    x: str
    true_derivative: str


@dataclass(frozen=True)
class FloatFacts:
    rows: list[FloatRow]
    grading: list[dict[str, object]]  # as `grade.grading.float_facts` gives them


@dataclass(frozen=True)
class FigureEntry:
    name: str
    title: str
    caption: str
    x_label: str
    y_label: str
    log_y: bool
    labels: list[str]
    coordinates: object
    svg: str


@dataclass(frozen=True)
class Summary:
    proved: int
    refuted: int
    unknown: int
    failed: int


@dataclass(frozen=True)
class ReportData:
    """Everything a report template may use, typed section by section."""

    title: str
    version: str
    kind: str  # "sigmoid" (the article report) or "claims" (a user's claims)
    definition: MathItem | None
    derivations: list[SectionEntry]
    claims: list[ClaimEntry]
    refuted: list[RefutedRow]
    examples: list[ExampleRow]
    higher: list[HigherRow]
    taylor: Taylor | None
    floats: FloatFacts | None
    figures: list[FigureEntry]
    summary: Summary


def math_item(expr: Expr, prefix: str = "") -> MathItem:
    return MathItem(f"{prefix}{to_latex(expr)}", mathml(expr), to_text(expr))


def equation_item(left: Expr, right: Expr) -> MathItem:
    body = mathml_body(sympy.Eq(left, right, evaluate=False))
    return MathItem(
        f"{to_latex(left)} = {to_latex(right)}", mathml(body), f"{to_text(left)} = {to_text(right)}"
    )


@dataclass(frozen=True)
class ReportModel:
    data: ReportData
    figures: list[Figure]


def build_sigmoid_report() -> ReportModel:
    results = run_all([catalogue()], timeout=60)
    figures = all_figures()
    data = ReportData(
        title="The derivative of the sigmoid, machine-checked",
        version=__version__,
        kind="sigmoid",
        definition=equation_item(sigmoid(X), 1 / (1 + sympy.exp(-X))),
        derivations=_derivations(),
        claims=[_claim(r) for r in results if not r.claim.source.startswith("article, 'Example")],
        refuted=_refuted(results),
        examples=_examples(results),
        higher=_higher_derivatives(),
        taylor=_taylor(),
        floats=_float_facts(),
        figures=[_figure(f) for f in figures],
        summary=_summary(results),
    )
    return ReportModel(data, figures)


def build_claims_report(paths: list[str]) -> ReportModel:
    files = load_all(paths)
    results = run_all(files, timeout=60)
    data = ReportData(
        title="Verification report: " + ", ".join(f.path for f in files),
        version=__version__,
        kind="claims",
        definition=None,
        derivations=[],
        claims=[_claim(r) for r in results],
        refuted=[],
        examples=[],
        higher=[],
        taylor=None,
        floats=None,
        figures=[],
        summary=_summary(results),
    )
    return ReportModel(data, [])


def _derivations() -> list[SectionEntry]:
    derivation = derive(sigmoid(X), 1, "all")
    sections = []
    for section in derivation.sections:
        steps = []
        for step in section.steps:
            item = equation_item(step.before, step.after) if step.lemma else math_item(step.after)
            steps.append(StepEntry(step.rule, step.name, item, step.lemma, step.checked))
        sections.append(SectionEntry(section.title, math_item(section.start), steps))
    return sections


def _claim_fields(result: Result) -> dict[str, Any]:
    v, claim = result.verdict, result.claim
    return {
        "id": claim.id,
        "text": claim.text or claim.statement,
        "statement": claim.statement,
        "kind": claim.kind,
        "verdict": v.verdict,
        "expected": claim.expect,
        "ok": result.ok,
        "method": v.method,
        "certificate": [*v.certificate, *([v.recheck] if v.recheck else [])],
        "counterexample": counterexample_text(v.counterexample),
        "source": claim.source,
    }


def _claim(result: Result) -> ClaimEntry:
    return ClaimEntry(**_claim_fields(result))


def _refuted(results: list[Result]) -> list[RefutedRow]:
    by_id = {r.claim.id: r for r in results}
    rows = []
    for r in results:
        if r.verdict.verdict != "refuted" or not r.claim.source.startswith("article"):
            continue
        corrections = [_claim(by_id[i]) for i in CORRECTIONS.get(r.claim.id, []) if i in by_id]
        why = r.verdict.certificate[-1]
        rows.append(RefutedRow(**_claim_fields(r), why=why, corrections=corrections))
    return rows


def _examples(results: list[Result]) -> list[ExampleRow]:
    rows = []
    for r in results:
        if r.claim.kind != "value" or not r.claim.source.startswith("article"):
            continue
        f = r.claim.fields
        certified = oracle.value(f["expr"], to_text(f["at"]), digits=20)
        quantity = to_text(f["expr"]).replace("d/dx[σ(x)]", "σ′(x)")
        rows.append(
            ExampleRow(
                id=r.claim.id,
                source=r.claim.source.removeprefix("article, "),
                quantity=f"{quantity} at x = {to_text(f['at'])}",
                article=f["value"],
                digits=f["digits"],
                certified=certified,
                correct=r.verdict.verdict == "proved",
                rounded=r.verdict.value,
            )
        )
    return rows


def _higher_derivatives() -> list[HigherRow]:
    rows = []
    for n in range(2, 7):
        polynomial = sigmoid_derivative_polynomial(n, X)
        zeros = []
        for zero in sigmoid_derivative_zeros(n):
            exact = to_latex(zero.exact) if zero.exact is not None else None
            zeros.append(ZeroEntry(exact, zero.decimal(12)))
        name = {2: "σ″", 3: "σ‴"}.get(n, f"σ^({n})")
        latex_name = rf"\sigma^{{({n})}}"
        rows.append(HigherRow(n, name, latex_name, math_item(polynomial), zeros))
    return rows


def _taylor() -> Taylor:
    coefficients = taylor_coefficients(11)
    terms = [
        sympy.Rational(c.numerator, c.denominator) * X**k for k, c in enumerate(coefficients) if c
    ]
    series = sympy.Add(*terms, sympy.O(X**13), evaluate=False)  # ascending powers
    return Taylor(math_item(series), [str(c) for c in coefficients])


def _float_facts() -> FloatFacts:
    """Where s·(1 − s) fails: the x beyond which the float σ(x) rounds to 1."""
    facts = []
    for name in ("float32", "float64"):
        one = _first_x_rounding_to_one(name)
        true_value = oracle.value("sigmoid(x)", repr(one), digits=6, order=1)
        facts.append(FloatRow(name, repr(one), true_value))
    # Each threshold is the exact float (found by bisection on the float grid), printed as
    # the shortest decimal that round-trips in its format, as `float_facts` gives it.
    return FloatFacts(facts, float_facts())


def _first_x_rounding_to_one(name: str) -> float:
    """The least float x (on a 1/64 grid) with σ(x) correctly rounded to exactly 1."""
    grid = np.arange(0, 64, 1 / 64)
    rounded = oracle.rounded("sigmoid(x)", grid, dtype=name)
    index = int(np.argmax(rounded.astype(np.float64) == 1.0))
    return float(grid[index])


def _figure(figure: Figure) -> FigureEntry:
    return FigureEntry(
        name=figure.name,
        title=figure.title,
        caption=figure.caption,
        x_label=figure.x_label,
        y_label=figure.y_label,
        log_y=figure.log_y,
        labels=[c.label for c in figure.curves],
        coordinates=figure.pgfplots_coordinates(),
        svg=figure.svg(),
    )


def _summary(results: list[Result]) -> Summary:
    return Summary(**summary(results))
