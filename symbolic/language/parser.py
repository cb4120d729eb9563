"""The safe expression language: user text in, SymPy expression out.

User text is parsed by Python's `ast` and walked against a whitelist; every
SymPy object is built here, by hand. Nothing ever passes user text to `eval`,
`sympify` or `parse_expr` (they execute code). Sizes are bounded before any
work is done, so no input can hang the parser or exhaust memory: the length of
the text, the nesting depth, the size of literals, and the size of numbers that
powers would build.
"""

from __future__ import annotations

import ast
import re
from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sympy
from sympy import Expr, Integer, Rational

from symbolic.errors import ExpressionError
from symbolic.functions import NAMED_FUNCTIONS
from symbolic.language import definedness
from symbolic.language.definedness import Condition

X = sympy.Symbol("x", real=True)
"""The variable of every expression: a real number."""

MAX_LENGTH = 10_000
MAX_DEPTH = 100
MAX_TREE_DEPTH = 200
MAX_LITERAL_DIGITS = 1_000
MAX_LITERAL_EXPONENT = 10_000
MAX_POWER_EXPONENT = 1_000
MAX_NUMBER_BITS = 100_000
MAX_DIFF_ORDER = 1_000
MAX_DEGREE = 10_000  # of a polynomial part once powers are expanded: ((x+1)**1000)**1000 is 10^6
MAX_EXPANDED_NODES = 20_000  # of the tree once definitions are written out: f1 = f0(f0(x)), ...

_DECIMAL = re.compile(r"(?P<int>\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d+))?")

CONSTANTS: dict[str, Expr] = {"pi": sympy.pi, "E": sympy.E, "oo": sympy.oo}

_BUILT_IN: dict[str, Callable[[Expr], Expr]] = {
    "exp": sympy.exp,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "abs": sympy.Abs,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "sech": sympy.sech,
    "asinh": sympy.asinh,
    "acosh": sympy.acosh,
    "atanh": sympy.atanh,
    "erf": sympy.erf,
    "erfc": sympy.erfc,
}
# The functions the language knows by name: SymPy's and the registry's, looked up live,
# so that a function added to the registry is known without touching this module.
ELEMENTARY: Mapping[str, Callable[[Expr], Expr]] = ChainMap(_BUILT_IN, NAMED_FUNCTIONS)


def is_reserved(name: str) -> bool:
    """Names a definition may not take: x, diff, the constants and every function."""
    return name in ("x", "diff") or name in CONSTANTS or name in ELEMENTARY


_OPERATOR_NAMES = {
    ast.BitXor: "'^' (write powers as x**2)",
    ast.FloorDiv: "'//'",
    ast.Mod: "'%'",
    ast.MatMult: "'@'",
    ast.BitAnd: "'&'",
    ast.BitOr: "'|'",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
    ast.Invert: "'~'",
    ast.Not: "'not'",
}


@dataclass(frozen=True)
class Environment:
    """The names an expression may use beyond the built-in ones.

    `parameters` are symbols other than x (with their assumptions);
    `definitions` are functions of x given by expressions, called as f(u).
    """

    parameters: Mapping[str, sympy.Symbol] = field(default_factory=dict)
    definitions: Mapping[str, Expr] = field(default_factory=dict)
    allow_x: bool = True
    definition_conditions: Mapping[str, tuple[Condition, ...]] = field(default_factory=dict)


def parse(text: str, env: Environment | None = None) -> Expr:
    """Parse `text` of the expression language into a SymPy expression.

    A bare function name (`sigmoid`, `tanh`, a definition) means that function
    of x. Raises `ExpressionError` with the column of the problem.
    """
    return parse_with_conditions(text, env)[0]


def parse_with_conditions(
    text: str, env: Environment | None = None
) -> tuple[Expr, tuple[Condition, ...]]:
    """Parse, and say where the expression is defined, as written (before SymPy
    simplifies x/x to 1): see `symbolic.language.definedness`."""
    env = env or Environment()
    _check_text(text)
    builder = _Builder(text, env)
    body = _parse_ast(text, builder.lead).body
    bare_function = isinstance(body, ast.Name) and (
        body.id in ELEMENTARY or body.id in env.definitions
    )
    if bare_function and env.allow_x:
        expr = builder.call(body.id, [X], body)
    else:
        expr = builder.checked(builder.build(body, 0), body)
    return expr, tuple(dict.fromkeys(builder.conditions))


