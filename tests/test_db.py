from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import evac.models  # noqa: F401  (every table on Base.metadata)
from evac.db import Base, current_revisions, migrate, script_heads


def test_migrating_twice_changes_nothing(engine, database_url):
    before = current_revisions(engine)
    migrate(database_url)
    assert current_revisions(engine) == before == script_heads()


def test_migrations_match_the_models(engine):
    """A model changed without its migration shows up here, on both databases."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
