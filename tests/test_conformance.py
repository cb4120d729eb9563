"""`symbolic conformance` on a local Dask cluster (issue 16): every cell is what
`symbolic grade --json` prints for it, n/a cells say why, a rerun resumes, the report is
deterministic, --max-ulp gates, bad arguments are one line. Real processes throughout."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from symbolic.cli import main
from symbolic.grade import grading
from tests.cli_common import assert_one_line_error
from tests.conformance_common import (
    GRADED,
    NAME,
    NOT_APPLICABLE,
    cell_files,
    conformance,
    local_run,
    quiet,
    run,
    summary_of,
)

pytestmark = pytest.mark.slow  # each test runs (or reuses) a real local cluster


def _grade_json(cell: dict) -> str:
    """The cell as `symbolic grade` computes it, in this process: another route (its own
    chunking and sample draw, its own merge and zero_from)."""
    call = f"{cell['function']}(x)"
    of = f"diff({call}, x)" if cell["direction"] == "backward" else call
    result = grading.grade(cell["impl"], of, cell["dtype"], samples=200000, seed=3)
    return json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n"


def test_a_local_run_writes_each_cell_as_grade_computes_it() -> None:
    out = local_run()
    summary = json.loads((out.parent / "summary.json").read_text())
    counts = summary["summary"]
    assert (counts["graded"], counts["computed"], counts["n/a"], counts["errors"]) == (
        GRADED,
        GRADED,
        NOT_APPLICABLE,
        0,
    )
    files = cell_files(out)
    graded = [c for c in summary["cells"] if c["status"] == "graded"]
    assert sorted(files) == sorted(f"{c['cell']}.json" for c in graded)
    assert {c["function"] for c in graded} == {NAME, "gelu"}
    for cell in graded:
        assert files[f"{cell['cell']}.json"].decode() == _grade_json(cell), cell["cell"]


def test_a_cell_is_byte_for_byte_what_symbolic_grade_prints() -> None:
    out = local_run()
    printed = run("grade", "scipy", "--of", f"diff({NAME}(x), x)", "--dtype", "bfloat16",
                  "--samples", "200000", "--seed", "3", "--json")  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    assert (out / "cells" / f"{NAME}-scipy-bfloat16-backward.json").read_text() == printed.stdout


def test_cells_a_library_lacks_are_na_with_the_reason() -> None:
    summary = json.loads((local_run().parent / "summary.json").read_text())
    na = [c for c in summary["cells"] if c["status"] == "n/a"]
    assert len(na) == NOT_APPLICABLE
    assert all((c["function"], c["impl"]) == ("gelu", "numpy") for c in na)
    assert all(c["reason"].startswith("numpy has no erf") and c["file"] is None for c in na)
    md = (local_run() / "conformance.md").read_text()
    assert "numpy has no erf" in md


def test_the_report_has_the_matrix_plots_command_and_versions() -> None:
    out = local_run()
    md, html = (out / "conformance.md").read_text(), (out / "conformance.html").read_text()
    command = f"symbolic conformance --functions {NAME},gelu --impls numpy,scipy"
    assert command in md and command in html
    assert "numpy " in md and "scipy " in md and "Versions:" in md
    for name in cell_files(out):
        stem = name.removesuffix(".json")
        assert f"plots/{stem}.svg" in md
        assert (out / "plots" / f"{stem}.svg").read_text().startswith("<svg")
    assert html.count("<svg") == GRADED and "<script" not in html
    data = json.loads((out / "cells" / f"{NAME}-numpy-float32-forward.json").read_text())
    assert f"| {data['max_ulp']} |" in md and str(data["zero_from"]) in md
    assert str(out) not in md and str(out) not in html  # where it ran is not in the report


def test_a_rerun_skips_finished_cells_and_redraws_the_same_report(tmp_path: Path) -> None:
    out = tmp_path / "copy"
    shutil.copytree(local_run(), out)
    before = {p: p.stat().st_mtime_ns for p in (out / "cells").iterdir()}
    report = (out / "conformance.md").read_bytes(), (out / "conformance.html").read_bytes()
    # Nothing is left to do, so no cluster is needed: not even the one at an address where
    # nothing listens (a run with work to do fails there at once, see below).
    started = time.monotonic()
    result = conformance(out, "--json", "--scheduler", "tcp://127.0.0.1:9")
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 60
    counts = summary_of(result)["summary"]
    assert (counts["computed"], counts["resumed"]) == (0, GRADED)
    assert {p: p.stat().st_mtime_ns for p in (out / "cells").iterdir()} == before
    assert (
        (out / "conformance.md").read_bytes(),
        (out / "conformance.html").read_bytes(),
    ) == report


def test_a_damaged_or_stale_cell_is_recomputed(tmp_path: Path) -> None:
    out = tmp_path / "copy"
    shutil.copytree(local_run(), out)
    damaged = out / "cells" / f"{NAME}-numpy-bfloat16-forward.json"
    whole = damaged.read_bytes()
    damaged.write_bytes(whole[: len(whole) // 2])
    stale = out / "meta" / f"{NAME}-scipy-float32-forward.json"
    meta = json.loads(stale.read_text())
    meta["key"] = "0" * 64  # as if written by a run with other arguments
    stale.write_text(json.dumps(meta))
    result = conformance(out, "--json", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    computed = [c["cell"] for c in summary_of(result)["cells"] if c["computed"]]
    assert sorted(computed) == [f"{NAME}-numpy-bfloat16-forward", f"{NAME}-scipy-float32-forward"]
    assert cell_files(out) == cell_files(local_run())


def test_progress_then_other_arguments_recompute_and_fresh_recomputes(tmp_path: Path) -> None:
    from tests.test_cli_ergonomics import in_a_terminal

    small = ["conformance", "--functions", NAME, "--impls", "numpy", "--dtypes", "bfloat16",
             "--exhaustive", "--jobs", "1", "--out", str(tmp_path)]  # fmt: skip
    code, out, terminal = in_a_terminal(small)  # progress on a terminal only
    assert code == 0, terminal
    assert "cells" in terminal and "tasks" in terminal and "ETA" in terminal
    assert "1 cells graded (1 computed" in out
    cell = tmp_path / "cells" / f"{NAME}-numpy-bfloat16-forward.json"
    expected = grading.grade("numpy", None, "bfloat16", exhaustive=True)
    assert cell.read_text() == json.dumps(expected.as_json(), indent=2, ensure_ascii=False) + "\n"
    backward = run(
        *small, "--backward", "--json"
    )  # the forward cell is resumed, the backward one new
    assert backward.returncode == 0 and quiet(backward.stderr), backward.stderr
    assert [c["computed"] for c in summary_of(backward)["cells"]] == [False, True]
    mtime = cell.stat().st_mtime_ns
    fresh = run(*small, "--fresh", "--json")
    assert summary_of(fresh)["summary"]["computed"] == 1
    assert cell.stat().st_mtime_ns != mtime
    assert cell.read_text() == json.dumps(expected.as_json(), indent=2, ensure_ascii=False) + "\n"


def test_max_ulp_gates_on_the_exact_maximum(tmp_path: Path) -> None:
    out = tmp_path / "copy"
    shutil.copytree(local_run(), out)
    cells = json.loads((local_run().parent / "summary.json").read_text())["cells"]
    infinite = sorted(c["cell"] for c in cells if c["max_ulp"] == "inf")
    assert infinite == ["gelu-scipy-bfloat16-backward", "gelu-scipy-bfloat16-forward"]
    loose = conformance(out, "--max-ulp", "1e300", "--json")  # wrong zeros are ~1e34 ULP
    assert loose.returncode == 1, loose.stderr  # ±inf inputs give NaN: inf ULP
    assert sorted(summary_of(loose)["summary"]["exceeding"]) == infinite
    text = conformance(out, "--max-ulp", "1e300")
    assert f"{GRADED} cells graded (0 computed, {GRADED} resumed)" in text.stdout
    tight = conformance(out, "--max-ulp", "0.5", "--json")
    assert tight.returncode == 1
    exceeding = summary_of(tight)["summary"]["exceeding"]
    assert f"{NAME}-numpy-float32-forward" in exceeding and len(exceeding) == GRADED


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--functions", "sigmod"], ("--functions", "unknown function 'sigmod'")),
        (["--dtypes", "float128"], ("--dtypes", "unknown dtype 'float128'")),
        (["--impls", "numpy,tensorflow"], ("--impls", "unknown implementation 'tensorflow'")),
        (["--exhaustive", "--samples", "10"], ("--exhaustive or --samples",)),
        (["--exhaustive", "--dtypes", "float64"], ("--exhaustive", "float64")),
        (["--jobs", "0"], ("--jobs must be from 1 to 64",)),
        (["--samples", "0"], ("--samples must be from 1",)),
        (["--scheduler", "not an address"], ("--scheduler", "not a scheduler address")),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    args: list[str], words: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["conformance", *args, "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("symbolic: error:"), captured.err
    assert all(word in lines[0] for word in words), lines[0]
    assert "Traceback" not in captured.err and captured.out == ""


def test_an_unreachable_scheduler_is_one_line_at_once(tmp_path: Path) -> None:
    result = run("conformance", "--functions", NAME, "--impls", "numpy", "--samples", "100",
                 "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path))  # fmt: skip
    # "refused" at once, where Dask itself would retry for 10 s and say "Timed out".
    assert_one_line_error(result, "--scheduler tcp://127.0.0.1:9", "cannot connect", "refused")
    assert not any((tmp_path / "cells").iterdir())
