"""Fixtures of the intake pages and API."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from evac.app import create_app
from evac.intake import views as intake_views


@pytest.fixture(autouse=True)
def uploads(tmp_path, monkeypatch) -> Path:
    """The upload page's folder, one per test: the tests read what it holds."""
    folder = tmp_path / "uploads"
    monkeypatch.setattr(intake_views, "UPLOADS", folder)
    return folder


@pytest.fixture
def client(settings, operation, session):
    session.commit()
    return TestClient(create_app(settings))
