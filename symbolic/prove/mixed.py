"""Relations beyond the exponential's algebra: x outside the exponentials, erf, several
exponents. `lhs op rhs` on a domain is decided by a cover of the domain:

- the tails x ≥ R and x ≤ −R by `symbolic.prove.tails` (a dominant term and a
  bounded remainder, each inequality stated in the certificate); |g| on a tail is ±g
  once the tail sign of g is proved;
- the compact core by interval branch-and-bound in Arb (`symbolic.prove.branch`);
- a point c where lhs = rhs exactly (an end of the domain, or an interior point where a
  bound is attained: the search stops on a tiny piece around it, and the simplest
  rational in that piece or a point the claim names is tried as c, exactly) by the
  first derivative of d = lhs − rhs that is not 0 there: if d(c) = … = d^(k−1)(c) = 0
  and d^(k) has a strict sign on [c, c + ε], then d has it on (c, c + ε] (k repeated
  integrations from c); on the left of c the sign alternates with k. Such a c inside
  the domain refutes a strict relation (an exact tie).

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
from symbolic.language.printing import to_language
from symbolic.numbers.enclosure import constant_bounds
from symbolic.numbers.exact import fraction, order, rational, simplest_between
from symbolic.numbers.exact import sign as exact_sign
from symbolic.numbers.intervals import Interval
from symbolic.prove import progress
from symbolic.prove.branch import Cover, Stuck, WrongSign, certify_sign
from symbolic.prove.tails import Tail, tail_sign
from symbolic.prove.verdict import Entry

SIGNS = {">": (1, True), ">=": (1, False), "<": (-1, True), "<=": (-1, False)}
MAX_END_ORDER = 8  # derivatives tried at a point where d vanishes
END_WIDTH = Fraction(1, 8)  # the piece beside such a point decided by the derivative
DEFAULT_CORE = Fraction(16)  # |x| ≤ this is the core when the domain has no finite end
MAX_SPLITS = 4  # interior touching points per claim
NARROW = Fraction(1, 2**40)  # a stuck piece this narrow may hold a touching point


@dataclass(frozen=True)
class Decision:
    """The outcome of a cover: proved (entries), a point to re-verify, or why not."""

    proved: tuple[Entry, ...] | None = None
    failing: Expr | None = None
    why: str | None = None
    tie: bool = False  # lhs = rhs exactly at `failing` (a strict relation fails there)


@dataclass(frozen=True)
class Goal:
    """What is being covered: sign·d > 0 (or ≥ 0), with points worth trying as c."""

    d: Expr
    sign: int
    strict: bool
    hints: tuple[Expr, ...]


def decide(d: Expr, op: str, domain: Interval, hints: tuple[Expr, ...] = ()) -> Decision:
    """Decide d op 0 on the domain (d = lhs − rhs, named functions kept for tight
    enclosures). Only <, ≤, >, ≥ and ≠."""
    if op == "!=":
        for strict_op in (">", "<"):
            found = decide(d, strict_op, domain, hints)
            if found.proved is not None:
                return found
        return Decision(why="d ≠ 0 needs one strict sign on the whole domain")
    if op not in SIGNS:
        return Decision(why="a cover proves inequalities only")
    sign, strict = SIGNS[op]
    try:
        return _decide(Goal(d, sign, strict, hints), domain)
    except (SymbolicError, ValueError, TypeError, ZeroDivisionError) as error:
        return Decision(why=f"the cover could not be built: {error}")


def _decide(goal: Goal, domain: Interval) -> Decision:
    entries: list[Entry] = []
    low, high = domain.low, domain.high
    low_open, high_open = domain.low_open, domain.high_open
    for side in (-1, 1):
        if (low if side < 0 else high).is_finite:
            continue
        tail = _tail(goal, side)
        if isinstance(tail, Decision):
            return tail
        data = {"tail": dict(tail.data), "expr": to_language(goal.d), "what": "d"}
        entries.append(progress.report(Entry("step", " ".join(tail.certificate), data)))
        if side < 0:
            low, low_open = rational(tail.start), False
        else:
            high, high_open = rational(tail.start), False
    if order(low, high) != -1:
        return Decision(proved=tuple(entries))  # the tails meet: nothing is left between
    pieces = _cover(goal, low, high, low_open, high_open, MAX_SPLITS)
    if isinstance(pieces, Decision):
        return pieces
    return Decision(proved=(*entries, *pieces))


# ---------------------------------------------------------------- tails


def _tail(goal: Goal, side: int) -> Tail | Decision:
    """The tail where d has a proved strict sign, with |g| resolved by g's tail sign."""
    d, start = _tanh_of_log(explicit(goal.d)), Fraction(side)
    for node in sorted(d.atoms(sympy.Abs), key=sympy.count_ops):
        inner = tail_sign(node.args[0], side, start)
        if inner is None:
            return Decision(why="the sign of an absolute value's argument on a tail is open")
        d, start = d.xreplace({node: inner.sign * node.args[0]}), inner.start
    tail = tail_sign(d, side, start)  # the smallest R that works
    if tail is None:
        where = "x → ∞" if side > 0 else "x → −∞"
        return Decision(why=f"the sign of lhs − rhs as {where} is not decided by tail bounds")
    if tail.sign != goal.sign:
        return Decision(failing=rational(tail.start * 2), why="the tail has the wrong sign")
    return tail


