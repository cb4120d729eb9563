"""Certified pieces as the prover finds them: the evidence of a claim that times out.

The prover runs each claim in a child process that is killed at the time limit, so a
verdict that never comes would lose every piece already certified (a tail bound, a
cover of part of the domain, an exact chart). The steps that certify such a piece
report it here as they finish; `verify` installs a sink that sends each one to the
parent at once, and a claim that runs out of time is `unknown (timeout)` with those
entries, data kept, in its certificate. Reporting is best effort: a sink that fails
never changes a verdict.
"""

from __future__ import annotations

from collections.abc import Callable

from symbolic.prove.verdict import Entry

_sink: Callable[[Entry], None] | None = None


def install(sink: Callable[[Entry], None] | None) -> None:
    """Send every certified piece to `sink` (None: keep nothing), in this process."""
    global _sink
    _sink = sink


def report(entry: Entry) -> Entry:
    """Report one certified piece (returned, to be used in place)."""
    if _sink is not None:
        try:
            _sink(entry)
        except Exception:  # the evidence is a courtesy: never let it change a verdict
            install(None)
    return entry
