"""The ledger as the first release made it: events, deliveries, slugs, activities, feed entries and states."""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _commune() -> sa.Column:
    return sa.Column("commune", sa.String(100), nullable=False, server_default="")


def upgrade() -> None:
    # a ledger from before migrations has some of these tables already (their columns were brought up to date
    # first): only the missing ones are made
    have = set(sa.inspect(op.get_bind()).get_table_names())

    def missing(name: str) -> bool:
        return name not in have

    if missing("deliveries"):
        _deliveries()
    if missing("events"):
        _events()
    if missing("slugs"):
        _slugs()
    if missing("activities"):
        _activities()
    if missing("feed_entries"):
        _feed_entries()
    if missing("feed_states"):
        _feed_states()


def _deliveries() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        _commune(),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("bytes", sa.Integer, nullable=False),
        sa.Column("duration_seconds", sa.Float),
        sa.Column("engine", sa.String(50)),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("produced_at", sa.DateTime, nullable=False),
        sa.Column("published_at", sa.DateTime),
        sa.Column("url", sa.String(1000)),
        sa.Column("aired_at", sa.DateTime),
        sa.Column("retracted_at", sa.DateTime),
        sa.Column("note", sa.Text),
        sa.Column("meta", sa.Text),
        sa.Column("recipe", sa.String(64)),
        sa.UniqueConstraint("commune", "item_id", "channel", "version", name="uq_delivery_item_channel_version"),
    )
    for column in ("commune", "item_id", "channel"):
        op.create_index(f"ix_deliveries_{column}", "deliveries", [column])


def _events() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        _commune(),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(20)),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("delivery_id", sa.Integer, sa.ForeignKey("deliveries.id")),
        sa.Column("detail", sa.Text),
    )
    for column in ("commune", "at", "kind", "item_id"):
        op.create_index(f"ix_events_{column}", "events", [column])


def _slugs() -> None:
    op.create_table(
        "slugs",
        sa.Column("commune", sa.String(100), primary_key=True, server_default=""),
        sa.Column("item_id", sa.String(200), primary_key=True),
        sa.Column("slug", sa.String(200), nullable=False),
        sa.Column("assigned_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("commune", "slug", name="uq_slug_per_commune"),
    )


def _activities() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer, primary_key=True),
        _commune(),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("attendees", sa.Integer),
        sa.Column("unit", sa.String(50)),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    for column in ("commune", "kind", "day"):
        op.create_index(f"ix_activities_{column}", "activities", [column])


def _feed_entries() -> None:
    op.create_table(
        "feed_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        _commune(),
        sa.Column("key", sa.String(700), nullable=False),
        sa.Column("feed", sa.String(500), nullable=False),
        sa.Column("item_id", sa.String(200)),
        sa.Column("seen_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("commune", "key", name="uq_feed_entry"),
    )
    op.create_index("ix_feed_entries_commune", "feed_entries", ["commune"])


def _feed_states() -> None:
    op.create_table(
        "feed_states",
        sa.Column("commune", sa.String(100), primary_key=True, server_default=""),
        sa.Column("feed", sa.String(500), primary_key=True),
        sa.Column("etag", sa.String(500)),
        sa.Column("modified", sa.String(100)),
    )


def downgrade() -> None:
    for table in ("feed_states", "feed_entries", "activities", "slugs", "events", "deliveries"):
        op.drop_table(table)
