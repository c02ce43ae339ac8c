"""Re-parse and coverage on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import func, select

from lifecycle.reparse import reparse_site
from storage.coverage import coverage, deadline
from storage.history import report_events
from storage.models import ReportEvent, ReportVersion
from storage.reparse import StoredPayload
from storage.reports import Outcome, latest_reports
from tests.storage.storage_helpers import SITE, T0, Doc, FakeSite, report_record

OFFICE, TOWN = "平罗县人民政府办公室", "平罗县宝丰镇人民政府"


def _two_reports(database_url: str) -> FakeSite:
    site = FakeSite(database_url)
    site.crawl(T0, [Doc("a.html", "a" * 64, report_record(OFFICE, 2020, 5, published_at="2021-01-20")),
                    Doc("b.html", "b" * 64, report_record(TOWN, 2020, 3, level="town", published_at="2021-02-05"))])
    return site


def _counts(site: FakeSite) -> tuple[int, int]:
    with site.sessions() as s:
        return (s.scalar(select(func.count()).select_from(ReportVersion)) or 0,
                s.scalar(select(func.count()).select_from(ReportEvent)) or 0)


def test_reparse_with_an_unchanged_parser_creates_nothing(database_url: str) -> None:
    site = _two_reports(database_url)
    before = _counts(site)

    def must_not_parse(todo: list[StoredPayload]) -> Iterable[Outcome]:
        raise AssertionError(f"parsed again: {todo}")

    result = reparse_site(site.sessions, SITE, "t1", must_not_parse, T0 + timedelta(days=5))
    assert (result.parsed, result.new_version_ids) == (0, [])
    assert _counts(site) == before


def test_reparse_with_a_new_parser_adds_versions_only_where_the_record_changed(database_url: str) -> None:
    site = _two_reports(database_url)

    def new_parser(todo: list[StoredPayload]) -> Iterable[Outcome]:
        for p in todo:
            unit, granted = (OFFICE, 5) if p.url.endswith("a.html") else (TOWN, 4)  # the town's number changes
            record = report_record(unit, 2020, granted, level="department" if unit == OFFICE else "town",
                                   published_at="2021-01-20" if unit == OFFICE else "2021-02-05")
            yield Outcome(p.payload_sha256, "t2", True, None, True, "html_inline", "…", record)

    result = reparse_site(site.sessions, SITE, "t2", new_parser, T0 + timedelta(days=5))
    assert result.parsed == 2 and len(result.new_version_ids) == 1
    by_unit = {o["unit_name"]: o for o in latest_reports(site.sessions)}
    assert by_unit[OFFICE]["version"] == 1 and by_unit[OFFICE]["parser_version"] == "t1"
    assert by_unit[TOWN]["version"] == 2 and by_unit[TOWN]["parser_version"] == "t2"
    events = report_events(site.sessions, by_unit[TOWN]["report_id"])
    assert [e["kind"] for e in events] == ["first_seen", "reparsed"]
    assert {"path": "table3.results.granted.total", "old": 3, "new": 4} in events[1]["changes"]
    again = reparse_site(site.sessions, SITE, "t2", new_parser, T0 + timedelta(days=6))
    assert (again.parsed, again.new_version_ids) == (0, [])


def test_deadlines_by_unit_level() -> None:
    assert deadline("department", 2020) == date(2021, 1, 31)
    assert deadline("town", 2020) == date(2021, 1, 31)
    assert deadline("county", 2020) == date(2021, 3, 31)


def test_coverage_marks_found_missing_late_withdrawn_and_changed(database_url: str) -> None:
    site = FakeSite(database_url)
    office_2020 = Doc("a.html", "a" * 64, report_record(OFFICE, 2020, 5, published_at="2021-01-20"))
    town_2020 = Doc("b.html", "b" * 64, report_record(TOWN, 2020, 3, level="town", published_at="2021-02-05"))
    office_2021 = Doc("c.html", "c" * 64, report_record(OFFICE, 2021, 9, published_at="2022-01-10"))
    site.crawl(T0, [office_2020, town_2020, office_2021])
    changed = Doc("a.html", "d" * 64, report_record(OFFICE, 2020, 6, published_at="2021-01-20"))
    site.crawl(T0 + timedelta(days=1), [changed, office_2021])  # the town's 2020 report vanishes
    rows = {(r.unit_name, r.report_year): r for r in coverage(site.sessions, site="pingluo")}
    assert len(rows) == 4
    assert (rows[OFFICE, 2020].state, rows[OFFICE, 2020].late, rows[OFFICE, 2020].changed_after_publication) == (
        "found", False, True)
    assert (rows[TOWN, 2020].state, rows[TOWN, 2020].late) == ("withdrawn", True)  # 5 Feb > 31 Jan
    assert rows[TOWN, 2021].state == "missing" and rows[TOWN, 2021].late is None
    assert (rows[OFFICE, 2021].state, rows[OFFICE, 2021].changed_after_publication) == ("found", False)
    assert coverage(site.sessions, site="elsewhere") == []
