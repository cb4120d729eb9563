"""The family (σ, tanh, softplus, log σ, SiLU, GELU, GELU_tanh, Mish) at any finite input.

Certified digits and every IEEE rounding of orders 0–2, from 0 to the float64 maximum,
against the independent decimal-module references of `tests/family_references.py` (own
series and asymptotics, no code of this package); published hard-to-round binary64
inputs of tanh, erf, erfc, expm1 and log; and `symbolic derive NAME` for every name.
"""

from __future__ import annotations

import math
import re
import shlex
import subprocess
import sys
import time
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest

from symbolic.arith import ieee
from symbolic.numbers import oracle
from tests.family_references import (
    FAMILY,
    Scaled,
    Value,
    decimal_family,
    hard_to_round_cases,
    round_value,
)

ROOT = Path(__file__).resolve().parent.parent
POINTS = ("0", "1e-30", "-1e-30", "0.5", "-0.5", "1", "-1", "5", "-5", "40", "-40")
POINTS += ("1e5", "-1e5", "1e38", "-1e38", "1.7976931348623157e308", "-1.7976931348623157e308")
CASES = [(name, order, x) for name in FAMILY for order in (0, 1, 2) for x in POINTS]
# A guard against a hang or a runaway precision loop, not a speed target (a point takes a few
# ms; CI's loaded run once took 0.53 s): speed is measured in benchmarks/, by hand.
SECONDS_PER_VALUE = 10.0


def _expression(name: str) -> str:
    return f"{name}(x)"  # tanh is the language's own; the others are the registry's


@cache
def _reference(name: str, order: int, x: str) -> Value:
    """60 digits: the true value is within 10^-59 relative of it, far closer than any
    20-digit decimal or IEEE midpoint at these points."""
    return decimal_family(name, x, order, prec=60)


def _is_zero(v: Value) -> bool:
    return isinstance(v, Decimal) and v == 0


def _digits_and_exponent(text: str) -> tuple[bool, str, int]:
    """(negative, significant digits, exponent of the first) of d.ddd…e±N or a plain
    decimal, without Decimal's exponent range."""
    mantissa, _, power = text.lower().partition("e")
    value = Decimal(mantissa)
    digits = "".join(map(str, value.as_tuple().digits)).lstrip("0").rstrip("0") or "0"
    return value.is_signed(), digits, value.adjusted() + int(power or 0)


def _reference_text(v: Value) -> str:
    return f"{v.significand}e{v.exponent}" if isinstance(v, Scaled) else str(v)


@pytest.mark.parametrize(("name", "order", "x"), CASES)
def test_twenty_certified_digits(name: str, order: int, x: str) -> None:
    start = time.perf_counter()
    got = oracle.value(_expression(name), x, digits=20, order=order)
    elapsed = time.perf_counter() - start
    want = _reference(name, order, x)
    if _is_zero(want):
        assert got == "0", (got, want)
    else:
        assert _digits_and_exponent(got) == _digits_and_exponent(
            _reference_text(round_value(want, 20))
        ), (got, want)
    assert elapsed < SECONDS_PER_VALUE, f"{elapsed:.2f} s"


# ---------------------------------------------------------------- IEEE roundings


def _nearest(v: Value, fmt: ieee.Format) -> tuple[bool, Fraction | None]:
    """(negative, magnitude) of v rounded to nearest-even in fmt, by exact rational
    arithmetic; magnitude None means infinity. Signed zeros keep the sign of v."""
    if _is_zero(v):
        return False, Fraction(0)
    if isinstance(v, Scaled):  # beyond 10^±(10^18): 0 or infinity in every format
        negative = v.significand < 0
        return negative, (None if v.exponent > 0 else Fraction(0))
    if abs(v.adjusted()) > 400:  # beyond every format (and 10^(−2·10^9) is no Fraction)
        return v < 0, (None if v.adjusted() > 0 else Fraction(0))
    q = Fraction(v)
    negative, a = q < 0, abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e > a:
        e -= 1
    ulp = Fraction(2) ** (max(e, fmt.emin) - fmt.precision + 1)
    t = a / ulp
    n = t.numerator // t.denominator
    rest = t - n
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and n % 2 == 1):
        n += 1
    magnitude = n * ulp
    if magnitude >= Fraction(2) ** (fmt.emax + 1):
        return negative, None
    return negative, magnitude


