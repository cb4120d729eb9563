"""The prover: a verdict with a certificate for every claim kind.

A verdict is `proved` (the certificate lists the steps of a proof), `refuted` (a
counterexample whose failure is certified with Arb balls or exact algebra), or
`unknown` (with the reason and the numeric evidence gathered). Soundness first: a
proof comes only from exact reasoning (`symbolic.prove.relations`: definedness, the e^x
substitution and exact sign charts); SymPy's limit, range and monotonicity helpers
are never used. Every verdict is then re-checked by a second, independent route
(`symbolic.prove.rechecks`); a disagreement turns it into `unknown` with a loud message.
Each kind's strategy is its class in `symbolic.prove.kinds`.
"""

from __future__ import annotations

import sympy

from symbolic.errors import SymbolicError
from symbolic.prove import rechecks
from symbolic.prove.claim import Claim
from symbolic.prove.kinds import KINDS
from symbolic.prove.signs import NotRationalError
from symbolic.prove.verdict import Verdict

__all__ = ["KINDS", "Verdict", "prove"]


def prove(claim: Claim) -> Verdict:
    """The verdict for one claim, re-checked by an independent route."""
    try:
        verdict = KINDS[claim.kind].prove(claim)
    except (
        NotRationalError,
        SymbolicError,
        sympy.polys.polyerrors.PolynomialError,
        sympy.polys.polyerrors.DomainError,
        OverflowError,
    ) as why:
        verdict = Verdict.unknown(claim.kind, f"no exact method applies ({why})")
    return rechecks.recheck(claim, verdict)
