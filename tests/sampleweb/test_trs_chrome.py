"""The TRS portal chrome is as heavy as real county pages' and offers discovery and parsing nothing: no section,
column, sub-column, pager or file link besides the portal's own navigation, no metadata label in its text."""

from __future__ import annotations

import gzip

import pytest

from parsing.extract.html import extract
from sampleweb.sites import pingluo, yanchi
from sampleweb.trs import PageMeta, Portal, page
from spiders.links import anchors, attachments
from spiders.navigation import column_links, section_links, subcolumn_links
from spiders.pagination import pager_links

PORTALS = {"pingluo": pingluo.PORTAL, "yanchi": yanchi.PORTAL}
TEXT = "根据《中华人民共和国政府信息公开条例》规定，现公布本单位年度报告。" * 2
EMPTY_ARTICLE = f'<div id="zoom"><div class="TRS_Editor"><p>{TEXT}</p></div></div>'


def _page(portal: Portal, meta: PageMeta | None = None) -> tuple[str, str]:
    url = f"http://{portal.hostname}/xxgk/zfxxgknb/index.html"
    return url, page(portal, "政府信息公开年报", EMPTY_ARTICLE, meta).decode("utf-8")


@pytest.mark.parametrize("site", sorted(PORTALS))
def test_chrome_weighs_what_real_portal_chrome_does(site: str) -> None:
    _, html = _page(PORTALS[site])
    size = len(html.encode("utf-8"))  # chrome alone: with a list or an article, pages weigh 20-45 KB
    assert 15_000 <= size <= 80_000 and len(gzip.compress(html.encode("utf-8"))) >= 4_000
    for part in ("无障碍", "长者模式", "友情链接", "国务院部门网站", "各省区市政府网站", "区内市县政府网站",
                 "网站标识码", "ICP备", "公网安备", "党政机关", "政府网站找错", 'name="SiteIDCode"'):
        assert part in html, part


@pytest.mark.parametrize("site", sorted(PORTALS))
def test_chrome_leads_discovery_only_to_the_disclosure_section(site: str) -> None:
    portal = PORTALS[site]
    url, html = _page(portal)
    links = [link for link in anchors(url, html) if link.url.startswith(f"http://{portal.hostname}/")]
    assert len(links) >= 20
    assert [link.url for link in section_links(links)] == [f"http://{portal.hostname}/xxgk/"]
    assert column_links(links) == []
    assert subcolumn_links(links, url, url) == []
    assert pager_links(url, html, links, 2025) == []
    assert attachments(url, html) == []


def test_chrome_text_stays_out_of_the_article_and_its_metadata() -> None:
    meta = PageMeta("政府信息公开年报", "平罗县教育局2023年政府信息公开工作年度报告", "2024-01-23 09:30",
                    "平罗县教育局")
    _, html = _page(pingluo.PORTAL, meta)
    extraction = extract(html.encode("utf-8"))
    assert extraction.text == TEXT and extraction.tables == []
    assert extraction.meta["title"] == "平罗县教育局2023年政府信息公开工作年度报告"
    assert extraction.meta["发布日期"].startswith("2024-01-23") and extraction.meta["来源"] == "平罗县教育局"
    _, bare = _page(pingluo.PORTAL)
    assert not {"发布机构", "发布日期", "索引号", "文号", "成文日期"} & set(extract(bare.encode("utf-8")).meta)
