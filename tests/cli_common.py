"""What the tests that run `symbolic` in real processes share."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Variables of the caller's shell that would change what the command does.
_DROPPED = {"GITHUB_STEP_SUMMARY", "NO_COLOR", "SYMBOLIC_MEMORY_LIMIT", "_SYMBOLIC_COMPLETE"}


def environment(**extra: str) -> dict[str, str]:
    """This environment, without the variables above, with this checkout importable."""
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env | extra


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str) -> str:
    """Exit 2 and one line `symbolic: error: …` holding every word, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("symbolic: error: "), result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def start(*args: str, cwd: Path, **env: str) -> subprocess.Popen:
    """`symbolic ARGS` started in the background, in its own session (so that the test can
    signal or kill the whole group), with text pipes for stdout and stderr."""
    return subprocess.Popen(
        [sys.executable, "-m", "symbolic", *args],
        cwd=cwd,
        env=environment(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
