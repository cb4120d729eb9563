"""Reading user files with a size limit, and writing outputs atomically."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from symbolic.errors import SymbolicError


def read_bounded_text(path: str | Path, limit: int) -> str:
    """The UTF-8 text of a file of at most `limit` bytes; any problem is one clear line."""
    name = str(path)
    try:
        file = Path(path)
        status = file.stat()
        if not stat.S_ISREG(status.st_mode):  # a FIFO would block, /dev/zero never ends
            raise SymbolicError(f"{name}: not a regular file")
        if status.st_size > limit:
            raise SymbolicError(f"{name}: larger than {limit} bytes")
        with file.open("rb") as handle:
            data = handle.read(limit + 1)  # the size may change between stat and read
        if len(data) > limit:
            raise SymbolicError(f"{name}: larger than {limit} bytes")
        return data.decode("utf-8")
    except OSError as error:
        raise SymbolicError(f"{name}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise SymbolicError(f"{name}: not UTF-8 text") from None


def write_atomically(path: str, text: str) -> None:
    """Write to a temporary file beside the target, then rename: never a half-written file."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=directory, delete=False, prefix=f".{target.name}.", suffix=".tmp"
    ) as handle:
        handle.write(text)
        temporary = handle.name
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # a temporary file is 0600; the result is an ordinary file
    os.replace(temporary, target)
