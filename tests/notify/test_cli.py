"""`evac notify send`, `worker` and `status` as an officer types them."""

from typer.testing import CliRunner

from evac.cli import app
from tests.intake.test_cli import environment  # the database and key of the test, wide output
from tests.notify.world import FIRST, build_world


def test_preview_send_work_and_follow_from_the_command_line(settings, session, cipher, smtp_server):
    inbox, host, port = smtp_server
    build_world(session, cipher=cipher)
    session.close()
    runner = CliRunner()
    env = environment(settings) | {"EVAC_SMTP_HOST": host, "EVAC_SMTP_PORT": str(port)}
    window = ["--window", FIRST.isoformat(), "--channel", "email"]

    shown = runner.invoke(app, ["notify", "send", *window, "--preview"], env=env)
    assert shown.exit_code == 0, shown.output
    assert "2 parties, 3 people" in shown.output and "fa-AF" in shown.output
    declined = runner.invoke(app, ["notify", "send", *window], env=env, input="n\n")
    assert "Not sent" in declined.output

    sent = runner.invoke(
        app, ["notify", "send", *window, "--category", "us_citizen", "--yes"], env=env
    )
    assert sent.exit_code == 0, sent.output
    assert "Queued 1 messages to 1 parties; 1 people called forward" in sent.output
    assert inbox.raw == []  # queued, not sent: the worker sends

    worked = runner.invoke(app, ["notify", "worker", "--until-idle"], env=env)
    assert worked.exit_code == 0, worked.output
    assert "Sent 1;" in worked.output
    assert [m["To"] for m in inbox.messages] == ["amcit@example.org"]

    status = runner.invoke(app, ["notify", "status", "--follow"], env=env)
    assert status.exit_code == 0, status.output
    rows = {cells[0]: cells[1] for cells in _table_rows(status.output)}
    assert rows["sent"] == "1" and rows["queued"] == "0" and rows["in_flight"] == "0"


def test_a_call_forward_without_a_window_is_refused(settings, session, cipher):
    build_world(session, cipher=cipher)
    session.close()
    refused = CliRunner().invoke(
        app, ["notify", "send", "--category", "us_citizen"], env=environment(settings)
    )
    assert refused.exit_code == 2
    assert "needs the plan window" in refused.output


def test_the_worker_says_which_setting_it_lacks(settings):
    env = environment(settings) | {"EVAC_SMTP_HOST": ""}
    refused = CliRunner().invoke(app, ["notify", "worker", "--until-idle"], env=env)
    assert refused.exit_code == 2
    assert "EVAC_SMTP_HOST" in refused.output


def _table_rows(output: str) -> list[list[str]]:
    """The cells of each row of a Rich table."""
    return [
        [cell.strip() for cell in line.strip("│ ").split("│")]
        for line in output.splitlines()
        if line.startswith("│")
    ]
