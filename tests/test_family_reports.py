"""`symbolic report --function NAME|all` in real processes, real files.

The float thresholds the reports print are checked against where they must be, worked
out here from the formats alone (mpmath at 50 digits): log1p(exp(x)) overflows from the
first float above ln(max float); 1 + e^x rounds to 1 (so x − x·σ(−x) is x − x = 0)
from e^x ≤ 2^−p, p the format's precision; 1 + erf(x/√2) is 0 once erfc(|x|/√2) is
below half an ULP of 1.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import ml_dtypes
import mpmath
import numpy as np
import pytest

from tests.cli_common import ROOT, assert_one_line_error, environment
from tests.test_catalogue_cli import FAMILY, SMALL_CATALOGUES, run_with

REPORTS = ROOT / "reports"
TEX = subprocess.run(["which", "latexmk"], capture_output=True).returncode == 0


@pytest.fixture(autouse=True)
def _precision() -> Iterator[None]:
    """This module's references need 50 digits (conftest resets mpmath per test)."""
    mpmath.mp.dps = 50
    yield


def symbolic(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "symbolic", *args],
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=900,
    )


def table_row(markdown: str, formula: str, fmt: str) -> list[str]:
    """The cells of the float table's row for `formula` in `fmt`."""
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        if len(cells) == 4 and cells[0] == formula and cells[1] == fmt:
            return cells
    raise AssertionError(f"no row for {formula} in {fmt}")


def assert_first_float_above(text: str, bound: mpmath.mpf, dtype: type) -> None:
    """The float written as `text` is the least float of dtype above `bound`."""
    x = dtype(text)
    below = np.nextafter(x, dtype(0))
    assert mpmath.mpf(float(x)) > bound >= mpmath.mpf(float(below)), (text, bound)


@pytest.fixture(scope="module")
def softplus_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("softplus")
    result = run_with(
        SMALL_CATALOGUES,
        "report",
        "--function",
        "softplus",
        "--out",
        str(tmp / "out"),
        tmp_path=tmp,
    )
    assert result.returncode == 0, result.stderr
    return tmp / "out"


def test_softplus_report_writes_every_format(softplus_report: Path) -> None:
    names = {p.name for p in softplus_report.iterdir()}
    expected = {"softplus.md", "softplus.tex", "softplus.html", "figures"}
    assert names == expected | ({"softplus.pdf"} if TEX else set())
    assert [p.name for p in (softplus_report / "figures").iterdir()] == ["softplus.svg"]
    if TEX:
        assert (softplus_report / "softplus.pdf").read_bytes().startswith(b"%PDF")


def test_softplus_derivative_is_sigma_and_written_out(softplus_report: Path) -> None:
    md = (softplus_report / "softplus.md").read_text(encoding="utf-8")
    d = r"\frac{d}{dx}\left[\operatorname{softplus}\left(x\right)\right]"
    assert f"{d} = \\sigma\\left(x\\right)" in md
    assert f"{d} = \\frac{{e^{{x}}}}{{1 + e^{{x}}}}" in md
    assert "checked ✓" in md and "NOT checked" not in md
    tex = (softplus_report / "softplus.tex").read_text(encoding="utf-8")
    assert f"{d} = \\sigma\\left(x\\right)" in tex
    html = (softplus_report / "softplus.html").read_text(encoding="utf-8")
    assert "<math" in html and "<svg" in html and "<script" not in html


def test_softplus_catalogue_section_has_each_claim_with_its_certificate(
    softplus_report: Path,
) -> None:
    md = (softplus_report / "softplus.md").read_text(encoding="utf-8")
    assert "2 proved, 0 refuted, 0 unknown; 0 not as expected." in md
    for claim in ("deriv", "at_zero"):
        assert f"### `{claim}`: proved" in md
    assert md.count("<details><summary>Certificate") == 2


def test_softplus_float_formulas_fail_where_the_formats_say(softplus_report: Path) -> None:
    md = (softplus_report / "softplus.md").read_text(encoding="utf-8")
    # log1p(exp(x)) overflows: never wrongly 0, every digit lost from ln(max) on.
    for fmt, dtype in (("float64", np.float64), ("float32", np.float32)):
        _, _, zero, lost = table_row(md, "softplus as log1p(exp(x))", fmt)
        assert zero == "never"
        assert_first_float_above(lost, mpmath.log(mpmath.mpf(float(np.finfo(dtype).max))), dtype)
    # log(1 + exp(x)): 1 + e^x rounds to 1 once e^x ≤ 2^−p (ties to even): 0 from there.
    for fmt, dtype, p in (("float64", np.float64, 53), ("float32", np.float32, 24)):
        _, _, zero, _ = table_row(md, "softplus as log(1 + exp(x))", fmt)
        bound = -p * mpmath.log(2)
        x = dtype(zero)
        assert mpmath.mpf(float(x)) <= bound < mpmath.mpf(float(np.nextafter(x, dtype(0))))
    # The stable formula keeps every digit.
    for fmt in ("float64", "float32"):
        row = table_row(md, r"softplus as max(x, 0) + log1p(exp(−\|x\|))", fmt)
        assert row[2:] == ["never", "never"]


