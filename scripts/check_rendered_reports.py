"""CI check of the reports as a reader opens them (run by .ci/run, needs TeX and Chromium).

    python scripts/check_rendered_reports.py build/sigmoid.pdf reports/sigmoid.html
    python scripts/check_rendered_reports.py --family build reports

1. The PDF (compiled by latexmk) holds the key results, read back with pdftotext: for
   σ's article the audit and the worked examples; for every family function its
   definition, its derivation, each claim id of its catalogue, and its float formulas.
2. The HTML opens in headless Chromium with no console message: its MathML is parsed as
   MathML elements, the figures are there, and a screenshot is not blank. The MathML is
   latex2mathml's, from the LaTeX of the PDF: no trace of SymPy's MathML printer (ⅆ, ⅇ,
   `order`) is left.

`--family PDF_DIR HTML_DIR` checks NAME.pdf and NAME.html of every function of the family
(`symbolic.functions.family_members("all")`), σ's article included.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
HTML_MUST_NOT_SAY = ["\u2146", "\u2147", "<mi>order</mi>"]  # ⅆ ⅇ, SymPy's O(x^n, (x, 0))
PDF_MUST_SAY = ["σ′ derived step by step", "What the article gets wrong", "0.1050", "refuted",
                "Higher derivatives", "Taylor series", "proved"]  # fmt: skip
ARTICLE_MIN_MATHS, ARTICLE_FIGURES = 25, 3  # σ's article
FAMILY_MIN_MATHS = 4  # a family function's report: definition, derivation, result


def _squeezed(text: str) -> str:
    """pdftotext puts spaces inside math ("σ ′") and gives TeX's quotes and minus signs
    as it set them: compare without white space, primes and minus signs as ASCII."""
    for typed, plain in (("−", "-"), ("′", "'"), ("’", "'")):
        text = text.replace(typed, plain)
    return "".join(text.split())


def check_pdf(pdf: Path, phrases: list[str] = PDF_MUST_SAY) -> None:
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    missing = [phrase for phrase in phrases if _squeezed(phrase) not in _squeezed(text)]
    if missing:
        sys.exit(f"the PDF {pdf} does not say: {missing}")
    print(f"PDF ok: {pdf} ({pdf.stat().st_size} bytes, {len(phrases)} phrases found)")


def _chromium(html: Path, profile: str, *flags: str) -> subprocess.CompletedProcess[str]:
    command = ["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *flags]
    return subprocess.run([*command, html.resolve().as_uri()],
                          capture_output=True, text=True, check=True, timeout=120)  # fmt: skip


def check_html(
    html: Path, min_maths: int = ARTICLE_MIN_MATHS, figures: int = ARTICLE_FIGURES
) -> None:
    with tempfile.TemporaryDirectory() as profile:
        # --enable-logging=stderr prints every console message as "...:CONSOLE(line)] ...".
        opened = _chromium(html, profile, "--enable-logging=stderr", "--v=0", "--dump-dom")
        dom = opened.stdout
        shot = Path(profile) / "shot.png"
        _chromium(html, profile, "--window-size=1000,1400", f"--screenshot={shot}")
        image = Image.open(shot).convert("RGB")
        colours = len(image.resize((250, 350)).getcolors(maxcolors=1 << 20))
    console = [line for line in opened.stderr.splitlines() if ":CONSOLE" in line]
    if console:
        sys.exit(f"the HTML {html} writes to the console: {console[:3]}")
    maths, svgs = dom.count("<math"), dom.count("<svg")
    stale = [text for text in HTML_MUST_NOT_SAY if text in dom]
    if stale:
        sys.exit(f"the HTML's MathML holds {stale}: it is not converted from the LaTeX")
    if maths < min_maths or svgs != figures or colours < 20:
        sys.exit(
            f"the HTML {html} does not render: {maths} MathML elements, {svgs} SVG figures, "
            f"{colours} colours"
        )
    print(f"HTML ok: {html}: {maths} MathML elements, {svgs} figures, {colours} colours")


def family_phrases(function: type) -> list[str]:
    """What a family function's PDF must say: its sections, name and every claim id."""
    from symbolic.prove.claims import load_claims

    name = function.display_name()
    phrases = ["The definition", f"{function.prime_name(1)} derived step by step", "The result",
               "Properties, with verdicts and certificates", f"{name} in floating point"]  # fmt: skip
    # The formulas' labels that pdftotext gives back as written (− is set as -).
    labels = [function.implementations[key].label.replace("−", "-")
              for key in function.report.float_formulas]  # fmt: skip
    phrases += [label for label in labels if label.isascii()]
    if function.has_catalogue():
        phrases += [claim.id for claim in load_claims(function.catalogue).claims]
    else:
        phrases.append(f"{function.language_name()} has no catalogue of claims yet")
    return phrases


def check_family(pdf_directory: Path, html_directory: Path) -> None:
    from symbolic.functions import family_members

    for function in family_members("all"):
        name = function.language_name()
        pdf, html = pdf_directory / f"{name}.pdf", html_directory / f"{name}.html"
        if function.report.template == "report":  # σ's article
            check_pdf(pdf)
            check_html(html)
            continue
        check_pdf(pdf, family_phrases(function))
        check_html(html, FAMILY_MIN_MATHS, len(function.report.plots))


if __name__ == "__main__":
    if sys.argv[1] == "--family":
        check_family(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        check_pdf(Path(sys.argv[1]))
        check_html(Path(sys.argv[2]))
