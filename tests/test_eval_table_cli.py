"""`symbolic eval` and `symbolic table` as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from symbolic.cli import main
from tests.references import decimal_sigmoid, enclosure, is_correctly_rounded, round_significant


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_eval_fifty_digits(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["eval", "diff(sigmoid(x), x)", "--at", "1", "--digits", "50"], capsys)
    assert code == 0
    assert Decimal(out.strip()) == round_significant(decimal_sigmoid(Decimal(1), 1), 50)


def test_eval_far_out_without_underflow(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["eval", "sigmoid", "--order", "1", "--at", "-800", "--digits", "30"], capsys
    )
    assert code == 0
    assert Decimal(out.strip()) == round_significant(decimal_sigmoid(Decimal(-800), 1), 30)
    assert "e-348" in out


def test_eval_float64_json(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["eval", "sigmoid", "--order", "1", "--at", "37.43", "--format", "float64", "--json"]
    code, out, _ = run(args, capsys)
    assert code == 0
    data = json.loads(out)
    assert data["expr"] == "diff(sigmoid(x), x)" and data["digits"] == 20
    (result,) = data["results"]
    assert set(result) == {"x", "value", "float64", "float64_hex"}
    y = np.float64(float(result["float64"]))
    assert float(y) == float.fromhex(result["float64_hex"])
    assert repr(float(y)) == result["float64"]  # shortest round-trip
    assert is_correctly_rounded(y, *enclosure(decimal_sigmoid(Decimal("37.43"), 1)))
    assert 5.5e-17 < float(y) < 5.6e-17  # the value PyTorch and JAX once returned as 0


def test_eval_several_points_and_float32(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["eval", "sigmoid", "--at", "0", "--at", "0.1", "--format", "float32", "--json"]
    code, out, _ = run(args, capsys)
    assert code == 0
    results = json.loads(out)["results"]
    assert [r["x"] for r in results] == ["0", "0.1"]
    assert results[0]["value"] == "0.5" and results[0]["float32_hex"] == "0x1p-1"
    y = np.float32(float(results[1]["float32"]))
    assert is_correctly_rounded(y, *enclosure(decimal_sigmoid(Decimal("0.1"))))


def test_table_golden_vectors(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["table", "sigmoid", "--order", "1", "--from", "-40", "--to", "40", "--step", "0.5",
            "--digits", "40", "--csv"]  # fmt: skip
    code, out, _ = run(args, capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 161
    assert rows[0]["x"] == "-40" and rows[1]["x"] == "-39.5" and rows[-1]["x"] == "40"
    header = ["x", "value"] + [f"{f}{s}" for f in ("float64", "float32", "float16", "bfloat16")
                               for s in ("", "_hex")]  # fmt: skip
    assert list(rows[0]) == header
    for row in rows[::8]:
        x = Decimal(row["x"])
        assert Decimal(row["value"]) == round_significant(decimal_sigmoid(x, 1), 40)
        for name, dtype in (
            ("float64", np.float64),
            ("float32", np.float32),
            ("float16", np.float16),
        ):
            y = dtype(float.fromhex(row[f"{name}_hex"]))
            assert dtype(float(row[name])) == y  # the shortest decimal reads back as y
            assert is_correctly_rounded(y, *enclosure(decimal_sigmoid(x, 1)))


def test_table_from_a_file_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    points = tmp_path / "points.txt"
    points.write_text("# golden points\n0\n\n1e-3\nlog(2)\n", encoding="utf-8")
    code, out, _ = run(["table", "sigmoid", "--at-file", str(points), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert [row["x"] for row in data["rows"]] == ["0", "1e-3", "log(2)"]
    assert data["rows"][0]["value"] == "0.5"
    assert Decimal(data["rows"][2]["value"]) == round_significant(Decimal(2) / 3, 20)


def test_table_text_is_aligned(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["table", "sigmoid", "--from", "-1", "--to", "1", "--step", "1"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["x", "value", "float64", "float32", "float16", "bfloat16"]
    assert len(lines) == 4


BAD = [
    ["eval", "sigmoid", "--at", "1", "--digits", "10**9"],
    ["eval", "sigmoid", "--at", "1", "--digits", "1000000000"],
    ["eval", "sigmoid", "--at", "1", "--digits", "0"],
    ["eval", "sigmoid", "--at", "nan"],
    ["eval", "sigmoid", "--at", "inf"],
    ["eval", "log(x)", "--at", "-1"],
    ["eval", "sqrt(x)", "--at", "-2"],
    ["eval", "sigmoid", "--at", "1", "--format", "float128"],
    ["eval", "sigmoid"],
    ["eval", "sigmoid", "--at", "1", "--order", "-1"],
    ["table", "sigmoid", "--from", "0", "--to", "1", "--step", "0"],
    ["table", "sigmoid", "--from", "0", "--to", "1", "--step", "-1"],
    ["table", "sigmoid", "--from", "0", "--to", "1e9", "--step", "1"],
    ["table", "sigmoid", "--from", "0", "--to", "1e5000", "--step", "1"],  # count past 4,300 digits
    ["table", "sigmoid", "--from", "0", "--to", "1", "--step", "1e-5000"],
    ["table", "sigmoid", "--from", "0", "--to", "1", "--step", "1", "--timeout", "0"],
    ["eval", "sigmoid", "--at", "1", "--timeout", "soon"],
    ["table", "sigmoid", "--from", "1", "--to", "0", "--step", "1"],
    ["table", "sigmoid", "--from", "0", "--to", "1"],
    ["table", "sigmoid", "--at-file", "/nonexistent/points.txt"],
    ["table", "sigmoid", "--from", "0", "--to", "1", "--step", "1", "--at-file", "x"],
    ["table", "sigmoid", "--from", "0", "--to", "1", "--step", "1", "--csv", "--json"],
    ["table", "log(x)", "--from", "-1", "--to", "1", "--step", "0.5", "--csv"],
]


@pytest.mark.parametrize("args", BAD, ids=[" ".join(a[1:]) for a in BAD])
def test_bad_requests_are_one_line_exit_2_within_a_second(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.perf_counter()
    code, out, err = run(args, capsys)
    assert time.perf_counter() - started < 1.0
    assert code == 2
    assert out == ""  # nothing half-written
    assert len(err.splitlines()) == 1 and err.startswith("symbolic: error:")


def test_negative_numbers_typed_as_separate_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    """`--at -7e-300` and `--from -2`, typed as a user types them (issue 11)."""
    code, out, err = run(
        ["eval", "sigmoid", "--at", "-7e-300", "--at", "-2.5", "--digits", "30", "--json"], capsys
    )
    assert code == 0, err
    values = {r["x"]: Decimal(r["value"]) for r in json.loads(out)["results"]}
    assert values["-2.5"] == round_significant(decimal_sigmoid(Decimal("-2.5")), 30)
    assert values["-7e-300"] == round_significant(decimal_sigmoid(Decimal("-7e-300")), 30)
    code, out, err = run(
        ["table", "sigmoid", "--from", "-2", "--to", "-1", "--step", "0.5", "--json"], capsys
    )
    assert code == 0, err
    assert [Decimal(r["x"]) for r in json.loads(out)["rows"]] == [
        Decimal("-2"),
        Decimal("-1.5"),
        Decimal("-1"),
    ]


@pytest.mark.parametrize(
    ("expr", "at", "says"),
    [
        ("diff(abs(x), x)", "0", "formula evaluated is not defined at x = 0"),
        ("x/x", "0", "x/x is not defined at x = 0"),
        ("log(x)", "0", "log(x) is not defined at x = 0"),
        ("sqrt(x - 1)", "1/2", "not defined at x = 1/2"),
        ("1/(x - sqrt(2))", "sqrt(2)", "not defined at x = sqrt(2)"),
    ],
)
def test_eval_at_an_undefined_point_says_so(
    expr: str, at: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["eval", expr, "--at", at], capsys)
    assert (code, out) == (2, "")
    assert says in err and err.count("\n") == 1


def test_eval_next_to_an_undefined_point_still_answers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["eval", "diff(abs(x), x)", "--at", "-1e-300"], capsys)
    assert (code, out.strip()) == (0, "-1")
    code, out, _ = run(["eval", "x/x", "--at", "1e-300"], capsys)
    assert (code, out.strip()) == (0, "1")


def test_table_through_an_undefined_point_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["table", "1/x", "--from", "-1", "--to", "1", "--step", "1/2"], capsys)
    assert (code, out) == (2, "")
    assert "not defined at x = 0" in err
