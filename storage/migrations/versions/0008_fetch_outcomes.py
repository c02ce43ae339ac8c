"""fetch outcomes: what became of each URL a crawl did not get whole

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-07 07:30:00

`fetch_outcomes`: one row per URL a crawl asked for and did not get whole — a failed download (timeout, reset,
DNS, TLS, a body shorter than its Content-Length), an HTTP error left after the retries, a request refused before
it was sent (robots.txt, off the site, a private address, a redirect loop), a body cut at NIANBAO_MAX_DOWNLOAD_MB —
with its kind, reason, the attempts made and the capture of what did arrive (storage/fetch_outcomes.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fetch_outcomes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("crawl_id", sa.Integer(), sa.ForeignKey("crawls.id"), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("capture_id", sa.Integer(), sa.ForeignKey("captures.id"), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_fetch_outcomes_crawl_id", "fetch_outcomes", ["crawl_id"])


def downgrade() -> None:
    op.drop_index("ix_fetch_outcomes_crawl_id", "fetch_outcomes")
    op.drop_table("fetch_outcomes")
