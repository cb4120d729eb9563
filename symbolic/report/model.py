"""The report model: plain data, built once, that every template renders.

It gathers the derivation (both routes, every step checked), the verdicts of the
catalogue (or of the user's claims files), the audit of the article, its worked
examples beside certified values, higher derivatives, the Taylor series, float facts
and figures. Every formula is given as LaTeX, which Markdown and TeX show as it is and
HTML as the MathML converted from it (`MathItem.mathml`), so every format shows the same
formula and the templates only lay things out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy
from sympy import Expr

from symbolic import __version__
from symbolic.derive.derivation import Derivation, derive
from symbolic.errors import SymbolicError
from symbolic.functions import NAMED_FUNCTIONS, FamilyMember, ReportText
from symbolic.grade.grading import FLOAT_FACT_FORMATS, float_facts
from symbolic.language.parser import X
from symbolic.language.printing import latex_to_mathml, to_latex, to_text
from symbolic.numbers import oracle
from symbolic.prove.verify import Result, catalogue, counterexample_text, load_all, run_all, summary
from symbolic.report.figures import Figure, function_figures


@dataclass(frozen=True)
class MathItem:
    """One formula: its LaTeX, the one source of the formula in every format, and plain
    text. The MathML of the HTML is converted from the LaTeX, never printed apart."""

    latex: str
    text: str

    @property
    def mathml(self) -> str:
        """An inline <math> element (in a line of text or a table cell)."""
        return latex_to_mathml(self.latex)

    @property
    def mathml_block(self) -> str:
        """A displayed <math> element (a formula on a line of its own)."""
        return latex_to_mathml(self.latex, display=True)


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
    series: MathItem  # the equation f(x) = 1/2 + x/4 − … + O(x^n)
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
    kind: str  # "function" (a function's report) or "claims" (a user's claims)
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
    # The templates that render it: "report" (σ's article, or claims files) or "function".
    template: str = "report"
    # A family function's report (template "function"): its derivative as derived, in
    # terms of a named function where natural, and written out; what its module says.
    derivative: MathItem | None = None
    written_out: MathItem | None = None
    function_name: str = ""  # f in text
    derivative_name: str = ""  # f′ in text
    about: str = ""
    float_note: str = ""
    catalogue_note: str = ""  # why there are no claims (no catalogue yet), or ""


def math_item(expr: Expr) -> MathItem:
    return MathItem(to_latex(expr), to_text(expr))


def equation_item(left: Expr, right: Expr) -> MathItem:
    return MathItem(f"{to_latex(left)} = {to_latex(right)}", f"{to_text(left)} = {to_text(right)}")


@dataclass(frozen=True)
class ReportModel:
    data: ReportData
    figures: list[Figure]


def build_function_report(function: type[FamilyMember]) -> ReportModel:
    """A function's report: its registry module's text, and everything computed. σ's
    (template "report") audits the article; a family function's (template "function")
    has no article, and says so when its catalogue is not written yet."""
    text = function.report
    if text is None:
        raise SymbolicError(f"{function.language_name()} has no report")
    if text.template == "report":
        results = run_all([catalogue(function)], timeout=60)
        note = ""
    else:
        results, note = _family_results(function)
    figures = function_figures(function)
    derivation = derive(function.applied(X), 1, "all")
    family = text.template != "report"
    data = ReportData(
        title=text.title,
        version=__version__,
        kind="function",
        definition=equation_item(function.applied(X), function.definition(X)),
        derivations=_derivations(derivation),
        claims=[_claim(r) for r in results if not r.claim.source.startswith("article, 'Example")],
        refuted=_refuted(results, text),
        examples=_examples(results),
        higher=_higher_derivatives(function, text),
        taylor=_taylor(function, text),
        floats=_float_facts(function, text),
        figures=[_figure(f) for f in figures],
        summary=_summary(results),
        template=text.template,
        derivative=_derivative(derivation) if family else None,
        written_out=_written_out(derivation) if family else None,
        function_name=function.display_name() if family else "",
        derivative_name=function.prime_name(1) if family else "",
        about=text.about,
        float_note=text.float_note,
        catalogue_note=note,
    )
    return ReportModel(data, figures)


def _family_results(function: type[FamilyMember]) -> tuple[list[Result], str]:
    """The verdicts of the function's catalogue, or none and the reason: a function whose
    catalogue file is not written yet still gets its report (a broken file still fails)."""
    if not function.has_catalogue():
        return [], f"{function.language_name()} has no catalogue of claims yet."
    return run_all([catalogue(function)], timeout=60), ""


def _derivative(derivation: Derivation) -> MathItem:
    """f′(x) = the result, in terms of a named function where the derivation wrote it so."""
    return equation_item(sympy.Derivative(derivation.expr, X), derivation.final)


def _written_out(derivation: Derivation) -> MathItem | None:
    if derivation.result_in_terms is None:
        return None
    return equation_item(sympy.Derivative(derivation.expr, X), derivation.result)


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


def _derivations(derivation: Derivation) -> list[SectionEntry]:
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
        "certificate": v.statements,
        "counterexample": counterexample_text(v.counterexample),
        "source": claim.source,
    }


def _claim(result: Result) -> ClaimEntry:
    return ClaimEntry(**_claim_fields(result))


def _refuted(results: list[Result], text: ReportText) -> list[RefutedRow]:
    by_id = {r.claim.id: r for r in results}
    rows = []
    for r in results:
        if r.verdict.verdict != "refuted" or not r.claim.source.startswith("article"):
            continue
        corrections = [_claim(by_id[i]) for i in text.corrections.get(r.claim.id, ()) if i in by_id]
        why = r.verdict.why or r.verdict.statements[-1]
        rows.append(RefutedRow(**_claim_fields(r), why=why, corrections=corrections))
    return rows


def _examples(results: list[Result]) -> list[ExampleRow]:
    rows = []
    for r in results:
        if r.claim.kind != "value" or not r.claim.source.startswith("article"):
            continue
        f = r.claim.fields
        certified = oracle.value(f["expr"], to_text(f["at"]), digits=20)
        quantity = _with_primes(to_text(f["expr"]))
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


def _with_primes(text: str) -> str:
    """d/dx[f(x)] read as f′(x), for every named function."""
    for function in NAMED_FUNCTIONS.values():
        name = function.display_name()
        text = text.replace(f"d/dx[{name}(x)]", f"{name}′(x)")
    return text


def _higher_derivatives(function: type[FamilyMember], text: ReportText) -> list[HigherRow]:
    rows = []
    for n in text.higher_orders:
        in_terms = function.derivative_in_terms(n, X)
        if in_terms is None:
            continue
        zeros = []
        for zero in function.derivative_zeros(n):
            exact = to_latex(zero.exact) if zero.exact is not None else None
            zeros.append(ZeroEntry(exact, zero.decimal(12)))
        latex_name = rf"{function.latex_name}^{{({n})}}"
        rows.append(HigherRow(n, function.prime_name(n), latex_name, math_item(in_terms), zeros))
    return rows


def _taylor(function: type[FamilyMember], text: ReportText) -> Taylor | None:
    coefficients = function.taylor(text.taylor_order)
    if not coefficients:
        return None
    terms = [
        sympy.Rational(c.numerator, c.denominator) * X**k for k, c in enumerate(coefficients) if c
    ]
    # The order term is SymPy's O at 0, which prints as O(x^n) in LaTeX and text alike;
    # the whole equation, f(x) = series, is one formula, so no template writes f's name.
    order = sympy.O(X ** (text.taylor_order + 2))
    series = sympy.Add(*terms, order, evaluate=False)  # ascending powers
    return Taylor(equation_item(function.applied(X), series), [str(c) for c in coefficients])


def _float_facts(function: type[FamilyMember], text: ReportText) -> FloatFacts | None:
    """Where formulas fail. With a `saturation` (σ's): the x beyond which the float
    f^(n)(x) rounds to its limit v, and f^(m) there (σ rounds to 1, and s·(1 − s) gives 0
    instead of σ′); for every formula the report lists, where it goes wrongly to 0 and
    where it loses every digit (`grade.grading.float_facts`)."""
    if text.saturation is None:
        return FloatFacts([], float_facts(function)) if text.float_formulas else None
    order, value, shown = text.saturation
    facts = []
    for name in FLOAT_FACT_FORMATS:
        first = _first_x_rounding_to(function, order, value, name)
        true_value = oracle.value(function.typed(), repr(first), digits=6, order=shown)
        facts.append(FloatRow(name, repr(first), true_value))
    # Each threshold is the exact float (found by bisection on the float grid), printed as
    # the shortest decimal that round-trips in its format, as `float_facts` gives it.
    return FloatFacts(facts, float_facts(function))


def _first_x_rounding_to(function: type[FamilyMember], order: int, value: int, name: str) -> float:
    """The least float x (on a 1/64 grid) with f^(order)(x) correctly rounded to `value`."""
    grid = np.arange(0, 64, 1 / 64)
    rounded = oracle.rounded(function.typed(), grid, order=order, dtype=name)
    index = int(np.argmax(rounded.astype(np.float64) == value))
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
