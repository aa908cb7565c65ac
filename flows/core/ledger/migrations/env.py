"""Alembic's entry point for the ledger: it runs on the connection flows.core.ledger.migrate hands it."""

from alembic import context

from flows.core.ledger.schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
