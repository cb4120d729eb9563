"""Regenerates hard_to_round.toml: python -m tests.data.make_hard_to_round (from the repo).

The candidates are inputs listed in CORE-MATH's binary64 worst-case files
(src/binary64/FUNCTION/FUNCTION.wc, read in the public copy nak5124/core-math); those files
name their own origin (Lefèvre's testlibm data, or bacsel runs by the CORE-MATH authors).
Such lists hold inputs whose value is close to a midpoint OR to a binary64 number. Every
candidate is measured here with mpmath at 200 and 260 digits; only those within 2^−40 ulp
of a midpoint are kept (the ones close to a float do not test round-to-nearest).
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath

from tests.family_references import HARD_TO_ROUND, binary64_nearest, midpoint_distance

CANDIDATES = {
    "tanh": [  # src/binary64/tanh/tanh.wc
        "0x1.000b47bdb383fp-9",
        "0x1.0017d47cec425p-12",
        "0x1.002b19915b12bp-7",
        "0x1.004524207fad9p-3",
        "0x1.00578555b8adp-12",
        "0x1.00a0f3cf999acp+2",
        "0x1.015bdb2761717p+4",
        "0x1.015cee8026857p+1",
        "0x1.01885ae3c818ap+0",
        "0x1.018a1e31f3a2fp-4",
        "0x1.01ae2526d9494p+2",
        "0x1.028bf1d22b07dp-2",
        "0x1.02a3ad2ef6f49p-24",
        "0x1.0481dc5df327dp-1",
        "0x1.0487b6ec9ca7ap+4",
        "0x1.055473494e40dp+0",
        "0x1.097519f44243fp+3",
        "0x1.0a402fcc79292p-25",
        "0x1.0a402fcc79299p-25",
        "0x1.30fc1931f09c8p+4",
        "0x1.30fc1931f09cbp+4",
        "0x1.3bacd6561ff5ap-25",
        "0x1.61246d6ad9aecp-25",
        "0x1.5df614016d36fp-1",
        "0x1.45131cccb1af8p+0",
        "0x1.1a4b21a881e85p+0",
        "0x1.0e000000280b9p-16",
        "0x1.4a000000491d3p-16",
        "0x1.154a9764eae0bp+3",
        "0x1.2f92275748a2ap+3",
        "0x1.0a1d033883203p-3",
        "0x1.0a2614966530cp-1",
        "0x1.1005ec0bccabbp-1",
        "0x1.2e24cacd5ec36p+0",
        "0x1.312833319664dp+0",
    ],
    "erf": [  # src/binary64/erf/erf.wc
        "0x1.6d5ad4307dd52p-7",
        "0x1.037b548d9d7a6p-61",
        "0x1.059a3d07be48cp-61",
        "0x1.b29b794a69195p-61",
        "0x1.037b548d9d7a6p-1023",
        "0x1.eb4ac6763ac06p-13",
        "0x1.ec498f7291aa4p-13",
        "0x1.03177fd024092p-12",
        "0x1.01f0013b90315p-12",
        "0x1.9e07a588b8693p-12",
        "0x1.b1516725d4577p-12",
        "0x1.b3dd798ce3facp-5",
        "0x1.b02523faece9cp-5",
        "0x1.c324ac62265ap-5",
        "0x1.fffff4a53ff9p-5",
        "0x1.047e0c8ec7b19p-4",
        "0x1.05def037cf19ep-4",
        "0x1.5755fc935bf29p-4",
        "0x1.6a71812ae7edbp-4",
        "0x1.75d191137d5c7p-4",
        "0x1.cb3a98443fd2cp-5",
        "0x1.ec5cb33d3a54ep-5",
        "0x1.03573a338f55fp-4",
        "0x1.2a51a6688bae2p-4",
    ],
    "erfc": [  # src/binary64/erfc/erfc.wc
        "0x1.c5bf891b4ef6bp-55",
        "0x1.c5bf891b4ef6cp-55",
        "0x1.c5bf891b4f0p-55",
        "0x1.8283ddccd2085p+3",
        "0x1.834f0de2fcd2fp+3",
        "0x1.91070f4c42084p+3",
        "0x1.a776b35ca81b3p+3",
        "0x1.f8690b411b2bep+3",
        "0x1.d8048cec04d92p+2",
        "0x1.e00be2e868defp+2",
        "0x1.0a171e688ca74p+4",
        "0x1.2ae65a9b19942p+4",
        "0x1.5c2932354932ap+4",
        "0x1.7569901713a6ap+4",
        "0x1.3e1b855b5c463p+4",
        "0x1.870ab30d185a3p+3",
        "0x1.9338bb0f29da7p+3",
        "0x1.b17cdea3806d9p+3",
        "0x1.dc23076cf69b6p+2",
        "0x1.1b005ce8a62d2p+4",
        "-0x1.acd1f5559453cp-23",
        "-0x1.aa190a5a63f29p-23",
        "-0x1.a5bb4dd5a3e3cp-23",
        "-0x1.8cbfb40dc6658p-23",
        "-0x1.fdef967e7b018p-22",
        "-0x1.4c1fa71d36efbp-23",
        "-0x1.0c4b46bd7ada1p-23",
    ],
    "expm1": [  # src/binary64/expm1/expm1.wc
        "0x1.00091a4a0dae5p+2",
        "0x1.000bffb8030a7p-39",
        "0x1.002881d0cbecfp-12",
        "0x1.006652fb6febep-3",
        "0x1.0076d13ab9d18p+4",
        "0x1.00ada891b730cp+0",
        "0x1.011dd7222b8d2p+1",
        "0x1.01e5ceb2c761ep+5",
        "0x1.02e473c781d6ep+6",
        "0x1.03e7aea5af7fap-2",
        "0x1.03f81f636b806p-47",
        "0x1.07e0f66afed03p-48",
        "0x1.0d0fd1d8858a6p-1",
        "0x1.1e3779b97f4ap-50",
        "0x1.08f61e2cdac9ap+6",
        "0x1.099aa4abe33dcp+0",
        "0x1.0f876ccdf6cd5p-49",
        "0x1.0e2a38d39c0ap-1",
        "0x1.10f0c05830a1bp-1",
        "0x1.13d2f0e235b3p+0",
        "0x1.191ed705112ebp+0",
        "0x1.0c7289dfa6823p-2",
    ],
    "log": [  # src/binary64/log/log.wc
        "0x1.a6ae5142326b5p+0",
        "0x1.a6ba95b1520f9p+0",
        "0x1.1e852e6951306p+1",
        "0x1.dafdb40362537p+0",
        "0x1.967e2d739876bp+1",
        "0x1.39e3e05fe5f35p+3",
        "0x1.0af4fba7063b8p+4",
        "0x1.49d218d102f06p+5",
        "0x1.15956b273c365p+8",
        "0x1.07598f4a78f02p+9",
        "0x1.a455a70c31d8p+13",
        "0x1.561031d4db97cp+16",
        "0x1.3e2cabb17c6a9p+19",
        "0x1.8992bd496d364p+25",
        "0x1.8e27f4f0e6c74p+34",
        "0x1.a6004162f2b8cp+45",
        "0x1.a702b2ce91b3p+0",
        "0x1.b072ab04ee9bfp+0",
        "0x1.c877cba59d0acp+0",
        "0x1.bbfff9457d5c3p+0",
        "0x1.24dea21900258p+1",
        "0x1.3fa2991e8c0c2p+1",
    ],
}

SOURCE = {
    "tanh": "lefevre-testlibm",
    "expm1": "lefevre-testlibm",
    "log": "lefevre-hrcases",
    "erf": "core-math-bacsel",
    "erfc": "core-math-bacsel",
}
SOURCES = {
    "lefevre-testlibm": "CORE-MATH src/binary64/{tanh,expm1}/*.wc (copy nak5124/core-math), "
    "which take them from https://www.vinc17.net/research/testlibm/testlibm-data.xz "
    "(update of 2020-11-27)",
    "lefevre-hrcases": "CORE-MATH src/binary64/log/log.wc (copy nak5124/core-math), from "
    "https://www.vinc17.net/research/testlibm/hrcases/hrcases-explog.xz",
    "core-math-bacsel": "CORE-MATH src/binary64/{erf,erfc}/*.wc (copy nak5124/core-math): "
    "worst cases computed by the CORE-MATH authors with bacsel -m 44",
    "odd-symmetry": "the negation of a listed input (tanh and erf are odd), same distance",
}
ODD = ("tanh", "erf")
NEGATED_PER_FUNCTION = 3
THRESHOLD = Fraction(1, 2**40)

MPMATH = {
    "tanh": mpmath.tanh,
    "erf": mpmath.erf,
    "erfc": mpmath.erfc,
    "expm1": mpmath.expm1,
    "log": mpmath.log,
}


def exact(v: mpmath.mpf) -> Fraction:
    man, exp = v.man_exp  # man_exp drops the sign
    magnitude = Fraction(man) * Fraction(2) ** exp
    return -magnitude if v < 0 else magnitude


def measure(function: str, x: float) -> tuple[float, Fraction]:
    """(f(x) rounded to nearest, distance of f(x) to the nearest midpoint in ulps), from
    mpmath at 200 digits, checked against 260 digits."""
    results = []
    for dps in (200, 260):
        with mpmath.workdps(dps):
            q = exact(MPMATH[function](mpmath.mpf(x)))
        results.append((binary64_nearest(q), midpoint_distance(q)))
    (nearest, distance), (nearest2, distance2) = results
    assert nearest == nearest2 and abs(distance - distance2) < distance * Fraction(1, 10**6)
    return nearest, distance


def main() -> None:
    entries = []
    negated = dict.fromkeys(ODD, 0)
    for function, text in ((f, h) for f, hs in CANDIDATES.items() for h in hs):
        x = float.fromhex(text)
        nearest, distance = measure(function, x)
        if distance >= THRESHOLD:
            continue
        entries.append((function, x, nearest, distance, SOURCE[function]))
        if function in ODD and negated[function] < NEGATED_PER_FUNCTION:
            negated[function] += 1
            n_nearest, n_distance = measure(function, -x)
            assert n_nearest == -nearest and abs(n_distance - distance) < distance / 10**6
            entries.append((function, -x, n_nearest, n_distance, "odd-symmetry"))
    out = [
        "# Hard-to-round binary64 inputs: f(x) lies within 2^-40 ulp of a midpoint between two",
        "# binary64 numbers. Written by tests/data/make_hard_to_round.py; expected results",
        "# from mpmath at 200 digits (checked at 260), rounded to nearest-even with exact",
        "# rational arithmetic. log2_distance = log2(|f(x) - nearest midpoint| / ulp).",
        "",
        "[sources]",
    ]
    out += [f'{key} = "{text}"' for key, text in SOURCES.items()]
    for function, x, nearest, distance, source in entries:
        log2 = math.log2(distance.numerator) - math.log2(distance.denominator)
        out += [
            "",
            "[[case]]",
            f'function = "{function}"',
            f'x = "{x.hex()}"',
            f'nearest = "{nearest.hex()}"',
            f"log2_distance = {log2:.2f}",
            f'source = "{source}"',
        ]
    HARD_TO_ROUND.write_text("\n".join(out) + "\n")
    counts = {f: sum(e[0] == f for e in entries) for f in MPMATH}
    print(f"{len(entries)} cases written: {counts}")


if __name__ == "__main__":
    main()
