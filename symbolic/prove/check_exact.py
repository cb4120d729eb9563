"""`symbolic check` for exact proofs: the e^x substitution and its exact sign chart.

The prover writes d (lhs − rhs, f′ for monotone, …) as P(u)/Q(u) with u = e^(κx) (or
u = x) and reads the sign of P/Q between the real roots of P on the image of the
domain (`prove.signs`, `prove.relations`). Its certificate keeps κ, P, Q, the roots
with isolating intervals and a rational sample with its sign on every piece; this
module re-verifies that data with exact arithmetic only, importing none of the
prover's logic:

- the link: the claim's own d (from its fields, re-parsed; definitions written out
  by `explicit`) with e^(a·x + c) replaced by e^c·u^(a/κ) is N/D (SymPy's `together`),
  and P·D − Q·N expands to the zero polynomial: d = P/Q wherever d is defined;
- the roots: the distinct real roots of P (and of Q) in the u-interval are counted by
  Sturm sequences over Q (python-flint's fmpq_poly), the interval's ends bracketed by
  rational bounds from Arb balls (or exact when rational, or shown to be a root by
  algebra); each listed isolating interval holds exactly one root, inside, and the
  list holds them all; Q has none;
- the signs: each piece's rational sample lies between its neighbouring roots, and
  P·Q there has the claimed sign (exact rationals), a sign the relation allows; a root
  of P inside is allowed only when the relation is not strict; an identity needs P = 0.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import flint
import sympy
from sympy import Expr

from symbolic.arith.arb import exact_bounds
from symbolic.derive.checking import explicit
from symbolic.language.parser import X, parse, parse_constant
from symbolic.numbers.enclosure import constant_ball
from symbolic.numbers.intervals import Interval, parse_interval
from symbolic.prove import check as base  # a cycle: used at call time only

U = sympy.Symbol("u", positive=True)  # u = e^(κx) > 0
UX = sympy.Symbol("u_x", real=True)  # u = x
ALLOWED = {"<": {-1}, "<=": {-1, 0}, ">": {1}, ">=": {0, 1}, "!=": {-1, 1}, "=": {0}}
HYPERBOLIC = (sympy.tanh, sympy.cosh, sympy.sinh, sympy.sech, sympy.csch, sympy.coth)
END_BITS = (64, 256, 1024)
MAX_STEPS = 4000  # bisections of an isolating interval against an end's bracket
MAX_DEGREE = 400
# Methods whose proof is one chart (or cancellation) of d itself, always with its data.
CHART_METHODS = ("e^x substitution, exact sign chart", "e^x substitution, cancellation")


def check_exact(claim: dict[str, Any]) -> base.Report | None:
    """The report of a proved claim whose certificate carries exact forms; None when
    it carries none (the claim is then `check.py`'s)."""
    forms = [
        e.get("data")
        for e in claim.get("certificate_data", [])
        if isinstance(e.get("data"), dict) and "exp_form" in e["data"]
    ]
    text = " ".join(str(e.get("statement", "")) for e in claim.get("certificate_data", []))
    if claim.get("verdict") != "proved" or base.COVER_TEXT.search(text):
        return None  # a proof that names covers or tails is check.py's, data or not
    if not forms:
        if claim.get("method") in CHART_METHODS:  # these always keep their form: removed
            return base.Report(claim["id"], "FAILED", ("an exact proof with no exact form data",))
        return None
    try:
        return _check(claim, forms)
    except base.CheckFailedError as failure:
        return base.Report(claim["id"], "FAILED", (str(failure),))
    except (*base.ERRORS, RecursionError) as error:
        return base.Report(claim["id"], "FAILED", (f"the data cannot be read: {error}",))


class _Wanted:
    """What the claim's own fields ask: d, the signs allowed, the domain, and the other
    expressions an exact form may legitimately be of (not linked to the claim)."""

    def __init__(self, claim: dict[str, Any]) -> None:
        fields = claim.get("fields") if isinstance(claim.get("fields"), dict) else {}
        self.kind = str(fields.get("kind", "identity"))
        self.d: Expr | None = None
        self.allowed: set[int] = set()
        self.strict_monotone = False
        self.others: list[tuple[Expr, str]] = []
        self.branch_signs: dict[str, Any] = {}
        self.equivalent: list[tuple[Expr, set[int], str]] = []
        self.domain: Interval | None = None
        self.why_not = f"a {self.kind} claim"
        try:
            self.domain = parse_interval(str(fields.get("domain", "reals")))
            self._read(fields)
        except (*base.ERRORS, sympy.SympifyError) as error:
            self.d = None
            self.why_not = f"the claim's fields cannot be read here ({error})"

    def _read(self, fields: dict[str, Any]) -> None:
        kind = self.kind
        if kind in ("identity", "inequality"):
            op = "=" if kind == "identity" else str(fields.get("op"))
            lhs, rhs = parse(str(fields["lhs"])), parse(str(fields["rhs"]))
            self.d, self.allowed = lhs - rhs, ALLOWED[op]
            self.equivalent = _increasing_inverse(explicit(lhs), explicit(rhs), op)
        elif kind == "monotone":
            self.d = sympy.diff(parse(str(fields["expr"])), X)
            increasing = base.choice(fields, "direction", ("increasing", "decreasing"))
            self.allowed = {0, 1} if increasing == "increasing" else {0, -1}
            self.strict_monotone = fields.get("strict") is True
        elif kind == "extremum" and "at" in fields and "digits" not in fields:
            self.d = parse(str(fields["expr"])) - parse_constant(str(fields["value"]))
            minimum = base.choice(fields, "type", ("min", "max")) == "min"
            self.allowed = {0, 1} if minimum else {0, -1}
        elif kind == "parity":
            f = explicit(parse(str(fields["expr"])))
            other = f if base.choice(fields, "parity", ("even", "odd")) == "even" else -f
            self.d, self.allowed = f.xreplace({X: -X}) - other, {0}
        elif kind == "symmetry":
            f = explicit(parse(str(fields["expr"])))
            if "axis" in fields:
                a = parse_constant(str(fields["axis"]))
                self.d = f.xreplace({X: a - X}) - f.xreplace({X: a + X})
            else:
                a, b = (parse_constant(str(v)) for v in fields["center"])
                self.d = f.xreplace({X: a - X}) + f.xreplace({X: a + X}) - 2 * b
            self.allowed = {0}
        target = base._target({"fields": fields})
        self.others = list(target.others)
        self.branch_signs = target.branch_signs


def _check(claim: dict[str, Any], forms: list[dict[str, Any]]) -> base.Report:
    wanted = _Wanted(claim)
    lines, linked, partial, segments = [], False, [], []
    for index, data in enumerate(forms, 1):
        where = f"exact form {index} ({data.get('what', '?')})"
        try:
            note, is_d, segment = _entry(data, wanted)
        except base.CheckFailedError as failure:
            raise base.CheckFailedError(f"{where}: {failure}") from None
        except _NotCheckableError as why:
            return base.Report(claim["id"], "no data", (f"{where}: not checkable: {why}",))
        lines.append(f"{where}: {note}")
        linked = linked or is_d
        segments += [segment] if segment is not None else []
        if not is_d and segment is None:
            partial.append(note)
    if not linked and segments and _branches_cover(wanted, segments):
        lines.append(f"the pieces where |g| = ±g cover the domain {wanted.domain}")
        linked = True
    if linked:
        return base.Report(claim["id"], "re-verified", tuple(lines))
    whole = wanted.d is not None and not wanted.d.has(sympy.Abs, sympy.sign, sympy.Piecewise)
    if whole and claim.get("method") in CHART_METHODS:
        raise base.CheckFailedError("the proof is a chart of d, but no exact form is of d")
    why = wanted.why_not if wanted.d is None else "no exact form is of the claim's d itself"
    return base.Report(claim["id"], "partly checked", (*lines, f"not linked to the claim: {why}"))


class _NotCheckableError(Exception):
    """The data is of a kind this checker does not handle (irrational coefficients)."""


def _branches_cover(wanted: _Wanted, segments: list[base.Segment]) -> bool:
    """The x-domains of the forms linked as branches of d cover the claim's domain."""
    if wanted.domain is None or wanted.d is None:
        return False
    target = base.Target(wanted.d, None, False, wanted.domain, segments=segments)
    try:
        base._covered(target)
    except base.CheckFailedError:
        return False
    return True


def _entry(data: dict[str, Any], wanted: _Wanted) -> tuple[str, bool, base.Segment | None]:
    form = data["exp_form"]
    if not isinstance(form.get("P"), list) or not isinstance(form.get("Q"), list):
        raise _NotCheckableError("the coefficients of P and Q are not rational")
    kappa_text = str(form["kappa"])
    kappa = None if kappa_text == "x" else parse_constant(kappa_text)
    domain = parse_interval(str(form["domain"]))
    if (
        (kappa is not None and kappa.free_symbols)
        or domain.low.free_symbols
        or domain.high.free_symbols
    ):
        raise _NotCheckableError("parameters in κ or in the domain")
    if kappa is not None and not (kappa.is_positive and kappa.is_finite):
        raise base.CheckFailedError(f"κ = {kappa_text} is not a positive number")
    p, q = _coefficients(form["P"]), _coefficients(form["Q"])
    if all(c == 0 for c in q):
        raise base.CheckFailedError("Q is the zero polynomial")
    label, how, relation = _link(data, wanted, kappa, p, q)
    is_d = label == "d"
    if is_d:
        _contains(domain, wanted.domain)
    shown = _chart(form, kappa, p, q, domain, relation)
    if is_d and wanted.strict_monotone:
        if all(c == 0 for c in p):
            raise base.CheckFailedError("f′ = 0: f is constant, not strictly monotone")
        shown += "; P ≠ 0, so f′ vanishes at finitely many points: strictly monotone"
    segment = None
    if label == "branch":
        segment = base.Segment(domain.low, domain.high, domain.low_open, domain.high_open)
    return f"d = P/Q {how}, as {label}; {shown}", is_d, segment


def _own_allowed(data: dict[str, Any]) -> set[int]:
    """For an exact form not linked to the claim: the signs its own pieces claim
    (checked as stated, its relation unknown here), with roots allowed."""
    pieces = data["exp_form"].get("pieces", [])
    return {0, *(int(s) for _, s in pieces)} if pieces else {0}


def _coefficients(values: list[Any]) -> list[Fraction]:
    if len(values) > MAX_DEGREE + 1:
        raise base.CheckFailedError(f"a polynomial of degree above {MAX_DEGREE}")
    return [base._number(v) for v in values]


# ---------------------------------------------------------------- the link


def _link(
    data: dict[str, Any], wanted: _Wanted, kappa: Expr | None, p: list, q: list
) -> tuple[str, str, set[int]]:
    """(what d is, how shown, the signs allowed): P/Q is the claim's d, or g − e^c for
    log(g) op c (an equivalent relation); else one of the other expressions the prover
    may decide for the claim, or the entry's own d when the claim has no d (their own
    pieces' signs allowed: not linked)."""
    how = "(P·D − Q·N = 0 exactly)"
    linked = [(wanted.d, wanted.allowed, "")] if wanted.d is not None else []
    for expr, allowed, note in linked + wanted.equivalent:
        if _is_form(expr, kappa, p, q):
            return "d", f"{how}{note}", allowed
    others = list(wanted.others)
    if wanted.d is None:
        others.append((parse(str(data["d"])), "the entry's own d (not linked)"))
    for expr, label in others:
        if _is_form(expr, kappa, p, q):
            if label in wanted.branch_signs and _branch_holds(wanted, kappa, p, q, data):
                return (
                    "branch",
                    f"{how}, a piece of d where |g| = ±g, the signs re-verified",
                    (wanted.allowed),
                )
            return label, how, _own_allowed(data)
    raise base.CheckFailedError("P/Q is not the claim's d, nor another form allowed (link failed)")


MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}


