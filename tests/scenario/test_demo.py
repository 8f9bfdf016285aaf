"""`evac demo` builds Kabul 2021, writes and loads a scenario, and says where to look."""

from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from evac.cli import app
from evac.people.models import Registration


def test_demo_loads_a_scenario_into_the_kabul_operation(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = CliRunner().invoke(
        app, ["demo", "--database-url", url, "--persons", "300"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    engine = create_engine(url)
    with engine.connect() as connection:
        loaded = connection.scalar(select(func.count()).select_from(Registration))
        sorties = connection.scalar(text("SELECT count(*) FROM sortie"))
    engine.dispose()
    assert loaded > 300 and f"{loaded:,} registrations of" in result.output
    assert sorties > 700  # the Kabul operation with its sorties
    files = tmp_path / "demo-files"
    assert (files / "truth.csv").exists() and (files / "sources" / "ngo-rahyab.csv").exists()
    assert "evac link run" in result.output and "Look next" in result.output