# bfloat16: every value of the format in the tables' range, in NumPy/ml_dtypes.
BFLOAT16 = np.dtype(ml_dtypes.bfloat16)


def bfloat16_inputs(negative: bool) -> np.ndarray:
    """Every bfloat16 x of one sign with 0.0122 ≤ |x| ≤ 800 (the float tables' range, as
    the reports state it), |x| increasing."""
    bits = np.arange(1 << 15, dtype=np.uint16) | np.uint16(0x8000 if negative else 0)
    x = bits.view(BFLOAT16)
    with np.errstate(invalid="ignore"):  # the NaN patterns, left out just below
        size = np.abs(x.astype(np.float64))
    return x[(size >= 0.0122) & (size <= 800)]


def bfloat16_after(bound: mpmath.mpf) -> float:
    """The least bfloat16 above `bound` > 0, found by walking the format's values."""
    x = bfloat16_inputs(negative=False).astype(np.float64)
    return float(x[np.flatnonzero([mpmath.mpf(float(v)) > bound for v in x])[0]])


def in_float32(formula: object, x: np.ndarray) -> np.ndarray:
    """What the reports say bfloat16 runs: the input exactly in float32, the formula in
    float32, the result rounded once to bfloat16."""
    with np.errstate(all="ignore"):
        return np.asarray(formula(x.astype(np.float32))).astype(BFLOAT16).astype(np.float64)


def test_softplus_float_formulas_fail_where_the_formats_say_in_bfloat16(
    softplus_report: Path,
) -> None:
    md = (softplus_report / "softplus.md").read_text(encoding="utf-8")
    # log1p(exp(x)), computed in float32: exp overflows from the first float32 above
    # ln(max float32), so every digit is lost from the first bfloat16 above it, although
    # softplus(x) ≈ x is far below bfloat16's max.
    edge = bfloat16_after(mpmath.log(mpmath.mpf(float(np.finfo(np.float32).max))))
    _, _, zero, lost = table_row(md, "softplus as log1p(exp(x))", "bfloat16")
    assert zero == "never"
    assert float(BFLOAT16.type(lost)) == edge
    # Exhaustively, over every positive bfloat16 of the range: inf from there on, finite
    # before, while mpmath's softplus rounds to a finite bfloat16 at the edge.
    x = bfloat16_inputs(negative=False)
    got = in_float32(lambda w: np.log1p(np.exp(w)), x)
    assert np.all(np.isinf(got) == (x.astype(np.float64) >= edge))
    true = mpmath.log(1 + mpmath.exp(mpmath.mpf(edge)))
    assert np.isfinite(BFLOAT16.type(float(true)))
    # log(1 + exp(x)): 1 + e^x rounds to 1 in float32 once e^x ≤ 2^−24 (ties to even),
    # so the result is 0 from the first bfloat16 at or beyond −24·ln 2 on; softplus(x)
    # ≈ e^x is still far from bfloat16's least subnormal there.
    _, _, zero, _ = table_row(md, "softplus as log(1 + exp(x))", "bfloat16")
    bound = 24 * mpmath.log(2)
    edge = -bfloat16_after(bound)
    assert float(BFLOAT16.type(zero)) == edge
    x = bfloat16_inputs(negative=True)
    got = in_float32(lambda w: np.log(1 + np.exp(w)), x)
    assert np.all((got == 0) == (x.astype(np.float64) <= edge))
    true = mpmath.log(1 + mpmath.exp(mpmath.mpf(edge)))
    assert float(BFLOAT16.type(float(true))) != 0
    row = table_row(md, r"softplus as max(x, 0) + log1p(exp(−\|x\|))", "bfloat16")
    assert row[2:] == ["never", "never"]


