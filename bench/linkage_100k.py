"""Linkage on 100,000 scenario registrations: pairwise precision, recall, F1, blocking recall, time.

Same run: an exact-match baseline (the anchor) and Splink with default comparisons on raw
names. Data: `evac scenario generate` (its truth file), sized from a pilot to ~100,000 rows.
"""

import argparse

from evac.linkage.evaluation import scenario_benchmark

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--without-households",
        action="store_true",
        help="drop household_id, as a file in the documented format has none",
    )
    parser.add_argument(
        "--without-splink-defaults",
        action="store_true",
        help="leave out the Splink-defaults baseline (about 3 minutes on 2 cores)",
    )
    arguments = parser.parse_args()
    scenario_benchmark(
        100_000,
        households=not arguments.without_households,
        with_splink_default=not arguments.without_splink_defaults,
    )
