"""Signed anchors: a log cut, emptied or rewritten under an anchor fails `evac audit verify`.

Each attack is the one an insider holding the database can make: change the rows and fix up
the head row so that the chain verifies by itself.
"""

import json
import os
import subprocess
import sys
import time
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from evac.cli import app
from evac.throwaway_postgres import free_port
from evac.vault.anchors import create_anchor_key
from evac.vault.audit import GENESIS, AuditEntry, AuditHead, entry_digest
from tests.vault.test_audit import write_entries

runner = CliRunner()


def said(result) -> str:
    """The command's output as one line of words, whatever the table wrapped or framed."""
    return " ".join(result.output.replace("│", " ").split())


def evac(database_url: str, *args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, ["--database-url", database_url, "audit", *args], env=env)


@pytest.fixture
def key_file(tmp_path) -> Path:
    path = tmp_path / "anchor.key"
    create_anchor_key(path)
    return path


def anchor(database_url: str, key_file: Path, out: Path) -> None:
    result = evac(database_url, "anchor", "--key-file", str(key_file), "--out", str(out))
    assert result.exit_code == 0, result.output


def verify(database_url: str, key_file: Path, *anchor_files: Path):
    anchors = [arg for file in anchor_files for arg in ("--anchor", str(file))]
    return evac(database_url, "verify", "--public-key", f"{key_file}.pub", *anchors)


def set_head(session, entry_id: int | None, entry_hash: str) -> None:
    """Fix up the head of lane 1, where a lone writer's entries go."""
    heads = update(AuditHead).where(AuditHead.id == 1)
    session.execute(heads.values(last_entry_id=entry_id, last_hash=entry_hash))


def cut_newest_two(session, ids: list[int]) -> None:
    session.execute(delete(AuditEntry).where(AuditEntry.id.in_(ids[-2:])))
    set_head(session, ids[-3], session.get(AuditEntry, ids[-3]).entry_hash)


def delete_everything(session, ids: list[int]) -> None:
    session.execute(delete(AuditEntry))
    session.execute(delete(AuditHead))


def rewrite_and_rehash(session, ids: list[int]) -> None:
    """Change one entry's purpose and recompute every hash after it: the chain verifies."""
    previous = GENESIS
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        if entry.id == ids[1]:
            entry.purpose = "routine check"
        entry.previous_hash, entry.entry_hash = previous, entry_digest(entry, previous)
        previous = entry.entry_hash
    set_head(session, ids[-1], previous)


def cut_and_refill(session, ids: list[int]) -> None:
    """Cut the newest two and write two harmless entries in their place: the count matches."""
    cut_newest_two(session, ids)
    session.commit()
    write_entries(session, 2)