def _branch_holds(wanted: _Wanted, kappa: Expr | None, p: list, q: list, data: dict) -> bool:
    """Some branch of d that is P/Q has the signs of its g's re-verified on the form's
    x-domain (`check_branches`): there the form is one of d itself."""
    from symbolic.prove.check_branches import signs_hold

    domain = parse_interval(str(data["exp_form"]["domain"]))
    return any(
        label in wanted.branch_signs
        and _is_form(expr, kappa, p, q)
        and signs_hold(wanted.branch_signs[label], domain.low, domain.high)
        for expr, label in wanted.others
    )


def _increasing_inverse(lhs: Expr, rhs: Expr, op: str) -> list[tuple[Expr, set[int], str]]:
    """log(g) op c ⟺ g op e^c, and √g op c ⟺ g op c² when c ≥ 0 (c free of x): log and
    √ are strictly increasing where defined (definedness is the prover's)."""
    if lhs.has(X) and not rhs.has(X):
        inner, constant, relation = lhs, rhs, op
    elif rhs.has(X) and not lhs.has(X):
        inner, constant, relation = rhs, lhs, MIRRORED[op]
    else:
        return []
    if isinstance(inner, sympy.log):
        note = ", with log(g) op c written g op e^c (log is increasing)"
        return [(inner.args[0] - sympy.exp(constant), ALLOWED[relation], note)]
    if inner.is_Pow and inner.exp == sympy.Rational(1, 2) and base._order(constant, 0) in (0, 1):
        note = ", with √g op c written g op c² (c ≥ 0, √ is increasing)"
        return [(inner.base - constant**2, ALLOWED[relation], note)]
    return []


