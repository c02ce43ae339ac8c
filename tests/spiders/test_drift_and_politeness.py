"""Template drift alerts, the registry row writer, and Retry-After."""

from __future__ import annotations

import asyncio
import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import Response

from crawler.politeness import RetryAfterMiddleware, retry_after_seconds
from spiders.registry import DuplicateSiteError, Site, add_site, load_registry
from storage.drift import DriftStore, Findings

COLUMN = {"http://www.pingluo.gov.cn/xxgk/zfxxgknb/": "column-text"}


def _found(crawl_id: int, columns: dict[str, str], reports: int) -> Findings:
    return Findings(at=f"2026-01-0{crawl_id}T00:00:00+00:00", crawl_id=crawl_id, columns=columns,
                    list_rules={"trs-createPageHTML": 2}, reports=reports)


def test_zero_reports_after_a_good_crawl_is_an_alert(tmp_path: Path) -> None:
    store = DriftStore(tmp_path)
    assert store.record("pingluo", _found(1, COLUMN, 15)) == []
    (alert,) = store.record("pingluo", _found(2, COLUMN, 0))
    assert (alert.kind, alert.crawl_id) == ("zero-reports", 2)
    assert "crawl 1 found 15" in alert.detail
    lines = (tmp_path / "alerts" / "pingluo.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["kind"] for line in lines] == ["zero-reports"]
    # The baseline stays the last good crawl, so the next empty crawl alerts again.
    assert store.state("pingluo")["last_good"]["crawl_id"] == 1


def test_no_column_names_the_columns_found_before(tmp_path: Path) -> None:
    store = DriftStore(tmp_path)
    store.record("pingluo", _found(1, COLUMN, 15))
    kinds = [a.kind for a in store.record("pingluo", _found(2, {}, 0))]
    assert kinds == ["no-column"]
    assert "xxgk/zfxxgknb/ (column-text)" in store.alerts("pingluo")[0].detail


def test_a_moved_column_is_reported(tmp_path: Path) -> None:
    store = DriftStore(tmp_path)
    store.record("pingluo", _found(1, COLUMN, 15))
    moved = {"http://www.pingluo.gov.cn/zwgk/ndbg/": "column-slug"}
    assert [a.kind for a in store.record("pingluo", _found(2, moved, 15))] == ["column-moved"]


def test_registry_row_is_appended_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text('[pingluo]\nname = "平罗县"\nhome_url = "http://www.pingluo.gov.cn/"\n', "utf-8")
    add_site(Site(id="lingwu", name="灵武市", home_url="http://www.lingwu.gov.cn/", region_code="640181",
                  family="kaipu", overrides={"max_list_pages": 50}), path)
    site = load_registry(path)["lingwu"]
    assert (site.name, site.region_code, site.family, site.overrides) == ("灵武市", "640181", "kaipu",
                                                                          {"max_list_pages": 50})
    tomllib.loads(path.read_text("utf-8"))
    with pytest.raises(DuplicateSiteError):
        add_site(Site(id="other", name="x", home_url="http://www.lingwu.gov.cn/"), path)


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("7", now) == 7.0
    assert retry_after_seconds("Thu, 01 Jan 2026 00:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon", now) is None


def _answer(status: int, retry_after: str, meta: dict[str, object] | None = None) -> tuple[Request, object]:
    request = Request("http://www.pingluo.gov.cn/xxgk/zfxxgknb/", meta=meta or {})
    response = Response(request.url, status=status, headers={"Retry-After": retry_after}, request=request)
    return request, asyncio.run(RetryAfterMiddleware(max_wait=5, retries=2).process_response(request, response))


def test_retry_after_is_honoured_then_retried() -> None:
    request, out = _answer(503, "0")
    assert isinstance(out, Request) and out.url == request.url and out.dont_filter
    assert out.meta["nianbao_retry_after"] == 1


def test_retry_after_too_long_or_too_often_is_left_to_the_retry_middleware() -> None:
    assert isinstance(_answer(429, "3600")[1], Response)
    assert isinstance(_answer(429, "0", {"nianbao_retry_after": 2})[1], Response)
    assert isinstance(_answer(500, "0")[1], Response)