def parse_constant(text: str, env: Environment | None = None) -> Expr:
    """Parse a number or constant expression (no x), such as `0.1` or `log(3)`."""
    base = env or Environment()
    return parse(text, Environment(base.parameters, base.definitions, allow_x=False))


def _check_text(text: str) -> None:
    if not isinstance(text, str):
        raise ExpressionError("an expression must be text", repr(text))
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"longer than {MAX_LENGTH} characters ({len(text)})", text[:40])
    if not text.strip():
        raise ExpressionError("empty expression", text)
    for index, char in enumerate(text):
        if not char.isascii():
            raise ExpressionError(
                f"non-ASCII character {char!r} (U+{ord(char):04X}); the language is plain ASCII",
                text,
                index + 1,
            )
        if not char.isprintable() and char not in " \t":
            raise ExpressionError(f"control character {char!r}", text, index + 1)
    depth = 0
    for index, char in enumerate(text):
        depth += char in "([{"
        depth -= char in ")]}"
        if depth > MAX_DEPTH:
            raise ExpressionError(f"nested more than {MAX_DEPTH} levels deep", text, index + 1)


def _parse_ast(text: str, lead: int) -> ast.Expression:
    try:
        return ast.parse(text[lead:], mode="eval")
    except SyntaxError as error:
        column = error.offset + lead if error.offset else None
        hint = error.msg
        if "invalid decimal literal" in hint or "invalid syntax" in hint:
            hint += " (write products with *, e.g. 2*x)"
        raise ExpressionError(f"syntax error: {hint}", text, column) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("nested too deeply to parse", text) from None
    except ValueError as error:
        raise ExpressionError(f"cannot be parsed: {error}", text) from None


