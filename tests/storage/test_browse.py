"""The read side of the UI and the terminal (storage.browse, storage.coverage's matrix) on SQLite and PostgreSQL:
plain frozen dataclasses, never ORM entities."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import update

from storage import browse
from storage.coverage import coverage, coverage_matrix
from storage.crawls import CrawlRow
from storage.models import ParseOutcome
from tests.storage.storage_helpers import BASE, SITE, T0, Doc, FakeSite, report_record

OFFICE, TOWN = "平罗县人民政府办公室", "平罗县宝丰镇人民政府"
NOT_A_REPORT = "no report title and too few report headings: not a report"


def _office(granted: int, pdf_sha: str, year: int = 2020) -> list[Doc]:
    page = f"o{year}.html"
    return [Doc(page, f"{year}".ljust(64, "p"), report_record(OFFICE, year, None, published_at=f"{year + 1}-01-20")),
            Doc(f"O{year}.pdf", pdf_sha, report_record(OFFICE, year, granted, published_at=f"{year + 1}-01-20"),
                kind="attachment", page=page)]


def _site(database_url: str) -> tuple[FakeSite, int, int]:
    """Crawl 1: the office's and the town's 2020 reports and a page that is no report; crawl 2: the office's
    2020 report changed, its 2021 report new, the town's report gone (withdrawn)."""
    site = FakeSite(database_url)
    town = Doc("t.html", "t" * 64, report_record(TOWN, 2020, 3, level="town", published_at="2021-02-05"))
    notice = Doc("notice.html", "n" * 64, None, is_report=False, text="通知", warnings=(NOT_A_REPORT,))
    first = site.crawl(T0, [*_office(5, "1" * 64), town, notice])
    second = site.crawl(T0 + timedelta(days=1), [*_office(6, "2" * 64), *_office(9, "3" * 64, year=2021)])
    return site, first, second


def _frozen(row: object) -> None:
    assert dataclasses.is_dataclass(row) and not isinstance(row, type)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(row, "id", 0)  # noqa: B010 — any assignment must fail


def test_sites_crawls_and_captures(database_url: str) -> None:
    site, first, second = _site(database_url)
    assert browse.sites(site.sessions) == [SITE]
    assert browse.site(site.sessions, "pingluo") == SITE and browse.site(site.sessions, "nosuch") is None
    crawls = browse.recent_crawls(site.sessions)
    assert [c.id for c in crawls] == [second, first] and all(isinstance(c, CrawlRow) for c in crawls)
    assert [c.status for c in crawls] == ["finished", "finished"]
    assert [c.id for c in browse.recent_crawls(site.sessions, site_id="pingluo", limit=1)] == [second]
    assert browse.recent_crawls(site.sessions, site_id="elsewhere") == []
    assert browse.crawl_captures(site.sessions, first) == browse.CrawlCaptures(("x.warc.gz",), (("response", 4),))
    assert browse.crawl_captures(site.sessions, None) == browse.CrawlCaptures((), ())


def test_reports_versions_and_renditions(database_url: str) -> None:
    site, _, _ = _site(database_url)
    summaries = browse.site_reports(site.sessions, "pingluo")
    assert [(r.report_year, r.unit_name, r.status, r.versions) for r in summaries] == [
        (2021, OFFICE, "current", 1), (2020, OFFICE, "current", 2), (2020, TOWN, "withdrawn", 1)]
    assert browse.site_reports(site.sessions, "elsewhere") == []
    office = summaries[1]
    report = browse.report(site.sessions, office.id)
    assert report is not None and (report.unit_name, report.report_year, report.site_id) == (OFFICE, 2020, "pingluo")
    assert report.page_url == BASE + "o2020.html" and report.region_code == "640221"
    assert browse.report(site.sessions, office.id + 1000) is None
    versions = browse.versions(site.sessions, office.id)
    assert [v.version for v in versions] == [1, 2]
    assert [v.record["table3"]["results"]["granted"]["total"]["value"] for v in versions] == [5, 6]
    assert versions[1].payload_sha256 == "2" * 64 and versions[1].parser_version == "t1"
    renditions = browse.renditions(site.sessions, office.id)
    assert [(r.kind, r.format, r.authoritative, r.url) for r in renditions] == [
        ("attachment", "pdf", True, BASE + "O2020.pdf"), ("page", "html_inline", False, BASE + "o2020.html")]
    assert all(r.capture_id is not None and r.media_type == "text/html" for r in renditions)
    for row in (summaries[0], report, versions[0]):
        _frozen(row)


def test_documents_carry_their_capture_and_parse_warnings(database_url: str) -> None:
    site, _, second = _site(database_url)
    documents = browse.site_documents(site.sessions, "pingluo")
    assert [d.kind for d in documents] == ["page"] * 4 + ["attachment"] * 2
    assert [d.url for d in documents[:4]] == sorted(d.url for d in documents[:4])
    notice = next(d for d in documents if d.url.endswith("notice.html"))
    view = browse.document(site.sessions, notice.id)
    assert view is not None and view.document == notice and view.capture is not None
    assert (view.parse_status, view.parse_reason, view.text) == ("ok", None, "通知")
    assert view.parse_warnings == (NOT_A_REPORT,)
    assert (view.capture.payload_sha256, view.capture.media_type, view.capture.record_type) == (
        "n" * 64, "text/html", "response")
    assert browse.capture(site.sessions, view.capture.id) == view.capture
    assert browse.capture(site.sessions, view.capture.id + 1000) is None
    pdf = next(d for d in documents if d.url.endswith("O2021.pdf"))
    pdf_view = browse.document(site.sessions, pdf.id)
    assert pdf_view is not None and pdf_view.parse_warnings == () and pdf_view.capture is not None
    assert pdf_view.capture.crawl_id == second
    with site.sessions.begin() as s:  # an outcome stored before migration 0005 has no warnings (NULL)
        s.execute(update(ParseOutcome).where(ParseOutcome.payload_sha256 == "n" * 64).values(warnings=None))
    old = browse.document(site.sessions, notice.id)
    assert old is not None and old.parse_warnings is None and old.parse_status == "ok"
    assert browse.document(site.sessions, notice.id + 1000) is None
    _frozen(view)


def test_coverage_matrix_is_the_coverage_rows_grouped_by_site(database_url: str) -> None:
    site, _, _ = _site(database_url)
    [group] = coverage_matrix(site.sessions)
    assert (group.site_id, group.site_name, group.years) == ("pingluo", "平罗县", (2020, 2021))
    assert list(group.units) == [OFFICE, TOWN] and all(list(cells) == [2020, 2021] for cells in group.units.values())
    ids = {(r.unit_name, r.report_year): r.id for r in browse.site_reports(site.sessions, "pingluo")}
    office, town = group.units[OFFICE], group.units[TOWN]
    assert (office[2020].state, office[2020].late, office[2020].changed) == ("found", False, True)
    assert office[2020].report_id == ids[OFFICE, 2020] and office[2021].report_id == ids[OFFICE, 2021]
    assert (town[2020].state, town[2020].late, town[2020].report_id) == ("withdrawn", True, ids[TOWN, 2020])
    assert (town[2021].state, town[2021].late, town[2021].changed, town[2021].report_id) == (
        "missing", None, False, None)
    flat = [cell.row for cells in group.units.values() for cell in cells.values()]
    assert flat == coverage(site.sessions) == coverage(site.sessions, site="pingluo")
    assert coverage_matrix(site.sessions, site="elsewhere") == [] and coverage(site.sessions, site="elsewhere") == []
