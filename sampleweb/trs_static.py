"""The fixed pages of a TRS family site: home page, 信息公开 section index, one-page columns and the stylesheet."""

from __future__ import annotations

from functools import partial
from html import escape

from sampleweb import trs
from sampleweb.site import Planned
from sampleweb.trs import Link
from sampleweb.trs_site import TrsSite, html_page, static

STYLESHEET = b"body{font-family:SimSun,serif;margin:0}.nav li{display:inline-block;padding:0 12px}\n"
CSS = "text/css; charset=utf-8"


def _box(title: str, more: str, links: list[Link]) -> str:
    return (f'<div class="box"><div class="box_tit"><span>{escape(title)}</span>'
            f'<a href="{more}" class="more">更多&gt;&gt;</a></div>{trs.links_ul(links)}</div>')


def _home(site: TrsSite, latest: list[Link], news: list[Link]) -> bytes:
    menu = [Link(entry.title, entry.href) for entry in site.xxgk_menu]
    body = (
        _box("新闻中心", "/xwzx/", news)
        + _box("政府信息公开", "/xxgk/", menu)
        + _box(site.column_name, site.report_column, latest[:3])
    )
    return trs.page(site.portal, site.portal.name, body, trs.PageMeta("首页"))


def _xxgk(site: TrsSite, latest: list[Link]) -> bytes:
    crumbs = (Link("首页", "/"), Link("政府信息公开", "/xxgk/"))
    rel = [Link(link.title, "." + link.href[len("/xxgk"):], link.date) for link in latest]
    body = (trs.breadcrumb(crumbs) + trs.side_menu("政府信息公开", site.xxgk_menu, "/xxgk/")
            + _box(site.column_name, "." + site.report_column[len("/xxgk"):], rel))
    return trs.page(site.portal, f"政府信息公开_{site.portal.name}", body, trs.PageMeta("政府信息公开"))


def plan_chrome(site: TrsSite, latest: list[Link], news: list[Link]) -> tuple[list[Planned], list[str]]:
    """Home, /xxgk/ and the static pages; also returns the static pages' paths (none of them is a report)."""
    newest = max(link.date for link in latest + news)
    planned = [
        html_page("/index.html", newest, lambda: _home(site, latest, news)),
        html_page("/xxgk/index.html", newest, lambda: _xxgk(site, latest)),
        static("/images/style.css", CSS, "2019-01-01", STYLESHEET),
    ]
    for sp in site.static_pages:
        crumbs = (Link("首页", "/"), Link(sp.title, sp.path.removesuffix("index.html")))
        menu = trs.side_menu("政府信息公开", site.xxgk_menu, sp.path) if sp.path.startswith("/xxgk/") else ""
        content = "".join(f"<p>{escape(p)}</p>" for p in sp.paragraphs)
        body = trs.breadcrumb(crumbs) + menu + trs.article(sp.title, None, content, ())
        render = partial(trs.page, site.portal, sp.title, body, trs.PageMeta(sp.title))
        planned.append(html_page(sp.path, "2020-06-01", render))
    return planned, [sp.path for sp in site.static_pages]
