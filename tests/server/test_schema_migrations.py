"""The Alembic migrations build exactly the schema server/storage/schema.py describes, on both backends:
a column added to one but not the other would only show in an office's database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from server.storage.engine import create_engines
from server.storage.migrate import upgrade
from server.storage.schema import metadata


def test_the_migrated_database_is_the_declared_schema(db_url):
    engines = create_engines(db_url)
    try:
        upgrade(engines.write)
        with engines.write.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engines.dispose()
    assert differences == []
