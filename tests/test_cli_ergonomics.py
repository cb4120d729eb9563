"""The command line as a person meets it (issue 12, "CLI and API ergonomics"): help with
examples that run, suggestions, colour, progress, completion; and the limits every
command holds (time, memory), in real processes; streamed tables."""

from __future__ import annotations

import json
import os
import pty
import resource
import select
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click
import pytest

from symbolic.cli import cli, main
from symbolic.cli.app import Command
from symbolic.cli.limits import Limits, run_limited
from symbolic.functions import DEFAULT_FUNCTION
from symbolic.numbers import oracle, tables
from tests.cli_common import ROOT, assert_one_line_error, environment, in_session, start

NAME = DEFAULT_FUNCTION.language_name()
# Takes more than 100 s at order 5 on this machine: the time limit always ends it first.
SLOW_DERIVATION = "exp(sin(x))*log(2 + cos(x))"
COMMANDS = sorted(cli.commands)
ESCAPE = "\x1b["


def run(*args: str, timeout: float = 120, cwd: Path = ROOT, **env: str):
    return subprocess.run(
        [sys.executable, "-m", "symbolic", *args],
        cwd=cwd,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def in_a_terminal(args: list[str], stdout_too: bool = False, **env: str) -> tuple[int, str, str]:
    """Run with stderr (and stdout, if asked) on a pseudo-terminal; returns the exit code,
    what stdout got (a file, so that a long output never blocks) and what the terminal got."""
    main_fd, terminal = pty.openpty()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "symbolic", *args],
            cwd=ROOT,
            env=environment(COLUMNS="120", **env),
            stdout=terminal if stdout_too else out,
            stderr=terminal,
            stdin=subprocess.DEVNULL,
        )
        os.close(terminal)
        seen = bytearray()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main_fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(main_fd, 65536)
                except OSError:  # the terminal closed
                    break
                if not chunk:
                    break
                seen += chunk
            elif process.poll() is not None:
                break
        process.wait(30)
        os.close(main_fd)
        out.seek(0)
        written = out.read().decode()
    return process.returncode, written, seen.decode(errors="replace")


# --- help and examples -----------------------------------------------------------------


def test_bare_symbolic_prints_the_help_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Usage: symbolic") and all(name in out for name in COMMANDS)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_help_ends_with_examples(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"] if command else ["--help"]) == 0
    out = capsys.readouterr().out
    tail = out.rstrip().split("Examples:")[-1].strip().splitlines()
    assert "Examples:" in out and len(tail) >= 3
    assert all(line.strip().startswith(f"symbolic {command}".strip()) for line in tail), tail


def _examples() -> list[str]:
    found = list(cli.examples)
    for command in cli.commands.values():
        assert isinstance(command, Command)
        found += command.examples
    return found


@pytest.mark.parametrize("example", _examples())
def test_every_example_parses(example: str) -> None:
    words = shlex.split(example)
    assert words[0] == "symbolic"
    if len(words) == 1:
        return
    command = cli.get_command(click.Context(cli), words[1])
    assert command is not None, example
    command.make_context(words[1], words[2:])  # raises on any bad option or value


def _quick(example: str) -> bool:
    return "report" not in example and " verify" not in example and "--samples" not in example


@pytest.mark.parametrize("example", [e for e in dict.fromkeys(_examples()) if _quick(e)])
def test_the_quick_examples_run_as_written(example: str, tmp_path: Path) -> None:
    result = run(*shlex.split(example)[1:], cwd=ROOT)
    assert result.returncode == 0, (example, result.stderr)
    assert result.stdout and result.stderr == ""


@pytest.mark.slow
@pytest.mark.parametrize("example", [e for e in dict.fromkeys(_examples()) if not _quick(e)])
def test_the_slow_examples_run_as_written(example: str, tmp_path: Path) -> None:
    words = shlex.split(example)[1:]
    words = [str(ROOT / w) if w.startswith("tests/") else w for w in words]
    (tmp_path / "build").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "symbolic", *words],
        cwd=tmp_path,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, (example, result.stderr)


