"""Hostile inputs (issue 12): every bad claims file, file that is not a file, output
path that cannot be written and signal mid-run ends in exit 0 with a right answer or
exit 2 with one line on stderr: no traceback, no hang, no debris.

Real processes for exit codes and signals; real files (tmp_path, os.mkfifo, chmod).
"""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from symbolic.cli import main
from symbolic.errors import SymbolicError
from symbolic.files import claims_paths, read_bounded_text, write_atomically
from symbolic.prove import verify
from symbolic.prove.claims import load_claims_text
from symbolic.prove.verdict import Verdict
from symbolic.report import render
from tests.cli_common import assert_one_line_error, environment, start

GOOD = '[[claim]]\nid = "deriv"\nlhs = "diff(sigmoid(x), x)"\nrhs = "sigmoid(x)*(1 - sigmoid(x))"\n'
MIXED = (
    '[[claim]]\nid = "pos"\nkind = "inequality"\nlhs = "sigmoid(x)"\nop = ">"\nrhs = "0"\n\n'
    '[[claim]]\nid = "wrong"\nkind = "inequality"\nlhs = "sigmoid(x)"\nop = ">"\nrhs = "1/2"\n\n'
    '[[claim]]\nid = "known_false"\nlhs = "sigmoid(x)"\nrhs = "1/2"\nexpect = "refuted"\n'
)
SLOW = '[[claim]]\nid = "slow"\nlhs = "diff(sigmoid(x), x, 60)"\nrhs = "0"\n'
NEEDS_TEX = pytest.mark.skipif(not render.latexmk_available(), reason="TeX is not installed")