def _is_form(expr: Expr, kappa: Expr | None, p: list[Fraction], q: list[Fraction]) -> bool:
    """Whether expr = P(u)/Q(u), u = e^(κx): with u substituted, expr = N/D and
    P·D − Q·N expands to 0 (an identity of polynomials in u and the constants)."""
    try:
        substituted = _substitute(expr, kappa)
    except base.CheckFailedError:
        return False
    u = UX if kappa is None else U
    numerator, denominator = sympy.fraction(sympy.together(substituted))
    if sympy.expand(denominator) == 0:
        return False
    p_expr, q_expr = _as_expr(p, u), _as_expr(q, u)
    return sympy.expand(p_expr * denominator - q_expr * numerator) == 0


def _substitute(expr: Expr, kappa: Expr | None) -> Expr:
    """expr written out, tanh/cosh/… by exp, and e^(a·x + c) → e^c·u^(a/κ) (a/κ an
    integer), or x → u when u = x; a base.CheckFailedError when x remains."""
    f = explicit(expr)
    for hyperbolic in HYPERBOLIC:
        f = f.rewrite(hyperbolic, sympy.exp)
    if kappa is None:
        return f.xreplace({X: UX})
    replacements = {}
    for e in f.atoms(sympy.exp):
        argument = sympy.expand(e.args[0])
        slope = sympy.diff(argument, X)
        constant = sympy.expand(argument - slope * X)
        power = sympy.cancel(slope / kappa)
        if slope.has(X) or constant.has(X) or not power.is_Integer or abs(power) > MAX_DEGREE:
            raise base.CheckFailedError("an exponential that is not e^(k·κ·x + c)")
        replacements[e] = sympy.exp(constant) * U ** int(power)
    substituted = f.xreplace(replacements)
    if substituted.has(X):
        raise base.CheckFailedError("x outside the exponentials")
    return substituted


