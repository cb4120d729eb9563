"""A derivation written out as terminal text, Markdown, LaTeX or JSON.

All four show the same data: each section's start, every step (the expression
after it, the rule, and whether its independent check passed), lemmas as side
equations, and the final result in σ and written out. Output is deterministic.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from symbolic.derive.derivation import Derivation, Section, Step
from symbolic.language.printing import markdown_escape, tex_escape, to_language, to_latex, to_text

FORMATS = ("text", "md", "latex", "json")


def render(derivation: Derivation, fmt: str) -> str:
    """The derivation in one of FORMATS, ending with a newline."""
    writers: dict[str, Callable[[Derivation], str]] = {
        "text": as_text,
        "md": as_markdown,
        "latex": as_latex,
        "json": as_json,
    }
    return writers[fmt](derivation)


def _mark(step: Step) -> str:
    return "✓" if step.checked else "✗ " + (step.check.describe() if step.check else "not checked")


def _summary(derivation: Derivation) -> str:
    steps = derivation.steps
    failed = sum(not step.checked for step in steps)
    if failed:
        return f"{failed} of {len(steps)} steps did NOT check."
    return (
        f"All {len(steps)} steps checked independently (SymPy's diff of the definitions, "
        "difference reduced to 0, and 60-digit values agreeing at 3 or more points)."
    )


def _derivative_of(derivation: Derivation) -> str:
    power = "" if derivation.order == 1 else f"^{derivation.order}"
    return f"d{power}/dx{power} {to_text(derivation.expr)}"


def as_text(derivation: Derivation) -> str:
    lines = [f"Derivative of {to_text(derivation.expr)}, order {derivation.order}", ""]
    for section in derivation.sections:
        lines += [section.title, f"    {to_text(section.start)}"]
        for step in section.steps:
            lead = "  where" if step.lemma else "  ="
            shown = (
                f"{to_text(step.before)} = {to_text(step.after)}"
                if step.lemma
                else to_text(step.after)
            )
            lines += [f"{lead} {shown}", f"      {_mark(step)} {step.rule}"]
        lines.append("")
    lines.append(f"Result: {_derivative_of(derivation)} = {to_text(derivation.final)}")
    if derivation.result_in_terms is not None:
        lines.append(f"        written out: {to_text(derivation.result)}")
    lines.append(_summary(derivation))
    return "\n".join(lines) + "\n"


def as_markdown(derivation: Derivation) -> str:
    lines = [f"# Derivative of ${to_latex(derivation.expr)}$, order {derivation.order}", ""]
    for section in derivation.sections:
        lines += [f"## {section.title}", "", f"$$\n{to_latex(section.start)}\n$$", ""]
        for number, step in enumerate(section.steps, start=1):
            mark = "checked ✓" if step.checked else f"**NOT checked**: {_mark(step)}"
            lines += [f"{number}. {markdown_escape(step.rule)} ({mark})", ""]
            if step.lemma:
                lines += [f"$$\n{to_latex(step.before)} = {to_latex(step.after)}\n$$", ""]
            else:
                lines += [f"$$\n= {to_latex(step.after)}\n$$", ""]
    lines += [
        "## Result",
        "",
        f"$$\n{_latex_derivative(derivation)} = {to_latex(derivation.final)}\n$$",
        "",
    ]
    if derivation.result_in_terms is not None:
        lines += ["Written out:", "", f"$$\n= {to_latex(derivation.result)}\n$$", ""]
    lines.append(_summary(derivation))
    return "\n".join(lines) + "\n"


def _latex_derivative(derivation: Derivation) -> str:
    n = derivation.order
    operator = r"\frac{d}{dx}" if n == 1 else rf"\frac{{d^{{{n}}}}}{{dx^{{{n}}}}}"
    return rf"{operator}{to_latex(derivation.expr)}"


def as_latex(derivation: Derivation) -> str:
    """An align* environment per section (needs amsmath), ready to paste into a document."""
    lines = [
        f"% Derivative of {to_language(derivation.expr)}, order {derivation.order}: symbolic derive"
    ]
    for section in derivation.sections:
        lines += [rf"\paragraph{{{tex_escape(section.title)}}}", r"\begin{align*}"]
        lines.append(f"  {to_latex(section.start)}")
        lines += [_latex_step(step) for step in section.steps]
        lines[-1] = lines[-1].removesuffix(r" \\")
        lines.append(r"\end{align*}")
    lines += [
        r"\begin{equation*}",
        f"  {_latex_derivative(derivation)} = {to_latex(derivation.final)}",
        r"\end{equation*}",
        f"% {_summary(derivation)}",
    ]
    return "\n".join(lines) + "\n"


def _latex_step(step: Step) -> str:
    mark = "checked" if step.checked else "NOT CHECKED"
    note = rf"\text{{{tex_escape(step.name)} ({mark})}}"
    if step.lemma:
        equation = f"{to_latex(step.before)} = {to_latex(step.after)}"
        return rf"  \intertext{{where}} & {equation} && {note} \\"
    return rf"  &= {to_latex(step.after)} && {note} \\"


def as_json(derivation: Derivation) -> str:
    data = {
        "expr": to_language(derivation.expr),
        "order": derivation.order,
        "route": derivation.route,
        "steps": [
            _step_data(section, step) for section in derivation.sections for step in section.steps
        ],
        "result": to_language(derivation.result),
        "result_in_terms": None
        if derivation.result_in_terms is None
        else to_language(derivation.result_in_terms),
        "checked": derivation.checked,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _step_data(section: Section, step: Step) -> dict[str, object]:
    return {
        "rule": step.rule,
        "before": to_language(step.before),
        "after": to_language(step.after),
        "latex": f"{to_latex(step.before)} = {to_latex(step.after)}",
        "checked": step.checked,
        "check": step.check.describe() if step.check else "not checked",
        "lemma": step.lemma,
        "order": section.order,
        "route": section.route,
    }