# --- suggestions and usage errors -----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["derve"], ("no such command 'derve'", "did you mean 'derive'")),
        (["tabel"], ("did you mean 'table'",)),
        (["verfy"], ("did you mean 'verify'",)),
        (["frobnicate"], ("no such command", "derive, eval")),
        (["derive", "--ordr", "2"], ("--ordr", "--order")),
        (["eval", NAME, "--at", "1", "--digit", "5"], ("--digits",)),
        (["grade", "numpy", "--dtyp", "float16"], ("--dtype",)),
        (["eval", NAME, "--at", "1", "--format", "float128"], ("--format", "float128")),
        (["derive", "--timeout", "0"], ("--timeout", "between 0 and 86400")),
        (["eval", NAME, "--at", "1", "--timeout", "nan"], ("--timeout",)),
        (["verify", "--timeout", "none"], ("--timeout", "not a number")),
        (["grade", "numpy", "--exhaustive", "--samples", "10"], ("--exhaustive or --samples",)),
        (["table", NAME, "--from", "0", "--to", "1", "--step", "1", "--csv", "--json"], ("--csv",)),
    ],
)
def test_usage_errors_are_one_line_and_suggest(args: list[str], words: tuple[str, ...]) -> None:
    line = assert_one_line_error(run(*args))
    for word in words:
        assert word in line, (word, line)


def test_negative_values_as_typed_in_a_real_process() -> None:
    result = run("eval", NAME, "--at", "-7e-300", "--at", "-5", "--json")
    assert result.returncode == 0, result.stderr
    assert [r["x"] for r in json.loads(result.stdout)["results"]] == ["-7e-300", "-5"]
    result = run("table", NAME, "--from", "-5", "--to", "5", "--step", "5", "--csv")
    assert result.returncode == 0, result.stderr
    assert [line.split(",")[0] for line in result.stdout.splitlines()] == ["x", "-5", "0", "5"]


# --- colour --------------------------------------------------------------------------------


def test_an_error_on_a_terminal_is_coloured_unless_no_color() -> None:
    code, _, terminal = in_a_terminal(["derve"])
    assert code == 2 and f"{ESCAPE}1;31msymbolic: error:" in terminal
    code, _, terminal = in_a_terminal(["derve"], NO_COLOR="1")
    assert code == 2 and ESCAPE not in terminal and "symbolic: error: no such command" in terminal


def test_help_headings_are_coloured_on_a_terminal_only() -> None:
    _, _, terminal = in_a_terminal(["derive", "--help"], stdout_too=True)
    assert f"{ESCAPE}1mExamples:" in terminal
    _, _, terminal = in_a_terminal(["derive", "--help"], stdout_too=True, NO_COLOR="1")
    assert ESCAPE not in terminal and "Examples:" in terminal
    piped = run("derive", "--help")
    assert ESCAPE not in piped.stdout and "Examples:" in piped.stdout


# --- progress ----------------------------------------------------------------------------


def test_table_progress_shows_rate_and_eta_on_a_terminal_only() -> None:
    args = [
        "table",
        NAME,
        "--from",
        "0",
        "--to",
        "3",
        "--step",
        "1/1000",
        "--digits",
        "200",
        "--csv",
    ]
    code, out, terminal = in_a_terminal(args)
    assert code == 0 and len(out.splitlines()) == 3002
    assert "rows/s" in terminal and "ETA" in terminal
    piped = run(*args)
    assert piped.returncode == 0 and piped.stderr == "" and piped.stdout == out


def test_grade_progress_shows_rate_and_eta_on_a_terminal_only() -> None:
    """A bar with the rate and an ETA on a terminal's stderr; none with --json (the
    results alone), and none when stderr is not a terminal."""
    args = ["grade", "naive", "--of", "diff(sigmoid(x), x)", "--dtype", "float16", "--exhaustive"]
    code, out, terminal = in_a_terminal(args)
    assert code == 0, terminal
    assert "inputs/s" in terminal and "ETA" in terminal and "grading" in terminal
    code, out, terminal = in_a_terminal([*args, "--json"])
    assert code == 0 and "ETA" not in terminal and "grading" not in terminal, terminal
    piped = run(*args, "--json")
    assert piped.returncode == 0 and piped.stderr == ""
    assert json.loads(piped.stdout) == json.loads(out)


# --- shell completion ------------------------------------------------------------------------