def _tanh_of_log(expr: Expr) -> Expr:
    """tanh(log h) = (h² − 1)/(h² + 1), exactly: Mish's tanh(softplus) becomes rational
    in e^x, and the tails keep every order of it."""

    def rational_form(node: Expr) -> Expr:
        h = node.args[0].args[0]
        return (h**2 - 1) / (h**2 + 1)

    return expr.replace(
        lambda n: isinstance(n, sympy.tanh) and isinstance(n.args[0], sympy.log), rational_form
    )


# ---------------------------------------------------------------- the core


def _cover(
    goal: Goal, low: Expr, high: Expr, low_open: bool, high_open: bool, splits: int
) -> list[Entry] | Decision:
    """Cover [low, high] (exact ends): ends where d vanishes by derivatives, the rest by
    branch-and-bound; a stuck tiny piece around an exact zero c of d splits at c."""
    entries: list[Entry] = []
    inner_low, inner_high = _bound(low, below=True), _bound(high, below=False)
    for side, end, is_open in ((-1, low, low_open), (1, high, high_open)):
        near = _touching(goal, end, side, is_open, inner_low, inner_high)
        if near is None:
            continue
        if isinstance(near, Decision):
            return near
        found, beside = near
        entries += found
        inner_low, inner_high = (beside, inner_high) if side < 0 else (inner_low, beside)
    if inner_low >= inner_high:
        return entries
    known = _known_touching(goal, low, high) if splits > 0 else None
    if known is not None:  # a point the claim names (or 0) where lhs = rhs: split there
        return _split_at(goal, known, (low, high, low_open, high_open), splits, entries)
    outcome = certify_sign(goal.d, inner_low, inner_high, goal.sign, goal.strict)
    if isinstance(outcome, Cover):
        return [*entries, _cover_entry(outcome, expr=goal.d)]
    if isinstance(outcome, WrongSign):
        return Decision(failing=rational(outcome.x), why="d has the wrong sign at a point")
    split = _touching_point(goal, outcome, low, high) if splits > 0 else None
    if split is None:
        return Decision(
            why=f"branch-and-bound undecided on [{_short(outcome.low)}, {_short(outcome.high)}]: "
            f"{outcome.why}"
        )
    return _split_at(goal, split, (low, high, low_open, high_open), splits, entries)


