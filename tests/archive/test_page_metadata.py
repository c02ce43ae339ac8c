"""Page metadata: the links a page offered, its attachments with anchor texts, as warc-fields."""

from __future__ import annotations

import gzip

import pytest

from archive.page_metadata import decode_content, is_html, metadata_fields, page_links
from archive.records import RecordBuilder
from kernel.errors import ArchiveError
from tests.archive.warc_helpers import SENT_AT, counting_ids

PAGE = "http://www.example.gov.cn/xxgk/ndbg/202301/t20230118_1.html"
GBK_PAGE = """<html><head><meta charset="gbk"><title>年报</title></head><body>
<a href="../">上一级</a>
<a href="P020230118.pdf">  平罗县2022年
   政府信息公开工作年度报告.pdf </a>
<a href="javascript:void(0)">打印</a> <a href="#top">顶部</a> <a href="mailto:a@b.cn">信箱</a>
<a href="/files/表格 1.docx" title="附表"><img src="x.png"></a>
<p><img src="./W020230118_1.jpg" alt="第1页"><img src="data:image/gif;base64,R0lGOD">
<img src="./W020230118_1.jpg" alt="第1页"></p>
<a href="P020230118.pdf">  平罗县2022年
   政府信息公开工作年度报告.pdf </a>
</body></html>""".encode("gbk")


def _is_attachment(url: str) -> bool:
    return url.lower().endswith((".pdf", ".docx"))


def test_links_of_a_gbk_page() -> None:
    links = page_links(PAGE, GBK_PAGE, "text/html")
    assert [(link.url, link.text) for link in links.anchors] == [
        ("http://www.example.gov.cn/xxgk/ndbg/", "上一级"),
        ("http://www.example.gov.cn/xxgk/ndbg/202301/P020230118.pdf", "平罗县2022年 政府信息公开工作年度报告.pdf"),
        ("http://www.example.gov.cn/files/%E8%A1%A8%E6%A0%BC%201.docx", "附表"),
    ]
    assert [(link.url, link.text) for link in links.embeds] == [
        ("http://www.example.gov.cn/xxgk/ndbg/202301/x.png", ""),
        ("http://www.example.gov.cn/xxgk/ndbg/202301/W020230118_1.jpg", "第1页"),
    ]


def test_base_href_is_honoured() -> None:
    body = b'<html><head><base href="http://cdn.example.gov.cn/a/"></head><a href="b.pdf">b</a></html>'
    assert page_links(PAGE, body, "text/html; charset=utf-8").anchors[0].url == "http://cdn.example.gov.cn/a/b.pdf"


def test_metadata_record_fields() -> None:
    links = page_links(PAGE, GBK_PAGE, "text/html")
    fields = metadata_fields(links, is_attachment=_is_attachment, rule="column-list",
                             via="http://www.example.gov.cn/xxgk/ndbg/", callback="parse_article")
    record = RecordBuilder(record_id=counting_ids()).metadata(PAGE, SENT_AT, fields, concurrent_to="<urn:uuid:r>")
    block = record.raw_stream.getvalue().decode("utf-8")
    assert block.splitlines() == [
        "via: http://www.example.gov.cn/xxgk/ndbg/",
        "discovery-rule: column-list",
        "callback: parse_article",
        "outlink: http://www.example.gov.cn/xxgk/ndbg/ 上一级",
        "outlink: http://www.example.gov.cn/xxgk/ndbg/202301/P020230118.pdf 平罗县2022年 政府信息公开工作年度报告.pdf",
        "outlink: http://www.example.gov.cn/files/%E8%A1%A8%E6%A0%BC%201.docx 附表",
        "attachment: http://www.example.gov.cn/xxgk/ndbg/202301/P020230118.pdf"
        " 平罗县2022年 政府信息公开工作年度报告.pdf",
        "attachment: http://www.example.gov.cn/files/%E8%A1%A8%E6%A0%BC%201.docx 附表",
        "embed: http://www.example.gov.cn/xxgk/ndbg/202301/x.png",
        "embed: http://www.example.gov.cn/xxgk/ndbg/202301/W020230118_1.jpg 第1页",
    ]
    assert record.rec_headers.get_header("WARC-Concurrent-To") == "<urn:uuid:r>"


def test_content_encodings_are_removed() -> None:
    assert decode_content(gzip.compress(b"<a>"), "gzip") == b"<a>"
    assert decode_content(b"<a>", None) == b"<a>"
    with pytest.raises(ArchiveError):
        decode_content(b"not gzip", "gzip")


def test_only_html_gets_links() -> None:
    assert is_html("text/html; charset=GBK") and is_html("application/xhtml+xml")
    assert not is_html("application/pdf") and not is_html(None)


def test_unchanged_page_points_at_the_earlier_links() -> None:
    links = page_links(PAGE, GBK_PAGE, "text/html")
    fields = metadata_fields(links, is_attachment=_is_attachment, rule="column-list", links_as_in="<urn:uuid:first>")
    assert fields == {"discovery-rule": ["column-list"], "links-as-in": ["<urn:uuid:first>"]}
