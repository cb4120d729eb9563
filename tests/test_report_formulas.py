"""Reports: one source of formulas (issue 12).

Every formula of the report model is LaTeX. The Markdown and the TeX show that LaTeX; the
HTML shows latex2mathml's MathML of it, exactly, and nothing else. The Markdown is parsed
as GitHub parses it (markdown-it's gfm-like preset with $…$ and $$…$$), so that a step's
formula that falls out of its list item shows up here.
"""

from __future__ import annotations

import dataclasses
import html as html_module
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from latex2mathml.converter import convert
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from symbolic.functions import sigmoid
from symbolic.report import render as reports
from symbolic.report.model import MathItem, ReportData, ReportModel, build_function_report

MATHML = "{http://www.w3.org/1998/Math/MathML}"


@pytest.fixture(scope="module")
def model() -> ReportModel:
    return build_function_report(sigmoid)


@pytest.fixture(scope="module")
def data(model: ReportModel) -> ReportData:
    return model.data


@pytest.fixture(scope="module")
def rendered(model: ReportModel) -> dict[str, str]:
    return {fmt: reports.render(model, fmt) for fmt in ("md", "tex", "html")}


def math_items(value: object) -> Iterator[MathItem]:
    """Every MathItem in the model, wherever it sits."""
    if isinstance(value, MathItem):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from math_items(getattr(value, f.name))
    elif isinstance(value, list | tuple):
        for element in value:
            yield from math_items(element)


def all_latex(data: ReportData) -> set[str]:
    """Every formula the model gives: its MathItems and its bare LaTeX strings (a
    derivative's name σ^(n), the exact zeros)."""
    formulas = {item.latex for item in math_items(data)}
    for row in data.higher:
        formulas.add(row.latex_name)
        formulas.update(z.latex for z in row.zeros if z.latex)
    return formulas


def html_maths(html: str) -> list[str]:
    return re.findall(r"<math\b.*?</math>", html, flags=re.DOTALL)


def gfm() -> MarkdownIt:
    return MarkdownIt("gfm-like").use(dollarmath_plugin)


