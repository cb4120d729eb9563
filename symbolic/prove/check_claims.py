"""`symbolic check` for claims decided without covers: identities, values, witnesses.

These verdicts carry little data because the claim itself is the certificate: the
checker re-derives them from the claim's own fields, with its own rules only.

- **identity, parity, symmetry (proved)**: lhs − rhs (f(−x) ∓ f(x), f(a − x) − f(a + x),
  f(a − x) + f(a + x) − 2b), written out by fixed rewritings, is mapped to a fraction of
  polynomials in atoms (`check_atoms`): its numerator must be the zero polynomial, and
  both sides evidently defined on ℝ (else `partly checked`: equal wherever defined);
- **value to N digits**: the Arb ball of f at the exact point lies strictly inside the
  rounding interval of the stated value, in its decade (so the correctly rounded value
  is the stated one); a refutation re-verifies the value it found instead, and that it
  is not the claim's;
- **an inequality between constants** (lhs, rhs free of x): the Arb ball of lhs − rhs has
  the sign the relation needs (or, refuted, the opposite strict sign);
- **counterexamples** (refuted identity, parity, symmetry, monotone): the witness of the
  refutation, read from the data, re-evaluated from the claim's fields in Arb: the two
  sides' balls at x are disjoint, or f at a < b moves the wrong way, with x, a, b in the
  domain;
- **smooth**: f written out is built from exp, log, erf and powers with every divisor,
  log argument and fractional-power base of evident sign (C^∞ on ℝ);
- limits, zeros and ranges of functions rational in e^(x/L): `check_rational`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import flint
from sympy import Expr

from symbolic.arith.arb import exact_bounds
from symbolic.language.definedness import Condition
from symbolic.language.parser import X, parse, parse_constant, parse_with_conditions
from symbolic.numbers.enclosure import constant_ball, enclose, prepare
from symbolic.numbers.intervals import Interval, parse_interval
from symbolic.prove import check as base
from symbolic.prove import check_atoms as atoms_module

BITS = (128, 512, 2048)
EQUATIONS = ("identity", "parity", "symmetry")


def check_other(claim: dict[str, Any]) -> base.Report | None:
    """The report for a claim this module decides, or None when it does not apply."""
    fields = claim.get("fields")
    if not isinstance(fields, dict):
        return None
    kind, verdict = str(fields.get("kind", "identity")), claim.get("verdict")
    handler = _handler(kind, verdict, fields)
    if handler is None:
        return None
    try:
        status, lines = handler(claim, fields)
    except base.CheckFailedError as failure:
        return base.Report(claim["id"], "FAILED", (str(failure),))
    except NotCheckableError as why:
        return base.Report(claim["id"], "no data", (f"not checkable: {why}",))
    except (*base.ERRORS, RecursionError, atoms_module.UnmappableError) as error:
        return base.Report(claim["id"], "no data", (f"not checkable: {error}",))
    return base.Report(claim["id"], status, tuple(lines))


class NotCheckableError(Exception):
    """Outside what this checker decides (the verdict stays unconfirmed, not refuted)."""


Handler = Callable[[dict[str, Any], dict[str, Any]], tuple[str, list[str]]]


def _handler(kind: str, verdict: Any, fields: dict[str, Any]) -> Handler | None:
    """The re-derivation for the claim's kind and verdict; None when there is none."""
    from symbolic.prove import check_rational  # it builds on this module

    if verdict not in ("proved", "refuted"):
        return None  # unknown: nothing to re-verify (its evidence stays in the JSON)
    proved = verdict == "proved"
    if kind in EQUATIONS:
        return _equation if proved else _equation_witness
    own = {"value": _value, "inequality": _constant_relation}
    own |= {"smooth": _smooth} if proved else {"monotone": _monotone_witness}
    return own.get(kind) or check_rational.handler(kind, verdict, fields)


# ---------------------------------------------------------------- equations


def sides(fields: dict[str, Any]) -> tuple[Expr, Expr]:
    """The two sides of an identity, parity or symmetry claim, from its fields."""
    kind = str(fields.get("kind", "identity"))
    if kind == "identity":
        return parse(base._text(fields, "lhs")), parse(base._text(fields, "rhs"))
    f = parse(base._text(fields, "expr"))
    if kind == "parity":
        even = base.choice(fields, "parity", ("even", "odd")) == "even"
        return f.xreplace({X: -X}), f if even else -f
    if "axis" in fields:
        a = parse_constant(str(fields["axis"]))
        return f.xreplace({X: a - X}), f.xreplace({X: a + X})
    a, b = (parse_constant(str(v)) for v in fields["center"])
    return f.xreplace({X: a - X}), 2 * b - f.xreplace({X: a + X})


