"""Linkage on 1,000,000 scenario registrations: target F1 >= 0.95 in under 5 minutes on 2 cores.

Same run: the exact-match anchor and Splink with default comparisons on raw names.
"""

from evac.linkage.evaluation import scenario_benchmark

if __name__ == "__main__":
    scenario_benchmark(1_000_000)
