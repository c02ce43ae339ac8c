"""`nianbao export` after a real crawl of the sample 平罗县: CSV, JSONL and Parquet read back with csv, json and
pyarrow hold every cell of `nianbao reports --format json`, one row per version, the same columns, and WARC
coordinates that lead to the record holding each version's payload. `--as-of` on a catalogue with versions."""

from __future__ import annotations

import base64
import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator

from sampleweb.server import SampleWebServer
from storage.dataset import CELL_PATHS, COLUMNS, cell_flags, record_cells
from tests.conftest import run_nianbao
from tests.storage.storage_helpers import T0, Doc, FakeSite, report_record

Rows = list[dict[str, Any]]


@pytest.fixture(scope="module")
def crawled(sampleweb: SampleWebServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a catalogue (SQLite) and archive holding one crawl of the sample 平罗县."""
    home = tmp_path_factory.mktemp("export") / "data"
    env = {"NIANBAO_HOME": str(home), "NIANBAO_DATABASE_URL": f"sqlite:///{home / 'nianbao.db'}"}
    out = run_nianbao(["crawl", "pingluo", "--proxy", sampleweb.proxy_url], env)
    assert out.returncode == 0, out.stderr[-5000:]
    return env


def _export(env: dict[str, str], fmt: str, path: Path, *extra: str) -> None:
    out = run_nianbao(["export", "--format", fmt, "--output", str(path), *extra], env)
    assert out.returncode == 0, out.stderr[-3000:]


def _read_all(env: dict[str, str], tmp_path: Path) -> tuple[Rows, Rows, Rows, list[str], list[str]]:
    for fmt in ("csv", "jsonl", "parquet"):
        _export(env, fmt, tmp_path / f"reports.{fmt}")
    with (tmp_path / "reports.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        csv_rows = list(reader)
        csv_header = list(reader.fieldnames or [])
    jsonl = [json.loads(line) for line in (tmp_path / "reports.jsonl").read_text("utf-8").splitlines()]
    table = pq.read_table(tmp_path / "reports.parquet")
    return csv_rows, jsonl, table.to_pylist(), csv_header, table.schema.names


def _latest(env: dict[str, str]) -> Rows:
    out = run_nianbao(["reports", "--format", "json"], env)
    assert out.returncode == 0, out.stderr[-3000:]
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def _csv_value(text: str) -> float | None:
    return None if text == "" else float(text)


def test_export_round_trips_every_cell_of_the_reports(crawled: dict[str, str], tmp_path: Path) -> None:
    csv_rows, jsonl, parquet, csv_header, parquet_names = _read_all(crawled, tmp_path)
    assert csv_header == list(COLUMNS) == parquet_names and all(list(r) == list(COLUMNS) for r in jsonl)
    latest = _latest(crawled)
    assert len(latest) >= 3 and len(csv_rows) == len(jsonl) == len(parquet) == len(latest)  # one version each
    by_id = {(r["report_id"], r["version"]): r for r in parquet}
    csv_by_id = {(int(r["report_id"]), int(r["version"])): r for r in csv_rows}
    json_by_id = {(r["report_id"], r["version"]): r for r in jsonl}
    compared = 0
    for obj in latest:
        key = (obj["report_id"], obj["version"])
        row, text_row, json_row = by_id[key], csv_by_id[key], json_by_id[key]
        assert row["latest"] == 1 and (row["site"], row["unit_name"], row["report_year"]) == (
            obj["site"], obj["unit_name"], obj["report_year"])
        for name in ("payload_sha256", "captured_at", "parser_version", "authoritative_url", "source_url",
                     "format_version", "status"):
            assert row[name] == obj[name] == json_row[name] == (text_row[name] or None), name
        extra = json.loads(row["extra_cells"] or "{}")
        for path, cell in record_cells(obj).items():
            if path not in CELL_PATHS:
                assert extra[path] == cell["value"], path
                continue
            assert row[path] == cell["value"] == json_row[path] and _csv_value(text_row[path]) == cell["value"], path
            assert row[path + ":flags"] == cell_flags(cell) == text_row[path + ":flags"], path
            compared += 1
        assert row["validation_count"] == len(obj["validation"])
        assert set((row["validation_rules"] or "").split()) == {e["rule"] for e in obj["validation"]}
    assert compared > 300  # the sample reports carry full tables


def test_provenance_points_at_the_record_holding_the_payload(crawled: dict[str, str], tmp_path: Path) -> None:
    _export(crawled, "parquet", tmp_path / "reports.parquet")
    rows = pq.read_table(tmp_path / "reports.parquet").to_pylist()
    assert rows
    for row in rows:
        with (Path(crawled["NIANBAO_HOME"]) / "warcs" / row["warc_file"]).open("rb") as f:
            f.seek(row["warc_offset"])
            record = next(iter(ArchiveIterator(f)))
            assert record.rec_type == "response"
            digest = record.rec_headers.get_header("WARC-Payload-Digest").removeprefix("sha256:")
            assert base64.b32decode(digest).hex() == row["payload_sha256"]
            assert hashlib.sha256(record.raw_stream.read()).hexdigest() == row["payload_sha256"]


def test_export_as_of_writes_the_versions_that_existed_then(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nianbao.db'}"
    site = FakeSite(url)
    unit = "平罗县人民政府办公室"
    site.crawl(T0, [Doc("t1.html", "1" * 64, report_record(unit, 2020, 5))])
    site.crawl(T0.replace(hour=20), [Doc("t1.html", "2" * 64, report_record(unit, 2020, 6))])  # same day
    env = {"NIANBAO_HOME": str(tmp_path), "NIANBAO_DATABASE_URL": url}

    def granted(*extra: str) -> list[tuple[int, float | None, int]]:
        _export(env, "csv", tmp_path / "out.csv", *extra)
        with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as f:
            return [(int(r["version"]), _csv_value(r["table3.results.granted.total"]), int(r["latest"]))
                    for r in csv.DictReader(f)]

    assert granted() == [(1, 5, 0), (2, 6, 1)]
    assert granted("--as-of", "2021-03-01T12:00:00Z") == [(1, 5, 1)]
    assert granted("--as-of", "20210301200001") == [(1, 5, 0), (2, 6, 1)]
    assert granted("--as-of", "crawl:1") == [(1, 5, 1)]
    refused = run_nianbao(["export", "--format", "parquet"], env)
    assert refused.returncode == 2 and "--output" in refused.stderr


def test_a_version_read_from_a_revisit_points_at_the_original_record(tmp_path: Path) -> None:
    """The payload was first archived under another URL (a `response` in a.warc.gz); the report's page is a
    `revisit` of it in b.warc.gz: the export names the record that holds the payload, as archive.dedup says."""
    from cli.export import export_rows
    from storage.catalog import CaptureRow
    from storage.crawls import finish_crawl, start_crawl
    from storage.reports import Outcome, assemble_reports, store_outcome
    from tests.storage.storage_helpers import BASE, PARSER, SITE

    site = FakeSite(f"sqlite:///{tmp_path / 'nianbao.db'}")
    sha = "7" * 64
    crawl = start_crawl(site.sessions, SITE.id, T0)
    for url, record_type, warc_file, offset in (("copy.html", "response", "a.warc.gz", 100),
                                                ("t1.html", "revisit", "b.warc.gz", 5)):
        cap = site.catalog.record_capture(CaptureRow(
            crawl_id=crawl, url=BASE + url, captured_at=T0, http_status=200, record_type=record_type,
            warc_file=warc_file, warc_offset=offset, warc_length=10, warc_record_id=f"<urn:uuid:{url}>",
            payload_sha256=sha, payload_size=10, media_type="text/html"))
    site.catalog.record_document(site_id=SITE.id, crawl_id=crawl, url=BASE + "t1.html", kind="page",
                                 capture_id=cap, page_url=None, anchor_text=None, title=None, now=T0)
    store_outcome(site.sessions, Outcome(payload_sha256=sha, parser_version=PARSER, ok=True, reason=None,
                                         is_report=True, source_kind="html_inline", text="…",
                                         record=report_record("平罗县人民政府办公室", 2020, 5), warnings=()), T0)
    assemble_reports(site.sessions, SITE, crawl, PARSER, T0)
    finish_crawl(site.sessions, crawl, T0, "finished", "finished", {})
    [row] = export_rows(site.sessions)
    assert (row["authoritative_url"], row["warc_file"], row["warc_offset"]) == (BASE + "t1.html", "a.warc.gz", 100)
