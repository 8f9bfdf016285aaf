import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from evac.auth.permissions import cli_actor
from evac.cli import app, command_as_found
from evac.vault.service import shred_operation

runner = CliRunner()


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "status", "serve", "demo", "config"):
        assert command in result.output


def test_init_then_status_on_an_empty_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["--database-url", url, "init"]).exit_code == 0
    assert (tmp_path / "evac-master.key").stat().st_mode & 0o077 == 0
    result = runner.invoke(app, ["--database-url", url, "status"])
    assert result.exit_code == 0
    assert "No persons yet" in result.output


def test_config_masks_secrets(monkeypatch):
    monkeypatch.setenv("EVAC_DATABASE_URL", "postgresql+psycopg://evac:hunter2@db/evac")
    monkeypatch.setenv("EVAC_MASTER_KEY", "c2VjcmV0LWtleS1ub3QtdG8tcHJpbnQtYW55d2hlcmUh")
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0
    assert "hunter2" not in result.output and "c2VjcmV0" not in result.output
    assert "(set)" in result.output


def _evac(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "evac", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_a_database_not_set_up_gets_a_plain_answer_not_a_traceback(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = _evac("--database-url", url, "status")
    assert result.returncode == 2
    assert "run `evac init` first" in " ".join(result.stdout.split())
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "empty.db").exists()  # no empty file left to pass for a database


def test_a_failed_command_leaves_an_existing_database_alone(tmp_path):
    database = tmp_path / "kept.db"
    database.write_bytes(b"")  # someone's own empty file: not this command's to delete
    result = _evac("--database-url", f"sqlite:///{database}", "status")
    assert result.returncode == 2 and database.exists()


def test_the_command_is_named_as_it_was_found(tmp_path, monkeypatch):
    script = tmp_path / ".venv" / "bin" / "evac"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [str(script), "demo"])
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # the virtual environment is not active
    assert command_as_found() == ".venv/bin/evac"
    monkeypatch.setenv("PATH", f"{script.parent}:/usr/bin:/bin")
    script.chmod(0o755)
    assert command_as_found() == "evac"  # the shell finds this very one
    monkeypatch.setattr(sys, "argv", ["/somewhere/evac/__main__.py"])
    assert command_as_found() == f"{Path(sys.executable).absolute()} -m evac"


def test_an_unreachable_database_says_what_to_check():
    result = _evac("--database-url", "postgresql+psycopg://evac@127.0.0.1:1/evac", "status")
    assert result.returncode == 2
    assert "Check EVAC_DATABASE_URL" in " ".join(result.stdout.split())


def test_a_shredded_operation_gets_one_line_not_a_traceback(settings, session, operation, tmp_path):
    shred_operation(session, actor=cli_actor(), operation_id=operation.id, reason="test")
    session.commit()
    listing = tmp_path / "list.csv"
    listing.write_text("full_name,birth_year\nGul Ahmad,1986\n")
    env = {"EVAC_MASTER_KEY": settings.master_key.get_secret_value()}
    url = ["--database-url", settings.database_url]
    for command in (["import", str(listing), "--source", "ngo-x"], ["link", "run"]):
        result = _evac(*url, *command, env=env)
        assert result.returncode == 3, result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        assert " ".join(result.stdout.split()).startswith(
            "This operation's personal data was destroyed (crypto-shred)"
        ), command
