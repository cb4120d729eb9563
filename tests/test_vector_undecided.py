"""Points the balls cannot decide go to the rigorous Arb path: a fake ball arithmetic
whose balls straddle a rounding boundary (or are a hair too wide) must never be
trusted, and the final answers must still be Arb's."""

from __future__ import annotations

import numpy as np
import pytest

from symbolic.arith import ieee, vball, vball_dw
from symbolic.numbers import oracle, vectorized

F32 = ieee.FORMATS["float32"]


def _midpoint_above(value: float) -> float:
    """The float32 rounding boundary just above a float32 value (exact in float64)."""
    v = np.float32(value)
    return (float(v) + float(np.nextafter(v, np.float32(np.inf)))) / 2


def test_decide_refuses_a_ball_across_a_midpoint() -> None:
    m = _midpoint_above(0.75)
    for mid, rad in [(m, 0.0), (m, 2.0**-60), (m - 2.0**-60, 2.0**-59), (m + 2.0**-70, 2.0**-69)]:
        _, ok, _ = vectorized.decide(vball.Ball(np.array([mid]), np.array([rad])), F32)
        assert not ok[0]
    # strictly inside, narrow: decided, to the right side
    values, ok, _ = vectorized.decide(vball.Ball(np.array([m - 2.0**-40]), np.array([0.0])), F32)
    assert ok[0] and values[0] == np.float32(0.75)


def test_decide_refuses_a_zero_of_unknown_sign() -> None:
    _, ok, unsigned = vectorized.decide(
        vball.Ball(np.array([0.0, 1e-300]), np.array([1e-300, 2e-300])), F32
    )
    assert not ok.any() and unsigned.all()


def test_double_words_refuse_a_float64_midpoint() -> None:
    f64 = ieee.FORMATS["float64"]
    hi = np.array([1.0 + 2.0**-52])
    half = np.array([2.0**-53])  # hi + lo is exactly the midpoint above hi
    for rad in (0.0, 2.0**-120):
        ball = vball_dw.Ball(hi, half, np.array([rad]))
        assert not vectorized.decide(ball, f64)[1][0]
    ball = vball_dw.Ball(hi, half * (1 - 2.0**-20), np.array([2.0**-120]))
    assert vectorized.decide(ball, f64)[1][0]


def test_a_fake_kernel_off_by_a_hair_goes_to_arb(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake kernel puts every midpoint on a float32 rounding boundary with a tiny
    radius: no point may be decided by it, and oracle.rounded must give Arb's values."""
    x = np.array([-3.0, -0.5, 0.25, 1.0, 6.0], dtype=np.float32)
    expr = oracle.to_expression("silu(x)")
    truth = [oracle.rounded_value(expr, oracle.to_point(float(v)), F32).as_float() for v in x]

    def fake_target(target, ops=vball):
        def node(points: np.ndarray) -> vball.Ball:
            mids = np.array([_midpoint_above(t) for t in truth[: len(points)]])
            return vball.Ball(mids, np.full(points.shape, 2.0**-80))

        return node

    calls = []
    real = oracle.rounded_value
    monkeypatch.setattr(vectorized, "compile_target", fake_target)
    monkeypatch.setattr(oracle, "rounded_value", lambda *args: calls.append(args) or real(*args))
    got = oracle.rounded("silu(x)", x)
    assert len(calls) == len(x)  # every point went to Arb
    assert [float(v) for v in got] == truth


def test_expressions_without_balls_go_to_arb() -> None:
    """sqrt of a non-constant and sign have no ball arithmetic: Arb answers, no crash."""
    for text in ("sqrt(x)", "diff(abs(x), x)"):
        assert not vectorized.supported(oracle.to_expression(text))
    x = np.array([0.5, 2.0], dtype=np.float32)
    assert list(oracle.rounded("sqrt(x)", x)) == [np.float32(0.5**0.5), np.float32(2**0.5)]
