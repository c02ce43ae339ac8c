"""Navigation links: the disclosure section, annual-report columns and their year / unit sub-columns."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from parsel import Selector

from archive.html_links import absolute_url, clean_text, html_tree, one_per_url
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
        elif rules.UNIT_GROUP_TEXT.match(link.text) or (
                rules.UNIT_SUBCOLUMN_TEXT.match(link.text) and rules.REPORT_WORD.search(link.text)):
            out.append(Link(link.url, link.text, "unit-subcolumn"))
    return out


def subcolumns(url: str, text: str, links: list[Link], column: str) -> list[Link]:
    """Every sub-column of `column` a page of it (or a navigation page that links it) shows: named or placed so
    (subcolumn_links), nested under the column's entry in a menu tree (nav_children), or in a block of unit or
    year names (subcolumn_blocks)."""
    found = subcolumn_links(links, column, url) + nav_children(url, text, column) + subcolumn_blocks(url, text)
    return [link for link in one_per_url(found) if not same_page(link.url, column) and not same_page(link.url, url)]


def _is_subcolumn_candidate(link: Link) -> bool:
    path = urlsplit(link.url).path
    return bool(link.text) and not rules.ARTICLE_HREF.search(path) and not is_attachment_url(link.url) and \
        not _pager_form(link.url) and not rules.PAGER_TEXT.match(link.text) and \
        (not rules.YEAR_IN_TEXT.search(link.text) or bool(rules.YEAR_SUBCOLUMN_TEXT.match(link.text)))


def _links_of(url: str, anchors: list[Selector], rule: str) -> list[Link]:
    out = []
    for a in anchors:
        target = absolute_url(url, a.attrib.get("href", ""))
        if target:
            link = Link(target, clean_text("".join(a.xpath(".//text()").getall())), rule)
            if _is_subcolumn_candidate(link):
                out.append(link)
    return out


def nav_children(url: str, text: str, column: str) -> list[Link]:
    """The entries nested under `column`'s own entry in a menu tree on the page (the lists inside its <li>, or the
    list right after its link): its sub-columns, whatever they are called or wherever they live."""
    sel = html_tree(text)
    out: list[Link] = []
    for a in sel.xpath("//a[@href]"):
        target = absolute_url(url, a.attrib["href"])
        if not target or not same_page(target, column):
            continue
        nested = a.xpath("ancestor::li[1]//ul//a[@href] | ancestor::li[1]//ol//a[@href] | "
                         "following-sibling::*[1][self::ul or self::ol or self::dl]//a[@href] | "
                         "ancestor::dt[1]/following-sibling::dd[1]//a[@href]")
        out.extend(_links_of(url, nested, "nav-subcolumn"))
    return out


def subcolumn_blocks(url: str, text: str) -> list[Link]:
    """Links of a block (a list, a cell, a div of links) in which at least two entries are named like unit or year
    sub-columns and none is an article or a file: those entries."""
    sel = html_tree(text)
    out: list[Link] = []
    for box in sel.xpath("|".join(f"//{tag}" for tag in rules.NAV_CONTAINERS)):
        anchors = box.xpath("./a[@href] | ./li/a[@href] | ./dd/a[@href] | ./dt/a[@href]")
        if len(anchors) < 2:
            continue
        links = _links_of(url, anchors, "subcolumn-block")
        named = [link for link in links if rules.UNIT_SUBCOLUMN_TEXT.match(link.text) or
                 rules.YEAR_SUBCOLUMN_TEXT.match(link.text)]
        if len(links) == len(anchors) and len(named) >= 2:
            out.extend(named)
    return out
