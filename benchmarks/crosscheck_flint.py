"""An independent cross-check of `oracle.rounded` by python-flint's Arb, used directly.

symbolic's references (`symbolic.numbers.oracle.rounded`, its vectorized and double-word
fast paths and the per-point Arb fallback) are compared with correctly rounded values
computed here from closed forms written out with `flint.arb` and rounded by this module's
own integer round-to-nearest-even (subnormals, overflow to ±inf, signed zeros), never
through float64. Nothing here goes through symbolic's expression evaluator.

Run by hand (2 processes; about 10^6 float32 bit patterns per function and order, and
every finite float16 and bfloat16 input):

    PYTHONPATH=. .venv/bin/python benchmarks/crosscheck_flint.py [N] [JOBS] [FUNC ...] [--sets=S,...]

N (default 1000000) random float32 bit patterns per (function, order), seeded by the
function and order, NaN and infinity patterns skipped; JOBS (default 2) processes. The
sets S (default float32,float16,bfloat16): float32 (N patterns, any exponent), float32-mid
(N patterns with 2^-24 ≤ |x| < 2^8, where the functions are neither linear nor
saturated), float16 and bfloat16 (every finite input).
Prints a Markdown table (points, disagreements, undecided, seconds) and the first few
disagreeing inputs (bits, x, symbolic's value, flint's value).

Conventions: an input is its exact value, so x = −0.0 is 0, and an exact zero result
rounds to +0 (symbolic's convention too; IEEE's tanh(−0) = −0 is not what is checked).
A ball whose two ends round differently is refined from 64 bits by doubling up to
MAX_BITS; a point still open then is reported as undecided, not as a disagreement.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
import zlib
from dataclasses import dataclass
from fractions import Fraction

import flint
import ml_dtypes
import numpy as np
from flint import arb, fmpq

FUNCTIONS = ["sigmoid", "tanh", "softplus", "log_sigmoid", "silu", "gelu", "gelu_tanh", "mish"]
START_BITS = 64
MAX_BITS = 8192
CLAMP = 4096  # |value| ≥ 2^CLAMP overflows and |value| < 2^-CLAMP underflows in every format


# ----------------------------------------------------------------------------- rounding


@dataclass(frozen=True)
class Format:
    """A binary interchange format: p significand bits (the hidden one included)."""

    name: str
    precision: int
    emin: int
    emax: int
    width: int
    dtype: object
    uint: object

    @property
    def bias(self) -> int:
        return self.emax

    def value(self, bits: int) -> Fraction | None:
        """The exact value of a bit pattern (None for ±inf and NaN; −0 gives 0)."""
        fraction_bits = self.precision - 1
        sign = -1 if bits >> (self.width - 1) else 1
        biased = (bits >> fraction_bits) & ((1 << (self.width - self.precision)) - 1)
        fraction = bits & ((1 << fraction_bits) - 1)
        if biased == (1 << (self.width - self.precision)) - 1:
            return None
        if biased == 0:
            return sign * Fraction(fraction) * Fraction(2) ** (self.emin - fraction_bits)
        significand = fraction + (1 << fraction_bits)
        return sign * Fraction(significand) * Fraction(2) ** (biased - self.bias - fraction_bits)


FORMATS = {
    "float32": Format("float32", 24, -126, 127, 32, np.float32, np.uint32),
    "float16": Format("float16", 11, -14, 15, 16, np.float16, np.uint16),
    "bfloat16": Format("bfloat16", 8, -126, 127, 16, ml_dtypes.bfloat16, np.uint16),
}


def _encode(negative: bool, significand: int, quantum: int, fmt: Format) -> int:
    """The bit pattern of ±significand·2^quantum, significand < 2^p after rounding."""
    sign = (1 << (fmt.width - 1)) if negative else 0
    p = fmt.precision
    if significand == 1 << p:  # the rounding carried into the next binade
        significand, quantum = 1 << (p - 1), quantum + 1
    if significand < 1 << (p - 1):  # subnormal or zero: quantum is emin - (p - 1)
        return sign | significand
    exponent = quantum + p - 1
    if exponent > fmt.emax:
        return sign | (((1 << (fmt.width - p)) - 1) << (p - 1))  # ±inf
    return sign | ((exponent + fmt.bias) << (p - 1)) | (significand - (1 << (p - 1)))


def round_rational(numerator: int, denominator: int, fmt: Format) -> int:
    """The bit pattern of numerator/denominator rounded to nearest, ties to even.

    Exact integer arithmetic only: subnormals, overflow to ±inf (from max + ½ ulp on),
    −0 for a negative value that rounds to zero, +0 for exact zero.
    """
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    negative = numerator < 0
    n = -numerator if negative else numerator
    if n == 0:
        return 0
    d = denominator
    # e = floor(log2(n/d))
    e = n.bit_length() - d.bit_length()
    if (n < d << e) if e >= 0 else (n << -e < d):
        e -= 1
    if e >= CLAMP:
        return _encode(negative, 1 << fmt.precision, fmt.emax, fmt)  # ±inf
    if e < -CLAMP:
        return _encode(negative, 0, fmt.emin - fmt.precision + 1, fmt)  # ±0
    quantum = max(e, fmt.emin) - (fmt.precision - 1)
    if quantum >= 0:
        significand, remainder = divmod(n, d << quantum)
        divisor = d << quantum
    else:
        significand, remainder = divmod(n << -quantum, d)
        divisor = d
    twice = 2 * remainder
    if twice > divisor or (twice == divisor and significand & 1):
        significand += 1
    return _encode(negative, significand, quantum, fmt)


def round_dyadic(mantissa: int, exponent: int, fmt: Format) -> int:
    """The bit pattern of mantissa·2^exponent correctly rounded (exponent may be huge)."""
    if mantissa == 0:
        return 0
    top = abs(mantissa).bit_length() + exponent
    if top > CLAMP + 2:  # overflows in every format: ±inf
        return _encode(mantissa < 0, 1 << fmt.precision, fmt.emax, fmt)
    if top < -CLAMP - 2:  # below half the smallest subnormal of every format: ±0
        return _encode(mantissa < 0, 0, fmt.emin - fmt.precision + 1, fmt)
    if exponent >= 0:
        return round_rational(mantissa << exponent, 1, fmt)
    return round_rational(mantissa, 1 << -exponent, fmt)


def round_ball(ball: arb, fmt: Format) -> int | None:
    """The rounding of every point of the ball, or None when its ends round differently."""
    if not ball.is_finite():
        return None
    # lower() and upper() round outwards to the context's precision: still an enclosure
    low = ball.lower().man_exp()
    high = ball.upper().man_exp()
    low_bits = round_dyadic(int(low[0]), int(low[1]), fmt)
    high_bits = round_dyadic(int(high[0]), int(high[1]), fmt)
    return low_bits if low_bits == high_bits else None


# ----------------------------------------------------------------------------- closed forms

GELU_TANH_C = fmpq(44715, 10**6)  # 0.044715 exactly
TAIL = -4  # GELU and GELU′ below: Φ through Kummer's U, not erfc


def _sig(t: arb) -> arb:
    """σ(t) = 1/(1 + e^(−t)): no cancellation for either sign of t."""
    return 1 / (1 + (-t).exp())


def _softplus(x: arb) -> arb:
    return x.exp().log1p()


def _gelu_u(x: arb) -> tuple[arb, arb]:
    """u = √(2/π)(x + 0.044715x³) and u′ = √(2/π)(1 + 3·0.044715x²)."""
    scale = (2 / arb.pi()).sqrt()
    c = arb(GELU_TANH_C)
    return scale * (x + c * x**3), scale * (1 + 3 * c * x**2)


def _phi(x: arb) -> arb:
    """The standard normal density e^(−x²/2)/√(2π)."""
    return (-(x**2) / 2).exp() / (2 * arb.pi()).sqrt()


def _cdf(x: arb) -> arb:
    """Φ(x) = erfc(−x/√2)/2."""
    return (-x / arb(2).sqrt()).erfc() / 2


def _mills(x: arb) -> arb:
    """Φ(x)/φ(x) for x < 0, as U(½, ½, x²/2)/√2 (Kummer's U: erfc(z) = e^(−z²)U(½, ½, z²)/√π).

    Arb's erfc far in the tail is a ball around 0 (erfc(10^6/√2) = [± 2e-…]); U keeps
    the relative accuracy, so Φ = φ·Φ/φ decides wherever φ does.
    """
    half = arb(1) / 2
    return (x**2 / 2).hypgeom_u(half, half) / arb(2).sqrt()


def _gelu(x: arb) -> arb:
    if x < TAIL:
        return x * _phi(x) * _mills(x)
    return x * _cdf(x)


def _gelu_d(x: arb) -> arb:
    if x < TAIL:
        return _phi(x) * (_mills(x) + x)  # Φ + xφ = φ(Φ/φ + x)
    return _cdf(x) + x * _phi(x)


def _gelu_tanh(x: arb) -> arb:
    u, _ = _gelu_u(x)
    return x * _sig(2 * u)  # x/2·(1 + tanh u) with 1 + tanh u = 2σ(2u)


def _gelu_tanh_d(x: arb) -> arb:
    u, du = _gelu_u(x)
    return _sig(2 * u) + x * u.sech() ** 2 * du / 2


def _mish_d(x: arb) -> arb:
    sp = _softplus(x)
    return sp.tanh() + x * sp.sech() ** 2 * _sig(x)


CLOSED_FORMS = {
    ("sigmoid", 0): _sig,
    ("sigmoid", 1): lambda x: _sig(x) * _sig(-x),  # σ(1 − σ) with 1 − σ(x) = σ(−x)
    ("tanh", 0): lambda x: x.tanh(),
    ("tanh", 1): lambda x: x.sech() ** 2,
    ("softplus", 0): _softplus,
    ("softplus", 1): _sig,
    ("log_sigmoid", 0): lambda x: -_softplus(-x),
    ("log_sigmoid", 1): lambda x: _sig(-x),
    ("silu", 0): lambda x: x * _sig(x),
    ("silu", 1): lambda x: _sig(x) * (1 + x * _sig(-x)),
    ("gelu", 0): _gelu,
    ("gelu", 1): _gelu_d,
    ("gelu_tanh", 0): _gelu_tanh,
    ("gelu_tanh", 1): _gelu_tanh_d,
    ("mish", 0): lambda x: x * _softplus(x).tanh(),
    ("mish", 1): _mish_d,
}


def closed_form(name: str, order: int, x: Fraction | float) -> arb:
    """f^(order)(x) as an Arb ball at the context's working precision (x exact)."""
    # a double is a dyadic of 53 bits, exact at 64 bits and more; so is a dyadic Fraction
    point = arb(fmpq(x.numerator, x.denominator) if isinstance(x, Fraction) else float(x))
    if not point.is_exact():
        raise ValueError(f"x = {x!r} is not exact at {flint.ctx.prec} bits")
    return CLOSED_FORMS[(name, order)](point)


def flint_rounded(name: str, order: int, x: float | Fraction, fmt: Format) -> int | None:
    """The bit pattern of f^(order)(x) correctly rounded to fmt, or None if undecided."""
    old = flint.ctx.prec
    bits = START_BITS
    try:
        while bits <= MAX_BITS:
            flint.ctx.prec = bits  # the ball's ends too are taken at this precision
            decided = round_ball(closed_form(name, order, x), fmt)
            if decided is not None:
                return decided
            bits *= 2
    finally:
        flint.ctx.prec = old
    return None


# ----------------------------------------------------------------------------- comparison


SETS = {  # the input sets: their format, and a name for the table
    "float32": "float32",
    "float32-mid": "float32",  # 2^-24 ≤ |x| < 2^8, where none of the functions saturates
    "float16": "float16",
    "bfloat16": "bfloat16",
}
DEFAULT_SETS = ["float32", "float16", "bfloat16"]


def inputs(set_name: str, count: int, name: str, order: int) -> np.ndarray:
    """The finite bit patterns checked: `count` random float32 ones (any exponent, or
    2^-24 ≤ |x| < 2^8 for float32-mid), or every 16-bit one."""
    fmt = FORMATS[SETS[set_name]]
    if set_name == "float32-mid":
        rng = np.random.default_rng(zlib.crc32(f"mid:{name}:{order}".encode()))
        patterns = rng.integers(0, 1 << 32, count, dtype=np.uint64)
        biased = rng.integers(127 - 24, 127 + 8, count, dtype=np.uint64)
        patterns = ((patterns & 0x807FFFFF) | (biased << 23)).astype(np.uint32)
    elif fmt.width == 32:
        rng = np.random.default_rng(zlib.crc32(f"{name}:{order}".encode()))
        patterns = rng.integers(0, 1 << 32, count, dtype=np.uint64).astype(np.uint32)
    else:
        patterns = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16)
    exponent_mask = ((1 << (fmt.width - fmt.precision)) - 1) << (fmt.precision - 1)
    finite = (patterns.astype(np.uint64) & exponent_mask) != exponent_mask
    return patterns[finite]


