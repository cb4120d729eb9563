"""Interval branch-and-bound: the sign of d(x) = lhs − rhs on a compact interval,
certified in Arb ball arithmetic.

For claims that are not rational in one exponential (x outside the exponentials, erf,
several exponents), the sign of d on [a, b] is certified piece by piece. On a piece
P = [p, q] two enclosures of d(P) are taken, both rigorous:

- the natural one: d evaluated on the ball that contains P (Arb's interval
  extension of every operation);
- the mean-value one: d(c) + d′(P)·(P − c) for the midpoint c, since for every x in
  P, d(x) = d(c) + d′(ξ)(x − c) with ξ between c and x (d is differentiable where the
  claim's conditions hold, and they are proved on the domain before this runs).

When d′(P) has a sign, d is monotone on P and d(P) lies between d(p) and d(q). A piece
whose enclosure has the wanted sign is done; one whose enclosure has the wrong sign at
an exact point gives a counterexample (re-verified by the caller from the claim); any
other piece is bisected at a dyadic point, within a budget of pieces. The cover (the
pieces and the bounds proved on each) is the certificate: a second program re-checks
it by evaluating d on each piece, with no search.

Infinite ends are the tails' business (`symbolic.prove.tails`): this module only
works on [a, b] with exact rational ends.
"""

from __future__ import annotations

import decimal
from collections import deque
from dataclasses import dataclass
from fractions import Fraction

import flint
import sympy
from sympy import Expr

from symbolic.arith.arb import exact_bounds, precision
from symbolic.errors import SymbolicError
from symbolic.language.parser import X
from symbolic.numbers.enclosure import enclose, prepare

MAX_PIECES = 6_000  # pieces examined before giving up
BITS = 80
FINE_BITS = 256  # for pieces narrower than 2^-30 of their magnitude
MIN_RELATIVE_WIDTH = Fraction(1, 2**90)  # no piece narrower than this (relative to |x| + 1)
Bounds = tuple[Fraction, Fraction]  # exact rational ends of an enclosure
SHOWN_PIECES = 12
DEPTH = 2  # derivatives used to tighten enclosures (d′ and d″)  # pieces listed in the certificate's text (all are in its data)


@dataclass(frozen=True)
class Piece:
    """[low, high] on which `bound` holds: d > bound (or ≥) when the wanted sign is +1,
    d < bound when it is −1. The bound is a rational read from an Arb ball."""

    low: Fraction
    high: Fraction
    bound: Fraction
    how: str  # "direct" (natural enclosure) or "derivatives" (monotone / mean-value forms)


@dataclass(frozen=True)
class Cover:
    """d has the wanted sign on [low, high]: every piece's bound is on the right side
    of 0 (strictly when `strict`)."""

    low: Fraction
    high: Fraction
    sign: int
    strict: bool
    pieces: tuple[Piece, ...]

    def lines(self, name: str = "d") -> list[str]:
        relation = (">" if self.strict else "≥") if self.sign > 0 else ("<" if self.strict else "≤")
        extreme = (
            min(p.bound for p in self.pieces)
            if self.sign > 0
            else max(p.bound for p in self.pieces)
        )
        shown = "; ".join(
            f"[{_decimal(p.low)}, {_decimal(p.high)}]: {name} {relation[0]} {_decimal(p.bound)}"
            for p in self.pieces[:SHOWN_PIECES]
        )
        more = (
            f"; … ({len(self.pieces) - SHOWN_PIECES} more)"
            if len(self.pieces) > SHOWN_PIECES
            else ""
        )
        return [
            f"interval branch-and-bound in Arb on [{_decimal(self.low)}, {_decimal(self.high)}]: "
            f"{len(self.pieces)} piece{'s' if len(self.pieces) > 1 else ''}, on each an enclosure of {name} (direct, mean-value "
            f"or monotone) lies {'above' if self.sign > 0 else 'below'} a rational bound",
            f"pieces: {shown}{more}",
            f"hence {name} {relation} {_decimal(extreme)} {relation[0]} 0 on the whole interval"
            if extreme != 0
            else f"hence {name} {relation} 0 on the whole interval",
        ]

    def data(self) -> dict[str, object]:
        return {
            "low": str(self.low),
            "high": str(self.high),
            "sign": self.sign,
            "strict": self.strict,
            "pieces": [[str(p.low), str(p.high), str(p.bound), p.how] for p in self.pieces],
        }


