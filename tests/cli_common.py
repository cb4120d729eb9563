"""What the tests that run `symbolic` in real processes share."""

from __future__ import annotations

import contextlib
import json
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


# Starts `python -m symbolic ARGS` with SIGINT's disposition set first (exec keeps the pid
# and an ignored or default disposition). A test run as a background job of a script has
# SIGINT ignored, and every process it starts would inherit that: Ctrl-C from a terminal
# only ever reaches a foreground job, whose SIGINT is the default.
_WITH_SIGINT = (
    "import os, signal, sys; "
    "signal.signal(signal.SIGINT, getattr(signal, sys.argv[1])); "
    "os.execv(sys.executable, [sys.executable, '-m', 'symbolic', *sys.argv[2:]])"
)


def command(*args: str, sigint: str = "SIG_DFL") -> list[str]:
    """The argv of `symbolic ARGS` with SIGINT default (SIG_DFL, as from a terminal) or
    ignored (SIG_IGN, as a background job of a script)."""
    return [sys.executable, "-c", _WITH_SIGINT, sigint, *args]


def start(*args: str, cwd: Path, sigint: str = "SIG_DFL", **env: str) -> subprocess.Popen:
    """`symbolic ARGS` started in the background, in its own session (so that the test can
    signal or kill the whole group), with text pipes for stdout and stderr."""
    return subprocess.Popen(
        command(*args, sigint=sigint),
        cwd=cwd,
        env=environment(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def in_session(sid: int) -> list[int]:
    """The processes of a session (the command's worker makes its own process group, and
    Dask's worker processes are in that group: the session holds them all)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if os.getsid(int(entry.name)) == sid:
                    found.append(int(entry.name))
    return found


def verified_claims(text: str, folder: Path) -> dict[str, dict]:
    """`symbolic verify --json` of a claims file holding `text`: each claim's JSON by id
    (the certificates that `symbolic check` tests alter)."""
    path = folder / "claims.claims.toml"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "symbolic", "verify", str(path), "--json"],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return {c["id"]: c for c in json.loads(result.stdout)["claims"]}
