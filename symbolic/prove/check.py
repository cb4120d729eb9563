"""`symbolic check`: re-verify the certificates of `symbolic verify --json`, with Arb only.

The prover finds a cover (`prove.branch`, `prove.mixed`, `prove.tails`); this module
checks one, independently of the code that found it: it imports none of the prover's
logic, does no SymPy simplification and no search. What it does:

- links each cover to the claim: the covered expression (language text in the entry)
  is re-parsed and compared with the one the claim's own fields give (d = lhs − rhs;
  f′ for monotone; f − (v ∓ h) for an extremum to digits), structurally, else by Arb
  balls at a few exact points (said so in the output); a derivative cover d^(k) must
  be SymPy's diff of d, k times (diff is not a simplification);
- re-verifies every piece [p, q] of a cover: the Arb enclosure of the expression on
  the ball [p, q] lies beyond the piece's rational bound, directly or by the monotone
  and mean-value forms with the first two derivatives (no bisection: a piece that does
  not close as given is a failure);
- checks that the pieces tile each cover, and that covers, tails and the pieces beside
  touching points together cover the claim's domain (exact ends, compared in Arb);
- re-derives each tail's sign from its own form of the expression (`prove.check_rules`,
  `prove.check_forms`: the lemmas of `prove.tails`, re-implemented, none of its code) and
  Lemma 1 (`prove.check_tails`), the certificate's form a cross-check only; limits at
  ±∞ likewise: `prove.check_limits`; exact sign
  charts: `prove.check_exact`; pieces where |g| = ±g: `prove.check_branches`; an
  extremum to digits attained: `prove.check_extremum`;
- re-derives from the claim's own fields what carries no data (identities by atom
  fractions, values, counterexamples, limits, zeros, ranges): `prove.check_claims`.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import flint
import sympy
from sympy import Expr

from symbolic.arith.arb import exact_bounds, precision
from symbolic.errors import SymbolicError
from symbolic.language.parser import X, parse, parse_constant
from symbolic.numbers.enclosure import constant_ball, enclose, prepare
from symbolic.numbers.intervals import parse_interval
from symbolic.prove import check_exact as exact_forms  # a cycle: each uses the other at call time

MAX_BYTES = 5_000_000  # the same limit as claims files (`symbolic verify`)
BITS, FINE_BITS = 80, 256
DEPTH = 2  # derivatives used by the monotone and mean-value forms, as the prover does
ORDER_BITS = (128, 512, 2048)
# The data's coefficient balls are rounded outward (~30 bits), so the stated ε may be a
# little below the re-derived one; soundness uses the re-derived ε only (min|C| > ε).
SLACK = Fraction(1, 2**20)
MAX_ORDER, MAX_DIGITS = 40, 20_000  # derivatives at a touching point; digits of a data number
COVER_TEXT = re.compile(r"interval branch-and-bound in Arb on|^tail: t ≥| tail: t ≥")
_NUMBER = re.compile(r"-?\d+(/\d+|\.\d*)?([eE][+-]?\d{1,5})?")
RELATIONS = {">": (1, True), ">=": (1, False), "<": (-1, True), "<=": (-1, False)}
# malformed data (a string where a list or table belongs) is a failure of that claim, not a crash
ERRORS = (
    SymbolicError,
    ValueError,
    TypeError,
    LookupError,
    AttributeError,
    ArithmeticError,
    sympy.polys.polyerrors.BasePolynomialError,
)


class CheckFailedError(Exception):
    """A certificate that does not check: the message names what failed."""


@dataclass(frozen=True)
class Report:
    """What `check` found for one claim: its status and the lines that say why."""

    id: str
    status: str  # "re-verified", "partly checked", "no data", "FAILED"
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Segment:
    """A part of the line a checked entry covers; `low`/`high` exact (±oo allowed)."""

    low: Expr
    high: Expr
    low_open: bool = False
    high_open: bool = False


@dataclass
class Target:
    """What the claim says must be covered: sign·d > 0 (or ≥ 0) on the domain."""

    d: Expr | None
    sign: int | None  # None: either strict sign (op !=)
    strict: bool
    domain: Any  # an Interval, or None when coverage is not checked
    why_not: str = ""  # why the covers are not linked to the claim
    segments: list[Segment] = field(default_factory=list)
    others: list[tuple[Expr, str]] = field(default_factory=list)  # (expression, what it is)
    partial: list[str] = field(default_factory=list)  # entries linked to others
    minus_constant: Expr | None = None  # f, when f − (any constant) may be covered
    branch_signs: dict[str, tuple[tuple[Expr, int], ...]] = field(default_factory=dict)
    here: Expr | None = None  # what d is on the entry being linked (d, or a branch of it)
    constants: list[tuple[Fraction, Segment, int, bool]] = field(default_factory=list)


# ---------------------------------------------------------------- input


def load(text: str, name: str) -> list[dict[str, Any]]:
    """The claims of verify's JSON; any problem with the input is a SymbolicError."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise SymbolicError(f"{name}: not JSON") from None
    claims = data.get("claims") if isinstance(data, dict) else None
    if not isinstance(claims, list) or not all(isinstance(c, dict) for c in claims):
        raise SymbolicError(f"{name}: not the JSON of `symbolic verify --json` (no claims)")
    for claim in claims:
        if not isinstance(claim.get("id"), str) or not isinstance(claim.get("verdict"), str):
            raise SymbolicError(f"{name}: a claim without id or verdict")
        data_list = claim.get("certificate_data", [])
        if not isinstance(data_list, list) or not all(isinstance(e, dict) for e in data_list):
            raise SymbolicError(f"{name}: claim {claim['id']}: certificate_data is not a list")
    return claims


