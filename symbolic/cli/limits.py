"""Time and memory limits: the work of a command runs in a forked worker process.

The worker sets its own memory limit (RLIMIT_AS) and time limit (SIGALRM, which raises
`TimeLimitReached` so that every `finally` runs), and does the command. The parent
waits for it and relays its output when the parent's streams are not file descriptors
(a test capturing `sys.stdout`). If the worker is stuck in C code past its time limit,
or dies of a signal (the allocator aborting at the memory limit, the kernel's OOM
killer), the parent kills its process group and says which limit was hit in one line.

Signals: SIGTERM and SIGINT sent to the parent are passed on to the worker, which
cleans up (temporary files, prover children) and exits 143 or 130; the worker also
gets SIGTERM if the parent dies (Linux), and its own time limit ends it in any case.
A command started with SIGINT ignored (a background job of a non-interactive shell:
`cmd &` in a script) keeps ignoring it, as POSIX tools do and as Python itself does at
start-up; SIGTERM still stops it.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import selectors
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

EXIT_USAGE = 2
GRACE_SECONDS = 3.0  # past the time limit, before the parent kills a stuck worker
TERMINATE_GRACE_SECONDS = 10.0  # after passing SIGTERM on, before SIGKILL


class Terminated(SystemExit):
    """SIGTERM, raised as an exception so that every `finally` runs: temporary files
    and directories are removed, child processes are killed."""


class TimeLimitReached(SystemExit):
    """The command's time limit, raised by SIGALRM in the worker. A SystemExit, so that
    library code catching `Exception` does not swallow it."""


def terminate(signum: int, frame: object) -> NoReturn:
    raise Terminated(128 + signum)


def _time_limit_reached(signum: int, frame: object) -> NoReturn:
    raise TimeLimitReached(EXIT_USAGE)


@dataclass(frozen=True)
class Limits:
    """The limits of one command: seconds (None: none) and bytes of address space."""

    command: str
    seconds: float | None
    memory: int | None

    def time_message(self) -> str:
        return (
            f"the time limit of {self.seconds:g} s was reached; raise it with "
            f"symbolic {self.command} --timeout SECONDS"
        )

    def memory_message(self) -> str:
        from symbolic.prove.verify import raise_hint, size_text

        return (
            f"the memory limit ({size_text(self.memory)} of address space) was reached; "
            f"{raise_hint(self.memory)}"
        )

    def died_message(self, signum: int) -> str:
        from symbolic.prove.verify import raise_hint, size_text

        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        if self.memory is None:
            return f"the worker process died of {name}"
        return (
            f"the worker process died of {name}, most likely at the memory limit "
            f"({size_text(self.memory)} of address space); {raise_hint(self.memory)}"
        )


def guarded(work: Callable[[], int], limits: Limits | None = None) -> int:
    """Run `work`; every error it raises becomes one line on stderr and an exit code."""
    from symbolic.cli.output import error_line
    from symbolic.errors import SymbolicError

    try:
        return work()
    except SymbolicError as error:
        error_line(str(error))
    except TimeLimitReached:
        error_line(limits.time_message() if limits else "the time limit was reached")
    except MemoryError:
        error_line(limits.memory_message() if limits else "out of memory")
    except (OverflowError, RecursionError) as error:
        # A limit of the machine, not of the input's syntax: still one line, never a traceback.
        error_line(f"the input is too large to handle ({type(error).__name__})")
    except Terminated as stop:
        print("symbolic: terminated (SIGTERM)", file=sys.stderr)
        return int(stop.code)
    except KeyboardInterrupt:
        print("symbolic: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into a closed reader (e.g. `| head`): not an error of ours.
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return EXIT_USAGE


def run_limited(work: Callable[[], int], limits: Limits) -> int:
    """Run `work` in a forked worker within `limits`; in the worker its errors become one
    line and an exit code (`guarded`). Returns the exit code."""
    relays = _relays()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    pid = os.fork()
    if pid == 0:
        _worker(work, limits, relays)
    for _, write_end, _ in relays:
        os.close(write_end)
    return _supervise(pid, limits, relays)


def _relays() -> list[tuple[int, int, str]]:
    """Pipes (read end, write end, stream name) for the streams that are not files."""
    relays = []
    for name in ("stdout", "stderr"):
        try:
            getattr(sys, name).fileno()
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            read_end, write_end = os.pipe()
            relays.append((read_end, write_end, name))
    return relays


def _worker(
    work: Callable[[], int], limits: Limits, relays: list[tuple[int, int, str]]
) -> NoReturn:
    code = EXIT_USAGE
    try:
        for read_end, write_end, name in relays:
            os.close(read_end)
            stream = open(write_end, "w", encoding="utf-8", errors="replace")  # noqa: SIM115
            setattr(sys, name, stream)
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)  # its own group: a kill reaches the prover children too
        _die_with_parent()
        signal.signal(signal.SIGTERM, terminate)
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.default_int_handler)

        def limited() -> int:
            from symbolic.prove.verify import limit_memory

            limit_memory(limits.memory)
            if limits.seconds is not None:
                signal.signal(signal.SIGALRM, _time_limit_reached)
                signal.setitimer(signal.ITIMER_REAL, limits.seconds)
            try:
                return work()
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)

        code = guarded(limited, limits)
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def _die_with_parent() -> None:
    """Linux: SIGTERM to the worker when the parent dies (PR_SET_PDEATHSIG)."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)


