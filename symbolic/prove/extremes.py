"""The global minimum or maximum of f over the domain, to certified digits: an
`extremum` claim with `digits` instead of `at`.

The claimed value v, rounded to `digits` significant digits, stands for the interval
(v − h, v + h) with h half a unit in its last digit. For a minimum m (a maximum is the
same with f and the inequalities turned round) the proof has three parts:

1. f(x) > v − h for every x of the domain (the prover's relation, any method);
2. a point x* of the domain with f(x*) < v + h (Arb), so inf f < v + h;
3. the infimum is attained: f(x) > f(x*) for |x| ≥ B (the tails), so the infimum
   is the minimum of the continuous f on the compact part of the domain.

Then m exists and v − h < m < v + h: v is m rounded to `digits` digits. x* is found by
a search that is not trusted (a grid, then golden-section refinement in Arb): only the
three certified facts are. A point that beats v − h refutes the claim.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

import flint
import mpmath
import sympy
from sympy import Expr

from symbolic.arith.arb import exact_bounds
from symbolic.derive.checking import explicit
from symbolic.language.parser import X
from symbolic.language.printing import to_language, to_text
from symbolic.numbers.enclosure import constant_bounds
from symbolic.numbers.exact import fraction, rational
from symbolic.numbers.intervals import Interval
from symbolic.prove import numeric
from symbolic.prove.claim import Claim
from symbolic.prove.relations import conditions_of, prove_relation
from symbolic.prove.verdict import Entry, Verdict

GRID = 256
CORE = Fraction(16)
GOLDEN_STEPS = 160
TAIL_STARTS = (Fraction(16), Fraction(64), Fraction(1024))
METHOD = "certified extremum (bound, attained point, tails)"


def half_unit(value: Fraction, digits: int) -> Fraction | None:
    """h: half a unit in the last of `digits` significant digits of value, or None when
    value has more significant digits than that (it cannot be a rounding then)."""
    if value == 0:
        return None
    exponent = Decimal(value.numerator).adjusted() - Decimal(value.denominator).adjusted()
    scaled = abs(value) / Fraction(10) ** exponent
    if scaled < 1:
        exponent -= 1
    unit = Fraction(10) ** (exponent - digits + 1)
    if (value / unit).denominator != 1:
        return None
    return unit / 2


def prove_extremum_digits(claim: Claim) -> Verdict:
    expr, value, digits = (claim.fields[k] for k in ("expr", "value", "digits"))
    kind = claim.fields["type"]
    direction = 1 if kind == "min" else -1  # f·direction is minimised
    if claim.parameters or not value.is_Rational:
        return Verdict.unknown(METHOD, "a certified extremum needs no parameters")
    v = fraction(value)
    h = half_unit(v, digits)
    if h is None:
        return Verdict.unknown(
            METHOD, f"{to_text(value)} has more than {digits} significant digits"
        )
    best = _search(expr, claim.domain, direction)
    if best is None:
        return Verdict.unknown(METHOD, "no point of the domain could be evaluated")
    x_star, f_star = best
    if not claim.domain.contains(rational(x_star)):
        return Verdict.unknown(METHOD, "the best point found is not in the domain")
    low_f, high_f = exact_bounds(f_star)
    far_end = v - h if direction > 0 else v + h
    near_end = v + h if direction > 0 else v - h
    if (high_f < far_end) if direction > 0 else (low_f > far_end):
        x_star, f_star = _shorter(
            expr, x_star, lambda f: _beyond(f, far_end, direction), claim.domain
        )
        return _beaten(claim, x_star, f_star, far_end, kind)
    x_star, f_star = _shorter(expr, x_star, lambda f: _beyond(f, near_end, direction), claim.domain)
    low_f, high_f = exact_bounds(f_star)
    attained = Fraction(
        _show(high_f, digits + 6, decimal.ROUND_CEILING)
        if direction > 0
        else _show(low_f, digits + 6, decimal.ROUND_FLOOR)
    )
    if not ((attained < near_end) if direction > 0 else (attained > near_end)):
        return _never_reached(claim, expr, near_end, kind, direction)
    op_bound = ">" if direction > 0 else "<"
    bound = prove_relation(
        claim, expr, rational(far_end), op_bound, claim.domain, conditions_of(claim, "expr")
    )
    if bound.verdict != "proved":
        return Verdict.unknown(
            METHOD, f"f {op_bound} {_show(far_end)} on the domain is not proved: {bound.why}"
        )
    tails = _attained(claim, expr, attained, direction)
    if isinstance(tails, str):
        return Verdict.unknown(METHOD, tails)
    shown = str(claim.raw["value"])
    rounded = f"{kind} of f = {shown} to {digits} significant digits"
    certificate = [
        f"the rounding interval of {shown} at {digits} digits: ({_show(v - h)}, {_show(v + h)})",
        f"1. f {op_bound} {_show(far_end)} on the whole domain:",
        *_steps(bound),
        Entry(
            "step",
            f"2. at x* = {to_language(rational(x_star))}, f(x*) {'<' if direction > 0 else '>'} {_show(attained)} (Arb), inside the interval",
            {"attained": {"x": to_language(rational(x_star)), "bound": str(attained)}},
        ),
        *tails,
        f"hence the {kind} exists and lies in the rounding interval: {rounded}",
    ]
    return Verdict("proved", METHOD, certificate, value=shown)


def _never_reached(
    claim: Claim, expr: Expr, near_end: Fraction, kind: str, direction: int
) -> Verdict:
    """f stays beyond the near end of the rounding interval on the whole domain: the
    extremum (if any) is outside the interval."""
    op = ">" if direction > 0 else "<"
    beyond = prove_relation(
        claim, expr, rational(near_end), op, claim.domain, conditions_of(claim, "expr")
    )
    if beyond.verdict != "proved":
        why = f"no point found inside {kind}'s rounding interval, and f {op} {_show(near_end)} is open"
        return Verdict.unknown(METHOD, why)
    why = (
        f"f {op} {_show(near_end)} on the whole domain: the {kind} is outside the rounding interval"
    )
    found = {"x": "every x", "lhs": f"f {op} {_show(near_end)}", "rhs": claim.raw["value"]}
    witness = {"kind": "extremum_beyond", "bound": rational(near_end)}
    return Verdict("refuted", METHOD, [*_steps(beyond), why], found, witness=witness)


def _steps(verdict: Verdict) -> list[Entry]:
    """A proved part's entries, data kept (covers, tails) so that `symbolic check` can
    re-verify them; the value entry is the caller's."""
    return [Entry("step", e.statement, e.data) for e in verdict.certificate if e.kind != "value"]


