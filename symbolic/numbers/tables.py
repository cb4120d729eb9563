"""Golden vectors: certified values at many points, with every IEEE format's rounding.

One enclosure per point answers everything (the D-digit decimal and the rounding
to float64, float32, float16 and bfloat16): the precision is raised until all of
them are decided. Rows are computed one at a time (`iter_rows`) and the writers take
any iterable of rows, so a table of 100,000 rows at many digits is written as it is
computed, never held whole in memory.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import TextIO

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
        raise SymbolicError(
            f"the range has {_count_text(count)} rows; at most {MAX_ROWS:,} are allowed "
            "(a larger --step, or several tables)"
        )
    return [_exact_point(a_value + i * h_value) for i in range(count)]


def _count_text(count: int) -> str:
    """A row count as text, also past Python's 4,300-digit limit on int to str."""
    if count < 10**15:
        return f"{count:,}"
    shift = count.bit_length() - 53
    return f"about 10^{math.floor(math.log10(count >> shift) + shift * math.log10(2))}"


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


def iter_rows(expr: Expr, points: Iterable[Point], digits: int) -> Iterator[Row]:
    """The rows one at a time, each computed when it is asked for."""
    check_digits(digits)
    formats = list(ieee.FORMATS)
    for point in points:
        yield evaluate_row(expr, point, digits, formats)


def build_rows(expr: Expr, points: list[Point], digits: int) -> list[Row]:
    return list(iter_rows(expr, points, digits))


def write_csv(rows: Iterable[Row], out: TextIO) -> None:
    writer = None
    for row in rows:
        cells = row.cells()
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(cells), lineterminator="\n")
            writer.writeheader()
        writer.writerow(cells)


def write_json(expr: Expr, digits: int, rows: Iterable[Row], out: TextIO) -> None:
    """The same bytes as `json.dumps(data, indent=2)`, written a row at a time."""
    head = json.dumps({"expr": to_language(expr), "digits": digits}, indent=2)
    out.write(head.removesuffix("\n}") + ',\n  "rows": [')
    separator = "\n"
    for row in rows:
        cells = json.dumps(row.cells(), indent=2).replace("\n", "\n    ")
        out.write(f"{separator}    {cells}")
        separator = ",\n"
    out.write("\n  ]\n}\n" if separator != "\n" else "]\n}\n")


TEXT_COLUMNS = ["x", "value", *ieee.FORMATS]
TEXT_BLOCK = 1000  # rows read before the column widths are fixed


def write_text(rows: Iterable[Row], out: TextIO) -> None:
    """Aligned columns. The widths come from the first TEXT_BLOCK rows (and the header);
    a longer cell further down is written whole and pushes the rest of its line right."""
    rows = iter(rows)
    first = [[row.cells()[c] for c in TEXT_COLUMNS] for row in _take(rows, TEXT_BLOCK)]
    table = [TEXT_COLUMNS, *first]
    widths = [max(len(line[i]) for line in table) for i in range(len(TEXT_COLUMNS))]

    def line_of(cells: list[str]) -> str:
        padded = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        return "  ".join(padded).rstrip() + "\n"

    for line in table:
        out.write(line_of(line))
    for row in rows:
        cells = row.cells()
        out.write(line_of([cells[c] for c in TEXT_COLUMNS]))


def _take(rows: Iterator[Row], count: int) -> list[Row]:
    taken = []
    for row in rows:
        taken.append(row)
        if len(taken) >= count:
            break
    return taken


def as_csv(rows: Iterable[Row]) -> str:
    buffer = io.StringIO()
    write_csv(rows, buffer)
    return buffer.getvalue()


def as_json(expr: Expr, digits: int, rows: Iterable[Row]) -> str:
    buffer = io.StringIO()
    write_json(expr, digits, rows, buffer)
    return buffer.getvalue()


def as_text(rows: Iterable[Row]) -> str:
    buffer = io.StringIO()
    write_text(rows, buffer)
    return buffer.getvalue()
