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
import ctypes
import ctypes.util
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


def steady_heap() -> None:
    """Keep freed memory in this process's heap instead of returning it (glibc only).

    Why: a chunk of 2^22 inputs makes arrays of 32 MB, above glibc's mmap threshold, so
    each was a fresh mapping whose pages the kernel faulted in and zeroed on first touch,
    then unmapped when freed. That was half of an exhaustive float32 grade's CPU time
    (numpy σ: 9.5 → 5.0 CPU s over 16 chunks of grade_chunk, timed by hand in session 6). With mmap
    off and no trimming the same pages serve every chunk. The process then keeps its
    peak memory until it ends, which RLIMIT_DATA (`limit_data`) still bounds: call this
    only in processes that exist to grade (the CLI's, its workers, conformance tasks),
    never on import. Elsewhere (macOS, musl) it does nothing."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(_M_MMAP_MAX, 0)  # no mmap for large blocks: the heap serves them
        libc.mallopt(_M_TRIM_THRESHOLD, _NEVER_TRIM)


_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4  # glibc's <malloc.h>
_NEVER_TRIM = (1 << 31) - 1  # mallopt takes an int: 2 GiB of free heap top before a trim
