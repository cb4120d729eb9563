"""The memory limit of `grade`: RLIMIT_DATA, not RLIMIT_AS.

PyTorch and JAX reserve address space they never touch (JAX's process is ~2 GB of
address space and ~0.35 GB of data after one call), so a limit on address space either
stops them at import or is set so high that it limits nothing. RLIMIT_DATA (Linux ≥ 4.7)
counts the private writable mappings, heap and anonymous mmap, which is the memory the
grade actually fills (arrays of inputs, references, results); reservations made with
PROT_NONE do not count. Worker processes (`--jobs`) inherit it. Going over it is a
MemoryError (NumPy, Python) or an allocator error (PyTorch's RuntimeError); both become
one line that names the limit and how to raise it.
"""

from __future__ import annotations

import contextlib
import resource
from collections.abc import Iterator

from symbolic.errors import SymbolicError


def limit_data(size: int | None) -> None:
    """Set the soft RLIMIT_DATA of this process (a lower hard limit stays in force)."""
    if size is None:
        return
    with contextlib.suppress(ValueError, OSError):
        hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
        soft = size if hard == resource.RLIM_INFINITY else min(size, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def memory_message(size: int | None) -> str:
    from symbolic.prove.verify import raise_hint, size_text

    return (
        f"the memory limit ({size_text(size)} of data, RLIMIT_DATA) was reached; {raise_hint(size)}"
    )


@contextlib.contextmanager
def memory_errors(size: int | None) -> Iterator[None]:
    """Running out of memory inside, in NumPy or in a library, is one clear line."""
    try:
        yield
    except MemoryError:
        raise SymbolicError(memory_message(size)) from None
    except RuntimeError as error:  # PyTorch: "DefaultCPUAllocator: can't allocate memory"
        if "allocate" not in str(error):
            raise
        raise SymbolicError(memory_message(size)) from None
