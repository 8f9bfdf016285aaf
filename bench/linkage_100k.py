"""Linkage on 100,000 scenario registrations: pairwise precision, recall, F1, blocking recall, time.

Same run: an exact-match baseline (the anchor) and Splink with default comparisons on raw
names. Data: `evac scenario generate` (its truth file), sized from a pilot to ~100,000 rows.
"""

from evac.linkage.evaluation import scenario_benchmark

if __name__ == "__main__":
    scenario_benchmark(100_000)
