"""Schema changes go through Alembic (migrations/versions/); a ledger of any earlier version upgrades in place."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from .schema import add_missing_columns

HEAD = "0005"
SCRIPTS = Path(__file__).with_name("migrations")


def current_revision(connection: Connection) -> str | None:
    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _alembic(connection: Connection, action: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    getattr(command, action)(config, revision)


def migrate(engine: Engine) -> None:
    """Bring the ledger to HEAD. Cheap when it is there already (one query); safe when two processes try at
    once (the loser finds the work done)."""
    with engine.connect() as connection:
        revision = current_revision(connection)
        tables = set(inspect(connection).get_table_names())
    if revision == HEAD:
        return
    try:
        if revision is None and tables:
            add_missing_columns(engine)  # a ledger from before migrations: its tables first get their columns
        with engine.begin() as connection:
            _alembic(connection, "upgrade", HEAD)
    except Exception:
        with engine.connect() as connection:
            if current_revision(connection) != HEAD:
                raise