def _as_expr(coefficients: list[Fraction], u: sympy.Symbol) -> Expr:
    return sum(
        (sympy.Rational(c.numerator, c.denominator) * u**k for k, c in enumerate(coefficients)),
        sympy.S.Zero,
    )


def _contains(outer: Interval, inner: Interval | None) -> None:
    """The form's x-domain holds the claim's domain (a chart on more is a chart on it)."""
    if inner is None:
        raise base.CheckFailedError("the claim's domain cannot be read")
    low, high = base._order(outer.low, inner.low), base._order(outer.high, inner.high)
    low_ok = low == -1 or (low == 0 and (inner.low_open or not outer.low_open))
    high_ok = high == 1 or (high == 0 and (inner.high_open or not outer.high_open))
    if not (low_ok and high_ok):
        raise base.CheckFailedError(f"the chart's domain {outer} does not hold the claim's {inner}")


# ---------------------------------------------------------------- the sign chart


class _Poly:
    """A polynomial over Q (fmpq_poly), its square-free part and Sturm sequence."""

    def __init__(self, coefficients: list[Fraction]) -> None:
        self.poly = flint.fmpq_poly([flint.fmpq(c.numerator, c.denominator) for c in coefficients])
        self.zero = self.poly.degree() < 0
        self.sturm: list[flint.fmpq_poly] = []
        if self.poly.degree() >= 1:
            free = self.poly / self.poly.gcd(self.poly.derivative())  # exact division
            self.sturm = [free, free.derivative()]
            while self.sturm[-1].degree() > 0:
                rest = -(self.sturm[-2] % self.sturm[-1])
                if rest.degree() < 0:
                    break
                self.sturm.append(rest)

    def sign(self, at: Fraction) -> int:
        value = self.poly(flint.fmpq(at.numerator, at.denominator))
        return (value > 0) - (value < 0)

    def _changes(self, at: Fraction) -> int:
        point = flint.fmpq(at.numerator, at.denominator)
        signs = [s for s in ((v > 0) - (v < 0) for v in (p(point) for p in self.sturm)) if s]
        return sum(1 for a, b in itertools.pairwise(signs) if a != b)

    def roots_in(self, a: Fraction, b: Fraction) -> int:
        """The distinct real roots in (a, b], a < b (Sturm's theorem, square-free part)."""
        return self._changes(a) - self._changes(b) if self.sturm else 0

    def open_count(self, a: Fraction, b: Fraction) -> int:
        return self.roots_in(a, b) - (self.sign(b) == 0)

    def closed_count(self, a: Fraction, b: Fraction) -> int:
        return self.roots_in(a, b) + (self.sign(a) == 0) if a < b else int(self.sign(a) == 0)

    def bound(self) -> Fraction:
        """Every real root is below this in absolute value (Cauchy)."""
        c = [Fraction(int(v.p), int(v.q)) for v in self.poly.coeffs()]
        return 1 + max((abs(v / c[-1]) for v in c[:-1]), default=Fraction(0))


