"""`python -m evac`: the same as the `evac` command."""

from evac.cli import run

run()
