"""`symbolic check`: an extremum to N digits is attained (parts 2 and 3 of `prove.extremes`).

Part 1, f > v − h on the domain (a minimum; a maximum is the same turned round), is the
claim's d and is checked as any relation. The rest of the proof carries:

- the attained point: `{"attained": {"x": x*, "bound": c}}`: x* in the domain and, in
  Arb, f(x*) < c, with c ≤ v + h exactly;
- the tails of f − c: covers linked to f minus a constant (`check.Target.constants`),
  whose constant must be c exactly and whose sign the extremum's (f > c, strictly).

From these: outside the compact K that the tails leave (the domain's closed ends, or the
tails' closed ends), f > c > f(x*); f is continuous on K (written out, every divisor and
log argument of evident sign: `check_atoms`), so f has a minimum on K, which is the
minimum on the domain, and v − h < min ≤ f(x*) < c ≤ v + h. With v − h and v + h in v's
decade (same sign, |·| ≥ 10^e), v is that minimum rounded to N significant digits.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy

from symbolic.language.parser import parse, parse_constant
from symbolic.prove import check as base
from symbolic.prove import check_atoms
from symbolic.prove.check_claims import at


def attained(claim: dict[str, Any], target: base.Target) -> tuple[list[str], str | None]:
    """(lines, why not): the extremum is attained inside the rounding interval."""
    fields = claim["fields"]
    point = _attained_data(claim)
    if point is None:
        return [], "the attained point x* is not in the data"
    x_star, bound = parse_constant(str(point["x"])), base._number(point["bound"])
    direction = 1 if base.choice(fields, "type", ("min", "max")) == "min" else -1
    value, digits = base._number(fields["value"]), int(fields["digits"])
    half = _half(value, digits)
    if min(abs(value - half), abs(value + half)) < _decade(value):
        return [], "the rounding interval leaves the value's decade (a tie of the digits)"
    near = value + direction * half
    if direction * (bound - near) > 0:
        raise base.CheckFailedError(f"the attained bound {bound} is outside the rounding interval")
    f = parse(base._text(fields, "expr"))
    _inside(x_star, target.domain)
    ball, limit = at(f, x_star), base._ball(bound, bound, base.FINE_BITS)
    if not (ball < limit if direction > 0 else ball > limit):
        raise base.CheckFailedError(f"f({x_star}) is not shown beyond the attained bound (Arb)")
    for constant, _, sign, strict in target.constants:
        if constant != bound:
            raise base.CheckFailedError(f"a tail of f − {constant}, not of f − {bound}")
        if sign != direction or not strict:
            raise base.CheckFailedError("a tail of f minus the bound with the wrong sign")
    why = _compact(target, [s for _, s, _, _ in target.constants])
    if why:
        return [], why
    try:
        written = base._written_out(f)
        atoms, _ = check_atoms.fractions([written])
        undefined = check_atoms.undefined_parts(atoms, written, continuous=True)
    except (check_atoms.UnmappableError, *base.ERRORS) as error:
        undefined = [str(error)]
    if undefined:
        return [], f"continuity not shown: {undefined[0]}"
    return [
        f"at x* = {x_star}, f(x*) {'<' if direction > 0 else '>'} {bound} (Arb), inside the "
        "rounding interval; f is continuous (exp, log, erf, |·| and powers, every divisor and log argument of evident sign) "
        "and beyond f(x*) outside a compact part of the domain: the extremum is attained there"
    ], None


def _attained_data(claim: dict[str, Any]) -> dict[str, Any] | None:
    for entry in claim.get("certificate_data", []):
        data = entry.get("data")
        if isinstance(data, dict) and isinstance(data.get("attained"), dict):
            return data["attained"]
    return None


def _half(value: Fraction, digits: int) -> Fraction:
    """h, half a unit in the last of `digits` significant digits of v (a number of that
    many digits)."""
    if value == 0 or not 1 <= digits <= 1000:
        raise base.CheckFailedError("an extremum of 0, or a digit count out of range")
    half = _decade(value) * Fraction(10) ** (1 - digits) / 2
    if (value / (2 * half)).denominator != 1:
        raise base.CheckFailedError(f"{value} is not a number of {digits} significant digits")
    return half


def _decade(value: Fraction) -> Fraction:
    """10^e ≤ |value| < 10^(e + 1): the decade whose rounding grid v is on."""
    power = Fraction(1)
    while power > abs(value):
        power /= 10
    while power * 10 <= abs(value):
        power *= 10
    return power


def _inside(x: sympy.Expr, domain: Any) -> None:
    from symbolic.prove.check_claims import _inside as inside

    inside(x, domain)


def _compact(target: base.Target, segments: list[base.Segment]) -> str | None:
    """Why the domain minus the tails may not be compact, or None: each infinite end of
    the domain has a tail reaching it, and each finite end is closed."""
    domain = target.domain
    for end, is_open, side in (
        (domain.low, domain.low_open, -1),
        (domain.high, domain.high_open, 1),
    ):
        infinite = end in (sympy.oo, -sympy.oo)
        if not infinite and is_open:
            return "an open finite end of the domain: the extremum may not be attained"
        if infinite and not any(_reaches(s, side) for s in segments):
            return f"no tail of f − c toward {end}"
    return None


def _reaches(segment: base.Segment, side: int) -> bool:
    """The tail is (−∞, a] or [b, ∞), closed at its finite end."""
    if side > 0:
        return segment.high == sympy.oo and not segment.low_open and segment.low.is_finite
    return segment.low == -sympy.oo and not segment.high_open and segment.high.is_finite
