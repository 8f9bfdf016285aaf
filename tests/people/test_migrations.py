"""people_0002: references written in clear by older versions become keyed digests."""

import base64
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import select, text

from evac.db import alembic_config, make_engine, migrate
from evac.operation.service import create_operation
from evac.people.models import Group
from evac.people.service import group_reference
from evac.vault.service import shred_operation_keys

CASE = "ISL2019532776"  # synthetic


def test_clear_references_become_digests_and_a_shredded_operations_are_cleared(
    database_url, session, cipher, provider, master_key, monkeypatch, tmp_path
):
    shredded = create_operation(
        session, provider=provider, name="shredded", country="AF", airport="OAKB",
        time_zone="Asia/Kabul", deadline=datetime(2021, 8, 31, tzinfo=UTC),
    )  # fmt: skip
    shred_operation_keys(session, operation_id=shredded.id)
    session.commit()
    session.close()
    command.downgrade(alembic_config(database_url), "people@people_0001")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        for operation_id, reference in (
            (cipher.operation_id, f"siv-case-list:{CASE}"),
            (cipher.operation_id, "DEMO-1"),  # by hand
            (shredded.id, f"siv:{CASE}"),
        ):
            connection.execute(
                text(
                    "INSERT INTO travel_group (operation_id, reference, created_at) "
                    "VALUES (:operation_id, :reference, :now)"
                ),
                {"operation_id": operation_id, "reference": reference, "now": datetime.now(UTC)},
            )
    engine.dispose()

    monkeypatch.setenv("EVAC_MASTER_KEY", base64.urlsafe_b64encode(master_key).decode())
    monkeypatch.setenv("EVAC_MASTER_KEY_FILE", str(tmp_path / "unused.key"))
    migrate(database_url)
    references = session.execute(select(Group.operation_id, Group.reference).order_by(Group.id))
    assert references.all() == [
        (cipher.operation_id, group_reference(cipher, source="siv-case-list", household_ref=CASE)),
        (cipher.operation_id, "DEMO-1"),
        (shredded.id, None),
    ]
