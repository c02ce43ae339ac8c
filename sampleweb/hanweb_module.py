"""Hanweb's 信息公开 annual-report module: ``/module/xxgk/xxgkAnnualReport.jsp?area=<unit code>&fbtime=<year>``, one
page per unit × statistics year, the units and years offered in the page's own ``<select>``s (or as lists of links).

Modelled on what Hanweb JCMS county sites serve: a query form whose ``area`` select lists the county government,
its departments and its towns (grouped in ``<optgroup>``s on some sites) by unit code, whose ``fbtime`` select lists
the years; below it the chosen unit's report for the chosen year, inline, as a ``downfile.jsp`` attachment, or
both — or "暂无年报" when that unit published none that year. The disclosure section links the module as its
"政府信息公开年报" column. ``module_spec(seed)`` makes one such site from a seed, each knob a small function of it;
the truth (reports, empty pages, units with their codes and levels) comes with the site.
"""

from __future__ import annotations

import functools
import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path

from sampleweb import chrome
from sampleweb.kit import County, attachment_exts, attachment_render, derived, is_inline, source_kind
from sampleweb.render_html import report_html
from sampleweb.site import CONTENT_TYPES, HTML, Endpoint, ExpectedReport, Reply, SitePlan, SiteSpec
from sampleweb.trs import Link
from sampleweb.trs_site import ReportEntry, day, html_page, robots

MODULE = "/module/xxgk/xxgkAnnualReport.jsp"
DOWNFILE = "/module/download/downfile.jsp"
SECTION = "/col/col3201/index.html"
_ON = ' class="on"'
EMPTY_TEXTS = ("暂无年报", "该单位暂未发布年度报告", "暂无相关信息")
_SYLLABLES = "清安平和永宁泰兴华丰阳山河东西南北新长乐云石川源溪"
_DEPARTMENTS = ("教育局", "财政局", "卫生健康局", "自然资源局", "民政局", "交通运输局")
_TOWNS = (("城关", "镇人民政府", "town"), ("新华", "乡人民政府", "town"), ("东城", "街道办事处", "subdistrict"),
          ("红星", "镇人民政府", "town"))


@dataclass(frozen=True)
class ModuleUnit:
    """A unit the module offers: its code (the ``area`` value), full name, level and the group it is listed in."""

    code: str
    name: str
    level: str  # county_office / department / town / subdistrict (report-schema unit_level)
    group: str  # the <optgroup> label: 县政府 / 县直部门 / 乡镇街道


@dataclass(frozen=True)
class ModuleKnobs:
    """How one module site is drawn (each a function of the seed)."""

    unit_form: str  # select | links: how the units are offered
    year_form: str  # select | links: how the years are offered
    optgroups: bool  # units grouped in <optgroup> (select only)
    title_shown: bool  # the report's title is written above it
    entry: str  # area | webid | both: the query of the section's link to the module
    code_form: str  # credit | numeric: how unit codes look


@dataclass(frozen=True)
class ModuleSite:
    """A county site whose annual reports live only in the xxgkAnnualReport module."""

    seed: int
    hostname: str
    county: County
    region_code: str
    units: tuple[ModuleUnit, ...]
    years: tuple[int, ...]  # offered, newest first
    reports: Mapping[tuple[str, int], ReportEntry]  # (unit code, year) → report; the other pairs are empty
    knobs: ModuleKnobs
    web_id: int = 61

    def url(self, code: str, year: int) -> str:
        return f"http://{self.hostname}{MODULE}?area={code}&fbtime={year}"


def _name(rng: random.Random) -> str:
    return "".join(rng.sample(_SYLLABLES, 2)) + "县"


def _code(region: str, n: int, form: str) -> str:
    if form == "numeric":
        return f"{region}{n:03d}"
    check = "0123456789ABCDEFGHJKLMNPQRTUWXY"[int(hashlib.sha256(f"{region}{n}".encode()).hexdigest(), 16) % 31]
    return f"11{region}MB{n:07d}{check}"