def _beyond(value: flint.arb, end: Fraction, direction: int) -> bool:
    low, high = exact_bounds(value)
    return high < end if direction > 0 else low > end


def _beaten(
    claim: Claim, x_star: Fraction, f_star: flint.arb, far_end: Fraction, kind: str
) -> Verdict:
    point = rational(x_star)
    found = {
        "x": to_language(point),
        "lhs": numeric.decimal_text(f_star),
        "rhs": f"the claimed {kind}'s interval ends at {_show(far_end)}",
    }
    witness = {"kind": "beats", "x": point, "bound": rational(far_end)}
    why = [f"f({to_language(point)}) is beyond the claimed {kind}'s rounding interval"]
    return Verdict("refuted", f"{METHOD}, a point that beats it (Arb)", why, found, witness=witness)


def _attained(claim: Claim, expr: Expr, attained: Fraction, direction: int) -> list[str] | str:
    """Lines proving f beyond ±B stays on the far side of f(x*), or why not."""
    domain = claim.domain
    if domain.low.is_finite and domain.high.is_finite:
        if domain.low_open or domain.high_open:
            return "an open finite end: the extremum may not be attained"
        return [
            "3. the domain is closed and bounded and f is continuous on it: the extremum is attained"
        ]
    if (domain.low.is_finite and domain.low_open) or (domain.high.is_finite and domain.high_open):
        return "an open finite end: the extremum may not be attained"
    op = ">" if direction > 0 else "<"
    for start in TAIL_STARTS:
        lines = [
            f"3. f {op} {_show(attained)} (beyond f(x*)) for |x| ≥ {start}, so the {('min' if direction > 0 else 'max')} is attained in [−{start}, {start}]:"
        ]
        pieces = []
        if not domain.high.is_finite:
            pieces.append(Interval(rational(start), sympy.oo, False, True))
        if not domain.low.is_finite:
            pieces.append(Interval(-sympy.oo, rational(-start), True, False))
        verdicts = [
            prove_relation(claim, expr, rational(attained), op, piece, conditions_of(claim, "expr"))
            for piece in pieces
        ]
        if all(v.verdict == "proved" for v in verdicts):
            return [*lines, *(entry for v in verdicts for entry in _steps(v))]
    return "the tails beyond ±1024 are not shown to stay beyond the best value found"


def _search(expr: Expr, domain: Interval, direction: int) -> tuple[Fraction, flint.arb] | None:
    """A point near the extremum: the best of a grid, refined by golden sections (not
    trusted: only its certified value is used)."""
    low, high = _search_end(domain.low, below=False), _search_end(domain.high, below=True)
    low, high = max(low, -CORE * 64), min(high, CORE * 64)
    if low >= high:
        return None
    grid = [low + (high - low) * Fraction(k, GRID) for k in range(GRID + 1)]
    values = [(x, _value(expr, x)) for x in grid]
    values = [(x, f) for x, f in values if f is not None]
    if not values:
        return None
    index = min(range(len(values)), key=lambda i: direction * float(values[i][1].mid()))
    a = values[max(index - 1, 0)][0]
    b = values[min(index + 1, len(values) - 1)][0]
    return _golden(expr, a, b, direction) or values[index]


def _search_end(end: Expr, below: bool) -> Fraction:
    """A rational end for the search, inside the domain: ±16 for an infinite end, a
    rational bound on the inner side of an irrational one."""
    if end.is_infinite:
        return CORE if below else -CORE
    if end.is_Rational:
        return fraction(end)
    lower, upper = constant_bounds(end, 128)
    return lower if below else upper


