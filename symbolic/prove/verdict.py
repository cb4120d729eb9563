"""A verdict: `proved`, `refuted` or `unknown`, with its certificate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

ALLOWED_SIGNS = {"<": {-1}, "<=": {-1, 0}, ">": {1}, ">=": {1, 0}, "!=": {-1, 1}, "=": {0}}


@dataclass(frozen=True)
class Entry:
    """One entry of a certificate: its kind, the statement as shown, and its data.

    Kinds: "step" (a step of a proof or of a search), "refutation" (why a refuted claim
    fails; data: the counterexample as printed), "reason" (why a verdict is unknown;
    data: the evidence gathered), "value" (a certified value; data: the value).
    """

    kind: str
    statement: str
    data: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.statement


@dataclass(frozen=True)
class Verdict:
    """Frozen: a stage that adds to a verdict makes a new one (`around`, `replace`)."""

    verdict: str
    method: str
    # Strings given here become "step" entries; the last entry of a refuted or unknown
    # verdict is its "refutation" or "reason" (see `__post_init__`).
    certificate: tuple[Entry, ...] = field(default_factory=tuple)
    counterexample: dict[str, str] | None = None
    evidence: dict[str, object] | None = None
    reason: str | None = None
    witness: dict[str, Any] | None = None  # exact data of a counterexample, for re-checking
    recheck: str | None = None  # how the independent route confirmed the verdict
    value: str | None = None  # the certified value of a `value` claim, as printed

    def __post_init__(self) -> None:
        entries = [_entry(e) for e in self.certificate]
        if entries and entries[-1].kind == "step":
            last = entries[-1]
            if self.verdict == "refuted":
                entries[-1] = Entry("refutation", last.statement, dict(self.counterexample or {}))
            elif self.verdict == "unknown":
                entries[-1] = Entry("reason", last.statement, dict(self.evidence or {}))
        if self.value is not None and not any(e.kind == "value" for e in entries):
            entries.append(Entry("value", f"certified value: {self.value}", {"value": self.value}))
        object.__setattr__(self, "certificate", tuple(entries))

    @property
    def lines(self) -> list[str]:
        """The certificate's statements as printed (a certified value is shown apart)."""
        return [e.statement for e in self.certificate if e.kind != "value"]

    @property
    def statements(self) -> list[str]:
        """The certificate as JSON and reports give it: its lines, then the re-check."""
        return [*self.lines, *([self.recheck] if self.recheck else [])]

    @property
    def why(self) -> str | None:
        """The statement of the refutation or reason, if there is one."""
        for entry in reversed(self.certificate):
            if entry.kind in ("refutation", "reason"):
                return entry.statement
        return None

    def around(self, before: Sequence[str] = (), after: Sequence[str] = ()) -> Verdict:
        """The same verdict with certificate entries before and after its own (an entry
        that closed the old verdict is a step inside the new one)."""
        inner = [
            Entry("step", e.statement) if e.kind in ("refutation", "reason") else e
            for e in self.certificate
        ]
        return replace(self, certificate=(*before, *inner, *after))

    def replace(self, **changes: object) -> Verdict:
        return replace(self, **changes)

    @classmethod
    def unknown(cls, method: str, why: str, evidence: dict[str, object] | None = None) -> Verdict:
        return cls("unknown", method, [why], None, evidence, why)

    @property
    def decided(self) -> bool:
        return self.verdict in ("proved", "refuted")


def _entry(item: Entry | Mapping[str, object] | str) -> Entry:
    """An entry from an entry, from its fields (a verdict sent between processes as a
    dict), or from a plain line of text (a step)."""
    if isinstance(item, Entry):
        return item
    if isinstance(item, Mapping):
        return Entry(str(item["kind"]), str(item["statement"]), dict(item.get("data", {})))
    return Entry("step", str(item))
