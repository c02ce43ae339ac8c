"""The analysts' dataset: one flat row per report version — identity, every table cell, validation, provenance.

Columns are fixed whatever the catalogue holds, so every export has the same header in the same order:

- identity (`IDENTITY_COLUMNS`): site, region code, unit, level, year, report id, version, the report's status as
  of the export's moment, format version, and `latest` (1 for the version `nianbao reports` shows then, else 0);
- one column per cell of either national template (`CELL_PATHS`, from kernel.report_tables, in template order),
  named by its dotted path (`table3.results.granted.total`), holding the cell's `value` — empty when the cell is
  blank, a dash, uncertain, or not in the record;
- beside each, `<path>:flags` (`FLAGS_SUFFIX`): what the empty or odd value means, space-separated tokens —
  `absent` (the record has no such cell: another template, or the table was not found), `blank`, `dash`,
  `uncertain`, `derived`, and `unit=元` / `unit=万元` when the cell carries a unit; "" for a plain printed number.
  Raw cell text is not a column (it is in `nianbao reports --format json` and in the `cells` view);
- `extra_cells`: cells outside the two templates (hybrid layouts, unlabeled columns) as JSON {path: value};
- validation: `validation_rules` (the failed identities' rule ids, space-separated, each once, in record order)
  and `validation_count` (how many entries the record has);
- provenance (`PROVENANCE_COLUMNS`): the source and authoritative URLs, the WARC file and offset of the record
  that holds the payload (filled by the caller from archive.dedup, which owns that answer: storage only knows the
  capture — see `DatasetRow.capture`), the payload digest, capture time, first-seen time and parser version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kernel import report as rk
from kernel import report_tables as rt
from storage.models import Capture, Report, ReportVersion
from storage.queries import as_utc, statuses_as_of

__all__ = ["CELL_PATHS", "COLUMNS", "COLUMN_TYPES", "FLAGS_SUFFIX", "CaptureRef", "DatasetRow", "dataset_rows",
           "record_cells"]

FLAGS_SUFFIX: Final = ":flags"
ABSENT: Final = "absent"
LATEST: Final = "latest"
WARC_FILE: Final = "warc_file"
WARC_OFFSET: Final = "warc_offset"
EXTRA_CELLS: Final = "extra_cells"
VALIDATION_RULES: Final = "validation_rules"
VALIDATION_COUNT: Final = "validation_count"


def _t2_paths() -> tuple[str, ...]:
    """Table 2's cells of both templates, block by block, rows and columns in vocabulary order."""
    printed = {(b.key, r, c) for v in rk.TEMPLATE_VERSIONS for b in rt.T2_TEMPLATES[v] for r in b.rows
               for c in b.columns}
    return tuple(rt.cell_path(rk.TABLE2, b, r, c) for b in rt.T2_BLOCK_KEYS for r in rt.T2_ROW_KEYS
                 for c in rt.T2_COLUMN_KEYS if (b, r, c) in printed)


CELL_PATHS: Final = (
    *_t2_paths(),
    *(rt.cell_path(rk.TABLE3, r, c) for r in rt.T3_ROW_PATHS for c in rt.T3_COLUMN_KEYS),
    *(rt.cell_path(rk.TABLE4, g, c) for g in rt.T4_GROUP_KEYS for c in rt.T4_COLUMN_KEYS),
)
IDENTITY_COLUMNS: Final = (rk.SITE, rk.REGION_CODE, rk.UNIT_NAME, rk.UNIT_LEVEL, rk.REPORT_YEAR, rk.REPORT_ID,
                           rk.VERSION, rk.STATUS, rk.FORMAT_VERSION, LATEST)
PROVENANCE_COLUMNS: Final = (rk.SOURCE_URL, rk.AUTHORITATIVE_URL, WARC_FILE, WARC_OFFSET, rk.PAYLOAD_SHA256,
                             rk.CAPTURED_AT, rk.VERSION_FIRST_SEEN_AT, rk.PARSER_VERSION)
COLUMNS: Final = (*IDENTITY_COLUMNS, *(c for p in CELL_PATHS for c in (p, p + FLAGS_SUFFIX)), EXTRA_CELLS,
                  VALIDATION_RULES, VALIDATION_COUNT, *PROVENANCE_COLUMNS)
# Each column's type, for typed formats (Parquet): "int", "float" (every cell value: counts and amounts alike) or
# "str"; any value may be None.
_INTS = {rk.REPORT_YEAR, rk.REPORT_ID, rk.VERSION, LATEST, VALIDATION_COUNT, WARC_OFFSET}
COLUMN_TYPES: Final = {c: "int" if c in _INTS else "float" if c in CELL_PATHS else "str" for c in COLUMNS}


