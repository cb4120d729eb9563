"""Shared test hygiene.

mpmath's working precision is one process-wide setting. A test that sets it (or a
module that set it at import) changed the precision of every test that ran after it:
CI's full run failed a 250-bit double-word check that ran at 103 bits after a test
had set ``mp.dps = 30``. Every test now starts from mpmath's default and any change
it makes is undone when it ends; modules that need more bits ask for them per test.
"""

from __future__ import annotations

from collections.abc import Iterator

import mpmath
import pytest


@pytest.fixture(autouse=True)
def _mpmath_default_precision() -> Iterator[None]:
    """Run each test at mpmath's default precision and restore it afterwards."""
    saved = mpmath.mp.prec
    mpmath.mp.prec = 53
    try:
        yield
    finally:
        mpmath.mp.prec = saved
