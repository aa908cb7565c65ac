"""Leases (one produce per commune at a time, freed when its holder dies), and keys that make an airing and
an activity impossible to record twice, even by two processes at once."""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leases",
        sa.Column("commune", sa.String(100), primary_key=True, server_default=""),
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("acquired_at", sa.DateTime, nullable=False),
        sa.Column("renewed_at", sa.DateTime, nullable=False),
    )
    # rows a race of the earlier version may have doubled: the first one stays
    op.execute(
        "DELETE FROM events WHERE kind = 'aired' AND id NOT IN "
        "(SELECT MIN(id) FROM events WHERE kind = 'aired' GROUP BY commune, delivery_id, at)"
    )
    op.create_index(
        "uq_aired_once",
        "events",
        ["commune", "delivery_id", "at"],
        unique=True,
        sqlite_where=sa.text("kind = 'aired'"),
        postgresql_where=sa.text("kind = 'aired'"),
    )
    op.execute(
        "DELETE FROM activities WHERE id NOT IN (SELECT MIN(id) FROM activities GROUP BY commune, kind, day, title)"
    )
    with op.batch_alter_table("activities") as table:
        table.create_unique_constraint("uq_activity", ["commune", "kind", "day", "title"])


def downgrade() -> None:
    with op.batch_alter_table("activities") as table:
        table.drop_constraint("uq_activity", type_="unique")
    op.drop_index("uq_aired_once", "events")
    op.drop_table("leases")