def written_conditions(fields: dict[str, Any], *keys: str) -> list[Condition]:
    """The definedness conditions of the fields' expressions as written, before SymPy's
    automatic evaluation (x/x is 1 to SymPy, undefined at 0 to the claim)."""
    return [c for key in keys for c in parse_with_conditions(base._text(fields, key))[1]]


def unshown(conditions: list[Condition], isolated: bool = False) -> list[str]:
    """The conditions not shown to hold on all of ℝ by the atom map (an argument of
    evident sign); with `isolated`, a condition g ≠ 0 may instead have g a non-zero
    fraction in x and e^(x/L) (it fails at isolated points only)."""
    found = []
    for condition in conditions:
        try:
            atoms, [pair] = atoms_module.fractions([base._written_out(condition.argument)])
            sign = atoms.sign(pair)
            exps = {w for w, (m, _) in atoms.exp_logs.items() if m == X}
            near = isolated and atoms_module._isolated(atoms, pair, {X, *exps})
        except (atoms_module.UnmappableError, *base.ERRORS, RecursionError):
            sign, near = None, False
        if sign == 1 or (condition.op == "!=" and (sign == -1 or near)):
            continue
        found.append(f"the condition {condition} (as written) is not evident on ℝ")
    return found


def as_written(claim: dict[str, Any], report: base.Report) -> base.Report:
    """A report re-verified from the data (covers, tails, exact forms), kept only when
    the claim's sides are defined as written on ℝ (near the point, for a limit): the
    data is checked on SymPy's form, where x/x is already 1. Else `partly checked`."""
    if report.status != "re-verified":
        return report
    fields = claim.get("fields") if isinstance(claim.get("fields"), dict) else {}
    kind = str(fields.get("kind", "identity"))
    keys = ("lhs", "rhs") if kind in ("identity", "inequality") else ("expr",)
    try:
        missing = unshown(written_conditions(fields, *keys), isolated=kind == "limit")
    except (*base.ERRORS, RecursionError) as error:
        missing = [f"the claim's fields cannot be read: {error}"]
    if not missing:
        return report
    why = f"definedness as written not re-verified (it is the prover's): {missing[0]}"
    return base.Report(report.id, "partly checked", (*report.lines, why))


def conditions_at(conditions: list[Condition], point: Expr) -> None:
    """Each condition holds at the point (Arb; an exact 0 for ≥): FAILED when a ball
    shows one fails (the claim's f is undefined there as written), NotCheckableError
    when a ball cannot decide."""
    for condition in conditions:
        here = condition.argument.xreplace({X: point})
        if condition.op == ">=" and (here == 0 or base._written_out(here) == 0):
            continue
        ball = at(condition.argument, point)
        if (ball > 0) if condition.op != "!=" else (ball > 0 or ball < 0):
            continue
        if ball < 0 or (ball == 0 and ball.rad() == 0):
            raise base.CheckFailedError(f"undefined at x = {point} as written: {condition} fails")
        raise NotCheckableError(f"the condition {condition} at x = {point} is not shown (Arb)")


def _equation(claim: dict[str, Any], fields: dict[str, Any]) -> tuple[str, list[str]]:
    lhs, rhs = (base._written_out(s) for s in sides(fields))
    kind = str(fields.get("kind", "identity"))
    written = written_conditions(fields, *(("lhs", "rhs") if kind == "identity" else ("expr",)))
    atoms, (left, right) = atoms_module.fractions([lhs, rhs])
    if not atoms_module.is_zero(atoms, atoms.difference(left, right)):
        raise NotCheckableError("lhs − rhs is not the zero polynomial in the atoms")
    lines = [
        f"lhs − rhs written out is a fraction in {len(atoms.symbols)} atom(s) whose "
        "numerator is the zero polynomial: lhs = rhs wherever both are defined"
    ]
    undefined = atoms_module.undefined_parts(atoms, lhs) + atoms_module.undefined_parts(atoms, rhs)
    undefined += unshown(written)
    if undefined:
        return "partly checked", [*lines, f"definedness not shown: {undefined[0]}"]
    lines.append(
        "both sides are defined on all of ℝ (every divisor and log argument of evident sign)"
    )
    return "re-verified", lines


