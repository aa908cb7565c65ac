"""A posting (social post, video, news sent to the paper) recorded twice, even by two processes at once, is kept
once: a unique index, as for airings."""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "uq_posted_once" in {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("events")}:
        return  # a ledger brought up to date from the models has it already
    op.create_index(
        "uq_posted_once",
        "events",
        ["commune", "item_id", "channel", "at", "detail"],
        unique=True,
        sqlite_where=sa.text("kind = 'posted'"),
        postgresql_where=sa.text("kind = 'posted'"),
    )


def downgrade() -> None:
    op.drop_index("uq_posted_once", table_name="events")
