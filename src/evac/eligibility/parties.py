"""Travel parties: the people who go through the gate and onto the aircraft together.

Each source lists its own households, and after linkage one person may sit in several (the SIV
case list has the interpreter with his wife and children, an NGO list has him with his parents).
The households that share a person are one party: a family is never split because two offices
wrote it down differently. A person in no household is a party of one.
"""

from collections.abc import Iterable


def travel_parties(memberships: Iterable[tuple[str, str | None]]) -> list[list[str]]:
    """Persons grouped into parties, from (person, household) pairs: households that share a
    person join; a person with no household is a party of one. Persons and parties keep the
    order in which they first appear."""
    joined: dict[str, str] = {}  # household -> a household of the same party (union-find)
    households_of: dict[str, list[str]] = {}
    for person, household in memberships:
        households = households_of.setdefault(person, [])
        if household is not None:
            joined.setdefault(household, household)
            households.append(household)
            _join(joined, households[0], household)
    parties: dict[str | tuple[str], list[str]] = {}  # a lone person's key is a 1-tuple
    for person, households in households_of.items():
        root = _root(joined, households[0]) if households else (person,)
        parties.setdefault(root, []).append(person)
    return list(parties.values())


def _root(joined: dict[str, str], household: str) -> str:
    while joined[household] != household:
        joined[household] = joined[joined[household]]  # halve the path: large joined families
        household = joined[household]
    return household


def _join(joined: dict[str, str], first: str, second: str) -> None:
    a, b = _root(joined, first), _root(joined, second)
    if a != b:
        joined[b] = a
