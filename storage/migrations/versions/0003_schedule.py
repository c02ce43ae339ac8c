"""schedule: who started a crawl and which process runs it

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 05:00:00

Adds to `crawls` the trigger (manual / scheduled) and the host and pid of the process that opened the run, so
that `nianbao schedule` can mark a `running` row whose process is gone as interrupted. Existing rows are
manual, with no host or pid (their owner is unknown and they are never touched by that recovery).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs: no table rebuild on SQLite (a rebuild would trip the foreign keys pointing at crawls).
    op.add_column("crawls", sa.Column("trigger", sa.String(length=20), server_default="manual", nullable=False))
    op.add_column("crawls", sa.Column("host", sa.String(length=255), nullable=True))
    op.add_column("crawls", sa.Column("pid", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawls", schema=None) as batch_op:
        for column in ("pid", "host", "trigger"):
            batch_op.drop_column(column)
