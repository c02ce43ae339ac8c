"""The analysts' dataset and the Datasette views on SQLite and PostgreSQL: one row per version, fixed columns,
blank told from 0 and from absent, validation, as-of, and `reports_latest` / `cells` agreeing with the records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text

from storage.asof import resolve_as_of
from storage.dataset import CELL_PATHS, COLUMNS, dataset_rows, record_cells
from storage.db import engine_for
from tests.storage.storage_helpers import T0, Doc, FakeSite, cell, report_record

DAY = timedelta(days=1)
OFFICE, TOWN = "平罗县人民政府办公室", "平罗县宝丰镇人民政府"


def _rich(granted: int) -> dict[str, Any]:
    """A record with a unit, a dash, a derived cell, a cell outside both templates and validation entries."""
    record = report_record(OFFICE, 2020, granted)
    record["format_version"] = "hybrid"
    record["table2"] = {
        "art20_9": {"central_procurement": {"procurement_amount": {**cell(251000), "unit": "元"}}},
        "art20_5": {"other_mgmt_services": {"decisions": {**cell(None), "raw": "—", "blank": False, "dash": True}}},
        "art20_8": {"admin_fees": {"unlabeled_2": cell(0)}},
    }
    record["table3"]["results"]["other"] = {"total": {**cell(2), "derived": True}}
    record["validation"] = [{"rule": "T3-COL"}, {"rule": "T3-ROW"}, {"rule": "T3-COL"}]
    return record


def _two_reports(site: FakeSite) -> None:
    """The office report in two versions (granted 5, then 6), the town's in one."""
    town = Doc("t2.html", "3" * 64, report_record(TOWN, 2020, 1, level="town"))
    site.crawl(T0, [Doc("t1.html", "1" * 64, report_record(OFFICE, 2020, 5)), town])
    site.crawl(T0 + DAY, [Doc("t1.html", "2" * 64, _rich(6)), town])


def _by_version(database_url: str) -> dict[tuple[str, int], dict[str, Any]]:
    site = FakeSite(database_url)
    _two_reports(site)
    return {(r.values["unit_name"], r.values["version"]): r.values for r in dataset_rows(site.sessions)}


def test_one_row_per_version_with_the_same_columns(database_url: str) -> None:
    rows = _by_version(database_url)
    assert sorted(rows) == sorted([(TOWN, 1), (OFFICE, 1), (OFFICE, 2)])
    assert all(tuple(values) == COLUMNS for values in rows.values())
    assert [rows[OFFICE, v]["latest"] for v in (1, 2)] == [0, 1] and rows[TOWN, 1]["latest"] == 1
    assert [rows[OFFICE, v]["table3.results.granted.total"] for v in (1, 2)] == [5, 6]
    assert rows[TOWN, 1]["unit_level"] == "town" and rows[OFFICE, 2]["format_version"] == "hybrid"
    assert rows[OFFICE, 1]["payload_sha256"] == "1" * 64 and rows[OFFICE, 2]["payload_sha256"] == "2" * 64
    assert rows[OFFICE, 2]["captured_at"].startswith("2021-03-02T08:00:00")
    # Every cell of both templates is a column, whatever the catalogue holds.
    assert {"table2.art20_9.central_procurement.procurement_amount", "table2.art20_1.rules.issued",
            "table3.results.other_detail.fee_unpaid.org_other", "table4.litigation_direct.pending"} <= set(COLUMNS)
    assert len(CELL_PATHS) == 29 + 26 * 7 + 15


def test_blank_is_told_from_zero_and_from_absent(database_url: str) -> None:
    row = _by_version(database_url)[OFFICE, 1]
    assert (row["table4.litigation_direct.total"], row["table4.litigation_direct.total:flags"]) == (0, "")
    assert (row["table4.litigation_after_review.total"],
            row["table4.litigation_after_review.total:flags"]) == (None, "blank")
    assert (row["table3.carried_over.total"], row["table3.carried_over.total:flags"]) == (None, "absent")
    assert (row["validation_rules"], row["validation_count"], row["extra_cells"]) == (None, 0, None)


