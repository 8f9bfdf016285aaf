"""A person's own category, from the documents they hold or, failing those, from what a
source claims for them.

Documents beat claims: in 2021 the same man was "AMCIT" on one list, "SIV" on another and
"Vulnerable" on a third, and only his passport settled it. A claim the policy's vocabulary does
not know is kept as unmapped for staff to map, never dropped.
"""

from dataclasses import dataclass
from enum import StrEnum

from evac.eligibility.policy import Policy, claim_key
from evac.intake.documents import country_code


class Basis(StrEnum):
    document = "document"
    claim = "claim"


@dataclass(frozen=True, slots=True)
class Evidence:
    """What is known about one person that bears on their category."""

    claim: str = ""
    nationality: str = ""
    documents: frozenset[str] = frozenset()  # kinds held: us_passport, siv_case, ...
    approval_date: str = ""  # the Chief-of-Mission approval's date, when known


@dataclass(frozen=True, slots=True)
class Finding:
    """A person's own category, and what it rests on."""

    category: str | None = None
    basis: Basis | None = None
    which: str = ""  # the documents ("siv_case+com_approval"), or the claim as written
    dated: str = ""  # the approval date that the documents carry
    unmapped_claim: str = ""

    def describe(self, policy: Policy) -> str:
        """The category in words: "SIV applicant with COM approval dated 2021-07-02"."""
        label = policy.categories[self.category].label
        return f"{label} dated {self.dated}" if self.dated else label

    @property
    def basis_text(self) -> str:
        """What the category rests on: "document: us_passport", "claim: AMCIT"."""
        if self.basis is None:
            return f"claim: {self.unmapped_claim} (unmapped)" if self.unmapped_claim else ""
        return f"{self.basis.value}: {self.which}"


def category_from_evidence(evidence: Evidence, policy: Policy) -> Finding:
    """The person's own category: the first document rule they meet, else their claim, else
    the nationality they state (see the module)."""
    for rule in policy.documents:
        if evidence.documents.issuperset(rule.requires):
            dated = evidence.approval_date if "com_approval" in rule.requires else ""
            which = "+".join(rule.requires)
            return Finding(rule.category, Basis.document, which, dated)
    claim = evidence.claim.strip()
    category = policy.vocabulary.get(claim_key(claim)) if claim else None
    if category:
        return Finding(category, Basis.claim, claim)
    unmapped = claim if claim else ""
    return _from_nationality(evidence.nationality, policy, unmapped)


def _from_nationality(nationality: str, policy: Policy, unmapped: str) -> Finding:
    code = country_code(nationality) if nationality.strip() else None
    if code is None or code == policy.home_country:
        return Finding(unmapped_claim=unmapped)
    category = policy.nationality_claims.get(code, policy.foreign_nationality_claim)
    if category is None:
        return Finding(unmapped_claim=unmapped)
    return Finding(category, Basis.claim, f"nationality {code}", unmapped_claim=unmapped)