def check_claim(claim: dict[str, Any]) -> Report:
    """A claim's report: the certificate's data checked, else (no data, or not all of
    it linked) the claim re-derived by `check_claims` from its own fields when it can."""
    from symbolic.prove.check_claims import as_written  # it builds on this module

    report = as_written(claim, _check_data(claim))
    fields = claim.get("fields") if isinstance(claim.get("fields"), dict) else {}
    if report.status == "re-verified" and fields.get("kind") == "extremum" and "at" in fields:
        from symbolic.prove.check_claims import extremum_at  # it builds on this module

        point = extremum_at(claim)
        return (
            report
            if point is None
            else Report(claim["id"], point.status, (*report.lines, *point.lines))
        )
    from symbolic.prove.check_claims import check_other  # it builds on this module

    if report.status == "re-verified" and fields.get("kind") == "limit":
        # the tail form's rewriting is trusted: a limit the exact route refutes fails
        other = check_other(claim)
        return report if other is None or other.status != "FAILED" else other
    if report.status not in ("no data", "partly checked"):
        return report
    other = check_other(claim)
    if other is None or (other.status == "no data" and report.status == "partly checked"):
        return report
    return other


def _check_data(claim: dict[str, Any]) -> Report:
    """The report from the certificate's data; a proof whose text names covers or tails
    must carry their data."""
    entries = [e.get("data") for e in claim.get("certificate_data", [])]
    entries = [e for e in entries if isinstance(e, dict) and {"cover", "tail", "tail_limit"} & {*e}]
    if not entries and (exact := exact_forms.check_exact(claim)) is not None:
        return exact
    text = " ".join(str(e.get("statement", "")) for e in claim.get("certificate_data", []))
    if claim["verdict"] == "proved" and not entries and COVER_TEXT.search(text):
        if "branch-and-bound" in str(claim.get("method", "")):  # a cover's data was removed
            return Report(claim["id"], "FAILED", ("the proof is a cover, with no cover data",))
        why = "its text names covers or tail bounds whose data the JSON does not carry"
        return Report(claim["id"], "no data", (why,))
    if claim["verdict"] != "proved" or not entries:
        how = "no cover or tail data" if claim["verdict"] == "proved" else claim["verdict"]
        how += f" ({claim['reason']})" if claim.get("reason") and how == "unknown" else ""
        return Report(claim["id"], "no data", (f"decided by another method ({how})",))
    try:
        if any("tail_limit" in e for e in entries):  # a limit at ±∞ (prove/check_limits.py)
            from symbolic.prove.check_limits import check_limit  # it builds on this module

            return check_limit(claim, entries)
        return _check(claim, entries)
    except CheckFailedError as failure:
        return Report(claim["id"], "FAILED", (str(failure),))
    except (*ERRORS, RecursionError) as error:
        return Report(claim["id"], "FAILED", (f"the data cannot be read: {error}",))


