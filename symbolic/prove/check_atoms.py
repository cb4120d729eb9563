"""`symbolic check`'s own algebra: an expression as a fraction of polynomials in atoms.

An identity lhs = rhs is re-verified without SymPy's `simplify`: both sides, written out
by fixed rewritings (`check._written_out`: definitions, SymPy's diff, erfc = 1 − erf,
tanh/cosh/sinh by exp), are mapped by the rules below to a fraction N/D of polynomials
in x and *atoms*, and lhs − rhs = 0 when the numerator is the zero polynomial.

The rules (each an identity of real functions wherever the expression is defined):

- e^(c₁m₁ + c₂m₂ + …) = Π W_m^(c·L): each monomial m of the exponent (x, x², √2·x/√π,
  1, …; rational coefficient c) has its own atom W_m = e^(m/L), L the lcm of the
  denominators of the c's seen for m (two passes), and e^(k·log g) = g^k (k an integer);
- log(N/D) = log N − log D, and log(c·Π a^k·F) = log c + Σ k·log a + log F for N, D
  (or −N, −D) polynomials with positive coefficients in positive atoms: log W_m = m/L,
  log c and log F (F monic) are atoms; otherwise log(g) is one atom;
- b^(p/q) = s^p with s an atom and s^q = b a relation (√2, √π, …): powers s^k, k ≥ q,
  are reduced by it; erf(−z) = −erf(z); any other function of mapped arguments is an
  atom; π is an atom.

The fraction is built by the rules of fractions (a/b + c/d = (ad + cb)/(bd), …), so its
denominator is a product of the values of the expression's own divisors: wherever the
expression is defined, it is not 0. Substituting the atoms' values is a ring
homomorphism (the relations s^q = b hold for the values): if N is the zero polynomial
after the reductions, the expression is 0 wherever it is defined. Atoms are keyed by
their mapped arguments in `cancel`'s canonical form (equal keys, equal values), so a
coarser map only loses completeness, never soundness; a non-zero N proves nothing.
"""

from __future__ import annotations

import math
from typing import Any

import sympy
from sympy import Expr

from symbolic.language.parser import X

Pair = tuple[Expr, Expr]  # (numerator, denominator): polynomials in x and the atoms
MAX_PASSES, MAX_TERMS = 4, 4000


class UnmappableError(Exception):
    """An expression outside the rules (a derivative left, a float, too large)."""


