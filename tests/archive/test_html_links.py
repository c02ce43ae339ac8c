"""The one HTML link extractor: links as the page wrote them (metadata records) and links to follow (spiders)."""

from __future__ import annotations

from parsel import Selector

from archive.html_links import AS_WRITTEN, TO_FOLLOW, HtmlLink, LinkRules, has_attachment_extension, html_links

PAGE = "http://www.example.gov.cn/xxgk/ndbg/index.html"
HTML = """<html><head><base href="http://cdn.example.gov.cn/files/"></head><body>
<a href="a.pdf#page=2"> 年度  报告 </a>
<a href="a.pdf#page=2">年度 报告</a>
<a href="a.pdf" appendix="true"></a>
<a href="a.pdf" title=" 附件  一 ">&amp;lt;b&amp;gt;</a>
<a href="ftp://ftp.example.gov.cn/x.doc">ftp</a>
<a href="javascript:void(0)">打印</a> <a href="#top">顶部</a>
<img src="p 1.jpg" alt=" 第1页 ">
</body></html>"""


def _links(rules: LinkRules, *, images: bool = False) -> list[tuple[str, str, bool]]:
    found = html_links(Selector(text=HTML, base_url=PAGE), PAGE, rules, images=images)
    return [(link.url, link.text, link.appendix) for link in found]


def test_as_written_lists_every_link_once_per_url_and_text() -> None:
    assert _links(AS_WRITTEN) == [
        ("http://cdn.example.gov.cn/files/a.pdf#page=2", "年度 报告", False),
        ("http://cdn.example.gov.cn/files/a.pdf", "", True),
        ("http://cdn.example.gov.cn/files/a.pdf", "&lt;b&gt;", False),
        ("ftp://ftp.example.gov.cn/x.doc", "ftp", False),
    ]
    assert _links(AS_WRITTEN, images=True) == [("http://cdn.example.gov.cn/files/p%201.jpg", "第1页", False)]


def test_to_follow_keeps_one_fetchable_link_per_url() -> None:
    assert _links(TO_FOLLOW) == [
        ("http://www.example.gov.cn/xxgk/ndbg/a.pdf", "年度 报告", False),  # the fragment is never sent
    ]
    body = ('<a href="b.doc" appendix="true"></a><a href="b.doc" title=" 附件  一 "></a>'
            '<a href="c.pdf">&amp;lt;c&amp;gt;</a>')
    found = html_links(Selector(text=body, type="html"), PAGE, TO_FOLLOW)
    assert found == [HtmlLink("http://www.example.gov.cn/xxgk/ndbg/b.doc", "附件  一", False),
                     HtmlLink("http://www.example.gov.cn/xxgk/ndbg/c.pdf", "<c>", False)]  # entities left: unescaped


def test_attachment_extensions() -> None:
    assert has_attachment_extension("http://x.gov.cn/a/P0.PDF") and has_attachment_extension("http://x/b.wps?v=1")
    assert not has_attachment_extension("http://x.gov.cn/a.pdf.html") and not has_attachment_extension("http://x/")
