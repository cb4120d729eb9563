"""Soundness suite: traps for the prover, each with its truth checked independently.

tests/claims/soundness.toml lists claims whose `expect` is the TRUE verdict. This file

1. checks the stated truth of every claim independently, with plain mpmath at 50
   digits (more where a trap lies below 50-digit resolution), never with the `symbolic`
   package: a false claim needs a concrete witness, a true claim must hold on a dense
   grid (points within 1e-30 of every finite end, both sides of every special point);
2. runs every claim through the prover once and demands soundness (no `proved` for a
   false claim, no `refuted` for a true one), decisiveness (at least 85 % decided
   rightly), reasons for every `unknown` and counterexamples for every `refuted`;
3. pins the verdicts of the regressions (`reg_*`) one class at a time.

How the independent checks judge numbers (every check runs at its precision `dps` and
again at dps + 30, and must pass both times):
- two values differ CLEARLY when |a − b| > 10^(10 − dps) · max(|a|, |b|) (10^-40
  relative at 50 digits); a value is clearly nonzero when its sign is the same at both
  precisions (the oracles below are written without cancellation, so their signs are
  exact);
- two values TIE when |a − b| <= 10^(5 − dps) · max(1, |a|, |b|), at both precisions;
  ties are used only at points where equality is exact by algebra (σ(log(5/3)) = 5/8);
- the sides of a true identity agree to 10^-max(dps/2, dps − 35) relatively (the sides
  as written lose up to 30 digits to cancellation next to a removable singularity);
- a side is UNDEFINED at x when a denominator vanishes there (ties 0 at both
  precisions) or a log/sqrt argument is clearly negative.
Numerics cannot prove a universal statement; for true claims they are a sanity check
that the `expect` written in the file is not a typo or a misjudged trap. For `smooth`
claims that are true there is nothing to check numerically beyond definedness on the
grid. A false `smooth` claim has a witness: a point where the one-sided derivatives of
some order differ (so that derivative does not exist), or where the expression is
undefined.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from mpmath import (
    acosh,
    asinh,
    atanh,
    cosh,
    diff,
    exp,
    log,
    mp,
    mpf,
    pi,
    sech,
    sin,
    sinh,
    sqrt,
    tanh,
)

from symbolic.prove import verify
from symbolic.prove.claims import load_claims

HERE = Path(__file__).parent
SOUNDNESS = HERE / "claims" / "soundness.toml"
BASE_DPS = 50
EXTRA_DPS = 30  # every check is repeated with this many more digits
K_VALUES = ((1, 1000), (1, 3), (1, 1), (2, 1), (7, 1))  # values a/b of the positive parameter k

# ------------------------------------------------------------------ numbers and oracles


def q(a: int | str, b: int = 1) -> mpf:
    """An exact rational a/b (or decimal string a) at the working precision."""
    return mpf(a) / b


def margin() -> mpf:
    return mpf(10) ** (10 - mp.dps)


def tie_tol() -> mpf:
    return mpf(10) ** (5 - mp.dps)


def eq_tol() -> mpf:
    return mpf(10) ** -max(mp.dps // 2, mp.dps - 35)


def ties(a: mpf, b: mpf) -> bool:
    return abs(a - b) <= tie_tol() * max(1, abs(a), abs(b))


def clearly_less(a: mpf, b: mpf) -> bool:
    return b - a > margin() * max(abs(a), abs(b))


def value(f: Callable[[mpf], object], x: mpf) -> mpf | None:
    """f(x) as a finite real, or None where f is undefined (pole, log/sqrt off its domain)."""
    try:
        y = f(x)
    except (ZeroDivisionError, ValueError):
        return None
    if not isinstance(y, mpf) or not mp.isfinite(y):
        return None
    return y


def defined(f: Callable[[mpf], object], x: mpf) -> mpf:
    y = value(f, x)
    assert y is not None, f"undefined at x = {mp.nstr(x, 20)}"
    return y


def sig(x: mpf) -> mpf:
    return 1 / (1 + exp(-x))


# σ′ = 1/(4 cosh²(x/2)) and 1 − 2σ = −tanh(x/2): the derivatives of σ without cancellation
def d1(x: mpf) -> mpf:
    return 1 / (4 * cosh(x / 2) ** 2)


def d2(x: mpf) -> mpf:  # σ″ = σ′(1 − 2σ)
    return -d1(x) * tanh(x / 2)


def d3(x: mpf) -> mpf:  # σ‴ = σ′(1 − 6σ′)
    s = d1(x)
    return s * (1 - 6 * s)


def d4(x: mpf) -> mpf:  # σ⁗ = σ″(1 − 12σ′)
    return d2(x) * (1 - 12 * d1(x))


def d5(x: mpf) -> mpf:  # σ⁽⁵⁾ = σ′(1 − 30σ′ + 120σ′²)
    s = d1(x)
    return s * (1 - 30 * s + 120 * s**2)


def const(c: mpf) -> Callable[[mpf], mpf]:
    return lambda x: c


ZERO = const(mpf(0))

# ------------------------------------------------------------------ intervals and grids


@dataclass(frozen=True)
class Iv:
    """An interval; None for an infinite end (always open)."""

    lo: mpf | None
    hi: mpf | None
    lo_open: bool
    hi_open: bool

    def __contains__(self, x: mpf) -> bool:
        if self.lo is not None and (x < self.lo or (self.lo_open and x == self.lo)):
            return False
        return not (self.hi is not None and (x > self.hi or (self.hi_open and x == self.hi)))


def iv(brackets: str, lo: object = None, hi: object = None) -> Iv:
    """iv("[)", 0, log(q(5, 3))); an end given as None is infinite."""
    lo_v = None if lo is None else mpf(lo)
    hi_v = None if hi is None else mpf(hi)
    return Iv(lo_v, hi_v, brackets[0] == "(" or lo is None, brackets[1] == ")" or hi is None)


def reals() -> Iv:
    return iv("()")


OFFSETS = ("1e-30", "1e-20", "1e-10", "1e-5", "1e-3", "1e-1")


def grid(d: Iv, special: Iterable[object] = (), far: float = 60, n: int = 161) -> list[mpf]:
    """A dense sample of d: uniform points, log-spaced points near 0 and out to `far`,
    the ends (closed) and points within 1e-30 .. 1e-1 of each finite end (inside), and
    both sides of every special point (critical points, poles, kinks), all in d."""
    far_v = mpf(far)
    lo = d.lo if d.lo is not None else (min(d.hi, 0) - far_v if d.hi is not None else -far_v)
    hi = d.hi if d.hi is not None else (max(d.lo, 0) + far_v if d.lo is not None else far_v)
    points = [lo + (hi - lo) * j / (n - 1) for j in range(n)]
    points += [sign * mpf(10) ** e for e in range(-30, 3) for sign in (1, -1)]
    width = hi - lo
    offsets = [mpf(o) for o in OFFSETS] + [width * mpf(o) for o in ("1e-12", "1e-6", "1e-2")]
    for end, direction in ((d.lo, 1), (d.hi, -1)):
        if end is not None:
            points.append(end)
            points += [end + direction * o for o in offsets]
    for p in (mpf(0), *(mpf(s) for s in special)):
        points.append(p)
        points += [p + sign * o for o in offsets for sign in (1, -1)]
    return sorted({p for p in points if p in d and lo <= p <= hi})


# ------------------------------------------------------------------ identities, inequalities

OPS: dict[str, Callable[[mpf, mpf], bool]] = {
    # identities hold to all but 35 of the working digits (at least half of them): next
    # to a removable singularity the sides as written lose up to 30 digits to cancellation
    "=": lambda a, b: abs(a - b) <= eq_tol() * max(1, abs(a), abs(b)),
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a < b or ties(a, b),
    ">=": lambda a, b: a > b or ties(a, b),
    "!=": lambda a, b: not ties(a, b),
}


def holds(lhs: Callable, op: str, rhs: Callable, d: Iv, special=(), far: float = 60) -> None:
    """TRUE identity/inequality: both sides defined and the relation holds on the grid."""
    for x in grid(d, special, far):
        a, b = defined(lhs, x), defined(rhs, x)
        assert OPS[op](a, b), (
            f"{mp.nstr(a, 15)} {op} {mp.nstr(b, 15)} fails at x = {mp.nstr(x, 20)}"
        )


def fails_at(lhs: Callable, op: str, rhs: Callable, d: Iv, x: mpf) -> None:
    """FALSE identity/inequality: at x in d the relation fails clearly, or a strict one ties."""
    assert x in d, "the witness is outside the domain"
    a, b = defined(lhs, x), defined(rhs, x)
    broken = {
        "=": clearly_less(a, b) or clearly_less(b, a),
        "<": clearly_less(b, a) or ties(a, b),
        ">": clearly_less(a, b) or ties(a, b),
        "<=": clearly_less(b, a),
        ">=": clearly_less(a, b),
        "!=": ties(a, b),
    }[op]
    assert broken, f"not a counterexample: lhs = {mp.nstr(a, 20)}, rhs = {mp.nstr(b, 20)}"


def undefined_at(
    d: Iv, x: mpf, *, vanishing: Callable | None = None, negative: Callable | None = None
) -> None:
    """FALSE by "undefined points refute": at x in d a denominator vanishes, or a log/sqrt
    argument is negative."""
    assert x in d, "the witness is outside the domain"
    if vanishing is not None:
        assert ties(vanishing(x), mpf(0)), f"the denominator is {vanishing(x)} there"
    if negative is not None:
        assert negative(x) < 0, "the argument is not negative there"


# ------------------------------------------------------------------ parity, symmetry


def mirror_holds(f: Callable, a: object, b: object | None, far: float = 60) -> None:
    """TRUE symmetry: f(a − t) + f(a + t) = 2b (point symmetry; b None: f(a − t) = f(a + t));
    parity is the case a = 0 (b = 0 for odd). Checked on the grid of t."""
    a = mpf(a)
    for t in grid(reals(), (), far):
        left, right = defined(f, a - t), defined(f, a + t)
        if b is None:
            assert OPS["="](left, right), f"f({a} − t) != f({a} + t) at t = {t}"
        else:
            assert OPS["="](left + right, 2 * mpf(b)), (
                f"f({a} − t) + f({a} + t) != 2·{b} at t = {t}"
            )


def mirror_fails(f: Callable, a: object, b: object | None, t: mpf) -> None:
    """FALSE symmetry/parity: at t the mirrored values clearly break the relation."""
    a = mpf(a)
    left, right = defined(f, a - t), defined(f, a + t)
    if b is None:
        assert clearly_less(left, right) or clearly_less(right, left)
    else:
        total = left + right
        assert clearly_less(total, 2 * mpf(b)) or clearly_less(2 * mpf(b), total), f"sum {total}"


# ------------------------------------------------------------------ ranges


def range_is(
    f: Callable, r: Iv, d: Iv, attained: dict[str, mpf] | None = None, special=(), far: float = 60
) -> None:
    """TRUE range: values on the grid lie in r (strictly inside an open end), each closed
    end is attained at the given point of d, each open end is approached on the grid
    (within 1e-6, or beyond ±50 for an infinite end). With continuity (f is defined on
    the connected domain) the image is then exactly r."""
    values = [defined(f, x) for x in grid(d, special, far)]
    attained = attained or {}
    for v in values:
        if r.lo is not None:
            assert v > r.lo or (not r.lo_open and ties(v, r.lo)), f"value {v} below {r.lo}"
        if r.hi is not None:
            assert v < r.hi or (not r.hi_open and ties(v, r.hi)), f"value {v} above {r.hi}"
    for end, name, closest in ((r.lo, "lo", min(values)), (r.hi, "hi", max(values))):
        is_open = r.lo_open if name == "lo" else r.hi_open
        if end is None:
            assert abs(closest) > 50 and (closest < 0) == (name == "lo"), (
                f"{name} end oo not approached"
            )
        elif is_open:
            assert abs(closest - end) < mpf("1e-6") * max(1, abs(end)), f"{name} end not approached"
        else:
            p = attained[name]
            assert p in d and ties(defined(f, p), end), f"{name} end not attained at {p}"


def range_value_outside(f: Callable, r: Iv, d: Iv, x: mpf) -> None:
    """FALSE range: f(x), x in d, is clearly outside r, or ties an open end of r."""
    assert x in d, "the witness is outside the domain"
    v = defined(f, x)
    below = r.lo is not None and (clearly_less(v, r.lo) or (r.lo_open and ties(v, r.lo)))
    above = r.hi is not None and (clearly_less(r.hi, v) or (r.hi_open and ties(v, r.hi)))
    assert below or above, f"f(x) = {v} lies in the claimed range"


def range_end_unattained(
    f: Callable, end: mpf, d: Iv, preimage: mpf, special=(), far: float = 60
) -> None:
    """FALSE range with a closed end that is not attained: f(preimage) = end with the
    preimage outside d, and f is strictly monotone on d ∪ {preimage} (checked on a grid),
    hence injective, so no point of d reaches the end."""
    assert preimage not in d and ties(defined(f, preimage), end)
    below = d.lo is not None and preimage <= d.lo
    above = d.hi is not None and preimage >= d.hi
    hull = Iv(
        preimage if below else d.lo,
        preimage if above else d.hi,
        False if below else d.lo_open,
        False if above else d.hi_open,
    )
    values = [defined(f, x) for x in grid(hull, (*special, preimage), far)]
    steps = [b - a for a, b in itertools.pairwise(values)]
    assert all(s > 0 for s in steps) or all(s < 0 for s in steps), "f is not strictly monotone"


# ------------------------------------------------------------------ zeros


def zeros_are(f: Callable, zeros: list[mpf], d: Iv, special=(), far: float = 60) -> None:
    """TRUE zeros: every listed zero is in d with |f| tiny there; on the grid f changes
    sign only across a listed zero and is tiny only at listed zeros."""
    tol = mpf(10) ** (6 - mp.dps)
    for z in zeros:
        assert z in d, f"listed zero {z} outside the domain"
        assert abs(defined(f, z)) <= tol * max(1, abs(z)) ** 4, f"f({z}) = {f(z)} is not 0"
    signed = []
    for x in grid(d, (*special, *zeros), far):
        v = defined(f, x)
        if abs(v) <= tol:
            assert any(abs(x - z) <= mpf("1e-10") * max(1, abs(z)) for z in zeros), (
                f"f ≈ 0 at unlisted {x}"
            )
        else:
            signed.append((x, v))
    for (a, va), (b, vb) in itertools.pairwise(signed):
        if (va > 0) != (vb > 0):
            assert any(a <= z <= b for z in zeros), (
                f"sign change in [{a}, {b}] without a listed zero"
            )


def zero_listed_not_a_zero(f: Callable, z: mpf, d: Iv) -> None:
    """FALSE zeros: a listed point is outside d, or f there is clearly nonzero."""
    assert z not in d or abs(defined(f, z)) > margin(), f"f({z}) = {f(z)} looks like 0"


def zero_unlisted_sign_change(f: Callable, a: mpf, b: mpf, zeros: list[mpf], d: Iv) -> None:
    """FALSE zeros: f is defined on [a, b] ⊂ d, changes sign there, and no listed zero is in [a, b]."""
    assert a in d and b in d and a < b
    for x in grid(iv("[]", a, b)):
        defined(f, x)
    fa, fb = defined(f, a), defined(f, b)
    assert fa != 0 and fb != 0 and (fa > 0) != (fb > 0), "no sign change"
    assert not any(a <= z <= b for z in zeros), "a listed zero is in the bracket"


def zero_unlisted_at(f: Callable, p: mpf, zeros: list[mpf], d: Iv) -> None:
    """FALSE zeros: f(p) = 0 (a tie with 0) at a point p of d that is not listed."""
    assert p in d and ties(defined(f, p), mpf(0)) and all(abs(p - z) > mpf("1e-10") for z in zeros)


# ------------------------------------------------------------------ smoothness


def smooth_defined(f: Callable, d: Iv, special=(), far: float = 60) -> None:
    """TRUE smooth: nothing numeric can show smoothness; f is defined on the grid."""
    for x in grid(d, special, far):
        defined(f, x)


def kink(f: Callable, p: mpf, order: int, d: Iv, h: object = "1e-10") -> None:
    """FALSE smooth: at the interior point p of d the one-sided derivatives of the given
    order (n-th forward and backward differences with step h) differ by more than 0.05,
    so the derivative of that order does not exist at p."""
    h = mpf(h)
    assert p - order * h in d and p + order * h in d, "p is not interior"
    right = sum(
        (-1) ** (order - j) * math.comb(order, j) * defined(f, p + j * h) for j in range(order + 1)
    )
    left = sum((-1) ** j * math.comb(order, j) * defined(f, p - j * h) for j in range(order + 1))
    right, left = right / h**order, left / h**order
    assert abs(right - left) > mpf("0.05"), f"one-sided derivatives {right} and {left} agree"


# ------------------------------------------------------------------ monotonicity


def monotone_on(
    f: Callable, direction: str, strict: bool, d: Iv, special=(), far: float = 60
) -> None:
    """TRUE monotone: consecutive grid values never step the wrong way (beyond a tie); if
    strict, they step the right way between points at least 1e-6 apart."""
    sign = 1 if direction == "increasing" else -1
    points = grid(d, special, far)
    values = [sign * defined(f, x) for x in points]
    for i in range(1, len(points)):
        a, b = values[i - 1], values[i]
        assert b > a or ties(a, b), f"steps the wrong way between {points[i - 1]} and {points[i]}"
    if strict:
        coarse = [0]
        for i in range(1, len(points)):
            if points[i] - points[coarse[-1]] >= mpf("1e-6"):
                coarse.append(i)
        for i, j in itertools.pairwise(coarse):
            assert values[j] > values[i], (
                f"not strictly monotone between {points[i]} and {points[j]}"
            )


def mono_pair(f: Callable, direction: str, strict: bool, d: Iv, a: mpf, b: mpf) -> None:
    """FALSE monotone: a < b in d with f stepping clearly the wrong way (or, for a strict
    claim, a tie)."""
    assert a in d and b in d and a < b
    fa, fb = defined(f, a), defined(f, b)
    if direction == "decreasing":
        fa, fb = -fa, -fb
    assert clearly_less(fb, fa) or (strict and ties(fa, fb)), f"f({a}) = {fa}, f({b}) = {fb}"


def mono_slope(fprime: Callable, direction: str, d: Iv, x0: mpf) -> None:
    """FALSE monotone: f′(x0) has the wrong sign at an interior point x0 of d."""
    assert x0 in d
    slope = defined(fprime, x0)
    assert slope != 0 and (slope < 0) == (direction == "increasing"), f"f′(x0) = {slope}"


# ------------------------------------------------------------------ extrema, limits, values


def extremum_is(
    f: Callable, kind: str, at: mpf, val: mpf, d: Iv, special=(), far: float = 60
) -> None:
    """TRUE extremum: f(at) = val with at in d, and no grid value beats val."""
    assert at in d and ties(defined(f, at), val)
    sign = 1 if kind == "max" else -1
    for x in grid(d, (*special, at), far):
        v = defined(f, x)
        assert sign * v < sign * val or ties(v, val), f"f({x}) = {v} beats {val}"


def ext_value_mismatch(f: Callable, at: mpf, val: mpf, d: Iv) -> None:
    """FALSE extremum: at is outside d, or f(at) clearly differs from the claimed value."""
    assert at not in d or clearly_less(defined(f, at), val) or clearly_less(val, defined(f, at))


def ext_beaten(f: Callable, kind: str, val: mpf, d: Iv, x: mpf) -> None:
    """FALSE extremum: f(x), x in d, is clearly beyond the claimed max/min value."""
    assert x in d
    v = defined(f, x)
    assert clearly_less(val, v) if kind == "max" else clearly_less(v, val)


def approach(point: object, far_points: Iterable[object] | None = None) -> list[mpf]:
    if point == "oo":
        return [mpf(t) for t in (far_points or (10, 20, 40, 60, 80, 100))]
    hs = [mpf(10) ** -j for j in range(1, 31)]
    p = mpf(point)
    return [p + s * h for h in hs for s in (1, -1)]


def limit_is(f: Callable, point: object, val: object, far_points=None) -> None:
    """TRUE limit: along points approaching the point (both sides of a finite point) f gets
    within 1e-20 of the value (beyond 1e6 for oo) at the last few."""
    values = [defined(f, x) for x in approach(point, far_points)]
    tail = values[-10:] if point != "oo" else values[-2:]
    if val == "oo":
        assert min(tail) > 10**6
    else:
        assert max(abs(v - mpf(val)) for v in tail) < mpf("1e-20") * max(1, abs(mpf(val)))


def limit_elsewhere(f: Callable, xs: list[mpf], val: mpf) -> None:
    """FALSE limit: along xs approaching the point, f has settled (the last two values
    agree to a hundredth of the gap) at a distance from the claimed value."""
    values = [defined(f, x) for x in xs]
    gap = min(abs(v - val) for v in values)
    assert gap > margin() * max(1, abs(val)), "f is not away from the claimed value"
    assert abs(values[-1] - values[-2]) < gap / 100, "f has not settled"


def no_limit(f: Callable, p: mpf) -> None:
    """FALSE limit: f(p + h) and f(p − h) stay more than 1/2 apart as h → 0+."""
    for j in range(1, 31):
        h = mpf(10) ** -j
        assert abs(defined(f, p + h) - defined(f, p - h)) > mpf(1) / 2


def negative_on_the_left(f: Callable, p: mpf) -> None:
    """FALSE limit +oo at p: f(p − h) < 0 for h → 0+, so f does not tend to +oo."""
    for j in range(1, 31):
        assert defined(f, p - mpf(10) ** -j) < 0


def rounds_to(f: Callable, at: mpf, digits: int, text: str, expect_equal: bool) -> None:
    """VALUE: f(at) rounded to `digits` significant digits, away from any rounding tie,
    equals (or not) the decimal `text`."""
    v = defined(f, at)
    scale = mpf(10) ** (digits - 1 - int(mp.floor(mp.log10(abs(v)))))
    scaled = v * scale
    frac = scaled - mp.floor(scaled)
    assert abs(frac - mpf(1) / 2) > margin() * abs(scaled), "too close to a rounding tie"
    rounded = mp.nint(scaled)
    assert (abs(mpf(text) * scale - rounded) < mpf("1e-6")) == expect_equal


def for_k(check: Callable[[mpf], None]) -> None:
    for a, b in K_VALUES:
        check(q(a, b))


# ------------------------------------------------------------------ the checks, by claim id


@dataclass(frozen=True)
class Check:
    true: bool  # the truth this check establishes
    run: Callable[[], None]
    dps: int = BASE_DPS


def true(run: Callable[[], None], dps: int = BASE_DPS) -> Check:
    return Check(True, run, dps)


def false(run: Callable[[], None], dps: int = BASE_DPS) -> Check:
    return Check(False, run, dps)


def sig_sum(x: mpf) -> mpf:
    return sig(x) + sig(-x)


def neg_square_ratio(x: mpf) -> mpf:
    return -((exp(x) - 1) ** 2) / (exp(x) - 2) ** 2


def ramp(x: mpf) -> mpf:
    return x + abs(x)


def bose(x: mpf) -> mpf:
    return 1 / (exp(x) - 1)


def quartic(x: mpf) -> mpf:
    return x**4 - 10 * x**2 + 1


def removable_quotient(x: mpf) -> mpf:
    return (exp(2 * x) - 1) / (exp(x) - 1)


def log53() -> mpf:
    return log(q(5, 3))


def acosh_5a() -> mpf:  # the outer zeros of σ⁽⁵⁾: cosh x = (13 + sqrt 105)/2
    return acosh((13 + sqrt(105)) / 2)


def acosh_5b() -> mpf:  # the inner zeros: cosh x = (13 − sqrt 105)/2
    return acosh((13 - sqrt(105)) / 2)


def crit() -> list[mpf]:
    """Critical points of σ′..σ⁽⁵⁾: both sides of each are sampled."""
    return [
        -acosh(2),
        acosh(2),
        -acosh(5),
        acosh(5),
        acosh_5a(),
        -acosh_5a(),
        acosh_5b(),
        -acosh_5b(),
    ]


CHECKS: dict[str, Check] = {
    # ---- regressions
    "reg_01_identity_scale_perturbed": false(
        lambda: fails_at(sig, "=", lambda x: sig((1 + exp(-200)) * x), reals(), -(mpf(10) ** 90)),
        dps=200,  # x·e^-200 ≈ −1383 at x = −1e90; evaluating σ there needs 90 + 50 digits
    ),
    "reg_02_identity_exp_perturbed": false(
        lambda: fails_at(lambda x: exp(x) * (1 + mpf(10) ** -40), "=", exp, reals(), mpf(200)),
        dps=80,  # the sides differ by e^200·1e-40 ≈ 7e46, relatively by 1e-40
    ),
    "reg_03_monotone_deriv_narrow_end": false(
        lambda: mono_slope(d2, "increasing", iv("[]", -5, "1e-30"), mpf("5e-31"))  # σ″ ≈ −6e-32
    ),
    "reg_04_inequality_deriv2_narrow_end": false(
        lambda: fails_at(d2, ">=", ZERO, iv("[]", -1, "1e-30"), mpf("1e-30"))  # σ″ ≈ −1.25e-31
    ),
    "reg_05_range_constant": true(
        lambda: range_is(sig_sum, iv("[]", 1, 1), reals(), {"lo": mpf(0), "hi": mpf(0)})
    ),
    "reg_06_range_pole_sigmoid": true(
        lambda: range_is(lambda x: 1 / (2 * sig(x) - 1), iv("()", 1), iv("()", 0))
    ),
    "reg_06_range_pole_coth": true(
        lambda: range_is(
            lambda x: 1 / tanh(x), iv("()", 1), iv("()", 0), far=25
        )  # coth(60) rounds to 1
    ),
    "reg_06_range_pole_bose": true(lambda: range_is(bose, iv("()", 0), iv("()", 0))),
    "reg_07_zeros_deriv3_acosh": true(
        lambda: zeros_are(d3, [-acosh(2), acosh(2)], reals(), crit())
    ),
    "reg_07_zeros_deriv3_log": true(
        lambda: zeros_are(d3, [-log(2 + sqrt(3)), log(2 + sqrt(3))], reals(), crit())
    ),
    "reg_08_zeros_deriv4_acosh": true(
        lambda: zeros_are(d4, [-acosh(5), mpf(0), acosh(5)], reals(), crit())
    ),
    "reg_09_zeros_deriv5_acosh": true(
        lambda: zeros_are(d5, [-acosh_5a(), -acosh_5b(), acosh_5b(), acosh_5a()], reals(), crit())
    ),
    "reg_10_smooth_cosh_abs": true(lambda: smooth_defined(lambda x: cosh(abs(x)), reals())),
    "reg_10_smooth_abs_tanh_abs": true(
        lambda: smooth_defined(lambda x: abs(x) * tanh(abs(x)), reals())
    ),
    "reg_10_smooth_abs_deriv_gap": true(
        lambda: smooth_defined(lambda x: abs(d1(x) - q(1, 4)), reals())
    ),
    "reg_10_smooth_sqrt_quartic_sextic": true(
        lambda: smooth_defined(lambda x: sqrt(x**4 + x**6), reals())
    ),
    "reg_11_identity_removable_reals": false(
        lambda: undefined_at(reals(), mpf(0), vanishing=lambda x: exp(x) - 1)
    ),
    "reg_11_identity_removable_right": true(
        lambda: holds(removable_quotient, "=", lambda x: exp(x) + 1, iv("()", 0)),
        dps=80,  # exp(2x) − 1 at x = 1e-30 cancels 30 digits
    ),
    "reg_branch_neg_square_ratio_reals": false(
        lambda: undefined_at(reals(), log(2), vanishing=lambda x: exp(x) - 2)
    ),
    "reg_branch_neg_square_ratio_right": true(
        lambda: holds(neg_square_ratio, "<=", ZERO, iv("()", log(2)), [log(2)])
    ),
    "reg_branch_ramp_monotone": true(lambda: monotone_on(ramp, "increasing", False, reals())),
    "reg_branch_ramp_monotone_strict": false(
        lambda: mono_pair(ramp, "increasing", True, reals(), mpf(-2), mpf(-1))
    ),
    "reg_branch_log_shift": false(
        lambda: fails_at(lambda x: log(x - 3), ">", const(mpf(-1)), iv("()", 3), mpf("3.1"))
    ),
    # ---- perturbations of exact constants
    "pert_sum_one_plus_2m300": false(
        lambda: fails_at(sig_sum, "=", const(1 + mpf(2) ** -300), reals(), mpf(0)), dps=120
    ),
    "pert_exp_log_shift_exact": true(
        lambda: holds(
            lambda x: exp(x + log(1 + mpf(10) ** -40)),
            "=",
            lambda x: exp(x) * (1 + mpf(10) ** -40),
            reals(),
        )
    ),
    "pert_sigmoid_below_one_minus_tiny": false(
        lambda: fails_at(sig, "<", const(1 - exp(-500)), reals(), mpf(600)),
        dps=300,  # 1 − e^-600 against 1 − e^-500
    ),
    "pert_sigmoid_above_one_minus_tiny": true(
        lambda: holds(sig, ">", const(1 - exp(-500)), iv("()", 500)),
        dps=300,  # the margin at 500 + 1e-30 is e^-500·1e-30 ≈ 7e-248
    ),
    "pert_sin_nonneg_to_355_113": false(
        lambda: fails_at(sin, ">=", ZERO, iv("[]", 0, q(355, 113)), q(355, 113))  # sin ≈ −2.7e-7
    ),
    "pert_sin_nonneg_to_333_106": true(lambda: holds(sin, ">=", ZERO, iv("[]", 0, q(333, 106)))),
    "pert_zeros_sin_355_113": false(
        lambda: zero_listed_not_a_zero(sin, q(355, 113), iv("[]", 3, 4))
    ),
    "pert_zeros_sin_pi": true(lambda: zeros_are(sin, [+pi], iv("[]", 3, 4))),
    "pert_zeros_sqrt2_decimal": false(
        lambda: zero_listed_not_a_zero(lambda x: x**2 - 2, mpf("1.4142135623730951"), reals())
    ),
    "pert_zeros_sqrt2": true(lambda: zeros_are(lambda x: x**2 - 2, [-sqrt(2), sqrt(2)], reals())),
    "pert_square_below_two_decimal_above": false(
        lambda: fails_at(
            lambda x: x**2,
            "<",
            const(mpf(2)),
            iv("[]", 0, "1.4142135623730951"),
            mpf("1.4142135623730951"),
        )
    ),
    "pert_square_below_two_decimal_below": true(
        lambda: holds(lambda x: x**2, "<", const(mpf(2)), iv("[]", 0, "1.4142135623730950"))
    ),
    "pert_value_just_above_tie": true(
        lambda: rounds_to(sig, log53() + mpf("1e-30"), 2, "0.63", True)
    ),
    "pert_value_just_below_tie": false(
        lambda: rounds_to(sig, log53() - mpf("1e-30"), 2, "0.63", False)
    ),
    # ---- domain ends narrower than any float
    "narrow_sigmoid_le_half_1e300": false(
        lambda: fails_at(sig, "<=", const(q(1, 2)), iv("(]", None, "1e-300"), mpf("1e-300")),
        dps=350,  # σ(1e-300) − 1/2 = 2.5e-301
    ),
    "narrow_sigmoid_lt_half_neg_1e1000": true(
        lambda: holds(sig, "<", const(q(1, 2)), iv("(]", None, -(mpf(10) ** -1000))),
        dps=1100,  # σ(−1e-1000) = 1/2 − 2.5e-1001
    ),
    "narrow_deriv_decreasing_from_neg_1e30": false(
        lambda: mono_slope(d2, "decreasing", iv("[)", "-1e-30"), mpf("-5e-31"))  # σ″ ≈ +6e-32
    ),
    "narrow_deriv_strict_decreasing_from_1e1000": true(
        lambda: monotone_on(d1, "decreasing", True, iv("[)", mpf(10) ** -1000))
    ),
    "narrow_deriv_strict_increasing_to_1e1000": false(
        lambda: mono_slope(
            d2, "increasing", iv("(]", None, mpf(10) ** -1000), mpf(10) ** -1000 / 2
        ),
        dps=1100,  # σ″(5e-1001) ≈ −6e-1002
    ),
    "narrow_range_point_1e30": false(
        lambda: range_value_outside(
            sig, iv("[]", q(1, 2), q(1, 2)), iv("[]", 0, "1e-30"), mpf("1e-30")
        )
    ),
    "narrow_range_exact_1e30": true(
        lambda: range_is(
            sig,
            iv("[]", q(1, 2), sig(mpf("1e-30"))),
            iv("[]", 0, "1e-30"),
            {"lo": mpf(0), "hi": mpf("1e-30")},
        )
    ),
    "narrow_deriv_lt_quarter_left_window": true(
        lambda: holds(d1, "<", const(q(1, 4)), iv("[]", "-1e-300", "-1e-301")),
        dps=700,  # 1/4 − σ′(−1e-301) ≈ 6e-604
    ),
    "narrow_deriv_lt_quarter_across_zero": false(
        lambda: fails_at(d1, "<", const(q(1, 4)), iv("[]", "-1e-300", "1e-300"), mpf(0))
    ),
    "narrow_zeros_deriv2_window_right": true(
        lambda: zeros_are(d2, [], iv("[]", mpf(10) ** -300, 1)),
        dps=350,  # σ″(1e-300) ≈ −1.25e-301 must not look like 0
    ),
    "narrow_zeros_deriv2_window_across": false(
        lambda: zero_unlisted_sign_change(
            d2, -(mpf(10) ** -300), mpf(1), [], iv("[]", -(mpf(10) ** -300), 1)
        )
    ),
    "narrow_smooth_kink_inside": false(
        lambda: kink(lambda x: abs(x - mpf("1e-30")), mpf("1e-30"), 1, iv("[]", 0, 1), h="5e-31")
    ),
    "narrow_smooth_kink_outside": true(
        lambda: smooth_defined(lambda x: abs(x - mpf("1e-30")), iv("()", "1e-29"))
    ),
    # ---- ranges
    "range_sigmoid_half_open_log3": true(
        lambda: range_is(sig, iv("(]", q(1, 2), q(3, 4)), iv("(]", 0, log(3)), {"hi": log(3)})
    ),
    "range_sigmoid_low_end_unattained": false(
        lambda: range_end_unattained(sig, q(1, 2), iv("(]", 0, log(3)), mpf(0))
    ),
    "range_sigmoid_high_end_attained": false(
        lambda: range_value_outside(sig, iv("()", q(1, 2), q(3, 4)), iv("(]", 0, log(3)), log(3))
    ),
    "range_deriv_symmetric_log3": true(
        lambda: range_is(
            d1, iv("[]", q(3, 16), q(1, 4)), iv("[]", -log(3), log(3)), {"lo": log(3), "hi": mpf(0)}
        )
    ),
    "range_deriv_low_end_perturbed": false(
        lambda: range_value_outside(
            d1, iv("[]", q(3, 16) + mpf(10) ** -45, q(1, 4)), iv("[]", -log(3), log(3)), log(3)
        ),
        dps=80,
    ),
    "range_tanh_half_line": true(
        lambda: range_is(
            tanh, iv("[)", 0, 1), iv("[)", 0), {"lo": mpf(0)}, far=25
        )  # tanh(60) rounds to 1
    ),
    "range_gauss_open_top": false(
        lambda: range_value_outside(lambda x: exp(-(x**2)), iv("()", 0, 1), reals(), mpf(0))
    ),
    "range_gauss": true(
        lambda: range_is(lambda x: exp(-(x**2)), iv("(]", 0, 1), reals(), {"hi": mpf(0)}, far=10)
    ),
    "range_constant_perturbed": false(
        lambda: range_value_outside(
            sig_sum, iv("[]", 1 + mpf(2) ** -200, 1 + mpf(2) ** -200), reals(), mpf(0)
        ),
        dps=100,
    ),
    "range_constant_hyperbolic": true(
        lambda: range_is(
            lambda x: tanh(x) ** 2 + sech(x) ** 2,
            iv("[]", 1, 1),
            reals(),
            {"lo": mpf(0), "hi": mpf(0)},
        )
    ),
    "range_recip_pole_closed_one": true(
        lambda: range_is(lambda x: 1 / x, iv("[)", 1), iv("(]", 0, 1), {"lo": mpf(1)})
    ),
    "range_recip_pole_open_one": false(
        lambda: range_end_unattained(lambda x: 1 / x, mpf(1), iv("()", 0, 1), mpf(1))
    ),
    "range_log_pole": true(lambda: range_is(log, iv("()", None, 0), iv("()", 0, 1))),
    "range_x_coth_removable": true(
        lambda: range_is(lambda x: x / tanh(x), iv("()", 1), iv("()", 0)),
        dps=100,  # x/tanh(x) = 1 + x²/3 + … at x = 1e-30
    ),
    "range_coth_from_one": true(
        lambda: range_is(
            lambda x: 1 / tanh(x), iv("(]", 1, 1 / tanh(1)), iv("[)", 1), {"hi": mpf(1)}, far=25
        )
    ),
    "range_coth_from_one_open_top": false(
        lambda: range_value_outside(
            lambda x: 1 / tanh(x), iv("()", 1, 1 / tanh(1)), iv("[)", 1), mpf(1)
        )
    ),
    # ---- poles, removable singularities, undefined points
    "pole_bose_above_two_terms": true(
        lambda: holds(bose, ">", lambda x: 1 / x - q(1, 2), iv("()", 0)),
        dps=150,  # the sides differ by ≈ x/12 next to a pole of size 1/x
    ),
    "pole_bose_above_three_terms": false(
        lambda: fails_at(
            bose, ">", lambda x: 1 / x - q(1, 2) + x / 12, iv("()", 0), mpf("0.1")
        )  # −x³/720
    ),
    "pole_tanh_over_x_reals": false(lambda: undefined_at(reals(), mpf(0), vanishing=lambda x: x)),
    "pole_tanh_over_x_right": true(
        lambda: holds(lambda x: tanh(x) / x, "<", const(mpf(1)), iv("()", 0)),
        dps=100,  # 1 − tanh(x)/x ≈ x²/3
    ),
    "pole_quotient_through_one": false(
        lambda: undefined_at(iv("[]", 0, 2), mpf(1), vanishing=lambda x: x - 1)
    ),
    "pole_quotient_right_of_one": true(
        lambda: holds(lambda x: (x**2 - 1) / (x - 1), "=", lambda x: x + 1, iv("()", 1), [1]),
        dps=80,  # x² − 1 at x = 1 + 1e-30 cancels 30 digits
    ),
    "pole_sinhc_smooth_reals": false(lambda: undefined_at(reals(), mpf(0), vanishing=lambda x: x)),
    "pole_sinhc_smooth_right": true(lambda: smooth_defined(lambda x: sinh(x) / x, iv("()", 0))),
    "pole_sqrt_nonneg_reals": false(lambda: undefined_at(reals(), mpf(-1), negative=lambda x: x)),
    "pole_sqrt_nonneg_right": true(lambda: holds(sqrt, ">=", ZERO, iv("[)", 0))),
    "pole_log_shift_tie_open": true(
        lambda: holds(lambda x: log(x - 3), ">", const(mpf(-1)), iv("()", 3 + exp(-1)))
    ),
    "pole_log_shift_tie_closed": false(
        lambda: fails_at(
            lambda x: log(x - 3), ">", const(mpf(-1)), iv("[)", 3 + exp(-1)), 3 + exp(-1)
        )
    ),
    # ---- zeros in different but equal forms
    "zeros_deriv3_asinh": true(
        lambda: zeros_are(d3, [-2 * asinh(sqrt(2) / 2), 2 * asinh(sqrt(2) / 2)], reals(), crit())
    ),
    "zeros_deriv3_offset_1e40": false(
        lambda: zero_listed_not_a_zero(d3, log(2 + sqrt(3)) + mpf(10) ** -40, reals()),
        dps=80,  # |σ‴| ≈ 0.096·1e-40 there
    ),
    "zeros_deriv3_half_line": true(lambda: zeros_are(d3, [acosh(2)], iv("[)", 0), crit())),
    "zeros_deriv3_listed_outside_domain": false(
        lambda: zero_listed_not_a_zero(d3, -acosh(2), iv("[)", 0))
    ),
    "zeros_deriv4_nested_radicals": true(
        lambda: zeros_are(
            d4, [-2 * log(sqrt(2) + sqrt(3)), mpf(0), 2 * log(sqrt(2) + sqrt(3))], reals(), crit()
        )
    ),
    "zeros_deriv4_missing_zero": false(
        lambda: zero_unlisted_sign_change(
            d4, mpf("-0.5"), mpf("0.5"), [-log(5 + 2 * sqrt(6)), log(5 + 2 * sqrt(6))], reals()
        )
    ),
    "zeros_deriv5_half_angle": true(
        lambda: zeros_are(
            d5,
            [s * 2 * acosh(sqrt((15 + t * sqrt(105)) / 4)) for s in (-1, 1) for t in (1, -1)],
            reals(),
            crit(),
        )
    ),
    "zeros_deriv5_missing_inner": false(
        lambda: zero_unlisted_sign_change(
            d5, mpf("0.7"), mpf(1), [-acosh_5a(), acosh_5a()], reals()
        )
    ),
    "zeros_quartic_sum_of_roots": true(
        lambda: zeros_are(
            quartic,
            [-sqrt(2) - sqrt(3), sqrt(2) - sqrt(3), sqrt(3) - sqrt(2), sqrt(2) + sqrt(3)],
            reals(),
            far=10,
        )
    ),
    "zeros_quartic_nested": true(
        lambda: zeros_are(
            quartic,
            [s * sqrt(5 + t * 2 * sqrt(6)) for s in (-1, 1) for t in (1, -1)],
            reals(),
            far=10,
        )
    ),
    "zeros_quartic_decimal": false(
        lambda: zero_listed_not_a_zero(quartic, mpf("3.1462643699419726"), reals())
    ),
    "zeros_sigmoid_level_atanh": true(
        lambda: zeros_are(lambda x: sig(x) - q(3, 4), [2 * atanh(q(1, 2))], reals())
    ),
    "zeros_deriv_level_pair": true(
        lambda: zeros_are(lambda x: d1(x) - q(3, 16), [-log(3), log(3)], reals())
    ),
    "zeros_deriv_level_missing": false(
        lambda: zero_unlisted_sign_change(
            lambda x: d1(x) - q(3, 16), mpf("-1.5"), mpf("-0.5"), [log(3)], reals()
        )
    ),
    "zeros_double_root_unlisted": false(
        lambda: zero_unlisted_at(lambda x: (sig(x) - q(1, 2)) ** 2, mpf(0), [], reals())
    ),
    "zeros_double_root_listed": true(
        lambda: zeros_are(
            lambda x: (tanh(x / 2) / 2) ** 2, [mpf(0)], reals()
        )  # σ − 1/2 = tanh(x/2)/2
    ),
    # ---- smoothness
    "smooth_abs_sin": false(lambda: kink(lambda x: abs(sin(x)), mpf(0), 1, reals())),
    "smooth_abs_sin_inside_hump": true(
        lambda: smooth_defined(lambda x: abs(sin(x)), iv("()", 0, +pi))
    ),
    "smooth_abs_sin_past_pi": false(lambda: kink(lambda x: abs(sin(x)), +pi, 1, iv("()", 0, 4))),
    "smooth_sqrt_square": false(lambda: kink(lambda x: sqrt(x**2), mpf(0), 1, reals())),
    "smooth_x_abs_x": false(lambda: kink(lambda x: x * abs(x), mpf(0), 2, reals())),
    "smooth_x_abs_x_left": true(lambda: smooth_defined(lambda x: x * abs(x), iv("()", None, 0))),
    "smooth_abs_squared": true(lambda: smooth_defined(lambda x: abs(x) ** 2, reals())),
    "smooth_abs_cubed": false(lambda: kink(lambda x: abs(x) ** 3, mpf(0), 3, reals())),
    "smooth_sqrt_square_plus_tiny": true(
        lambda: smooth_defined(lambda x: sqrt(x**2 + mpf(10) ** -300), reals())
    ),
    "smooth_sqrt_sigmoid": true(lambda: smooth_defined(lambda x: sqrt(sig(x)), reals())),
    "smooth_abs_deriv2": false(
        lambda: kink(lambda x: abs(d2(x)), mpf(0), 1, reals())
    ),  # slopes ±1/8
    "smooth_sinh_abs": false(lambda: kink(lambda x: sinh(abs(x)), mpf(0), 1, reals())),
    "smooth_sqrt_quartic_quadratic": false(
        lambda: kink(lambda x: sqrt(x**4 + x**2), mpf(0), 1, reals())
    ),
    "smooth_abs_sinh_abs": true(lambda: smooth_defined(lambda x: abs(x) * sinh(abs(x)), reals())),
    # ---- extrema
    "ext_deriv2_max_acosh_form": true(
        lambda: extremum_is(d2, "max", -acosh(2), 1 / (6 * sqrt(3)), reals(), crit())
    ),
    "ext_deriv2_max_wrong_side": false(
        lambda: ext_value_mismatch(d2, log(2 + sqrt(3)), sqrt(3) / 18, reals())
    ),
    "ext_deriv2_min": true(
        lambda: extremum_is(d2, "min", log(2 + sqrt(3)), -sqrt(3) / 18, reals(), crit())
    ),
    "ext_deriv2_max_decimal_value": false(
        lambda: ext_value_mismatch(
            d2, -log(2 + sqrt(3)), mpf("0.0962250448649376"), reals()
        )  # off by 2.7e-17
    ),
    "ext_deriv2_max_closed_half_line": true(
        lambda: extremum_is(d2, "max", mpf(0), mpf(0), iv("[)", 0))
    ),
    "ext_deriv2_max_open_half_line": false(
        lambda: ext_value_mismatch(d2, mpf(0), mpf(0), iv("()", 0))
    ),
    "ext_deriv_max_perturbed_value": false(
        lambda: ext_value_mismatch(d1, mpf(0), q(1, 4) + mpf(10) ** -41, reals()), dps=80
    ),
    "ext_deriv_min_wrong_end": false(
        lambda: ext_beaten(d1, "min", d1(mpf(-1)), iv("[]", -1, 2), mpf(2))
    ),
    "ext_deriv_min_right_end": true(
        lambda: extremum_is(d1, "min", mpf(2), exp(-2) / (1 + exp(-2)) ** 2, iv("[]", -1, 2))
    ),
    "ext_param_max": true(
        lambda: for_k(lambda k: extremum_is(lambda x: k * d1(k * x), "max", mpf(0), k / 4, reals()))
    ),
    "ext_param_max_without_k": false(
        lambda: ext_value_mismatch(lambda x: 2 * d1(2 * x), mpf(0), q(1, 4), reals())  # k = 2
    ),
    # ---- limits
    "lim_x_deriv_at_top": true(lambda: limit_is(lambda x: x * d1(x), "oo", 0)),
    "lim_sigmoid_power_x": true(lambda: limit_is(lambda x: sig(x) ** x, "oo", 1)),
    "lim_compound_decimal_e": false(
        lambda: limit_elsewhere(
            lambda x: (1 + 1 / x) ** x,
            [mpf(10) ** 30, mpf(10) ** 35, mpf(10) ** 40],
            mpf("2.718281828459045"),
        ),
        dps=150,  # (1 + 1e-40)^1e40 needs 40 digits more
    ),
    "lim_compound_e": true(
        lambda: limit_is(
            lambda x: (1 + 1 / x) ** x, "oo", mp.e, [mpf(10) ** j for j in range(1, 31)]
        )
    ),
    "lim_recip_two_sided": false(lambda: negative_on_the_left(lambda x: 1 / x, mpf(0))),
    "lim_recip_square": true(lambda: limit_is(lambda x: 1 / x**2, 0, "oo")),
    "lim_sigmoid_recip_jump": false(lambda: no_limit(lambda x: sig(1 / x), mpf(0))),
    "lim_removable_slope": true(
        lambda: limit_is(lambda x: (sig(x) - q(1, 2)) / x, 0, q(1, 4)),
        dps=80,  # σ(x) − 1/2 at x = 1e-30 cancels 30 digits
    ),
    "lim_deriv_tail_ratio": true(lambda: limit_is(lambda x: d1(x) * exp(x), "oo", 1)),
    "lim_deriv_tail_ratio_half": false(
        lambda: limit_elsewhere(lambda x: d1(x) * exp(x), [mpf(40), mpf(50), mpf(60)], q(1, 2))
    ),
    # ---- monotone with flat stretches, constants, parameters
    "mono_sigmoid_plus_hinge": false(
        lambda: mono_pair(
            lambda x: sig(x) + abs(x) - x, "increasing", False, reals(), mpf(-2), mpf(-1)
        )
    ),
    "mono_ramp_squared": true(
        lambda: monotone_on(lambda x: ramp(x) ** 2, "increasing", False, reals())
    ),
    "mono_ramp_squared_strict": false(
        lambda: mono_pair(lambda x: ramp(x) ** 2, "increasing", True, reals(), mpf(-2), mpf(-1))
    ),
    "mono_ramp_strict_right": true(lambda: monotone_on(ramp, "increasing", True, iv("[)", 0))),
    "mono_ramp_strict_narrow_flat": false(
        lambda: mono_pair(ramp, "increasing", True, iv("[)", "-1e-30"), mpf("-1e-30"), mpf(0))
    ),
    "mono_hinge_decreasing": true(
        lambda: monotone_on(lambda x: abs(x) - x, "decreasing", False, reals())
    ),
    "mono_hinge_decreasing_strict": false(
        lambda: mono_pair(lambda x: abs(x) - x, "decreasing", True, reals(), mpf(1), mpf(2))
    ),
    "mono_sigmoid_of_ramp": true(
        lambda: monotone_on(lambda x: sig(ramp(x)), "increasing", False, reals(), far=30)
    ),
    "mono_sigmoid_of_ramp_strict": false(
        lambda: mono_pair(lambda x: sig(ramp(x)), "increasing", True, reals(), mpf(-2), mpf(-1))
    ),
    "mono_constant_increasing": true(lambda: monotone_on(sig_sum, "increasing", False, reals())),
    "mono_constant_decreasing": true(lambda: monotone_on(sig_sum, "decreasing", False, reals())),
    "mono_constant_strict": false(
        lambda: mono_pair(sig_sum, "increasing", True, reals(), mpf(0), mpf(1))
    ),
    "mono_param_end_increasing": true(
        lambda: for_k(
            lambda k: monotone_on(
                lambda x: sig(k * x), "increasing", True, iv("[)", k), far=min(60, 40 / k)
            )
        )
    ),
    "mono_param_end_decreasing": false(
        lambda: mono_pair(
            lambda x: sig(x), "decreasing", False, iv("[)", 1), mpf(1), mpf(2)
        )  # k = 1
    ),
    # ---- ties at the ends
    "tie_sigmoid_lt_closed": false(
        lambda: fails_at(sig, "<", const(q(5, 8)), iv("[]", 0, log53()), log53())
    ),
    "tie_sigmoid_lt_open": true(lambda: holds(sig, "<", const(q(5, 8)), iv("[)", 0, log53()))),
    "tie_sigmoid_le_closed": true(lambda: holds(sig, "<=", const(q(5, 8)), iv("[]", 0, log53()))),
    "tie_sigmoid_le_past_end": false(
        lambda: fails_at(
            sig,
            "<=",
            const(q(5, 8)),
            iv("[]", 0, log53() + mpf(10) ** -40),
            log53() + mpf(10) ** -40,
        ),
        dps=80,  # σ − 5/8 ≈ 2.3e-41 there
    ),
    "tie_sigmoid_lt_decimal_above": false(
        lambda: fails_at(
            sig, "<", const(q(5, 8)), iv("[]", 0, "0.5108256237659907"), mpf("0.5108256237659907")
        )
    ),
    "tie_sigmoid_lt_decimal_below": true(
        lambda: holds(sig, "<", const(q(5, 8)), iv("[]", 0, "0.5108256237659906"))
    ),
    "tie_deriv_ge_closed": true(
        lambda: holds(d1, ">=", const(q(15, 64)), iv("[]", -log53(), log53()))
    ),
    "tie_deriv_gt_closed": false(
        lambda: fails_at(d1, ">", const(q(15, 64)), iv("[]", -log53(), log53()), log53())
    ),
    "tie_param_end_ge": true(
        lambda: for_k(lambda k: holds(sig, ">=", const(sig(k)), iv("[)", k), [k]))
    ),
    "tie_param_end_gt": false(
        lambda: fails_at(sig, ">", const(sig(mpf(1))), iv("[)", 1), mpf(1))
    ),  # k = 1
    "tie_param_deriv_le_quarter": false(
        lambda: fails_at(
            lambda x: 2 * d1(2 * x), "<=", const(q(1, 4)), reals(), mpf(0)
        )  # k = 2: 1/2
    ),
    "tie_param_sigmoid_kx_above_half": true(
        lambda: for_k(
            lambda k: holds(
                lambda x: sig(k * x), ">", const(q(1, 2)), iv("()", 0), far=min(60, 40 / k)
            )
        )
    ),
    # ---- second batch
    "pert_sigmoid_shift_1e1000": false(
        lambda: fails_at(sig, "=", lambda x: sig(x + mpf(10) ** -1000), reals(), mpf(0)),
        dps=1100,  # the sides differ by 2.5e-1001 at 0
    ),
    "pert_sigmoid_below_shift_1e1000": true(
        lambda: holds(sig, "<", lambda x: sig(x + mpf(10) ** -1000), reals()), dps=1100
    ),
    "pert_tanh_scale_decimal": false(
        lambda: fails_at(
            tanh, "=", lambda x: 2 * sig(mpf("2.0000000000000001") * x) - 1, reals(), mpf(1)
        )
    ),
    "pert_deriv_below_tiny_parabola": false(
        lambda: fails_at(
            d1, "<=", lambda x: q(1, 4) - mpf(10) ** -40 * x**2, reals(), mpf(10) ** 21
        )
    ),
    "pert_deriv_below_tiny_parabola_window": true(
        lambda: holds(
            d1, "<=", lambda x: q(1, 4) - mpf(10) ** -40 * x**2, iv("[]", "-1e10", "1e10")
        )
    ),
    "pert_value_exact_digits": true(lambda: rounds_to(sig, log53(), 3, "0.625", True)),
    "pert_sinh_from_sigmoids": true(
        lambda: holds(lambda x: (sig(x) - sig(-x)) / (2 * sig(x) * sig(-x)), "=", sinh, reals())
    ),
    "pert_sinh_from_sigmoids_scaled": false(
        lambda: fails_at(
            lambda x: (sig(x) - sig(-x)) / (2 * sig(x) * sig(-x)),
            "=",
            lambda x: sinh(x) * (1 + mpf(2) ** -200),
            reals(),
            mpf(1),
        ),
        dps=100,  # relative difference 6e-61
    ),
    "pole_exp_log_right": true(lambda: holds(lambda x: exp(log(x)), "=", lambda x: x, iv("()", 0))),
    "pole_exp_log_reals": false(lambda: undefined_at(reals(), mpf(-1), negative=lambda x: x)),
    "pole_sigmoid_logit_open": true(
        lambda: holds(lambda x: sig(log(x / (1 - x))), "=", lambda x: x, iv("()", 0, 1))
    ),
    "pole_sigmoid_logit_half_open": false(
        lambda: undefined_at(iv("[)", 0, 1), mpf(0), vanishing=lambda x: x / (1 - x))  # log(0)
    ),
    "abs_sqrt_square_is_x": false(
        lambda: fails_at(lambda x: sqrt(x**2), "=", lambda x: x, reals(), mpf(-1))
    ),
    "abs_sqrt_square_is_abs": true(lambda: holds(lambda x: sqrt(x**2), "=", abs, reals())),
    "series_softplus_below_one_term": true(
        lambda: holds(lambda x: log(1 + exp(x)), "<", lambda x: x + exp(-x), reals(), far=25)
    ),
    "series_softplus_above_two_terms": true(
        lambda: holds(
            lambda x: log(1 + exp(x)), ">", lambda x: x + exp(-x) - exp(-2 * x) / 2, reals(), far=25
        )
    ),
    "series_softplus_above_three_terms": false(
        lambda: fails_at(
            lambda x: log(1 + exp(x)),
            ">=",
            lambda x: x + exp(-x) - exp(-2 * x) / 2 + exp(-3 * x) / 3,
            reals(),
            mpf(0),  # log 2 ≈ 0.693 < 5/6
        )
    ),
    "series_exp_tangent": true(lambda: holds(exp, ">=", lambda x: 1 + x, reals())),
    "series_exp_tangent_strict": false(
        lambda: fails_at(exp, ">", lambda x: 1 + x, reals(), mpf(0))
    ),
    "series_exp_tangent_strict_narrow": true(
        lambda: holds(exp, ">", lambda x: 1 + x, iv("[)", "1e-300")), dps=700
    ),
    "series_log_tangent": true(lambda: holds(log, "<=", lambda x: x - 1, iv("()", 0), [1])),
    "series_log_tangent_strict": false(
        lambda: fails_at(log, "<", lambda x: x - 1, iv("()", 0), mpf(1))
    ),
    "sym_x_abs_x_odd": true(lambda: mirror_holds(lambda x: x * abs(x), 0, 0)),
    "sym_deriv4_even": false(lambda: mirror_fails(d4, 0, None, mpf(1))),
    "sym_sigmoid_difference_odd": true(lambda: mirror_holds(lambda x: sig(x) - sig(-x), 0, 0)),
    "sym_shifted_center_exact": true(
        lambda: mirror_holds(lambda x: sig(x - mpf("1e-30")), "1e-30", q(1, 2))
    ),
    "sym_shifted_center_origin": false(
        lambda: mirror_fails(
            lambda x: sig(x - mpf("1e-30")), 0, q(1, 2), mpf(0)
        )  # 2σ(−1e-30) = 1 − 5e-31
    ),
    "tie_param_scale_dominates": false(
        lambda: fails_at(lambda x: sig(x / 2), ">=", sig, iv("[)", 0), mpf(1))  # k = 1/2
    ),
    "narrow_deriv2_nonzero_left": true(
        lambda: holds(d2, "!=", ZERO, iv("[]", -1, "-1e-300")),
        dps=350,  # σ″(−1e-300) ≈ 1.25e-301
    ),
    "narrow_deriv2_nonzero_to_zero": false(
        lambda: fails_at(d2, "!=", ZERO, iv("[]", -1, 0), mpf(0))
    ),
    "narrow_abs_positive_left": true(
        lambda: holds(abs, ">", ZERO, iv("[]", -1, -(mpf(10) ** -1000)))
    ),
    "narrow_x_abs_x_negative": false(
        lambda: fails_at(
            lambda x: x * abs(x), "<", ZERO, iv("[]", -1, mpf(10) ** -1000), mpf(10) ** -1000
        )
    ),
    "zeros_sigmoid_vs_double": true(
        lambda: zeros_are(lambda x: sig(x) - sig(2 * x), [mpf(0)], reals())
    ),
    "zeros_abs_narrow_pair": true(
        lambda: zeros_are(lambda x: abs(x) - mpf("1e-30"), [-mpf("1e-30"), mpf("1e-30")], reals())
    ),
    "zeros_abs_narrow_missing": false(
        lambda: zero_unlisted_sign_change(
            lambda x: abs(x) - mpf("1e-30"), mpf(-1), mpf("-1e-31"), [mpf("1e-30")], reals()
        )
    ),
    "zeros_abs_deriv2": true(lambda: zeros_are(lambda x: abs(d2(x)), [mpf(0)], reals(), crit())),
    "range_sigmoid_abs": true(
        lambda: range_is(lambda x: sig(abs(x)), iv("[)", q(1, 2), 1), reals(), {"lo": mpf(0)})
    ),
    "range_sigmoid_abs_open": false(
        lambda: range_value_outside(lambda x: sig(abs(x)), iv("()", q(1, 2), 1), reals(), mpf(0))
    ),
    "range_sigmoid_squared": true(lambda: range_is(lambda x: sig(x) ** 2, iv("()", 0, 1), reals())),
    "range_abs_deriv2": true(
        lambda: range_is(
            lambda x: abs(d2(x)),
            iv("[]", 0, sqrt(3) / 18),
            reals(),
            {"lo": mpf(0), "hi": acosh(2)},
            crit(),
        )
    ),
    "range_abs_deriv2_open_top": false(
        lambda: range_value_outside(
            lambda x: abs(d2(x)), iv("[)", 0, sqrt(3) / 18), reals(), acosh(2)
        )
    ),
    "ext_square_at_decimal_sqrt2": false(
        lambda: ext_value_mismatch(
            lambda x: (x - sqrt(2)) ** 2, mpf("1.4142135623730951"), mpf(0), reals()
        )
    ),
    "ext_square_irrational_coefficients": true(
        lambda: extremum_is(
            lambda x: x**2 - 2 * sqrt(2) * x + 2, "min", sqrt(2), mpf(0), reals(), [sqrt(2)]
        )
    ),
    "lim_softplus_minus_x": true(lambda: limit_is(lambda x: log(1 + exp(x)) - x, "oo", 0)),
    "lim_deriv_ratio": true(lambda: limit_is(lambda x: d1(x) / d2(x), "oo", -1)),
    "lim_deriv_ratio_wrong_sign": false(
        lambda: limit_elsewhere(lambda x: d1(x) / d2(x), [mpf(40), mpf(50), mpf(60)], mpf(1))
    ),
    "mono_sigmoid_minus_tangent": true(
        lambda: monotone_on(lambda x: sig(x) - x / 4, "decreasing", True, reals())
    ),
    "mono_sigmoid_minus_tangent_up": false(
        lambda: mono_slope(
            lambda x: d1(x) - q(1, 4) + mpf(10) ** -40, "decreasing", reals(), mpf(0)
        ),
        dps=80,  # the slope at 0 is exactly 1e-40
    ),
    "mono_sigmoid_minus_tangent_down": true(
        lambda: monotone_on(
            lambda x: sig(x) - x / 4 - mpf(10) ** -40 * x, "decreasing", True, reals()
        )
    ),
    "smooth_abs_times_square": false(lambda: kink(lambda x: abs(x) * x**2, mpf(0), 3, reals())),
    "smooth_abs_fourth": true(lambda: smooth_defined(lambda x: abs(x) ** 4, reals())),
    "smooth_sqrt_perfect_square": false(
        lambda: kink(lambda x: sqrt(x**2 + 2 * x + 1), mpf(-1), 1, reals())
    ),
    "smooth_sqrt_square_exp": false(
        lambda: kink(lambda x: sqrt(exp(2 * x) - 2 * exp(x) + 1), mpf(0), 1, reals()),
        dps=80,  # e^(2h) − 2e^h + 1 = h² + … cancels 20 digits at h = 1e-10
    ),
    "smooth_abs_exp_minus_one": false(
        lambda: kink(lambda x: abs(exp(x) - 1) + exp(x), mpf(0), 1, reals())
    ),
    "smooth_abs_half_gap_squared": true(
        lambda: smooth_defined(lambda x: abs(sig(x) - q(1, 2)) ** 2, reals())
    ),
}

# ------------------------------------------------------------------ tests: the suite itself


@pytest.fixture(scope="module")
def claims() -> list:
    return load_claims(SOUNDNESS).claims


def test_every_claim_has_an_independent_check(claims: list) -> None:
    ids = [c.id for c in claims]
    assert sorted(set(ids) - set(CHECKS)) == [], "claims without an independent check"
    assert sorted(set(CHECKS) - set(ids)) == [], "checks of claims that are not in the file"


def test_each_check_establishes_the_stated_truth(claims: list) -> None:
    mismatched = [c.id for c in claims if CHECKS[c.id].true != (c.expect == "proved")]
    assert mismatched == []


def test_suite_shape(claims: list) -> None:
    regressions = [c for c in claims if c.id.startswith("reg_")]
    traps = [c for c in claims if not c.id.startswith("reg_")]
    assert len(regressions) >= 23 and len(traps) >= 45
    false_share = sum(c.expect == "refuted" for c in traps) / len(traps)
    assert 0.4 <= false_share <= 0.6  # roughly balanced


@pytest.mark.parametrize("claim_id", sorted(CHECKS))
def test_independent_truth(claim_id: str) -> None:
    check = CHECKS[claim_id]
    for dps in (check.dps, check.dps + EXTRA_DPS):
        with mp.workdps(dps):
            check.run()


def test_derivative_oracles_match_numeric_differentiation() -> None:
    """The closed forms d1..d5 used above are σ′..σ⁽⁵⁾ (checked by mpmath's diff of σ)."""
    with mp.workdps(BASE_DPS):
        for n, dn in enumerate((d1, d2, d3, d4, d5), 1):
            for x in ("-7", "-1.3", "-0.2", "0", "0.4", "2.5", "9"):
                assert abs(diff(sig, mpf(x), n) - dn(mpf(x))) < mpf("1e-30"), (n, x)


# ------------------------------------------------------------------ tests: the prover


@pytest.fixture(scope="module")
def results(claims: list) -> dict[str, verify.Result]:
    return {c.id: verify.run_claim(c, timeout=60) for c in claims}


def describe(r: verify.Result) -> str:
    v = r.verdict
    why = v.reason or (v.certificate[-1] if v.certificate else "")
    return f"{r.claim.id}: {v.verdict} (true: {r.claim.expect}) — {why}"


def test_no_verdict_is_wrong(results: dict[str, verify.Result]) -> None:
    wrong = [
        describe(r)
        for r in results.values()
        if r.verdict.verdict in ("proved", "refuted") and r.verdict.verdict != r.claim.expect
    ]
    assert wrong == [], f"{len(wrong)} unsound verdicts:\n" + "\n".join(wrong)


def test_at_least_85_percent_decided_rightly(results: dict[str, verify.Result]) -> None:
    right = sum(r.verdict.verdict == r.claim.expect for r in results.values())
    undecided = [describe(r) for r in results.values() if r.verdict.verdict != r.claim.expect]
    assert right >= 0.85 * len(results), (
        f"{right}/{len(results)} decided rightly; the others:\n" + "\n".join(undecided)
    )


def test_every_unknown_has_a_reason(results: dict[str, verify.Result]) -> None:
    silent = [
        r.claim.id
        for r in results.values()
        if r.verdict.verdict == "unknown" and not (r.verdict.reason or "").strip()
    ]
    assert silent == []


def test_every_refutation_has_a_counterexample(results: dict[str, verify.Result]) -> None:
    bare = [
        r.claim.id
        for r in results.values()
        if r.verdict.verdict == "refuted" and not r.verdict.counterexample
    ]
    assert bare == []


def verdicts_of(results: dict[str, verify.Result], prefix: str) -> dict[str, str]:
    found = {i: r.verdict.verdict for i, r in results.items() if i.startswith(prefix)}
    assert found, prefix
    return found


def test_reg_01_02_perturbed_identities_are_refuted(results: dict[str, verify.Result]) -> None:
    assert verdicts_of(results, "reg_01_") == {"reg_01_identity_scale_perturbed": "refuted"}
    assert verdicts_of(results, "reg_02_") == {"reg_02_identity_exp_perturbed": "refuted"}


def test_reg_03_04_domain_ends_past_a_maximum_are_refuted(
    results: dict[str, verify.Result],
) -> None:
    assert verdicts_of(results, "reg_03_") == {"reg_03_monotone_deriv_narrow_end": "refuted"}
    assert verdicts_of(results, "reg_04_") == {"reg_04_inequality_deriv2_narrow_end": "refuted"}


def test_reg_05_constant_range_is_proved(results: dict[str, verify.Result]) -> None:
    assert verdicts_of(results, "reg_05_") == {"reg_05_range_constant": "proved"}


def test_reg_06_ranges_with_a_pole_at_an_open_end_are_proved(
    results: dict[str, verify.Result],
) -> None:
    found = verdicts_of(results, "reg_06_")
    assert len(found) == 3 and set(found.values()) == {"proved"}, found


def test_reg_07_08_09_zeros_of_higher_derivatives_are_proved(
    results: dict[str, verify.Result],
) -> None:
    found = {
        **verdicts_of(results, "reg_07_"),
        **verdicts_of(results, "reg_08_"),
        **verdicts_of(results, "reg_09_"),
    }
    assert len(found) == 4 and set(found.values()) == {"proved"}, found


def test_reg_10_smooth_compositions_with_abs_are_proved(results: dict[str, verify.Result]) -> None:
    found = verdicts_of(results, "reg_10_")
    assert len(found) == 4 and set(found.values()) == {"proved"}, found


def test_reg_11_undefined_points_refute(results: dict[str, verify.Result]) -> None:
    assert verdicts_of(results, "reg_11_") == {
        "reg_11_identity_removable_reals": "refuted",
        "reg_11_identity_removable_right": "proved",
    }


def test_reg_branches_no_test_reached(results: dict[str, verify.Result]) -> None:
    assert verdicts_of(results, "reg_branch_") == {
        "reg_branch_neg_square_ratio_reals": "refuted",
        "reg_branch_neg_square_ratio_right": "proved",
        "reg_branch_ramp_monotone": "proved",
        "reg_branch_ramp_monotone_strict": "refuted",
        "reg_branch_log_shift": "refuted",
    }


def test_ranges_refuted_by_a_value_beyond_a_perturbed_end(
    results: dict[str, verify.Result],
) -> None:
    """An image end differs from the claimed one by 2^-200 or 10^-45: still refuted,
    with a point whose value is certainly outside (a mutation run found this unpinned)."""
    for claim_id in ("range_constant_perturbed", "range_deriv_low_end_perturbed"):
        assert results[claim_id].verdict.verdict == "refuted", claim_id
