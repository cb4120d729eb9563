"""`symbolic check`: tails x ≥ R and x ≤ −R, re-derived from their data (Lemma 1).

The prover rewrites d on the tail as Σ c_k(t)·t^(m_k)·e^(−q_k(t)) (x = side·t) with each
coefficient in a ball valid for every t ≥ R (`prove.tails`). From the data alone, in
Arb: the terms of the dominant scale sum to a ball C of the stated sign; every other
term's ratio ρ = t^a·e^(−p(t)) to the dominant scale passes Lemma 1 (every coefficient
of s(R + y), s(t) = t·p′(t) − a, is ≥ 0 and s(R) > 0), so ρ ≤ ρ(R) on [R, ∞); then
min|C| > ε = Σ max|c|·ρ(R). The form is compared with the expression at three exact
points of the tail: a consistency check, the rewriting itself is the prover's.
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction
from typing import Any

import flint
import sympy
from sympy import Expr

from symbolic.arith.arb import precision
from symbolic.language.parser import parse_constant
from symbolic.numbers.enclosure import constant_ball, prepare
from symbolic.prove import check as base


def dominant_sign(data: dict[str, Any], terms: list, dominant: tuple, r: Any) -> int:
    """The sign of the dominant group, once min|C| > ε is re-derived (Lemma 1) and the
    stated ε agrees with the re-derived one."""
    c_ball, epsilon = _tail_bound(terms, dominant, r)
    stated = base._number(data["remainder_bound"])
    if not epsilon * base._ball(1 - base.SLACK, 1 - base.SLACK, base.FINE_BITS) <= base._ball(
        stated, stated, base.FINE_BITS
    ):
        raise base.CheckFailedError(
            f"the stated remainder bound ε = {float(stated):.8g} is below the "
            f"re-derived Σ|c_k|·ρ_k(R) = {epsilon.mid().str(8, radius=False)}"
        )
    if c_ball.contains(0) or not c_ball.abs_lower() > epsilon:
        raise base.CheckFailedError("min|C| of the dominant group is not above the re-derived ε")
    return 1 if c_ball > 0 else -1


def tail_entry(entry: dict[str, Any], expr: Expr, target: base.Target) -> str:
    data = entry["tail"]
    side, r, start = int(data["side"]), base._number(data["R"]), base._number(data["start"])
    if side not in (1, -1) or r < 1 or start != side * r:
        raise base.CheckFailedError("a tail with a bad side, R or start")
    terms = [(base._number(m), _poly(q), _coefficient(c)) for m, q, c in terms_of(data)]
    dominant = (base._number(data["dominant_m"]), _poly(json.loads(data["dominant_q"])))
    with precision(base.FINE_BITS):
        if dominant_sign(data, terms, dominant, r) != int(data["sign"]):
            raise base.CheckFailedError("the tail's sign is not that of its dominant coefficient")
    low, high = (base._exact(start), sympy.oo) if side > 0 else (-sympy.oo, base._exact(start))
    segment = base.Segment(low, high, side < 0, side > 0)
    is_d, note = base._linked(expr, target, 0, segment, (int(data["sign"]), True))
    points = _consistent(target.d if is_d else expr, terms, side, r)
    done = f"tail x {'≥' if side > 0 else '≤'} {start}: ε and min|C| re-derived (Lemma 1)"
    done += f"; the form agrees with the expression at {points} exact points"
    if is_d:
        base._wanted_sign(target, int(data["sign"]), True)
        target.segments.append(base.Segment(low, high, side < 0, side > 0))
    return f"{done}; {note}"


MAX_DEGREE, MAX_TERMS = 64, 256  # of q in a scale e^(−q(t)), terms of a form (bounded work)


def terms_of(data: dict[str, Any]) -> list:
    """The form's terms (JSON text): a list of at most MAX_TERMS."""
    terms = json.loads(data["terms"])
    if not isinstance(terms, list) or len(terms) > MAX_TERMS:
        raise base.CheckFailedError(f"the terms are not a list of at most {MAX_TERMS}")
    return terms


