"""Running claims: time limits, results, and the CI outputs (text, JSON, JUnit, summary).

Each claim is proved in a forked child process, so the time limit holds even when
SymPy is stuck inside one long computation: the child is killed, the claim becomes
`unknown` with reason `timeout`, and the run goes on. The child also has a memory
limit (RLIMIT_AS, default 4 GiB, `SYMBOLIC_MEMORY_LIMIT=8G` or `none` to change it):
past it the claim is `unknown` with reason `memory`, and the message says how to raise it.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import re
import signal
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from typing import Any

from symbolic.errors import SymbolicError
from symbolic.functions import DEFAULT_FUNCTION, FamilyMember
from symbolic.prove import progress
from symbolic.prove.claim import Claim
from symbolic.prove.claims import ClaimsFile, load_claims, load_claims_text
from symbolic.prove.prover import Verdict, prove
from symbolic.prove.verdict import Entry

DEFAULT_TIMEOUT = 60.0
MEMORY_VARIABLE = "SYMBOLIC_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = 4 << 30
_timeout_override: float | None = None


@dataclass
class Result:
    claim: Claim
    verdict: Verdict
    seconds: float

    @property
    def ok(self) -> bool:
        return self.verdict.verdict == self.claim.expect

    def as_json(self) -> dict[str, object]:
        v = self.verdict
        return {
            "id": self.claim.id,
            "kind": self.claim.kind,
            "statement": self.claim.statement,
            "verdict": v.verdict,
            "expected": self.claim.expect,
            "ok": self.ok,
            "method": v.method,
            "certificate": v.statements,
            "recheck": v.recheck,
            "counterexample": v.counterexample,
            "seconds": round(self.seconds, 3),
            "reason": v.reason,
            "evidence": v.evidence,
            "text": self.claim.text,
            "source": self.claim.source,
            "file": self.claim.file,
            "line": self.claim.line,
            # for `symbolic check`: the claim as written, and the certificate's data
            "fields": dict(self.claim.raw),
            "certificate_data": [
                {"kind": e.kind, "statement": e.statement, "data": dict(e.data)}
                for e in v.certificate
            ],
        }


def catalogue(
    function: type[FamilyMember] = DEFAULT_FUNCTION, qualified: bool = False
) -> ClaimsFile:
    """A function's built-in catalogue of claims, shipped beside its registry module.

    `qualified` prefixes each id with the function's name (`softplus.ID`) and names the
    file `<built-in NAME.claims.toml>`, so that the ids of several catalogues run together
    stay unique and JUnit groups them by function; `verify` with no FILE keeps σ's ids.
    """
    name = function.language_name()
    path = function.catalogue
    if path is None or not path.is_file():
        raise SymbolicError(f"{name} has no catalogue yet")
    label = f"<built-in {name}.claims.toml>" if qualified else "<built-in catalogue.claims.toml>"
    loaded = load_claims_text(path.read_text(encoding="utf-8"), label)
    if qualified:
        loaded.claims = [replace(claim, id=f"{name}.{claim.id}") for claim in loaded.claims]
    return loaded


def load_all(paths: list[str]) -> list[ClaimsFile]:
    return [load_claims(path) for path in paths] if paths else [catalogue()]


def memory_limit(default: int | None = DEFAULT_MEMORY_LIMIT) -> int | None:
    """Bytes of address space a process doing the work may use (None: no limit), from
    SYMBOLIC_MEMORY_LIMIT: a number of bytes with an optional K, M, G or T, or `none`;
    `default` when the variable is not set (the prover children: 4 GiB)."""
    text = os.environ.get(MEMORY_VARIABLE, "").strip()
    if not text:
        return default
    if text.lower() in ("none", "unlimited", "0"):
        return None
    match = re.fullmatch(r"(\d{1,15})\s*([KMGT]?)(i?B)?", text, re.IGNORECASE)
    if not match:
        raise SymbolicError(f"{MEMORY_VARIABLE}={text!r}: write a size such as 4G, 8192M or none")
    value = int(match[1]) << (10 * " KMGT".index(match[2].upper() or " "))
    if value < 256 << 20:
        raise SymbolicError(f"{MEMORY_VARIABLE}={text!r}: at least 256M, or none")
    return value


def size_text(size: int | None) -> str:
    """A memory limit as people read it: `4 GiB`, `none`."""
    return "none" if size is None else f"{size / (1 << 30):.3g} GiB"


def raise_hint(size: int | None) -> str:
    """How to raise a memory limit: twice as much, at least 1G."""
    raise_to = "none" if size is None else f"{max(2 * size >> 30, 1)}G"
    return f"raise it with {MEMORY_VARIABLE}={raise_to}"


def _memory_message(size: int | None) -> str:
    return (
        f"the memory limit of the prover ({size_text(size)} of address space) was reached; "
        + raise_hint(size)
    )


def limit_memory(size: int | None) -> None:
    """Set RLIMIT_AS of this process (the soft limit; a lower hard limit stays)."""
    if size is None:
        return
    import resource

    with contextlib.suppress(ValueError, OSError):  # a lower hard limit stays in force
        resource.setrlimit(resource.RLIMIT_AS, (size, resource.getrlimit(resource.RLIMIT_AS)[1]))


def _child(
    claim: Claim, connection: multiprocessing.connection.Connection, memory: int | None = None
) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler is for the parent
    limit_memory(memory)
    progress.install(lambda entry: connection.send({"progress": _piece(entry)}))
    try:
        verdict = prove(claim)
    except MemoryError:
        verdict = Verdict.unknown(claim.kind, _memory_message(memory)).replace(reason="memory")
    except Exception as error:
        verdict = Verdict.unknown(claim.kind, f"internal error: {type(error).__name__}: {error}")
    verdict = verdict.replace(witness=None)  # exact SymPy data, for the re-check only
    connection.send(asdict(verdict))
    connection.close()


def _piece(entry: Entry) -> dict[str, object]:
    return {"kind": entry.kind, "statement": entry.statement, "data": dict(entry.data)}


def _receive(receiver: Any, deadline: float, pieces: list[dict]) -> dict | None:
    """The child's verdict (its fields), the certified pieces it reports before it
    appended to `pieces`; None at the deadline. EOFError when the child died."""
    while (remaining := deadline - time.perf_counter()) > 0 and receiver.poll(remaining):
        message = receiver.recv()
        if isinstance(message, dict) and set(message) == {"progress"}:
            pieces.append(message["progress"])
            continue
        return message
    return None


def run_claim(claim: Claim, timeout: float = DEFAULT_TIMEOUT) -> Result:
    """Prove one claim in a child process, killed after `timeout` seconds; a claim that
    times out keeps, as its evidence, the pieces certified before the deadline."""
    started = time.perf_counter()
    memory = memory_limit()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(claim, sender, memory), daemon=True)
    try:
        process.start()
        sender.close()
        pieces: list[dict] = []
        try:
            message = _receive(receiver, started + timeout, pieces)
            verdict = (
                _timed_out(claim.kind, timeout, pieces) if message is None else Verdict(**message)
            )
        except EOFError:
            verdict = _died(claim, process, memory)
    finally:  # also on SIGTERM (SystemExit in the CLI): no prover left running
        process.kill()
        process.join()
        receiver.close()
    return Result(claim, verdict, time.perf_counter() - started)


def _died(claim: Claim, process: Any, memory: int | None) -> Verdict:
    process.join(5)
    code = process.exitcode
    how = f" (exit status {code})" if code is not None and code >= 0 else ""
    if code is not None and code < 0:
        how = f" (signal {-code})"
    return Verdict.unknown(
        claim.kind,
        f"the prover process died{how}; if it ran out of memory (the limit is "
        f"{size_text(memory)} of address space), {raise_hint(memory)}",
    )


def _timed_out(kind: str, timeout: float, pieces: list[dict]) -> Verdict:
    """`unknown (timeout)`, with the pieces certified before the deadline (their data
    kept, for `symbolic check` and for a reader) as its evidence."""
    entries = [Entry("step", str(p["statement"]), dict(p["data"])) for p in pieces]
    kept = f"; {len(entries)} piece(s) certified before it are kept above" if entries else ""
    why = f"no verdict within {timeout:g} s; raise the limit with --timeout SECONDS{kept}"
    evidence = {"timeout_seconds": timeout, "pieces_certified": len(entries)}
    return Verdict("unknown", kind, [*entries, why], None, evidence, "timeout")


@contextlib.contextmanager
def time_limit(timeout: float) -> Iterator[None]:
    """Within this block every claim gets `timeout` seconds, whatever its caller asked
    for (the reports build their results with the default)."""
    global _timeout_override
    before, _timeout_override = _timeout_override, timeout
    try:
        yield
    finally:
        _timeout_override = before


def run_all(files: list[ClaimsFile], timeout: float, only: str | None = None) -> list[Result]:
    if _timeout_override is not None:
        timeout = _timeout_override
    results = []
    for file in files:
        for claim in file.claims:
            if only is None or claim.id == only:
                results.append(run_claim(claim, timeout))
    return results


def summary(results: list[Result]) -> dict[str, int]:
    counts = {"proved": 0, "refuted": 0, "unknown": 0, "failed": 0}
    for result in results:
        counts[result.verdict.verdict] += 1
        counts["failed"] += not result.ok
    return counts


def as_json(results: list[Result]) -> str:
    data = {"claims": [r.as_json() for r in results], "summary": summary(results)}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def mark(result: Result) -> str:
    """✓ when the verdict is what the file expects (an expected refutation passes),
    ✗ when it is not, ? when it is unknown and unknown was not expected."""
    if result.ok:
        return "✓"
    return "?" if result.verdict.verdict == "unknown" else "✗"


def as_text(results: list[Result]) -> str:
    lines = []
    for r in results:
        v = r.verdict
        status = "ok" if r.ok else f"FAILED (expected {r.claim.expect})"
        lines.append(
            f"{mark(r)} {v.verdict:8} {r.claim.id}: {r.claim.statement}"
            f"  [{status}, {r.seconds:.2f} s]"
        )
        if v.verdict == "refuted" and v.counterexample:
            lines.append(f"    counterexample: {counterexample_text(v.counterexample)}")
        if v.verdict != "proved" or not r.ok:
            lines += [f"    {step}" for step in v.lines[-3:]]
            if v.recheck:
                lines.append(f"    {v.recheck}")
    refuted_article = [
        r
        for r in results
        if r.verdict.verdict == "refuted" and r.claim.source.startswith("article")
    ]
    if refuted_article:
        lines.append("")
        lines.append("Statements of the article that are false:")
        for r in refuted_article:
            said = r.claim.text or r.claim.statement
            lines.append(f"  - {r.claim.id} ({r.claim.source}): {said}")
            lines.append(
                f"    why: {counterexample_text(r.verdict.counterexample or {})}; "
                f"{r.verdict.why or r.verdict.statements[-1]}"
            )
    counts = summary(results)
    lines.append("")
    lines.append(
        f"{len(results)} claims: {counts['proved']} proved, {counts['refuted']} refuted, "
        f"{counts['unknown']} unknown; {counts['failed']} not as expected"
    )
    return "\n".join(lines) + "\n"


def counterexample_text(found: dict[str, str] | None) -> str:
    """A counterexample in one line (the CLI, JUnit and the reports say it the same way)."""
    if not found:
        return ""
    if "value" in found:
        return f"the value {found['value']}: {found['why']} (the image is {found['image']})"
    parts = [f"x = {found['x']}"] if found.get("x") else []
    parts += [f"left side {found['lhs']}", f"right side {found['rhs']}"]
    if "parameters" in found:
        parts.append(found["parameters"])
    return ", ".join(parts)


def as_junit(results: list[Result]) -> str:
    suites = ET.Element(
        "testsuites",
        name="symbolic verify",
        tests=str(len(results)),
        failures=str(sum(not r.ok for r in results)),
        errors="0",
        skipped="0",
        time=f"{sum(r.seconds for r in results):.3f}",
    )
    by_file: dict[str, list[Result]] = {}
    for r in results:
        by_file.setdefault(r.claim.file, []).append(r)
    for file, group in by_file.items():
        failures = sum(not r.ok for r in group)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=file,
            tests=str(len(group)),
            failures=str(failures),
            errors="0",
            skipped="0",
            time=f"{sum(r.seconds for r in group):.3f}",
        )
        for r in group:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=file,
                name=r.claim.id,
                time=f"{r.seconds:.3f}",
                file=file,
                line=str(r.claim.line),
            )
            if not r.ok:
                failure = ET.SubElement(
                    case,
                    "failure",
                    type=r.verdict.verdict,
                    message=f"verdict {r.verdict.verdict}, expected {r.claim.expect}",
                )
                failure.text = failure_text(r)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def failure_text(r: Result) -> str:
    v = r.verdict
    lines = [
        f"{r.claim.file}:{r.claim.line}: claim {r.claim.id}: {r.claim.statement}",
        f"verdict: {v.verdict} (expected {r.claim.expect}) by {v.method}",
    ]
    if v.counterexample:
        lines.append(f"counterexample: {counterexample_text(v.counterexample)}")
    lines += [f"  {step}" for step in v.statements]
    return "\n".join(lines)


def github_summary(results: list[Result], paths: list[str] | None = None) -> str:
    """Markdown for GITHUB_STEP_SUMMARY: a heading, the claims files, a table (an
    expected refutation passes: ✅), and each failure with its counterexample."""
    from symbolic.language.printing import markdown_escape

    files = paths if paths is not None else list(dict.fromkeys(r.claim.file for r in results))
    counts = summary(results)
    status = "all as expected" if counts["failed"] == 0 else f"{counts['failed']} failed"
    lines = [f"## symbolic verify: {status}", ""]
    lines += [f"Claims file: `{_code(f)}`" for f in files]
    lines += ["", "| claim | verdict | expected | ok |", "|---|---|---|---|"]
    for r in results:
        lines.append(
            f"| `{_code(r.claim.id)}` | {r.verdict.verdict} | {r.claim.expect} "
            f"| {'✅' if r.ok else '❌'} |"
        )
    lines.append("")
    lines.append(
        f"{counts['proved']} proved, {counts['refuted']} refuted, {counts['unknown']} unknown, "
        f"{counts['failed']} failed"
    )
    failures = [r for r in results if not r.ok]
    if failures:
        lines += ["", "### Failures", ""]
    for r in failures:
        v = r.verdict
        where = f"{r.claim.file}:{r.claim.line}"
        lines.append(
            f"- `{_code(r.claim.id)}` ({markdown_escape(where)}): {markdown_escape(r.claim.statement)}"
            f"; verdict {v.verdict}, expected {r.claim.expect}"
        )
        if v.counterexample:
            lines.append(
                f"  - counterexample: {markdown_escape(counterexample_text(v.counterexample))}"
            )
        elif v.certificate:
            lines.append(f"  - {markdown_escape(v.certificate[-1])}")
    return "\n".join(lines) + "\n"


def _code(text: str) -> str:
    """Text inside `code` in Markdown: no backquote or line break can end it early."""
    return " ".join(text.replace("`", "'").split())
