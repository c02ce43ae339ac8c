"""The browser is asked for only when the static rules find nothing, with the crawl's proxy; what the rendered
page fetched (its JSON list) is then read as list pages."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from spiders.annual_reports import AnnualReports

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "spiders"
COLUMN = "http://www.lingwu.gov.cn/xxgk/zfxxgknb/"
API = "http://www.lingwu.gov.cn/jpaas-jpolicy-web-server/front/info/list?siteId=14&columnId=101563&pageNo=1&pageSize=6"


def _spider(browser: bool) -> AnnualReports:
    crawler = get_crawler(AnnualReports, {"NIANBAO_BROWSER": browser, "NIANBAO_PROXY": "http://127.0.0.1:8089"})
    spider = AnnualReports.from_crawler(crawler, site="lingwu")
    assert isinstance(spider, AnnualReports)
    return spider


def _column(meta: dict[str, object]) -> HtmlResponse:
    request = Request(COLUMN, meta=meta, cb_kwargs={"column": COLUMN})
    return HtmlResponse(COLUMN, body=(FIXTURES / "js_only_column.html").read_bytes(), encoding="utf-8",
                        request=request)


def test_an_empty_js_list_is_rendered_once_through_the_proxy() -> None:
    spider = _spider(browser=True)
    (render,) = list(spider.parse_list(_column({"proxy": "http://127.0.0.1:8089"}), column=COLUMN))
    assert render.url == COLUMN and render.dont_filter and render.callback == spider.parse_list
    assert render.meta["playwright"] is True and render.meta["nianbao_rule"] == "browser-render"
    assert render.meta["playwright_context_kwargs"] == {"proxy": {"server": "http://127.0.0.1:8089"}}
    # Rendered and still empty: never rendered twice.
    assert list(spider.parse_list(_column(dict(render.meta)), column=COLUMN)) == []


def test_the_rendered_pages_data_requests_become_list_pages() -> None:
    spider = _spider(browser=True)
    spider.browser_fetches[COLUMN] = [API]
    out = list(spider.parse_list(_column({"nianbao_rendered": True}), column=COLUMN))
    assert [(r.url, r.meta["nianbao_rule"]) for r in out] == [(API, "browser-fetch")]


def test_no_browser_when_switched_off() -> None:
    assert list(_spider(browser=False).parse_list(_column({}), column=COLUMN)) == []
