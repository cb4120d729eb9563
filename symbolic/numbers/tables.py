"""Golden vectors: certified values at many points, with every IEEE format's rounding.

One enclosure per point answers everything (the D-digit decimal and the rounding
to float64, float32, float16 and bfloat16): the precision is raised until all of
them are decided. Rows are computed in full before anything is written.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from fractions import Fraction

import flint
import sympy
from sympy import Expr

from symbolic.arith import ieee
from symbolic.errors import SymbolicError
from symbolic.files import read_bounded_text
from symbolic.language.printing import to_language
from symbolic.numbers.oracle import (
    START_BITS,
    DecimalValue,
    Point,
    certified_ball,
    check_digits,
    decide_decimal,
    decide_format,
    to_point,
)

MAX_ROWS = 100_000
MAX_FILE_BYTES = 10_000_000


@dataclass(frozen=True)
class Row:
    """One point: its decimal value and its rounding in each format."""

    x: str
    value: DecimalValue
    formats: dict[str, ieee.Rounded]

    def cells(self) -> dict[str, str]:
        out = {"x": self.x, "value": str(self.value)}
        for name, rounded in self.formats.items():
            fmt = ieee.FORMATS[name]
            out[name] = ieee.shortest_decimal(rounded, fmt)
            out[f"{name}_hex"] = ieee.hex_string(rounded)
        return out


def evaluate_row(expr: Expr, point: Point, digits: int, formats: list[str]) -> Row:
    """Decimal and IEEE answers from one enclosure per precision."""
    deciders = {"value": decide_decimal(digits)} | {
        name: decide_format(ieee.FORMATS[name]) for name in formats
    }

    def decide_all(ball: flint.arb) -> dict[str, object] | None:
        answers = {name: decide(ball) for name, decide in deciders.items()}
        return None if any(a is None for a in answers.values()) else answers

    answers = certified_ball(expr, point, decide_all, int(digits * 3.33) + START_BITS)
    value = answers.pop("value")
    return Row(point.text, value, answers)


def range_points(start: str, stop: str, step: str) -> list[Point]:
    """start, start + step, … up to stop (inclusive), in exact arithmetic."""
    a, b, h = (to_point(text) for text in (start, stop, step))
    for name, point in (("--from", a), ("--to", b), ("--step", h)):
        if point.rational is None:
            raise SymbolicError(f"{name} must be an exact number, got {point.text!r}")
    a_value, b_value, h_value = a.rational, b.rational, h.rational
    if h_value <= 0:
        raise SymbolicError(f"--step must be positive, got {step!r}")
    if b_value < a_value:
        raise SymbolicError(f"--to ({stop}) is less than --from ({start})")
    count = int((b_value - a_value) / h_value) + 1
    if count > MAX_ROWS:
        raise SymbolicError(f"the range has {count} rows; at most {MAX_ROWS} are allowed")
    return [_exact_point(a_value + i * h_value) for i in range(count)]


def _exact_point(value: Fraction) -> Point:
    return Point(_decimal_text(value), sympy.Rational(value.numerator, value.denominator))


def _decimal_text(value: Fraction) -> str:
    """A decimal fraction exactly (0.5, -12.25); other rationals as p/q."""
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    scaled = value * 10**places
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled.numerator)).rjust(places + 1, "0")
    if places == 0:
        return f"{sign}{digits}"
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def file_points(path: str) -> list[Point]:
    """One x per line; blank lines and lines starting with # are skipped."""
    text = read_bounded_text(path, MAX_FILE_BYTES)
    points = []
    for number, line in enumerate(text.splitlines(), start=1):
        item = line.strip()
        if not item or item.startswith("#"):
            continue
        if len(points) >= MAX_ROWS:
            raise SymbolicError(f"{path}: more than {MAX_ROWS} points")
        try:
            points.append(to_point(item))
        except SymbolicError as error:
            raise SymbolicError(f"{path}:{number}: {error}") from None
    if not points:
        raise SymbolicError(f"{path}: no points in the file")
    return points


def build_rows(expr: Expr, points: list[Point], digits: int) -> list[Row]:
    check_digits(digits)
    return [evaluate_row(expr, point, digits, list(ieee.FORMATS)) for point in points]


def as_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0].cells()), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row.cells())
    return buffer.getvalue()


def as_json(expr: Expr, digits: int, rows: list[Row]) -> str:
    data = {"expr": to_language(expr), "digits": digits, "rows": [row.cells() for row in rows]}
    return json.dumps(data, indent=2) + "\n"


def as_text(rows: list[Row]) -> str:
    columns = ["x", "value", *ieee.FORMATS]
    table = [columns] + [[row.cells()[c] for c in columns] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        + "\n"
        for line in table
    )
