"""Content images of report pages (page requisites): which <img> a page shows as content, which are chrome."""

from __future__ import annotations

import re

from scrapy import Request
from scrapy.http import HtmlResponse, Response

from crawler.items import DocumentItem
from sampleweb import trs
from sampleweb.sites.pingluo import PORTAL
from spiders.annual_reports import AnnualReports
from spiders.links import content_images, is_content_image_url

TRS_ARTICLE = "http://www.pingluo.gov.cn/xxgk/zfxxgknb/202101/t20210126_2850119.html"
TITLE = "平罗县姚伏镇人民政府2020年政府信息公开工作年度报告"


def _urls(url: str, html: str) -> list[str]:
    return [link.url for link in content_images(url, html)]


def _trs_page(content: str, title: str = TITLE) -> str:
    """A report page inside the whole TRS portal chrome the sample web draws (logo, QR codes, footer badges)."""
    meta = trs.ArticleMeta("640221104/2021-00119", "平罗县姚伏镇人民政府", "2021-01-26", "政府信息公开年报")
    body = trs.article(title, meta, content, (trs.Link(f"{title}.doc", "./P020210126123456.doc"),))
    return trs.page(PORTAL, title, body, trs.PageMeta("政府信息公开年报", title, "2021-01-26 09:30")).decode()


def test_trs_editor_images_beside_the_article_and_no_portal_chrome() -> None:
    html = _trs_page('<p>现将报告予以公布。</p><p align="center"><img src="./W020210126393103337.jpg" '
                     'OLDSRC="W020210126393103337.jpg" alt="第1页"></p>'
                     '<p align="center"><img src="./W020210126001161965.png" alt="第2页"></p>')
    chrome = re.findall(r'<img src="(/images/[^"]+)"', html)
    assert {"/images/logo.png", "/images/wx_ewm.jpg", "/images/red.png", "/images/gaba.png"} <= set(chrome)
    found = content_images(TRS_ARTICLE, html)
    folder = TRS_ARTICLE.rsplit("/", 1)[0]
    assert [(link.url, link.text, link.rule) for link in found] == [
        (f"{folder}/W020210126393103337.jpg", "第1页", "img-src"),
        (f"{folder}/W020210126001161965.png", "第2页", "img-src"),
    ]


def test_page_with_only_chrome_images_has_no_content_image() -> None:
    assert _urls(TRS_ARTICLE, _trs_page("<p>现将报告予以公布，详见附件。</p>")) == []


def test_hanweb_picture_folder_and_chrome_containers() -> None:
    url = "http://www.helan.gov.cn/art/2021/1/22/art_1234_567890.html"
    html = """<html><body>
      <div id="header"><a href="/"><img src="/picture/0/2001011200000000001.png" alt="贺兰县人民政府"></a></div>
      <div class="main-txt"><div class="bt">图解：贺兰县2020年政府信息公开工作年度报告</div>
        <div id="zoom" class="bt-content">
          <p><img src="/picture/0/2101221530257816591.jpg" alt="" border="0"></p>
          <p><img src="/picture/0/2101221530257816592.JPG"></p>
        </div>
        <div class="share"><img src="/picture/0/2001011200000000003.gif" alt="分享到微信"></div>
      </div>
      <div id="erweima"><img src="/picture/0/2001011200000000004.jpg" alt="扫一扫"></div>
      <footer><img src="/picture/0/2001011200000000005.png" alt="党政机关"></footer>
      </body></html>"""
    assert _urls(url, html) == ["http://www.helan.gov.cn/picture/0/2101221530257816591.jpg",
                                "http://www.helan.gov.cn/picture/0/2101221530257816592.JPG"]


def test_lazy_attributes_win_over_placeholders_and_duplicates_are_dropped() -> None:
    url = "http://www.example.gov.cn/zwgk/nb/202101/t20210122_1.html"
    html = """<div class="content">
      <img src="/r/cms/www/red/img/loading.gif" data-original="/u/cms/www/202101/22153012abcd.png">
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/uploadfiles/202101/22/2021012215301.jpg">
      <img src="/u/cms/www/202101/22153012abcd.png">
    </div>"""
    found = content_images(url, html)
    assert [(link.url, link.rule) for link in found] == [
        ("http://www.example.gov.cn/u/cms/www/202101/22153012abcd.png", "img-lazy"),
        ("http://www.example.gov.cn/uploadfiles/202101/22/2021012215301.jpg", "img-lazy"),
    ]


