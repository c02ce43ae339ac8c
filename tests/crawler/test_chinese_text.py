"""Pages without a declared charset: read as UTF-8, else GB18030 — never guessed to be Korean (cp949)."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, Request

from crawler.chinese_text import UndeclaredCharsetMiddleware
from sampleweb.resources import build_site
from sampleweb.variants import variant_spec

LIST = ('<html><head><title>2020年信息公开年报</title></head><body><ul><li><a href="/art/2021/art_1.html">'
        '昌源县自然资源局2020年政府信息公开工作年度报告</a><span>2021-01-11</span></li></ul></body></html>')
TITLE = "昌源县自然资源局2020年政府信息公开工作年度报告"


def _read(body: bytes, content_type: str = "text/html") -> HtmlResponse:
    response = HtmlResponse("http://www.example.gov.cn/", body=body, headers={"Content-Type": content_type},
                            request=Request("http://www.example.gov.cn/"))
    out = UndeclaredCharsetMiddleware().process_response(response.request, response)
    assert isinstance(out, HtmlResponse)
    return out


def test_a_short_undeclared_gbk_list_page_is_read_as_chinese() -> None:
    """The year list page of generated site 104 (jiyue, GBK without charset), which Scrapy alone reads as cp949."""
    body = build_site(variant_spec(104))["/zfxxgk/fdzdgknr/zfxxgknb/2020n/index.html"].body
    assert HtmlResponse("http://x/", body=body, headers={"Content-Type": "text/html"}).encoding == "cp949"  # Scrapy
    out = _read(body)
    assert out.encoding == "gb18030" and TITLE in out.text and out.body == body


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_utf8_first_then_gb18030(encoding: str) -> None:
    assert TITLE in _read(LIST.encode(encoding)).text


def test_a_declared_charset_wins() -> None:
    body = LIST.replace("<head>", '<head><meta charset="big5">').encode("gbk")
    assert _read(body).encoding.startswith("big5")  # said by the page: kept even if wrong (the page's own words)



@pytest.mark.parametrize("declared", ["gbk", "GB2312", "cp936", "x-gbk"])
def test_a_declared_gbk_is_read_as_gb18030(declared: str) -> None:
    """A character GBK lacks (written by a GB18030 editor on a page that says gbk) still reads right."""
    body = (LIST + "<p>䶮𠀀</p>").encode("gb18030")
    for page in (_read(body, f"text/html; charset={declared}"),
                 _read(LIST.replace("<head>", f'<head><meta charset="{declared}">').encode("gbk"))):
        assert page.encoding == "gb18030" and TITLE in page.text
    assert "䶮𠀀" in _read(body, f"text/html; charset={declared}").text
