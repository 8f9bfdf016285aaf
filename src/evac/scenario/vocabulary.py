"""Whole given names built from the name parts, with every spelling each writer can produce.

A `GivenName` is built once per distinct name (a few thousand), so rendering a registration is
a lookup and one random choice, not string work per row.
"""

from dataclasses import dataclass
from functools import cache
from itertools import product

from evac.scenario.names import (
    ABD_ROOTS,
    FEMALE_NAMES,
    FIRST_ELEMENTS,
    LEADING_FOR_TRAILING,
    MALE_NAMES,
    MOHAMMAD,
    TRAILING_ELEMENTS,
    UDDIN_ROOTS,
    ULLAH_ROOTS,
    NamePart,
)

# Share of each male name structure (Megerdoomian 2009: two-part names are the majority).
MALE_STRUCTURE_SHARES = {
    "mohammad_plus": 0.26,
    "single": 0.24,
    "abd": 0.12,
    "ullah": 0.10,
    "uddin": 0.04,
    "first_element": 0.12,
    "trailing": 0.08,
    "two_simple": 0.04,
}
ABBREVIATIONS_OF_MOHAMMAD = ("Mohd", "Md", "M.")


@dataclass(frozen=True)
class GivenName:
    """One given name: script, the standards' spellings, and informal variants."""

    native: str
    dari: str
    pashto: str
    arabic: str
    informal: tuple[str, ...]
    sex: str
    weight: float

    @property
    def first_word(self) -> str:
        return self.dari.split()[0]

    def __repr__(self) -> str:
        return "GivenName(<redacted>)"


def _join_variants(parts: list[NamePart]) -> tuple[str, ...]:
    """Informal spellings of a multi-part name: every mix of part spellings, split or joined."""
    options = [part.spellings() for part in parts]
    spellings = []
    for combination in product(*options):
        spellings.append(" ".join(combination))
        spellings.append("".join(combination[:1]) + "".join(c.lower() for c in combination[1:]))
    return tuple(dict.fromkeys(spellings))


def _compound(parts: list[NamePart], weight: float, sex: str = "M") -> GivenName:
    informal = list(_join_variants(parts))
    if parts[0] is MOHAMMAD:  # Mohd Nabi, Md Nabi; and the name without its Mohammad
        rest = " ".join(p.dari for p in parts[1:])
        informal += [f"{abbreviation} {rest}" for abbreviation in ABBREVIATIONS_OF_MOHAMMAD]
        informal.append(rest)
    arabic = " ".join(("Mohammed" if p is MOHAMMAD else p.pashto) for p in parts)
    return GivenName(
        native=" ".join(p.native for p in parts),
        dari=" ".join(p.dari for p in parts),
        pashto=" ".join(p.pashto for p in parts),
        arabic=arabic,
        informal=tuple(informal),
        sex=sex,
        weight=weight,
    )


def _single(part: NamePart, weight: float, sex: str) -> GivenName:
    return GivenName(
        native=part.native,
        dari=part.dari,
        pashto=part.pashto,
        arabic=part.pashto,
        informal=part.spellings(),
        sex=sex,
        weight=weight,
    )


def _abd(root_native: str, dari: str, pashto: str, sun: bool, weight: float) -> GivenName:
    # Dari: Abd-ol joined, l assimilated before a sun letter (Abdorrahman, Abdolghafar).
    dari_joined = f"Abdo{dari[0].lower()}{dari.lower()}" if sun else f"Abdol{dari.lower()}"
    assimilated = f"Abdu{pashto[0].lower()}{pashto.lower()}" if sun else f"Abdul{pashto.lower()}"
    informal = (
        assimilated,
        f"Abdul{pashto.lower()}",
        f"Abdul-{pashto}",
        f"Abdul {pashto}",
        f"Abdal {pashto}",
        f"Abdol {dari}",
        f"Abdur {pashto}" if sun else f"Abdool {pashto}",
    )
    return GivenName(
        native=f"عبدال{root_native}",
        dari=dari_joined,
        pashto=f"Abdul {pashto}",
        arabic=f"Abd al-{pashto}",
        informal=(*dict.fromkeys(informal), f"Abdel {pashto}"),
        sex="M",
        weight=weight,
    )


