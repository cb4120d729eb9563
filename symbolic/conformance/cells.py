"""The plan of a conformance run: its cells, which of them are n/a and why, and how each
is cut into chunks.

A cell is (function, implementation, dtype, direction); forward grades f, backward grades
f′ (the library's automatic derivative). A cell is n/a, never an error, when the registry
has no built-in implementation of that function and order under that name, when the
library is not installed here, or when an exhaustive 32-bit grade has no fast reference
kernel. Everything that decides a cell's result goes into its parameters (the library's
version too), and their hash tells a resumed run whether a stored cell is still valid.

Chunks depend on the arguments only, never on the number of workers: bit-pattern ranges
(exhaustive) or slices of the seeded, sorted sample (sampled), so the merged result is
the same however the chunks are scheduled.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
from dataclasses import dataclass

from symbolic import __version__
from symbolic.arith import ieee
from symbolic.errors import SymbolicError
from symbolic.functions import ALL, FAMILY, FamilyMember
from symbolic.grade.grading import MAX_SAMPLES, has_fast_references, target_of
from symbolic.grade.implementations import BUILT_IN, built_in_names, resolve

FORMAT_NAMES = ("float64", "float32", "float16", "bfloat16")
DIRECTIONS = {"forward": 0, "backward": 1}
LIBRARIES = ("numpy", "scipy", "torch", "jax")  # the default --impls: what people ship
FORMAT_VERSION = 1  # of the parameters: a change recomputes every stored cell
WORST = 10  # the `worst` list of each cell, as `symbolic grade` keeps by default
EXHAUSTIVE_CHUNK_BITS = {32: 22, 16: 12}  # 2^22 patterns per task (as grade), 2^12 for 16 bits
SAMPLED_CHUNK = 1 << 16  # samples per task


@dataclass(frozen=True)
class Options:
    """What decides the results of a run (not where or how fast it runs)."""

    functions: tuple[str, ...]
    impls: tuple[str, ...]
    dtypes: tuple[str, ...]
    backward: bool
    exhaustive: bool
    samples: int
    seed: int

    @property
    def directions(self) -> tuple[str, ...]:
        return ("forward", "backward") if self.backward else ("forward",)

    @property
    def mode(self) -> str:
        return "exhaustive" if self.exhaustive else "sampled"

    def command(self) -> str:
        """The command that reproduces these results (--out, --jobs and --scheduler,
        which do not change them, are left out so that the report's bytes do not either)."""
        words = [
            "symbolic conformance",
            f"--functions {','.join(self.functions)}",
            f"--impls {','.join(self.impls)}",
            f"--dtypes {','.join(self.dtypes)}",
        ]
        if self.backward:
            words.append("--backward")
        words.append("--exhaustive" if self.exhaustive else f"--samples {self.samples}")
        if not self.exhaustive:
            words.append(f"--seed {self.seed}")
        return " ".join(words)


@dataclass(frozen=True)
class Cell:
    function: str  # the family's language name (silu, never its alias swish)
    impl: str
    dtype: str
    direction: str

    @property
    def name(self) -> str:
        """The file name stem: DIR/cells/<name>.json."""
        return f"{self.function}-{self.impl}-{self.dtype}-{self.direction}"

    @property
    def member(self) -> type[FamilyMember]:
        return FAMILY[self.function]

    @property
    def order(self) -> int:
        return DIRECTIONS[self.direction]

    @property
    def of(self) -> str:
        """The --of of `symbolic grade` for this cell."""
        return self.member.typed(self.order)


@dataclass(frozen=True)
class Spec:
    """All a worker needs to grade one cell (sent to the workers, so small and plain)."""

    impl: str
    of: str
    dtype: str
    exhaustive: bool
    samples: int
    seed: int
    worst: int = WORST


@dataclass(frozen=True)
class Planned:
    """A cell with its spec and parameter hash, or the reason it is n/a."""

    cell: Cell
    spec: Spec | None
    reason: str | None  # why the cell is n/a (None: it is graded)
    parameters: str  # canonical JSON of what decides the result
    key: str  # sha256 of `parameters`

    @property
    def graded(self) -> bool:
        return self.spec is not None


# ---------------------------------------------------------------- the options


def split_names(text: str, option: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(word.strip() for word in text.split(",") if word.strip()))
    if not names:
        raise SymbolicError(f"{option}: give at least one name")
    return names


def function_names(text: str) -> tuple[str, ...]:
    """Family names (an alias becomes its function's name), `all` for the whole family."""
    names: list[str] = []
    for word in split_names(text, "--functions"):
        if word == ALL:
            names += [member.language_name() for member in FAMILY.values()]
        elif word in FAMILY:
            names.append(FAMILY[word].language_name())
        else:
            raise SymbolicError(
                f"--functions: unknown function {word!r}; the family: {', '.join(FAMILY)}, {ALL}"
            )
    return tuple(dict.fromkeys(names))


def impl_names(text: str) -> tuple[str, ...]:
    known = tuple(dict.fromkeys([*LIBRARIES, *BUILT_IN]))
    names = split_names(text, "--impls")
    for word in names:
        if word not in known:
            raise SymbolicError(
                f"--impls: unknown implementation {word!r}; the built-in ones: {', '.join(known)}"
            )
    return names


def dtype_names(text: str, exhaustive: bool) -> tuple[str, ...]:
    names = split_names(text, "--dtypes")
    for word in names:
        if word not in FORMAT_NAMES:
            raise SymbolicError(
                f"--dtypes: unknown dtype {word!r}; the formats: {', '.join(FORMAT_NAMES)}"
            )
        if exhaustive and word == "float64":
            raise SymbolicError(
                "--exhaustive is for float32, float16 and bfloat16 (2^64 inputs is too many): "
                "use --samples, or leave float64 out of --dtypes"
            )
    return names


def check_samples(samples: int) -> int:
    if not 1 <= samples <= MAX_SAMPLES:
        raise SymbolicError(f"--samples must be from 1 to {MAX_SAMPLES}")
    return samples


# ---------------------------------------------------------------- the plan


def library_of(impl: str) -> str:
    """The installed distribution that computes `impl` (textbook formulas are NumPy's)."""
    return impl if impl in LIBRARIES else "numpy"


def library_version(name: str) -> str | None:
    """The installed version of a library, None when it is not installed."""
    if importlib.util.find_spec(name) is None:
        return None
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def plan(options: Options) -> list[Planned]:
    """Every cell of the matrix, in report order: function, implementation, dtype, direction."""
    return [
        planned(Cell(function, impl, dtype, direction), options)
        for function in options.functions
        for impl in options.impls
        for dtype in options.dtypes
        for direction in options.directions
    ]


def planned(cell: Cell, options: Options) -> Planned:
    library = library_of(cell.impl)
    version = library_version(library)
    parameters = json.dumps(
        {
            "format": FORMAT_VERSION,
            "function": cell.function,
            "impl": cell.impl,
            "of": cell.of,
            "dtype": cell.dtype,
            "direction": cell.direction,
            "mode": options.mode,
            "samples": None if options.exhaustive else options.samples,
            "seed": None if options.exhaustive else options.seed,
            "worst": WORST,
            "library": f"{library} {version}",
            "symbolic": __version__,
        },
        sort_keys=True,
    )
    key = hashlib.sha256(parameters.encode()).hexdigest()
    reason = not_applicable(cell, options, version)
    spec = None
    if reason is None:
        spec = Spec(
            cell.impl, cell.of, cell.dtype, options.exhaustive, options.samples, options.seed
        )
    return Planned(cell, spec, reason, parameters, key)


def not_applicable(cell: Cell, options: Options, version: str | None) -> str | None:
    """Why the cell cannot be graded (None: it can)."""
    member = cell.member
    if cell.impl not in built_in_names(member, cell.order):
        return f"{cell.impl} has no built-in {member.prime_name(cell.order)} in the registry"
    if version is None:
        return f"{library_of(cell.impl)} is not installed"
    try:  # a library without the function says so in one line (numpy has no erf)
        resolve(cell.impl, target_of(cell.of).named)
    except SymbolicError as error:
        return str(error)
    if (
        options.exhaustive
        and cell.dtype == "float32"
        and not has_fast_references(target_of(cell.of))
    ):
        return f"no vectorized references for {member.prime_name(cell.order)}: exhaustive float32 needs them"
    return None


def chunks(spec: Spec) -> list[tuple[int, int]]:
    """[start, stop) of each chunk task: bit patterns (exhaustive) or sample positions."""
    width = ieee.format_named(spec.dtype).dtype.itemsize * 8
    if spec.exhaustive:
        total, size = 1 << width, 1 << EXHAUSTIVE_CHUNK_BITS[width]
    else:
        total, size = spec.samples, SAMPLED_CHUNK
    return [(start, min(start + size, total)) for start in range(0, total, size)]
