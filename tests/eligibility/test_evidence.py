"""A person's category from evidence: documents beat claims; unknown claims are kept."""

from evac.eligibility.evidence import Basis, Evidence, category_from_evidence
from evac.eligibility.policy import default_policy

POLICY = default_policy()


def _finding(**evidence):
    if "documents" in evidence:
        evidence["documents"] = frozenset(evidence["documents"])
    return category_from_evidence(Evidence(**evidence), POLICY)


def test_a_us_passport_beats_a_claim_of_siv():
    finding = _finding(claim="SIV", documents={"us_passport"})
    assert (finding.category, finding.basis, finding.which) == (
        "us_citizen",
        Basis.document,
        "us_passport",
    )


def test_a_green_card_beats_a_claim_of_citizenship():
    finding = _finding(claim="AMCIT", documents={"green_card"})
    assert (finding.category, finding.basis) == ("lpr", Basis.document)


def test_an_siv_case_with_com_approval_is_a_com_approved_applicant_with_its_date():
    finding = _finding(
        claim="At risk", documents={"siv_case", "com_approval"}, approval_date="2021-07-02"
    )
    assert (finding.category, finding.which) == ("siv_com_approved", "siv_case+com_approval")
    assert finding.describe(POLICY) == "SIV applicant with COM approval dated 2021-07-02"


def test_an_siv_case_alone_is_an_applicant_and_an_issued_visa_a_holder():
    assert _finding(documents={"siv_case"}).category == "siv_applied"
    assert _finding(documents={"siv_case", "siv_visa"}).category == "siv_visa_issued"


def test_without_documents_the_claim_decides_and_says_so():
    finding = _finding(claim="Green card")
    assert (finding.category, finding.basis, finding.basis_text) == (
        "lpr",
        Basis.claim,
        "claim: Green card",
    )


def test_an_unknown_claim_is_kept_as_unmapped_not_dropped():
    finding = _finding(claim="Cousin of a general")
    assert finding.category is None
    assert finding.unmapped_claim == "Cousin of a general"
    assert "unmapped" in finding.basis_text


def test_a_foreign_nationality_is_a_claim_when_nothing_else_speaks():
    assert _finding(nationality="Pakistani").category == "third_country"
    assert _finding(nationality="American").category == "us_citizen"
    assert _finding(nationality="Afghan").category is None
    unmapped = _finding(claim="Cousin of a general", nationality="PAK")
    assert (unmapped.category, unmapped.unmapped_claim) == ("third_country", "Cousin of a general")
