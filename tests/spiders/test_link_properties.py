"""Properties of the link, list and pagination parsers on generated pages (hypothesis; profiles in
tests/hypothesis_profiles.py, `make fuzz` runs them long).

Whatever a page holds: the parsers raise nothing; every link they return is an absolute http(s) URL with a host and
no fragment, once; a relative href stays on the page's host; pagination never returns a URL twice nor the page
itself, stays on the page's host, and stops at pagination.MAX_PAGER_LINKS however large a count the page claims.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st
from parsel import Selector

import tests.hypothesis_profiles  # noqa: F401 — registers and loads the profile
from archive.html_links import AS_WRITTEN, html_links
from spiders import links, modules, pagination
from spiders.links import Link

HOST = "www.example.gov.cn"
PAGES = st.sampled_from([f"http://{HOST}/xxgk/ndbg/index.html", f"https://{HOST}/col/col123/index.html?uid=1",
                         f"http://{HOST}/", f"http://{HOST}/module/web/jpage/dataproxy.jsp?startrecord=1&perpage=15",
                         f"http://{HOST}/api?paramJson=%7B%22pageNo%22%3A1%7D", f"http://{HOST}/list.html?page=1",
                         f"http://{HOST}/api?paramJson=%7B%22pageNo%22%3A%22x%22%7D"])
ODD_HREFS = ["index_1.html", "../t20240101_1.html", "/art/2024/1/1/art_1_2.html", "?page=2", "#top", "./a b.pdf",
             "list_3.html", "./202401/t20240101_9.html", "", " ", "%zz", "下载.pdf", "a\x00b.pdf", "javascript:void(0)",
             "mailto:a@b.cn", "data:text/html,x", "http://[::1", "http://a b/", "https://other.example.com/x.pdf",
             "//cdn.example.net/y.docx", "http://h:99999/", "ftp://x/y", "?page=0&page=9",
             "downfile.jsp?filename=年报.pdf",
             "&#106;avascript:x", "\\\\evil\\x.pdf", "HTTP://UPPER.EXAMPLE/Z.PDF", "x" * 300]
SAFE_PATH = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-./年报%?=&", max_size=30).map(
    lambda s: "p/" + s)  # never a scheme, never a network path
ANY_TEXT = st.text(max_size=60)
HREFS = st.one_of(st.sampled_from(ODD_HREFS), SAFE_PATH, ANY_TEXT)
ODD_LABELS = ["下一页", "尾页", "末页", "2", "上一页", "首页", ">", "2023年度报告", "附件：年报.pdf", ""]
LABELS = st.one_of(st.sampled_from(ODD_LABELS), ANY_TEXT)


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


@st.composite
def pages(draw: st.DrawFn, hrefs: st.SearchStrategy[str] = HREFS) -> str:
    """An HTML-ish page: links in markup, in scripts and CDATA, pager scripts and counts, or raw text."""
    parts = []
    for _ in range(draw(st.integers(0, 8))):
        href, label = draw(hrefs), draw(LABELS)
        parts.append(draw(st.sampled_from([
            f'<a href="{_attr(href)}">{_attr(label)}</a>',
            f'<a href="{_attr(href)}" appendix="true" title="{_attr(label)}"></a>',
            f"<script>document.write('<a href=\"{href}\">{label}</a>');</script>",
            f'<![CDATA[<a href="{_attr(href)}">{label}</a>]]>',
            f'<img src="{_attr(href)}" alt="{_attr(label)}">',
            f'<meta http-equiv="refresh" content="0;url={_attr(href)}">',
            f"<script>window.location.href='{href}';</script>",
            label,
        ])))
    return "<html><body>" + "".join(parts) + "</body></html>" if draw(st.booleans()) else "".join(parts)


def _absolute_once(found: list[Link]) -> None:
    urls = [link.url for link in found]
    assert len(urls) == len(set(urls)), urls
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme in ("http", "https") and parts.hostname and "#" not in url, url


@given(PAGES, pages())
def test_anchors_are_absolute_http_links_once(page: str, text: str) -> None:
    _absolute_once(links.anchors(page, text))
    _absolute_once(links.attachments(page, text))
    _absolute_once(links.content_images(page, text))
    target = links.redirect_target(page, text)
    assert target is None or urlsplit(target).scheme in ("http", "https")
    assert isinstance(links.page_title(text), str) and isinstance(links.body_text(text), str)


@given(PAGES, pages(st.one_of(st.sampled_from(ODD_HREFS[:14]), SAFE_PATH)))
def test_relative_links_stay_on_the_page_host(page: str, text: str) -> None:
    for link in links.anchors(page, text) + links.attachments(page, text):
        assert urlsplit(link.url).hostname == HOST, link


@given(PAGES, pages())
def test_metadata_links_as_written_never_raise(page: str, text: str) -> None:
    for link in html_links(Selector(text=text or "<html/>", type="html"), page, AS_WRITTEN):
        assert isinstance(link.url, str) and isinstance(link.text, str)


# A script-drawn list's data: JSON of any shape, its records holding links (url/link/href…) and titles, or HTML.
JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), HREFS, LABELS,
                        st.builds(lambda h, t: f'<a href="{_attr(h)}">{t}</a>', HREFS, LABELS))
JSON_RECORDS = st.fixed_dictionaries({}, optional={
    key: JSON_LEAVES for key in ("url", "link", "href", "linkUrl", "docUrl", "title", "name", "docTitle", "id")})
JSON_LISTS = st.recursive(st.one_of(JSON_LEAVES, JSON_RECORDS),
                          lambda inner: st.one_of(st.lists(inner, max_size=6),
                                                  st.dictionaries(st.sampled_from(["data", "list", "rows", "x"]),
                                                                  inner, max_size=4)),
                          max_leaves=25)


@given(PAGES, JSON_LISTS)
def test_a_json_list_gives_absolute_http_links_once(page: str, data: object) -> None:
    """The list behind a script-drawn page (crawler/browser.py hands it to `anchors`), whatever its shape."""
    text = json.dumps(data, ensure_ascii=False)
    found = links.anchors(page, text)
    _absolute_once(found)
    for link in found:
        assert isinstance(link.text, str)


@given(PAGES, pages())
def test_a_module_page_of_any_markup_gives_choices_or_none(page: str, text: str) -> None:
    """Hanweb's xxgkAnnualReport module (spiders/modules.py): its unit and year choices read from any page."""
    choices = modules.module_choices(page, text, 2026)
    if choices is not None:
        _absolute_once(modules.module_pages(choices))