def symbolic_bits(name: str, order: int, patterns: np.ndarray, fmt: Format) -> np.ndarray:
    """symbolic's references as bit patterns (the input's dtype defines the format)."""
    from symbolic.numbers import oracle

    xs = patterns.astype(fmt.uint).view(fmt.dtype)
    values = np.asarray(oracle.rounded(f"{name}(x)", xs, order=order))
    if values.dtype != np.dtype(fmt.dtype):
        raise TypeError(f"oracle.rounded gave {values.dtype} for {fmt.name} input")
    return values.view(fmt.uint).astype(np.uint64)


def check_chunk(task: tuple[str, int, str, np.ndarray]) -> tuple[int, list, list]:
    """(points, disagreements, undecided) for one chunk of bit patterns."""
    name, order, fmt_name, patterns = task
    fmt = FORMATS[fmt_name]
    theirs = symbolic_bits(name, order, patterns, fmt)
    xs = patterns.astype(fmt.uint).view(fmt.dtype).astype(np.float64)
    disagreements, undecided = [], []
    for pattern, x, reference in zip(patterns.tolist(), xs.tolist(), theirs.tolist(), strict=True):
        ours = flint_rounded(name, order, x, fmt)
        if ours is None:
            undecided.append((pattern, x, reference))
        elif ours != reference:
            disagreements.append((pattern, x, reference, ours))
    return len(patterns), disagreements, undecided