def _check(claim: dict[str, Any], entries: list[dict[str, Any]]) -> Report:
    target = _target(claim)
    lines: list[str] = []
    for index, entry in enumerate(entries, 1):
        where = f"entry {index} ({entry.get('what', '?')})"
        try:
            note = _entry(entry, target)
        except CheckFailedError as failure:
            raise CheckFailedError(f"{where}: {failure}") from None
        lines.append(f"{where}: {note}")
    if target.minus_constant is not None and target.domain is not None:
        from symbolic.prove.check_extremum import attained  # it builds on this module

        more, why = attained(claim, target)
        lines += more
        target.partial += [why] if why else []
    if target.domain is None or target.d is None:
        why = target.why_not or "coverage is not checked for this kind"
        return Report(claim["id"], "partly checked", (*lines, f"coverage not checked: {why}"))
    if target.partial:
        shown = "; ".join(dict.fromkeys(target.partial))
        return Report(claim["id"], "partly checked", (*lines, f"not fully checked: {shown}"))
    _covered(target)
    lines.append(f"the covers, tails and touching points cover the domain {target.domain}")
    return Report(claim["id"], "re-verified", tuple(lines))


def _number(value: object) -> Fraction:
    """An exact rational from the data ("p/q", a decimal): bounded, or a CheckFailedError."""
    text = str(value).strip()
    if len(text) > MAX_DIGITS or not _NUMBER.fullmatch(text):
        raise CheckFailedError(
            f"not an exact number of at most {MAX_DIGITS} characters: {text[:40]!r}"
        )
    number = Fraction(text)
    if abs(number.numerator).bit_length() > 4 * MAX_DIGITS:
        raise CheckFailedError(f"a number too large for the data: {text[:40]!r}")
    return number


# ---------------------------------------------------------------- linking


def _target(claim: dict[str, Any]) -> Target:
    """sign·d > 0 on the domain, from the claim's own fields (re-parsed), with the other
    expressions the prover may legitimately cover for it (`Target.others`)."""
    fields = claim.get("fields")
    if not isinstance(fields, dict):
        return Target(None, None, True, None, "the JSON has no fields of the claim")
    kind = fields.get("kind", "identity")
    try:
        return _target_of(kind, fields, parse_interval(str(fields.get("domain", "reals"))))
    except (SymbolicError, KeyError, ValueError, TypeError) as error:
        why = f"the claim's fields cannot be read here ({error}; definitions are not in the JSON)"
        return Target(None, None, True, None, why)


def _target_of(kind: str, fields: dict[str, Any], domain: Any) -> Target:
    if kind == "inequality":
        lhs, rhs = parse(_text(fields, "lhs")), parse(_text(fields, "rhs"))
        d, op = lhs - rhs, str(fields.get("op"))
        sign, strict = RELATIONS[op] if op != "!=" else (None, True)
        others = [*_branches(d, "d"), *_parts(lhs, rhs), *_inverse(lhs, rhs)]
        target = Target(d, sign, strict, domain, others=others)
        target.branch_signs = {label: signs for _, label, signs in _branch_list(d, "d")}
        return target
    if kind == "monotone":
        f = parse(_text(fields, "expr"))
        sign = (
            1 if choice(fields, "direction", ("increasing", "decreasing")) == "increasing" else -1
        )
        strict = fields.get("strict") is True
        others = [(sympy.diff(b, X), f"f′ of {label}") for b, label in _branches(f, "f")]
        others += _parts(f)
        where = type(domain)(domain.low, domain.high, True, True) if strict else domain
        return Target(sympy.diff(f, X), sign, strict, where, others=others)
    if kind == "extremum":
        return _extremum(fields, domain)
    if kind in ("zeros", "range"):
        f = parse(_text(fields, "expr"))
        bases = [(f, "f"), *_branches(f, "f")]
        if kind == "range":
            bases = [(sympy.diff(b, X), f"f′ of {label}") for b, label in bases]
        why = f"a {kind} claim: the prover chose the pieces it covers"
        return Target(None, None, True, None, why, others=[*bases, *_parts(f)])
    return Target(None, None, True, None, f"a {kind} claim")