def _poly(texts: list[str]) -> tuple[Expr, ...]:
    if not isinstance(texts, list) or len(texts) > MAX_DEGREE:
        raise base.CheckFailedError(f"an exponent q that is not a list of at most {MAX_DEGREE}")
    return tuple(parse_constant(str(t)) for t in texts)


def _coefficient(values: list[str]) -> flint.arb:
    """An exact coefficient [text] or rational bounds [low, high], as a ball."""
    if len(values) == 1:
        return constant_ball(parse_constant(str(values[0])), base.FINE_BITS)
    low, high = base._number(values[0]), base._number(values[1])
    if low > high:
        raise base.CheckFailedError("a coefficient ball with low > high")
    return base._ball(low, high, base.FINE_BITS)


def _tail_bound(terms: list, dominant: tuple, r: Fraction) -> tuple[flint.arb, flint.arb]:
    """C (the dominant group's coefficient) and ε = Σ max|c_k|·ρ_k(R), each ratio
    ρ_k = t^a·e^(−p(t)) shown decreasing on [R, ∞) by Lemma 1: every coefficient of
    s(R + y), s(t) = t·p′(t) − a, is ≥ 0 and s(R) > 0."""
    at = base._ball(r, r, base.FINE_BITS)
    c_ball, epsilon, found = flint.arb(0), flint.arb(0), False
    for m, q, coefficient in terms:
        if m == dominant[0] and q == dominant[1]:
            c_ball, found = c_ball + coefficient, True
            continue
        a = m - dominant[0]
        p = _minus(q, dominant[1])
        slope = [-base._ball(a, a, base.FINE_BITS)] + [_const(v) * (j + 1) for j, v in enumerate(p)]
        if not _shift_positive(slope, at):
            raise base.CheckFailedError(
                f"Lemma 1 fails for the term t^{m}·e^(−q): its ratio is not decreasing"
            )
        exponent = sum((_const(v) * at ** (j + 1) for j, v in enumerate(p)), flint.arb(0))
        ratio = at ** base._ball(a, a, base.FINE_BITS) * (-exponent).exp()
        epsilon += flint.arb(coefficient.abs_upper()) * ratio
    if not found:
        raise base.CheckFailedError("no term has the dominant scale")
    return c_ball, flint.arb(epsilon.upper())


def _minus(q: tuple[Expr, ...], p: tuple[Expr, ...]) -> tuple[Expr, ...]:
    return tuple(a - b for a, b in itertools.zip_longest(q, p, fillvalue=sympy.S.Zero))


def _const(value: Expr) -> flint.arb:
    return constant_ball(value, base.FINE_BITS)


def _shift_positive(coefficients: list[flint.arb], at: flint.arb) -> bool:
    shifted = []
    for j in range(len(coefficients)):
        total = flint.arb(0)
        for k in range(j, len(coefficients)):
            total += coefficients[k] * int(sympy.binomial(k, j)) * at ** (k - j)
        shifted.append(total)
    return bool(shifted[0] > 0) and all(bool(b >= 0) for b in shifted[1:])


def _consistent(expr: Expr, terms: list, side: int, r: Fraction) -> int:
    """The expression at x = side·t, for exact t on the tail, lies in the form's
    enclosure there (a consistency check of the prover's rewriting)."""
    prepared, agree = prepare(expr), 0
    for t in (r, 2 * r + Fraction(1, 3), 8 * r):
        true = base._enclose(
            prepared, base._ball(side * t, side * t, base.FINE_BITS), base.FINE_BITS
        )
        if true is None:
            continue
        with precision(base.FINE_BITS):
            at = base._ball(t, t, base.FINE_BITS)
            form = flint.arb(0)
            for m, q, coefficient in terms:
                exponent = sum((_const(v) * at ** (j + 1) for j, v in enumerate(q)), flint.arb(0))
                form += coefficient * at ** base._ball(m, m, base.FINE_BITS) * (-exponent).exp()
        if not form.overlaps(true):
            raise base.CheckFailedError(
                f"the tail's form is not the expression at t = {t} (rewriting wrong)"
            )
        agree += 1
    if not agree:
        raise base.CheckFailedError("the expression cannot be evaluated on the tail")
    return agree