def extremum_at(claim: dict[str, Any]) -> base.Report | None:
    """An extremum at a point: the relation f ≥ value (≤) is re-verified from its data;
    this adds f(at) = value, `at` in the domain, which the data does not carry: the
    difference written out at the point maps to a zero numerator (atom fractions), f is
    finite there in Arb. None: shown; a report (FAILED, partly checked) otherwise."""
    fields = claim["fields"]
    try:
        f, point = parse(base._text(fields, "expr")), parse_constant(str(fields["at"]))
        value = parse_constant(str(fields["value"]))
        _inside(point, domain_of(fields))
        conditions_at(written_conditions(fields, "expr"), point)
        at(f, point)
        here = base._written_out(f).xreplace({X: point})
        atoms, (left, right) = atoms_module.fractions([here, base._written_out(value)])
        if atoms_module.is_zero(atoms, atoms.difference(left, right)):
            return None
        if at(f, point).overlaps(at(value, point)):
            raise NotCheckableError("not shown exactly")
        raise base.CheckFailedError(f"f({point}) is not {value} (Arb)")
    except base.CheckFailedError as failure:
        return base.Report(claim["id"], "FAILED", (f"the extremum's point: {failure}",))
    except (NotCheckableError, atoms_module.UnmappableError, *base.ERRORS) as why:
        return base.Report(
            claim["id"], "partly checked", (f"f(at) = value not re-verified: {why}",)
        )


def _equation_witness(claim: dict[str, Any], fields: dict[str, Any]) -> tuple[str, list[str]]:
    x = _witness(claim, 1)[0]
    domain = domain_of(fields)
    _inside(x, domain)
    lhs, rhs = sides(fields)
    a, b = at(lhs, x), at(rhs, x)
    if a.overlaps(b):
        raise base.CheckFailedError(f"the sides are not shown different at x = {x} (Arb)")
    return "re-verified", [f"refuted at x = {x} in the domain: the sides' Arb balls are disjoint"]


# ---------------------------------------------------------------- values


def _value(claim: dict[str, Any], fields: dict[str, Any]) -> tuple[str, list[str]]:
    f = parse(base._text(fields, "expr"))
    point = parse_constant(str(fields["at"]))
    digits = int(fields["digits"])
    wanted = _decimal(fields["value"])
    if claim.get("verdict") == "proved":
        conditions_at(written_conditions(fields, "expr"), point)
        _rounds_to(f, point, wanted, digits)
        return "re-verified", [f"f({point}) rounds to {fields['value']} at {digits} digits (Arb)"]
    if claim.get("verdict") != "refuted":
        raise NotCheckableError(f"a value {claim.get('verdict')}")
    found = _found(claim, "lhs")
    got = _decimal(found)
    _rounds_to(f, point, got, digits)
    if got == wanted:
        raise base.CheckFailedError(f"the value found, {found}, is the claim's")
    return "re-verified", [
        f"refuted: f({point}) rounds to {found}, not {fields['value']}, at {digits} digits (Arb)"
    ]


def _rounds_to(f: Expr, point: Expr, value: Decimal, digits: int) -> None:
    """The ball of f(point) is strictly inside (v − h, v + h), h half a unit in the last
    of `digits` significant digits of v, and in v's decade (|f| ≥ 10^e): any rounding to
    `digits` digits gives v. A ball that cannot show it is not a failure (ties, a
    decade's edge): NotCheckableError; a ball that excludes v's interval is."""
    if not 1 <= digits <= 1000:
        raise NotCheckableError(f"{digits} digits")
    exact = Fraction(value)
    if exact == 0:
        raise NotCheckableError("a value of 0 to some digits")
    exponent = value.adjusted()
    half = Fraction(10) ** (exponent - digits + 1) / 2
    if (exact / (2 * half)).denominator != 1:
        raise base.CheckFailedError(f"{value} is not a number of {digits} significant digits")
    decade = Fraction(10) ** exponent
    for bits in (*BITS, 8 * digits + 64):
        ball = at(f, point, bits)
        low, high = exact_bounds(ball)
        inside = exact - half < low and high < exact + half
        if inside and low * high > 0 and min(abs(low), abs(high)) >= decade:
            return
        if high <= exact - half or low >= exact + half:
            raise base.CheckFailedError(f"f({point}) is not {value} to {digits} digits (Arb)")
    raise NotCheckableError(f"f({point}) is too near the edge of {value}'s rounding interval")


# ---------------------------------------------------------------- relations and witnesses


