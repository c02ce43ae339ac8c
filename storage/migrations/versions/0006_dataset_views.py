"""readable views for analysts (Datasette): reports_latest and cells

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 05:00:00

`reports_latest`: one row per report, its newest version — identity, status, format, where it was read from, how
many validation entries it has. `cells`: one row per table cell of every version — report id, version, the
cell's dotted path (`table3.results.granted.total`), its value and raw text, its unit and flags (a flag is 1/true
when set, 0/false otherwise). Reading the JSON records needs each dialect's own functions: SQLite's json_tree /
json_extract, PostgreSQL's json_each in a recursive query (the `record` column is `json`, not `jsonb`).

A later migration that rebuilds `reports`, `report_versions` or `captures` with SQLite's batch mode (copy and
rename) must drop these views first and create them again after: SQLite refuses to rename a table under a view.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LATEST = """
CREATE VIEW reports_latest AS
SELECT r.id AS report_id, r.site_id AS site, r.region_code, r.unit_name, {unit_level} AS unit_level,
       r.report_year, r.status, v.version, {format_version} AS format_version, {published_at} AS published_at,
       {source_kind} AS source_kind, {source_url} AS source_url, c.url AS authoritative_url,
       c.captured_at, v.first_seen_at AS version_first_seen_at, v.payload_sha256, v.parser_version,
       {validation_count} AS validation_count
FROM reports r
JOIN report_versions v ON v.report_id = r.id
     AND v.version = (SELECT max(v2.version) FROM report_versions v2 WHERE v2.report_id = r.id)
JOIN captures c ON c.id = v.source_capture_id
"""


def _sqlite_text(key: str) -> str:
    return f"json_extract(v.record, '$.{key}')"


def _pg_text(key: str) -> str:
    return f"v.record ->> '{key}'"


_KEYS = ("unit_level", "format_version", "published_at", "source_kind", "source_url")
SQLITE_LATEST = _LATEST.format(
    **{k: _sqlite_text(k) for k in _KEYS},
    validation_count="json_array_length(v.record, '$.validation')")
POSTGRESQL_LATEST = _LATEST.format(
    **{k: _pg_text(k) for k in _KEYS},
    validation_count="CASE WHEN json_typeof(v.record -> 'validation') = 'array' "
                     "THEN json_array_length(v.record -> 'validation') END")

# A cell is an object with a "value" key under table2 / table3 / table4 (see storage.dataset.record_cells).
SQLITE_CELLS = """
CREATE VIEW cells AS
SELECT v.report_id, v.version, substr(replace(t.fullkey, '"', ''), 3) AS path,
       json_extract(t.value, '$.value') AS value, json_extract(t.value, '$.raw') AS raw,
       json_extract(t.value, '$.unit') AS unit,
       coalesce(json_extract(t.value, '$.blank'), 0) AS blank, coalesce(json_extract(t.value, '$.dash'), 0) AS dash,
       coalesce(json_extract(t.value, '$.uncertain'), 0) AS uncertain,
       coalesce(json_extract(t.value, '$.derived'), 0) AS derived
FROM report_versions v, json_tree(v.record) t
-- json_tree quotes keys with "_" in fullkey ($."new_received"): the vocabulary has no quotes, so drop them
WHERE t.type = 'object' AND json_type(t.value, '$.value') IS NOT NULL
  AND (t.fullkey LIKE '$.table2.%' OR t.fullkey LIKE '$.table3.%' OR t.fullkey LIKE '$.table4.%')
"""
POSTGRESQL_CELLS = """
CREATE VIEW cells AS
WITH RECURSIVE node(report_id, version, path, doc) AS (
    SELECT v.report_id, v.version, e.key, e.value
    FROM report_versions v, json_each(v.record) e
    WHERE e.key IN ('table2', 'table3', 'table4') AND json_typeof(e.value) = 'object'
  UNION ALL
    SELECT n.report_id, n.version, n.path || '.' || e.key, e.value
    FROM node n, json_each(n.doc) e
    WHERE n.doc -> 'value' IS NULL AND json_typeof(e.value) = 'object'
)
SELECT report_id, version, path,
       CASE WHEN json_typeof(doc -> 'value') = 'number' THEN (doc ->> 'value')::numeric END AS value,
       doc ->> 'raw' AS raw, doc ->> 'unit' AS unit,
       coalesce((doc ->> 'blank')::boolean, false) AS blank, coalesce((doc ->> 'dash')::boolean, false) AS dash,
       coalesce((doc ->> 'uncertain')::boolean, false) AS uncertain,
       coalesce((doc ->> 'derived')::boolean, false) AS derived
FROM node
WHERE doc -> 'value' IS NOT NULL
"""


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute(POSTGRESQL_LATEST if postgresql else SQLITE_LATEST)
    op.execute(POSTGRESQL_CELLS if postgresql else SQLITE_CELLS)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS cells")
    op.execute("DROP VIEW IF EXISTS reports_latest")