@pytest.mark.parametrize("fmt", ["float64", "float32", "float16", "bfloat16"])
@pytest.mark.parametrize(("name", "order", "x"), CASES)
def test_ieee_roundings(name: str, order: int, x: str, fmt: str) -> None:
    format_ = ieee.FORMATS[fmt]
    target = oracle.to_expression(_expression(name), order)
    start = time.perf_counter()
    got = oracle.rounded_value(target, oracle.to_point(x), format_)
    elapsed = time.perf_counter() - start
    negative, magnitude = _nearest(_reference(name, order, x), format_)
    if magnitude is None:
        assert got.is_inf and got.negative == negative, got
    else:
        assert not got.is_inf and abs(got.as_fraction()) == magnitude, (got, magnitude)
        if magnitude == 0:
            assert math.copysign(1.0, got.as_float()) == (-1.0 if negative else 1.0), got
        else:
            assert got.negative == negative, got
    assert elapsed < SECONDS_PER_VALUE, f"{elapsed:.2f} s"


def test_the_nearest_rounding_of_the_references_is_right() -> None:
    """The test's own rounding, against known values: it could otherwise pass anything."""
    f16, bf16 = ieee.FORMATS["float16"], ieee.FORMATS["bfloat16"]
    assert _nearest(Decimal("65520"), f16) == (False, None)  # the float16 overflow threshold
    assert _nearest(Decimal("65519.99"), f16) == (False, Fraction(65504))
    assert _nearest(Decimal("-1.0000000001"), bf16) == (True, Fraction(1))
    assert _nearest(Decimal("1e-8"), f16) == (False, Fraction(0))  # below 2^-25: +0
    assert _nearest(Decimal("-3e-8"), f16) == (True, Fraction(1, 2**24))  # the least subnormal
    assert _nearest(Scaled(Decimal("-3.5"), -43430), f16) == (True, Fraction(0))  # −0
    assert _nearest(Scaled(Decimal("2"), 10**20), f16) == (False, None)
    assert _nearest(Decimal("-7.6e-2171472410"), bf16) == (True, Fraction(0))
    assert _nearest(Decimal("1e400"), bf16) == (False, None)
    assert _nearest(Decimal("3e-324"), ieee.FORMATS["float64"]) == (False, Fraction(1, 2**1074))


# ---------------------------------------------------------------- hard to round


@pytest.mark.parametrize(
    "case", hard_to_round_cases(), ids=lambda c: f"{c.function}({float.hex(c.x)})"
)
def test_hard_to_round_binary64(case) -> None:
    """Published inputs whose value lies within 2^-40 ulp of a midpoint between two
    binary64 numbers: the Ziv loop has to get every one right."""
    text = {"expm1": "exp(x) - 1"}.get(case.function, f"{case.function}(x)")
    target = oracle.to_expression(text)
    got = oracle.rounded_value(target, oracle.to_point(case.x), ieee.FORMATS["float64"])
    assert got.as_float() == case.nearest, (got.as_float().hex(), case.nearest.hex())


# ---------------------------------------------------------------- derive


@pytest.mark.parametrize("name", [*FAMILY, "swish", "erf", "erfc"])
def test_derive_checks_every_step(name: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "symbolic", "derive", name],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NOT checked" not in result.stdout
    assert re.search(r"All \d+ steps checked independently", result.stdout), result.stdout


def _readme_family_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The family", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`(symbolic [^`]+)`", section)


def test_the_readme_family_commands_run(capsys) -> None:
    """Every example of the README's family table runs and exits 0."""
    from symbolic.cli import main

    commands = _readme_family_commands()
    assert len(commands) >= 9
    for command in commands:
        assert main(shlex.split(command)[1:]) == 0, command
    assert "-7.6198530241605260660e-23" in capsys.readouterr().out  # GELU(−10)
