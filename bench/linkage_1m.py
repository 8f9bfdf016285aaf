"""Linkage on 1,000,000 scenario registrations: target F1 >= 0.95 in under 5 minutes on 2 cores.

Same run: the exact-match anchor. Splink with default comparisons on raw names is left out at
this size: on 2026-11-25 it passed 22.6 GB of memory on a 23 GB machine before it finished
(its blocks on raw names grow with the square of the commonest names) and was stopped; its
figure is in the 100,000-registration bench (`bench/linkage_100k.py`).
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
    arguments = parser.parse_args()
    scenario_benchmark(
        1_000_000, with_splink_default=False, households=not arguments.without_households
    )