def _branches(expr: Expr, name: str) -> list[tuple[Expr, str]]:
    """expr with each |g| written +g or −g (at most 4 of them): what the prover covers on a
    piece where the signs are fixed (for an inequality's d, `check_branches` re-verifies
    the signs of the g's on the piece; otherwise they are not checked)."""
    return [(branch, label) for branch, label, _ in _branch_list(expr, name)]


def _branch_list(expr: Expr, name: str) -> list[tuple[Expr, str, tuple[tuple[Expr, int], ...]]]:
    nodes = sorted(expr.atoms(sympy.Abs), key=sympy.default_sort_key)[:4]
    found = []
    for signs in itertools.product((1, -1), repeat=len(nodes)):
        if nodes:
            branch = expr.xreplace({n: s * n.args[0] for n, s in zip(nodes, signs, strict=True)})
            which = ", ".join(
                f"|{n.args[0]}| = {'' if s > 0 else '−'}({n.args[0]})"
                for n, s in zip(nodes, signs, strict=True)
            )
            label = f"a piece of {name} where |g| = ±g ({which})"
            found.append(
                (branch, label, tuple((n.args[0], s) for n, s in zip(nodes, signs, strict=True)))
            )
    return found


def _parts(*sides: Expr) -> list[tuple[Expr, str]]:
    """The arguments of logarithms, roots and divisors: their definedness conditions
    (g > 0, g ≥ 0, g ≠ 0) may be proved by covers of g."""
    found = []
    for side in sides:
        for node in sympy.preorder_traversal(side):
            if isinstance(node, sympy.log):
                found.append((node.args[0], "a definedness condition"))
            elif node.is_Pow and not (node.exp.is_Integer and node.exp > 0):
                found.append((node.base, "a definedness condition"))
    return found


def _inverse(lhs: Expr, rhs: Expr) -> list[tuple[Expr, str]]:
    """log(g) op c as g op e^c, √g op c as g op c² (either side)."""
    found = []
    for inner, constant in ((lhs, rhs), (rhs, lhs)):
        if isinstance(inner, sympy.log):
            found.append((inner.args[0] - sympy.exp(constant), "log(g) op c as g op e^c"))
        if inner.is_Pow and inner.exp == sympy.Rational(1, 2):
            found.append((inner.base - constant**2, "√g op c as g op c²"))
    return found


def choice(fields: dict[str, Any], key: str, options: tuple[str, ...]) -> str:
    """A field that must be one of `options` (a claim with another is not checked)."""
    value = fields.get(key)
    if value not in options:
        raise ValueError(f"field {key!r} is {value!r}, not one of {', '.join(options)}")
    return str(value)


def _text(fields: dict[str, Any], key: str) -> str:
    value = fields.get(key)
    if not isinstance(value, str):
        raise ValueError(f"field {key!r} is not text")
    return value


def _extremum(fields: dict[str, Any], domain: Any) -> Target:
    """With `at`: f ≥ value (min) or f ≤ value (max) on the domain (that f(at) = value is
    the prover's exact step). With `digits`: f > v − h (min) or f < v + h (max), h half a
    unit in the last digit; the tails beyond the attained point are f − another constant."""
    f = parse(_text(fields, "expr"))
    direction = 1 if choice(fields, "type", ("min", "max")) == "min" else -1
    others = [*_branches(f, "f"), *_parts(f)]
    if "digits" not in fields:
        value = parse_constant(_text(fields, "value"))
        return Target(f - value, direction, False, domain, others=others)
    value, digits = _number(_text(fields, "value")), int(fields["digits"])
    exponent = 0
    while Fraction(10) ** (exponent + 1) <= abs(value):
        exponent += 1
    while value and Fraction(10) ** exponent > abs(value):
        exponent -= 1
    far = value - direction * Fraction(10) ** (exponent - digits + 1) / 2
    target = Target(f - _exact(far), direction, True, domain, others=others)
    target.minus_constant = f
    return target