class _End:
    """An end E of the u-interval: rational bounds lo ≤ E ≤ hi between which the
    polynomial has no root other than E (`root`: E is one); `infinite`: ±1 for ±∞."""

    def __init__(self, value: Expr, poly: _Poly, closed: bool, bound: Fraction) -> None:
        self.value, self.closed, self.infinite, self.root = value, closed, 0, False
        if value in (sympy.oo, -sympy.oo):
            self.infinite = 1 if value == sympy.oo else -1
            self.lo = self.hi = self.infinite * bound
            return
        if value.is_Rational:
            self.lo = self.hi = Fraction(int(value.p), int(value.q))
            self.root = poly.sign(self.lo) == 0
            return
        for bits in END_BITS:
            self.lo, self.hi = exact_bounds(constant_ball(value, bits))
            inside = poly.closed_count(self.lo, self.hi)
            if inside == 0:
                return
            if inside == 1 and _is_root(poly, value):
                self.root = True
                return
        raise base.CheckFailedError(f"the end {value} is not separated from the roots")


def _is_root(poly: _Poly, value: Expr) -> bool:
    """P(E) = 0 by exact algebra (E algebraic: radicals), never by a float."""
    coefficients = [Fraction(int(v.p), int(v.q)) for v in poly.poly.coeffs()]
    value = sympy.radsimp(value)  # 1/(2 + √3) as 2 − √3: exact rationalisation
    return sympy.expand(_as_expr(coefficients, U).xreplace({U: value})) == 0