def describe(bits: int, fmt: Format) -> str:
    value = fmt.value(bits)
    if value is None:
        return ("-" if bits >> (fmt.width - 1) else "+") + "inf"
    if value == 0:
        return "-0" if bits >> (fmt.width - 1) else "+0"
    return repr(float(np.array(bits, dtype=fmt.uint).view(fmt.dtype)))


def run(count: int, jobs: int, names: list[str], sets: list[str], chunk: int = 8192) -> None:
    rows, reports = [], []
    started_all = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for name in names:
            for order in (0, 1):
                for set_name in sets:
                    fmt_name = SETS[set_name]
                    fmt = FORMATS[fmt_name]
                    patterns = inputs(set_name, count, name, order)
                    tasks = [
                        (name, order, fmt_name, patterns[i : i + chunk])
                        for i in range(0, len(patterns), chunk)
                    ]
                    started = time.perf_counter()
                    points, wrong, open_ = 0, [], []
                    for n, d, u in pool.imap_unordered(check_chunk, tasks):
                        points, wrong, open_ = points + n, wrong + d, open_ + u
                    seconds = time.perf_counter() - started
                    rows.append((name, order, set_name, points, len(wrong), len(open_), seconds))
                    print(
                        f"{name} order {order} {set_name}: {points} points, {len(wrong)} "
                        f"disagreements, {len(open_)} undecided, {seconds:.1f} s",
                        file=sys.stderr,
                        flush=True,
                    )
                    for pattern, x, reference, ours in sorted(wrong)[:5]:
                        reports.append(
                            f"{name} order {order} {set_name}: bits {pattern:#x} x = {x!r}: "
                            f"symbolic {describe(reference, fmt)}, flint {describe(ours, fmt)}"
                        )
                    for pattern, x, reference in sorted(open_)[:5]:
                        reports.append(
                            f"{name} order {order} {set_name}: bits {pattern:#x} x = {x!r}: "
                            f"undecided at {MAX_BITS} bits (symbolic {describe(reference, fmt)})"
                        )
    total = time.perf_counter() - started_all
    print("| f | order | format | points | disagreements | undecided | seconds |")
    print("|---|---|---|---|---|---|---|")
    for name, order, set_name, points, wrong, open_, seconds in rows:
        print(f"| {name} | {order} | {set_name} | {points:,} | {wrong} | {open_} | {seconds:.1f} |")
    points = sum(row[3] for row in rows)
    print(f"\n{points:,} points in {total:.0f} s with {jobs} processes")
    for line in reports:
        print(line)


def main(argv: list[str]) -> None:
    options = [a for a in argv if a.startswith("--sets=")]
    argv = [a for a in argv if not a.startswith("--sets=")]
    sets = options[-1].removeprefix("--sets=").split(",") if options else DEFAULT_SETS
    count = int(argv[0]) if argv else 1_000_000
    jobs = int(argv[1]) if len(argv) > 1 else 2
    names = argv[2:] or FUNCTIONS
    unknown = (set(names) - set(FUNCTIONS)) | (set(sets) - set(SETS))
    if unknown:
        raise SystemExit(f"unknown functions or sets: {sorted(unknown)}")
    run(count, jobs, names, sets)


if __name__ == "__main__":
    main(sys.argv[1:])
