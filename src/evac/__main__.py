"""`python -m evac`: the same as the `evac` command."""

from evac.cli import run

if __name__ == "__main__":  # not when a spawned worker (simulation's replications) imports it
    run()