def test_a_thumbnail_brings_the_full_size_image_it_links_to() -> None:
    url = "http://www.example.gov.cn/zwgk/nb/202101/t20210122_1.html"
    html = """<div class="TRS_Editor">
      <a href="./W020210122_big.jpg" target="_blank"><img src="./W020210122_small.jpg" alt="第1页"></a>
      <a href="./P020210122.pdf"><img src="./W020210122_pdf.png" alt="下载"></a>
    </div>"""
    found = content_images(url, html)
    base = "http://www.example.gov.cn/zwgk/nb/202101/"
    assert [(link.url, link.rule, link.text) for link in found] == [
        (base + "W020210122_small.jpg", "img-src", "第1页"),
        (base + "W020210122_big.jpg", "img-link", "第1页"),
        (base + "W020210122_pdf.png", "img-src", "下载"),  # a link to a document is an attachment, not an image
    ]


def test_not_content_images() -> None:
    url = "http://www.example.gov.cn/xxgk/nb/t20210122_1.html"
    html = """<div class="TRS_Editor">
      <img src="/images/banner2021.jpg"><img src="/img/top.png"><img src="/skin/default/bg.png">
      <img src="./wx_ewm.jpg"><img src="./logo_2x.png"><img class="logo" src="./W020210122000001.jpg">
      <img src="/getImage.jsp?id=3"><img src="./chart.svg"><img src="javascript:void(0)"><img src="">
      <img src="data:image/png;base64,iVBORw0KGgo="><img alt="no source">
    </div>"""
    assert _urls(url, html) == []
    assert is_content_image_url("http://www.example.gov.cn/module/download/W02021.jpg")
    assert not is_content_image_url("http://www.example.gov.cn/module/jslib/icons/x.png")
    assert is_content_image_url("http://www.example.gov.cn/xxgk/images2021/scan.tif")


def _response(url: str, body: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=body.encode("utf-8"), encoding="utf-8", request=Request(url))


def test_report_page_requests_its_content_images_as_no_documents() -> None:
    spider = AnnualReports(site="pingluo")
    html = _trs_page('<p><img src="./W020210126393103337.jpg"></p><p><img src="http://img.cdn.com/a/1.jpg"></p>'
                     '<p><img src="http://xxgk.pingluo.gov.cn/pic/2.gif"></p>')
    out = list(spider.parse_article(_response(TRS_ARTICLE, html)))
    items = [o for o in out if isinstance(o, DocumentItem)]
    assert [(i.kind, i.url) for i in items] == [("page", TRS_ARTICLE)]
    images = [o for o in out if isinstance(o, Request) and o.callback == spider.parse_content_image]
    # The site's own hosts only: the CDN's image is not the site's.
    assert [(r.url, r.meta["nianbao_rule"]) for r in images] == [
        (TRS_ARTICLE.rsplit("/", 1)[0] + "/W020210126393103337.jpg", "content-image:img-src"),
        ("http://xxgk.pingluo.gov.cn/pic/2.gif", "content-image:img-src"),
    ]
    assert not any(r.meta.get("nianbao_always_fetch") for r in images)  # a re-crawl revalidates them
    image = Response(images[0].url, body=b"\xff\xd8\xff\xe0", headers={"Content-Type": "image/jpeg"},
                     request=images[0])
    assert list(spider.parse_content_image(image)) == []


def test_variant_page_requests_its_images_and_a_notice_does_not() -> None:
    spider = AnnualReports(site="pingluo")
    tujie = _trs_page('<p><img src="./W020210128066992737.gif"></p>', "图解：平罗县2020年政府信息公开工作年度报告")
    out = list(spider.parse_article(_response(TRS_ARTICLE, tujie)))
    assert [o.url for o in out if isinstance(o, Request)] == [
        TRS_ARTICLE.rsplit("/", 1)[0] + "/W020210128066992737.gif"]
    notice = _trs_page('<p><img src="./W020201228000000001.jpg"></p>',
                       "关于做好2020年度政府信息公开工作年度报告编制发布工作的通知")
    assert list(spider.parse_article(_response(TRS_ARTICLE, notice))) == []