ATTACKS = {
    "newest entries deleted, head updated": (cut_newest_two, "2 of the 5 entries"),
    "every entry and the head deleted": (delete_everything, "5 of the 5 entries"),
    "an entry rewritten, hashes recomputed": (rewrite_and_rehash, "no longer hash"),
    "newest entries replaced by as many others": (cut_and_refill, "no longer hash"),
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_each_cut_or_rewrite_under_an_anchor_fails(
    attack, session, database_url, key_file, tmp_path
):
    ids = write_entries(session, 5)
    session.commit()  # end the read: SQLite's writers (BEGIN IMMEDIATE) would wait on it
    anchors = tmp_path / "anchors.jsonl"
    anchor(database_url, key_file, anchors)
    tamper, expected = ATTACKS[attack]
    tamper(session, ids)
    session.commit()

    # The chain alone cannot see it (the finding of issue 11)...
    assert evac(database_url, "verify").exit_code == 0
    # ...the anchor does, and names what is missing.
    result = verify(database_url, key_file, anchors)
    assert result.exit_code == 1, result.output
    assert "TAMPERED" in result.output and expected in said(result)


def test_the_message_names_the_cut(session, database_url, key_file, tmp_path):
    ids = write_entries(session, 5)
    session.commit()
    anchors = tmp_path / "anchors.jsonl"
    anchor(database_url, key_file, anchors)
    cut_newest_two(session, ids)
    session.commit()
    output = said(verify(database_url, key_file, anchors))
    assert f"up to entry {ids[-1]}" in output and "the log was cut to 3 entries" in output


def test_a_growing_honest_log_passes_every_anchor(session, database_url, key_file, tmp_path):
    anchors, later = tmp_path / "anchors.jsonl", tmp_path / "later.jsonl"
    anchor(database_url, key_file, anchors)  # an empty log can be anchored too
    for count, file in ((3, anchors), (4, anchors), (2, later)):
        write_entries(session, count)
        session.commit()
        anchor(database_url, key_file, file)
    write_entries(session, 2)
    session.commit()
    assert len(anchors.read_text().splitlines()) == 3
    result = verify(database_url, key_file, anchors, later)
    assert result.exit_code == 0, result.output
    output = said(result)
    assert "4 anchor(s) hold" in output and "covers 9 entries" in output
    assert "2 entries since are covered by no anchor yet" in output


def test_an_anchor_after_the_cut_does_not_excuse_it(session, database_url, key_file, tmp_path):
    """Re-anchoring the cut log (with the stolen key or not) leaves the earlier anchor failing."""
    ids = write_entries(session, 5)
    session.commit()
    before, after = tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    anchor(database_url, key_file, before)
    cut_newest_two(session, ids)
    session.commit()
    anchor(database_url, key_file, after)
    assert verify(database_url, key_file, after).exit_code == 0
    assert verify(database_url, key_file, before, after).exit_code == 1


def signed_line(database_url: str, key_file: Path, tmp_path: Path) -> dict:
    file = tmp_path / "one.jsonl"
    anchor(database_url, key_file, file)
    return json.loads(file.read_text())


def test_an_altered_anchor_fails(session, database_url, key_file, tmp_path):
    ids = write_entries(session, 5)
    session.commit()
    document = signed_line(database_url, key_file, tmp_path)
    cut_newest_two(session, ids)
    session.commit()
    # The insider lowers the anchor's count and puts the cut log's head in it.
    document["statement"]["entries"] = 3
    document["statement"]["head"] = session.get(AuditEntry, ids[2]).entry_hash
    altered = tmp_path / "altered.jsonl"
    altered.write_text(json.dumps(document) + "\n")
    session.commit()
    result = verify(database_url, key_file, altered)
    assert result.exit_code == 1
    assert "signature does not verify" in said(result)


def test_an_anchor_signed_by_an_unknown_key_fails(session, database_url, key_file, tmp_path):
    write_entries(session, 2)
    session.commit()
    own_key = tmp_path / "insider.key"
    create_anchor_key(own_key)
    forged = tmp_path / "forged.jsonl"
    anchor(database_url, own_key, forged)
    result = verify(database_url, key_file, forged)
    assert result.exit_code == 1
    assert "not a trusted anchor key" in said(result)


@pytest.mark.parametrize(
    "content, expected",
    [("", "holds no anchor"), ("intact\n", "not an evac audit anchor")],
)
def test_a_file_without_anchors_fails(content, expected, database_url, key_file, tmp_path):
    file = tmp_path / "anchors.jsonl"
    file.write_text(content)
    result = verify(database_url, key_file, file)
    assert result.exit_code == 1 and expected in said(result)


def test_a_tampered_log_is_not_anchored(session, database_url, key_file, tmp_path):
    ids = write_entries(session, 3)
    session.execute(delete(AuditEntry).where(AuditEntry.id == ids[1]))
    session.commit()
    out = tmp_path / "anchors.jsonl"
    result = evac(database_url, "anchor", "--key-file", str(key_file), "--out", str(out))
    assert result.exit_code == 1 and "TAMPERED, not anchored" in result.output
    assert not out.exists()


def test_the_key_is_made_on_first_use_and_never_replaced(database_url, tmp_path):
    key_file = tmp_path / "new.key"
    out = tmp_path / "anchors.jsonl"
    first = evac(database_url, "anchor", "--key-file", str(key_file), "--out", str(out))
    assert first.exit_code == 0 and "No anchor key yet" in first.output
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert verify(database_url, key_file, out).exit_code == 0
    again = evac(database_url, "anchor-key", "--key-file", str(key_file))
    assert again.exit_code == 1 and "never replaced" in again.output


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Inbox:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def test_an_anchor_sent_by_mail_verifies(session, database_url, key_file, tmp_path, smtp_server):
    inbox, port = smtp_server
    ids = write_entries(session, 4)
    session.commit()
    env = {"EVAC_SMTP_HOST": "127.0.0.1", "EVAC_SMTP_PORT": str(port)}
    args = ("anchor", "--key-file", str(key_file), "--mail-to", "hq@example.org")
    result = evac(database_url, *args, env=env)
    assert result.exit_code == 0, result.output
    [(recipients, message)] = inbox.messages
    assert recipients == ["hq@example.org"] and "4 entries" in message["Subject"]
    [attachment] = [part for part in message.walk() if part.get_filename()]
    saved = tmp_path / attachment.get_filename()
    saved.write_bytes(attachment.get_payload(decode=True))
    assert verify(database_url, key_file, saved).exit_code == 0
    cut_newest_two(session, ids)
    session.commit()
    assert verify(database_url, key_file, saved).exit_code == 1
    # Anchoring the cut log now raises nothing: the log verifies by itself. But an edit that
    # breaks the chain makes the next anchoring mail an alarm instead of an anchor.
    session.execute(update(AuditEntry).where(AuditEntry.id == ids[0]).values(purpose="x"))
    session.commit()
    assert evac(database_url, *args, env=env).exit_code == 1
    assert "TAMPERED" in inbox.messages[-1][1]["Subject"]


def test_watch_anchors_on_the_schedule(session, database_url, key_file, tmp_path):
    out = tmp_path / "anchors.jsonl"
    command = [sys.executable, "-m", "evac", "--database-url", database_url, "audit", "anchor"]
    command += ["--watch", "--every", "0.01", "--key-file", str(key_file), "--out", str(out)]
    watcher = subprocess.Popen(
        command, cwd=tmp_path, env=os.environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        wait_for_anchor(out, watcher, entries=0)
        write_entries(session, 3)
        session.commit()
        wait_for_anchor(out, watcher, entries=3)
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)
    assert verify(database_url, key_file, out).exit_code == 0


def wait_for_anchor(out: Path, watcher: subprocess.Popen, *, entries: int) -> None:
    """Until the watcher has appended an anchor of `entries` entries (it does every 0.6 s)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        lines = out.read_text().splitlines() if out.exists() else []
        if any(json.loads(line)["statement"]["entries"] == entries for line in lines):
            return
        assert watcher.poll() is None, watcher.stdout.read().decode()
        time.sleep(0.1)
    raise AssertionError(f"no anchor of {entries} entries in 30 s")
