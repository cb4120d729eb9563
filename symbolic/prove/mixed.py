"""Relations beyond the exponential's algebra: x outside the exponentials, erf, several
exponents. `lhs op rhs` on a domain is decided by a cover of the domain:

- the tails x ≥ R and x ≤ −R by `symbolic.prove.tails` (a dominant term and a
  bounded remainder, each inequality stated in the certificate);
- the compact core by interval branch-and-bound in Arb (`symbolic.prove.branch`);
- an end where lhs = rhs exactly (an open end with a strict relation, or a closed end
  with ≤ / ≥) by the first derivative of d = lhs − rhs that is not 0 there: if
  d(a) = … = d^(k−1)(a) = 0 and d^(k) has a strict sign on (a, a + ε], then so has d
  (k repeated integrations from a); on the left of an end the sign alternates with k.

A failing point found on the way is re-verified from the claim's own sides before it
refutes (the caller's `witness_at`). Without parameters only: with them the cover
would have to hold for every value.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy import Expr

from symbolic.derive.checking import explicit
from symbolic.errors import SymbolicError
from symbolic.language.parser import X
from symbolic.numbers.enclosure import constant_bounds
from symbolic.numbers.exact import fraction, is_zero, rational
from symbolic.numbers.intervals import Interval
from symbolic.prove.branch import Cover, Stuck, WrongSign, certify_sign
from symbolic.prove.verdict import Entry

try:  # the tails module arrives with the tail bounds; without it, infinite ends stay open
    from symbolic.prove.tails import tail_sign
except ImportError:  # pragma: no cover
    tail_sign = None

SIGNS = {">": (1, True), ">=": (1, False), "<": (-1, True), "<=": (-1, False)}
MAX_END_ORDER = 4  # derivatives tried at an end where d vanishes
END_WIDTH = Fraction(1, 8)  # the piece beside such an end decided by the derivative
DEFAULT_CORE = Fraction(16)  # |x| ≤ this is the core when a tail gives no R of its own


@dataclass(frozen=True)
class Decision:
    """The outcome of a cover: proved (entries), a point to re-verify, or why not."""

    proved: tuple[Entry, ...] | None = None
    failing: Expr | None = None
    why: str | None = None
    tie: bool = False  # lhs = rhs exactly at `failing` (a strict relation fails there)


def decide(d: Expr, op: str, domain: Interval) -> Decision:
    """Decide d op 0 on the domain (d = lhs − rhs, named functions kept for tight
    enclosures). Only <, ≤, >, ≥ and ≠."""
    if op == "!=":
        for strict_op in (">", "<"):
            found = decide(d, strict_op, domain)
            if found.proved is not None:
                return found
        return Decision(why="d ≠ 0 needs one strict sign on the whole domain")
    if op not in SIGNS:
        return Decision(why="a cover proves inequalities only")
    sign, strict = SIGNS[op]
    try:
        return _decide(d, sign, strict, domain)
    except (SymbolicError, ValueError, TypeError, ZeroDivisionError) as error:
        return Decision(why=f"the cover could not be built: {error}")


def _decide(d: Expr, sign: int, strict: bool, domain: Interval) -> Decision:
    entries: list[Entry] = []
    low, high = domain.low, domain.high
    core_low, core_high = _core(low, high)
    for side, end in ((-1, low), (1, high)):
        if end.is_finite:
            continue
        tail = _tail(d, side, sign)
        if isinstance(tail, Decision):
            return tail
        if side < 0:
            core_low = tail.start
        else:
            core_high = tail.start
        entries.append(Entry("step", " ".join(tail.certificate), {"tail": dict(tail.data)}))
    if core_low >= core_high:
        return Decision(proved=tuple(entries))
    pieces = _pieces(d, sign, strict, domain, core_low, core_high)
    if isinstance(pieces, Decision):
        return pieces
    return Decision(proved=(*entries, *pieces))


def _core(low: Expr, high: Expr) -> tuple[Fraction, Fraction]:
    """Rational ends of the compact part: a finite end's outer rational bound, ±16 for
    an infinite one until a tail says where it starts."""
    core_low = _outer(low, below=True) if low.is_finite else -DEFAULT_CORE
    core_high = _outer(high, below=False) if high.is_finite else DEFAULT_CORE
    return core_low, core_high


def _outer(end: Expr, below: bool) -> Fraction:
    if end.is_Rational:
        return fraction(end)
    lower, upper = constant_bounds(end, 128)
    return lower if below else upper


def _tail(d: Expr, side: int, sign: int):  # -> Tail | Decision
    if tail_sign is None:
        return Decision(why="the tails toward ±∞ cannot be bounded yet")
    start = DEFAULT_CORE if side > 0 else -DEFAULT_CORE
    tail = tail_sign(explicit(d), side, start)
    if tail is None:
        where = "x → ∞" if side > 0 else "x → −∞"
        return Decision(why=f"the sign of lhs − rhs as {where} is not decided by tail bounds")
    if tail.sign != sign:
        far = [tail.start * k for k in (1, 2, 8)] if tail.start != 0 else [Fraction(side * 64)]
        return Decision(failing=rational(far[0]), why="the tail has the wrong sign")
    return tail


def _pieces(
    d: Expr, sign: int, strict: bool, domain: Interval, low: Fraction, high: Fraction
) -> list[Entry] | Decision:
    """Cover [low, high], with the ends where d vanishes handled by derivatives."""
    entries: list[Entry] = []
    for side, end in ((-1, domain.low), (1, domain.high)):
        if not end.is_finite or not end.is_Rational:
            continue
        touching = _touching_end(d, end, side, sign, strict, open_end=_is_open(domain, side))
        if touching is None:
            continue
        if isinstance(touching, Decision):
            return touching
        (k, wanted, derivative), entry = touching
        width = min(END_WIDTH, (high - low) / 2)
        beside = (low, low + width) if side < 0 else (high - width, high)
        cover = certify_sign(derivative, *beside, wanted, True)
        if not isinstance(cover, Cover):
            return Decision(why=f"the sign of d^({k}) beside x = {end}, where lhs = rhs, is open")
        entries += [entry, _cover_entry(cover, f"d^({k})")]
        low, high = (beside[1], high) if side < 0 else (low, beside[0])
    outcome = certify_sign(d, low, high, sign, strict)
    if isinstance(outcome, WrongSign):
        return Decision(failing=rational(outcome.x), why="d has the wrong sign at a point")
    if isinstance(outcome, Stuck):
        return Decision(
            why=f"branch-and-bound undecided on [{outcome.low}, {outcome.high}]: {outcome.why}"
        )
    return [*entries, _cover_entry(outcome)]


def _is_open(domain: Interval, side: int) -> bool:
    return domain.low_open if side < 0 else domain.high_open


def _touching_end(d: Expr, end: Expr, side: int, sign: int, strict: bool, open_end: bool):
    """((k, sign of d^(k) needed beside the end, d^(k)), entry) when d vanishes at the
    end; a Decision when that refutes or cannot be handled; None when d(end) ≠ 0."""
    derivatives = [explicit(d)]
    if not _exactly_zero(derivatives[0].xreplace({X: end})):
        return None
    if strict and not open_end:
        return Decision(failing=end, why="lhs = rhs exactly at a closed end", tie=True)
    for k in range(1, MAX_END_ORDER + 1):
        derivatives.append(sympy.diff(derivatives[-1], X))
        if _exactly_zero(derivatives[-1].xreplace({X: end})):
            continue
        wanted = sign * (1 if side < 0 or k % 2 == 0 else -1)
        text = (
            f"at x = {end}, lhs − rhs and its derivatives below order {k} vanish exactly; "
            f"d^({k}) {'>' if wanted > 0 else '<'} 0 beside the end gives d the wanted sign "
            f"there ({k} integrations from the end)"
        )
        return (k, wanted, sympy.diff(d, (X, k))), Entry("step", text)
    return Decision(why=f"lhs − rhs vanishes to order > {MAX_END_ORDER} at x = {end}")


def _exactly_zero(value: Expr) -> bool:
    try:
        return value.is_finite is not False and is_zero(sympy.simplify(value))
    except (SymbolicError, ValueError, TypeError, ZeroDivisionError):
        return False


def _cover_entry(cover: Cover, name: str = "d") -> Entry:
    return Entry("step", " ".join(cover.lines(name)), {"cover": cover.data()})
