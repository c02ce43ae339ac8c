"""The history commands on a real crawl of the sample 平罗县 site: reparse, reports --format csv / --as-of,
search, coverage — and a re-parse that really reads every payload back from the WARCs."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from kernel.config import Config
from lifecycle.parse_stage import parse_payloads
from lifecycle.reparse import reparse_site
from sampleweb.server import SampleWebServer
from storage.db import open_catalogue
from storage.models import Report, ReportEvent
from storage.queries import CSV_COLUMNS
from storage.reparse import payloads_to_parse, site_rows
from tests.conftest import run_nianbao

OFFICE = "平罗县人民政府办公室"


def _ok(args: list[str], env: dict[str, str]) -> str:
    out = run_nianbao(args, env)
    assert out.returncode == 0, out.stderr[-5000:]
    return out.stdout


def test_history_commands_after_a_crawl(sampleweb: SampleWebServer, database_url: str, tmp_path: Path) -> None:
    home = tmp_path / "data"
    env = {"NIANBAO_HOME": str(home), "NIANBAO_DATABASE_URL": database_url}
    _ok(["crawl", "pingluo", "--proxy", sampleweb.proxy_url], env)

    assert "parsed=0 new_versions=0" in _ok(["reparse", "--site", "pingluo"], env)
    assert run_nianbao(["reparse", "--site", "nosuchsite"], env).returncode == 2

    rows = list(csv.DictReader(io.StringIO(_ok(["reports", "--format", "csv", "--site", "pingluo"], env))))
    assert rows and list(rows[0]) == CSV_COLUMNS
    office = next(r for r in rows if r["unit_name"] == OFFICE and r["report_year"] == "2020")
    assert office["status"] == "current" and office["version"] == "1"
    objs = [json.loads(line) for line in _ok(["reports", "--format", "json"], env).splitlines()]
    assert len(objs) == len(rows)
    for obj, row in zip(objs, rows, strict=True):  # the headline numbers are the cells' values; blank stays empty
        for column, (table, *path) in (("new_requests", ("table3", "new_received", "total")),
                                       ("granted", ("table3", "results", "granted", "total")),
                                       ("reviews", ("table4", "review", "total"))):
            node = obj[table]
            for key in path:
                node = (node or {}).get(key)
            value = (node or {}).get("value")
            assert row[column] == ("" if value is None else str(value)), (row["unit_name"], column)
    assert any(row["new_requests"].isdigit() for row in rows)
    assert _ok(["reports", "--format", "json", "--as-of", "2000-01-01"], env).strip() == ""

    found = _ok(["search", "公文保密"], env)
    assert OFFICE in found and "公文保密" in found
    assert run_nianbao(["search", "没有这个短语"], env).returncode == 1

    coverage = [json.loads(line)
                for line in _ok(["coverage", "--site", "pingluo", "--format", "json"], env).splitlines()]
    assert {(c["unit_name"], c["report_year"], c["state"]) for c in coverage} >= {(OFFICE, 2020, "found")}

    # The same parser code under another version label reads every payload back from the WARCs, parses it
    # and reproduces the same records: the payloads are parsed, no version is added.
    config = Config(home=home, database_url=database_url, warc_dir=home / "warcs", parse_workers=2)
    sessions = open_catalogue(database_url)
    todo = payloads_to_parse(sessions, "pingluo", "reparse-test")
    assert len(todo) >= len(rows)
    [site] = site_rows(sessions, "pingluo")
    result = reparse_site(sessions, site, "reparse-test", lambda t: parse_payloads(config, t, "reparse-test"),
                          datetime.now(UTC))
    assert result.parsed == len(todo)
    with sessions() as s:
        changes = s.execute(select(ReportEvent.kind, ReportEvent.changes)
                            .where(ReportEvent.version_id.in_(result.new_version_ids))).all()
    assert result.new_version_ids == [], changes

    # The pipeline's hand-off at crawl end: a report the next complete crawl does not find becomes withdrawn.
    with sessions.begin() as s:
        s.add(Report(site_id="pingluo", region_code="640221", unit_name="平罗县消失局", report_year=2019,
                     status="current", page_url="http://www.pingluo.gov.cn/gone.html"))
    _ok(["crawl", "pingluo", "--proxy", sampleweb.proxy_url], env)
    with sessions() as s:
        statuses = {r.unit_name: r.status for r in s.scalars(select(Report)).all()}
    assert statuses.pop("平罗县消失局") == "withdrawn"
    assert set(statuses.values()) == {"current"}
