"""`symbolic check`'s output: a line per claim (re-verified, partly checked, no data,
FAILED) and a summary, as text or JSON; the checking itself is `symbolic.prove.check`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict

from symbolic.prove.check import MAX_BYTES, Report, check_claim, load

__all__ = ["MAX_BYTES", "as_json", "as_text", "run", "summary"]


def summary(reports: list[Report]) -> dict[str, int]:
    counts = {"re-verified": 0, "partly checked": 0, "no data": 0, "failed": 0}
    for report in reports:
        counts["failed" if report.status == "FAILED" else report.status] += 1
    return counts


def as_text(reports: list[Report]) -> str:
    lines = []
    for report in reports:
        head = {"FAILED": "✗", "re-verified": "✓"}.get(report.status, "·")
        first = report.lines[0] if report.status in ("FAILED", "no data") else ""
        lines.append(f"{head} {report.status}: {report.id}" + (f": {first}" if first else ""))
        if report.status not in ("FAILED", "no data"):
            lines += [f"    {line}" for line in report.lines]
    counts = summary(reports)
    lines.append("")
    lines.append(
        f"{len(reports)} claims: {counts['re-verified']} re-verified, "
        f"{counts['partly checked']} partly checked, {counts['no data']} with no data to "
        f"check, {counts['failed']} FAILED"
    )
    return "\n".join(lines) + "\n"


def as_json(reports: list[Report]) -> str:
    data = {"claims": [asdict(r) for r in reports], "summary": summary(reports)}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def run(text: str, name: str, formatter: Callable[[list[Report]], str]) -> tuple[str, bool]:
    """The output for verify's JSON, and whether nothing failed."""
    reports = [check_claim(claim) for claim in load(text, name)]
    return formatter(reports), all(r.status != "FAILED" for r in reports)