def _same(entry_expr: Expr, wanted: Expr) -> str | None:
    """How entry_expr was shown to be `wanted`: structurally (after `expand`), or by the
    atom map (`check_atoms`: both written out, their difference a fraction whose
    numerator is the zero polynomial, so equal wherever defined); None when not. Arb
    balls at a few points are no proof of equality: a difference that vanishes at
    those points (a polynomial with roots there) would pass them."""
    if entry_expr == wanted or sympy.expand(entry_expr - wanted) == 0:
        return "structurally"
    from symbolic.prove import check_atoms  # it builds on this module

    try:
        atoms, (a, b) = check_atoms.fractions([_written_out(entry_expr), _written_out(wanted)])
        if check_atoms.is_zero(atoms, atoms.difference(a, b)):
            return "by the atom map (exact)"
    except (check_atoms.UnmappableError, *ERRORS, RecursionError):
        return None
    return None


def _match(expr: Expr, target: Target, k: int = 0) -> tuple[str, str] | None:
    """(what expr is, how that was shown): the claim's d (differentiated k times), or one
    of the other expressions the prover may cover; None when it is none of them."""
    bases = ([(target.d, "d")] if target.d is not None else []) + list(target.others)
    for base, label in bases:
        how = _same(expr, sympy.diff(base, (X, k)) if k else base)
        if how is not None:
            return label, how
    f = target.minus_constant
    if f is not None and not k and not sympy.expand(expr - f).has(X):
        return "f minus another constant (the tails of an attained extremum)", "structurally"
    return None


# ---------------------------------------------------------------- entries


def _entry(entry: dict[str, Any], target: Target) -> str:
    what = str(entry.get("what", "d"))
    expr = parse(str(entry["expr"]))
    if "tail" in entry:
        from symbolic.prove.check_tails import tail_entry  # it builds on this module

        return tail_entry(entry, expr, target)
    cover = _cover_data(entry["cover"])
    if what.startswith("g^("):
        verify_cover(expr, cover)
        target.partial.append("|g| written ±g beside a touching point (g^(k) covers)")
        return f"{len(cover.pieces)} pieces re-verified; |g| = ±g beside a point: not linked"
    if what.startswith("d^("):
        return _touching_cover(entry, expr, cover, target)
    return _main_cover(expr, cover, target)


def _linked(
    expr: Expr,
    target: Target,
    k: int = 0,
    segment: Segment | None = None,
    sign: tuple[int, bool] | None = None,
) -> tuple[bool, str]:
    """(is it the claim's d, the note); a CheckFailedError when it is nothing the claim allows.
    A branch of d (|g| written ±g) on `segment` is d there when the signs of the g's are
    re-verified on it (`check_branches`): `target.here` is then that branch."""
    target.here = target.d
    found = _match(expr, target, k)
    if found is None:
        if target.d is None and not target.others:
            target.partial.append("no claim to link to")
            return False, "not linked"
        what = "d" if not k else f"d^({k})"
        raise CheckFailedError(f"the covered expression is not the claim's {what} (link failed)")
    label, how = found
    if label.startswith("f minus another constant") and segment and sign:
        constant = sympy.expand(target.minus_constant - expr)
        if constant.is_Rational:  # checked against the attained point (`check_extremum`)
            target.constants.append((Fraction(int(constant.p), int(constant.q)), segment, *sign))
            return False, f"linked {how} to f − {constant} (the tails of the attained extremum)"
    if label in target.branch_signs and segment is not None:
        from symbolic.prove.check_branches import branch_on  # it builds on this module

        found = branch_on(expr, target, k, segment)
        if found is not None:
            target.here, label = found
            return True, f"linked {how} to {label}, the signs of g re-verified there (exact)"
    if label != "d":
        target.partial.append(label)
        return False, f"linked {how} to {label} (partial)"
    return True, f"linked {how}"