def markdown_maths(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        if token.type in ("math_block", "math_inline"):
            yield token
        if token.children:
            yield from markdown_maths(token.children)


def steps_outside_their_items(markdown: str, data: ReportData) -> list[str]:
    """What is wrong with the derivation lists as GitHub reads them: each section's
    steps are one ordered list, and each item holds its step's $$ block."""
    problems = []
    lists: list[list[list[str]]] = []  # ordered lists: their items: the $$ blocks in each
    open_lists: list[str] = []  # the kinds of the lists we are in
    for token in gfm().parse(markdown):
        if token.type in ("ordered_list_open", "bullet_list_open"):
            open_lists.append(token.type)
            if token.type == "ordered_list_open":
                lists.append([])
        elif token.type in ("ordered_list_close", "bullet_list_close"):
            open_lists.pop()
        elif token.type == "list_item_open" and open_lists[-1] == "ordered_list_open":
            lists[-1].append([])
        elif token.type == "math_block":
            if open_lists == ["ordered_list_open"]:
                lists[-1][-1].append(token.content.strip())
            elif token.content.lstrip().startswith("="):
                problems.append(f"a step's formula outside its list item: {token.content.strip()}")
    expected = [len(section.steps) for section in data.derivations]
    if [len(items) for items in lists] != expected:
        problems.append(f"list items {[len(i) for i in lists]}, steps {expected}")
    for items, section in zip(lists, data.derivations, strict=False):
        for number, (blocks, step) in enumerate(zip(items, section.steps, strict=False), 1):
            shown = step.math.latex if step.lemma else f"= {step.math.latex}"
            if blocks != [shown]:
                problems.append(f"{section.title}, step {number}: {blocks}")
    return problems


def test_every_html_formula_is_latex2mathml_of_the_model_latex(data, rendered) -> None:
    html = rendered["html"]
    shown = html_maths(html)
    for item in math_items(data):
        assert item.mathml == convert(item.latex)
        assert item.mathml_block == convert(item.latex, display="block")
        assert item.mathml in shown or item.mathml_block in shown, item.latex
    converted = {
        convert(latex, display=d) for latex in all_latex(data) for d in ("inline", "block")
    }
    strays = [m for m in shown if m not in converted]
    assert not strays, (
        f"MathML in the HTML that is not converted from the model's LaTeX: {strays[:2]}"
    )
    assert len(shown) >= 30


def test_every_formula_of_the_markdown_and_tex_is_the_model_latex(data, rendered) -> None:
    markdown, tex = rendered["md"], rendered["tex"]
    in_markdown = {
        t.content.strip().removeprefix("= ") for t in markdown_maths(gfm().parse(markdown))
    }
    assert in_markdown == all_latex(data)
    for latex in all_latex(data):
        assert latex in tex, latex


def test_the_committed_reports_show_the_model_latex(data) -> None:
    """The committed files, not only a fresh rendering (test_reports checks they are equal)."""
    root = reports.template_directory().parent
    committed = {fmt: (root / "reports" / f"sigmoid.{fmt}").read_text("utf-8") for fmt in ("md", "tex", "html")}  # fmt: skip
    for item in math_items(data):
        assert item.latex in committed["md"] and item.latex in committed["tex"]
        assert item.mathml in committed["html"] or item.mathml_block in committed["html"]


def leaves(element: ET.Element) -> list[str]:
    """The text of a MathML tree's token elements, in reading order."""
    return [e.text.strip() for e in element.iter() if e.text and e.text.strip()]


def contains(sequence: list[str], part: list[str]) -> bool:
    return any(sequence[i : i + len(part)] == part for i in range(len(sequence)))


def test_step_2_keeps_its_brackets(data) -> None:
    one_plus_exp = ["1", "+", "e", "−", "x"]
    for section in data.derivations:
        step = section.steps[1]
        tree = ET.fromstring(step.math.mathml)
        text = leaves(tree)
        # d/dx[1 + e^(−x)], as in the LaTeX: the operand of d/dx is bracketed.
        assert contains(text, ["d", "d", "x", "[", *one_plus_exp, "]"]), (section.title, text)
        # (1 + e^(−x))², the sum in round brackets, as an mo "(" before it.
        assert contains(text, ["(", *one_plus_exp, ")"]), (section.title, text)
        operators = [e.text for e in tree.iter(f"{MATHML}mo")]
        assert "(" in operators and "[" in operators
        # Every d/dx in every step is followed by its bracketed operand.
        for later in section.steps:
            later_text = leaves(ET.fromstring(later.math.mathml))
            for i in range(len(later_text) - 3):
                if later_text[i : i + 3] == ["d", "d", "x"]:
                    assert later_text[i + 3] == "[", (section.title, later.rule, later_text)


def test_no_double_struck_d_or_e_and_no_order(rendered) -> None:
    html = rendered["html"]
    for entity in ("&dd;", "&DifferentialD;", "&ee;", "&ExponentialE;"):
        assert entity not in html
    text = html_module.unescape(html)
    assert "\u2146" not in text and "\u2147" not in text  # ⅆ ⅇ
    in_math = " ".join(" ".join(leaves(ET.fromstring(m))) for m in html_maths(html))
    assert "order(" not in text and "order" not in in_math


def test_the_taylor_series_ends_in_big_o(data, rendered) -> None:
    series = data.taylor.series
    assert series.latex.startswith(r"\sigma\left(x\right) = \frac{1}{2} + \frac{x}{4}")
    assert series.latex.endswith(r" + O\left(x^{13}\right)")
    assert series.text.endswith(" + O(x^13)")
    assert leaves(ET.fromstring(series.mathml))[-6:] == ["+", "O", "(", "x", "13", ")"]
    for fmt in ("md", "tex"):
        assert series.latex in rendered[fmt]
    assert series.mathml_block in rendered["html"]


def test_markdown_step_formulas_stay_in_their_list_items(data, rendered) -> None:
    markdown = rendered["md"]
    assert "10. " in markdown  # both routes have ten steps or more: the case that broke
    assert steps_outside_their_items(markdown, data) == []


def test_the_markdown_check_finds_a_formula_out_of_its_item(data, rendered) -> None:
    """Step 10's formula indented by 3 spaces (the old template) leaves the list."""
    broken = re.sub(r"(\n10\. [^\n]*\n\n) {4}\$\$\n {4}([^\n]*)\n {4}\$\$", r"\1   $$\n   \2\n   $$", rendered["md"])  # fmt: skip
    assert broken != rendered["md"]
    problems = steps_outside_their_items(broken, data)
    assert any("outside its list item" in p for p in problems), problems


def test_inline_math_is_set_at_text_size(rendered) -> None:
    style = rendered["html"].split("<style>", 1)[1].split("</style>", 1)[0]
    assert re.search(r"math\s*\{[^}]*font-size:\s*1\.\d+em", style)
    assert re.search(r'math\[display="inline"\]\s*\{[^}]*math-style:\s*normal', style)