class AtomMap:
    """Maps expressions to fractions in atoms; remembers the atoms and their relations.

    Stateful on purpose: the same atom must get the same symbol across both sides of an
    identity, and the scales L of the exponential atoms are fixed by a first pass."""

    def __init__(self, scales: dict[Expr, int] | None = None) -> None:
        self.scales = dict(scales or {})
        self.seen: dict[Expr, int] = {}  # monomial -> lcm of the denominators seen
        self.symbols: dict[Any, sympy.Symbol] = {}
        self.positive: set[sympy.Symbol] = set()
        self.roots: dict[sympy.Symbol, tuple[int, Pair]] = {}  # s: s^q = value
        self.exp_logs: dict[sympy.Symbol, Pair] = {}  # W: log W (a fraction)
        self.log_args: dict[sympy.Symbol, Pair] = {}  # Λ: the argument of log
        self.unsettled = False  # a power of an exponential atom was not an integer

    # ------------------------------------------------------------ atoms

    def atom(self, key: Any, positive: bool = False) -> sympy.Symbol:
        if key not in self.symbols:
            self.symbols[key] = sympy.Symbol(f"a{len(self.symbols)}")
            if positive:
                self.positive.add(self.symbols[key])
        return self.symbols[key]

    def pi(self) -> sympy.Symbol:
        return self.atom(("pi",), positive=True)

    # ------------------------------------------------------------ mapping

    def map(self, expr: Expr) -> Pair:
        """expr as (N, D); an UnmappableError when a node is outside the rules."""
        if expr == X:
            return X, sympy.S.One
        if expr.is_Rational:
            return expr, sympy.S.One
        if expr == sympy.pi:
            return self.pi(), sympy.S.One
        if expr == sympy.E:
            return self._exp((sympy.S.One, sympy.S.One))
        if expr.is_Add:
            return self._sum([self.map(a) for a in expr.args])
        if expr.is_Mul:
            return self._product([self.map(a) for a in expr.args])
        if expr.is_Pow:
            return self._pow(expr)
        if isinstance(expr, sympy.exp):
            return self._exp(self.map(expr.args[0]))
        if isinstance(expr, sympy.log):
            return self._log(self.map(expr.args[0]))
        if isinstance(expr, sympy.erf):
            return self._odd("erf", self.map(expr.args[0]))
        if isinstance(expr, sympy.Function) and not isinstance(expr, sympy.Derivative):
            keys = tuple(_key(self.map(a)) for a in expr.args)
            return self.atom((type(expr).__name__, *keys)), sympy.S.One
        raise UnmappableError(f"{type(expr).__name__} is outside the atom rules")

    def difference(self, a: Pair, b: Pair) -> Pair:
        """a − b, as a fraction."""
        return self._sum([a, (-b[0], b[1])])

    def _sum(self, pairs: list[Pair]) -> Pair:
        n, d = pairs[0]
        for a, b in pairs[1:]:
            if d == b:
                n = self.reduce(n + a)
            else:
                n, d = self.reduce(n * b + a * d), self.reduce(d * b)
        return n, d

    def _product(self, pairs: list[Pair]) -> Pair:
        n, d = sympy.S.One, sympy.S.One
        for a, b in pairs:
            n, d = self.reduce(n * a), self.reduce(d * b)
        return n, d

    def _pow(self, expr: Expr) -> Pair:
        base, exponent = expr.args
        if base == sympy.E:
            return self._exp(self.map(exponent))
        if not exponent.is_Rational:
            raise UnmappableError("a power with an exponent that is not rational")
        n, d = self.map(base)
        if not exponent.is_Integer:
            s = self._root((n, d), int(exponent.q))
            n, d, exponent = s, sympy.S.One, sympy.Integer(exponent.p)
        k = int(exponent)
        if abs(k) > 64:
            raise UnmappableError("a power too large")
        if k < 0:
            n, d, k = d, n, -k
        return self.reduce(n**k), self.reduce(d**k)

    def _root(self, value: Pair, q: int) -> sympy.Symbol:
        """s = value^(1/q), with the relation s^q = value (positive when value is)."""
        positive = self.sign(value) == 1
        s = self.atom(("root", _key(value), q), positive=positive)
        self.roots[s] = (q, value)
        return s

    def _odd(self, name: str, argument: Pair) -> Pair:
        key = _key(argument)
        if key.could_extract_minus_sign():
            return -self.atom((name, -key)), sympy.S.One
        return self.atom((name, key)), sympy.S.One

    def _exp(self, argument: Pair) -> Pair:
        n, d = argument
        result: Pair = (sympy.S.One, sympy.S.One)
        for term in sympy.Add.make_args(sympy.expand(n)):
            c, m = sympy.cancel(term / d).as_coeff_Mul()
            if not c.is_Rational:
                raise UnmappableError("an exponent with a coefficient that is not rational")
            if m in self.log_args and c.is_Integer:  # e^(k·log g) = g^k
                g = self.log_args[m]
                factor = (g[0] ** int(c), g[1] ** int(c)) if c > 0 else (g[1] ** -c, g[0] ** -c)
                result = self._product([result, factor])
                continue
            if m.could_extract_minus_sign():
                c, m = -c, -m
            self.seen[m] = math.lcm(self.seen.get(m, 1), int(c.q))
            scale = self.scales.get(m, 1)
            w = self.atom(("exp", m, scale), positive=True)
            self.exp_logs[w] = (m, sympy.Integer(scale))
            power = c * scale  # not an integer: this pass only records the denominators
            self.unsettled = self.unsettled or not power.is_Integer
            factor = (w**power, sympy.S.One) if power >= 0 else (sympy.S.One, w**-power)
            result = self._product([result, factor])
        return result

    def _log(self, argument: Pair) -> Pair:
        n, d = argument
        sign_n, sign_d = self._poly_sign(n), self._poly_sign(d)
        if sign_n is not None and sign_n == sign_d:
            top, bottom = self._log_poly(sign_n * n), self._log_poly(sign_d * d)
            if top is not None and bottom is not None:
                return self._sum([top, (-bottom[0], bottom[1])])
        return self._log_atom(argument)

    def _log_atom(self, argument: Pair) -> Pair:
        a = self.atom(("log", _key(argument)))
        self.log_args[a] = argument
        return a, sympy.S.One

    def _log_poly(self, p: Expr) -> Pair | None:
        """log p for p a polynomial with positive coefficients in positive atoms."""
        if p.is_Rational:
            return (sympy.S.Zero, sympy.S.One) if p == 1 else self._log_atom((p, sympy.S.One))
        gens = sorted(p.free_symbols, key=str)
        try:
            poly = sympy.Poly(p, *gens)
        except sympy.PolynomialError:
            return None
        monomial, rest = poly.terms_gcd()
        parts: list[Pair] = []
        for gen, k in zip(gens, monomial, strict=True):
            if k and gen not in self.exp_logs:
                return None
            if k:
                m, scale = self.exp_logs[gen]
                parts.append((k * m, scale))
        lead = rest.LC()
        parts.append(self._log_poly(sympy.Rational(lead)) or (sympy.S.Zero, sympy.S.One))
        monic = sympy.expand(rest.as_expr() / lead)
        if monic != 1:
            parts.append(self._log_atom((monic, sympy.S.One)))
        return self._sum(parts)

    # ------------------------------------------------------------ relations and signs

    def reduce(self, p: Expr) -> Expr:
        """p expanded, each power s^k (k ≥ q) of a root atom reduced by s^q = value;
        the value's denominator must be 1 (a rational's is folded into a rational)."""
        p = sympy.expand(p)
        for _ in range(8):
            changed = False
            for s, (q, (vn, vd)) in self.roots.items():
                if not p.has(s) or vd.free_symbols:
                    continue
                value = vn / vd

                def lower(t: Expr, s: sympy.Symbol = s, q: int = q, value: Expr = value) -> Expr:
                    return value ** (int(t.exp) // q) * s ** (int(t.exp) % q)

                new = p.replace(
                    lambda t, s=s, q=q: (
                        t.is_Pow and t.base == s and t.exp.is_Integer and t.exp >= q
                    ),
                    lower,
                )
                if new != p:
                    p, changed = sympy.expand(new), True
            if not changed:
                break
        if len(sympy.Add.make_args(p)) > MAX_TERMS:
            raise UnmappableError("an expression too large for the atom map")
        return p

    def _poly_sign(self, p: Expr) -> int | None:
        """+1 or −1 when every coefficient of p has that sign and every variable is a
        positive atom (so p has that sign everywhere); None otherwise."""
        p = sympy.expand(p)
        if p.is_Rational:
            return (1 if p > 0 else -1) if p != 0 else None
        if not p.free_symbols <= self.positive:
            return None
        try:
            coefficients = sympy.Poly(p, *sorted(p.free_symbols, key=str)).coeffs()
        except sympy.PolynomialError:
            return None
        if all(c > 0 for c in coefficients):
            return 1
        return -1 if all(c < 0 for c in coefficients) else None

    def sign(self, pair: Pair) -> int | None:
        """The sign of N/D everywhere, when both have an evident sign."""
        a, b = self._poly_sign(pair[0]), self._poly_sign(pair[1])
        return None if a is None or b is None else a * b


def _key(pair: Pair) -> Expr:
    """A canonical form of N/D (`cancel`): equal keys are equal rational functions."""
    return sympy.cancel(pair[0] / pair[1])


def fractions(exprs: list[Expr]) -> tuple[AtomMap, list[Pair]]:
    """The expressions mapped by one AtomMap (the same atoms), its scales fixed by
    passes until every exponential atom's power is an integer."""
    scales: dict[Expr, int] = {}
    for _ in range(MAX_PASSES):
        atoms = AtomMap(scales)
        pairs = [atoms.map(e) for e in exprs]
        if not atoms.unsettled:
            return atoms, pairs
        scales = {m: math.lcm(scales.get(m, 1), k) for m, k in atoms.seen.items()}
    raise UnmappableError("the scales of the exponential atoms do not settle")


def is_zero(atoms: AtomMap, pair: Pair) -> bool:
    """N is the zero polynomial after the reductions (and D is not)."""
    return atoms.reduce(pair[0]) == 0 and atoms.reduce(pair[1]) != 0


def undefined_parts(
    atoms: AtomMap, expr: Expr, isolated: set[Expr] | None = None, continuous: bool = False
) -> list[str]:
    """Why expr may be undefined somewhere on ℝ: each divisor must have an evident sign
    (polynomial with coefficients of one sign in positive atoms), each log argument and
    each base of a fractional power be evidently positive; functions other than exp,
    log, erf and powers are not judged. Empty: defined (and C^∞) on all of ℝ.

    With `isolated` ({x}, {u}, or {x, u} with u = e^(x/L)): a divisor may instead be a
    non-zero fraction in those variables only, so that it vanishes at isolated points
    (x and e^(x/L) are algebraically independent): expr is then defined near ±∞ and on
    a punctured neighbourhood of every point. With `continuous`, |g| is allowed too (the
    empty list then says: defined and continuous on ℝ, not smooth)."""
    found = []
    for node in sympy.preorder_traversal(expr):
        if node.is_Pow and node.base != sympy.E and not (node.exp.is_Integer and node.exp >= 0):
            pair = atoms.map(node.base)
            wanted = {1} if not node.exp.is_Integer else {1, -1}
            if atoms.sign(pair) in wanted:
                continue
            if node.exp.is_Integer and isolated is not None and _isolated(atoms, pair, isolated):
                continue
            found.append(f"the divisor or base {node.base} has no evident sign")
        elif isinstance(node, sympy.log) and atoms.sign(atoms.map(node.args[0])) != 1:
            found.append(f"log of {node.args[0]}, not evidently positive")
        elif isinstance(node, sympy.Function) and not isinstance(
            node, (sympy.exp, sympy.log, sympy.erf, *((sympy.Abs,) if continuous else ()))
        ):
            found.append(f"{type(node).__name__} is not judged")
    return found


def _isolated(atoms: AtomMap, pair: Pair, variables: set[Expr]) -> bool:
    n, d = atoms.reduce(pair[0]), atoms.reduce(pair[1])
    return n != 0 and (n.free_symbols | d.free_symbols) <= variables