def _u_end(x_end: Expr, kappa: Expr | None) -> Expr:
    if kappa is None or x_end == sympy.oo:
        return x_end
    return sympy.S.Zero if x_end == -sympy.oo else sympy.exp(kappa * x_end)


def _chart(
    form: dict[str, Any],
    kappa: Expr | None,
    p: list[Fraction],
    q: list[Fraction],
    domain: Interval,
    allowed: set[int],
) -> str:
    """The exact sign chart of P/Q on the image of the domain, re-verified."""
    numerator, denominator = _Poly(p), _Poly(q)
    low, high = _u_end(domain.low, kappa), _u_end(domain.high, kappa)
    _same_end(form.get("u_low"), low)
    _same_end(form.get("u_high"), high)
    if numerator.zero:
        if 0 not in allowed:
            raise base.CheckFailedError("P = 0 (lhs = rhs everywhere), but the relation is strict")
        return "P = 0: d is identically 0"
    if allowed == {0}:
        raise base.CheckFailedError("an identity, but P is not the zero polynomial")
    closed = (not domain.low_open, not domain.high_open)
    poles = _roots_inside(denominator, form.get("roots_Q", []), low, high, closed)
    if poles:
        raise base.CheckFailedError("Q has roots in the u-interval (poles)")
    ends, roots = _roots_inside(numerator, form.get("roots_P", []), low, high, closed, True)
    if roots and 0 not in allowed:
        raise base.CheckFailedError("P has a root in the u-interval, but the relation is strict")
    gaps = _gaps(numerator, ends, roots)
    pieces = form.get("pieces")
    if not isinstance(pieces, list) or len(pieces) != len(gaps):
        raise base.CheckFailedError(
            f"{len(gaps)} pieces between the roots, the data lists another number"
        )
    for (left, right), (sample_text, claimed) in zip(gaps, pieces, strict=True):
        sample = base._number(sample_text)
        if not (left(sample) > 0 > right(sample)):
            raise base.CheckFailedError(f"the sample u = {sample} is not inside its piece")
        value = numerator.sign(sample) * denominator.sign(sample)
        if value != int(claimed):
            raise base.CheckFailedError(
                f"the sign of P/Q at u = {sample} is {value}, not {claimed}"
            )
        if value not in allowed:
            raise base.CheckFailedError(
                f"P/Q has the sign {value} at u = {sample}: the relation fails"
            )
    return (
        f"{len(roots)} root(s) of P and none of Q in the u-interval (Sturm), "
        f"{len(gaps)} piece(s) of the claimed sign (exact)"
    )


def _same_end(text: object, value: Expr) -> None:
    """The data's u-end is the image of the x-domain's end (only the latter is used)."""
    if text is None:
        return
    stated = parse_constant(str(text))
    if stated != value and base._order(stated, value) is not None:
        raise base.CheckFailedError(f"the u-interval's end {text} is not {value}")


