"""Discovery rules on recorded pages: attachments, redirect shells, sub-columns, report recognition, scope."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.items import DocumentItem
from spiders.annual_reports import AnnualReports
from spiders.classify import DECOY, OTHER, REPORT, VARIANT, classify_article, classify_title
from spiders.scope import SiteScope

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "spiders"


def _response(url: str, fixture: str, encoding: str = "utf-8", **meta: object) -> HtmlResponse:
    request = Request(url, meta=dict(meta))
    return HtmlResponse(url=url, body=(FIXTURES / fixture).read_bytes(), encoding=encoding, request=request)


def test_attachments_in_every_disguise_are_fetched_with_their_anchor_text() -> None:
    spider = AnnualReports(site="yanchi")
    url = "http://www.yanchi.gov.cn/xxgk/zfxxgknb/202101/t20210119_3310017.html"
    out = list(spider.parse_article(_response(url, "trs_article_rel_appendix.html", nianbao_capture_id=3),
                                    title="盐池县人民政府办公室2020年政府信息公开工作年度报告"))
    (page,) = [o for o in out if isinstance(o, DocumentItem)]
    assert (page.role, page.report_year, page.rule) == ("report", 2020, "report-title")
    found = {r.url: (r.meta["nianbao_rule"], r.cb_kwargs["anchor_text"]) for r in out if isinstance(r, Request)}
    folder = "http://www.yanchi.gov.cn/xxgk/zfxxgknb/202101/"
    assert found == {
        folder + "P020210119912671580185.doc": ("attachment:appendix", "年度报告正文"),
        folder + "P020210119912671580186.pdf": ("attachment:script-html", "盐池县2020年报.pdf"),
        folder + "P020210119912671580187.ofd": ("attachment:script-html", "盐池县2020年报.ofd"),
        folder + "P020210119912671580188.docx": ("attachment:js-variable", ""),
        "http://www.yanchi.gov.cn/module/download/downfile.jsp?classid=0&filename=c2f1e69077403e37378085ea3c6a326e.pdf":
            ("attachment:download-endpoint", "附件下载"),
    }
    assert all(r.cb_kwargs["page_url"] == url for r in out if isinstance(r, Request))


def test_meta_refresh_shell_is_followed_with_the_same_callback() -> None:
    spider = AnnualReports(site="yanchi")
    column = "http://www.yanchi.gov.cn/xxgk/zfxxgknb/"
    out = list(spider.parse_list(_response(column, "column_shell.html"), column=column))
    assert [(r.url, r.callback, r.meta["nianbao_rule"]) for r in out] == [
        (column + "list.html", spider.parse_list, "redirect-shell")]


def test_year_subcolumns_of_a_gbk_column_page() -> None:
    spider = AnnualReports(site="zhengning")
    column = "http://www.zhengning.gov.cn/zfxxgk/fdzdgknr/zfxxgknb/index.html"
    out = list(spider.parse_list(_response(column, "jiyue_column_gbk.html", encoding="gbk"), column=column))
    subs = {r.url for r in out if r.callback == spider.parse_list and r.meta["nianbao_rule"] == "year-subcolumn"}
    base = "http://www.zhengning.gov.cn/zfxxgk/fdzdgknr/zfxxgknb/"
    assert subs == {base + f"{y}/index.html" for y in ("2024n", "2023n", "nb_2022n", "2021n")}
    articles = [r for r in out if r.callback == spider.parse_article]
    assert [r.cb_kwargs["title"] for r in articles] == ["正宁县山河镇人民政府2023年政府信息公开工作年度报告"]


@pytest.mark.parametrize(("title", "role", "year"), [
    ("平罗县人民政府办公室2020年政府信息公开工作年度报告", REPORT, 2020),
    ("2022年度贺兰县教育局政府信息公开工作年度报告", REPORT, 2022),
    ("正宁县人民政府办公室关于印发正宁县2022年政府信息公开工作年度报告的通知", REPORT, 2022),
    ("某区2023年政务公开工作年度报告", REPORT, 2023),
    ("关于做好2020年度政府信息公开工作年度报告编制发布工作的通知", DECOY, 2020),
    ("图解：平罗县2020年政府信息公开工作年度报告", VARIANT, 2020),
    ("一图读懂平罗县人民政府办公室2022年政府信息公开工作年度报告", VARIANT, 2022),
    ("《盐池县2023年政府信息公开工作年度报告》解读", VARIANT, 2023),
    ("平罗县召开2021年政务公开工作推进会", OTHER, None),
    ("政府信息公开年报", OTHER, None),
])
def test_report_recognition_by_title(title: str, role: str, year: int | None) -> None:
    found = classify_title(title)
    assert (found.role, found.year) == (role, year)


def test_year_is_the_statistics_year_from_the_title_not_the_folder() -> None:
    # A 2024n folder holding the 2025 report: only the title counts.
    found = classify_article(["正宁县2025年政府信息公开工作年度报告"], "")
    assert (found.role, found.year) == (REPORT, 2025)


def test_untitled_page_with_a_period_line_is_a_report() -> None:
    body = "政府信息公开工作年度报告 本报告统计期限自2021年1月1日起至2021年12月31日止。"
    assert classify_article(["首页"], body).year == 2021


def test_scope_keeps_own_hosts_and_drops_traps() -> None:
    scope = SiteScope(["pingluo.gov.cn"])
    assert scope.allows("http://www.pingluo.gov.cn/xxgk/")
    assert scope.allows("http://xxgk.pingluo.gov.cn/nb/")
    assert not scope.allows("http://www.nx.gov.cn/xxgk/")
    assert not scope.allows("http://www.pingluo.gov.cn/calendar/2024/01.html")
    assert not scope.allows("http://www.pingluo.gov.cn/list.jsp?year=2024&month=1")
    assert not scope.allows("http://www.pingluo.gov.cn/search.jsp?keyword=年报")


def test_home_redirect_shell_by_javascript() -> None:
    spider = AnnualReports(site="pingluo")
    body = b'<html><script>location.replace("/index.html");</script></html>'
    response = HtmlResponse(url="http://www.pingluo.gov.cn/", body=body, encoding="utf-8",
                            request=Request("http://www.pingluo.gov.cn/"))
    out = list(spider.parse_home(response))
    assert [(r.url, r.callback) for r in out] == [("http://www.pingluo.gov.cn/index.html", spider.parse_home)]
