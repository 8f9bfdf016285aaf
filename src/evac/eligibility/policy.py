"""The eligibility policy: a versioned YAML file that staff edit, read into checked models.

In August 2021 the rules changed almost daily, and the people who changed them were consular
officers, not programmers: a mistake must come back as "line 42: ..." in their own file, so the
YAML is composed as a node tree and every error is traced to the line and column it came from.
"""

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache, cached_property
from importlib.resources import files
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evac.people.models import DocumentKind, Role

Document = Literal[  # the documents a rule may require: file mode reads one column each
    "us_passport", "green_card", "siv_visa", "siv_case", "com_approval"
]
# Flags evac computes itself; the others come with the person (a column, a staff note).
OVER_65 = "over_65"
UNACCOMPANIED_MINOR = "unaccompanied_minor"
NOT_A_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


class Outcome(StrEnum):
    eligible = "eligible"
    ineligible = "ineligible"
    deferred = "deferred"


def claim_key(text: str) -> str:
    """A claim as the vocabulary looks it up: case, spaces and punctuation do not count
    ("P-2 referral", "P2 REFERRAL" and "p2referral" are one claim)."""
    return NOT_A_LETTER_OR_DIGIT.sub("", text.casefold())


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(Strict):
    label: str = Field(min_length=1)
    outcome: Outcome
    on_claim: Outcome | None = None  # the outcome when only a claim backs the category
    claims: list[str] = []


class DocumentRule(Strict):
    requires: list[Document] = Field(min_length=1)
    category: str


class Condition(Strict):
    unmarried: bool = False
    under_age: int | None = Field(default=None, gt=0)


class DerivativeRule(Strict):
    categories: list[str] = Field(min_length=1)
    relationships: dict[Role, Condition]


class Verification(Strict):
    """What makes a registered person verified in the register: any one document of these
    kinds seen, or a registration from one of these source lists."""

    documents: list[DocumentKind] = []
    sources: list[str] = []


class Policy(Strict):
    version: str = Field(min_length=1)
    name: str = Field(min_length=1)
    effective: date | None = None
    home_country: str = Field(pattern=r"^[A-Z]{3}$")
    categories: dict[str, Category] = Field(min_length=1)
    documents: list[DocumentRule] = []
    nationality_claims: dict[str, str] = {}
    foreign_nationality_claim: str | None = None
    derivatives: list[DerivativeRule] = []
    priority: list[list[str]] = Field(min_length=1)
    flags: dict[str, int] = {}
    # How a relative whose marital status no source wrote is read where a rule asks for
    # `unmarried`: as unmarried, as married (not a derivative), or deferred for an officer.
    marital_status_unknown: Literal["unmarried", "married", "deferred"] = "unmarried"
    minor_under: int = Field(default=18, gt=0)
    older_from: int = Field(default=65, gt=0)
    verified_by: Verification = Verification()

    @cached_property
    def vocabulary(self) -> dict[str, str]:
        """Claim key -> canonical category."""
        return {
            claim_key(claim): name
            for name, category in self.categories.items()
            for claim in (name, *category.claims)
        }

    @cached_property
    def ranks(self) -> dict[str, int]:
        """Category -> priority, 1 first."""
        return {name: level for level, names in enumerate(self.priority, 1) for name in names}

    def derivative_condition(self, category: str, relationship: Role) -> Condition | None:
        """The condition under which a relative of a `category` principal shares it, or None
        when the relationship does not make a derivative of that category."""
        for rule in self.derivatives:
            if category in rule.categories and relationship in rule.relationships:
                return rule.relationships[relationship]
        return None


@dataclass(frozen=True)
class Problem:
    line: int
    column: int
    where: str
    message: str

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        return f"line {self.line}, column {self.column}:{where} {self.message}"