@pytest.mark.parametrize("name", FAMILY)
def test_every_float_table_has_a_bfloat16_row_per_formula(name: str) -> None:
    """The committed reports (CI regenerates and diffs them): each formula measured has
    a row in bfloat16, float32 and float64."""
    from symbolic.functions import FAMILY as REGISTRY

    md = (REPORTS / f"{name}.md").read_text(encoding="utf-8")
    rows = [
        [c.strip() for c in line.strip("|").split(" | ")]
        for line in md.splitlines()
        if line.startswith("| ")
    ]
    by_format = {
        fmt: [cells[0] for cells in rows if len(cells) == 4 and cells[1] == fmt]
        for fmt in ("bfloat16", "float32", "float64")
    }
    assert len(by_format["bfloat16"]) == len(REGISTRY[name].report.float_formulas)
    assert by_format["bfloat16"] == by_format["float32"] == by_format["float64"]
    if name == "sigmoid":
        # σ(x) rounds to 1 in bfloat16 once 1 − σ(x) = σ(−x) ≤ 2^−9, half an ULP below 1
        # (a tie goes to 1, the even one): from x = ln 511 on; the table's x is the first
        # point of its 1/64 grid there.
        saturation = [cells for cells in rows if len(cells) == 3 and cells[0] == "bfloat16"]
        assert len(saturation) == 1
        x = float(saturation[0][1])
        assert x - 1 / 64 < mpmath.log(511) <= x


def _bfloat16_thresholds(md: str) -> set[float]:
    values = set()
    for line in md.splitlines():
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        if len(cells) == 4 and cells[1] == "bfloat16":
            values |= {abs(float(BFLOAT16.type(c))) for c in cells[2:] if c != "never"}
    return values


@pytest.mark.parametrize("name", [f for f in FAMILY if f != "sigmoid"])
def test_the_bfloat16_prose_states_the_table(name: str) -> None:
    """Every threshold the report's prose gives for bfloat16 ("from −16.75") is a bfloat16,
    written exactly, and one of the bfloat16 thresholds of the table."""
    import re

    from symbolic.functions import FAMILY as REGISTRY

    note = REGISTRY[name].report.float_note
    bfloat16 = note[note.index("In bfloat16") :]
    numbers = re.findall(r"(?:from|below) (−?\d+(?:\.\d+)?)", bfloat16)
    assert numbers
    table = _bfloat16_thresholds((REPORTS / f"{name}.md").read_text(encoding="utf-8"))
    for number in numbers:
        value = abs(float(number.replace("−", "-")))
        assert float(BFLOAT16.type(value)) == value, number
        assert value in table, (number, sorted(table))


@pytest.mark.parametrize("name", [f for f in FAMILY if f != "sigmoid"])
def test_a_family_formula_in_bfloat16_is_its_float32_value_rounded_once(name: str) -> None:
    """What the function reports say of bfloat16: the formula runs in float32 and its
    result is rounded once (checked on every bfloat16 of the tables' range)."""
    from symbolic.functions import FAMILY as REGISTRY
    from symbolic.grade.implementations import resolve

    function = REGISTRY[name]
    x = np.concatenate([bfloat16_inputs(negative=False), bfloat16_inputs(negative=True)])
    for impl, order in function.report.float_formulas:
        named = (function, order)
        implementation = resolve(impl, named)
        with np.errstate(all="ignore"):
            got = np.asarray(implementation(x)).astype(BFLOAT16).astype(np.float64)
        want = in_float32(implementation, x)
        same = (got == want) | (np.isnan(got) & np.isnan(want))
        assert same.all(), (impl, x[~same][:3])