@dataclass(frozen=True)
class CaptureRef:
    """The capture a version was parsed from, as archive.dedup.Dedup.payload_location takes it."""

    warc_file: str
    warc_offset: int
    record_type: str
    payload_sha256: str | None


@dataclass(frozen=True)
class DatasetRow:
    """One report version: `values` by COLUMNS (warc_file/warc_offset are the capture's own record until the
    caller asks archive.dedup where its payload is), and the capture that locates it."""

    values: dict[str, Any]
    capture: CaptureRef


def dataset_rows(sessions: sessionmaker[Session], *, cutoff: datetime | None = None,
                 site: str | None = None) -> list[DatasetRow]:
    """Every version first seen before `cutoff` (storage.asof's exclusive cutoff; None: all), with the status its
    report had then; ordered by site, year, unit, report id, version."""
    query = (select(Report, ReportVersion, Capture)
             .join(ReportVersion, ReportVersion.report_id == Report.id)
             .join(Capture, Capture.id == ReportVersion.source_capture_id)
             .order_by(Report.site_id, Report.report_year, Report.unit_name, Report.id, ReportVersion.version))
    newest = select(ReportVersion.report_id, func.max(ReportVersion.version))
    if cutoff is not None:
        query = query.where(ReportVersion.first_seen_at < cutoff)
        newest = newest.where(ReportVersion.first_seen_at < cutoff)
    if site:
        query = query.where(Report.site_id == site)
    with sessions() as s:
        found = s.execute(query).all()
        latest = {(r, v) for r, v in s.execute(newest.group_by(ReportVersion.report_id))}
        statuses = statuses_as_of(s, sorted({r.id for r, _, _ in found}), cutoff)
    return [_row(r, v, c, statuses.get(r.id, (rk.STATUS_CURRENT, None))[0], (r.id, v.version) in latest)
            for r, v, c in found]


def _row(report: Report, version: ReportVersion, capture: Capture, status: str, latest: bool) -> DatasetRow:
    record = version.record
    values: dict[str, Any] = {
        rk.SITE: report.site_id, rk.REGION_CODE: report.region_code, rk.UNIT_NAME: report.unit_name,
        rk.UNIT_LEVEL: record.get(rk.UNIT_LEVEL), rk.REPORT_YEAR: report.report_year, rk.REPORT_ID: report.id,
        rk.VERSION: version.version, rk.STATUS: status, rk.FORMAT_VERSION: record.get(rk.FORMAT_VERSION),
        LATEST: int(latest),
    }
    cells = record_cells(record)
    for path in CELL_PATHS:
        cell = cells.pop(path, None)
        values[path] = _number(cell.get("value")) if cell is not None else None
        values[path + FLAGS_SUFFIX] = cell_flags(cell)
    values[EXTRA_CELLS] = json.dumps({p: c.get("value") for p, c in cells.items()}, ensure_ascii=False) \
        if cells else None
    entries = [e for e in record.get(rk.VALIDATION) or [] if isinstance(e, dict)]
    values[VALIDATION_RULES] = " ".join(dict.fromkeys(str(e.get("rule")) for e in entries)) or None
    values[VALIDATION_COUNT] = len(entries)
    values.update({
        rk.SOURCE_URL: record.get(rk.SOURCE_URL), rk.AUTHORITATIVE_URL: capture.url,
        WARC_FILE: capture.warc_file, WARC_OFFSET: capture.warc_offset, rk.PAYLOAD_SHA256: version.payload_sha256,
        rk.CAPTURED_AT: as_utc(capture.captured_at).isoformat(),
        rk.VERSION_FIRST_SEEN_AT: as_utc(version.first_seen_at).isoformat(),
        rk.PARSER_VERSION: version.parser_version,
    })
    ref = CaptureRef(capture.warc_file, capture.warc_offset, capture.record_type, capture.payload_sha256)
    return DatasetRow(values, ref)


def record_cells(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every CELL of tables 2–4 in a record, by dotted path (a cell is an object with a `value` key)."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any, path: str) -> None:
        if not isinstance(node, dict):
            return
        if "value" in node:
            found[path] = node
            return
        for key, child in node.items():
            walk(child, rt.cell_path(path, str(key)))

    for table in rk.TABLES:
        walk(record.get(table), table)
    return found


def cell_flags(cell: dict[str, Any] | None) -> str:
    """The `:flags` text of a cell: `absent`, or its set flags and unit ("" for a plain printed number)."""
    if cell is None:
        return ABSENT
    tokens: list[str] = [flag for flag in rk.CELL_FLAGS if cell.get(flag)]
    if cell.get("unit"):
        tokens.append(f"unit={cell['unit']}")
    return " ".join(tokens)


def _number(value: Any) -> int | float | None:
    """A cell value as stored (int or float); anything else (a stray string) is not a number: None."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None
