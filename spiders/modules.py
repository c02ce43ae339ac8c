"""CMS modules that serve one report per unit × year from one script: Hanweb's
``/module/xxgk/xxgkAnnualReport.jsp?area=<unit code>&fbtime=<year>``.

Such a page is a report page (the chosen unit's report of the chosen year, or a "暂无年报" note), never a list: the
other pages are read from the choices it offers — its ``area`` and ``fbtime`` ``<select>``s, links carrying those
parameters, or a script that builds the URL — and each unit × year page is fetched once. Pure functions of
(url, text); the spider decides which pages may offer all units (the module's entry) and which only their own.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from archive.html_links import html_tree
from spiders import discovery as rules
from spiders.classify import REPORT, classify_title
from spiders.links import Link, anchors


@dataclass(frozen=True)
class ModuleUnit:
    """A unit a module offers: its code (the ``area`` value), its name, and the group it is listed under."""

    code: str
    name: str
    group: str = ""


@dataclass
class ModuleChoices:
    """What a module page (or a page that embeds the module) offers: the module's URL, units and years."""

    base: str  # scheme://host/path of the module script
    units: dict[str, ModuleUnit] = field(default_factory=dict)  # code → unit, in page order
    years: list[int] = field(default_factory=list)  # newest first
    refs: list[str] = field(default_factory=list)  # module URLs the page names (iframe, form, links)


def is_module_url(url: str) -> bool:
    """A URL of the annual-report module script."""
    return bool(rules.ANNUAL_REPORT_MODULE_PATH.search(urlsplit(url).path))


def module_url(base: str, area: str, year: int | None) -> str:
    """The module page of one unit and year, in one spelling (area first, then fbtime): the same page is never
    asked for under two URLs."""
    query = {rules.MODULE_UNIT_PARAM: area} if area else {}
    if year is not None:
        query[rules.MODULE_YEAR_PARAM] = str(year)
    parts = urlsplit(base)
    return urlunsplit(parts._replace(query=urlencode(query)))


def chosen(url: str) -> tuple[str, int | None]:
    """(unit code, year) a module URL asks for; empty code / None when it does not say."""
    query = dict(parse_qsl(urlsplit(url).query))
    year = query.get(rules.MODULE_YEAR_PARAM, "")
    return query.get(rules.MODULE_UNIT_PARAM, ""), int(year) if rules.MODULE_YEAR_VALUE.match(year) else None


def is_unit_year_page(url: str) -> bool:
    """A module URL naming a year (and the unit, unless the module offers one unit only): one report page, or one
    empty one. Without a year it is an entry: it shows some default year, which is asked for by its own URL."""
    return is_module_url(url) and chosen(url)[1] is not None


def module_choices(url: str, text: str, this_year: int) -> ModuleChoices | None:
    """The module choices `text` (served at `url`) offers, or None when it neither is nor names the module."""
    refs = [u for u in (_refs(url, text) + ([url] if is_module_url(url) else [])) if is_module_url(u)]
    if not refs:
        return None
    parts = urlsplit(refs[-1] if is_module_url(url) else refs[0])
    found = ModuleChoices(urlunsplit(parts._replace(query="", fragment="")), refs=list(dict.fromkeys(refs)))
    sel = html_tree(text)
    _read_selects(sel, found)
    years: set[int] = set(found.years)
    for ref in found.refs:
        code, year = chosen(ref)
        if code and code not in found.units:
            found.units[code] = ModuleUnit(code, "")
        if year is not None:
            years.add(year)
    for link in anchors(url, text):
        if is_module_url(link.url):
            code, year = chosen(link.url)
            if year is not None and rules.MODULE_YEAR_TEXT.match(link.text):
                years.add(year)
            elif code and (code not in found.units or not found.units[code].name):
                found.units[code] = ModuleUnit(code, link.text)
    found.years = sorted((y for y in years if rules.FIRST_REPORT_YEAR <= y <= this_year), reverse=True)
    return found


def _refs(url: str, text: str) -> list[str]:
    """Module URLs named anywhere in the page: links, iframes, forms, and scripts that build them."""
    out = []
    for m in rules.ANNUAL_REPORT_MODULE.finditer(text):
        target = urljoin(url, htmllib.unescape(m.group(1)))
        out.append(target)
    for action in html_tree(text).css("form::attr(action)").getall():
        target = urljoin(url, action)
        if is_module_url(target):
            out.append(target)
    return out


def _read_selects(sel: Selector, found: ModuleChoices) -> None:
    for select in sel.css("select"):
        name = (select.attrib.get("name") or select.attrib.get("id") or "").lower()
        options = select.xpath(".//option")
        if name in rules.MODULE_UNIT_FIELDS:
            for option in options:
                code = (option.attrib.get("value") or "").strip()
                label = option.xpath("ancestor::optgroup[1]/@label").get() or ""
                if code:
                    found.units[code] = ModuleUnit(code, " ".join("".join(option.xpath(".//text()").getall()).split()),
                                                   label.strip())
        elif name in rules.MODULE_YEAR_FIELDS:
            found.years.extend(int(v) for v in options.xpath("@value").getall()
                               if rules.MODULE_YEAR_VALUE.match(v.strip()))


def module_pages(choices: ModuleChoices, only_unit: str | None = None) -> list[Link]:
    """Every unit × year page the choices offer (only `only_unit`'s, when given), newest year first. With no unit
    offered, the module's default unit (no area) of each year; with no year, nothing (nothing to enumerate)."""
    codes = [only_unit] if only_unit is not None else list(choices.units) or [""]
    return [Link(module_url(choices.base, code, year), choices.units.get(code, ModuleUnit(code, "")).name,
                 "annual-report-module") for year in choices.years for code in codes]


def module_report_title(url: str, text: str, choices: ModuleChoices | None) -> str | None:
    """The report title of a unit × year page, or None for an empty one ("暂无年报").

    A report is there when the page's own text (its choices, links and scripts left out) names a report of the
    chosen year, or when it offers a file; the title is that text, else the chosen unit's name as the page shows it
    with the year (both are on the page)."""
    code, year = chosen(url)
    content = _content_text(text)
    unit = choices.units.get(code) if choices else None
    for m in rules.REPORT_TITLE.finditer(content):
        found = classify_title(m.group(0))
        if found.role == REPORT and found.year == year:
            title = _title_around(content, m.start(), m.end())
            return title if not title[:1].isdigit() or unit is None else unit.name + title
    has_file = any(rules.ATTACHMENT_EXT.search(link.url) or rules.DOWNLOAD_ENDPOINT.search(urlsplit(link.url).path)
                   for link in anchors(url, text))
    if has_file and not rules.MODULE_EMPTY_TEXT.search(content):
        return f"{unit.name if unit else ''}{year}年政府信息公开工作年度报告"
    return None


def _content_text(text: str) -> str:
    sel = html_tree(text)
    parts = sel.xpath("//body//text()[not(ancestor::select)][not(ancestor::a)][not(ancestor::script)]"
                      "[not(ancestor::style)]").getall()
    return " ".join(" ".join(parts).split())


def _title_around(content: str, start: int, end: int) -> str:
    """The report title a match sits in: from the last break (space, 《, ：) before it to its end."""
    head = re.split(r"[\s《“：:]", content[max(0, start - 40):start])[-1]
    return (head + content[start:end]).strip("》”")