NUMBERS = st.one_of(st.integers(0, 3), st.integers(0, 10**7), st.sampled_from(["", "-1", "1e3", "０"]))


@st.composite
def list_pages(draw: st.DrawFn) -> str:
    """A list page's text: one to three pager families (TRS scripts, 共N页, jpage, jpaas, a JSON answer) with any
    numbers, between noise."""
    families = [
        "createPageHTML({0}, {1}, \"index\", \"html\");", "createPageHTML('page_div', {0}, {1}, 'index', 'html', {2});",
        "共{0}页", "页次：1/{0}", "/module/web/jpage/dataproxy.jsp columnid={0} unitid={1} webid=1 totalRecord:{2} "
        "perPage:{1} groupSize:{3}", "<totalrecord>{0}</totalrecord>",
        "'/api-gateway/jpaas-publish-server/front/page/build/unit?webId=1&pageId={0}'",
    ]
    parts = []
    for template in draw(st.lists(st.sampled_from(families), min_size=1, max_size=3)):
        parts.append(template.format(*(draw(NUMBERS) for _ in range(4))))
        parts.append(draw(ANY_TEXT))
    if draw(st.integers(0, 3)) == 0:
        keys = draw(st.lists(st.sampled_from(["total", "totalCount", "pageSize", "pages", "totalPage", "x"]),
                             max_size=3))
        return json.dumps({k: draw(st.one_of(NUMBERS, ANY_TEXT)) for k in keys})
    return " ".join(parts)


PAGER_LINKS = st.lists(st.builds(
    Link, st.one_of(st.sampled_from([f"http://{HOST}/xxgk/ndbg/index_{k}.html" for k in (1, 2, 99)]),
                    st.sampled_from([f"http://{HOST}/list.html?page={k}" for k in (0, 2, 10**6)]),
                    st.sampled_from(["https://other.example.com/index_2.html", f"http://{HOST}/a/b/c/list_7.html"])),
    LABELS, st.just("anchor")), max_size=6)


@given(PAGES, list_pages(), PAGER_LINKS)
def test_pagination_yields_each_url_once_on_the_page_host_and_stops(page: str, text: str, found: list[Link]) -> None:
    pagers = pagination.pager_links(page, text, found, 2026)
    urls = [link.url for link in pagers]
    assert len(urls) == len(set(urls)) and page not in urls
    assert len(urls) <= pagination.MAX_PAGER_LINKS
    assert all(urlsplit(url).hostname == HOST for url in urls), urls
