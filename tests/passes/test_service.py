"""Issuing passes from the database, as notify does, and what stations are handed."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from evac.auth.permissions import cli_actor
from evac.passes.format import pass_id_from_short_code
from evac.passes.models import TravelPass
from evac.passes.service import (
    PassRequest,
    issue_pass,
    issue_passes,
    qr_png,
    revocation_list,
    revoke_pass,
    roster,
    station_key_file,
)
from evac.passes.verify import Flag, load_revocations, load_station_keys, verify_pass
from evac.vault.service import KeysDestroyed, cipher_for, shred_operation_keys
from evac.vault.signing import rotate_signing_key

# Tomorrow: the revocation list and the roster leave out passes that have expired.
START = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
END = START + timedelta(hours=2)
DURING = START + timedelta(minutes=45)
PASSPORTS = ["P11223344", "P55667788"]  # synthetic numbers


def issue(session, provider, operation, **changes):
    fields = dict(
        provider=provider,
        operation=operation,
        party_reference="P-7KQ2M",
        gate="North Gate",
        window_start=START,
        window_end=END,
        document_numbers=PASSPORTS,
    )
    return issue_pass(session, **(fields | changes))


def keys_of(session, provider, operation):
    return load_station_keys(station_key_file(session, provider=provider, operation=operation))


def test_an_issued_pass_verifies_offline_against_the_exported_keys(session, provider, operation):
    issued = issue(session, provider, operation, head_count=3)
    verdict = verify_pass(
        issued.text,
        keys=keys_of(session, provider, operation),
        at=DURING,
        gate="North Gate",
        documents=PASSPORTS,
        people=3,
    )
    assert verdict.admitted
    assert (verdict.claims.party_reference, verdict.claims.head_count) == ("P-7KQ2M", 3)
    assert pass_id_from_short_code(issued.short_code).hex() == issued.pass_id


def test_issuing_again_gives_the_same_pass_unless_something_changed(session, provider, operation):
    first = issue(session, provider, operation)
    assert issue(session, provider, operation, document_numbers=PASSPORTS[::-1]) == first
    moved = issue(session, provider, operation, gate="Abbey Gate")
    assert moved.pass_id != first.pass_id
    old = session.get(TravelPass, first.pass_id)
    assert old.revoked_at is not None and "superseded" in old.revoked_reason
    revoked = load_revocations(
        revocation_list(session, provider=provider, operation=operation),
        keys=keys_of(session, provider, operation),
    )[1]
    assert revoked == {bytes.fromhex(first.pass_id)}


def test_passes_issued_in_bulk_are_those_issued_one_by_one(session, provider, operation):
    """A call-forward issues its passes in one call: each verifies as if issued alone, an
    unchanged one is kept and a changed one replaces the old, in the order asked."""
    kept = issue(session, provider, operation)
    replaced = issue(session, provider, operation, party_reference="P-9XW3T")

    def request(reference, gate="North Gate"):
        return PassRequest(reference, gate, START, END, PASSPORTS, head_count=3)

    requests = [request("P-7KQ2M")] + [request(f"P-B{n:04d}") for n in range(5)]
    requests.append(request("P-9XW3T", gate="Abbey Gate"))
    issued = issue_passes(session, provider=provider, operation=operation, requests=requests)
    assert len(issued) == len(requests) and len({p.pass_id for p in issued}) == len(requests)
    assert issued[0] == issue(session, provider, operation, head_count=3)
    assert kept.pass_id != issued[0].pass_id  # the head count changed: a new pass
    assert session.get(TravelPass, replaced.pass_id).revoked_at is not None
    keys = keys_of(session, provider, operation)
    for asked, given in zip(requests, issued, strict=True):
        verdict = verify_pass(
            given.text, keys=keys, at=DURING, gate=asked.gate, documents=PASSPORTS, people=3
        )
        assert verdict.admitted and verdict.claims.party_reference == asked.party_reference
    stored = session.scalars(select(TravelPass.pass_id).where(TravelPass.revoked_at.is_(None)))
    assert set(stored) == {p.pass_id for p in issued}


def test_a_bulk_issue_checks_every_request_before_writing_any(session, provider, operation):
    good = PassRequest("P-7KQ2M", "North Gate", START, END, PASSPORTS)
    backwards = PassRequest("P-9XW3T", "North Gate", END, START, PASSPORTS)
    with pytest.raises(ValueError, match="must end after it starts"):
        issue_passes(session, provider=provider, operation=operation, requests=[good, backwards])
    assert session.scalar(select(TravelPass)) is None


def test_a_revoked_pass_is_flagged_from_the_signed_list(session, provider, operation):
    issued = issue(session, provider, operation)
    pass_id = bytes.fromhex(issued.pass_id)
    assert roster(session, operation=operation, gate="North Gate") == [issued.text]
    revoke_pass(
        session, actor=cli_actor(), operation=operation, pass_id=pass_id, reason="forwarded"
    )
    keys = keys_of(session, provider, operation)
    _, revoked = load_revocations(
        revocation_list(session, provider=provider, operation=operation), keys=keys
    )
    verdict = verify_pass(issued.text, keys=keys, at=DURING, revoked=revoked)
    assert verdict.flags == (Flag.revoked,)
    assert roster(session, operation=operation) == []


def test_a_rotated_key_keeps_an_older_pass_verifying(session, provider, operation):
    old = issue(session, provider, operation)
    cipher = cipher_for(session, provider=provider, operation_id=operation.id)
    rotate_signing_key(session, actor=cli_actor(), cipher=cipher)
    new = issue(session, provider, operation, party_reference="P-9XW3T")
    assert issue(session, provider, operation) == old  # a pass already sent stays valid
    keys = keys_of(session, provider, operation)
    assert len(keys.public_keys) == 2
    for issued in (old, new):
        assert verify_pass(issued.text, keys=keys, at=DURING, documents=PASSPORTS).admitted


def test_no_pass_is_issued_for_a_shredded_operation(session, provider, operation):
    issue(session, provider, operation)
    shred_operation_keys(session, operation_id=operation.id)
    with pytest.raises(KeysDestroyed):
        issue(session, provider, operation, party_reference="P-9XW3T")


def test_the_qr_code_reads_back_to_the_pass(session, provider, operation):
    issued = issue(session, provider, operation)
    image = Image.open(io.BytesIO(qr_png(issued.text)))
    found = zxingcpp.read_barcodes(image)
    assert [code.text for code in found] == [issued.text]
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode


def test_no_document_number_or_key_material_is_stored_in_clear(session, provider, operation):
    issue(session, provider, operation)
    row = session.scalar(select(TravelPass))
    assert all(number not in row.text for number in PASSPORTS)
