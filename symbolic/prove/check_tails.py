"""`symbolic check`: tails x ≥ R and x ≤ −R (Lemma 1), on the checker's own form.

The prover rewrites d on the tail as Σ c_k(t)·t^(m_k)·e^(−q_k(t)) (x = side·t) with each
coefficient in a ball valid for every t ≥ R (`prove.tails`) and gives that form as data.
The sign is decided from the checker's *own* form of the expression, built at the
certificate's R by `check_rules.derive` (`own_sign`): the terms of its dominant scale sum
to a ball C of the stated sign; every other term's ratio ρ = t^a·e^(−p(t)) to the dominant
scale passes Lemma 1 (every coefficient of s(R + y), s(t) = t·p′(t) − a, is ≥ 0 and
s(R) > 0), so ρ ≤ ρ(R) on [R, ∞); then min|C| > ε = Σ max|c|·ρ(R) (`tail_bound`). When
the checker's rules give no form, or do not decide the sign at R, the tail is not
re-verified (the claim is at most `partly checked`). The certificate's own form is
cross-checked only: the same Lemma 1 test on its data, its dominant scale against the
own one (`compare_dominant`), and its value against the expression at three exact points.
"""

from __future__ import annotations

import functools
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
    c_ball, epsilon = tail_bound(terms, dominant, r)
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
    where = f"tail x {'≥' if side > 0 else '≤'} {start}"
    own, why = own_sign(target.here if is_d and target.here is not None else expr, data, r)
    if why is not None:
        target.partial.append(f"{where}: {why}")
    points = _consistent(target.d if is_d else expr, terms, side, r)
    done = f"{where}: {own}; the certificate's form: ε and min|C| re-derived (Lemma 1)"
    done += f", it agrees with the expression at {points} exact points"
    if is_d:
        base._wanted_sign(target, int(data["sign"]), True)
        target.segments.append(base.Segment(low, high, side < 0, side > 0))
    return f"{done}; {note}"


def own_sign(expr: Expr, data: dict[str, Any], r: Fraction) -> tuple[str, str | None]:
    """The tail's sign from the checker's own form of expr (`check_rules.derive`, at the
    certificate's R): (the line, None), or (the line, why it is not re-derived) when the
    checker's rules give no form or do not decide the sign there. A CheckFailedError when
    the own form decides another sign, or shows the certificate's form is not expr's."""
    from symbolic.prove.check_forms import NotDerivedError  # they build on this module
    from symbolic.prove.check_rules import derive

    side = int(data["side"])
    try:
        form = derive(expr, side, r)
        stated = (base._number(data["dominant_m"]), _poly(json.loads(data["dominant_q"])))
        compare_dominant(form, stated)
        sign = form.sign()
    except NotDerivedError as why:
        return "the sign is not re-derived by the checker's own rules", f"not re-derived: {why}"
    if sign != int(data["sign"]):
        raise base.CheckFailedError(
            f"{form.describe()} has the sign {sign:+d} on the whole tail (Lemma 1, "
            f"min|C| > ε), not the stated {int(data['sign']):+d}"
        )
    return f"{form.describe()}; its sign {sign:+d} re-derived (Lemma 1, min|C| > ε)", None


def compare_dominant(form: Any, stated: tuple[Fraction, tuple[Expr, ...]]) -> None:
    """The certificate's dominant scale d′ against the own form's d (a cross-check, never a
    premise). When d ≠ d′ is decided and the own coefficient C of d has a ball that
    excludes 0, the certificate's form cannot be the expression: the expression is
    d·(C + r), r → 0, so it is of the order of d, while the certificate's form, whose
    group C′ of d′ is re-derived with min|C′| > ε′, is of the order of d′."""
    from symbolic.prove.check_forms import Scale, above, poly  # they build on this module

    if not form.terms:  # the expression is 0 on the tail: nothing to compare
        return
    mine, coefficient = form.dominant()
    theirs = Scale(stated[0], poly(list(stated[1])))
    if mine == theirs or coefficient.ball.contains(0) or above(mine, theirs) == 0:
        return
    raise base.CheckFailedError(
        f"the certificate's dominant scale {theirs.text()} is not the expression's: "
        f"{form.describe()} has the dominant scale {mine.text()}, its coefficient bounded "
        "away from 0 (the certificate's form is not the expression)"
    )


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


def tail_bound(terms: list, dominant: tuple, r: Fraction) -> tuple[flint.arb, flint.arb]:
    """C (the dominant group's coefficient) and ε = Σ max|c_k|·ρ_k(R), each ratio
    ρ_k = t^a·e^(−p(t)) shown decreasing on [R, ∞) by Lemma 1: every coefficient of
    s(R + y), s(t) = t·p′(t) − a, is ≥ 0 and s(R) > 0."""
    at = base._ball(r, r, base.FINE_BITS)
    c_ball, epsilon, found = flint.arb(0), flint.arb(0), False
    for m, q, coefficient in terms:
        if m == dominant[0] and q == dominant[1]:
            c_ball, found = c_ball + coefficient, True
            continue
        ratio = ratio_at(m - dominant[0], _minus(q, dominant[1]), at)
        if ratio is None:
            raise base.CheckFailedError(
                f"Lemma 1 fails for the term t^{m}·e^(−q): its ratio is not decreasing"
            )
        epsilon += flint.arb(coefficient.abs_upper()) * ratio
    if not found:
        raise base.CheckFailedError("no term has the dominant scale")
    return c_ball, flint.arb(epsilon.upper())


def ratio_at(a: Fraction, p: tuple[Expr, ...], at: flint.arb) -> flint.arb | None:
    """ρ(R) for ρ(t) = t^a·e^(−p(t)) when Lemma 1 shows ρ decreasing on [R, ∞), so that
    ρ(t) ≤ ρ(R) there; None when it does not. (log ρ)′ = −s(t)/t with
    s(t) = t·p′(t) − a, and s > 0 on [R, ∞) when s(R) > 0 and every other coefficient
    of the polynomial s(R + y) in y is ≥ 0."""
    exponent_a = base._ball(a, a, base.FINE_BITS)
    slope = [-exponent_a] + [_const(v) * (j + 1) for j, v in enumerate(p)]
    if not shift_positive(slope, at):
        return None
    exponent = sum((_const(v) * at ** (j + 1) for j, v in enumerate(p)), flint.arb(0))
    return at**exponent_a * (-exponent).exp()


def _minus(q: tuple[Expr, ...], p: tuple[Expr, ...]) -> tuple[Expr, ...]:
    return tuple(a - b for a, b in itertools.zip_longest(q, p, fillvalue=sympy.S.Zero))


@functools.lru_cache(maxsize=4096)
def _const(value: Expr) -> flint.arb:
    return constant_ball(value, base.FINE_BITS)


def shift_positive(coefficients: list[flint.arb], at: flint.arb) -> bool:
    """For the polynomial P(t) = Σ c_k t^k: every coefficient of P(R + y) in y is ≥ 0 and
    P(R) > 0 (in Arb), so P(t) ≥ P(R) > 0 and P is nondecreasing on [R, ∞)."""
    shifted = []
    for j in range(len(coefficients)):
        total = flint.arb(0)
        for k in range(j, len(coefficients)):
            total += coefficients[k] * int(sympy.binomial(k, j)) * at ** (k - j)
        shifted.append(total)
    return bool(shifted[0] > 0) and all(bool(b >= 0) for b in shifted[1:])


def _consistent(expr: Expr, terms: list, side: int, r: Fraction) -> int:
    """The expression at x = side·t, for exact t on the tail, lies in the form's
    enclosure there (a consistency check of the certificate's form)."""
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