@dataclass(frozen=True)
class Stuck:
    """The search gave up: the piece where it stopped, and why."""

    low: Fraction
    high: Fraction
    why: str


@dataclass(frozen=True)
class WrongSign:
    """d certainly has the wrong sign at this exact point (to be re-verified)."""

    x: Fraction


class Difference:
    """d and its first derivatives, prepared once for evaluation on balls.

    `range_on(k, P)` encloses d^(k) on P: the natural enclosure, intersected with the
    hull of the end values when d^(k+1) has a sign on P (d^(k) is monotone there) and
    with the mean-value form d^(k)(c) + d^(k+1)(P)·(P − c). Going one derivative
    deeper cures the cancellation in forms such as 1 − σ(x) on a wide piece."""

    def __init__(self, d: Expr, depth: int = DEPTH) -> None:
        self.orders: list[Expr | None] = [prepare(d)]
        for k in range(1, depth + 1):
            try:
                self.orders.append(prepare(sympy.diff(d, (X, k))))
            except (SymbolicError, ValueError, TypeError):
                break

    def at(self, x: Fraction, bits: int, k: int = 0) -> flint.arb | None:
        return _finite(self.orders[k], _ball(x, x, bits), bits)

    def range_on(self, k: int, p: Fraction, q: Fraction, bits: int) -> Bounds | None:
        """Exact rational bounds of d^(k) on [p, q] (None where it is not finite). Bounds
        are kept exact, not as balls: a hull or intersection of balls would round its
        radius outward past an end that is exact (e^0 − 1 = 0)."""
        direct = _exact(_finite(self.orders[k], _ball(p, q, bits), bits))
        if k + 1 >= len(self.orders):
            return direct
        slope = self.range_on(k + 1, p, q, bits)
        if slope is None:
            return direct
        found = [direct] if direct is not None else []
        if slope[0] > 0 or slope[1] < 0:  # d^(k) is monotone on the piece
            ends = _exact(self.at(p, bits, k)), _exact(self.at(q, bits, k))
            if ends[0] is not None and ends[1] is not None:
                found.append((min(ends[0][0], ends[1][0]), max(ends[0][1], ends[1][1])))
        middle = _split(p, q)
        at_middle = self.at(middle, bits, k)
        if at_middle is not None:
            with precision(bits):
                spread = _ball_of(slope, bits) * (_ball(p, q, bits) - _ball(middle, middle, bits))
                found.append(_exact(at_middle + spread))
        return _intersection([f for f in found if f is not None])


def certify_sign(
    d: Expr,
    low: Fraction,
    high: Fraction,
    sign: int,
    strict: bool,
    budget: int = MAX_PIECES,
) -> Cover | Stuck | WrongSign:
    """Prove sign·d > 0 (or ≥ 0 when not strict) on [low, high], or find a point where
    it fails, or say where the search stopped."""
    difference = Difference(d)
    queue: deque[tuple[Fraction, Fraction]] = deque([(low, high)])
    done: list[Piece] = []
    examined = 0
    while queue:
        p, q = queue.popleft()
        examined += 1
        if examined > budget:
            return Stuck(p, q, f"more than {budget} pieces were needed")
        outcome = _piece(difference, p, q, sign, strict)
        if isinstance(outcome, Piece):
            done.append(outcome)
            continue
        wrong = _wrong_at(difference, p, q, sign, strict)
        if wrong is not None:
            return wrong
        if q - p <= MIN_RELATIVE_WIDTH * (1 + max(abs(p), abs(q))):
            return Stuck(p, q, "a piece narrower than 2^-90 is still undecided (a touching point?)")
        middle = _split(p, q)
        queue.extend(((p, middle), (middle, q)))
    done.sort(key=lambda piece: piece.low)
    return Cover(low, high, sign, strict, tuple(done))


