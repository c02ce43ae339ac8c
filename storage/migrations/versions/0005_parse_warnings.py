"""parse warnings are stored with the outcome

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 04:00:00

`parse_outcomes.warnings`: the parser's warnings about the document (why it is "not a report", where the unit's
name came from, a title year that differs from the statistics period), as a JSON list of strings. Outcomes stored
before this migration have none (NULL: not known, not "no warnings").
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("parse_outcomes") as batch:
        batch.add_column(sa.Column("warnings", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("parse_outcomes") as batch:
        batch.drop_column("warnings")