def test_gelu_with_erf_is_wrongly_zero_where_float32_says_in_bfloat16(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """1 + erf(x/√2), computed in float32, is 0 once erfc(|x|/√2) ≤ 2^−25: GELU as
    (x/2)·(1 + erf(x/√2)) is wrongly 0 from the first bfloat16 beyond that edge.
    Measured afresh (bfloat16 only, for speed) and in the committed report."""
    from symbolic.functions import FAMILY as REGISTRY
    from symbolic.grade import grading

    monkeypatch.setattr(grading, "FLOAT_FACT_FORMATS", ("bfloat16",))

    edge = -bfloat16_after(mpmath.sqrt(2) * mpmath.erfinv(1 - mpmath.mpf(2) ** -25))
    label = "GELU as (x/2)·(1 + erf(x/√2)), scipy.special.erf"
    (row,) = [
        r
        for r in grading.float_facts(REGISTRY["gelu"])
        if r["formula"] == label and r["format"] == "bfloat16"
    ]
    assert float(BFLOAT16.type(row["zero_from"])) == edge
    # The true GELU there is far from bfloat16's underflow (mpmath, rounded to bfloat16).
    true = mpmath.mpf(edge) * mpmath.ncdf(edge)
    assert float(BFLOAT16.type(float(true))) < 0
    # Exhaustively over the negative bfloat16s: 0 from the edge on, not 0 before it.
    from scipy.special import erf

    x = bfloat16_inputs(negative=True)
    got = in_float32(lambda w: w / 2 * (1 + erf(w / np.sqrt(np.float32(2)))), x)
    assert np.all((got == 0) == (x.astype(np.float64) <= edge))
    md = (REPORTS / "gelu.md").read_text(encoding="utf-8")
    assert table_row(md, label, "bfloat16")[2] == row["zero_from"]


@pytest.mark.slow
def test_all_writes_every_function_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = symbolic(
        "report", "--function", "all", "--format", "md", "--out", str(out), cwd=tmp_path
    )
    assert result.returncode in (0, 1), result.stderr  # 1: a catalogue claim not yet proved
    written = sorted(p.name for p in out.glob("*.md"))
    assert written == sorted(f"{name}.md" for name in FAMILY)
    # σ's is the article's report, byte for byte the committed one.
    assert (out / "sigmoid.md").read_bytes() == (REPORTS / "sigmoid.md").read_bytes()
    silu = (out / "silu.md").read_text(encoding="utf-8")
    # x − x·σ(−x) is exactly 0 once σ(−x) rounds to 1, i.e. once e^x ≤ 2^−53.
    _, _, zero, _ = table_row(silu, "SiLU as x − x·σ(−x)", "float64")
    assert abs(float(zero) - float(-53 * mpmath.log(2))) < 1e-12
    gelu = (out / "gelu.md").read_text(encoding="utf-8")
    # 1 + erf(x/√2) is 0 once erfc(|x|/√2) ≤ 2^−(p+1): −5.5426 in float32, −8.3744 in float64.
    for fmt, p in (("float32", 24), ("float64", 53)):
        _, _, zero, _ = table_row(gelu, "GELU as (x/2)·(1 + erf(x/√2)), scipy.special.erf", fmt)
        edge = mpmath.sqrt(2) * mpmath.erfinv(1 - mpmath.mpf(2) ** -(p + 1))
        assert abs(float(zero) + float(edge)) < 1e-6, (fmt, zero, edge)


def test_function_sigmoid_is_the_articles_report(tmp_path: Path) -> None:
    result = symbolic(
        "report", "--function", "sigmoid", "--format", "html", "--out", str(tmp_path), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "sigmoid.html").read_bytes() == (REPORTS / "sigmoid.html").read_bytes()


def test_a_function_without_a_catalogue_says_so(tmp_path: Path) -> None:
    result = run_with(
        {}, "report", "--function", "tanh", "--format", "md", "--out", "out", tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    md = (tmp_path / "out" / "tanh.md").read_text(encoding="utf-8")
    assert "tanh has no catalogue of claims yet." in md
    assert "not as expected" not in md
    # tanh′ = 1 − tanh², derived with tanh as SymPy's own function.
    assert r"\frac{d}{dx}\left[\tanh{\left(x \right)}\right] = 1 - \tanh^{2}{\left(x \right)}" in md
    # 1 − t² is 0 where np.tanh gives exactly 1 (glibc's tanh does so a little before the
    # correctly rounded edge atanh(1 − 2^−54) ≈ 19.06): checked here float by float.
    _, _, zero, _ = table_row(md, "tanh′ as 1 − t², t = np.tanh(x)", "float64")
    x = float(zero)
    assert 18 < x <= float(mpmath.atanh(1 - mpmath.mpf(2) ** -54))
    assert np.tanh(x) == 1.0 and np.tanh(np.nextafter(x, 0)) < 1.0


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--function", "relu"),
        ("report", "--function", "Softplus"),
        ("report", "--function", ""),
    ],
)
def test_a_bad_name_is_one_line_and_leaves_nothing(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = symbolic(*args, "--out", str(tmp_path / "new"), cwd=tmp_path)
    line = assert_one_line_error(result, "--function")
    for name in [*FAMILY, "swish", "all"]:
        assert name in line
    assert list(tmp_path.iterdir()) == []


def test_a_file_and_a_function_together_are_refused(tmp_path: Path) -> None:
    claims = ROOT / "symbolic" / "functions" / "sigmoid.claims.toml"
    result = symbolic(
        "report", str(claims), "--function", "tanh", "--out", str(tmp_path / "new"), cwd=tmp_path
    )
    assert_one_line_error(result, "--function")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_function_report_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    for name in ("one", "two"):
        result = run_with({}, "report", "--function", "tanh", "--out", name, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
    one = sorted(
        p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file()
    )
    two = sorted(
        p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file()
    )
    assert one == two and len(one) == 4 + TEX
    for path in one:
        assert (tmp_path / "one" / path).read_bytes() == (tmp_path / "two" / path).read_bytes(), (
            path
        )


def test_the_committed_family_reports_are_there() -> None:
    """Every function of the family has its report committed (CI regenerates and diffs)."""
    for name in FAMILY:
        for suffix in ("md", "tex", "html"):
            assert (REPORTS / f"{name}.{suffix}").is_file(), (name, suffix)
        assert (REPORTS / "figures" / f"{name}.svg").is_file(), name


# The family's definitions and first derivatives in mpmath, written out here.
def _sigma(x: mpmath.mpf) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-x))