def _piece(
    difference: Difference, p: Fraction, q: Fraction, sign: int, strict: bool
) -> Piece | None:
    bits = _bits(p, q)
    direct = _exact(_finite(difference.orders[0], _ball(p, q, bits), bits))
    if direct is not None and _holds(direct, sign, strict):
        return Piece(p, q, _bound(direct, sign), "direct")
    refined = difference.range_on(0, p, q, bits)
    if refined is not None and _holds(refined, sign, strict):
        return Piece(p, q, _bound(refined, sign), "derivatives")
    return None


def _intersection(found: list[Bounds]) -> Bounds | None:
    if not found:
        return None
    return max(low for low, _ in found), min(high for _, high in found)


def _exact(value: flint.arb | None) -> Bounds | None:
    if value is None:
        return None
    try:
        return exact_bounds(value)
    except SymbolicError:  # an exponent too large for exact bounds
        return None


def _ball_of(bounds: Bounds, bits: int) -> flint.arb:
    return _ball(bounds[0], bounds[1], bits)


def _wrong_at(
    difference: Difference, p: Fraction, q: Fraction, sign: int, strict: bool
) -> WrongSign | None:
    """The midpoint (or an end) when d there is certainly on the wrong side."""
    for x in (_split(p, q), p, q):
        value = difference.at(x, FINE_BITS)
        if value is None:
            continue
        if (sign > 0 and (value < 0 or (strict and value == 0))) or (
            sign < 0 and (value > 0 or (strict and value == 0))
        ):
            return WrongSign(x)
    return None


def _holds(bounds: Bounds, sign: int, strict: bool) -> bool:
    low, high = bounds
    if sign > 0:
        return low > 0 if strict else low >= 0
    return high < 0 if strict else high <= 0


def _bound(bounds: Bounds, sign: int) -> Fraction:
    return _simpler(bounds[0] if sign > 0 else bounds[1], sign)


def _simpler(bound: Fraction, sign: int) -> Fraction:
    """A short rational on the safe side of `bound` with the same sign (for the text)."""
    if bound == 0:
        return bound
    for digits in range(1, 40):
        scale = Fraction(10) ** (digits - 1 - _exponent10(abs(bound)))
        shorter = (
            Fraction((bound * scale).__floor__() if sign > 0 else (bound * scale).__ceil__())
            / scale
        )
        if shorter != 0 and (shorter > 0) == (bound > 0):
            return shorter
    return bound


def _exponent10(value: Fraction) -> int:
    exponent = len(str(value.numerator)) - len(str(value.denominator))
    while Fraction(10) ** exponent > value:
        exponent -= 1
    while Fraction(10) ** (exponent + 1) <= value:
        exponent += 1
    return exponent


def _split(p: Fraction, q: Fraction) -> Fraction:
    """A dyadic point near the middle of [p, q] (exact as an Arb ball); 0 when it is
    inside a wide piece around it."""
    if p < 0 < q and min(-p, q) * 8 >= q - p:
        return Fraction(0)
    middle, width = (p + q) / 2, q - p
    step = Fraction(1)
    while step > width / 8:
        step /= 2
    candidate = Fraction(round(middle / step)) * step
    return candidate if p < candidate < q else middle


def _bits(p: Fraction, q: Fraction) -> int:
    magnitude = max(abs(p), abs(q), Fraction(1))
    return FINE_BITS if (q - p) < magnitude / 2**30 else BITS


def _ball(low: Fraction, high: Fraction, bits: int) -> flint.arb:
    with precision(bits):
        a = flint.arb(flint.fmpq(low.numerator, low.denominator))
        if low == high:
            return a
        return a.union(flint.arb(flint.fmpq(high.numerator, high.denominator)))


def _finite(expr: Expr, ball: flint.arb, bits: int) -> flint.arb | None:
    try:
        value = enclose(expr, ball, bits)
    except (SymbolicError, ValueError, ZeroDivisionError, TypeError, OverflowError):
        return None
    if value.is_nan() or not value.is_finite():
        return None
    return value


def _decimal(value: Fraction) -> str:
    """value to 10 significant digits, with … when that is not exact (text only)."""
    if value.denominator == 1:
        return str(value.numerator)
    with decimal.localcontext() as context:
        context.prec = 10
        text = str(decimal.Decimal(value.numerator) / decimal.Decimal(value.denominator))
    return text if Fraction(text) == value else f"{text}…"
