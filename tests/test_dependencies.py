"""Every module evac imports at run time is a declared dependency: `pip install evac` suffices."""

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPOSITORY = Path(__file__).resolve().parents[1]


def _imported_modules() -> dict[str, str]:
    """Top-level modules imported anywhere under src/evac (at any depth), with one importer."""
    found: dict[str, str] = {}
    for path in (REPOSITORY / "src" / "evac").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(REPOSITORY)))
    return found


def _declared(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(text).name) for text in requirements}


def test_every_imported_module_is_a_declared_dependency():
    project = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]
    # pyspark comes with the spark extra: only `--engine spark` imports it
    declared = _declared(project["dependencies"] + project["optional-dependencies"]["spark"])
    distributions = packages_distributions()
    third_party = {
        module: importer
        for module, importer in _imported_modules().items()
        if module != "evac" and module not in sys.stdlib_module_names
    }
    assert "pandas" in third_party  # the scan sees linkage's imports
    undeclared = {
        module: importer
        for module, importer in third_party.items()
        if not {canonicalize_name(d) for d in distributions.get(module, [module])} & declared
    }
    assert undeclared == {}
