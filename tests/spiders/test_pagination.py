"""Every pagination form, each on a recorded list page fed to AnnualReports.parse_list."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse, XmlResponse

from spiders.annual_reports import AnnualReports

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "spiders"


def _feed(url: str, fixture: str, column: str | None = None, cls: type[TextResponse] = HtmlResponse,
          ) -> tuple[dict[str, str], list[str], AnnualReports]:
    """(list page URL → rule, article URLs) that parse_list yields for the recorded page served at `url`."""
    spider = AnnualReports(site=url)
    body = (FIXTURES / fixture).read_bytes()
    response = cls(url=url, body=body, encoding="utf-8", request=Request(url))
    out = list(spider.parse_list(response, column=column or url))
    lists = {r.url: r.meta["nianbao_rule"] for r in out if r.callback == spider.parse_list}
    for r in out:
        if r.callback == spider.parse_list:
            assert r.meta["nianbao_always_fetch"] is True
    articles = [r.url for r in out if r.callback == spider.parse_article]
    return lists, articles, spider


def test_trs_six_argument_pager_page_k_is_name_k_minus_1() -> None:
    column = "http://www.yanchi.gov.cn/xxgk/zfxxgknb/"
    lists, articles, _ = _feed(column + "list.html", "trs_list_six_arg.html", column=column)
    assert {u: r for u, r in lists.items() if r == "trs-createPageHTML-6"} == {
        column + "list_1.html": "trs-createPageHTML-6", column + "list_2.html": "trs-createPageHTML-6"}
    assert lists[column + "xzndbg/"] == lists[column + "bmndbg/"] == "unit-subcolumn"
    assert len(articles) == 3


def test_list_n_links_with_last_page_link() -> None:
    base = "http://www.mouxian.gov.cn/zwgk/ndbg/"
    lists, articles, _ = _feed(base + "list.html", "list_n_links.html")
    assert set(lists) == {base + f"list_{k}.html" for k in (2, 3, 4)}
    assert len(articles) == 2


def test_query_page_with_page_count_and_no_calendar_trap() -> None:
    url = "http://www.mouxian.gov.cn/channel/list.aspx?cid=12"
    lists, articles, _ = _feed(url, "query_page.html")
    assert set(lists) == {f"http://www.mouxian.gov.cn/channel/list.aspx?cid=12&page={k}" for k in range(2, 6)}
    assert articles == ["http://www.mouxian.gov.cn/content/content_88412.html",
                        "http://www.mouxian.gov.cn/content/content_88301.html"]


def test_cur_page_links() -> None:
    url = "http://www.mouzhen.gov.cn/site/xxgk/nb.jsp"
    lists, _, _ = _feed(url, "cur_page.html")
    assert set(lists) == {f"{url}?cur_page={k}" for k in (1, 2, 3)}


def test_page_n_links() -> None:
    lists, articles, _ = _feed("http://www.mouqu.gov.cn/nbzl/index.html", "page_n.html")
    assert set(lists) == {"http://www.mouqu.gov.cn/nbzl/page_2.html", "http://www.mouqu.gov.cn/nbzl/page_3.html"}
    assert articles == ["http://www.mouqu.gov.cn/nbzl/8f14e45fceea167a5a36dedd4bea2543.html"]


def test_vsb_numeric_pages_count_down_to_1() -> None:
    lists, articles, _ = _feed("http://www.huinong.gov.cn/xxgk/ndbg.htm", "vsb_numeric.html")
    assert set(lists) == {f"http://www.huinong.gov.cn/xxgk/ndbg/{k}.htm" for k in (1, 2, 3)}
    assert articles == ["http://www.huinong.gov.cn/info/1012/5225.htm", "http://www.huinong.gov.cn/info/1012/5218.htm"]


JPAGE = "http://www.nxhl.gov.cn/module/web/jpage/dataproxy.jsp"


def _jpage(start: int) -> str:
    return f"{JPAGE}?startrecord={start}&endrecord={start + 14}&perpage=15&columnid=2471&unitid=36926&webid=52"


def test_hanweb_jpage_ids_read_from_the_column_page() -> None:
    column = "http://www.nxhl.gov.cn/col/col2471/index.html"
    lists, articles, _ = _feed(column, "hanweb_column_jpage.html")
    assert lists == {_jpage(1): "jpage", _jpage(16): "jpage", _jpage(31): "jpage"}
    assert articles == ["http://www.nxhl.gov.cn/art/2026/1/20/art_2471_4012437.html"]


def test_hanweb_dataproxy_xml_records_and_remaining_groups() -> None:
    column = "http://www.nxhl.gov.cn/col/col2471/index.html"
    lists, articles, _ = _feed(_jpage(1), "hanweb_dataproxy.xml", column=column, cls=XmlResponse)
    assert lists == {_jpage(16): "jpage", _jpage(31): "jpage"}  # never jpage's own <nextgroup> link
    assert articles == ["http://www.nxhl.gov.cn/art/2023/1/17/art_2471_4012230.html",
                        "http://www.nxhl.gov.cn/art/2022/12/23/art_2471_4012207.html"]


def test_kaipu_jpaas_unit_builder_and_its_json_pages() -> None:
    column = "http://www.lingwu.gov.cn/xxgk/zfxxgknb/"
    lists, _, _ = _feed(column, "kaipu_jpaas_column.html")
    (first, rule), = lists.items()
    assert rule == "jpaas" and "/api-gateway/jpaas-publish-server/front/page/build/unit?" in first
    assert "webId=8a2f" in first and "pageNo" in first
    more, articles, _ = _feed(first, "kaipu_jpaas_page1.json", column=column, cls=TextResponse)
    assert len(more) == 2 and set(more.values()) == {"json-pager"}
    assert articles == ["http://www.lingwu.gov.cn/xxgk/zfxxgknb/202501/d61cdf4d6ac13140d51fa878c6072728.shtml"]


def test_json_list_pages_from_total_and_page_size() -> None:
    api = "http://www.lingwu.gov.cn/jpaas-jpolicy-web-server/front/info/list?siteId=14&columnId=101563&pageNo={}&pageSize=6"
    lists, articles, _ = _feed(api.format(1), "jpolicy_list_page1.json", column="http://www.lingwu.gov.cn/xxgk/zfxxgknb/",
                               cls=TextResponse)
    assert lists == {api.format(2): "json-pager", api.format(3): "json-pager"}
    assert len(articles) == 2


def test_page_count_text_with_only_a_next_link_fixes_the_offset() -> None:
    base = "http://www.moushi.gov.cn/zwgk/xxgknb/"
    lists, articles, _ = _feed(base + "index.html", "page_count_only.html")
    # 共6页, page 2 is index_1.html: pages 2…6 are index_1 … index_5.
    assert lists == {base + f"index_{k}.html": "page-count:list-n" for k in range(1, 6)} | {
        base + "index_1.html": "pager-link:list-n"}
    assert len(articles) == 2
