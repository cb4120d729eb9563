"""pytest plugin: every `*.claims.toml` becomes a test file, one test item per claim.

Registered under the `pytest11` entry point, so installing symbolic is enough:
`pytest` collects the claims files next to the tests, and `-k`, `--junitxml` and the
usual reporting work. A claim fails when its verdict differs from its `expect`.
Option: `--claims-timeout SECONDS` (default 60) per claim.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from symbolic.errors import SymbolicError

SUFFIX = ".claims.toml"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("symbolic")
    group.addoption(
        "--claims-timeout",
        type=float,
        default=60.0,
        help="time limit in seconds for proving one claim (default 60)",
    )


def pytest_configure(config: pytest.Config) -> None:
    timeout = config.getoption("--claims-timeout", 60.0)
    if not 0 < timeout <= 86_400:  # also rejects nan: a claim would time out at once or never
        raise pytest.UsageError(
            f"--claims-timeout must be between 0 and 86400 seconds, got {timeout}"
        )


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.File | None:
    if file_path.name.endswith(SUFFIX):
        return ClaimsFileCollector.from_parent(parent, path=file_path)
    return None


class ClaimsFileCollector(pytest.File):
    def collect(self):
        from symbolic.prove.claims import load_claims

        try:
            claims_file = load_claims(self.path)
        except SymbolicError as error:  # one line, as the CLI says it: no traceback
            raise self.CollectError(" ".join(str(error).split())) from None
        for claim in claims_file.claims:
            yield ClaimItem.from_parent(self, name=claim.id, claim=claim)


class ClaimFailureError(Exception):
    """A claim whose verdict differs from what it expects."""


class ClaimItem(pytest.Item):
    def __init__(self, *, claim: object, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.claim = claim
        self.result = None

    def runtest(self) -> None:
        from symbolic.prove.verify import run_claim

        timeout = self.config.getoption("--claims-timeout")
        self.result = run_claim(self.claim, timeout)
        if not self.result.ok:
            raise ClaimFailureError()

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None) -> str:
        if isinstance(excinfo.value, ClaimFailureError) and self.result is not None:
            from symbolic.prove.verify import failure_text

            return failure_text(self.result)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, max(self.claim.line - 1, 0), f"claim {self.claim.id}"