class _Builder:
    """Walks a whitelisted AST and builds the SymPy expression bottom-up."""

    def __init__(self, text: str, env: Environment) -> None:
        self.text = text
        self.env = env
        self.conditions: list[Condition] = []
        self.sizes: dict[Expr, int] = {}  # tree sizes, shared so that each node is counted once
        # The parser rejects leading blanks; columns still count them.
        self.lead = len(text) - len(text.lstrip())

    def fail(self, reason: str, node: ast.AST) -> ExpressionError:
        column = getattr(node, "col_offset", None)
        where = None if column is None else column + self.lead + 1
        return ExpressionError(reason, self.text, where)

    def build(self, node: ast.AST, depth: int) -> Expr:
        if depth > MAX_TREE_DEPTH:
            raise self.fail(f"nested more than {MAX_TREE_DEPTH} operations deep", node)
        result = self._build(node, depth + 1)
        if _tree_size(result, self.sizes) > MAX_EXPANDED_NODES:
            raise self.too_large(node)
        return result

    def too_large(self, node: ast.AST) -> ExpressionError:
        return self.fail(
            f"written out, the expression would have more than {MAX_EXPANDED_NODES} parts "
            "(each call of a definition copies its body)",
            node,
        )

    def _build(self, node: ast.AST, depth: int) -> Expr:
        if isinstance(node, ast.Constant):
            return self.literal(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node, depth)
        if isinstance(node, ast.BinOp):
            return self.binary(node, depth)
        if isinstance(node, ast.Call):
            return self.call_node(node, depth)
        raise self.fail(f"{_describe(node)} is not allowed", node)

    def literal(self, node: ast.Constant) -> Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{type(value).__name__} literal {value!r} is not allowed", node)
        source = ast.get_source_segment(self.text[self.lead :], node) or ""
        return _decimal_to_rational(source.replace("_", ""), self, node)

    def name(self, node: ast.Name) -> Expr:
        if node.id == "x" and self.env.allow_x:
            return X
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        if node.id in self.env.parameters:
            return self.env.parameters[node.id]
        if node.id == "x":
            raise self.fail("x is not allowed here: give a number", node)
        if node.id in ELEMENTARY or node.id in self.env.definitions or node.id == "diff":
            raise self.fail(f"function {node.id!r} needs an argument: {node.id}(x)", node)
        raise self.fail(f"unknown name {node.id!r}{_known_names(self.env)}", node)

    def unary(self, node: ast.UnaryOp, depth: int) -> Expr:
        operand = self.build(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise self.fail(f"operator {_operator_name(node.op)} is not allowed", node)

    def binary(self, node: ast.BinOp, depth: int) -> Expr:
        op = node.op
        if not isinstance(op, ast.Add | ast.Sub | ast.Mult | ast.Div | ast.Pow):
            raise self.fail(f"operator {_operator_name(op)} is not allowed", node)
        left = self.build(node.left, depth)
        right = self.build(node.right, depth)
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.Div):
            if right.is_zero:
                raise self.fail("division by zero", node)
            self.conditions += definedness.of_power(right, sympy.S.NegativeOne)
            return left / right
        return self.checked(self.power(left, right, node), node)

    def power(self, base: Expr, exponent: Expr, node: ast.AST) -> Expr:
        if exponent.is_Rational:
            if max(abs(exponent.p), exponent.q) > MAX_POWER_EXPONENT:
                raise self.fail(f"exponent {exponent} is larger than {MAX_POWER_EXPONENT}", node)
            if base.is_Rational:
                bits = max(abs(base.p).bit_length(), base.q.bit_length())
                if bits * abs(exponent.p) > MAX_NUMBER_BITS:
                    raise self.fail("number too large (more than 100000 bits)", node)
        elif base.is_Number and exponent.is_Number:
            raise self.fail("only exact powers are allowed", node)
        if base.is_zero and exponent.is_extended_negative:
            raise self.fail("division by zero", node)
        self.conditions += definedness.of_power(base, exponent)
        result = sympy.Pow(base, exponent)
        degree = _degree_bound(result)
        if degree is not None and degree > MAX_DEGREE:
            raise self.fail(f"the expanded degree would be {degree}, more than {MAX_DEGREE}", node)
        return result

    def call_node(self, node: ast.Call, depth: int) -> Expr:
        if not isinstance(node.func, ast.Name):
            raise self.fail(f"only named functions can be called, not {_describe(node.func)}", node)
        if node.keywords:
            raise self.fail("keyword arguments are not allowed", node)
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise self.fail("starred arguments are not allowed", node)
        name = node.func.id
        if name == "diff":
            return self.diff(node, depth)
        if name not in ELEMENTARY and name not in self.env.definitions:
            raise self.fail(f"unknown function {name!r}{_known_names(self.env)}", node)
        if len(node.args) != 1:
            raise self.fail(f"{name} takes one argument, got {len(node.args)}", node)
        return self.call(name, [self.build(node.args[0], depth)], node)

    def call(self, name: str, args: list[Expr], node: ast.AST) -> Expr:
        (arg,) = args
        if name in self.env.definitions:
            inherited = self.env.definition_conditions.get(name, ())
            weight = _tree_size(arg, self.sizes)  # x is replaced by arg: count it so, first
            body = self.env.definitions[name]
            for part in (body, *(c.argument for c in inherited)):
                if _tree_size(part, {}, weight) > MAX_EXPANDED_NODES:
                    raise self.too_large(node)
            self.conditions += [c.at({X: arg}) for c in inherited]
            return self.env.definitions[name].xreplace({X: arg})
        result = self.checked(ELEMENTARY[name](arg), node)
        self.conditions += definedness.of_call(ELEMENTARY[name], arg)
        self.conditions += definedness.of_tree(_expanded(result))
        return result

    def diff(self, node: ast.Call, depth: int) -> Expr:
        if len(node.args) not in (2, 3):
            raise self.fail("diff takes diff(expr, x) or diff(expr, x, n)", node)
        variable = node.args[1]
        if not (isinstance(variable, ast.Name) and variable.id == "x"):
            raise self.fail("diff differentiates with respect to x only", variable)
        if not self.env.allow_x:
            raise self.fail("diff needs x, which is not allowed here", node)
        order = 1
        if len(node.args) == 3:
            order = self._diff_order(node.args[2])
        inner = self.build(node.args[0], depth)
        return sympy.Derivative(inner, (X, order))

    def _diff_order(self, node: ast.AST) -> int:
        if not (isinstance(node, ast.Constant) and type(node.value) is int):
            raise self.fail("the order of diff must be a whole number such as 2", node)
        if not 1 <= node.value <= MAX_DIFF_ORDER:
            raise self.fail(f"the order of diff must be from 1 to {MAX_DIFF_ORDER}", node)
        return node.value

    def checked(self, result: Expr, node: ast.AST) -> Expr:
        """Reject values that are undefined or not real, where SymPy can tell."""
        if result.has(sympy.nan):
            raise self.fail("undefined value (such as oo - oo or 0*oo)", node)
        if result.has(sympy.zoo):
            raise self.fail("undefined value (division by zero or a pole)", node)
        if result.has(sympy.I):
            raise self.fail("the value is not a real number", node)
        return result


