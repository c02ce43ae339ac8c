"""Spider unit tests: one recorded page fed to one callback, asserting what it yields."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.items import DocumentItem
from spiders.annual_reports import AnnualReports

SHARED = Path(__file__).resolve().parents[3] / "shared"
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "parsing" / "documents"  # research-corpus copies


def _response(url: str, body: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=body.encode("utf-8"), encoding="utf-8", request=Request(url))


@pytest.fixture
def spider() -> AnnualReports:
    return AnnualReports(site="pingluo")


def test_trs_pager_yields_every_list_page() -> None:
    spider = AnnualReports(site="http://www.zhangshu.gov.cn/")
    body = (CORPUS / "zhangshu_2017_list_trs-createPageHTML.html").read_text("utf-8")
    column = "http://www.zhangshu.gov.cn/zwgk/zhxx/"
    out = list(spider.parse_list(_response(column + "index.html", body), column=column + "index.html"))
    pages = sorted(r.url for r in out if r.callback == spider.parse_list)
    assert pages == sorted(f"{column}index_{k}.html" for k in range(1, 21))
    articles = [r.url for r in out if r.callback == spider.parse_article]
    assert f"{column}201710/t20171019_398276.html" in articles
    assert len(articles) == 6


def test_pager_is_read_only_from_the_first_page(spider: AnnualReports) -> None:
    body = '<script>createPageHTML(5, 2, "index", "html");</script>'
    column = "http://www.pingluo.gov.cn/xxgk/zfxxgknb/"
    out = list(spider.parse_list(_response(column + "index_2.html", body), column=column + "index.html"))
    assert out == []


def test_section_page_leads_to_annual_report_column(spider: AnnualReports) -> None:
    body = """<ul><li><a href="./zfxxgkzn/">政府信息公开指南</a></li>
      <li><a href="./zfxxgknb/">政府信息公开年报</a></li><li><a href="./fdzdgknr/">法定主动公开内容</a></li></ul>"""
    out = list(spider.parse_section(_response("http://www.pingluo.gov.cn/xxgk/", body)))
    assert [r.url for r in out] == ["http://www.pingluo.gov.cn/xxgk/zfxxgknb/"]


def test_article_yields_page_item_and_attachment_requests(spider: AnnualReports) -> None:
    url = "http://www.pingluo.gov.cn/xxgk/zfxxgknb/202101/t20210120_1.html"
    body = """<html><head><title>平罗县2020年政府信息公开工作年度报告</title></head><body>
      <a href="./P020210120123.pdf">平罗县人民政府办公室2020年政府信息公开工作年度报告.pdf</a>
      <a href="../../xwzx/">新闻中心</a></body></html>"""
    response = _response(url, body)
    response.meta["nianbao_capture_id"] = 7
    out = list(spider.parse_article(response))
    items = [o for o in out if isinstance(o, DocumentItem)]
    requests = [o for o in out if isinstance(o, Request)]
    assert items == [DocumentItem(url=url, kind="page", capture_id=7, title="平罗县2020年政府信息公开工作年度报告",
                                  rule="report-title", role="report", report_year=2020)]
    assert [r.url for r in requests] == ["http://www.pingluo.gov.cn/xxgk/zfxxgknb/202101/P020210120123.pdf"]
    assert requests[0].cb_kwargs["anchor_text"] == "平罗县人民政府办公室2020年政府信息公开工作年度报告.pdf"


def test_report_title_on_home_page_is_not_taken_for_the_column(spider: AnnualReports) -> None:
    body = """<a href="/xxgk/zfxxgknb/202401/t20240119_2850289.html">
      平罗县人民政府办公室2023年政府信息公开工作年度报告</a>
      <a href="/xxgk/zfxxgknb/">政府信息公开年报</a>"""
    out = list(spider.parse_home(_response("http://www.pingluo.gov.cn/", body)))
    assert [(r.url, r.callback) for r in out] == [("http://www.pingluo.gov.cn/xxgk/zfxxgknb/", spider.parse_list)]
