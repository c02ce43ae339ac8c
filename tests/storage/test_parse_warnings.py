"""Parse warnings are stored with each outcome and read back (migration 0005); older outcomes have none (NULL)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from lifecycle.parse_stage import ParseJob, outcome_of, run_job
from parsing import PARSER_VERSION
from storage.db import alembic_config, engine_for, open_catalogue, upgrade
from storage.reports import Outcome, store_outcome, stored_outcome
from tests.storage.storage_helpers import BASE, PARSER, T0, Doc, FakeSite

# A county news page: no report title, no report headings.
NOTICE = ("<html><head><meta charset='utf-8'><title>县政府召开常务会议</title></head><body>"
          "<h1>县政府召开常务会议</h1><p>会议研究部署了近期重点工作。</p></body></html>").encode()
NOTICE_SHA = hashlib.sha256(NOTICE).hexdigest()


def _archive(directory: Path, url: str, body: bytes) -> str:
    """One gzipped WARC holding a 200 text/html response with `body` at offset 0; its file name."""
    directory.mkdir(parents=True, exist_ok=True)
    name = "notice.warc.gz"
    with (directory / name).open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        head = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=head))
    return name


def test_a_non_reports_warnings_are_stored_with_its_outcome_and_read_back(database_url: str, tmp_path: Path) -> None:
    site = FakeSite(database_url)  # the crawl that captured the page (its catalogue rows, a test parser's outcome)
    site.crawl(T0, [Doc("notice.html", NOTICE_SHA, None, is_report=False)])
    url, warcs = BASE + "notice.html", tmp_path / "warcs"
    job = ParseJob(payload_sha256=NOTICE_SHA, warc_dir=str(warcs), warc_file=_archive(warcs, url, NOTICE),
                   warc_offset=0, url=url, media_type="text/html")
    result = run_job(job)
    assert result.ok and not result.is_report
    assert [w for w in result.warnings if w.endswith(": not a report")]
    outcome = outcome_of(result, PARSER_VERSION)
    store_outcome(site.sessions, outcome, T0)
    assert stored_outcome(site.sessions, NOTICE_SHA, PARSER_VERSION) == outcome
    assert stored_outcome(site.sessions, NOTICE_SHA, PARSER) is not None
    assert stored_outcome(site.sessions, NOTICE_SHA, "no such parser") is None


def _insert(conn: sa.Connection, table: str, **values: Any) -> None:
    conn.execute(sa.Table(table, sa.MetaData(), autoload_with=conn).insert().values(**values))


def _warnings_column(url: str) -> bool:
    return "warnings" in {c["name"] for c in sa.inspect(engine_for(url)).get_columns("parse_outcomes")}


def _downgrade(url: str, revision: str) -> None:
    with engine_for(url).begin() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_0005_keeps_older_outcomes_without_warnings_and_downgrades(database_url: str) -> None:
    upgrade(database_url, "0004")
    assert not _warnings_column(database_url)
    with engine_for(database_url).begin() as conn:
        _insert(conn, "payloads", sha256=NOTICE_SHA, size=len(NOTICE), media_type="text/html", first_seen_at=T0)
        _insert(conn, "parse_outcomes", payload_sha256=NOTICE_SHA, parser_version=PARSER, status="ok",
                is_report=False, source_kind="html_inline", text="县政府召开常务会议", parsed_at=T0)
    upgrade(database_url, "0005")
    assert _warnings_column(database_url)
    upgrade(database_url)  # `nianbao db upgrade` (a PostgreSQL catalogue is not upgraded implicitly)
    sessions = open_catalogue(database_url)
    old = Outcome(payload_sha256=NOTICE_SHA, parser_version=PARSER, ok=True, reason=None, is_report=False,
                  source_kind="html_inline", text="县政府召开常务会议", record=None, warnings=None)
    assert stored_outcome(sessions, NOTICE_SHA, PARSER) == old  # not known: NULL, not "no warnings"
    new = Outcome(payload_sha256=NOTICE_SHA, parser_version="t2", ok=True, reason=None, is_report=False,
                  source_kind="html_inline", text="县政府召开常务会议", record=None, warnings=("…: not a report",))
    store_outcome(sessions, new, T0)
    assert stored_outcome(sessions, NOTICE_SHA, "t2") == new

    _downgrade(database_url, "0004")
    assert not _warnings_column(database_url)
    with engine_for(database_url).connect() as conn:
        kept = conn.execute(sa.text("SELECT parser_version, status, text FROM parse_outcomes ORDER BY id")).all()
    assert [tuple(r) for r in kept] == [(PARSER, "ok", "县政府召开常务会议"), ("t2", "ok", "县政府召开常务会议")]
    upgrade(database_url, "head")
    assert stored_outcome(sessions, NOTICE_SHA, PARSER) == old
    assert stored_outcome(sessions, NOTICE_SHA, "t2") == Outcome(**{**vars(new), "warnings": None})