def _ullah(root_native: str, dari: str, pashto: str, loose: tuple[str, ...], w: float) -> GivenName:
    if dari == "Abd":  # Abdullah: one word in every standard
        return GivenName(
            "عبدالله",
            "Abdollah",
            "Abdullah",
            "Abd Allah",
            ("Abdullah", "Abdulla", "Abdollah", "Abdallah"),
            "M",
            w,
        )
    informal = [f"{pashto}ullah", f"{pashto} Ullah", f"{pashto}ulla"]
    informal += [f"{root}ullah" for root in loose]
    informal.append(f"{dari}ollah")
    return GivenName(
        native=f"{root_native} الله",
        dari=f"{dari}ollah",
        pashto=f"{pashto}ullah",
        arabic=f"{pashto} Allah",
        informal=tuple(dict.fromkeys(informal)),
        sex="M",
        weight=w,
    )


def _uddin(root_native: str, dari: str, pashto: str, weight: float) -> GivenName:
    informal = (
        f"{pashto}uddin",
        f"{pashto}udin",
        f"{pashto}-ud-Din",
        f"{pashto} Uddin",
        f"{pashto}eddin",
        f"{dari}oddin",
    )
    return GivenName(
        native=f"{root_native}الدین",
        dari=f"{dari}oddin",
        pashto=f"{pashto}uddin",
        arabic=f"{pashto} al-Din",
        informal=informal,
        sex="M",
        weight=weight,
    )


def _spread(names: list[GivenName], share: float) -> list[GivenName]:
    """Scale the weights of one structure so that together they carry `share`."""
    total = sum(n.weight for n in names)
    return [GivenName(**{**n.__dict__, "weight": n.weight * share / total}) for n in names]


@cache
def male_given_names() -> tuple[GivenName, ...]:
    shares = MALE_STRUCTURE_SHARES
    groups = {
        "mohammad_plus": [_compound([MOHAMMAD, p], p.weight) for p in MALE_NAMES],
        "single": [_single(p, p.weight, "M") for p in MALE_NAMES],
        "abd": [_abd(*root) for root in ABD_ROOTS],
        "ullah": [_ullah(*root) for root in ULLAH_ROOTS],
        "uddin": [_uddin(*root) for root in UDDIN_ROOTS],
        "first_element": [
            _compound([first, p], first.weight * p.weight)
            for first in FIRST_ELEMENTS
            for p in MALE_NAMES
            if p.native != first.native
        ],
        "trailing": [
            _compound([lead, trail], lead.weight * trail.weight)
            for lead in LEADING_FOR_TRAILING
            for trail in TRAILING_ELEMENTS
            if lead.native != trail.native
        ],
        "two_simple": [
            _compound([a, b], a.weight * b.weight)
            for a in MALE_NAMES[:12]
            for b in MALE_NAMES[12:40]
        ],
    }
    return tuple(name for key, names in groups.items() for name in _spread(names, shares[key]))


@cache
def female_given_names() -> tuple[GivenName, ...]:
    return tuple(_single(p, p.weight, "F") for p in FEMALE_NAMES)


def spelling(name: GivenName | NamePart, style: str, pick: float) -> str:
    """The name as a writer of `style` spells it; `pick` in [0, 1) chooses among informal ones."""
    if style == "dari":
        return name.dari
    if style == "pashto":
        return name.pashto
    if style == "arabic" and isinstance(name, GivenName):
        return name.arabic
    options = name.informal if isinstance(name, GivenName) else name.spellings()
    return options[int(pick * len(options))]
