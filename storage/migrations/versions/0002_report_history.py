"""report history: renditions, events, report status, full-text search

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:00:00

Adds to `reports` where a report stands (status, the page offering it, first seen, last crawl that offered it),
the tables `report_renditions` and `report_events`, and `report_search` (SQLite: an FTS5 table with the trigram
tokenizer; PostgreSQL: a plain table with a pg_trgm GIN index). Existing reports are back-filled: status
current, one first_seen / changed event per version, their authoritative rendition and their search text.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LATEST = "v.version = (SELECT max(w.version) FROM report_versions w WHERE w.report_id = v.report_id)"
SOURCE_DOC = ("JOIN captures c ON c.id = v.source_capture_id "
              "JOIN reports r ON r.id = v.report_id "
              "JOIN documents d ON d.site_id = r.site_id AND d.url = c.url")


def upgrade() -> None:
    # Plain ADD COLUMNs: no table rebuild on SQLite (a rebuild would trip the foreign keys pointing at reports).
    op.add_column("reports", sa.Column("status", sa.String(length=20), server_default="current", nullable=False))
    op.add_column("reports", sa.Column("page_url", sa.Text(), nullable=True))
    op.add_column("reports", sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "sqlite":  # SQLite takes a REFERENCES clause only inline
        op.execute("ALTER TABLE reports ADD COLUMN last_offered_crawl_id INTEGER REFERENCES crawls (id)")
    else:
        op.add_column("reports", sa.Column("last_offered_crawl_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_reports_last_offered_crawl_id_crawls", "reports", "crawls",
                              ["last_offered_crawl_id"], ["id"])
    op.create_table(
        "report_renditions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("reports.id"), nullable=False),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=True),
        sa.Column("payload_sha256", sa.String(length=64), sa.ForeignKey("payloads.sha256"), nullable=True),
        sa.Column("authoritative", sa.Boolean(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_crawl_id", sa.Integer(), sa.ForeignKey("crawls.id"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "document_id", name="uq_report_renditions_report_document"),
    )
    op.create_index("ix_report_renditions_report_id", "report_renditions", ["report_id"])
    op.create_table(
        "report_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("reports.id"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("crawl_id", sa.Integer(), sa.ForeignKey("crawls.id"), nullable=True),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("report_versions.id"), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("previous_url", sa.Text(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_report_events_report_id", "report_events", ["report_id"])
    _create_search_table()
    _backfill()


def _create_search_table() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE report_search USING fts5("
                   "report_id UNINDEXED, version_id UNINDEXED, unit_name, body, tokenize = 'trigram')")
        return
    op.create_table(
        "report_search",
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("reports.id"), nullable=False),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("report_versions.id"), nullable=False),
        sa.Column("unit_name", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("report_id"),
    )
    schema = _pg_trgm_schema(bind)
    op.execute(f'CREATE INDEX ix_report_search_body_trgm ON report_search USING gin (body "{schema}".gin_trgm_ops)')


def _pg_trgm_schema(bind: sa.Connection) -> str:
    """The schema pg_trgm lives in, installing it into `public` when missing (so that dropping a schema of
    ours never drops the extension other schemas' indexes use); the current schema if public is closed."""
    find = sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                   "WHERE e.extname = 'pg_trgm'")
    schema = bind.execute(find).scalar()
    if schema is None:
        try:
            with bind.begin_nested():
                bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        except sa.exc.DBAPIError:
            with bind.begin_nested():
                bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        schema = bind.execute(find).scalar()
    return str(schema)


def _backfill() -> None:
    op.execute("UPDATE reports SET first_seen_at = "
               "(SELECT min(v.first_seen_at) FROM report_versions v WHERE v.report_id = reports.id)")
    op.execute("UPDATE reports SET page_url = (SELECT CASE WHEN d.kind = 'attachment' THEN d.page_url ELSE d.url END "
               f"FROM report_versions v {SOURCE_DOC} WHERE v.report_id = reports.id AND {LATEST} LIMIT 1)")
    op.execute("INSERT INTO report_events (report_id, kind, occurred_at, crawl_id, version_id, url) "
               "SELECT v.report_id, CASE WHEN v.version = 1 THEN 'first_seen' ELSE 'changed' END, v.first_seen_at, "
               "c.crawl_id, v.id, c.url FROM report_versions v JOIN captures c ON c.id = v.source_capture_id "
               "ORDER BY v.report_id, v.version")
    op.execute("INSERT INTO report_renditions (report_id, document_id, format, payload_sha256, authoritative, "
               "first_seen_at, last_seen_at, last_crawl_id) "
               "SELECT v.report_id, d.id, po.source_kind, v.payload_sha256, TRUE, v.first_seen_at, v.last_seen_at, "
               f"d.last_crawl_id FROM report_versions v {SOURCE_DOC} "
               "LEFT JOIN parse_outcomes po ON po.payload_sha256 = v.payload_sha256 "
               f"AND po.parser_version = v.parser_version WHERE {LATEST}")
    op.execute("INSERT INTO report_search (report_id, version_id, unit_name, body) "
               "SELECT v.report_id, v.id, r.unit_name, COALESCE(po.text, '') FROM report_versions v "
               "JOIN reports r ON r.id = v.report_id "
               "LEFT JOIN parse_outcomes po ON po.payload_sha256 = v.payload_sha256 "
               f"AND po.parser_version = v.parser_version WHERE {LATEST}")


def downgrade() -> None:
    op.drop_table("report_search")
    op.drop_index("ix_report_events_report_id", table_name="report_events")
    op.drop_table("report_events")
    op.drop_index("ix_report_renditions_report_id", table_name="report_renditions")
    op.drop_table("report_renditions")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":
            batch_op.drop_constraint("fk_reports_last_offered_crawl_id_crawls", type_="foreignkey")
        for column in ("last_offered_crawl_id", "first_seen_at", "page_url", "status"):
            batch_op.drop_column(column)
