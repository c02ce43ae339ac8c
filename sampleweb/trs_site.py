"""The TRS WCM family base: turns a county's data (reports, decoys, news, static pages) into a SitePlan.

A county module builds one ``TrsSite`` and calls ``plan_trs_site``. Paths follow TRS conventions: column pages
``index.html``/``index_k.html``, articles ``<column>YYYYMM/tYYYYMMDD_<id>.html``, attachments ``P0<date><digits>.ext``
beside the article, pager drawn only by ``createPageHTML``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from sampleweb import trs
from sampleweb.document import ReportDoc
from sampleweb.render_image import scanned_page
from sampleweb.site import CONTENT_TYPES, HTML, TEXT, Planned
from sampleweb.trs import Link

# 1x1 transparent GIF served for every image the pages reference.
PIXEL_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
ROBOTS = b"User-agent: *\nAllow: /\n"


@dataclass(frozen=True)
class ReportEntry:
    """An annual report in the report column; ``kind`` is html_inline, pdf, docx, doc or html+pdf."""

    unit: str
    year: int
    date: str
    kind: str
    make_doc: Callable[[], ReportDoc]
    seed: str = ""
    title: str = ""
    attach_style: str = "block"  # block | rel_appendix (JS variable) | appendix (appendix="true" in body) | outside
    images: tuple[str, ...] = ()  # scanned pages shown in the page body (图片版): JPEG file names, without .jpg
    publisher: str = ""  # the page's 发布机构 / 来源 when someone else posts the unit's report (default: the unit)
    meta_html: str | None = None  # a metadata block drawn above the body instead of the family's own (None: own)
    missing_files: tuple[str, ...] = ()  # attachment hrefs the page links to but the site never serves (404s)

    @property
    def page_title(self) -> str:
        return self.title or f"{self.unit}{self.year}年政府信息公开工作年度报告"


@dataclass(frozen=True)
class ArticleEntry:
    """A non-report article (notice, 图解, news item); ``images`` are GIF file names shown in the body."""

    title: str
    date: str
    paragraphs: tuple[str, ...]
    publisher: str = ""
    images: tuple[str, ...] = ()
    variant_of: str = ""  # page title of the report this 图解/解读 is about


@dataclass(frozen=True)
class StaticPage:
    """A one-page column such as 政府信息公开指南."""

    path: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class TrsSite:
    """A TRS county site as data: chrome, the 信息公开 menu, the report column's entries, news and static pages."""

    hostname: str
    region_code: str
    portal: trs.Portal
    xxgk_menu: tuple[Link, ...]
    report_column: str
    column_name: str
    entries: tuple[ReportEntry | ArticleEntry, ...]
    news: tuple[ArticleEntry, ...]
    static_pages: tuple[StaticPage, ...]
    per_page: int = 8
    first_id: int = 2850000
    org_codes: dict[str, str] = field(default_factory=dict)
    list_name: str = "index"  # list pages are <list_name>.html, <list_name>_1.html …
    pager: str = "classic"  # classic: createPageHTML(N, i, name, ext); six: createPageHTML(div, N, k, name, ext, rows)
    column_shell: bool = False  # the column folder's index.html only redirects (meta refresh + JS) to the list
    sub_columns: tuple[SubColumn, ...] = ()
    sub_links_on: str = "first"  # which list page links the sub-columns: first, last (page 2+ only) or none (menu)
    traps: tuple[Planned, ...] = ()  # extra misbehaving pages (500, slow) linked from the footer


@dataclass(frozen=True)
class SubColumn:
    """A unit sub-column of the report column (乡镇 / 部门 reports), at ``<report_column><slug>/``."""

    slug: str
    name: str
    entries: tuple[ReportEntry | ArticleEntry, ...]


def digits(*parts: object, n: int = 12) -> str:
    """``n`` stable decimal digits derived from ``parts``."""
    value = int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:8], "big")
    return str(value).zfill(20)[-n:]


def article_path(column: str, date: str, article_id: int) -> str:
    compact = date.replace("-", "")
    return f"{column}{compact[:6]}/t{compact}_{article_id}.html"


def day(date: str) -> dt.date:
    return dt.date.fromisoformat(date)


def static(path: str, content_type: str, date: str, body: bytes) -> Planned:
    return Planned(path, content_type, day(date), lambda: body)


def pixel(path: str, date: str = "2019-01-01") -> Planned:
    return static(path, CONTENT_TYPES["gif"], date, PIXEL_GIF)


def picture(path: str, date: str) -> Planned:
    """A content image with bytes of its own (a scanned report page), in the format its extension names."""
    return Planned(path, CONTENT_TYPES[path.rsplit(".", 1)[-1]], day(date),
                   lambda: scanned_page(path.rsplit(".", 1)[-1], path))


def html_page(path: str, date: str, render: Callable[[], bytes]) -> Planned:
    return Planned(path, HTML, day(date), render)


def robots(date: str = "2019-01-01") -> Planned:
    return static("/robots.txt", TEXT, date, ROBOTS)