def _roots_inside(
    poly: _Poly, listed: Any, low: Expr, high: Expr, closed: tuple, keep: bool = False
) -> Any:
    """The listed isolating intervals, checked to be exactly the distinct roots of the
    polynomial in the u-interval (Sturm counts between the ends' brackets)."""
    if not isinstance(listed, list):
        raise base.CheckFailedError("the roots are not listed with isolating intervals")
    bound = poly.bound() + 1 if poly.sturm else Fraction(1)
    lo_end, hi_end = _End(low, poly, closed[0], bound), _End(high, poly, closed[1], bound)
    if hi_end.infinite:  # no root beyond the bound: move it past the other end
        hi_end.lo = hi_end.hi = max(hi_end.lo, lo_end.hi + 1)
    if lo_end.infinite:
        lo_end.lo = lo_end.hi = min(lo_end.hi, hi_end.lo - 1)
    if not lo_end.hi < hi_end.lo:
        raise base.CheckFailedError("the u-interval's ends are not separated in Arb")
    count = poly.open_count(lo_end.hi, hi_end.lo) if poly.sturm else 0
    count += (lo_end.root and lo_end.closed) + (hi_end.root and hi_end.closed)
    roots = [(base._number(a), base._number(b)) for a, b in listed]
    for index, (a, b) in enumerate(roots):
        if a == b:
            if poly.sign(a) != 0:
                raise base.CheckFailedError(f"u = {a} is not a root")
        elif not (a < b and poly.open_count(a, b) == 1):  # the root is inside (a, b)
            raise base.CheckFailedError(f"({a}, {b}) does not isolate exactly one root")
        previous = roots[index - 1] if index else None
        if previous and (previous[1] > a or previous[1] == a == b == previous[0]):
            raise base.CheckFailedError("the isolating intervals are not disjoint and in order")
        below, above = _against(poly, a, b, lo_end), _against(poly, a, b, hi_end)
        if not (
            (below > 0 or (below == 0 and closed[0])) and (above < 0 or (above == 0 and closed[1]))
        ):
            raise base.CheckFailedError(f"the root in [{a}, {b}] is not in the u-interval")
    if len(roots) != count:
        raise base.CheckFailedError(f"{count} roots in the u-interval (Sturm), {len(roots)} listed")
    return ((lo_end, hi_end), roots) if keep else roots


def _against(poly: _Poly, a: Fraction, b: Fraction, end: _End) -> int:
    """The root isolated in [a, b] against the end: −1, 0, +1 (bisection by Sturm)."""
    if end.infinite:
        return -end.infinite
    for _ in range(MAX_STEPS):
        if a == b:  # an exact rational root
            if a < end.lo or a > end.hi:
                return -1 if a < end.lo else 1
            if end.lo == end.hi:
                return 0
            raise base.CheckFailedError("a rational root inside the bracket of an irrational end")
        if b <= end.lo or a >= end.hi:  # the root is inside (a, b)
            return -1 if b <= end.lo else 1
        if end.lo <= a and b <= end.hi:
            if end.root:  # the bracket's only root is the end
                return 0
            raise base.CheckFailedError("a root inside a bracket that holds none")
        middle = end.lo if (end.lo == end.hi and a < end.lo < b) else (a + b) / 2
        if poly.sign(middle) == 0:
            a = b = middle
        elif poly.open_count(a, middle) == 1:
            b = middle
        else:
            a = middle
    raise base.CheckFailedError("a root could not be compared with an end of the u-interval")


def _gaps(poly: _Poly, ends: tuple[_End, _End], roots: list) -> list:
    """The non-empty open pieces between the ends and the roots, each as two tests
    (sample → its order against the left and the right boundary)."""
    lo_end, hi_end = ends
    boundaries: list = [("end", lo_end)] + [("root", r) for r in roots] + [("end", hi_end)]
    gaps = []
    for left, right in itertools.pairwise(boundaries):
        if left[0] == "end" and right[0] == "root" and _against(poly, *right[1], left[1]) == 0:
            continue
        if left[0] == "root" and right[0] == "end" and _against(poly, *left[1], right[1]) == 0:
            continue
        gaps.append((_tester(poly, left), _tester(poly, right)))
    return gaps


def _tester(poly: _Poly, boundary: tuple) -> Any:
    """sample ↦ the order of the sample against the boundary (−1, 0, +1)."""
    kind, what = boundary
    if kind == "root":
        return lambda s: _sample_vs_root(poly, s, *what)
    end: _End = what
    if end.infinite:
        return lambda s: end.infinite * -1
    return lambda s: base._order(sympy.Rational(s.numerator, s.denominator), end.value) or 0


def _sample_vs_root(poly: _Poly, s: Fraction, a: Fraction, b: Fraction) -> int:
    if a == b:
        return (s > a) - (s < a)
    if s <= a or s >= b:  # the root is inside (a, b)
        return -1 if s <= a else 1
    if poly.sign(s) == 0:
        return 0
    return 1 if poly.open_count(a, s) == 1 else -1
