"""Claims files (`*.claims.toml`): loading and validation.

Every problem is reported as one line naming the file, the claim (id, or its index
when the id is missing) and the field, and the CLI exits 2. Expressions go through
the safe language only.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sympy
from sympy import Expr

from symbolic.errors import SymbolicError
from symbolic.files import read_bounded_text
from symbolic.language.definedness import Condition
from symbolic.language.parser import (
    Environment,
    is_reserved,
    parse_constant,
    parse_with_conditions,
)
from symbolic.numbers.intervals import Interval, parse_interval
from symbolic.prove.claim import Claim
from symbolic.prove.kinds import KINDS, statement

VERDICTS = ("proved", "refuted", "unknown")
ASSUMPTIONS = {
    "positive": {"positive": True},
    "negative": {"negative": True},
    "real": {"real": True},
    "nonzero": {"real": True, "nonzero": True},
    "integer": {"integer": True},
}
COMMON_FIELDS = {"id", "text", "kind", "domain", "expect", "source"}
KIND_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    name: (kind.required, kind.optional) for name, kind in KINDS.items()
}
OPERATORS = ("<", "<=", ">", ">=", "!=")
MAX_CLAIMS = 10_000
MAX_FILE_BYTES = 5_000_000


@dataclass
class ClaimsFile:
    path: str
    claims: list[Claim] = field(default_factory=list)
    env: Environment = field(default_factory=Environment)


class ClaimError(SymbolicError):
    """A problem in a claims file, located by file, claim and field."""


def load_claims(path: str | Path) -> ClaimsFile:
    """Read and validate a claims file."""
    name = str(path)
    try:
        text = read_bounded_text(path, MAX_FILE_BYTES)
    except SymbolicError as error:
        raise ClaimError(str(error)) from None
    return load_claims_text(text, name)


def load_claims_text(text: str, name: str = "<claims>") -> ClaimsFile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ClaimError(f"{name}: malformed TOML: {error}") from None
    except RecursionError:  # tomllib recurses once per level of [[[...]]] or {a = {b = ...}}
        raise ClaimError(f"{name}: malformed TOML: arrays or tables nested too deeply") from None
    unknown = set(data) - {"parameters", "definitions", "claim"}
    if unknown:
        raise ClaimError(
            f"{name}: unknown table {sorted(unknown)[0]!r} "
            "(expected [parameters], [definitions], [[claim]])"
        )
    env = _environment(data, name)
    raw_claims = data.get("claim", [])
    if not isinstance(raw_claims, list) or not raw_claims:
        raise ClaimError(f"{name}: no [[claim]] entries")
    if len(raw_claims) > MAX_CLAIMS:
        raise ClaimError(f"{name}: more than {MAX_CLAIMS} claims")
    lines = _claim_lines(text)
    claims: list[Claim] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_claims):
        line = lines[index] if index < len(lines) else 0
        claim = _claim(raw, index, name, line, env)
        if claim.id in seen:
            raise ClaimError(f"{name}: claim {claim.id!r} (#{index + 1}): duplicate id")
        seen.add(claim.id)
        claims.append(claim)
    return ClaimsFile(name, claims, env)


def _claim_lines(text: str) -> list[int]:
    pattern = re.compile(r"^\s*\[\[\s*claim\s*\]\]")
    return [number for number, line in enumerate(text.splitlines(), 1) if pattern.match(line)]


def _environment(data: dict[str, Any], name: str) -> Environment:
    parameters: dict[str, sympy.Symbol] = {}
    raw_parameters = data.get("parameters", {})
    if not isinstance(raw_parameters, dict):
        raise ClaimError(f"{name}: [parameters] must be a table")
    for symbol, assumption in raw_parameters.items():
        where = f"{name}: [parameters] {symbol}"
        _check_name(symbol, where)
        if not isinstance(assumption, str) or assumption not in ASSUMPTIONS:
            raise ClaimError(
                f"{where}: unknown assumption {_shown(assumption)} (use {', '.join(ASSUMPTIONS)})"
            )
        parameters[symbol] = sympy.Symbol(symbol, **ASSUMPTIONS[assumption])
    definitions: dict[str, Expr] = {}
    conditions: dict[str, tuple[Condition, ...]] = {}
    raw_definitions = data.get("definitions", {})
    if not isinstance(raw_definitions, dict):
        raise ClaimError(f"{name}: [definitions] must be a table")
    for function, body in raw_definitions.items():
        where = f"{name}: [definitions] {function}"
        _check_name(function, where)
        if function in parameters:
            raise ClaimError(f"{where}: already a parameter")
        if not isinstance(body, str):
            raise ClaimError(f"{where}: must be an expression in quotes")
        try:
            so_far = Environment(parameters, dict(definitions), True, dict(conditions))
            definitions[function], conditions[function] = parse_with_conditions(body, so_far)
        except SymbolicError as error:
            raise ClaimError(f"{where}: {error}") from None
    return Environment(parameters, definitions, True, conditions)


def _check_name(symbol: str, where: str) -> None:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", symbol):
        raise ClaimError(f"{where}: not a valid name")
    if is_reserved(symbol):
        raise ClaimError(f"{where}: {symbol!r} is a built-in name")


def _claim(raw: object, index: int, name: str, line: int, env: Environment) -> Claim:
    if not isinstance(raw, dict):
        raise ClaimError(f"{name}: claim #{index + 1}: must be a table")
    claim_id = raw.get("id")
    label = (
        f"{name}: claim {claim_id!r} (#{index + 1})"
        if isinstance(claim_id, str) and claim_id
        else f"{name}: claim #{index + 1}"
    )
    if not isinstance(claim_id, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]+", claim_id):
        raise ClaimError(f"{label}: field 'id': required, letters, digits, _ . - only")
    kind = raw.get("kind", "identity")
    if not isinstance(kind, str) or kind not in KIND_FIELDS:
        raise ClaimError(
            f"{label}: field 'kind': unknown kind {_shown(kind)} (use {', '.join(KIND_FIELDS)})"
        )
    required, optional = KIND_FIELDS[kind]
    for missing in sorted(required - set(raw)):
        raise ClaimError(f"{label}: field {missing!r}: missing (a {kind} claim needs it)")
    for extra in sorted(set(raw) - required - optional - COMMON_FIELDS):
        raise ClaimError(f"{label}: field {extra!r}: unknown field for a {kind} claim")
    parsed = _Fields(label, env)
    fields = {
        key: parsed.field(kind, key, raw[key]) for key in sorted(required | optional) if key in raw
    }
    if kind == "symmetry" and ("axis" in raw) == ("center" in raw):
        raise ClaimError(f"{label}: field 'axis': give exactly one of 'axis' and 'center'")
    if kind == "extremum" and ("at" in raw) == ("digits" in raw):
        raise ClaimError(
            f"{label}: field 'at': give exactly one of 'at' (the point) and 'digits' "
            "(the global extremum to that many significant digits)"
        )
    domain = parsed.interval("domain", raw.get("domain", "reals"))
    expect = raw.get("expect", "proved")
    if not isinstance(expect, str) or expect not in VERDICTS:
        raise ClaimError(
            f"{label}: field 'expect': {_shown(expect)} is not one of {', '.join(VERDICTS)}"
        )
    for key in ("text", "source"):
        if key in raw and not isinstance(raw[key], str):
            raise ClaimError(f"{label}: field {key!r}: must be text")
    used = set(domain.low.free_symbols | domain.high.free_symbols)
    for value in fields.values():
        for part in value if isinstance(value, tuple) else (value,):
            used |= getattr(part, "free_symbols", set())
        if isinstance(value, Interval):
            used |= value.low.free_symbols | value.high.free_symbols
    parameters = tuple(p for p in env.parameters.values() if p in used)  # only those it uses
    return Claim(
        claim_id,
        kind,
        fields,
        dict(raw),
        domain,
        expect,
        raw.get("text", ""),
        raw.get("source", ""),
        name,
        line,
        parameters,
        dict(parsed.conditions),
        statement(kind, dict(raw), "" if domain.is_reals else f" for x in {domain}"),
    )


class _Fields:
    """Parses each field by its meaning, and names the field in every error."""

    def __init__(self, label: str, env: Environment) -> None:
        self.label = label
        self.env = env
        self.conditions: dict[str, tuple[Condition, ...]] = {}

    def fail(self, key: str, message: str) -> ClaimError:
        return ClaimError(f"{self.label}: field {key!r}: {message}")

    def field(self, kind: str, key: str, value: object) -> object:
        if key in ("lhs", "rhs", "expr"):
            return self.expression(key, value)
        if key in ("at", "axis"):
            return self.constant(key, value)
        if key == "value" and kind != "value":
            return self.constant(key, value)
        if key == "center":
            if not (isinstance(value, list) and len(value) == 2):
                raise self.fail(key, 'must be a list of two numbers, e.g. ["0", "1/2"]')
            return tuple(self.constant(key, v) for v in value)
        if key == "range":
            return self.interval(key, value)
        if key == "zeros":
            if not isinstance(value, list):
                raise self.fail(key, 'must be a list, e.g. ["0"] or []')
            return tuple(self.constant(key, v) for v in value)
        if key == "point":
            return self.point(key, value)
        return self.choice(kind, key, value)

    def choice(self, kind: str, key: str, value: object) -> object:
        choices = {
            "op": OPERATORS,
            "parity": ("even", "odd"),
            "type": ("max", "min"),
            "direction": ("increasing", "decreasing"),
        }
        if key in choices:
            if not isinstance(value, str) or value not in choices[key]:
                raise self.fail(key, f"{_shown(value)} is not one of {', '.join(choices[key])}")
            return value
        if key == "strict":
            if not isinstance(value, bool):
                raise self.fail(key, "must be true or false")
            return value
        if key == "digits":
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10_000:
                raise self.fail(key, "must be a whole number from 1 to 10000")
            return value
        if key == "value" and kind == "value":
            if not isinstance(value, str) or not re.fullmatch(
                r"-?\d+(\.\d*)?([eE][+-]?\d+)?", value
            ):
                raise self.fail(key, 'must be a decimal number in quotes, e.g. "0.1966"')
            return value
        raise self.fail(key, "unexpected field")  # pragma: no cover

    def expression(self, key: str, value: object) -> Expr:
        if not isinstance(value, str):
            raise self.fail(key, "must be an expression in quotes")
        try:
            expr, self.conditions[key] = parse_with_conditions(value, self.env)
        except SymbolicError as error:
            raise self.fail(key, str(error)) from None
        return expr

    def constant(self, key: str, value: object) -> Expr:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(key, "must be a number or a constant expression in quotes")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(key, 'not a finite number (write "oo" or "-oo" in quotes for infinity)')
        if isinstance(value, float):
            raise self.fail(key, f'write the number in quotes ("{value}") so that it is exact')
        try:
            return parse_constant(str(value), self.env)
        except SymbolicError as error:
            raise self.fail(key, str(error)) from None

    def point(self, key: str, value: object) -> Expr:
        if isinstance(value, str) and value in ("oo", "-oo"):
            return sympy.oo if value == "oo" else -sympy.oo
        return self.constant(key, value)

    def interval(self, key: str, value: object) -> Interval:
        if not isinstance(value, str):
            raise self.fail(key, f'an interval must be text such as "(0, oo)", got {_shown(value)}')
        try:
            return parse_interval(value, self.env)  # type: ignore[arg-type]
        except SymbolicError as error:
            raise self.fail(key, str(error)) from None


def _shown(value: object) -> str:
    """A value from the file, for a one-line message: tables and arrays by their kind
    (their repr can be huge, or nested past the recursion limit), text shortened."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str | bool | int | float):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    return f"a {type(value).__name__}"  # TOML dates and times
