"""Chinese full-text search (FTS5 trigram / pg_trgm) and plain tables any DB-API client can read."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import psycopg
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from storage.db import engine_for
from storage.search import search_reports
from tests.storage.storage_helpers import T0, Doc, FakeSite, report_record

OFFICE, TOWN = "平罗县人民政府办公室", "平罗县宝丰镇人民政府"
OFFICE_TEXT = "一、总体情况 2020年，我办坚持以习近平新时代中国特色社会主义思想为指导，深化政务公开，优化营商环境。"
TOWN_TEXT = "一、总体情况 宝丰镇认真落实条例，做好乡村振兴信息公开，100% 完成。"


def _site(database_url: str) -> FakeSite:
    site = FakeSite(database_url)
    site.crawl(T0, [Doc("a.html", "a" * 64, report_record(OFFICE, 2020, 5), text=OFFICE_TEXT),
                    Doc("b.html", "b" * 64, report_record(TOWN, 2020, 3), text=TOWN_TEXT)])
    return site


def test_search_finds_a_report_by_a_four_character_phrase(database_url: str) -> None:
    site = _site(database_url)
    [hit] = search_reports(site.sessions, "优化营商")
    assert hit.unit_name == OFFICE and "优化营商" in hit.snippet
    assert [h.unit_name for h in search_reports(site.sessions, "乡村振兴")] == [TOWN]
    assert search_reports(site.sessions, "脱贫攻坚") == []
    assert [h.unit_name for h in search_reports(site.sessions, "振兴")] == [TOWN]  # under three characters
    assert [h.unit_name for h in search_reports(site.sessions, "宝丰镇")] == [TOWN]
    assert [h.unit_name for h in search_reports(site.sessions, "0%")] == [TOWN]  # LIKE wildcards are literal
    assert search_reports(site.sessions, "_%") == []
    assert len(search_reports(site.sessions, "总体情况")) == 2
    assert search_reports(site.sessions, "总体情况", site="elsewhere") == []


def test_search_follows_the_latest_version(database_url: str) -> None:
    site = _site(database_url)
    site.crawl(T0 + timedelta(days=1), [
        Doc("a.html", "c" * 64, report_record(OFFICE, 2020, 6), text=OFFICE_TEXT.replace("优化营商", "改善营商")),
        Doc("b.html", "b" * 64, report_record(TOWN, 2020, 3), text=TOWN_TEXT)])
    assert search_reports(site.sessions, "优化营商") == []
    assert [h.unit_name for h in search_reports(site.sessions, "改善营商")] == [OFFICE]


def test_every_table_reads_with_a_plain_dbapi_client(database_url: str) -> None:
    """Datasette-compatible on SQLite (the sqlite3 module, no SQLAlchemy); psycopg alone on PostgreSQL."""
    _site(database_url)
    tables = inspect(engine_for(database_url)).get_table_names()
    assert "report_events" in tables and "report_search" in tables
    engine_for(database_url).dispose()
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        conn = sqlite3.connect(str(url.database))
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert "report_search" in names and "report_search_data" in names  # FTS5 and its shadow tables
    else:
        conn = psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
        names = tables
    for name in names:
        conn.execute(f'SELECT * FROM "{name}"').fetchall()
    row = conn.execute("SELECT unit_name FROM report_search WHERE body LIKE '%营商环%'").fetchall()
    assert [r[0] for r in row] == [OFFICE]
    conn.close()