def _split_at(
    goal: Goal, point: Expr, piece: tuple, splits: int, entries: list[Entry]
) -> list[Entry] | Decision:
    low, high, low_open, high_open = piece
    left = _cover(goal, low, point, low_open, False, splits - 1)
    if isinstance(left, Decision):
        return left
    right = _cover(goal, point, high, False, high_open, splits - 1)
    if isinstance(right, Decision):
        return right
    return [*entries, *left, *right]


def _known_touching(goal: Goal, low: Expr, high: Expr) -> Expr | None:
    """0 or a point the claim names, strictly inside, where d = 0 exactly."""
    d = explicit(goal.d)
    for c in (sympy.S.Zero, *goal.hints):
        if order(c, low) == 1 and order(c, high) == -1 and _exactly_zero(d.xreplace({X: c})):
            return c
    return None


def _touching_point(goal: Goal, stuck: Stuck, low: Expr, high: Expr) -> Expr | None:
    """An exact point c in the stuck piece where d(c) = 0: the simplest rational there,
    or a point the claim names."""
    if stuck.high - stuck.low > NARROW * (1 + abs(stuck.low)):
        return None
    candidates = [rational(simplest_between(stuck.low - NARROW, stuck.high + NARROW))]
    for hint in goal.hints:
        lower, upper = constant_bounds(hint, 128) if not hint.is_Rational else (fraction(hint),) * 2
        if stuck.low - NARROW <= lower and upper <= stuck.high + NARROW:
            candidates.append(hint)
    d = explicit(goal.d)
    for c in candidates:
        inside = order(c, low) == 1 and order(c, high) == -1
        if inside and _exactly_zero(d.xreplace({X: c})):
            return c
    return None


def _touching(
    goal: Goal, end: Expr, side: int, is_open: bool, inner_low: Fraction, inner_high: Fraction
) -> tuple[list[Entry], Fraction] | Decision | None:
    """At an end c where d(c) = 0: the entries proving the sign beside it and the
    rational where the rest of the cover starts; None when d(c) ≠ 0."""
    d = explicit(goal.d)
    if not end.is_finite or not _exactly_zero(d.xreplace({X: end})):
        return None
    if goal.strict and not is_open:
        return Decision(failing=end, why=f"lhs = rhs exactly at x = {end}", tie=True)
    width = min(END_WIDTH, (inner_high - inner_low) / 2)
    if side < 0:
        beside, rest = (_bound(end, below=True), inner_low + width), inner_low + width
    else:
        beside, rest = (inner_high - width, _bound(end, below=False)), inner_high - width
    resolved = _without_abs(d, end, side, beside)
    if isinstance(resolved, Decision):
        return resolved
    local, entries = resolved
    order = _vanishing_order(local, end)
    if isinstance(order, Decision):
        return order
    k = order
    derivative = sympy.diff(goal.d if local is d else local, (X, k))
    wanted = goal.sign * (1 if side < 0 or k % 2 == 0 else -1)
    cover = certify_sign(derivative, *beside, wanted, True)
    if not isinstance(cover, Cover):
        return Decision(why=f"the sign of d^({k}) beside x = {end}, where lhs = rhs, is open")
    text = (
        f"at x = {end}, lhs − rhs and its derivatives below order {k} vanish exactly; "
        f"d^({k}) {'>' if wanted > 0 else '<'} 0 beside it gives d the wanted sign there "
        f"({k} integrations from x = {end})"
    )
    about = {"order": k, "point": to_language(end), "side": side}
    if local is not d:
        about["local"] = to_language(local)  # d with |g| written ±g beside the point
    entry = _cover_entry(cover, f"d^({k})", derivative, about)
    return [*entries, Entry("step", text), entry], rest


