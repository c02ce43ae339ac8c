"""The VSB (博达) family: a column ``/xxgk/ndbg.htm`` whose later pages are ``/xxgk/ndbg/N.htm`` numbered
*downwards* (the last page is 1.htm), static 下一页/尾页 links and 共N页 text; articles ``/info/<tree>/<id>.htm``,
attachments under ``/__local/``. A county module builds a ``VsbSite`` and calls ``plan_vsb_site``.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass
from html import escape
from pathlib import Path

from sampleweb import chrome
from sampleweb.family import Entry, plan_column
from sampleweb.kit import error_page, slow_page
from sampleweb.site import HTML, Planned, SitePlan
from sampleweb.trs import Link
from sampleweb.trs_site import ReportEntry, html_page, pixel, robots

TRAP_500, TRAP_SLOW = "/system/resource/sitemap.jsp", "/hdjl/zxft.htm"
IMAGES = "/__local/9/A1/"  # VSB keeps the pictures of articles under /__local/


@dataclass(frozen=True)
class VsbSite:
    """A VSB county site as data."""

    hostname: str
    name: str
    tree: int
    column_name: str
    entries: tuple[Entry, ...]
    per_page: int = 6
    first_id: int = 5120


def _nav() -> tuple[Link, ...]:
    return (Link("首页", "/index.htm"), Link("政务公开", "/xxgk.htm"))


def _footer() -> str:
    return f'<p><a href="{TRAP_500}">网站地图</a> | <a href="{TRAP_SLOW}">在线访谈</a></p>'


def _page(site: VsbSite, title: str, body: str) -> bytes:
    return chrome.page(site.name, title, _nav(), body, skin="vsb", footer=_footer())


def _file(entry: ReportEntry, ext: str, path: str) -> tuple[str, str]:
    h = hashlib.sha256(f"{path}|{ext}".encode()).hexdigest().upper()
    served = f"/__local/{h[0]}/{h[1:3]}/{h[3:5]}/{h[5:37]}.{ext}"
    return served, served


def _article(site: VsbSite, entry: Entry, body: str, files: tuple[Link, ...]) -> bytes:
    title = entry.page_title if isinstance(entry, ReportEntry) else entry.title
    html = (f'<form name="_newscontent_fromname"><div class="content-title"><h3>{escape(title)}</h3></div>'
            f'<div class="content-info">发布时间：{entry.date}</div><div id="vsb_content"><div class="v_news_content">'
            f"{body}</div></div>{chrome.attachment_links(files)}</form>")
    return _page(site, title, html)


def page_path(k: int, count: int) -> str:
    """Page k (0-based) of ``count``: ndbg.htm, then ndbg/{count-1}.htm … ndbg/1.htm."""
    return "/xxgk/ndbg.htm" if k == 0 else f"/xxgk/ndbg/{count - k}.htm"


def _pager(k: int, count: int) -> str:
    rel = lambda j: ("../ndbg.htm" if j == 0 else f"{count - j}.htm") if k else (  # noqa: E731
        "ndbg.htm" if j == 0 else f"ndbg/{count - j}.htm")
    first = f'<a href="{rel(0)}">首页</a> <a href="{rel(k - 1)}">上一页</a>' if k else "首页 上一页"
    last = f'<a href="{rel(k + 1)}">下一页</a> <a href="{rel(count - 1)}">尾页</a>' if k < count - 1 else "下一页 尾页"
    return f'<div class="pb_sys_common">共{count}页&nbsp;&nbsp;{k + 1}/{count}&nbsp;&nbsp;{first} {last}</div>'


def plan_vsb_site(site: VsbSite, cache_dir: Path) -> SitePlan:
    """Every resource of ``site`` and its ground truth."""
    col = plan_column(site.entries, lambda e, i: f"/info/{site.tree}/{site.first_id + 7 * i}.htm", _file,
                      lambda p, e, b, f: _article(site, e, b, f), HTML, site.hostname, cache_dir, IMAGES)
    count = max(1, math.ceil(len(col.rows) / site.per_page))
    newest = col.rows[0].date
    planned: list[Planned] = [robots(), pixel(IMAGES + "tujie.gif"), *col.planned, error_page(TRAP_500),
                              slow_page(TRAP_SLOW, _page(site, "在线访谈", "<p>暂无访谈。</p>"))]
    lists = []
    for k in range(count):
        rows = col.rows[k * site.per_page:(k + 1) * site.per_page]
        body = (f'<div class="lm-title">{escape(site.column_name)}</div>{chrome.link_list(rows)}'
                f"{_pager(k, count)}")
        planned.append(html_page(page_path(k, count), newest, functools.partial(_page, site, site.column_name, body)))
        lists.append(f"http://{site.hostname}{page_path(k, count)}")
    section = chrome.link_list([Link(site.column_name, "xxgk/ndbg.htm", ""), Link("政府信息公开指南",
                                                                                     "xxgk/zn.htm", "")])
    planned += [
        html_page("/index.htm", newest, functools.partial(_page, site, site.name, section)),
        html_page("/index.html", newest, functools.partial(_page, site, site.name, section)),
        html_page("/xxgk.htm", newest, functools.partial(_page, site, "政务公开", section)),
        html_page("/xxgk/zn.htm", "2020-06-01", functools.partial(
            _page, site, "政府信息公开指南", "<p>年度报告于每年1月31日前在“年度报告”栏目发布。</p>")),
    ]
    return SitePlan(tuple(planned), tuple(col.reports), (*col.decoys, f"http://{site.hostname}/xxgk/zn.htm"),
                    list_pages=tuple(lists))
