"""Time per claim of the prover: every family catalogue and both truth suites.

Run by hand: `.venv/bin/python benchmarks/bench_claims.py`. Each claim is proved in
this process (imports done, no fork), twice; the faster run counts (the machine is
noisy). Prints a Markdown table per file (claims, decided, median, 90th percentile,
slowest claim) for docs/benchmarks.md and the README.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from symbolic.prove.claims import load_claims, load_claims_text
from symbolic.prove.prover import prove

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    *sorted((ROOT / "symbolic" / "functions").glob("*.claims.toml")),
    ROOT / "tests" / "claims" / "truth.toml",
    ROOT / "tests" / "claims" / "truth_family.toml",
]


def seconds_of(claim) -> tuple[float, str]:
    best, verdict = float("inf"), ""
    for _ in range(2):
        started = time.perf_counter()
        verdict = prove(claim).verdict
        best = min(best, time.perf_counter() - started)
    return best, verdict


def main() -> None:
    print("| claims file | claims | decided | median s | 90 % s | slowest (s) |")
    print("|---|---|---|---|---|---|")
    for path in FILES:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        claims = (
            load_claims(path) if path.name.endswith(".claims.toml") else load_claims_text(text)
        ).claims
        timed = [(seconds_of(c), c.id) for c in claims]
        times = sorted(t for (t, _), _ in timed)
        decided = sum(v in ("proved", "refuted") for (_, v), _ in timed)
        (slowest, _), slowest_id = max(timed)
        ninety = times[min(len(times) - 1, int(0.9 * len(times)))]
        print(
            f"| {path.relative_to(ROOT)} | {len(claims)} | {decided} | "
            f"{statistics.median(times):.3f} | {ninety:.3f} | {slowest_id} ({slowest:.2f}) |"
        )


if __name__ == "__main__":
    main()
