"""The package layout is the data path, and imports run one way along it."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "symbolic"
# Lower layers first: a module may import from its own layer and the layers before it.
LAYERS = [
    "arith",
    "functions",
    "language",
    "derive",
    "numbers",
    "prove",
    "grade",
    "report",
    "conformance",
    "cli",
]
ANYWHERE = {"errors", "files", "__version__"}  # small utilities every layer may use
MAX_LINES = 800


def _layer(module: str) -> int | None:
    """The layer index of a dotted module inside symbolic (None for the utilities)."""
    first = module.split(".")[0]
    if first in ANYWHERE:
        return None
    if first in LAYERS:
        return LAYERS.index(first)
    return len(LAYERS) - 1  # cli, the pytest plugin, the package root (`__version__`)


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imports(path: Path) -> list[tuple[str, int]]:
    """(imported module inside symbolic, line) for every import in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("symbolic"):
            base = node.module.removeprefix("symbolic").lstrip(".")
            names = [base] if base else [alias.name for alias in node.names]
            found += [(name, node.lineno) for name in names]
        elif isinstance(node, ast.Import):
            found += [
                (a.name.removeprefix("symbolic."), node.lineno)
                for a in node.names
                if a.name.startswith("symbolic.")
            ]
    return found


def _own(path: Path) -> str:
    relative = path.relative_to(PACKAGE).with_suffix("")
    return ".".join(relative.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_one_way(path: Path) -> None:
    own = _own(path)
    own_layer = _layer(own)
    wrong = []
    for imported, line in _imports(path):
        target = _layer(imported)
        if own_layer is None and target is not None:
            wrong.append(f"line {line}: utility {own} imports {imported}")
        elif own_layer is not None and target is not None and target > own_layer:
            wrong.append(f"line {line}: {own} (layer {LAYERS[own_layer]}) imports {imported}")
    assert wrong == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_over_800_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_the_layer_check_can_fail(tmp_path: Path) -> None:
    """A lower layer importing a higher one is caught (the check is not vacuous)."""
    bad = tmp_path / "bad.py"
    bad.write_text("from symbolic.report.model import build_model\n")
    assert _imports(bad) == [("report.model", 1)]
    assert _layer("report.model") > _layer("language.parser")


# ---------------------------------------------------------------- one module per function

FUNCTION_NAMES = re.compile(r"(?i:sigmoid)|σ")
REGISTRY = PACKAGE / "functions"  # the registry and the function modules (softplus′ = σ)


def _docstring_lines(source: str) -> set[int]:
    """The lines of every docstring (module, class, function)."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            value = first.value if isinstance(first, ast.Expr) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                lines.update(range(first.lineno, first.end_lineno + 1))
    return lines


def function_names_in_code(source: str) -> list[str]:
    """Names and string literals (not comments, not docstrings) that name σ."""
    skip = _docstring_lines(source)
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (tokenize.NAME, tokenize.STRING) or token.start[0] in skip:
            continue
        if FUNCTION_NAMES.search(token.string):
            found.append(f"line {token.start[0]}: {token.string[:60]}")
    return found


@pytest.mark.parametrize(
    "path",
    [p for p in _modules() if REGISTRY not in p.parents],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_sigma_is_named_only_in_its_registry_module(path: Path) -> None:
    """Every stage asks the registry: no code outside symbolic/functions/ names σ
    (docstrings and comments may, as examples)."""
    assert function_names_in_code(path.read_text(encoding="utf-8")) == []


def test_the_naming_check_can_fail() -> None:
    source = '"""σ in a docstring is fine."""\n# so is sigmoid in a comment\nname = "sigmoid(x)"\n'
    assert function_names_in_code(source) == ['line 3: "sigmoid(x)"']
    assert function_names_in_code("Σ = 1\n") == []  # capital sigma is a sum, not σ
