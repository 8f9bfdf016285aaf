"""The gate: check-in, ECC stations, conflicts for a supervisor, accountability."""