def module_site(seed: int) -> ModuleSite:
    """The module site of ``seed``: 2–6 units, 2–5 years, some unit × year pages empty."""
    rng = random.Random(f"hanweb-module-{seed}")
    name, region = _name(rng), f"98{seed:04d}"
    # Knobs cycle with co-prime periods, so a few consecutive seeds show every value of each.
    knobs = ModuleKnobs(unit_form=("select", "links")[seed % 2], year_form=("select", "links")[seed // 2 % 2],
                        optgroups=seed % 5 < 3, title_shown=seed % 7 < 4, entry=("area", "webid", "both")[seed % 3],
                        code_form=("credit", "numeric")[seed // 3 % 2])
    county = County(name, f"{name}人民政府", f"http://www.hwm{seed:04d}.gov.cn", city="模拟市")
    units = [ModuleUnit(_code(region, 1, knobs.code_form), f"{name}人民政府办公室", "county_office", "县政府")]
    for k, dept in enumerate(rng.sample(_DEPARTMENTS, rng.randint(0, 3))):
        units.append(ModuleUnit(_code(region, 10 + k, knobs.code_form), f"{name}{dept}", "department", "县直部门"))
    for k, (town, suffix, level) in enumerate(rng.sample(_TOWNS, rng.randint(1, 2))):
        units.append(ModuleUnit(_code(region, 50 + k, knobs.code_form), f"{name}{town}{suffix}", level, "乡镇街道"))
    newest = rng.randint(2022, 2025)
    years = tuple(range(newest, newest - rng.randint(2, 5), -1))
    reports: dict[tuple[str, int], ReportEntry] = {}
    for i, unit in enumerate(units):
        for year in years:
            if i == 0 and year == newest or rng.random() < 0.75:  # the county office always has its newest one
                kind = rng.choice(("html_inline", "html_inline", "pdf", "html+pdf"))
                reports[(unit.code, year)] = derived(county, unit.name, year, f"{year + 1}-01-{10 + i:02d}", kind)
    return ModuleSite(seed, f"www.hwm{seed:04d}.gov.cn", county, region, tuple(units), years, reports, knobs)


def _file_name(site: ModuleSite, code: str, year: int, ext: str) -> str:
    return hashlib.sha256(f"{site.seed}|{code}|{year}|{ext}".encode()).hexdigest()[:32] + f".{ext}"


def _served(site: ModuleSite, code: str, year: int, ext: str) -> str:
    return f"{DOWNFILE}?classid=0&filename={_file_name(site, code, year, ext)}"


def _nav() -> tuple[Link, ...]:
    return (Link("首页", "/index.html"), Link("信息公开", SECTION))


def _unit_chooser(site: ModuleSite, code: str, year: int) -> str:
    if site.knobs.unit_form == "links":
        items = "".join(f'<li{_ON if u.code == code else ""}><a href="{MODULE}?area={u.code}&amp;fbtime={year}">'
                        f"{escape(u.name)}</a></li>" for u in site.units)
        return f'<div class="unit-tree"><ul>{items}</ul></div>'
    options = ""
    for group in dict.fromkeys(u.group for u in site.units):
        rows = "".join(f'<option value="{u.code}"{" selected" if u.code == code else ""}>{escape(u.name)}</option>'
                       for u in site.units if u.group == group)
        options += f'<optgroup label="{group}">{rows}</optgroup>' if site.knobs.optgroups else rows
    return f'<label>单位：</label><select name="area" id="area" onchange="this.form.submit()">{options}</select>'


def _year_chooser(site: ModuleSite, code: str, year: int) -> str:
    if site.knobs.year_form == "links":
        items = "".join(f'<a href="{MODULE}?area={code}&amp;fbtime={y}"{_ON if y == year else ""}>{y}年</a> '
                        for y in site.years)
        return f'<div class="year-tab">{items}</div>'
    options = "".join(f'<option value="{y}"{" selected" if y == year else ""}>{y}年</option>' for y in site.years)
    return f'<label>年份：</label><select name="fbtime" id="fbtime">{options}</select>'


def _content(site: ModuleSite, code: str, year: int, index: int) -> str:
    entry = site.reports.get((code, year))
    if entry is None:
        return f'<div class="nb-content"><p class="nodata">{EMPTY_TEXTS[(site.seed + index) % 3]}</p></div>'
    title = f'<div class="nb-title">{escape(entry.page_title)}</div>' if site.knobs.title_shown else ""
    body = report_html(entry.make_doc()) if is_inline(entry.kind) else ""
    files = tuple(Link(f"{entry.page_title}.{ext}", _served(site, code, year, ext))
                  for ext in attachment_exts(entry.kind))
    return f'<div class="nb-content">{title}<div class="nb-text">{body}</div>{chrome.attachment_links(files)}</div>'


def module_page(site: ModuleSite, params: Mapping[str, str]) -> bytes:
    """The module's answer: the form (units, years) and the chosen unit's report of the chosen year, or 暂无年报.
    A missing or unknown ``area`` is the county office, a missing or unknown ``fbtime`` the newest year."""
    codes = [u.code for u in site.units]
    asked = params.get("area", "")
    code = asked if asked in codes else codes[0]
    year = int(params["fbtime"]) if params.get("fbtime", "").isdigit() and int(params["fbtime"]) in site.years \
        else site.years[0]
    form = (f'<form name="nbform" action="{MODULE}" method="get"><input type="hidden" name="webid" '
            f'value="{site.web_id}">{_unit_chooser(site, code, year)} {_year_chooser(site, code, year)}'
            f'<input type="submit" value="查询"></form>')
    body = f'<div class="xxgk-nb"><div class="lm-name">政府信息公开年报</div>{form}' \
           f"{_content(site, code, year, codes.index(code))}</div>"
    return chrome.page(site.county.portal, f"政府信息公开年报_{site.county.portal}", _nav(), body, skin="hanweb")


def _entry_href(site: ModuleSite) -> str:
    first = site.units[0].code
    return {"area": f"{MODULE}?area={first}", "webid": f"{MODULE}?webid={site.web_id}",
            "both": f"{MODULE}?area={first}&amp;fbtime={site.years[0]}"}[site.knobs.entry]


def expected(site: ModuleSite) -> tuple[ExpectedReport, ...]:
    """Every report the module serves, one per (unit, year) that is not empty."""
    out = []
    for (code, year), entry in site.reports.items():
        exts = attachment_exts(entry.kind)
        out.append(ExpectedReport(
            unit_name=entry.unit, report_year=year, page_url=site.url(code, year),
            attachment_urls=tuple(f"http://{site.hostname}{_served(site, code, year, ext)}" for ext in exts),
            source_kind=source_kind(entry.kind), published_at=entry.date, seed="", title=entry.page_title,
            has_inline_text=is_inline(entry.kind)))
    return tuple(out)


def empty_urls(site: ModuleSite) -> tuple[str, ...]:
    """The unit × year pages that say 暂无年报 (they must not become reports)."""
    return tuple(site.url(u.code, y) for u in site.units for y in site.years if (u.code, y) not in site.reports)


def plan_module_site(site: ModuleSite, cache_dir: Path) -> SitePlan:
    """Home, disclosure section (its 政府信息公开年报 column is the module), the module and its attachments."""
    section = chrome.link_list([Link("政府信息公开年报", _entry_href(site), ""),
                                Link("政府信息公开指南", "/col/col3202/index.html", "")])
    guide = "<p>政府信息公开工作年度报告于每年1月31日前在本网站“政府信息公开年报”栏目公布。</p>"
    portal = site.county.portal
    pages = (robots(), html_page("/index.html", "2024-01-01", lambda: chrome.page(portal, portal, _nav(), section,
                                                                                    skin="hanweb")),
             html_page(SECTION, "2024-01-01", lambda: chrome.page(portal, "信息公开", _nav(), section, skin="hanweb")),
             html_page("/col/col3202/index.html", "2020-06-01",
                       lambda: chrome.page(portal, "政府信息公开指南", _nav(), guide, skin="hanweb")))
    files = {}
    for (code, year), entry in site.reports.items():
        for ext in attachment_exts(entry.kind):
            render = functools.cache(attachment_render(entry.make_doc, ext, entry.date, cache_dir))
            files[_file_name(site, code, year, ext)] = (render, CONTENT_TYPES[ext], day(entry.date))

    def downfile(params: Mapping[str, str]) -> Reply | None:
        found = files.get(params.get("filename", ""))
        return Reply(found[0](), found[1], found[2]) if found else None

    def module(params: Mapping[str, str]) -> Reply:
        return Reply(module_page(site, params), HTML, day(f"{site.years[0] + 1}-01-31"))

    reports = expected(site)
    pages_urls = tuple(site.url(u.code, y) for u in site.units for y in site.years)
    return SitePlan(pages, reports, (*empty_urls(site), f"http://{site.hostname}/col/col3202/index.html"),
                    endpoints=(Endpoint(MODULE, module), Endpoint(DOWNFILE, downfile)),
                    endpoint_urls=pages_urls + tuple(u for r in reports for u in r.attachment_urls))


def module_spec(seed: int) -> SiteSpec:
    """The SiteSpec (family hanweb) of the module site of ``seed``."""
    site = module_site(seed)
    return SiteSpec(f"hwm{seed:04d}", site.hostname, site.county.short, site.region_code, "hanweb",
                    functools.partial(plan_module_site, site))