def test_units_dashes_derived_extra_cells_and_validation(database_url: str) -> None:
    row = _by_version(database_url)[OFFICE, 2]
    amount = "table2.art20_9.central_procurement.procurement_amount"
    assert (row[amount], row[amount + ":flags"]) == (251000, "unit=元")
    dash = "table2.art20_5.other_mgmt_services.decisions"
    assert (row[dash], row[dash + ":flags"]) == (None, "dash")
    assert (row["table3.results.other.total"], row["table3.results.other.total:flags"]) == (2, "derived")
    assert row["extra_cells"] == '{"table2.art20_8.admin_fees.unlabeled_2": 0}'
    assert (row["validation_rules"], row["validation_count"]) == ("T3-COL T3-ROW", 3)


def test_as_of_keeps_the_versions_that_existed_then_with_their_status_then(database_url: str) -> None:
    site = FakeSite(database_url)
    site.crawl(T0, [Doc("t1.html", "1" * 64, report_record(OFFICE, 2020, 5))])
    site.crawl(T0 + 2 * DAY, [Doc("t1.html", "2" * 64, report_record(OFFICE, 2020, 6))])
    site.crawl(T0 + 3 * DAY, [])  # a finished crawl without the report: withdrawn

    def rows(as_of: str | None) -> list[tuple[int, str, int]]:
        found = dataset_rows(site.sessions, cutoff=resolve_as_of(site.sessions, as_of))
        return [(r.values["version"], r.values["status"], r.values["latest"]) for r in found]

    assert rows(None) == [(1, "withdrawn", 0), (2, "withdrawn", 1)]
    assert rows((T0 + DAY).date().isoformat()) == [(1, "current", 1)]
    assert rows((T0 + 2 * DAY).date().isoformat()) == [(1, "current", 0), (2, "current", 1)]
    assert rows((T0 - DAY).date().isoformat()) == []
    assert [r.values["version"] for r in dataset_rows(site.sessions, site="elsewhere")] == []


def test_views_show_each_reports_latest_version_and_every_cell(database_url: str) -> None:
    site = FakeSite(database_url)
    _two_reports(site)
    with engine_for(database_url).connect() as conn:
        latest = conn.execute(text("SELECT report_id, unit_name, version, unit_level, format_version, status, "
                                   "validation_count FROM reports_latest ORDER BY report_id")).all()
        cells = conn.execute(text("SELECT report_id, version, path, value, raw, unit, blank, dash, derived "
                                  "FROM cells")).all()
    assert [tuple(r) for r in latest] == [(1, OFFICE, 2, "department", "hybrid", "current", 3),
                                          (2, TOWN, 1, "town", None, "current", None)]
    by_version: dict[tuple[int, int], dict[str, Any]] = {}
    for c in cells:
        value = None if c.value is None else float(c.value)
        by_version.setdefault((c.report_id, c.version), {})[c.path] = (value, c.raw, c.unit, bool(c.blank),
                                                                       bool(c.dash), bool(c.derived))
    expected = {(1, 1): report_record(OFFICE, 2020, 5), (1, 2): _rich(6), (2, 1): report_record(TOWN, 2020, 1)}
    assert set(by_version) == set(expected)
    for key, record in expected.items():
        assert by_version[key] == {
            path: (None if c["value"] is None else float(c["value"]), c["raw"], c["unit"], c["blank"],
                   bool(c.get("dash")), bool(c.get("derived")))
            for path, c in record_cells(record).items()}
    assert by_version[1, 2]["table2.art20_9.central_procurement.procurement_amount"][:3] == (251000, "251000", "元")
    assert by_version[1, 1]["table4.litigation_after_review.total"][3] is True