def run(
    *args: str, cwd: Path, timeout: float = 60, **kwargs: object
) -> subprocess.CompletedProcess:
    """The command in a real process, as a user runs it."""
    options: dict[str, object] = {"env": environment()} | kwargs
    return subprocess.run(
        [sys.executable, "-m", "symbolic", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **options,
    )


def debris(directory: Path) -> list[str]:
    """Hidden temporary files and build directories left behind."""
    return sorted(
        str(p.relative_to(directory))
        for p in directory.rglob("*")
        if p.name.endswith(".tmp") or p.name.startswith(render.BUILD_PREFIX)
    )


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.claims.toml"
    path.write_text(GOOD, encoding="utf-8")
    return path


# --- 1. Loading: wrong types, deep nesting, parameters, composed definitions ---------

CLAIM = '[[claim]]\nid = "a"\n'
LOADING_CASES = {
    "lhs is a table": CLAIM + 'lhs = {a = 1}\nrhs = "x"\n',
    "rhs is an array": CLAIM + 'lhs = "x"\nrhs = ["x"]\n',
    "kind is a table": CLAIM + 'kind = {a = 1}\nlhs = "x"\nrhs = "x"\n',
    "kind is an array": CLAIM + 'kind = ["identity"]\nlhs = "x"\nrhs = "x"\n',
    "expect is a table": CLAIM + 'lhs = "x"\nrhs = "x"\nexpect = {a = 1}\n',
    "id is a table": '[[claim]]\nid = {a = 1}\nlhs = "x"\nrhs = "x"\n',
    "id is missing": '[[claim]]\nlhs = "x"\nrhs = "x"\n',
    "domain is a table": CLAIM + 'lhs = "x"\nrhs = "x"\ndomain = {a = 1}\n',
    "domain is an array": CLAIM + 'lhs = "x"\nrhs = "x"\ndomain = ["0", "1"]\n',
    "text is a table": CLAIM + 'lhs = "x"\nrhs = "x"\ntext = {a = 1}\n',
    "op is a table": CLAIM + 'kind = "inequality"\nlhs = "x"\nop = {a = 1}\nrhs = "x"\n',
    "parity is an array": CLAIM + 'kind = "parity"\nexpr = "x"\nparity = ["odd"]\n',
    "strict is a table": CLAIM
    + 'kind = "monotone"\nexpr = "x"\ndirection = "increasing"\nstrict = {}\n',
    "center holds a table": CLAIM + 'kind = "symmetry"\nexpr = "x"\ncenter = [{a = 1}, "0"]\n',
    "zeros hold arrays": CLAIM + 'kind = "zeros"\nexpr = "x"\nzeros = [[["0"]]]\n',
    "point is a date": CLAIM + 'kind = "limit"\nexpr = "x"\npoint = 1979-05-27\nvalue = "0"\n',
    "point is nan": CLAIM + 'kind = "limit"\nexpr = "x"\npoint = nan\nvalue = "0"\n',
    "at is inf": CLAIM + 'kind = "extremum"\nexpr = "x"\ntype = "max"\nat = inf\nvalue = "0"\n',
    "digits is a table": CLAIM
    + 'kind = "value"\nexpr = "x"\nat = "0"\nvalue = "0"\ndigits = {a = 1}\n',
    "parameter assumption is a table": "[parameters]\nk = {a = 1}\n"
    + CLAIM
    + 'lhs = "x"\nrhs = "x"\n',
    "parameter assumption is an array": '[parameters]\nk = ["positive"]\n'
    + CLAIM
    + 'lhs = "x"\nrhs = "x"\n',
    "definition is a table": "[definitions]\nf = {a = 1}\n" + CLAIM + 'lhs = "f(x)"\nrhs = "x"\n',
    "claim is an array of text": 'claim = ["a"]\n',
    "no claims": '[parameters]\nk = "positive"\n',
    "unknown table": '[claims]\nid = "a"\n',
    "array nested 5000 deep": CLAIM + 'lhs = "x"\nrhs = "x"\nexpect = ' + "[" * 5000 + "]" * 5000,
    "table nested 5000 deep": CLAIM
    + 'lhs = "x"\nrhs = "x"\ntext = '
    + "{a = " * 5000
    + "1"
    + "}" * 5000,
    "array nested 300 deep as a domain": CLAIM
    + 'lhs = "x"\nrhs = "x"\ndomain = '
    + "[" * 300
    + "]" * 300,
    "domain names an undeclared parameter": CLAIM + 'lhs = "x"\nrhs = "x"\ndomain = "(k, oo)"\n',
    "domain uses x": CLAIM + 'lhs = "x"\nrhs = "x"\ndomain = "(x, 1)"\n',
    "not TOML": "[[claim\n",
    "not UTF-8 is tested below": CLAIM + 'lhs = "x"\nrhs = "x"\nsource = 1\n',
}


@pytest.mark.parametrize("text", LOADING_CASES.values(), ids=LOADING_CASES.keys())
def test_a_bad_claims_file_is_one_line_and_exit_2(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.claims.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["verify", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"symbolic: error: {path}"), captured.err
    # a table or a 5000-deep array is named, not printed (the path itself may be long)
    assert len(lines[0]) - len(str(path)) < 400


def test_nesting_past_the_recursion_limit_names_the_file_and_the_problem() -> None:
    with pytest.raises(SymbolicError, match=r"f\.toml: malformed TOML: .*nested too deeply"):
        load_claims_text("a = " + "[" * 5000 + "]" * 5000, "f.toml")


def test_a_domain_with_a_parameter_is_proved_in_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "param.claims.toml"
    path.write_text(
        '[parameters]\nk = "positive"\n'
        '[[claim]]\nid = "mono"\nkind = "monotone"\nexpr = "sigmoid(x)"\n'
        'direction = "increasing"\nstrict = true\ndomain = "(k, oo)"\n'
        '[[claim]]\nid = "pos"\nkind = "inequality"\nlhs = "sigmoid(x)"\nop = ">"\nrhs = "0"\n'
        'domain = "[0, k]"\n',
        encoding="utf-8",
    )
    result = run("verify", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "for x in (k, oo)" in result.stdout and "Traceback" not in result.stderr


def _composed(depth: int, base: str) -> str:
    lines = ["[definitions]", f'f0 = "{base}"']
    lines += [f'f{i} = "f{i - 1}(f{i - 1}(x))"' for i in range(1, depth + 1)]
    return "\n".join([*lines, CLAIM + f'lhs = "f{depth}(x)"\nrhs = "x"\n'])


@pytest.mark.parametrize(
    "text",
    [
        _composed(5, "sigmoid(x)*x + exp(x)"),
        _composed(8, "sigmoid(x)*x + exp(x)"),
        _composed(6, "log(x) + x**2"),
        '[definitions]\nf = "sigmoid(x)*x + exp(x)"\n'
        + CLAIM
        + 'lhs = "'
        + "f(" * 20
        + "x"
        + ")" * 20
        + '"\nrhs = "x"\n',
    ],
    ids=["composed 5 deep", "composed 8 deep", "with conditions", "one definition nested 20 deep"],
)
def test_composed_definitions_stop_at_the_size_bound_at_once(text: str, tmp_path: Path) -> None:
    path = tmp_path / "composed.claims.toml"
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    result = run("verify", str(path), cwd=tmp_path, timeout=60)
    assert time.monotonic() - started < 30
    assert_one_line_error(result, "parts", "definition")


def test_composition_that_stays_small_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "small.claims.toml"  # f7(x) = x + 128: SymPy keeps it small
    path.write_text(_composed(7, "x + 1").replace('rhs = "x"', 'rhs = "x + 128"'), encoding="utf-8")
    result = run("verify", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr


# --- 2. Files that are not files; DIR arguments --------------------------------------


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.claims.toml"
    os.mkfifo(fifo)
    assert_one_line_error(run("verify", str(fifo), cwd=tmp_path, timeout=30), "not a regular file")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_refused_without_reading_it(device: str, tmp_path: Path) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    assert_one_line_error(run("verify", device, cwd=tmp_path, timeout=30), "not a regular file")


def test_a_symbolic_link_to_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.claims.toml"
    link.symlink_to("/dev/zero")
    with pytest.raises(SymbolicError, match="not a regular file"):
        read_bounded_text(link, 1000)


def test_a_huge_file_is_refused_by_its_size_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.claims.toml"
    with open(path, "wb") as handle:
        handle.truncate(6_000_000)  # sparse: reading it would take its size in memory
    assert_one_line_error(run("verify", str(path), cwd=tmp_path), "larger than")


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"\xff\xfe[[claim]]", "not UTF-8"), (b"", "no [[claim]]"), (b"\x00\x01", "malformed")],
    ids=["not UTF-8", "empty", "binary"],
)
def test_bytes_that_are_not_a_claims_file(content: bytes, words: str, tmp_path: Path) -> None:
    path = tmp_path / "odd.claims.toml"
    path.write_bytes(content)
    assert_one_line_error(run("verify", str(path), cwd=tmp_path), words)


def test_a_missing_file_and_an_empty_directory_are_clear_errors(tmp_path: Path) -> None:
    assert_one_line_error(run("verify", str(tmp_path / "nope.toml"), cwd=tmp_path), "nope.toml")
    (tmp_path / "empty").mkdir()
    assert_one_line_error(
        run("verify", str(tmp_path / "empty"), cwd=tmp_path), "no *.claims.toml files"
    )


def test_verify_dir_runs_every_claims_file_under_it_in_sorted_order(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    for relative in ("b/c/z.claims.toml", "a/y.claims.toml", "a.claims.toml"):
        (tree / relative).parent.mkdir(parents=True, exist_ok=True)
        (tree / relative).write_text(GOOD, encoding="utf-8")
    (tree / "notes.toml").write_text("not = 'claims'\n", encoding="utf-8")
    (tree / ".git").mkdir()
    (tree / ".git" / "bad.claims.toml").write_text("[[claim", encoding="utf-8")
    expected = [str(tree / r) for r in ("a.claims.toml", "a/y.claims.toml", "b/c/z.claims.toml")]
    assert claims_paths([str(tree)]) == expected
    result = run("verify", str(tree), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.findall(r'"file": "([^"]+)"', result.stdout) == expected


# --- 3. Output paths -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("out-is-a-file", ("--out", "not a directory")),
        ("out-under-a-file", ("--out", "not a directory")),
        ("junit-is-a-directory", ("--junit", "is a directory")),
        ("junit-parent-missing", ("--junit", "does not exist")),
        ("junit-is-a-device", ("--junit", "not a regular file")),
        ("summary-parent-missing", ("GITHUB_STEP_SUMMARY", "does not exist")),
        ("summary-is-a-directory", ("GITHUB_STEP_SUMMARY", "is a directory")),
        ("plot-parent-missing", ("--plot", "does not exist")),
        ("plot-is-a-directory", ("--plot", "is a directory")),
    ],
)
def test_an_output_path_that_cannot_be_written(
    case: str, words: tuple[str, ...], tmp_path: Path, good: Path
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("keep me\n", encoding="utf-8")
    missing = tmp_path / "missing" / "deeper" / "out.xml"
    env = environment()
    args = {
        "out-is-a-file": ["report", str(good), "--format", "md", "--out", str(afile)],
        "out-under-a-file": ["report", str(good), "--format", "md", "--out", str(afile / "sub")],
        "junit-is-a-directory": ["verify", str(good), "--junit", str(tmp_path)],
        "junit-parent-missing": ["verify", str(good), "--junit", str(missing)],
        "junit-is-a-device": ["verify", str(good), "--junit", os.devnull],
        "summary-parent-missing": ["verify", str(good)],
        "summary-is-a-directory": ["verify", str(good)],
        "plot-parent-missing": ["grade", "naive", "--samples", "10", "--plot", str(missing)],
        "plot-is-a-directory": ["grade", "naive", "--samples", "10", "--plot", str(tmp_path)],
    }[case]
    if case == "summary-parent-missing":
        env["GITHUB_STEP_SUMMARY"] = str(missing)
    if case == "summary-is-a-directory":
        env["GITHUB_STEP_SUMMARY"] = str(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run(*args, cwd=tmp_path, env=env)
    line = assert_one_line_error(result, *words)
    assert result.stdout == ""
    path_named = {
        "junit-is-a-device": os.devnull,
        "out-is-a-file": str(afile),
        "out-under-a-file": str(afile / "sub"),
    }.get(case, str(missing) if "missing" in case else str(tmp_path))
    assert path_named in line
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing created
    assert afile.read_text(encoding="utf-8") == "keep me\n"
    assert Path(os.devnull).is_char_device()  # never replaced by a regular file


def test_out_dir_is_created_with_its_parents(tmp_path: Path, good: Path) -> None:
    out = tmp_path / "new" / "deep" / "dir"
    result = run("report", str(good), "--format", "md", "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (out / "good-report.md").is_file() and debris(tmp_path) == []


PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


def _drop_root_overrides() -> None:
    """In the child before exec: root without CAP_DAC_OVERRIDE obeys permission bits,
    so a read-only directory is read-only for it too."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _unprivileged() -> dict[str, object]:
    return {"preexec_fn": _drop_root_overrides} if os.geteuid() == 0 else {}


@pytest.mark.parametrize("target", ["out", "junit"])
def test_a_read_only_directory_is_one_line(target: str, tmp_path: Path, good: Path) -> None:
    readonly = tmp_path / "ro"
    readonly.mkdir()
    readonly.chmod(0o555)
    claims = good
    args = {
        "out": ["report", str(claims), "--format", "md", "--out", str(readonly)],
        "junit": ["verify", str(claims), "--junit", str(readonly / "j.xml")],
    }[target]
    try:
        result = run(*args, cwd=tmp_path, **_unprivileged())
    except subprocess.SubprocessError as error:  # the capability could not be dropped
        pytest.skip(f"cannot run without root's permission override: {error}")
    line = assert_one_line_error(result, str(readonly))
    assert "ermission denied" in line
    assert list(readonly.iterdir()) == []
    readonly.chmod(0o755)


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))


def test_a_write_that_fails_midway_leaves_no_temporary_file(tmp_path: Path, good: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "report", str(good), "--format", "md", "--out", str(out), cwd=tmp_path,
        preexec_fn=_limit_file_size,
    )  # fmt: skip
    assert_one_line_error(result, "good-report.md", "cannot write", "too large")
    assert list(out.iterdir()) == []  # neither the report nor a .tmp


def test_write_atomically_cleans_up_when_the_write_raises(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    with pytest.raises(UnicodeEncodeError):
        write_atomically(target, "lone surrogate \ud800")
    assert list(tmp_path.iterdir()) == []


def test_write_atomically_refuses_a_directory_and_a_missing_parent(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    with pytest.raises(SymbolicError, match="dir: cannot write: a directory"):
        write_atomically(tmp_path / "dir", "x")
    with pytest.raises(SymbolicError, match="does not exist"):
        write_atomically(tmp_path / "no" / "file.md", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["dir"] and debris(tmp_path) == []


def test_stale_temporaries_of_killed_runs_are_removed(tmp_path: Path) -> None:
    old, fresh = tmp_path / ".r.md.abc123.tmp", tmp_path / ".r.md.def456.tmp"
    for path in (old, fresh):
        path.write_text("partial", encoding="utf-8")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    write_atomically(tmp_path / "r.md", "done\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [fresh.name, "r.md"]


# --- 4. Signals and temporary directories --------------------------------------------


def _wait_for(predicate: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def _group_is_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


@NEEDS_TEX
def test_sigterm_while_building_the_pdf_leaves_nothing_behind(tmp_path: Path, good: Path) -> None:
    temporary, out = tmp_path / "tmp", tmp_path / "out"
    temporary.mkdir()
    process = start(
        "report",
        str(good),
        "--format",
        "pdf",
        "--out",
        str(out),
        cwd=tmp_path,
        TMPDIR=str(temporary),
    )
    try:
        started = _wait_for(lambda: any(temporary.glob(render.BUILD_PREFIX + "*")), 60)
        assert started, "latexmk never started"
        time.sleep(0.2)  # inside latexmk
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert stderr.splitlines() == ["symbolic: terminated (SIGTERM)"]
    assert list(temporary.iterdir()) == []  # the build directory is removed
    assert debris(out) == [] and not (out / "good-report.pdf").exists()
    assert _wait_for(lambda: _group_is_gone(process.pid), 5)  # latexmk, pdflatex killed too


def test_sigterm_while_proving_kills_the_prover_child(tmp_path: Path) -> None:
    path = tmp_path / "slow.claims.toml"
    path.write_text(SLOW, encoding="utf-8")
    junit = tmp_path / "j.xml"
    process = start("verify", str(path), "--junit", str(junit), cwd=tmp_path)
    try:
        time.sleep(3)  # loaded, and the prover child is at work
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    assert _wait_for(lambda: _group_is_gone(process.pid), 5)
    assert list(tmp_path.iterdir()) == [path]


def test_stale_build_directories_are_removed_and_fresh_ones_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale, fresh = tmp_path / "symbolic-pdf-stale", tmp_path / "symbolic-pdf-fresh"
    other = tmp_path / "someone-else-old"
    for directory in (stale, fresh, other):
        directory.mkdir()
        (directory / "report.log").write_text("log", encoding="utf-8")
    hours_ago = time.time() - 2 * 3600
    for directory in (stale, other):
        os.utime(directory, (hours_ago, hours_ago))
    with render.build_directory() as build:
        assert Path(build).parent == tmp_path and Path(build).name.startswith("symbolic-pdf-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["someone-else-old", "symbolic-pdf-fresh"]


# --- 5. Reproducibility --------------------------------------------------------------


@NEEDS_TEX
def test_two_reports_are_byte_identical_in_every_format_pdf_included(
    tmp_path: Path, good: Path
) -> None:
    outputs = [tmp_path / "one", tmp_path / "two"]
    for out in outputs:
        result = run("report", str(good), "--format", "all", "--out", str(out), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        time.sleep(1.1)  # a clock in the PDF would now differ
    names = sorted(p.name for p in outputs[0].iterdir() if p.is_file())
    assert {"good-report.md", "good-report.tex", "good-report.html", "good-report.pdf"} <= set(
        names
    )
    for name in names:
        assert (outputs[0] / name).read_bytes() == (outputs[1] / name).read_bytes(), name
    pdf = (outputs[0] / "good-report.pdf").read_bytes()
    assert b"/ID [" not in pdf and b"/CreationDate (D:19700101000000Z)" in pdf


@NEEDS_TEX
@pytest.mark.slow
def test_the_sigmoid_pdf_with_its_figures_is_byte_identical_twice(tmp_path: Path) -> None:
    pdfs = []
    for name in ("one", "two"):
        out = tmp_path / name
        result = run("report", "--format", "pdf", "--out", str(out), cwd=tmp_path, timeout=300)
        assert result.returncode == 0, result.stderr
        pdfs.append((out / "sigmoid.pdf").read_bytes())
    assert pdfs[0] == pdfs[1]


# --- 6. Markdown titles ----------------------------------------------------------------


@pytest.mark.parametrize(
    "stem",
    ["a*b_c[d](e)", "x<script>y", "t~~s~~ & #h #", "`code` $x$ |p|", "back\\slash! [l](u)"],
)
def test_a_claims_file_name_in_the_title_is_literal_markdown(stem: str, tmp_path: Path) -> None:
    path = tmp_path / f"{stem}.claims.toml"
    path.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    result = run("report", str(path), "--format", "md", "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    title = next(out.glob("*.md")).read_text(encoding="utf-8").splitlines()[0]
    body = title.removeprefix("# ")
    assert re.sub(r"\\(.)", r"\1", body) == f"Verification report: {path}"  # escapes undo
    unescaped = re.sub(r"\\.", "", body)
    assert not set(unescaped) & set("*_[]<>`$|\\~&#")


def test_a_line_break_in_a_title_stays_on_the_heading_line() -> None:
    assert render.markdown_line("a\nb*") == "a b\\*"


# --- 7. report --timeout, JUnit totals, step summary, expected refutations ---------------


def test_report_has_a_timeout(tmp_path: Path) -> None:
    path = tmp_path / "slow.claims.toml"
    path.write_text(SLOW, encoding="utf-8")
    out = tmp_path / "out"
    started = time.monotonic()
    result = run(
        "report", str(path), "--format", "md", "--out", str(out), "--timeout", "1", cwd=tmp_path
    )
    assert time.monotonic() - started < 20
    assert result.returncode == 1, result.stderr  # unknown (timeout), expected proved
    assert "timeout" in (out / "slow-report.md").read_text(encoding="utf-8").lower()


@pytest.mark.parametrize("value", ["0", "-1", "nan", "1e9", "soon"])
def test_a_bad_report_timeout_is_one_line(value: str, tmp_path: Path, good: Path) -> None:
    result = run("report", str(good), "--format", "md", f"--timeout={value}", cwd=tmp_path)
    assert_one_line_error(result, "--timeout")
    assert not (tmp_path / "reports").exists()


def test_junit_totals_summary_and_marks(tmp_path: Path) -> None:
    path = tmp_path / "mixed.claims.toml"
    path.write_text(MIXED, encoding="utf-8")
    summary, junit = tmp_path / "summary.md", tmp_path / "j.xml"
    summary.write_text("before\n", encoding="utf-8")
    result = run(
        "verify", str(path), "--junit", str(junit), cwd=tmp_path,
        env=environment(GITHUB_STEP_SUMMARY=str(summary)),
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "0")
    assert float(root.get("time")) >= 0
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("before\n## symbolic verify: 1 failed\n")
    assert f"Claims file: `{path}`" in text
    assert "| `known_false` | refuted | refuted | ✅ |" in text
    failures = text.split("### Failures")[1]
    assert "`wrong`" in failures and "counterexample: x = " in failures
    assert "known_false" not in failures
    marks = {line.split()[2].rstrip(":"): line[0] for line in result.stdout.splitlines()
             if line and line[0] in "✓✗?"}  # fmt: skip
    assert marks == {"pos": "✓", "wrong": "✗", "known_false": "✓"}


# --- 8. Limits: memory of the prover child ------------------------------------------------


def test_the_prover_child_has_a_memory_limit_that_says_how_to_raise_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def greedy(claim: object) -> Verdict:
        bytearray(3 << 30)  # 3 GiB, past the limit below
        raise AssertionError("not reached")

    monkeypatch.setattr(verify, "prove", greedy)
    monkeypatch.setenv("SYMBOLIC_MEMORY_LIMIT", "512M")
    claim = load_claims_text(CLAIM + 'lhs = "x"\nrhs = "x"\n').claims[0]
    result = verify.run_claim(claim, timeout=30)
    assert result.verdict.verdict == "unknown" and result.verdict.reason == "memory"
    assert "SYMBOLIC_MEMORY_LIMIT=1G" in result.verdict.certificate[0].statement
    assert "0.5 GiB" in result.verdict.certificate[0].statement


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("", 4 << 30), ("8G", 8 << 30), ("1536M", 1536 << 20), ("none", None), ("2GiB", 2 << 30)],
)
def test_memory_limit_settings(setting: str, expected: int | None, monkeypatch) -> None:
    monkeypatch.setenv("SYMBOLIC_MEMORY_LIMIT", setting)
    assert verify.memory_limit() == expected


@pytest.mark.parametrize("setting", ["lots", "-1G", "10K", "1e9"])
def test_a_bad_memory_limit_is_one_line(setting: str, tmp_path: Path, good: Path) -> None:
    result = run("verify", str(good), cwd=tmp_path, env=environment(SYMBOLIC_MEMORY_LIMIT=setting))
    assert_one_line_error(result, "SYMBOLIC_MEMORY_LIMIT")


def test_the_pytest_plugin_reports_a_deep_toml_as_one_collection_error(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".claims.toml", deep=CLAIM + 'lhs = "x"\nrhs = "x"\ntext = ' + "[" * 5000)
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*deep.claims.toml: malformed TOML*"])
    assert "RecursionError" not in result.stdout.str()
