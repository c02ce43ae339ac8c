"""Broken input, decoys and encodings: every failure is a ParseError with a message."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable

import pytest

from kernel.errors import ParseError
from parsing import parse_document
from parsing.extract import detect_kind, extract
from tests.parsing.parsing_builders import make_pdf


def _zip_without_document() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/styles.xml", "<styles/>")
    return out.getvalue()


def _zip(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, body in members.items():
            package.writestr(name, body)
    return out.getvalue()


_OFD_ROOT = ('<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml'
             "</ofd:DocRoot></ofd:DocBody></ofd:OFD>")


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", None, "empty"),
        (b"  \n ", None, "empty"),
        (os.urandom(4096) + b"\x00", None, "unsupported"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog", "x.pdf", "PDF"),
        (_zip_without_document(), "report.docx", "word/document.xml"),
        (_zip_without_document(), None, "word/document.xml"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "x.doc", "DOC"),
        (_zip({"xl/workbook.xml": "<workbook", "[Content_Types].xml": "<Types/>"}), "r.xlsx", "unreadable XLSX"),
        (_zip({"xl/workbook.xml": "<workbook"})[:-40], "r.xlsx", "not an XLSX: bad zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "r.xls", "unreadable XLS"),
        (_zip({"Doc_0/Document.xml": "<x/>"}), "r.ofd", "OFD.xml"),
        (_zip({"OFD.xml": _OFD_ROOT}), "r.ofd", "lacks Doc_0/Document.xml"),
        (_zip({"OFD.xml": _OFD_ROOT, "Doc_0/Document.xml": "<ofd:Document"}), None, "not well-formed"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "scan.png", "unreadable image"),
    ],
)
def test_broken_input_raises_parse_error(data: bytes, filename: str | None, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_document(data, filename=filename)


def test_truncated_pdf_raises_parse_error(seed_text: Callable[[str], str]) -> None:
    data = make_pdf(seed_text("000"))
    with pytest.raises(ParseError):
        parse_document(data[: len(data) // 3])


def test_detect_kind_by_magic_then_hints() -> None:
    assert detect_kind(b"%PDF-1.7 ...", "text/html", "a.html") == "pdf"
    assert detect_kind(b"<!DOCTYPE html><html></html>", None, None) == "html"
    assert detect_kind("纯文本报告".encode(), None, "a.txt") == "text"
    assert detect_kind(_zip_without_document(), None, None) == "unknown"
    assert detect_kind(b"\x00\x01\x02\x03" * 100, "application/pdf", None) == "unknown"


@pytest.mark.parametrize(
    "title",
    [
        "关于做好2020年度政府信息公开工作年度报告编制发布工作的通知",
        "图解：正宁县2020年政府信息公开工作年度报告",
        "一图读懂平罗县2020年政府信息公开工作年度报告",
        "《盐池县人民政府办公室2021年政府信息公开工作年度报告》解读",
    ],
)
def test_decoys_are_not_reports(title: str) -> None:
    body = (f"{title}\n各乡镇人民政府，县政府各部门：\n根据《中华人民共和国政府信息公开条例》，"
            "本报告统计期限为2020年1月1日至2020年12月31日。\n一、总体情况\n二、主动公开政府信息情况\n"
            "三、收到和处理政府信息公开申请情况\n")
    result = parse_document(body.encode("utf-8"))
    assert not result.is_report
    assert any("decoy" in w for w in result.warnings)


def test_decoy_in_html_title_only() -> None:
    page = ("<html><head><meta charset='utf-8'><title>图解：贺兰县2020年政府信息公开工作年度报告</title></head>"
            "<body><div id='zoom'><p>" + "图片说明" * 20 + "</p></div></body></html>")
    assert not parse_document(page.encode()).is_report


GBK_PAGE = ("<html><head>{meta}<title>贺兰县2020年政府信息公开工作年度报告</title></head><body>"
            "<div id='zoom'><p>贺兰县2020年政府信息公开工作年度报告</p><p>一、总体情况</p>"
            "<p>2020年，贺兰县各级行政机关主动公开政府信息共30317条，全县受理政府信息公开申请56件。</p>"
            "<p>二、主动公开政府信息情况</p><table><tr><td>信息内容</td><td>本年新制作数量</td></tr>"
            "<tr><td>规章</td><td>０</td></tr></table></div></body></html>")


@pytest.mark.parametrize("meta", ["<meta http-equiv='Content-Type' content='text/html; charset=gbk'>",
                                  "<meta charset='gb2312'>", ""])
def test_gbk_html_decodes(meta: str) -> None:
    data = GBK_PAGE.format(meta=meta).encode("gbk")
    extraction = extract(data, media_type="text/html")
    assert "贺兰县各级行政机关主动公开政府信息" in extraction.text
    assert extraction.meta["encoding"] == "gb18030"
    assert extraction.tables[0].rows[1][1].text == "０"
    record = parse_document(data).record
    assert (record["unit_name"], record["report_year"]) == ("贺兰县", 2020)  # "贺兰县人民政府" occurs nowhere


def test_gbk_plain_text_decodes(seed_text: Callable[[str], str]) -> None:
    record = parse_document(seed_text("002").encode("gb18030"), filename="r.txt").record
    assert (record["unit_name"], record["report_year"]) == ("贺兰县人民政府", 2020)


def test_infographic_page_with_report_title_below_site_banner_is_not_a_report() -> None:
    """Regression: an 一图读懂 page whose <h1> is the site name and whose #zoom holds only images."""
    html = """<html><head><meta charset="utf-8"><title>平罗县人民政府</title></head><body>
      <div class="header"><h1>平罗县人民政府</h1></div>
      <div class="article"><div class="title">一图读懂平罗县人民政府办公室2022年政府信息公开工作年度报告</div>
      <div id="zoom"><img src="1.gif"><img src="2.gif"></div></div></body></html>"""
    result = parse_document(html.encode("utf-8"), media_type="text/html")
    assert result.is_report is False
    assert any("decoy" in w for w in result.warnings)