def _main_cover(expr: Expr, cover: CoverData, target: Target) -> str:
    segment = Segment(_exact(cover.low), _exact(cover.high))
    is_d, note = _linked(expr, target, 0, segment, (cover.sign, cover.strict))
    verify_cover(expr, cover)
    done = f"{len(cover.pieces)} pieces on [{cover.low}, {cover.high}] re-verified"
    if is_d:
        _wanted_sign(target, cover.sign, cover.strict)
        target.segments.append(Segment(_exact(cover.low), _exact(cover.high)))
    return f"{done}; {note}"


def _wanted_sign(target: Target, sign: int, strict: bool) -> None:
    if target.sign is None:
        target.sign = sign
    if sign != target.sign or (target.strict and not strict):
        raise CheckFailedError("the cover proves a sign other than the claim's relation")


# ---------------------------------------------------------------- covers


@dataclass(frozen=True)
class CoverData:
    low: Fraction
    high: Fraction
    sign: int
    strict: bool
    pieces: tuple[tuple[Fraction, Fraction, Fraction], ...]


def _cover_data(data: dict[str, Any]) -> CoverData:
    pieces = tuple((_number(p[0]), _number(p[1]), _number(p[2])) for p in data["pieces"])
    sign = int(data["sign"])
    if sign not in (1, -1) or not isinstance(data["strict"], bool) or not pieces:
        raise CheckFailedError("a cover without sign, strictness or pieces")
    return CoverData(_number(data["low"]), _number(data["high"]), sign, data["strict"], pieces)


def verify_cover(expr: Expr, cover: CoverData) -> None:
    """Every piece re-verified as given, and the pieces tile [low, high]."""
    at = cover.low
    for low, high, _ in cover.pieces:
        if low != at:
            raise CheckFailedError(
                f"a gap or overlap in the pieces at {at} (next piece from {low})"
            )
        if not low < high:
            raise CheckFailedError(f"an empty piece [{low}, {high}]")
        at = high
    if at != cover.high:
        raise CheckFailedError(f"the pieces end at {at}, not at the cover's end {cover.high}")
    forms = _Forms(expr)
    for low, high, bound in cover.pieces:
        side = cover.sign * bound
        if side < 0 or (cover.strict and side == 0):
            raise CheckFailedError(
                f"the bound {bound} on [{low}, {high}] is on the wrong side of 0"
            )
        if not forms.beyond(low, high, bound, cover.sign):
            word = "above" if cover.sign > 0 else "below"
            raise CheckFailedError(
                f"piece [{low}, {high}]: the enclosure is not {word} the bound {bound}"
            )


class _Forms:
    """The expression and its first derivatives, prepared for Arb."""

    def __init__(self, expr: Expr) -> None:
        self.orders: list[Expr] = [prepare(expr)]
        for k in range(1, DEPTH + 1):
            try:
                self.orders.append(prepare(sympy.diff(expr, (X, k))))
            except ERRORS:
                break

    def beyond(self, low: Fraction, high: Fraction, bound: Fraction, sign: int) -> bool:
        narrow = (high - low) < max(abs(low), abs(high), Fraction(1)) / 2**30
        for bits in (FINE_BITS,) if narrow else (BITS, FINE_BITS):
            value = self.range_on(0, low, high, bits)
            if value is not None and _beyond(value, bound, sign):
                return True
        return False

    def range_on(self, k: int, p: Fraction, q: Fraction, bits: int) -> flint.arb | None:
        """d^(k) on [p, q]: the direct enclosure, intersected with the hull of the end
        values when d^(k+1) has a strict sign there, and with the mean-value form."""
        found = [_enclose(self.orders[k], _ball(p, q, bits), bits)]
        if k + 1 < len(self.orders):
            slope = self.range_on(k + 1, p, q, bits)
            if slope is not None:
                ends = [_enclose(self.orders[k], _ball(v, v, bits), bits) for v in (p, q)]
                if (slope > 0 or slope < 0) and None not in ends:
                    found.append(ends[0].union(ends[1]))
                c = _centre(p, q)
                middle = _enclose(self.orders[k], _ball(c, c, bits), bits)
                if middle is not None:
                    with precision(bits):
                        found.append(middle + slope * (_ball(p, q, bits) - _ball(c, c, bits)))
        balls = [b for b in found if b is not None]
        if not balls:
            return None
        result = balls[0]
        with precision(bits):
            for other in balls[1:]:
                result = result.intersection(other)
        return result


