"""Every file a delivery made besides its main one (fragment, zip, card, PDF, sidecar, images, subtitles),
with its hash: `ledger verify` checks them all and `produce` remakes any that is missing or altered."""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("deliveries")}
    if "companions" not in columns:  # a ledger brought up to date column by column has it already
        op.add_column("deliveries", sa.Column("companions", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("deliveries", "companions")
