"""Migrations on SQLite and PostgreSQL: 0001 → 0002 keeps the data and back-fills the report history."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import sqlalchemy as sa
from alembic import command

from storage.db import alembic_config, engine_for, open_catalogue, upgrade
from storage.history import report_events
from storage.models import Report, ReportRendition
from storage.reports import latest_reports
from storage.search import search_reports
from tests.conftest import REPO
from tests.storage.storage_helpers import BASE, T0, report_record

PAGE, PDF = BASE + "t1.html", BASE + "P1.pdf"


def _insert(conn: sa.Connection, table: str, **values: Any) -> None:
    conn.execute(sa.Table(table, sa.MetaData(), autoload_with=conn).insert().values(**values))


def _fill_0001(url: str) -> None:
    """One crawl, a page and its PDF, one report with two versions — written with the 0001 schema."""
    with engine_for(url).begin() as conn:
        _insert(conn, "sites", id="pingluo", name="平罗县", home_url="http://www.pingluo.gov.cn/", region_code="640221")
        _insert(conn, "crawls", id=1, site_id="pingluo", started_at=T0, status="finished", pages=1, attachments=1,
                bytes=20, errors=0)
        for n, (u, sha) in enumerate([(PAGE, "p" * 64), (PDF, "1" * 64), (PDF, "2" * 64)], start=1):
            _insert(conn, "payloads", sha256=sha, size=10, media_type="application/pdf", first_seen_at=T0)
            _insert(conn, "captures", id=n, crawl_id=1, url=u, captured_at=T0, http_status=200,
                    record_type="response", warc_file="x.warc.gz", warc_offset=0, warc_length=10,
                    warc_record_id=f"<urn:uuid:{n}>", payload_sha256=sha)
            _insert(conn, "parse_outcomes", payload_sha256=sha, parser_version="t1", status="ok", is_report=True,
                    source_kind="pdf", text=f"平罗县人民政府办公室 推进政务公开 版本{n}", parsed_at=T0)
        _insert(conn, "documents", id=1, site_id="pingluo", url=PAGE, kind="page", latest_capture_id=1,
                first_seen_at=T0, last_seen_at=T0, last_crawl_id=1)
        _insert(conn, "documents", id=2, site_id="pingluo", url=PDF, kind="attachment", page_url=PAGE,
                anchor_text="附件", latest_capture_id=3, first_seen_at=T0, last_seen_at=T0, last_crawl_id=1)
        _insert(conn, "reports", id=1, site_id="pingluo", region_code="640221", unit_name="平罗县人民政府办公室",
                report_year=2020)
        for version, (sha, capture) in enumerate([("1" * 64, 2), ("2" * 64, 3)], start=1):
            record = {**report_record("平罗县人民政府办公室", 2020, 4 + version), "source_url": PAGE}
            _insert(conn, "report_versions", report_id=1, version=version, record=record,
                    record_sha256=str(version) * 64, parser_version="t1", payload_sha256=sha,
                    source_capture_id=capture, first_seen_at=T0, last_seen_at=T0)


def test_upgrade_from_0001_keeps_data_and_backfills_history(database_url: str) -> None:
    upgrade(database_url, "0001")
    _fill_0001(database_url)
    upgrade(database_url)  # `nianbao db upgrade` (a PostgreSQL catalogue is not upgraded implicitly)
    sessions = open_catalogue(database_url)
    with sessions() as s:
        report = s.get_one(Report, 1)
        assert (report.status, report.page_url, report.first_seen_at is not None) == ("current", PAGE, True)
        [rendition] = s.scalars(sa.select(ReportRendition)).all()
        assert (rendition.document_id, rendition.format, rendition.authoritative) == (2, "pdf", True)
    assert [e["kind"] for e in report_events(sessions, 1)] == ["first_seen", "changed"]
    [obj] = latest_reports(sessions)
    assert obj["version"] == 2 and obj["status"] == "current"
    assert obj["table3"]["results"]["granted"]["total"]["value"] == 6
    assert [h.report_id for h in search_reports(sessions, "推进政务公开")] == [1]
    assert "版本3" in search_reports(sessions, "推进政务公开")[0].snippet  # the latest version's text


def test_downgrade_to_0001_and_up_again(database_url: str) -> None:
    upgrade(database_url, "head")
    with engine_for(database_url).begin() as conn:
        cfg = alembic_config(database_url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    tables = set(sa.inspect(engine_for(database_url)).get_table_names())
    assert "report_events" not in tables and "report_search" not in tables
    upgrade(database_url, "head")
    assert "report_events" in set(sa.inspect(engine_for(database_url)).get_table_names())


def test_processes_opening_a_new_catalogue_at_once_all_succeed(database_url: str) -> None:
    """A scheduler's crawls, distributed workers: several processes may be the first to open a new catalogue."""
    script = ("import sys; from storage.db import open_catalogue; from storage.models import Crawl\n"
              "from sqlalchemy import select\n"
              "with open_catalogue(sys.argv[1])() as s: s.scalars(select(Crawl)).all()\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, database_url], cwd=REPO,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    failures = [p.stderr.read()[-2000:] for p in procs if p.wait() != 0]  # type: ignore[union-attr]
    assert failures == []
    with engine_for(database_url).connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1