def _beyond(value: flint.arb, bound: Fraction, sign: int) -> bool:
    """The ball's exact end against the bound (an Arb subtraction would round the radius
    up by 2^-30 of itself, more than the room left on a tight piece)."""
    try:
        low, high = exact_bounds(value)
    except SymbolicError:
        return False
    return low >= bound if sign > 0 else high <= bound


def _centre(p: Fraction, q: Fraction) -> Fraction:
    """A dyadic point near the middle (exact as an Arb ball): any point of [p, q] gives
    a valid mean-value form; this is the one the prover uses, so the enclosures agree."""
    if p < 0 < q and min(-p, q) * 8 >= q - p:
        return Fraction(0)
    middle, width, step = (p + q) / 2, q - p, Fraction(1)
    while step > width / 8:
        step /= 2
    candidate = Fraction(round(middle / step)) * step
    return candidate if p < candidate < q else middle


def _ball(low: Fraction, high: Fraction, bits: int) -> flint.arb:
    with precision(bits):
        a = flint.arb(flint.fmpq(low.numerator, low.denominator))
        if low == high:
            return a
        return a.union(flint.arb(flint.fmpq(high.numerator, high.denominator)))


def _enclose(expr: Expr, ball: flint.arb, bits: int) -> flint.arb | None:
    try:
        value = enclose(expr, ball, bits)
    except (*ERRORS, OverflowError):
        return None
    return value if value.is_finite() and not value.is_nan() else None


def _value(expr: Expr, x: Fraction, bits: int) -> flint.arb | None:
    try:
        return _enclose(prepare(expr), _ball(x, x, bits), bits)
    except ERRORS:
        return None


def _exact(value: Fraction) -> Expr:
    return sympy.Rational(value.numerator, value.denominator)


# ---------------------------------------------------------------- touching points


def _touching_cover(entry: dict[str, Any], expr: Expr, cover: CoverData, target: Target) -> str:
    """d^(k) has the strict sign τ beside c, and d^(j)(c) is 0 (or has the sign that helps)
    for j < k: by Taylor's formula with the Lagrange remainder, d has the sign
    τ·s^k on the piece, s = ±1 the side of c it lies on."""
    k, c = int(entry["order"]), parse_constant(str(entry["point"]))
    if not 1 <= k <= MAX_ORDER:
        raise CheckFailedError(f"a derivative order {k} outside 1 to {MAX_ORDER}")
    right = int(entry["side"]) < 0  # c is the low end of what the piece covers
    piece = Segment(c, _exact(cover.high)) if right else Segment(_exact(cover.low), c)
    is_d, note = _linked(expr, target, k, piece)
    d = target.here
    verify_cover(expr, cover)
    done = f"{len(cover.pieces)} pieces of d^({k}) re-verified beside x = {entry['point']}"
    if not cover.strict:
        raise CheckFailedError("the cover of d^(k) beside a touching point must be strict")
    if not is_d or d.has(sympy.Abs, sympy.sign, sympy.Piecewise, sympy.Heaviside):
        if is_d:
            target.partial.append("d with |g| beside a touching point")
        return f"{done}; {note}"
    s = 1 if right else -1
    _wanted_sign(target, cover.sign * s**k, True)
    for j in range(k):
        at = _sign_at(sympy.diff(d, (X, j)), c, target)
        if at != 0 and at != target.sign * s**j:
            raise CheckFailedError(
                f"d^({j}) at x = {entry['point']} is not shown 0 (nor of a helping sign)"
            )
    at_c = _sign_at(d, c, target)
    point_ok = at_c == target.sign or (at_c == 0 and not target.strict)
    if right:
        if _order(_exact(cover.low), c) not in (-1, 0):
            raise CheckFailedError("the piece does not start at the touching point")
        target.segments.append(Segment(c, _exact(cover.high), not point_ok, False))
    else:
        if _order(_exact(cover.high), c) not in (0, 1):
            raise CheckFailedError("the piece does not end at the touching point")
        target.segments.append(Segment(_exact(cover.low), c, False, not point_ok))
    return f"{done}; {note}; d^(j)({entry['point']}) checked for j < {k}"


