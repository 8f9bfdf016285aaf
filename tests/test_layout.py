"""Data flows one way (docs/architecture.md): no domain imports a domain downstream of it.
Shared packages (people, operation, vault, auth, the core files) may be imported by all."""

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "evac"
# The flow, upstream first; `reports` reads what every domain wrote, `simulation` reads
# operation, population and plan and writes nothing operational.
FLOW = [
    "intake",
    "linkage",
    "eligibility",
    "planning",
    "passes",
    "notify",
    "gate",
    "manifest",
    "track",
    "reports",
    "simulation",
]


def _evac_imports(path: Path) -> set[str]:
    """The evac domains a module imports, at any depth of its code."""
    domains = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        domains |= {name.split(".")[1] for name in names if name.startswith("evac.")}
    return domains


@pytest.mark.parametrize("domain", [d for d in FLOW if (SOURCE / d).is_dir()])
def test_no_domain_imports_one_downstream_of_it(domain):
    downstream = set(FLOW[FLOW.index(domain) + 1 :])
    found = {
        f"{path.relative_to(SOURCE)} imports evac.{imported}"
        for path in (SOURCE / domain).rglob("*.py")
        for imported in _evac_imports(path) & downstream
    }
    assert sorted(found) == []


def test_the_flow_names_every_domain_there_is():
    shared = {"people", "operation", "vault", "auth", "scenario", "web", "migrations", "locales"}
    packages = {p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.py"))}
    assert packages - shared - set(FLOW) == set()
