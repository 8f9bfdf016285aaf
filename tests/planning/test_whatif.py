"""What-if changes on a problem: more or fewer sorties within the runway's slots, a gate
closed, a hub full."""

from collections import Counter

import pytest

from evac.planning.problem import ProblemError, problem_from_dict
from evac.planning.solve import solve
from evac.planning.whatif import Change, apply
from tests.planning.problems import at, party, problem


def busy_runway() -> dict:
    """Departures at every hour from 3:00 to 9:00; a runway of one departure an hour."""
    return problem(
        groups=[party(f"P{n}", 3) for n in range(40)],
        sorties=[
            {"id": f"S{h}", "departs": at(h + 0.25), "seats": 10, "hub": "H"} for h in range(3, 10)
        ],
        hours=12,
    )


def test_extra_sorties_take_only_free_runway_slots():
    base = problem_from_dict(busy_runway())
    changed = apply(base, Change(extra_sorties=4), departures_per_hour=1)
    extra = [s for s in changed.sorties if s.id.startswith("EXTRA")]
    assert len(extra) == 3  # hours 10 and 11 (and 2, before: from 3:00 anyone can be airside)
    per_hour = Counter(s.departs.replace(minute=0) for s in changed.sorties)
    assert max(per_hour.values()) == 1
    assert all(s.seats == 10 and s.hub == "H" for s in extra)
    unlimited = apply(base, Change(extra_sorties=4))
    assert len(unlimited.sorties) == len(base.sorties) + 4


def test_fewer_sorties_cancels_the_last_ones():
    base = problem_from_dict(busy_runway())
    changed = apply(base, Change(extra_sorties=-2))
    assert [s.id for s in changed.sorties] == ["S3", "S4", "S5", "S6", "S7"]
    assert solve(changed).objective < solve(base).objective


def test_a_closed_gate_and_a_full_hub_cut_the_plan():
    data = busy_runway()
    data["gates"].append({"id": "south", "rate_per_hour": 6, "crowd_cap": 6})
    data["hubs"] = [{"id": "H", "beds": 40, "onward_per_day": 12}]
    base = problem_from_dict(data)
    as_planned = solve(base)
    north_closed = solve(apply(base, Change(gates_closed=("north",))))
    hub_full = solve(apply(base, Change(hubs_full=("H",))))
    assert {a.gate for a in north_closed.assignments} == {"south"}
    assert north_closed.objective < as_planned.objective
    assert sum(1 for _ in hub_full.assignments) * 3 <= 12  # only what it sends onward
    with pytest.raises(ProblemError, match="--hub-full"):
        apply(base, Change(hubs_full=("OTBH",)))