def _without_abs(
    d: Expr, end: Expr, side: int, beside: tuple[Fraction, Fraction]
) -> tuple[Expr, list[Entry]] | Decision:
    """d with every |g| whose g vanishes at the end written ±g on the piece beside it:
    the sign of g there is that of its first non-vanishing derivative at the end (with
    (−1)^k on the left), shown on the whole piece by a cover of that derivative."""
    entries: list[Entry] = []
    for node in sorted(d.atoms(sympy.Abs), key=sympy.count_ops):
        g = node.args[0]
        if not _exactly_zero(g.xreplace({X: end})):
            continue
        order = _vanishing_order(g, end)
        if isinstance(order, Decision):
            return order
        at_end = exact_sign(sympy.diff(g, (X, order)).xreplace({X: end}))
        cover = certify_sign(sympy.diff(g, (X, order)), *beside, at_end, True)
        if not isinstance(cover, Cover):
            return Decision(why=f"the sign of |g|'s argument beside x = {end} is open")
        s = at_end * (1 if side < 0 or order % 2 == 0 else -1)
        entries += [
            Entry(
                "step",
                f"beside x = {end}, |{g}| = {'+' if s > 0 else '−'}({g}): g^({order}) "
                f"keeps its sign there",
            ),
            _cover_entry(
                cover,
                f"g^({order})",
                sympy.diff(g, (X, order)),
                {"g": to_language(g), "order": order, "point": to_language(end), "side": side},
            ),
        ]
        d = d.xreplace({node: s * g})
    return d, entries


def _vanishing_order(d: Expr, end: Expr) -> int | Decision:
    """k with d^(j)(end) = 0 exactly for j < k and d^(k)(end) ≠ 0, for d (explicit, with
    d(end) = 0) analytic at the end; a Decision when that cannot be shown."""
    if not _analytic_at(d, end):
        return Decision(why=f"lhs − rhs is not shown analytic at x = {end}")
    current = d
    for k in range(1, MAX_END_ORDER + 1):
        current = sympy.diff(current, X)
        if not _exactly_zero(current.xreplace({X: end})):
            return k
    return Decision(why=f"lhs − rhs vanishes to order > {MAX_END_ORDER} at x = {end}")


def _analytic_at(expr: Expr, point: Expr) -> bool:
    """No |g| or sign(g) with g(point) = 0 and no non-integer power of a base that is 0
    there: every part is analytic at the point (x^(1/3) is defined at 0, not analytic)."""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Abs | sympy.sign):
            base = node.args[0]
        elif node.is_Pow and not node.exp.is_Integer:
            base = node.base
        elif isinstance(node, sympy.Piecewise | sympy.Min | sympy.Max | sympy.Heaviside):
            return False
        else:
            continue
        if exact_sign(base.xreplace({X: point})) not in (-1, 1):
            return False
    return True


def _bound(end: Expr, below: bool) -> Fraction:
    """A rational bound of an exact end: the end itself when rational, else a bound on
    the side asked (below: a lower bound). Covers use the outer bounds: covering a
    little more than the domain is sound, a little less is not."""
    if end.is_Rational:
        return fraction(end)
    lower, upper = constant_bounds(end, 128)
    return lower if below else upper


def _exactly_zero(value: Expr) -> bool:
    """0 by algebra; a ball that excludes 0 answers first (algebra can be slow)."""
    try:
        return value.is_finite is not False and exact_sign(value) == 0
    except (SymbolicError, ValueError, TypeError, ZeroDivisionError):
        return False


def _cover_entry(
    cover: Cover, name: str = "d", expr: Expr | None = None, about: dict | None = None
) -> Entry:
    """The entry of a cover; its data also says what was covered (`what`: d, d^(k) or
    g^(k)), as language text, so that `symbolic check` can re-verify it."""
    data: dict[str, object] = {"cover": cover.data(), "what": name}
    if expr is not None:
        data["expr"] = to_language(expr)
    return progress.report(Entry("step", " ".join(cover.lines(name)), {**data, **(about or {})}))


def _short(value: Fraction) -> str:
    return str(sympy.Float(rational(value), 12)) if value.denominator > 10**6 else str(value)