def _constant_relation(claim: dict[str, Any], fields: dict[str, Any]) -> tuple[str, list[str]]:
    lhs, rhs = parse(base._text(fields, "lhs")), parse(base._text(fields, "rhs"))
    if lhs.free_symbols or rhs.free_symbols:  # each side, not d: log(x) − log(x) is not 0
        raise NotCheckableError("an inequality in x with no cover or exact form")
    d = lhs - rhs
    op = str(fields.get("op"))
    sign = _sign(d)
    if op not in base.RELATIONS and op != "!=":
        raise NotCheckableError(f"the relation {op!r}")
    holds = sign < 0 if op in ("<", "<=") else sign > 0 if op in (">", ">=") else sign != 0
    fails = sign > 0 if op in ("<", "<=") else sign < 0 if op in (">", ">=") else False
    proved = claim.get("verdict") == "proved"
    missing = unshown(written_conditions(fields, "lhs", "rhs"))
    if proved and holds and missing:  # x/x > 0 is 1 > 0 to SymPy, undefined at 0 as written
        raise NotCheckableError(missing[0])
    if (holds and not proved) or (fails and proved):
        raise base.CheckFailedError(
            f"lhs − rhs (free of x) has the sign {sign}: the verdict is wrong"
        )
    if not (holds or fails):
        raise NotCheckableError("the relation needs lhs = rhs")
    return "re-verified", [
        f"lhs − rhs is free of x, of sign {sign} (Arb): {'holds' if holds else 'fails'}"
    ]


def _monotone_witness(claim: dict[str, Any], fields: dict[str, Any]) -> tuple[str, list[str]]:
    a, b = _witness(claim, 2)
    domain = domain_of(fields)
    _inside(a, domain)
    _inside(b, domain)
    if base._order(a, b) != -1:
        raise base.CheckFailedError(f"the witness points {a}, {b} are not in increasing order")
    f = parse(base._text(fields, "expr"))
    fa, fb = at(f, a), at(f, b)
    increasing = base.choice(fields, "direction", ("increasing", "decreasing")) == "increasing"
    wrong = fa > fb if increasing else fa < fb
    if not wrong and fa.overlaps(fb) and fields.get("strict") is True:
        raise NotCheckableError(f"f({a}) = f({b}) would refute a strict claim: not shown in Arb")
    if not wrong:
        raise base.CheckFailedError(f"f does not move the wrong way from {a} to {b} (Arb)")
    return "re-verified", [f"refuted: {a} < {b} in the domain and f moves the wrong way (Arb)"]


def _smooth(claim: dict[str, Any], fields: dict[str, Any]) -> tuple[str, list[str]]:
    f = base._written_out(parse(base._text(fields, "expr")))
    atoms, _ = atoms_module.fractions([f])
    undefined = atoms_module.undefined_parts(atoms, f) + unshown(written_conditions(fields, "expr"))
    if undefined:
        raise NotCheckableError(undefined[0])
    return "re-verified", [
        "f written out uses exp, log, erf and powers only, every divisor, log argument and "
        "fractional-power base of evident sign: C^∞ on all of ℝ"
    ]


# ---------------------------------------------------------------- helpers


def at(expr: Expr, point: Expr, bits: int = 256) -> flint.arb:
    """A finite Arb ball of expr at the exact point; a CheckFailedError when undefined."""
    value = base._enclose(prepare(expr), constant_ball(point, bits), bits)
    if value is None:
        raise base.CheckFailedError(f"{expr} cannot be evaluated at x = {point}")
    return value


def _sign(constant: Expr) -> int:
    for bits in BITS:
        ball = enclose(prepare(constant), None, bits)
        if ball.is_finite() and (ball > 0 or ball < 0):
            return 1 if ball > 0 else -1
    return 0


def _witness(claim: dict[str, Any], count: int) -> list[Expr]:
    text = _found(claim, "x")
    points = [parse_constant(p) for p in text.split(",")] if count > 1 else [parse_constant(text)]
    if len(points) != count or any(p.free_symbols for p in points):
        raise base.CheckFailedError(f"the witness {text!r} is not {count} exact point(s)")
    return points


def _found(claim: dict[str, Any], key: str) -> str:
    for entry in claim.get("certificate_data", []):
        data = entry.get("data")
        if entry.get("kind") == "refutation" and isinstance(data, dict) and key in data:
            if "undefined" in (str(data.get("lhs")), str(data.get("rhs"))):
                raise NotCheckableError("a refutation by definedness is not re-checked here")
            return str(data[key])
    raise NotCheckableError("the refutation carries no witness")


def domain_of(fields: dict[str, Any]) -> Interval:
    """The claim's domain (ℝ when not given)."""
    return parse_interval(str(fields.get("domain", "reals")))


def _inside(x: Expr, domain: Interval) -> None:
    low, high = base._order(x, domain.low), base._order(x, domain.high)
    low_ok = low == 1 or (low == 0 and not domain.low_open)
    high_ok = high == -1 or (high == 0 and not domain.high_open)
    if not (low_ok and high_ok):
        raise base.CheckFailedError(f"the witness x = {x} is not shown in the domain {domain}")


def _decimal(text: Any) -> Decimal:
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise base.CheckFailedError(f"not a decimal: {text!r}") from None
    if not value.is_finite():
        raise base.CheckFailedError(f"not a finite decimal: {text!r}")
    return value
