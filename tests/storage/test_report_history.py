"""Report history on SQLite and PostgreSQL: changes with a cell summary, withdrawal, restore, republishing, as-of."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.history import report_events
from storage.models import Report, ReportRendition, ReportVersion
from storage.reports import latest_reports
from tests.storage.storage_helpers import BASE, T0, Doc, FakeSite, report_record

UNIT = "平罗县人民政府办公室"
DAY = timedelta(days=1)


def _offer(granted: int, pdf_sha: str, page: str = "t1.html", pdf: str = "P1.pdf") -> list[Doc]:
    return [Doc(page, "p" * 63 + page[1], report_record(UNIT, 2020, None, published_at="2021-01-20")),
            Doc(pdf, pdf_sha, report_record(UNIT, 2020, granted), kind="attachment", page=page)]


def _only_report(site: FakeSite) -> Report:
    with site.sessions() as s:
        [report] = s.scalars(select(Report)).all()
        return report


def test_changed_attachment_adds_a_version_with_a_cell_change_summary(database_url: str) -> None:
    site = FakeSite(database_url)
    site.crawl(T0, _offer(5, "1" * 64))
    site.crawl(T0 + DAY, _offer(5, "1" * 64))
    site.crawl(T0 + 2 * DAY, _offer(6, "2" * 64))
    report = _only_report(site)
    events = report_events(site.sessions, report.id)
    assert [e["kind"] for e in events] == ["first_seen", "changed"]
    assert events[1]["changes"] == [{"path": "table3.results.granted.natural_person", "old": 5, "new": 6},
                                    {"path": "table3.results.granted.total", "old": 5, "new": 6}]
    assert events[1]["url"] == BASE + "P1.pdf" and events[1]["crawl_id"] == 3
    [obj] = latest_reports(site.sessions)
    assert obj["version"] == 2 and obj["status"] == "current" and obj["withdrawn_at"] is None


def test_as_of_returns_the_numbers_current_then(database_url: str) -> None:
    site = FakeSite(database_url)
    site.crawl(T0, _offer(5, "1" * 64))
    site.crawl(T0 + 2 * DAY, _offer(6, "2" * 64))
    value = "table3", "results", "granted", "total"

    def granted(obj: dict) -> int:
        return obj[value[0]][value[1]][value[2]][value[3]]["value"]

    assert [granted(o) for o in latest_reports(site.sessions, as_of=T0.date())] == [5]
    assert [granted(o) for o in latest_reports(site.sessions, as_of=(T0 + DAY).date())] == [5]
    assert [granted(o) for o in latest_reports(site.sessions, as_of=(T0 + 2 * DAY).date())] == [6]
    assert latest_reports(site.sessions, as_of=(T0 - DAY).date()) == []


def test_vanished_report_is_withdrawn_and_comes_back_restored(database_url: str) -> None:
    site = FakeSite(database_url)
    site.crawl(T0, _offer(5, "1" * 64))
    site.crawl(T0 + DAY, [], status="interrupted")  # an incomplete crawl proves nothing
    assert _only_report(site).status == "current"
    site.crawl(T0 + 2 * DAY, [], status="finished")
    assert _only_report(site).status == "withdrawn"
    [gone] = latest_reports(site.sessions)
    assert gone["status"] == "withdrawn" and gone["withdrawn_at"].startswith("2021-03-03")
    site.crawl(T0 + 3 * DAY, _offer(5, "1" * 64))
    report = _only_report(site)
    assert report.status == "current"
    assert [e["kind"] for e in report_events(site.sessions, report.id)] == ["first_seen", "withdrawn", "restored"]
    [back] = latest_reports(site.sessions)
    assert back["status"] == "current" and back["version"] == 1  # same record: no new version
    [then] = latest_reports(site.sessions, as_of=(T0 + 2 * DAY).date())
    assert then["status"] == "withdrawn"


def test_republished_report_keeps_its_identity(database_url: str) -> None:
    site = FakeSite(database_url)
    site.crawl(T0, _offer(5, "1" * 64))
    site.crawl(T0 + DAY, _offer(5, "1" * 64, page="n2.html", pdf="P2.pdf"))
    report = _only_report(site)
    assert report.page_url == BASE + "n2.html" and report.status == "current"
    events = report_events(site.sessions, report.id)
    assert [e["kind"] for e in events] == ["first_seen", "republished", "changed"]
    assert (events[1]["url"], events[1]["previous_url"]) == (BASE + "n2.html", BASE + "t1.html")
    assert events[2]["changes"] == [{"path": "attachment_urls", "old": [BASE + "P1.pdf"], "new": [BASE + "P2.pdf"]}]
    [obj] = latest_reports(site.sessions)
    assert obj["source_url"] == BASE + "n2.html" and obj["report_id"] == report.id


def test_old_page_still_offered_beside_a_copy_is_not_republished(database_url: str) -> None:
    site = FakeSite(database_url)
    site.crawl(T0, _offer(5, "1" * 64))
    site.crawl(T0 + DAY, _offer(5, "1" * 64) + _offer(5, "1" * 64, page="n2.html", pdf="P2.pdf"))
    report = _only_report(site)
    assert [e["kind"] for e in report_events(site.sessions, report.id)] == ["first_seen"]
    with site.sessions() as s:
        assert len(s.scalars(select(ReportVersion)).all()) == 1


def test_renditions_record_which_document_is_authoritative(database_url: str) -> None:
    site = FakeSite(database_url)
    site.crawl(T0, _offer(5, "1" * 64))
    with site.sessions() as s:
        rows = s.execute(select(ReportRendition.format, ReportRendition.authoritative)
                         .order_by(ReportRendition.document_id)).all()
    assert [tuple(r) for r in rows] == [("html_inline", False), ("pdf", True)]
