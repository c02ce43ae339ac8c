"""故障县 (www.faulty.gov.cn): a small TRS county site with real reports whose column also links every fault.

The site itself is an ordinary TRS site (sampleweb/trs_plan.py): html_inline reports over three list pages. Its
first list page gets one more block of rows — report-titled links to the fault resources (sampleweb/faults.py
answers them) and a 下一页 link into an endless ?pageNo= list — and one fault report page offers attachments that
fail (over the size limit, an unknown host, TLS, a soft 404). What each fault must end in is `faults.FAULTS`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path

from sampleweb import trs
from sampleweb.kit import County, derived
from sampleweb.site import Planned, SitePlan, SiteSpec
from sampleweb.trs import ArticleMeta, Link, Portal
from sampleweb.trs_plan import plan_trs_site
from sampleweb.trs_site import ArticleEntry, TrsSite, html_page

SITE_ID = "faulty"
HOST = "www.faulty.gov.cn"
NAME = "故障县"
REGION_CODE = "649901"
COLUMN = "/xxgk/zfxxgknb/"
# Hosts of the site besides www: a column whose robots.txt disallows it, a redirect hop, and a host the proxy cannot
# resolve (DNS failure).
ROBOTS_HOST = "xxgk.faulty.gov.cn"
ROBOTS_COLUMN = f"http://{ROBOTS_HOST}/zfxxgknb/"
HOP_HOST = "old.faulty.gov.cn"
NX_HOST = "files.faulty.gov.cn"
# The page that offers the failing attachments, and the endless list behind the first list page.
FAULT_REPORT = f"{COLUMN}202201/t20220120_9990001.html"
ENDLESS_LIST = f"{COLUMN}more.html"
MAX_LIST_PAGES = 10  # the registry row's max_list_pages: what bounds the endless list

_COUNTY = County(NAME, f"{NAME}人民政府", f"http://{HOST}", city="测试市")
_UNITS = ("人民政府办公室", "教育局", "卫生健康局")
_PORTAL = Portal(name=f"{NAME}人民政府", nav=(("首页", "/"), ("政务公开", "/xxgk/")),
                 footer=(f"主办：{NAME}人民政府办公室",), hostname=HOST, site_code="9900000001")

_NEWS = (ArticleEntry(f"{NAME}召开政务公开工作会议", "2022-03-01", (f"{NAME}召开政务公开工作会议，部署全年任务。",)),)


def _site() -> TrsSite:
    entries = tuple(derived(_COUNTY, f"{NAME}{unit}", year, f"{year + 1}-01-{10 + i:02d}", "html_inline")
                    for year in (2020, 2021, 2022) for i, unit in enumerate(_UNITS))
    return TrsSite(hostname=HOST, region_code=REGION_CODE, portal=_PORTAL,
                   xxgk_menu=(Link("政府信息公开年报", COLUMN),), report_column=COLUMN,
                   column_name="政府信息公开年报", entries=entries, news=_NEWS, static_pages=(), per_page=4,
                   first_id=9900000)


def fault_rows(rows: tuple[Link, ...]) -> str:
    """The extra block of the first list page: the fault links and the way into the endless list."""
    more = f'<div class="more"><a href="{ENDLESS_LIST}?pageNo=2">下一页</a></div>'
    return trs.links_ul(rows, css="list faults") + more


def endless_list_page(page_no: int) -> bytes:
    """Page ``page_no`` of a list that never ends: no rows of its own, always a 下一页."""
    body = trs.list_page("政府信息公开年报", (), 1, 0) + \
        f'<div class="more"><a href="{ENDLESS_LIST}?pageNo={page_no + 1}">下一页</a></div>'
    return trs.page(_PORTAL, f"政府信息公开年报 第{page_no}页", body, trs.PageMeta("政府信息公开年报"))


def fault_report_page(attachments: tuple[Link, ...]) -> bytes:
    """A report page (by its title and opening) whose attachments all fail."""
    title = f"{NAME}档案局2021年政府信息公开工作年度报告"
    meta = ArticleMeta(f"{REGION_CODE}099/2022-00001", f"{NAME}档案局", "2022-01-20", "政府信息公开年报")
    content = (f"<p>本报告根据《中华人民共和国政府信息公开条例》编制，全文包括总体情况、主动公开政府信息情况等，"
               f"统计期限为2021年1月1日至2021年12月31日。</p><p>现将《{title}》予以公布，详见附件。</p>")
    return trs.page(_PORTAL, title, trs.article(title, meta, content, attachments), trs.PageMeta("政府信息公开年报"))


def plan(cache_dir: Path, rows: tuple[Link, ...], attachments: tuple[Link, ...]) -> SitePlan:
    """The TRS site's plan with the fault rows on its first list page and the fault report page added."""
    base = plan_trs_site(_site(), cache_dir)
    pages: list[Planned] = []
    for page in base.pages:
        if page.path == COLUMN + "index.html":
            page = dataclasses.replace(page, render=functools.partial(_with_block, page.render, fault_rows(rows)))
        pages.append(page)
    pages.append(html_page(FAULT_REPORT, "2022-01-20", lambda: fault_report_page(attachments)))
    return dataclasses.replace(base, pages=tuple(pages))


def _with_block(render: Callable[[], bytes], block: str) -> bytes:
    """The page ``render`` makes, with ``block`` at the top of its list, before the column's own rows."""
    marker = b'<div class="list_con">'
    head, found, tail = render().partition(marker)
    assert found, "the TRS list page has a list_con block"
    return head + found + block.encode("utf-8") + tail


def spec(rows: tuple[Link, ...], attachments: tuple[Link, ...]) -> SiteSpec:
    return SiteSpec(SITE_ID, HOST, NAME, REGION_CODE, "trs", lambda cache: plan(cache, rows, attachments))

