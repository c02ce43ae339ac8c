"""The end of a crawl (lifecycle/finish.py): one order, whoever runs it and whatever order Scrapy closes components in.

A report the crawl offers again must be assembled before the row is closed: the withdrawals that follow the close
read which reports the crawl offered, and would withdraw (then, at assembly, restore) one it did offer.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.utils.test import get_crawler

import lifecycle.finish as finish
from crawler.extensions import CrawlRecorder
from crawler.items import DocumentItem
from crawler.pipelines import DocumentPipeline
from kernel.config import Config
from lifecycle.finish import CrawlEnd, Ending
from lifecycle.parse_stage import ParseJob, ParseJobResult
from parsing.report import PARSER_VERSION
from spiders.registry import Site
from storage.catalog import CaptureRow, Catalog
from storage.crawls import get_crawl, start_crawl
from storage.db import open_catalogue
from storage.drift import Findings
from storage.history import report_events
from storage.queries import latest_reports
from storage.reports import Outcome, store_outcome
from tests.storage.storage_helpers import SITE, T0, Doc, report_record

OFFICE, TOWN = "平罗县人民政府办公室", "平罗县宝丰镇人民政府"
A = Doc("a.html", "a" * 64, report_record(OFFICE, 2020, 5))
B = Doc("b.html", "b" * 64, report_record(TOWN, 2020, 3, level="town"))


class _Run:
    """A RunEnd that ended as told, noting when it was asked."""

    def __init__(self, reason: str = "finished", responses: int = 2, asked: list[str] | None = None) -> None:
        self.reason, self.responses, self.asked = reason, responses, asked if asked is not None else []

    def ending(self) -> Ending:
        self.asked.append("ending")
        return Ending(self.reason, self.responses, "", {"pages": 1, "attachments": 0, "bytes": 10, "errors": 0})

    def findings(self) -> Findings:
        self.asked.append("findings")
        return Findings(at="2021-03-02T08:00:00", crawl_id=None, columns={"http://x/col": "rule"}, reports=1)


def _offer(catalog: Catalog, crawl: int, doc: Doc, when: datetime) -> int:
    """The crawl archived and found `doc`, whose payload this parser version has parsed; its capture id."""
    cap = catalog.record_capture(CaptureRow(
        crawl_id=crawl, url=doc.full_url, captured_at=when, http_status=200, record_type="response",
        warc_file="x.warc.gz", warc_offset=0, warc_length=10, warc_record_id=f"<urn:uuid:{doc.sha[:8]}-{crawl}>",
        payload_sha256=doc.sha, payload_size=10, media_type="text/html"))
    catalog.record_document(site_id=SITE.id, crawl_id=crawl, url=doc.full_url, kind=doc.kind, capture_id=cap,
                            page_url=None, anchor_text=None, title=None, now=when)
    store_outcome(catalog.sessions, Outcome(doc.sha, PARSER_VERSION, True, None, True, "html_inline", doc.text,
                                            doc.record), when)
    return cap


def _config(database_url: str, home: Path) -> Config:
    return Config.from_settings({"NIANBAO_DATABASE_URL": database_url, "NIANBAO_HOME": str(home),
                                 "NIANBAO_WARC_DIR": str(home / "warcs"), "NIANBAO_PARSE_WORKERS": 1})


def _first_crawl(config: Config) -> Catalog:
    """A finished crawl that offered both reports."""
    catalog = Catalog(open_catalogue(config.database_url))
    catalog.upsert_site(SITE)
    crawl = start_crawl(catalog.sessions, SITE.id, T0)
    for doc in (A, B):
        _offer(catalog, crawl, doc, T0)
    CrawlEnd(config, catalog, SITE, crawl).run(_Run())
    return catalog


def _statuses_and_events(catalog: Catalog) -> dict[str, tuple[str, list[str]]]:
    return {r["unit_name"]: (r["status"], [e["kind"] for e in report_events(catalog.sessions, r["report_id"])])
            for r in latest_reports(catalog.sessions)}


def test_the_row_is_closed_only_after_the_reports_are_assembled(database_url: str, tmp_path: Path) -> None:
    config = _config(database_url, tmp_path)
    catalog = _first_crawl(config)
    second = start_crawl(catalog.sessions, SITE.id, T0 + timedelta(days=1))
    _offer(catalog, second, A, T0 + timedelta(days=1))  # the town's report is gone from the site
    ended = CrawlEnd(config, catalog, SITE, second).run(_Run())
    assert (ended.status, len(ended.report_version_ids), ended.drift_recorded) == ("finished", 1, True)
    crawl = get_crawl(catalog.sessions, second)
    assert crawl is not None and (crawl.status, crawl.pages, crawl.bytes) == ("finished", 1, 10)
    # Offered again: never withdrawn on the way. Not offered: withdrawn.
    assert _statuses_and_events(catalog) == {OFFICE: ("current", ["first_seen"]),
                                             TOWN: ("withdrawn", ["first_seen", "withdrawn"])}
    assert ended.withdrawn and (tmp_path / "discovery" / "pingluo.json").exists()


class _Stage:
    """A parse stage holding one finished job."""

    def __init__(self, steps: list[str]) -> None:
        self.steps = steps

    def drain(self, on_result: Any) -> int:
        self.steps.append("drain")
        on_result(ParseJobResult(ParseJob(A.sha, "", "x.warc.gz", 0, A.full_url, "text/html"), ok=False,
                                 reason="test"))
        return 1

    def close(self) -> None:
        self.steps.append("close-stage")


@pytest.mark.parametrize("distributed", [False, True])
def test_the_end_runs_its_steps_in_order(monkeypatch: pytest.MonkeyPatch, distributed: bool) -> None:
    steps: list[str] = []

    def step(name: str, result: Any = None) -> Any:
        def record(*args: Any, **kwargs: Any) -> Any:
            steps.append(name)
            return result
        return record

    monkeypatch.setattr(finish, "store_outcome", step("store"))
    monkeypatch.setattr(finish, "assemble_reports", step("assemble", [1]))
    monkeypatch.setattr(finish, "finish_crawl", step("close-row"))
    monkeypatch.setattr(finish, "record_withdrawals", step("withdraw", []))
    monkeypatch.setattr(finish.DriftStore, "record", step("drift", []))
    monkeypatch.setattr(finish, "merge_indexes", step("index"))
    monkeypatch.setattr(CrawlEnd, "parse_left_over", step("parse-left-over", 0))
    nowhere = Path("/nonexistent")
    end = CrawlEnd(Config(home=nowhere, database_url="", warc_dir=nowhere), Catalog(None),  # type: ignore[arg-type]
                   SITE, 7, distributed=distributed)
    end.run(_Run(asked=steps), _Stage(steps), on_failed=step("failed"))  # type: ignore[arg-type]
    middle = ["parse-left-over"] if distributed else []
    assert steps == ["drain", "failed", "store", "close-stage", *middle, "assemble", "ending", "close-row",
                     "withdraw", "findings", "drift", *(["index"] if distributed else [])]


class _SiteSpider(scrapy.Spider):
    name = "site_spider"
    site = Site(id=SITE.id, name=SITE.name, home_url=SITE.home_url, region_code=SITE.region_code)
    resumed = False

    def __init__(self, crawl_id: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.crawl_id: int | None = crawl_id


@pytest.mark.parametrize("recorder_first", [True, False], ids=["recorder-closes-first", "pipeline-closes-first"])
def test_a_standalone_crawl_ends_in_order_whatever_order_its_components_close(
        database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recorder_first: bool) -> None:
    config = _config(database_url, tmp_path)
    catalog = _first_crawl(config)
    second = start_crawl(catalog.sessions, SITE.id, T0 + timedelta(days=1))
    cap = _offer(catalog, second, A, T0 + timedelta(days=1))
    crawler = get_crawler(_SiteSpider, {"NIANBAO_DATABASE_URL": config.database_url, "NIANBAO_HOME": str(tmp_path),
                                        "NIANBAO_PARSE_WORKERS": 1})
    crawler.spider = spider = _SiteSpider.from_crawler(crawler, crawl_id=second)
    recorder, pipeline = CrawlRecorder.from_crawler(crawler), DocumentPipeline.from_crawler(crawler)
    monkeypatch.setattr(recorder, "parse_pipeline", lambda: pipeline)  # the engine's, in a real crawl
    assert crawler.stats is not None
    crawler.stats.set_value("downloader/response_count", 2)
    pipeline.open_spider()
    pipeline.process_item(DocumentItem(url=A.full_url, kind="page", capture_id=cap))
    assert pipeline.stage is not None and not pipeline.stage.pending  # parsed before: no job
    if recorder_first:
        asyncio.run(recorder.spider_closed(spider, "finished"))  # nothing pending: it awaits nothing
        pipeline.close_spider()
    else:
        pipeline.close_spider()
        asyncio.run(recorder.spider_closed(spider, "finished"))
    crawl = get_crawl(catalog.sessions, second)
    assert crawl is not None and (crawl.status, crawl.pages) == ("finished", 1)
    assert crawler.stats.get_value("nianbao/reports") == 1
    assert _statuses_and_events(catalog) == {OFFICE: ("current", ["first_seen"]),
                                             TOWN: ("withdrawn", ["first_seen", "withdrawn"])}
