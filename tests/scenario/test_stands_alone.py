"""evac stands on its own: the Kabul 2021 figures ship in the package, nothing points outside."""

import os
import re
import subprocess
import sys
from pathlib import Path

import evac
from evac.scenario.operations import AIRLIFT_FILE, default_data_folder

REPOSITORY = Path(__file__).resolve().parents[2]
# What a checkout once read its figures from: a folder beside the repository, not shipped.
OUTSIDE = re.compile(r"\.\./shared|/work/shared|shared/(data|notes|DESIGN)")


def test_the_kabul_figures_ship_inside_the_package():
    folder = default_data_folder()
    assert folder.is_relative_to(Path(evac.__file__).parent)
    assert (folder / AIRLIFT_FILE).is_file() and (folder / "kabul-2021-facts.md").is_file()


def test_the_command_builds_kabul_with_no_data_folder_and_no_environment(tmp_path):
    """A new user's first command, run where no figures lie around: its 739 sorties and the
    airlift's days (docs/scenario.md: the 778 flights less the 39 before the first window)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("EVAC_")}
    env |= {"EVAC_DATABASE_URL": f"sqlite:///{tmp_path / 'evac.db'}", "COLUMNS": "200"}
    run = subprocess.run(
        [sys.executable, "-m", "evac", "scenario", "operation", "kabul-2021"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    table = run.stdout + run.stderr
    days = re.findall(r"^\W*(2021-08-\d\d)\W", table, flags=re.MULTILINE)
    assert days[0] == "2021-08-16" and days[-1] == "2021-08-30"  # Kabul's local days
    footer = re.search(r"total\W+([\d,]+)\W+([\d,]+)\W+([\d,]+)", table)
    assert footer, table
    assert sum(int(n.replace(",", "")) for n in footer.groups()) == 739


def test_no_run_time_file_or_doc_points_outside_the_repository():
    texts = [REPOSITORY / "README.md", REPOSITORY / "Makefile", REPOSITORY / "pyproject.toml"]
    for folder, pattern in (("src/evac", "*.*"), ("docs", "*.md")):
        texts += [p for p in (REPOSITORY / folder).rglob(pattern) if "__pycache__" not in p.parts]
    pointing = [
        f"{path.relative_to(REPOSITORY)}:{number}"
        for path in texts
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert pointing == []