def _degree_bound(expr: Expr) -> int | None:
    """An upper bound of the degree in x once every power is expanded (None: not a
    polynomial part). Syntactic and cheap: nothing is expanded to find it."""
    if not expr.has(X):
        return 0
    if expr == X:
        return 1
    if expr.is_Add or expr.is_Mul:
        parts = [_degree_bound(a) for a in expr.args]
        if None in parts:
            return None
        return max(parts) if expr.is_Add else sum(parts)
    if expr.is_Pow and expr.exp.is_Integer and expr.exp > 0:
        inner = _degree_bound(expr.base)
        return None if inner is None else inner * int(expr.exp)
    return None


def _tree_size(expr: Expr, sizes: dict[Expr, int], x_weight: int = 1) -> int:
    """The number of nodes of `expr` as a tree (shared subtrees counted every time they
    occur), in time linear in its distinct nodes: f0(f0(...)) nested 128 deep is 3^128
    nodes for a traversal, but only a few hundred distinct objects. With `x_weight`, x
    counts as that many nodes: the size once x is replaced, known before replacing it."""
    if x_weight != 1:
        sizes[X] = x_weight
    stack = [expr]
    while stack:
        top = stack[-1]
        if top in sizes:
            stack.pop()
            continue
        pending = [arg for arg in top.args if arg not in sizes]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        sizes[top] = 1 + sum(sizes[arg] for arg in top.args)
    return sizes[expr]


def _expanded(result: Expr) -> Expr:
    """A named function written out by its definition (logit(s) = log(s/(1 − s)))."""
    expanded = getattr(result, "expanded", None)
    return expanded() if callable(expanded) else result


def _decimal_to_rational(source: str, builder: _Builder, node: ast.AST) -> Rational:
    """The exact rational value of a decimal literal: `0.1` is one tenth."""
    match = _DECIMAL.fullmatch(source)
    if not match or not (match["int"] or match["frac"]):
        raise builder.fail(f"number {source!r} is not a decimal number", node)
    digits = (match["int"] or "") + (match["frac"] or "")
    if len(digits) > MAX_LITERAL_DIGITS:
        raise builder.fail(f"number has more than {MAX_LITERAL_DIGITS} digits", node)
    exponent = int(match["exp"] or 0)
    if abs(exponent) > MAX_LITERAL_EXPONENT:
        raise builder.fail(f"decimal exponent larger than {MAX_LITERAL_EXPONENT}", node)
    exponent -= len(match["frac"] or "")
    mantissa = int(digits)
    if exponent >= 0:
        return Integer(mantissa * 10**exponent)
    return Rational(mantissa, 10**-exponent)


def _describe(node: ast.AST) -> str:
    names = {
        ast.Attribute: "attribute access",
        ast.Subscript: "indexing",
        ast.Lambda: "lambda",
        ast.ListComp: "a comprehension",
        ast.SetComp: "a comprehension",
        ast.DictComp: "a comprehension",
        ast.GeneratorExp: "a generator",
        ast.Compare: "a comparison",
        ast.BoolOp: "'and'/'or'",
        ast.IfExp: "'if'/'else'",
        ast.NamedExpr: "':='",
        ast.JoinedStr: "an f-string",
        ast.Tuple: "a tuple",
        ast.List: "a list",
        ast.Dict: "a dict",
        ast.Set: "a set",
        ast.Starred: "'*'",
        ast.Await: "'await'",
        ast.Yield: "'yield'",
    }
    return names.get(type(node), type(node).__name__)


def _operator_name(op: ast.AST) -> str:
    return _OPERATOR_NAMES.get(type(op), type(op).__name__)


def _known_names(env: Environment) -> str:
    extra = sorted([*env.parameters, *env.definitions])
    suffix = f"; declared here: {', '.join(extra)}" if extra else ""
    return f" (the language knows x, pi, E, oo and {', '.join(sorted(ELEMENTARY))}, diff{suffix})"
