"""CI check of the reports as a reader opens them (run by .ci/run, needs TeX and Chromium).

1. The PDF (compiled by latexmk) holds the key results, read back with pdftotext.
2. The HTML opens in headless Chromium: its MathML is parsed as MathML elements, the
   figures are there, and a screenshot is not blank. The MathML is latex2mathml's, from
   the LaTeX of the PDF: no trace of SymPy's MathML printer (ⅆ, ⅇ, `order`) is left.
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


def _squeezed(text: str) -> str:
    """pdftotext puts spaces inside math ("σ ′"): compare without any white space."""
    return "".join(text.split())


def check_pdf(pdf: Path) -> None:
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    missing = [phrase for phrase in PDF_MUST_SAY if _squeezed(phrase) not in _squeezed(text)]
    if missing:
        sys.exit(f"the PDF does not say: {missing}")
    print(f"PDF ok: {pdf} ({pdf.stat().st_size} bytes)")


def check_html(html: Path) -> None:
    with tempfile.TemporaryDirectory() as profile:
        flags = [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        dom = subprocess.run(["chromium", *flags, "--dump-dom", html.resolve().as_uri()],
                             capture_output=True, text=True, check=True, timeout=120).stdout  # fmt: skip
        shot = Path(profile) / "shot.png"
        subprocess.run(["chromium", *flags, "--window-size=1000,1400", f"--screenshot={shot}",
                        html.resolve().as_uri()], capture_output=True, check=True, timeout=120)  # fmt: skip
        image = Image.open(shot).convert("RGB")
        colours = len(image.resize((250, 350)).getcolors(maxcolors=1 << 20))
    maths, svgs = dom.count("<math"), dom.count("<svg")
    stale = [text for text in HTML_MUST_NOT_SAY if text in dom]
    if stale:
        sys.exit(f"the HTML's MathML holds {stale}: it is not converted from the LaTeX")
    if maths < 25 or svgs != 3 or colours < 20:
        sys.exit(
            f"the HTML does not render: {maths} MathML elements, {svgs} SVG figures, {colours} colours"
        )
    print(f"HTML ok: {maths} MathML elements, {svgs} figures, screenshot with {colours} colours")


if __name__ == "__main__":
    check_pdf(Path(sys.argv[1]))
    check_html(Path(sys.argv[2]))