def _complete(words: str) -> list[str]:
    result = run(
        _SYMBOLIC_COMPLETE="bash_complete",
        COMP_WORDS=words,
        COMP_CWORD=str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    )
    assert result.returncode == 0, result.stderr
    return [line.split(",", 1)[1] for line in result.stdout.splitlines()]


def test_shell_completion_scripts_and_answers() -> None:
    for shell in ("bash", "zsh", "fish"):
        script = run(_SYMBOLIC_COMPLETE=f"{shell}_source")
        assert script.returncode == 0 and "_SYMBOLIC_COMPLETE" in script.stdout, shell
    assert _complete("symbolic de") == ["derive"]
    assert set(_complete("symbolic ")) == set(COMMANDS)
    assert "--format" in _complete(f"symbolic eval {NAME} --for")
    assert _complete("symbolic grade numpy --dtype b") == ["bfloat16"]
    assert _complete("symbolic derive --route ch") == ["chain"]


# --- time and memory limits, in real processes --------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        # Each of these takes far longer than 2 s (measured: > 100 s and about 5.6 s).
        ["derive", SLOW_DERIVATION, "--order", "5", "--timeout", "2"],
        [
            "eval",
            "sigmoid(x)*exp(sin(x))*log(2+cos(x))*asinh(x)",
            "--order",
            "40",
            "--at",
            "3",
            "--digits",
            "100000",
            "--timeout",
            "2",
        ],
        [
            "table",
            NAME,
            "--from",
            "0",
            "--to",
            "99",
            "--step",
            "1/1000",
            "--digits",
            "5000",
            "--csv",
            "--timeout",
            "2",
        ],
    ],
    ids=["derive", "eval", "table"],
)
def test_the_time_limit_is_one_line_within_seconds(args: list[str]) -> None:
    started = time.monotonic()
    result = run(*args, timeout=60)
    assert time.monotonic() - started < 12
    assert_one_line_error(result, "time limit of 2 s", f"symbolic {args[0]} --timeout SECONDS")


def test_the_memory_limit_is_one_line_that_says_how_to_raise_it() -> None:
    result = run("grade", "numpy", "--samples", "10000000", SYMBOLIC_MEMORY_LIMIT="300M")
    assert_one_line_error(result, "memory limit", "0.293 GiB", "SYMBOLIC_MEMORY_LIMIT=1G")
    assert result.stdout == ""


def _address_space() -> int:
    sys.stdout.write(f"{resource.getrlimit(resource.RLIMIT_AS)[0]}\n")
    return 0