def _sign_at(expr: Expr, c: Expr, target: Target) -> int | None:
    """The sign of expr at the exact point c: an Arb ball of sign ±1, or 0 when the ball
    is exactly 0 (every operation exact), or when the written-out value is the literal 0
    (`_written_out`). A ball around 0 that is 0 within 2^-200 but not shown exactly 0
    counts as 0 with a note: its exactness is the prover's (algebra)."""
    try:
        value = _enclose(prepare(expr), constant_ball(c, FINE_BITS), FINE_BITS)
    except ERRORS:
        value = None
    if value is not None:
        if value.is_exact() and value.is_zero():
            return 0
        if value > 0 or value < 0:
            return 1 if value > 0 else -1
    written = _written_out(expr).xreplace({X: c})
    if written == 0 or sympy.expand(written) == 0:
        return 0
    if value is not None and value.contains(0) and value.rad() < 2.0**-200:
        target.partial.append(f"a derivative is 0 at x = {c} in Arb only (exactness trusted)")
        return 0
    return None


def _written_out(expr: Expr) -> Expr:
    """expr with derivatives taken (SymPy's diff), named functions written as their
    definitions, erfc as 1 − erf and hyperbolic functions by exp: fixed exact rewritings,
    after which SymPy's automatic evaluation may reach a literal 0 (no simplify)."""
    expr = expr.doit()
    for _ in range(8):
        named = [n for n in expr.atoms(sympy.Function) if hasattr(n, "expanded")]
        if not named:
            break
        expr = expr.xreplace({n: n.expanded() for n in named})
    expr = expr.replace(sympy.erfc, lambda z: 1 - sympy.erf(z))
    return (
        expr.rewrite(sympy.tanh, sympy.exp)
        .rewrite(sympy.cosh, sympy.exp)
        .rewrite(sympy.sinh, sympy.exp)
    )


# ---------------------------------------------------------------- coverage


def _covered(target: Target) -> None:
    """The linked segments cover the domain: a sweep from its low end."""
    domain = target.domain
    reach, need = domain.low, not domain.low_open  # every point below reach is covered
    while True:
        at_end = _order(reach, domain.high)
        if at_end is None:
            raise CheckFailedError(f"cannot compare x = {reach} with the domain's end")
        if at_end > 0 or (at_end == 0 and (domain.high_open or not need)):
            return
        step = _step(target.segments, reach, need)
        if step is None:
            where = "at" if need else "just above"
            raise CheckFailedError(f"a gap in the cover {where} x = {reach}: nothing covers it")
        reach, need = step


def _step(segments: list[Segment], reach: Expr, need: bool) -> tuple[Expr, bool] | None:
    """The farthest (reach, need) a segment starting at or before `reach` gives."""
    best: tuple[Expr, bool] | None = None
    for s in segments:
        starts = _order(s.low, reach)
        if starts is None or starts > 0 or (starts == 0 and s.low_open and need):
            continue
        ends = _order(s.high, reach)
        if ends is None or ends < 0 or (ends == 0 and (s.high_open or not need)):
            continue
        candidate = (s.high, s.high_open)
        if best is None or _better(candidate, best):
            best = candidate
    return best


def _better(a: tuple[Expr, bool], b: tuple[Expr, bool]) -> bool:
    which = _order(a[0], b[0])
    return which == 1 or (which == 0 and b[1] and not a[1])


def _order(a: Expr, b: Expr) -> int | None:
    """−1, 0, +1 as a <, =, > b (exact reals or ±oo): equal as written, exact rationals,
    or separated Arb balls; None when undecided."""
    if a == b:
        return 0
    if a.is_infinite or b.is_infinite:
        return 1 if a == sympy.oo or b == -sympy.oo else -1
    if a.is_Rational and b.is_Rational:
        return 1 if a > b else -1
    for bits in ORDER_BITS:
        try:
            ball = constant_ball(a - b, bits)
        except ERRORS:
            return None
        if ball > 0 or ball < 0:
            return 1 if ball > 0 else -1
    return None
