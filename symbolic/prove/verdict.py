"""A verdict: `proved`, `refuted` or `unknown`, with its certificate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

ALLOWED_SIGNS = {"<": {-1}, "<=": {-1, 0}, ">": {1}, ">=": {1, 0}, "!=": {-1, 1}, "=": {0}}


@dataclass(frozen=True)
class Verdict:
    """Frozen: a stage that adds to a verdict makes a new one (`around`, `replace`)."""

    verdict: str
    method: str
    certificate: tuple[str, ...] = field(default_factory=tuple)
    counterexample: dict[str, str] | None = None
    evidence: dict[str, object] | None = None
    reason: str | None = None
    witness: dict[str, Any] | None = None  # exact data of a counterexample, for re-checking
    recheck: str | None = None  # how the independent route confirmed the verdict
    value: str | None = None  # the certified value of a `value` claim, as printed

    def __post_init__(self) -> None:
        object.__setattr__(self, "certificate", tuple(self.certificate))

    def around(self, before: Sequence[str] = (), after: Sequence[str] = ()) -> Verdict:
        """The same verdict with certificate lines before and after its own."""
        return replace(self, certificate=(*before, *self.certificate, *after))

    def replace(self, **changes: object) -> Verdict:
        return replace(self, **changes)

    @classmethod
    def unknown(cls, method: str, why: str, evidence: dict[str, object] | None = None) -> Verdict:
        return cls("unknown", method, [why], None, evidence, why)

    @property
    def decided(self) -> bool:
        return self.verdict in ("proved", "refuted")