def test_the_worker_holds_the_limits_and_the_caller_does_not(
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = resource.getrlimit(resource.RLIMIT_AS)
    assert run_limited(_address_space, Limits("eval", 5, 3 << 30)) == 0
    assert capsys.readouterr().out == f"{3 << 30}\n"
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def _greedy() -> int:
    bytearray(2 << 30)
    return 0


def _stuck_in_c() -> int:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # as if inside a C loop
    while True:
        pass


def _abort() -> int:
    os.abort()


@pytest.mark.parametrize(
    ("work", "limits", "words"),
    [
        (_greedy, Limits("derive", 30, 512 << 20), ("memory limit (0.5 GiB", "=1G")),
        (_stuck_in_c, Limits("table", 1, None), ("time limit of 1 s", "table --timeout")),
        (_abort, Limits("eval", 30, 1 << 30), ("died of SIGABRT", "memory limit", "=2G")),
    ],
    ids=["MemoryError", "stuck past SIGALRM", "killed by a signal"],
)
def test_every_way_of_hitting_a_limit_is_one_line(
    work, limits: Limits, words: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    assert run_limited(work, limits) == 2
    assert time.monotonic() - started < 10
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("symbolic: error: "), captured.err
    for word in words:
        assert word in lines[0], (word, lines[0])


@pytest.mark.parametrize(
    ("signum", "code", "line"),
    [
        (signal.SIGTERM, 143, "symbolic: terminated (SIGTERM)"),
        (signal.SIGINT, 130, "symbolic: interrupted"),
    ],
    ids=["SIGTERM", "SIGINT"],
)
def test_a_signal_reaches_the_worker_and_the_exit_says_which(
    signum: int, code: int, line: str, tmp_path: Path
) -> None:
    """SIGTERM, or Ctrl-C from a terminal (SIGINT with its default disposition)."""
    process = start("derive", SLOW_DERIVATION, "--order", "5", cwd=tmp_path)
    try:
        time.sleep(3)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == code and stderr.splitlines() == [line]


def test_a_command_started_with_sigint_ignored_keeps_ignoring_it(tmp_path: Path) -> None:
    """A background job of a script (`cmd &`) starts with SIGINT ignored: like POSIX tools,
    the command and its worker keep ignoring it, and SIGTERM still ends it (this is why
    CI's conformance interrupt seemed swallowed: its job inherited SIG_IGN)."""
    process = start("derive", SLOW_DERIVATION, "--order", "5", cwd=tmp_path, sigint="SIG_IGN")
    try:
        time.sleep(3)
        for pid in in_session(process.pid):  # the command and its worker (its own group)
            os.kill(pid, signal.SIGINT)
        time.sleep(2)
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 143 and stderr.splitlines() == ["symbolic: terminated (SIGTERM)"]


# --- tables: streamed, and the too-many-rows message ------------------------------------------


def test_rows_are_computed_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    computed = []
    evaluate = tables.evaluate_row
    monkeypatch.setattr(tables, "evaluate_row", lambda *a: computed.append(a[1]) or evaluate(*a))
    points = tables.range_points("0", "1000", "1")
    rows = tables.iter_rows(oracle.to_expression(NAME, 0), points, 10)
    assert computed == []
    first = next(rows)
    assert first.x == "0" and len(computed) == 1


def test_rows_reach_the_output_while_the_table_is_still_being_computed() -> None:
    process = start(
        "table",
        NAME,
        "--from",
        "0",
        "--to",
        "2000",
        "--step",
        "1",
        "--digits",
        "30000",
        "--csv",
        cwd=ROOT,
    )
    try:
        header = process.stdout.readline()
        first = process.stdout.readline()
        assert process.poll() is None  # 2,001 rows at 30,000 digits: far from done
        assert header.startswith("x,value,") and first.startswith("0,0.5,")
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()


@pytest.mark.parametrize("fmt", ["text", "csv", "json"])
def test_streamed_output_is_the_whole_table(fmt: str) -> None:
    expr = oracle.to_expression(NAME, 1)
    points = tables.range_points("-3", "3", "1/4")
    rows = tables.build_rows(expr, points, 25)
    text = {"text": tables.as_text, "csv": tables.as_csv}.get(fmt)
    if fmt == "json":
        data = {"expr": "diff(sigmoid(x), x)", "digits": 25}
        data["rows"] = [row.cells() for row in rows]
        assert tables.as_json(expr, 25, iter(rows)) == json.dumps(data, indent=2) + "\n"
    else:
        assert text(iter(rows)) == text(rows)
        assert len(text(rows).splitlines()) == len(points) + 1


@pytest.mark.parametrize(
    ("start", "stop", "step", "says"),
    [
        ("0", "1e5000", "1", "about 10^5000 rows"),
        ("0", "1", "1e-5000", "about 10^5000 rows"),
        ("-1e300", "1e300", "1e-300", "about 10^600 rows"),
        ("0", "100000", "1", "100,001 rows"),
    ],
)
def test_too_many_rows_is_one_line(start: str, stop: str, step: str, says: str) -> None:
    result = run("table", NAME, "--from", start, "--to", stop, "--step", step, timeout=30)
    line = assert_one_line_error(result, says, "at most 100,000")
    assert result.stdout == "" and len(line) < 200


def test_a_broken_pipe_ends_quietly() -> None:
    command = (
        f"{shlex.quote(sys.executable)} -m symbolic table {NAME} --from 0 --to 5000 "
        "--step 1 --digits 50 --csv | head -3"
    )
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command}"],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert len(result.stdout.splitlines()) == 3 and result.stderr == ""


def test_click_is_what_parses() -> None:
    assert isinstance(cli, click.Group) and set(COMMANDS) == {
        "check", "conformance", "derive", "eval", "grade", "report", "table", "verify",
    }  # fmt: skip
