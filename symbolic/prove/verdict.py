"""A verdict: `proved`, `refuted` or `unknown`, with its certificate."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ALLOWED_SIGNS = {"<": {-1}, "<=": {-1, 0}, ">": {1}, ">=": {1, 0}, "!=": {-1, 1}, "=": {0}}


@dataclass
class Verdict:
    verdict: str
    method: str
    certificate: list[str] = field(default_factory=list)
    counterexample: dict[str, str] | None = None
    evidence: dict[str, object] | None = None
    reason: str | None = None
    witness: dict[str, Any] | None = None  # exact data of a counterexample, for re-checking
    recheck: str | None = None  # how the independent route confirmed the verdict
    value: str | None = None  # the certified value of a `value` claim, as printed

    @classmethod
    def unknown(cls, method: str, why: str, evidence: dict[str, object] | None = None) -> Verdict:
        return cls("unknown", method, [why], None, evidence, why)

    @property
    def decided(self) -> bool:
        return self.verdict in ("proved", "refuted")
