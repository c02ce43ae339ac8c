"""Every file of the bad-input corpus (tests/fixtures/bad/, truth in its manifest.json) through the crawl's parse path.

Each file is archived as a WARC response record (the `.gz` ones with Content-Encoding: gzip, as a site serves them),
parsed by the parse pool with the default per-document time and memory limits (lifecycle/parse_pool.py), one worker
so that every document runs in the process the previous one left behind, and its outcome stored in a real catalogue
and read back. A bad document must end in the outcome its manifest entry states — a report, a page that is not one,
or a ParseError whose reason names what is wrong — never in the pool's last resorts (timeout, memory, a dead or
crashed worker); and the control report archived right after it must still parse.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from archive.records import HttpExchange, payload_sha256
from archive.writer import WarcWriter
from kernel import report as rk
from kernel.config import Config
from lifecycle.parse_stage import ParseJob, ParseStage, outcome_of
from parsing.report import PARSER_VERSION
from storage.catalog import CaptureRow, Catalog, SiteRow
from storage.crawls import start_crawl
from storage.db import open_catalogue
from storage.reports import Outcome, store_outcome, stored_outcome
from tests.conftest import REPO

CORPUS = REPO / "tests" / "fixtures" / "bad"
CASES: list[dict[str, Any]] = json.loads((CORPUS / "manifest.json").read_text("utf-8"))
NOW = datetime(2026, 12, 1, tzinfo=UTC)
# Reasons that mean the parser did not handle the document itself: the pool had to step in.
LAST_RESORTS = ("timeout:", "memory:", "worker died", "worker failed", "parser crashed")
CONTROL = (CORPUS / "report.pdf").read_bytes()


@dataclass(frozen=True)
class Parsed:
    """A case's stored outcome, and the outcome of the control report parsed right after it."""

    stored: Outcome | None
    after: Outcome


def _exchange(url: str, media_type: str, body: bytes, gzipped: bool) -> HttpExchange:
    headers = [("Content-Type", media_type)] + ([("Content-Encoding", "gzip")] if gzipped else [])
    return HttpExchange(url=url, method="GET", request_headers=[("User-Agent", "nianbao-test")], request_body=b"",
                        protocol="HTTP/1.1", status=200, reason="OK", response_headers=headers, response_body=body,
                        sent_at=NOW)


class Archive:
    """A WARC writer and a catalogue: each payload archived as a response record, its capture recorded."""

    def __init__(self, config: Config, writer: WarcWriter) -> None:
        self.config, self.writer = config, writer
        self.catalog = Catalog(open_catalogue(config.database_url))
        self.catalog.upsert_site(SiteRow(id="bad", name="坏输入县", home_url="http://bad.example.gov.cn/"))
        self.crawl_id = start_crawl(self.catalog.sessions, "bad", NOW)

    def add(self, url: str, media_type: str, body: bytes, payload: bytes) -> ParseJob:
        exchange = _exchange(url, media_type, body, gzipped=body is not payload)
        _request, location = self.writer.write(self.writer.builder.capture(exchange))
        digest = payload_sha256(payload)
        self.catalog.record_capture(CaptureRow(
            crawl_id=self.crawl_id, url=url, captured_at=NOW, http_status=200, record_type="response",
            warc_file=location.filename, warc_offset=location.offset, warc_length=location.length,
            warc_record_id=location.record_id, payload_sha256=digest, payload_size=len(payload),
            media_type=media_type))
        return ParseJob(payload_sha256=digest, warc_dir=str(self.config.warc_dir), warc_file=location.filename,
                        warc_offset=location.offset, url=url, media_type=media_type)


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Parsed]:
    home = tmp_path_factory.mktemp("bad-input")
    config = Config(home=home, database_url=f"sqlite:///{home / 'nianbao.db'}", warc_dir=home / "warcs")
    jobs: list[tuple[str, ParseJob, ParseJob]] = []
    with WarcWriter(config.warc_dir, clock=lambda: NOW) as writer:
        archive = Archive(config, writer)
        for case in CASES:
            body = (CORPUS / case["file"]).read_bytes()
            payload = gzip.decompress(body) if case["file"].endswith(".gz") else body
            job = archive.add(f"http://bad.example.gov.cn/files/{case['served_as']}", case["media_type"], body,
                              payload)
            control = CONTROL + f"\n% after {case['file']}\n".encode()
            after = archive.add(f"http://bad.example.gov.cn/next/{case['file']}.pdf", "application/pdf", control,
                                control)
            jobs.append((case["file"], job, after))
    stage = ParseStage(workers=1, timeout=config.parse_timeout, memory_limit_mb=config.parse_memory_mb)
    results = {}
    try:
        for _name, job, after in jobs:
            stage.submit(job)
            stage.submit(after)
        stage.drain(lambda r: results.__setitem__(r.job.url, r))
    finally:
        stage.close()
    sessions = archive.catalog.sessions
    for result in results.values():
        store_outcome(sessions, outcome_of(result, PARSER_VERSION), NOW)
    return {name: Parsed(stored_outcome(sessions, job.payload_sha256, PARSER_VERSION),
                         outcome_of(results[after.url], PARSER_VERSION)) for name, job, after in jobs}


def test_every_corpus_file_is_a_case() -> None:
    files = {p.name for p in CORPUS.iterdir()} - {"README.md", "make_bad.py", "manifest.json", "__pycache__"}
    assert files == {case["file"] for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_bad_input_ends_in_its_stored_outcome_and_the_next_document_parses(
        case: dict[str, Any], parsed: dict[str, Parsed]) -> None:
    stored, after = parsed[case["file"]].stored, parsed[case["file"]].after
    assert stored is not None, "no outcome stored"
    reason = stored.reason or ""
    assert not reason.startswith(LAST_RESORTS), reason
    if case["expect"] == "ok":
        assert stored.ok, reason
        assert stored.is_report == case["is_report"], stored.warnings
        assert list(stored.record or {})[: len(rk.RECORD_KEYS)] == list(rk.RECORD_KEYS)
        if case["is_report"]:
            assert (stored.record or {})[rk.UNIT_NAME] == "平罗县人民政府"
            assert (stored.record or {})[rk.REPORT_YEAR] == 2023
    else:
        assert not stored.ok
        assert reason.startswith("ParseError: ") and case["reason"].lower() in reason.lower(), reason
    assert after.ok and after.is_report, after.reason


def test_text_outside_gbk_survives_a_wrong_charset(parsed: dict[str, Parsed]) -> None:
    assert "䶮𠀾" in (parsed["gb18030-declared-utf8.html"].stored.text or "")  # type: ignore[union-attr]


def test_control_bytes_do_not_cost_the_page_its_text(parsed: dict[str, Parsed]) -> None:
    assert "附件说明" in (parsed["nul-bytes.html"].stored.text or "").replace(" ", "")  # type: ignore[union-attr]


def test_cut_tables_say_so(parsed: dict[str, Parsed]) -> None:
    for name in ("huge-table.html.gz", "huge-table.xlsx"):
        assert any("100000 rows" in w for w in parsed[name].stored.warnings or ()), name  # type: ignore[union-attr]
