"""Reports: deterministic, committed, found from a wheel and a checkout, escaped right."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from symbolic.cli import main
from symbolic.errors import SymbolicError
from symbolic.functions import sigmoid
from symbolic.report import render as reports
from symbolic.report.model import build_claims_report, build_function_report

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sigmoid_model():
    return build_function_report(sigmoid)


def test_rendering_twice_gives_identical_bytes(sigmoid_model, tmp_path: Path) -> None:
    again = build_function_report(sigmoid)
    for fmt in ("md", "tex", "html"):
        assert reports.render(sigmoid_model, fmt) == reports.render(again, fmt)
    assert [f.svg() for f in sigmoid_model.figures] == [f.svg() for f in again.figures]


def test_committed_reports_are_up_to_date(sigmoid_model, tmp_path: Path) -> None:
    reports.write_report(sigmoid_model, ["md", "tex", "html"], str(tmp_path), "sigmoid", None)
    for name in ("sigmoid.md", "sigmoid.tex", "sigmoid.html", "figures/sigmoid.svg",
                 "figures/higher_derivatives.svg", "figures/naive_gradient_error.svg"):  # fmt: skip
        committed = (ROOT / "reports" / name).read_bytes()
        assert committed == (tmp_path / name).read_bytes(), (
            f"reports/{name} is stale: run symbolic report"
        )


def test_the_report_says_what_the_article_gets_wrong(sigmoid_model) -> None:
    markdown = reports.render(sigmoid_model, "md")
    assert "## What the article gets wrong" in markdown
    for phrase in ("monotonically decreasing", "symmetric about the vertical line x = 0",
                   "0.1048", "a 1 is missing", "0 is never attained"):  # fmt: skip
        assert phrase in markdown
    assert markdown.count("| **no** |") == 2  # the two wrong worked examples
    assert "checked ✓" in markdown and "NOT checked" not in markdown
    html = reports.render(sigmoid_model, "html")
    assert html.count("<math") >= 25 and html.count("<svg") == 3 and "<script" not in html


def test_templates_come_from_the_checkout() -> None:
    assert reports.template_directory() == ROOT / "templates"


def test_templates_come_from_an_installed_wheel(tmp_path: Path) -> None:
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True, timeout=600)  # fmt: skip
    (wheel,) = wheels.glob("symbolic-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=600)  # fmt: skip
    claims = tmp_path / "mine.claims.toml"
    claims.write_text(
        '[[claim]]\nid = "neg"\nlhs = "sigmoid(-x)"\nrhs = "1 - sigmoid(x)"\n', encoding="utf-8"
    )
    script = (
        "import symbolic.report.render as r, symbolic.report.model as m;"
        "print(r.template_directory());"
        f"print(r.render(m.build_claims_report([r'{claims}']), 'html')[:200])"
    )
    environment = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=environment, cwd=tmp_path, check=True, timeout=300)  # fmt: skip
    directory = Path(result.stdout.splitlines()[0])
    assert directory == site / "symbolic" / "templates"
    assert "<!DOCTYPE html>" in result.stdout


def test_missing_values_fail_loudly(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "templates", tmp_path / "mine")
    (tmp_path / "mine" / "report.md.j2").write_text("{{ model.no_such_field }}\n", encoding="utf-8")
    model = build_claims_report([str(ROOT / "tests" / "claims" / "sigmoid.claims.toml")])
    with pytest.raises(SymbolicError, match="no_such_field"):
        reports.render(model, "md", str(tmp_path / "mine"))


def test_user_templates_render_the_same_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    templates = tmp_path / "mine"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "report.md.j2").write_text("{{ model.summary.proved }} proved\n", encoding="utf-8")
    claims = str(ROOT / "tests" / "claims" / "sigmoid.claims.toml")
    out = tmp_path / "out"
    assert (
        main(["report", claims, "--format", "md", "--out", str(out), "--templates", str(templates)])
        == 0
    )
    assert (out / "sigmoid-report.md").read_text(encoding="utf-8") == "6 proved\n"


def test_user_text_is_escaped_for_tex_and_html(tmp_path: Path) -> None:
    claims = tmp_path / "odd.claims.toml"
    claims.write_text(
        '[[claim]]\nid = "odd_text"\ntext = "100% & $5 <script>alert(1)</script> #_{x}~^\\\\ σ′″"\n'
        'lhs = "sigmoid(-x)"\nrhs = "1 - sigmoid(x)"\n',
        encoding="utf-8",
    )
    model = build_claims_report([str(claims)])
    tex = reports.render(model, "tex")
    assert (
        r"100\% \& \$5" in tex
        and r"\#\_\{x\}\textasciitilde{}\textasciicircum{}\textbackslash{}" in tex
    )
    html = reports.render(model, "html")
    assert "<script>" not in html and "&lt;script&gt;" in html
    if reports.latexmk_available():  # CI installs TeX; a fresh machine without it skips this part
        reports.compile_pdf(tex, tmp_path / "odd.pdf")
        assert (tmp_path / "odd.pdf").stat().st_size > 1000


def test_pdf_without_tex_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(reports.shutil, "which", lambda name: None)
    assert main(["report", "--format", "pdf", "--out", "/tmp/never-written"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "apt-get install latexmk" in err
    assert not Path("/tmp/never-written/sigmoid.pdf").exists()


def test_a_claims_report_does_not_open_with_the_article(tmp_path: Path) -> None:
    """Only the sigmoid report introduces the article; a report of a user's claims says
    what it is instead (issue 11), in every format."""
    model = build_claims_report([str(ROOT / "tests" / "claims" / "sigmoid.claims.toml")])
    article = (ROOT / "templates" / "partials" / "intro.txt.j2").read_text(encoding="utf-8").strip()
    for fmt in ("md", "tex", "html"):
        text = reports.render(model, fmt)
        assert article[:60] not in text, fmt
        assert "generated by symbolic from the claims files" in text, fmt