class _Relay:
    """Copies what the worker writes into pipes to the parent's streams."""

    def __init__(self, relays: list[tuple[int, int, str]]) -> None:
        self.selector = selectors.DefaultSelector()
        self.decoders = {}
        for read_end, _, name in relays:
            self.selector.register(read_end, selectors.EVENT_READ, name)
            self.decoders[read_end] = codecs.getincrementaldecoder("utf-8")("replace")

    def copy(self, timeout: float) -> bool:
        """Copy what is waiting (wait up to `timeout`); False when nothing came."""
        if not self.decoders:
            time.sleep(timeout)
            return False
        got = False
        for key, _ in self.selector.select(timeout):
            data = os.read(key.fd, 65536)
            text = self.decoders[key.fd].decode(data, final=not data)
            if text:
                stream = getattr(sys, key.data)
                stream.write(text)
                stream.flush()
            if data:
                got = True
            else:
                self._close(key.fd)
        return got

    def drain(self) -> None:
        """What the worker wrote before it ended (grandchildren may hold a pipe open,
        so this stops when nothing more is waiting)."""
        while self.decoders and self.copy(0.01):
            pass

    def _close(self, fd: int) -> None:
        self.selector.unregister(fd)
        del self.decoders[fd]
        os.close(fd)

    def close(self) -> None:
        for fd in list(self.decoders):
            self._close(fd)
        self.selector.close()


def _supervise(pid: int, limits: Limits, relays: list[tuple[int, int, str]]) -> int:
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # also here, so that no kill can come before the worker's own
    relay = _Relay(relays)
    started = time.monotonic()
    deadline = None if limits.seconds is None else started + limits.seconds + GRACE_SECONDS
    forwarded_at: float | None = None
    status = None
    try:
        while status is None:
            try:
                relay.copy(0.05)
                done, raw = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = raw
                    break
                now = time.monotonic()
                if deadline is not None and now > deadline:  # stuck where SIGALRM cannot act
                    _kill_group(pid)
                    status = os.waitpid(pid, 0)[1]
                    relay.drain()
                    return _fail(limits.time_message())
                if forwarded_at is not None and now > forwarded_at + TERMINATE_GRACE_SECONDS:
                    _kill_group(pid)
                    status = os.waitpid(pid, 0)[1]
                    print("symbolic: terminated (SIGTERM)", file=sys.stderr)
                    return 128 + signal.SIGTERM
            except Terminated:
                _signal(pid, signal.SIGTERM)  # the worker cleans up and says so
                forwarded_at = time.monotonic()
            except KeyboardInterrupt:
                _signal(pid, signal.SIGINT)
                forwarded_at = time.monotonic()
        relay.drain()
    finally:
        relay.close()
        if status is None:  # the parent itself is going away: leave nothing running
            _kill_group(pid)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    _kill_group(pid)  # anything the worker left behind in its group
    if os.WIFSIGNALED(status):
        return _fail(limits.died_message(os.WTERMSIG(status)))
    return os.WEXITSTATUS(status)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signum)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _fail(message: str) -> int:
    from symbolic.cli.output import error_line

    error_line(message)
    return EXIT_USAGE