def _golden(
    expr: Expr, a: Fraction, b: Fraction, direction: int
) -> tuple[Fraction, flint.arb] | None:
    for _ in range(GOLDEN_STEPS):
        if b - a < Fraction(1, 2**70):
            break
        c, d = a + (b - a) * 382 / 1000, a + (b - a) * 618 / 1000
        c, d = _dyadic(c), _dyadic(d)
        fc, fd = _value(expr, c), _value(expr, d)
        if fc is None or fd is None:
            return None
        if direction * (fc.mid() - fd.mid()) < 0:
            b = d
        else:
            a = c
    x = _dyadic((a + b) / 2)
    value = _value(expr, x)
    return (x, value) if value is not None else None


def _dyadic(x: Fraction) -> Fraction:
    return Fraction(round(x * 2**80), 2**80)


def _value(expr: Expr, x: Fraction) -> flint.arb | None:
    return numeric.ball(expr, rational(x), {}, 256)


def _show(value: Fraction, digits: int = 60, rounding: str = decimal.ROUND_HALF_EVEN) -> str:
    """A decimal: exact when it has at most `digits` digits, else rounded as asked (the
    caller rounds a bound outward)."""
    with decimal.localcontext() as context:
        context.prec = digits
        context.rounding = rounding
        text = decimal.Decimal(value.numerator) / decimal.Decimal(value.denominator)
    return str(text)


def _shorter(expr: Expr, x: Fraction, accept, domain: Interval) -> tuple[Fraction, flint.arb]:
    """x rounded to the fewest decimal digits whose certified f still passes `accept`."""
    for digits in range(2, 40):
        candidate = Fraction(_show(x, digits))
        if not domain.contains(rational(candidate)):
            continue
        value = _value(expr, candidate)
        if value is not None and accept(value):
            return candidate, value
    return x, _value(expr, x)


# ---------------------------------------------------------------- the second route


def mpmath_extremum(claim: Claim) -> mpmath.mpf | None:
    """The extremum found by mpmath alone (60 digits), or None when it cannot evaluate."""
    direction = 1 if claim.fields["type"] == "min" else -1
    domain = claim.domain
    with mpmath.workdps(60):
        try:
            low = _mp(domain.low, mpmath.mpf(0)) if domain.low.is_finite else -int(CORE)
            high = _mp(domain.high, mpmath.mpf(0)) if domain.high.is_finite else int(CORE)
            formula = explicit(claim.fields["expr"])
            return _mp_search(formula, mpmath.mpf(low), mpmath.mpf(high), direction)
        except (ValueError, TypeError, ZeroDivisionError, KeyError):
            return None


def extremum_digits_proof(claim: Claim) -> str | None:
    """The extremum again with mpmath (a second engine: its own walk over the formula,
    a grid and golden sections at 60 digits), rounded to the claim's digits."""
    if "digits" not in claim.fields:
        return None
    found = mpmath_extremum(claim)
    if found is None:
        return None  # mpmath cannot evaluate it: no second opinion
    digits = claim.fields["digits"]
    with mpmath.workdps(60):
        rounded = mpmath.nstr(found, digits, min_fixed=-mpmath.inf, max_fixed=mpmath.inf)
    if Fraction(Decimal(rounded)) == fraction(claim.fields["value"]):
        return None
    return f"mpmath finds the {claim.fields['type']} {rounded}"


def _mp_search(formula: Expr, low: mpmath.mpf, high: mpmath.mpf, direction: int) -> mpmath.mpf:
    points = [low + (high - low) * k / 400 for k in range(401)]
    values = [direction * _mp(formula, p) for p in points]
    index = min(range(len(values)), key=values.__getitem__)
    a, b = points[max(index - 1, 0)], points[min(index + 1, 400)]
    for _ in range(200):
        c, d = a + (b - a) * 0.381966, a + (b - a) * 0.618034
        if direction * _mp(formula, c) < direction * _mp(formula, d):
            b = d
        else:
            a = c
    return _mp(formula, (a + b) / 2)


def _mp(expr: Expr, x: mpmath.mpf) -> mpmath.mpf:
    """expr at x in mpmath, walking SymPy's tree (no code generation)."""
    if expr == X:
        return x
    if expr.is_Rational:
        return mpmath.mpf(int(expr.p)) / int(expr.q)
    if expr is sympy.pi:
        return mpmath.pi
    if expr is sympy.E:
        return mpmath.e
    args = [_mp(a, x) for a in expr.args]
    if expr.is_Add:
        return mpmath.fsum(args)
    if expr.is_Mul:
        return mpmath.fprod(args)
    if expr.is_Pow:
        return args[0] ** args[1]
    return _MP_FUNCTIONS[type(expr)](*args)


_MP_FUNCTIONS = {
    sympy.exp: mpmath.exp,
    sympy.log: mpmath.log,
    sympy.tanh: mpmath.tanh,
    sympy.erf: mpmath.erf,
    sympy.erfc: mpmath.erfc,
    sympy.Abs: abs,
}