class PolicyError(ValueError):
    """A policy file that cannot be used, with every problem found and its line."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(str(p) for p in problems))


Where = tuple[str | int, ...]  # a path into the file: keys and list positions
Marks = dict[Where, yaml.Mark]


def parse_policy(text: str, *, source: str = "<policy>") -> Policy:
    """The policy a YAML text holds; raises PolicyError naming the line of each problem."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise PolicyError(source, [_problem(mark, (), str(error.problem))]) from None
    if node is None:
        raise PolicyError(source, [Problem(1, 1, "", "the file is empty")])
    reader = _Reader()
    data = reader.read(node)
    if reader.duplicates:
        raise PolicyError(source, reader.duplicates)
    try:
        policy = Policy.model_validate(data)
    except ValidationError as error:
        problems = [_located(reader.marks, e["loc"], e["msg"]) for e in error.errors()]
        raise PolicyError(source, problems) from None
    marks = reader.marks
    problems = [_located(marks, where, message) for where, message in _inconsistencies(policy)]
    if problems:
        raise PolicyError(source, problems)
    return policy


def load_policy(path: Path) -> Policy:
    return parse_policy(path.read_text(encoding="utf-8"), source=str(path))


def default_policy_text() -> str:
    return files("evac.eligibility").joinpath("data/default-policy.yaml").read_text("utf-8")


@cache
def default_policy() -> Policy:
    return parse_policy(default_policy_text(), source="default-policy.yaml")


class _Reader:
    """Plain Python values of a node tree, noting where each path starts. A key written twice
    is a problem: PyYAML keeps the last silently, and the first edit of a rule is lost."""

    def __init__(self) -> None:
        self.loader = yaml.SafeLoader("")
        self.marks: Marks = {}
        self.duplicates: list[Problem] = []

    def read(self, node: yaml.Node, where: Where = ()) -> object:
        self.marks[where] = node.start_mark
        if isinstance(node, yaml.MappingNode):
            mapping: dict[object, object] = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                if key in mapping:
                    problem = _problem(key_node.start_mark, where, f"{key!r} is written twice")
                    self.duplicates.append(problem)
                mapping[key] = self.read(value_node, (*where, str(key)))
            return mapping
        if isinstance(node, yaml.SequenceNode):
            return [self.read(item, (*where, index)) for index, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)


def _located(marks: Marks, where: Where, message: str) -> Problem:
    """The problem at the deepest part of `where` that the file has (a missing key: its parent)."""
    path = tuple(str(part) if not isinstance(part, int) else part for part in where)
    while path not in marks:
        path = path[:-1]
    return _problem(marks[path], where, message)


def _problem(mark: yaml.Mark | None, where: Where, message: str) -> Problem:
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(line, column, ".".join(str(part) for part in where), message)


def _inconsistencies(policy: Policy) -> list[tuple[Where, str]]:
    """What the models cannot see alone: names that point nowhere, a category without a
    priority or with two, one claim for two categories."""
    known = policy.categories.keys()
    found: list[tuple[Where, str]] = []

    def check(path: Where, name: str | None) -> None:
        if name is not None and name not in known:
            found.append((path, f"{name!r} is not a category of this policy"))

    for index, rule in enumerate(policy.documents):
        check(("documents", index, "category"), rule.category)
    for country, name in policy.nationality_claims.items():
        check(("nationality_claims", country), name)
    check(("foreign_nationality_claim",), policy.foreign_nationality_claim)
    for index, rule in enumerate(policy.derivatives):
        for position, name in enumerate(rule.categories):
            check(("derivatives", index, "categories", position), name)
    found += _priority_problems(policy)
    found += _claims_written_twice(policy)
    return found


def _priority_problems(policy: Policy) -> list[tuple[Where, str]]:
    found: list[tuple[Where, str]] = []
    seen: set[str] = set()
    for level, names in enumerate(policy.priority):
        for position, name in enumerate(names):
            path = ("priority", level, position)
            if name not in policy.categories:
                found.append((path, f"{name!r} is not a category of this policy"))
            elif name in seen:
                found.append((path, f"{name!r} has a priority already"))
            seen.add(name)
    for name in policy.categories.keys() - seen:
        found.append((("categories", name), f"{name!r} has no priority: add it to priority"))
    return found


def _claims_written_twice(policy: Policy) -> list[tuple[Where, str]]:
    found: list[tuple[Where, str]] = []
    owner: dict[str, str] = {}
    for name, category in policy.categories.items():
        owner.setdefault(claim_key(name), name)
        for index, claim in enumerate(category.claims):
            where = ("categories", name, "claims", index)
            key = claim_key(claim)
            if not key:
                found.append((where, "an empty claim"))
            elif owner.setdefault(key, name) != name:
                found.append((where, f"claim {claim!r} already means {owner[key]!r}"))
    return found
