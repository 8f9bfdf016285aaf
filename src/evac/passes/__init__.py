"""Passes: signed, expiring, per-party tokens that a gate checks offline."""
