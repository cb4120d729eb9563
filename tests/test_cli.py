"""The installed command as a user runs it, in a real process."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from symbolic.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "symbolic", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "derive" in result.stdout


def test_bare_symbolic_prints_the_help_and_exits_0() -> None:
    result = run()
    assert result.returncode == 0, result.stderr
    assert result.stdout == run("--help").stdout and result.stderr == ""


def test_default_derive_prints_both_routes_ending_in_the_identity() -> None:
    result = run("derive")
    assert result.returncode == 0, result.stderr
    assert "quotient route" in result.stdout and "chain route" in result.stdout
    assert "Result: d/dx σ(x) = σ(x)*(1 - σ(x))" in result.stdout
    assert "NOT" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("derive", "__import__('os')"),
        ("derive", "--order", "x"),
        ("derive", "--route", "sideways"),
        ("derive", "sigmoid(x"),
        ("frobnicate",),
        ("derive", "--ordr", "2"),
        ("eval", "sigmoid"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("symbolic: error:")


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text)


def test_ci_runs_the_readme_commands() -> None:
    commands = _readme_commands()[:2]
    assert len(commands) == 2
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in commands:
        assert command in ci_lines, command


def test_files_that_are_not_regular_are_refused(tmp_path, capsys) -> None:
    """/dev/zero (endless) and a FIFO (would block) are one line and exit 2, at once."""
    import os

    fifo = tmp_path / "pipe.claims.toml"
    os.mkfifo(fifo)
    for path in ("/dev/zero", str(fifo)):
        assert main(["verify", path]) == 2
        err = capsys.readouterr().err
        assert "not a regular file" in err and len(err.strip().splitlines()) == 1


def test_a_negative_seed_is_a_usage_error(capsys) -> None:
    assert main(["grade", "numpy", "--seed", "-1", "--samples", "10"]) == 2
    assert "--seed: must be 0 or more" in capsys.readouterr().err
