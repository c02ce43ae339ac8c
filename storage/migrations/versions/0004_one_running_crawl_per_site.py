"""one running crawl per site, enforced by the database

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 11:00:00

A partial unique index on `crawls(site_id)` over the rows whose status is `running`: two processes that start a
run of one site at the same moment cannot both insert (or reopen) a running row; the second gets an integrity
error and skips the site. Before the index is built, all but the latest running row of each site are marked
`interrupted` (they could only come from such a race, or from processes that died without closing their run).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_crawls_one_running_per_site"
RUNNING = sa.text("status = 'running'")


def upgrade() -> None:
    op.execute(
        "UPDATE crawls SET status = 'interrupted', "
        "close_reason = 'a later run of the site was running (found by migration 0004)' "
        "WHERE status = 'running' AND id < (SELECT max(c.id) FROM crawls c "
        "WHERE c.site_id = crawls.site_id AND c.status = 'running')")
    op.create_index(INDEX, "crawls", ["site_id"], unique=True, sqlite_where=RUNNING, postgresql_where=RUNNING)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="crawls")
