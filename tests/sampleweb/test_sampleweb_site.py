"""The 平罗 site matches its ground truth: pager, every URL, report pages and their attachments, decoys."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urljoin

import lxml.html
import pytest

from sampleweb.server import SampleWebServer
from sampleweb.truth import SITES, all_urls, expected_decoy_urls, expected_reports

SITE = SITES["pingluo"]
COLUMN = SITE.home_url + "xxgk/zfxxgknb/"
TYPES = {
    ".html": "text/html; charset=utf-8", ".pdf": "application/pdf", ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".gif": "image/gif", ".jpg": "image/jpeg", ".txt": "text/plain; charset=utf-8", ".css": "text/css; charset=utf-8",
}


@pytest.fixture(scope="module")
def fetch() -> Iterator:
    with SampleWebServer() as web:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}))

        def get(url: str) -> tuple[int, str, bytes]:
            try:
                with opener.open(url, timeout=60) as resp:
                    return resp.status, resp.headers["Content-Type"], resp.read()
            except urllib.error.HTTPError as err:
                return err.code, err.headers["Content-Type"], err.read()

        yield get


def test_registry_row() -> None:
    assert (SITE.hostname, SITE.name, SITE.region_code) == ("www.pingluo.gov.cn", "平罗县", "640221")
    assert SITE.home_url == "http://www.pingluo.gov.cn/"


def test_every_url_is_served_with_its_type(fetch) -> None:
    for url in all_urls("pingluo"):
        status, content_type, _ = fetch(url)
        assert status == 200, url
        assert content_type == TYPES["." + url.rsplit(".", 1)[-1]], url


def test_navigation_reaches_the_report_column(fetch) -> None:
    home = lxml.html.fromstring(fetch(SITE.home_url)[2])
    assert "/xxgk/" in home.xpath("//div[@class='nav']//a/@href")
    xxgk = lxml.html.fromstring(fetch(SITE.home_url + "xxgk/")[2])
    menu = dict(zip(xxgk.xpath("//ul[@class='left_menu']//a/text()"), xxgk.xpath("//ul[@class='left_menu']//a/@href"),
                    strict=True))
    assert menu["政府信息公开年报"] == "/xxgk/zfxxgknb/"
    assert "政府信息公开指南" in menu


def test_pager_is_only_in_script(fetch) -> None:
    pages = []
    k = 0
    while True:
        url = COLUMN + ("index.html" if k == 0 else f"index_{k}.html")
        status, _, body = fetch(url)
        if status != 200:
            break
        text = body.decode("utf-8")
        calls = re.findall(r'createPageHTML\((\d+), (\d+), "index", "html"\)', text)
        assert len(calls) == 1
        pages.append((int(calls[0][0]), int(calls[0][1])))
        assert not lxml.html.fromstring(body).xpath("//a[contains(@href, 'index_')]")
        k += 1
    assert len(pages) >= 3
    assert pages == [(len(pages), i) for i in range(len(pages))]


def list_rows(fetch) -> list[tuple[str, str, str]]:
    rows = []
    for k in range(3):
        url = COLUMN + ("index.html" if k == 0 else f"index_{k}.html")
        tree = lxml.html.fromstring(fetch(url)[2])
        for li in tree.xpath("//div[@class='list_con']//li"):
            a = li.xpath("./a")[0]
            rows.append((urljoin(url, a.get("href")), a.get("title"), li.xpath("./span/text()")[0]))
    return rows


def test_list_rows_cover_reports_and_decoys_newest_first(fetch) -> None:
    rows = list_rows(fetch)
    urls = [u for u, _, _ in rows]
    assert all(re.search(r"/xxgk/zfxxgknb/\d{6}/t\d{8}_\d+\.html$", u) for u in urls)
    assert [d for _, _, d in rows] == sorted((d for _, _, d in rows), reverse=True)
    reports = expected_reports("pingluo")
    assert len(reports) >= 8
    assert {r.page_url for r in reports} <= set(urls)
    column_decoys = {u for u in expected_decoy_urls("pingluo") if "/zfxxgknb/" in u}
    assert len(column_decoys) >= 3 and column_decoys <= set(urls)
    titles = {t for _, t, _ in rows}
    assert "关于做好2020年度政府信息公开工作年度报告编制发布工作的通知" in titles
    assert "图解：平罗县2020年政府信息公开工作年度报告" in titles


def test_report_pages_link_their_attachments_and_metadata(fetch) -> None:
    for report in expected_reports("pingluo"):
        tree = lxml.html.fromstring(fetch(report.page_url)[2])
        meta = tree.xpath("string(//table[@class='xxgk_table'])")
        assert report.unit_name in meta and report.published_at in meta and "640221" in meta
        links = {urljoin(report.page_url, a.get("href")): a.text_content()
                 for a in tree.xpath("//div[@class='fujian']//a")}
        assert set(links) == set(report.attachment_urls)
        for url in report.attachment_urls:
            assert re.search(r"/P0\d{20}\.(pdf|docx|doc)$", url)
            assert links[url] == f"{report.title}.{report.source_kind}"
        body = tree.xpath("string(//div[@class='TRS_Editor'])")
        if report.has_inline_text:
            assert f"{report.report_year}年1月1日" in body
            assert len(tree.xpath("//div[@class='TRS_Editor']//table")) == 3


def test_kinds_cover_every_source_format() -> None:
    reports = expected_reports("pingluo")
    kinds = {r.source_kind for r in reports}
    assert kinds == {"html_inline", "pdf", "docx", "doc"}
    assert any(r.has_inline_text and r.source_kind == "pdf" for r in reports)
    seeds = {r.seed: (r.unit_name, r.report_year, r.source_kind) for r in reports if r.seed}
    assert seeds["000_e497ca72f28c193c.txt"] == ("平罗县人民政府办公室", 2020, "pdf")
    assert seeds["003_df2de3352bcf5852.txt"] == ("平罗县宝丰镇人民政府", 2020, "docx")


def test_inline_table3_uses_official_spans(fetch) -> None:
    report = next(r for r in expected_reports("pingluo") if r.source_kind == "html_inline" and r.report_year == 2021)
    tree = lxml.html.fromstring(fetch(report.page_url)[2])
    table3 = tree.xpath("//div[@class='TRS_Editor']//table")[1]
    first = table3.xpath(".//tr[1]/td")
    assert (first[0].get("rowspan"), first[0].get("colspan"), first[1].get("colspan")) == ("3", "3", "7")
    group = table3.xpath(".//td[normalize-space()='三、本年度办理结果']")[0]
    assert group.get("rowspan") == "22"
    assert "逾期不补正" in table3.text_content()


def test_decoys_are_served_and_are_not_reports(fetch) -> None:
    report_pages = {r.page_url for r in expected_reports("pingluo")}
    for url in expected_decoy_urls("pingluo"):
        status, _, body = fetch(url)
        assert status == 200 and url not in report_pages
        assert "统计期限" not in body.decode("utf-8")
