"""the units each site publishes reports for

Revision ID: 0007
Revises: 0008
Create Date: 2026-12-07 07:00:00

`site_units`: one row per (site, unit name) — the county government, departments, towns and streets a site's own
column tree, annual-report module and the registry show, with the unit's level and region code when known and the
site's own code for it (storage/units.py). Parsing reads them as the site's known unit names.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "site_units",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site_id", sa.String(64), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(20), nullable=True),
        sa.Column("region_code", sa.String(12), nullable=True),
        sa.Column("code", sa.String(40), nullable=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("site_id", "name", name="uq_site_units_site_name"),
    )
    op.create_index("ix_site_units_site_id", "site_units", ["site_id"])


def downgrade() -> None:
    op.drop_index("ix_site_units_site_id", "site_units")
    op.drop_table("site_units")
