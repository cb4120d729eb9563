"""Reading user files with a size limit, and writing outputs atomically.

Inputs are regular files only (a FIFO would block, /dev/zero never ends), with the
size checked by stat before reading. Outputs are written to a hidden temporary file
beside the target and renamed over it, so a reader never sees half a file; the
temporary file is removed on every exit path we control (an error, a signal turned
into SystemExit by the CLI). Every problem is a `SymbolicError` naming the path and
the reason: one line, exit 2.

Missing parents: an output directory (`report --out DIR`) is created with its
parents; a single output file (`--junit`, `--plot`, `GITHUB_STEP_SUMMARY`) needs
its directory to exist, and a missing one is an error that names it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import tempfile
import time
from pathlib import Path

from symbolic.errors import SymbolicError

CLAIMS_SUFFIX = ".claims.toml"
STALE_SECONDS = 3600  # a temporary file this old belongs to no running write


def read_bounded_text(path: str | Path, limit: int) -> str:
    """The UTF-8 text of a file of at most `limit` bytes; any problem is one clear line."""
    name = str(path)
    try:
        file = Path(path)
        status = file.stat()
        if stat.S_ISDIR(status.st_mode):
            raise SymbolicError(f"{name}: is a directory")
        if not stat.S_ISREG(status.st_mode):  # a FIFO would block, /dev/zero never ends
            raise SymbolicError(f"{name}: not a regular file")
        if status.st_size > limit:
            raise SymbolicError(f"{name}: larger than {limit} bytes")
        # O_NONBLOCK: should the path be swapped for a FIFO after the stat, open does not wait.
        descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise SymbolicError(f"{name}: not a regular file")
            data = handle.read(limit + 1)  # the size may change between stat and read
        if len(data) > limit:
            raise SymbolicError(f"{name}: larger than {limit} bytes")
        return data.decode("utf-8")
    except OSError as error:
        raise SymbolicError(f"{name}: cannot read: {_reason(error)}") from None
    except UnicodeDecodeError:
        raise SymbolicError(f"{name}: not UTF-8 text") from None


def claims_paths(paths: list[str]) -> list[str]:
    """FILE arguments with each directory replaced by the `*.claims.toml` files under it,
    recursively (hidden directories skipped, symbolic links to directories not followed),
    in sorted order, as pytest collects them. A directory without any is an error."""
    expanded: list[str] = []
    for path in paths:
        if not os.path.isdir(path):
            expanded.append(path)
            continue
        found: list[str] = []
        for root, directories, files in os.walk(path, onerror=_walk_error):
            directories[:] = sorted(d for d in directories if not d.startswith("."))
            found += [os.path.join(root, f) for f in files if f.endswith(CLAIMS_SUFFIX)]
        if not found:
            raise SymbolicError(f"{path}: a directory with no *{CLAIMS_SUFFIX} files under it")
        expanded += sorted(found)
    return expanded


def _walk_error(error: OSError) -> None:
    raise SymbolicError(f"{error.filename}: cannot read: {_reason(error)}")


def check_output_file(path: str, what: str) -> None:
    """Fail early (before the slow work) when `path` cannot be written as a file.
    `what` names the option or variable in the message, e.g. "--junit"."""
    target = Path(path)
    label = f"{what} {path}"
    if not path:
        raise SymbolicError(f"{what}: empty path")
    try:
        status = target.stat()
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise SymbolicError(f"{label}: cannot write: {_reason(error)}") from None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise SymbolicError(f"{label}: cannot write: is a directory")
    if status is not None and not stat.S_ISREG(status.st_mode):
        raise SymbolicError(f"{label}: cannot write: not a regular file")
    parent = target.parent
    if not parent.exists():
        raise SymbolicError(f"{label}: cannot write: the directory {parent} does not exist")
    if not parent.is_dir():
        raise SymbolicError(f"{label}: cannot write: {parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise SymbolicError(f"{label}: cannot write: permission denied in {parent}")


def prepare_directory(path: str, what: str = "--out") -> Path:
    """Create the output directory `path` with its parents; one line when that fails."""
    directory = Path(path)
    label = f"{what} {path}"
    if not path:
        raise SymbolicError(f"{what}: empty path")
    if directory.exists() and not directory.is_dir():
        raise SymbolicError(f"{label}: not a directory (it is an existing file)")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise SymbolicError(
            f"{label}: cannot create the directory: a part of the path is not a directory"
        ) from None
    except OSError as error:
        raise SymbolicError(f"{label}: cannot create the directory: {_reason(error)}") from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise SymbolicError(f"{label}: cannot write: permission denied")
    return directory


def write_atomically(path: str | Path, content: str | bytes) -> None:
    """Write to a temporary file beside the target, then rename: never a half-written
    file, and no temporary file left behind when the write or the rename fails."""
    name = str(path)
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    with contextlib.suppress(OSError):
        if not stat.S_ISREG(os.stat(target).st_mode):  # never replace /dev/null or a FIFO
            kind = "a directory" if target.is_dir() else "not a regular file"
            raise SymbolicError(f"{name}: cannot write: {kind}")
    _remove_stale_temporaries(directory, target.name)
    temporary: str | None = None
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{target.name}.", suffix=".tmp"
        )
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp gives 0600; the result is an ordinary file
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        if isinstance(error, FileNotFoundError) and not directory.is_dir():
            raise SymbolicError(
                f"{name}: cannot write: the directory {directory} does not exist"
            ) from None
        raise SymbolicError(f"{name}: cannot write: {_reason(error)}") from None
    finally:
        if temporary is not None:  # the write or the rename failed, or a signal arrived
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _remove_stale_temporaries(directory: Path, name: str) -> None:
    """Temporary files of `name` left by a run killed outright (SIGKILL) an hour ago or more."""
    with contextlib.suppress(OSError):
        for stale in directory.glob(f".{glob.escape(name)}.*.tmp"):
            with contextlib.suppress(OSError):
                if time.time() - stale.lstat().st_mtime > STALE_SECONDS:
                    stale.unlink()


def append_text(path: str, text: str, what: str) -> None:
    """Append to a file that others also append to (GITHUB_STEP_SUMMARY)."""
    check_output_file(path, what)
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise SymbolicError(f"{what} {path}: cannot write: {_reason(error)}") from None


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).rstrip(".")
