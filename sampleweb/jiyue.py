"""The provincial 集约化 platform family (Gansu style): GBK pages, a report column of year sub-columns
(``2021n/``, ``nb_2022n/`` …) and articles ``/art/YYYY/art_<32hex>.html``. Folder names are not statistics years.

A county module builds a ``JiyueSite`` and calls ``plan_jiyue_site``.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from sampleweb import chrome
from sampleweb.family import Entry, plan_column
from sampleweb.site import HTML_GBK, Planned, SitePlan
from sampleweb.trs import Link
from sampleweb.trs_site import ReportEntry, day, pixel, robots

CHARSET = "gbk"
IMAGES = "/picture/-1/"  # the pictures of articles, as the 集约化 platform stores them


@dataclass(frozen=True)
class JiyueSite:
    """A 集约化 county site: ``folders`` maps a year sub-column slug (``2021n``) to its entries."""

    hostname: str
    name: str
    column: str
    column_name: str
    folders: tuple[tuple[str, tuple[Entry, ...]], ...]


def _nav() -> tuple[Link, ...]:
    return (Link("首页", "/"), Link("政府信息公开", "/zfxxgk/index.html"))


def _hex(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def _article_path(slug: str, entry: Entry, i: int) -> str:
    return f"/art/{entry.date[:4]}/art_{_hex(slug, entry.date, i)}.html"


def _page(site: JiyueSite, title: str, body: str) -> bytes:
    return chrome.page(site.name, title, _nav(), body, charset=CHARSET, skin="jyh")


def _article(site: JiyueSite, entry: Entry, body: str, files: tuple[Link, ...]) -> bytes:
    title = entry.page_title if isinstance(entry, ReportEntry) else entry.title
    html = (f'<div class="article"><h1>{escape(title)}</h1><div class="info">发布日期：{entry.date}　'
            f'信息来源：{escape(site.name)}</div><div class="article-content">{body}</div>'
            f"{chrome.attachment_links(files)}</div>")
    return _page(site, title, html)


def _html(path: str, date: str, render: Callable[[], bytes]) -> Planned:
    return Planned(path, HTML_GBK, day(date), render)


def plan_jiyue_site(site: JiyueSite, cache_dir: Path) -> SitePlan:
    """Every resource of ``site`` and its ground truth."""
    planned: list[Planned] = [robots(), pixel(IMAGES + "tujie.gif")]
    reports, decoys, lists = [], [], []
    folder_links: list[Link] = []
    for slug, entries in site.folders:
        folder = f"{site.column}{slug}/"
        col = plan_column(
            entries, functools.partial(_article_path, slug),
            lambda e, ext, p: (f"/upload/{e.date[:7].replace('-', '/')}/{_hex(p, ext)}.{ext}",) * 2,
            lambda p, e, b, f: _article(site, e, b, f), HTML_GBK, site.hostname, cache_dir, IMAGES)
        planned.extend(col.planned)
        reports.extend(col.reports)
        decoys.extend(col.decoys)
        name = f"{slug.removeprefix('nb_').removesuffix('n')}年"
        body = f'<div class="lm">{escape(site.column_name)} &gt; {name}</div>{chrome.link_list(col.rows)}'
        planned.append(_html(folder + "index.html", col.rows[0].date,
                             functools.partial(_page, site, f"{name}_{site.column_name}", body)))
        lists.append(f"http://{site.hostname}{folder}index.html")
        folder_links.append(Link(name, f"./{slug}/index.html", col.rows[0].date))
    newest = max(link.date for link in folder_links)
    column_body = f'<div class="lm">{escape(site.column_name)}</div>{chrome.link_list(folder_links, "sub-lm")}'
    section = chrome.link_list([Link(site.column_name, site.column + "index.html", ""),
                                Link("政府信息公开指南", "/zfxxgk/zfxxgkzn/index.html", "")])
    planned += [
        _html(site.column + "index.html", newest, lambda: _page(site, site.column_name, column_body)),
        _html("/index.html", newest, lambda: _page(site, site.name, section)),
        _html("/zfxxgk/index.html", newest, lambda: _page(site, "政府信息公开", section)),
        _html("/zfxxgk/zfxxgkzn/index.html", "2020-06-01", lambda: _page(
            site, "政府信息公开指南", "<p>年度报告于每年1月31日前在“政府信息公开年报”栏目发布。</p>")),
    ]
    decoys.append(f"http://{site.hostname}/zfxxgk/zfxxgkzn/index.html")
    return SitePlan(tuple(planned), tuple(reports), tuple(decoys),
                    list_pages=(f"http://{site.hostname}{site.column}index.html", *lists))
