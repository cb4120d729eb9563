"""Arithmetic below every other layer: Arb balls, exact decimals, IEEE formats, double-words."""