def _gelu_tanh(x: mpmath.mpf) -> mpmath.mpf:
    v = mpmath.sqrt(2 / mpmath.pi) * (x + mpmath.mpf(44715) / 10**6 * x**3)
    return x / 2 * (1 + mpmath.tanh(v))


MPMATH = {
    ("tanh", 0): mpmath.tanh,
    ("tanh", 1): lambda x: mpmath.sech(x) ** 2,
    ("softplus", 0): lambda x: mpmath.log(1 + mpmath.exp(x)),
    ("log_sigmoid", 0): lambda x: mpmath.log(_sigma(x)),
    ("silu", 0): lambda x: x * _sigma(x),
    ("silu", 1): lambda x: mpmath.diff(lambda t: t * _sigma(t), x),
    ("gelu", 0): lambda x: x * mpmath.ncdf(x),
    ("gelu_tanh", 0): _gelu_tanh,
    ("mish", 0): lambda x: x * mpmath.tanh(mpmath.log(1 + mpmath.exp(x))),
}


@pytest.mark.parametrize("name", [f for f in FAMILY if f != "sigmoid"])
def test_every_float_formula_of_a_report_computes_its_function(name: str) -> None:
    """Where no float trouble is expected (|x| ≤ 3, float64), each formula a report
    measures is within 1e-12 of the function (mpmath): a mislabelled formula cannot pass."""
    from symbolic.functions import FAMILY as REGISTRY

    function = REGISTRY[name]
    xs = np.linspace(-3, 3, 25)
    assert function.report.float_formulas
    for key in function.report.float_formulas:
        formula = function.implementations[key]
        got = formula.make()(xs)
        want = np.array([float(MPMATH[name, formula.order](mpmath.mpf(float(x)))) for x in xs])
        assert np.all(np.abs(got - want) <= 1e-12 * np.abs(want) + 1e-300), formula.label


@pytest.mark.skipif(not TEX, reason="TeX is not installed")
def test_sigterm_during_all_stops_every_report_and_leaves_nothing_behind(tmp_path: Path) -> None:
    """`--function all` builds reports side by side in child processes: SIGTERM reaches
    each of them, latexmk's build directories and half-written files are removed."""
    import os
    import signal
    import time

    from symbolic.report import render
    from tests.cli_common import start
    from tests.test_hostile_inputs import _group_is_gone, _wait_for, debris

    temporary, out = tmp_path / "tmp", tmp_path / "out"
    temporary.mkdir()
    process = start(
        "report", "--function", "all", "--out", str(out), cwd=tmp_path, TMPDIR=str(temporary)
    )
    try:
        started = _wait_for(lambda: any(temporary.glob(render.BUILD_PREFIX + "*")), 300)
        assert started, "latexmk never started"
        time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert stderr.splitlines() == ["symbolic: terminated (SIGTERM)"]
    assert _wait_for(lambda: _group_is_gone(process.pid), 5)
    assert list(temporary.iterdir()) == []
    assert debris(out) == []


@pytest.mark.parametrize("name", [f for f in FAMILY if f != "sigmoid"])
def test_a_committed_report_shows_the_same_formulas_in_every_format(name: str) -> None:
    """Every displayed formula of the Markdown is in the TeX as it is, and in the HTML as
    latex2mathml's MathML of it (one source of formulas, as for σ's report)."""
    import re

    from latex2mathml.converter import convert

    md = (REPORTS / f"{name}.md").read_text(encoding="utf-8")
    tex = (REPORTS / f"{name}.tex").read_text(encoding="utf-8")
    html = (REPORTS / f"{name}.html").read_text(encoding="utf-8")
    blocks = re.findall(r"^( *)\$\$\n\1(.+)\n\1\$\$$", md, flags=re.MULTILINE)
    assert len(blocks) >= 4  # the definition, the start of each route, the result
    for _, latex in blocks:
        latex = latex.removeprefix("= ")
        assert latex in tex, latex
        inline, display = convert(latex), convert(latex, display="block")
        assert inline in html or display in html, latex
    assert html.count("<math") >= len(blocks)
