"""Navigation links: the disclosure section, annual-report columns and their year / unit sub-columns."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from spiders import discovery as rules
from spiders.links import Link, is_attachment_url
from spiders.pagination import _pager_form


def _is_leaf(link: Link) -> bool:
    """An article or a file, not a navigation entry (report titles carry a year; column names do not)."""
    path = urlsplit(link.url).path
    return bool(rules.ARTICLE_HREF.search(path) or is_attachment_url(link.url)
                or rules.YEAR_IN_TEXT.search(link.text))


def column_rule(link: Link) -> str | None:
    """Why `link` is an annual-report column link ("column-text" / "column-slug"), or None."""
    if _is_leaf(link):
        return None
    if rules.COLUMN_TEXT.search(link.text):
        return "column-text"
    if rules.COLUMN_SLUG.search(urlsplit(link.url).path) and link.text and len(link.text) <= 16:
        return "column-slug"
    return None


def column_links(links: list[Link]) -> list[Link]:
    out = []
    for link in links:
        rule = column_rule(link)
        if rule:
            out.append(Link(link.url, link.text, rule))
    return out


def section_links(links: list[Link]) -> list[Link]:
    """Links to the disclosure section (not already to a column or an article inside it)."""
    out = []
    for link in links:
        if _is_leaf(link) or column_rule(link):
            continue
        if rules.SECTION_TEXT.match(link.text):
            out.append(Link(link.url, link.text, "section-text"))
        elif rules.SECTION_SLUG.search(urlsplit(link.url).path) and link.text and len(link.text) <= 8:
            out.append(Link(link.url, link.text, "section-slug"))
    return out


_INDEX = re.compile(r"/(index|default|list)\.s?html?$|/$")


def column_base(column: str) -> str:
    """The folder a column's own pages live in: /a/b/ for /a/b/ or /a/b/index.html, /a/b/ for /a/b.htm."""
    url = column.split("?", 1)[0]
    if _INDEX.search(url):
        return url.rsplit("/", 1)[0] + "/"
    return re.sub(r"\.s?html?$", "", url) + "/"


def same_page(a: str, b: str) -> bool:
    """/a/b/ and /a/b/index.html are one page."""
    return _INDEX.sub("/", a) == _INDEX.sub("/", b)


def subcolumn_links(links: list[Link], column: str, page: str) -> list[Link]:
    """Year (2022年, 2022n, nb_2022n) and unit (部门, 乡镇, a town's name) sub-columns of a report column:
    named so, or navigation entries inside the column's folder."""
    out = []
    base = column_base(column)
    for link in links:
        if same_page(link.url, column) or same_page(link.url, page):
            continue
        pager_text = rules.PAGER_TEXT.match(link.text) and not rules.YEAR_SUBCOLUMN_TEXT.match(link.text)
        if _pager_form(link.url) or pager_text:
            continue
        path = urlsplit(link.url).path
        if rules.ARTICLE_HREF.search(path) or is_attachment_url(link.url):
            continue
        inside = link.url.startswith(base) and link.url != base and len(link.url) > len(base)
        if rules.YEAR_SUBCOLUMN_TEXT.match(link.text) or (inside and rules.YEAR_SUBCOLUMN_SLUG.search(path)):
            out.append(Link(link.url, link.text, "year-subcolumn"))
        elif inside and link.text and not rules.YEAR_IN_TEXT.search(link.text):
            out.append(Link(link.url, link.text, "unit-subcolumn" if rules.UNIT_SUBCOLUMN_TEXT.match(
                link.text) else "subcolumn-folder"))
        elif rules.UNIT_SUBCOLUMN_TEXT.match(link.text) and rules.REPORT_WORD.search(link.text):
            out.append(Link(link.url, link.text, "unit-subcolumn"))
    return out
