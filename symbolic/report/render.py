"""Rendering the report model with Jinja2 templates: Markdown, LaTeX, HTML and PDF.

Templates are looked up in this order: the directory given with --templates; the
top-level `templates/` of a source checkout (editable install); the copy inside an
installed wheel (`symbolic/templates`). StrictUndefined makes a missing value fail
loudly. LaTeX templates use ((( ))) and ((* *)) delimiters, which do not fight TeX,
and a `tex` filter for user text; HTML is autoescaped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import jinja2
from markupsafe import Markup

from symbolic.errors import SymbolicError
from symbolic.files import prepare_directory, write_atomically
from symbolic.language.printing import latex_to_mathml, markdown_escape, tex_escape
from symbolic.report.model import ReportModel

FORMATS = ("md", "tex", "html", "pdf")
BUILD_PREFIX = "symbolic-pdf-"  # build directories in tempfile.gettempdir()
STALE_SECONDS = 3600  # a build directory this old was left by a killed run: removed
FIXED_EPOCH = "0"  # the PDF's dates when SOURCE_DATE_EPOCH is not set: same input, same bytes
TEMPLATE_NAMES = {"md": "report.md.j2", "tex": "report.tex.j2", "html": "report.html.j2"}
# The templates of a family function's report (`ReportData.template` "function").
FUNCTION_TEMPLATE_NAMES = {
    fmt: name.replace("report.", "function.", 1) for fmt, name in TEMPLATE_NAMES.items()
}


def template_directory(custom: str | None = None) -> Path:
    if custom is not None:
        path = Path(custom)
        if not path.is_dir():
            raise SymbolicError(f"--templates {custom}: not a directory")
        return path
    package = Path(__file__).resolve().parent.parent  # symbolic/
    source_checkout = package.parent / "templates"
    if (source_checkout / TEMPLATE_NAMES["md"]).is_file():
        return source_checkout
    installed = package / "templates"
    if (installed / TEMPLATE_NAMES["md"]).is_file():
        return installed
    raise SymbolicError("the report templates are missing from this installation")


# Letters the family's catalogues and certificates use that `tex_escape` does not know
# (it writes ?). Only the family's templates use them (the `tex_text` filter): σ's
# committed report, which has κ, stays as it is until `tex_escape` itself learns them.
TEX_MORE = {
    "Φ": r"$\Phi$",
    "φ": r"$\varphi$",
    "ε": r"$\varepsilon$",
    "δ": r"$\delta$",
    "κ": r"$\kappa$",
    "ξ": r"$\xi$",
    "₀": r"$_0$",
    "₁": r"$_1$",
    "₂": r"$_2$",
    "ˣ": r"$^x$",
}


def tex_text(text: str) -> str:
    """`tex_escape` with the letters of TEX_MORE."""
    return "".join(TEX_MORE.get(char) or tex_escape(char) for char in str(text))


def _environment(directory: Path, fmt: str) -> jinja2.Environment:
    options: dict[str, object] = {
        "loader": jinja2.FileSystemLoader(str(directory)),
        "undefined": jinja2.StrictUndefined,
        "keep_trailing_newline": True,
        "trim_blocks": fmt != "md",
        "lstrip_blocks": fmt != "md",
        "autoescape": fmt == "html",
    }
    if fmt == "tex":
        options |= {
            "block_start_string": "((*",
            "block_end_string": "*))",
            "variable_start_string": "(((",
            "variable_end_string": ")))",
            "comment_start_string": "((=",
            "comment_end_string": "=))",
        }
    env = jinja2.Environment(**options)
    env.filters["tex"] = tex_escape
    env.filters["tex_text"] = tex_text
    env.filters["md"] = markdown_escape
    env.filters["md_line"] = markdown_line
    # LaTeX that is not a MathItem (a derivative's name, an exact zero) as MathML.
    env.filters["mathml"] = lambda latex, display=False: Markup(latex_to_mathml(latex, display))
    return env


def markdown_line(text: str) -> str:
    """User text (a file name in a title) as literal Markdown on one line: every
    character that could start markup is escaped, and line breaks become spaces."""
    text = " ".join(str(text).split())
    text = markdown_escape(text)
    for char in "#~&":  # a closing # sequence, strikethrough, entities
        text = text.replace(char, "\\" + char)
    return text


def render(model: ReportModel, fmt: str, templates: str | None = None) -> str:
    directory = template_directory(templates)
    try:
        names = FUNCTION_TEMPLATE_NAMES if model.data.template == "function" else TEMPLATE_NAMES
        template = _environment(directory, fmt).get_template(names[fmt])
        return template.render(model=model.data)
    except jinja2.TemplateNotFound as missing:
        raise SymbolicError(f"template {missing.name} not found in {directory}") from None
    except jinja2.UndefinedError as error:
        raise SymbolicError(f"template error in {directory}: {error.message}") from None
    except jinja2.TemplateSyntaxError as error:
        raise SymbolicError(
            f"template syntax error in {error.name}:{error.lineno}: {error.message}"
        ) from None


def write_report(
    model: ReportModel, formats: list[str], out: str, name: str, templates: str | None
) -> list[Path]:
    """Render and write each format into `out`; files are written atomically."""
    directory = prepare_directory(out, "--out")
    written = []
    rendered = {fmt: render(model, fmt, templates) for fmt in formats if fmt != "pdf"}
    if "pdf" in formats and "tex" not in rendered:
        rendered["tex"] = render(model, "tex", templates)
    for fmt in ("md", "tex", "html"):
        if fmt in rendered and fmt in formats:
            path = directory / f"{name}.{fmt}"
            write_atomically(str(path), rendered[fmt])
            written.append(path)
    if "md" in formats and model.figures:
        figure_directory = prepare_directory(str(directory / "figures"), "--out")
        for figure in model.figures:
            path = figure_directory / f"{figure.name}.svg"
            write_atomically(str(path), figure.svg())
            written.append(path)
    if "pdf" in formats:
        written.append(compile_pdf(rendered["tex"], directory / f"{name}.pdf"))
    return written


def latexmk_available() -> bool:
    return shutil.which("latexmk") is not None and shutil.which("pdflatex") is not None


def compile_pdf(tex: str, target: Path) -> Path:
    if not latexmk_available():
        raise SymbolicError(
            "PDF needs TeX (latexmk and pdflatex), which is not installed; on Debian or Ubuntu: "
            "apt-get install latexmk texlive-latex-recommended texlive-latex-extra texlive-pictures lmodern"
        )
    with build_directory() as build:
        source = Path(build) / "report.tex"
        # No trailer /ID (pdfTeX derives it from the time and the path): same input, same bytes.
        source.write_text("\\ifdefined\\pdftrailerid\\pdftrailerid{}\\fi\n" + tex, encoding="utf-8")
        command = ["latexmk", "-pdf", "-halt-on-error", "-interaction=nonstopmode", "report.tex"]
        environment = os.environ | {
            "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", FIXED_EPOCH),
            "FORCE_SOURCE_DATE": "1",  # \today and the CreationDate/ModDate from the epoch
        }
        result = _run_latexmk(command, build, environment)
        if result.returncode != 0:
            log = Path(build) / "report.log"
            tail = (
                log.read_text(encoding="utf-8", errors="replace")[-1500:]
                if log.exists()
                else result.stdout[-1500:]
            )
            print(tail, file=sys.stderr)
            raise SymbolicError("latexmk failed to compile the report (its log is above)")
        write_atomically(target, (Path(build) / "report.pdf").read_bytes())
    return target


def _run_latexmk(
    command: list[str], build: str, environment: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """latexmk in its own process group, so that on any exit (SIGTERM included) its
    pdflatex children are killed too, before the build directory is removed."""
    process = subprocess.Popen(
        command,
        cwd=build,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    try:
        output, _ = process.communicate()
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return subprocess.CompletedProcess(command, process.returncode, output, "")


@contextlib.contextmanager
def build_directory() -> Iterator[str]:
    """A temporary directory for latexmk, removed on every exit path we control (the
    CLI turns SIGTERM into SystemExit). A run killed outright (SIGKILL) leaves it
    behind: the next run removes those older than an hour."""
    remove_stale_build_directories()
    try:
        build = tempfile.mkdtemp(prefix=BUILD_PREFIX)
    except OSError as error:
        raise SymbolicError(
            f"cannot create a build directory in {tempfile.gettempdir()}: "
            f"{error.strerror or error} (TMPDIR chooses another place)"
        ) from None
    try:
        yield build
    except OSError as error:  # writing report.tex, reading report.pdf: disk full, quota
        raise SymbolicError(
            f"building the PDF in {build}: {error.strerror or error} (TMPDIR chooses another place)"
        ) from None
    finally:
        shutil.rmtree(build, ignore_errors=True)


def remove_stale_build_directories(now: float | None = None) -> None:
    now = time.time() if now is None else now
    with contextlib.suppress(OSError):
        for entry in os.scandir(tempfile.gettempdir()):
            if not entry.name.startswith(BUILD_PREFIX):
                continue
            with contextlib.suppress(OSError):
                status = entry.stat(follow_symlinks=False)
                old = now - status.st_mtime > STALE_SECONDS
                ours = status.st_uid == os.getuid()
                if entry.is_dir(follow_symlinks=False) and old and ours:
                    shutil.rmtree(entry.path, ignore_errors=True)
