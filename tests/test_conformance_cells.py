"""The pieces of `symbolic conformance` without a cluster (fast): the plan and its n/a
cells, chunks that cover every input once, the chunk and merge tasks against
`grading.grade`, the store's checks on resume, the report's bytes."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from symbolic.conformance import cells, store, tasks
from symbolic.conformance.report import CellResult, build_model, percent, render
from symbolic.functions import DEFAULT_FUNCTION
from symbolic.grade import grading

NAME = DEFAULT_FUNCTION.language_name()


def _options(**changes: object) -> cells.Options:
    base = dict(functions=(NAME, "gelu"), impls=("numpy", "scipy"), dtypes=("bfloat16",),
                backward=True, exhaustive=False, samples=70000, seed=5)  # fmt: skip
    return cells.Options(**(base | changes))


def test_the_plan_lists_every_cell_in_order_with_na_reasons() -> None:
    planned = cells.plan(_options())
    assert [p.cell.name for p in planned] == [
        f"{f}-{i}-bfloat16-{d}"
        for f in (NAME, "gelu")
        for i in ("numpy", "scipy")
        for d in ("forward", "backward")
    ]
    assert all(p.graded for p in planned[:4] + planned[6:])
    assert [p.reason.split(":")[0] for p in planned[4:6]] == ["numpy has no erf"] * 2
    assert planned[1].spec.of == f"diff({NAME}(x), x)"


def test_the_parameters_hash_changes_with_what_decides_the_result() -> None:
    key = cells.plan(_options())[0].key
    assert cells.plan(_options(samples=70001))[0].key != key
    assert cells.plan(_options(seed=6))[0].key != key
    assert cells.plan(_options(exhaustive=True))[0].key != key
    assert cells.plan(_options(impls=("numpy",)))[0].key == key  # other cells do not matter


def test_names_aliases_and_bad_names() -> None:
    assert cells.function_names("swish,silu") == ("silu",)
    assert len(cells.function_names("all")) == len(set(cells.function_names("all"))) == 8
    for text, option in (("sigmod", "--functions"), ("", "--functions")):
        with pytest.raises(cells.SymbolicError, match=option):
            cells.function_names(text)
    with pytest.raises(cells.SymbolicError, match="float64"):
        cells.dtype_names("float32,float64", exhaustive=True)


@pytest.mark.parametrize(
    ("dtype", "exhaustive", "samples", "total"),
    [
        ("bfloat16", True, 0, 1 << 16),
        ("float32", True, 0, 1 << 32),
        ("float32", False, 200001, 200001),
    ],
)
def test_chunks_cover_every_input_once(
    dtype: str, exhaustive: bool, samples: int, total: int
) -> None:
    spec = cells.Spec("numpy", f"{NAME}(x)", dtype, exhaustive, samples, 0)
    ranges = cells.chunks(spec)
    assert ranges[0][0] == 0 and ranges[-1][1] == total
    assert all(a[1] == b[0] and a[0] < a[1] for a, b in itertools.pairwise(ranges))


@pytest.mark.parametrize(("impl", "order"), [("numpy", 0), ("scipy", 1)])
def test_chunk_and_merge_tasks_give_what_grade_gives(impl: str, order: int) -> None:
    """2 chunks of 65 536 and one of 4 464 here; one chunk of 2^22 in `grade`."""
    of = DEFAULT_FUNCTION.typed(order)
    spec = cells.Spec(impl, of, "float32", False, 135536, 11)
    parts = [tasks.grade_task(spec, start, stop) for start, stop in cells.chunks(spec)]
    assert len(parts) == 3
    outcome = tasks.merge_task(spec, parts)
    expected = grading.grade(impl, of, "float32", samples=135536, seed=11)
    assert outcome.text == json.dumps(expected.as_json(), indent=2, ensure_ascii=False) + "\n"
    assert outcome.max_ulp == expected.stats.max_ulp  # exact, not the 4 digits shown
    assert len(outcome.plot) <= tasks.PLOT_BINS


def test_thinning_keeps_the_largest_error_of_each_bin() -> None:
    points = [(0.001, 1.0), (0.002, 7.0), (0.003, 7.0), (49.99, 2.0), (-50.0, 3.0)]
    assert tasks.thinned(points, bins=4) == ((-50.0, 3.0), (0.002, 7.0), (49.99, 2.0))


def test_the_store_takes_back_only_this_very_cell(tmp_path: Path) -> None:
    planned = cells.plan(_options())[0]
    outcome = tasks.Outcome('{"impl": "numpy", "of": "x", "dtype": "bfloat16", "mode": "sampled", '
                            '"inputs": 1, "max_ulp": 0.5, "worst": [], "histogram": {}}\n',
                            0.5, ((1.0, 0.25),))  # fmt: skip
    box = store.Store(str(tmp_path))
    assert box.load(planned) is None
    box.save(planned, outcome)
    assert box.load(planned) == outcome
    assert box.load(cells.plan(_options(seed=6))[0]) is None  # other arguments: not this cell
    path = box.cell_path(planned)
    path.write_text(outcome.text.replace("0.5", "0.75"))  # whole JSON, not the one written
    assert box.load(planned) is None
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(
        ["cells", "meta", f"{planned.cell.name}.json", f"{planned.cell.name}.json"]
    )


def test_the_report_is_the_same_bytes_for_the_same_results() -> None:
    options = _options(samples=3000)
    results = []
    for planned in cells.plan(options):
        if planned.graded:
            parts = [tasks.grade_task(planned.spec, a, b) for a, b in cells.chunks(planned.spec)]
            results.append(CellResult(planned, tasks.merge_task(planned.spec, parts), None, True))
        else:
            results.append(CellResult(planned, None, None, False))
    first = {fmt: render(build_model(results, options), fmt) for fmt in ("md", "html")}
    again = [CellResult(r.planned, r.outcome, r.error, not r.computed) for r in results]
    assert first == {fmt: render(build_model(again, options), fmt) for fmt in ("md", "html")}
    assert (
        first["html"].count("<svg") == sum(p.graded for p in cells.plan(options)) == 6
        and "n/a" in first["md"]
    )
    assert f"| numpy: {DEFAULT_FUNCTION.prime_name(1)} | " in first["md"]


def test_percent_rounds_down() -> None:
    assert (percent(99999, 100000), percent(5, 5), percent(0, 3), percent(0, 0)) == (
        "99.99 %", "100.00 %", "0.00 %", "—",
    )  # fmt: skip
