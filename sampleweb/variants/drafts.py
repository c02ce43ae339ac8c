"""Seed → a variant site's draft: its knobs, its reports (each with its own knobs) and decoys, as family entries."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from sampleweb.family import Entry
from sampleweb.kit import jiedu, notice, tujie
from sampleweb.trs_site import ReportEntry
from sampleweb.variants import knobs as k
from sampleweb.variants import names
from sampleweb.variants.documents import variant_doc
from sampleweb.variants.families import Draft
from sampleweb.variants.metadata import article_fields, meta_block

COLUMN_NAME = k.Knob("column_name", ("政府信息公开年报", "政府信息公开工作年度报告", "年度报告", "信息公开年报"))
PER_PAGE = {"single": 20, "paged": 2}
DEAD_YEAR = 2018  # the year of the report a dead link promises


@dataclass(frozen=True)
class DraftReport:
    """One report of the site, with the knob values it was drawn with."""

    entry: ReportEntry
    knobs: Mapping[str, str]


@dataclass(frozen=True)
class Variant:
    """A drawn site: family, site knobs, its reports, the draft the family plans, the dead report link."""

    seed: int
    family: str
    knobs: Mapping[str, str]
    reports: tuple[DraftReport, ...]
    draft: Draft
    dead: tuple[tuple[str, int], ...]  # (unit, year) of reports listed but never served


def site_knobs(seed: int) -> dict[str, str]:
    family = k.FAMILY.pick(seed)
    if family in k.FOREIGN_FAMILIES:
        return {knob.name: family if knob is k.FAMILY else "n/a" for knob in (*k.SITE_KNOBS, COLUMN_NAME)} | {
            "pagination": "n/a"}
    out = {knob.name: knob.pick(seed, family=family) for knob in k.SITE_KNOBS}
    if family == "jiyue":
        out[k.PAGES.name] = "n/a"  # one list page per year folder
    out[COLUMN_NAME.name] = COLUMN_NAME.pick(seed)
    out["pagination"] = _pagination(seed, family, out[k.PAGES.name])
    return out


def _pagination(seed: int, family: str, pages: str) -> str:
    """The list form the site ends up with (family × pages, the TRS redirect shell): reported, not drawn."""
    form = {"trs": "createPageHTML-4", "trs6": "createPageHTML-6", "hanweb": "jpage-xml", "vsb": "vsb-descending",
            "jiyue": "year-folders", "kaipu": "json-api"}[family]
    shell = "+shell" if family == "trs6" and seed % 2 == 0 else ""
    return f"{form}{shell}" + (f"/{pages}" if pages != "n/a" else "")


def _title(form: str, seed: int, unit: str, year: int) -> str:
    short = names.county_short(seed)
    rest = "年政府信息公开工作年度报告"
    return {"full": f"{unit}{year}{rest}", "no-unit": f"{year}{rest}",
            "abbreviated": f"{names.abbreviation(seed, unit)}{year}{rest}",
            "spaced": f"{short} {unit.removeprefix(short)}\n{year} 年政府信息公开工作年度报告"}[form]


def _report_knobs(seed: int, i: int, family: str) -> dict[str, str]:
    out = {knob.name: knob.pick(seed, i, family) for knob in k.REPORT_KNOBS}
    if out[k.KIND.name] == "images" and family not in k.TRS_LIKE:  # only the TRS editor inlines scans here
        out[k.KIND.name] = "html_inline"
    if out[k.KIND.name] == "images":
        out[k.PAGE_TITLE.name] = "full"  # the scans are the document: the page title is the only text
        out[k.UNIT_EVIDENCE.name] = "n/a"
    if out[k.KIND.name] == "html_inline":
        out[k.BROKEN_ATTACHMENT.name] = "n/a"
    return out


def _missing_file(family: str, seed: int, i: int) -> str:
    name = f"{seed:04d}{i:02d}0000missing"
    return f"/module/download/downfile.jsp?classid=0&filename={name}.pdf" if family == "hanweb" else \
        f"/upload/missing/{name}.pdf"


def _meta_html(knobs: Mapping[str, str], seed: int, publisher: str, title: str, date: str, others: str) -> str | None:
    presence = knobs[k.META_BLOCK.name]
    if presence == "family":
        return others or None
    if presence == "absent":
        return others
    fields = article_fields(presence, knobs[k.PUBLISHER_LABEL.name], publisher, " ".join(title.split()), date,
                            f"{names.region_code(seed)}/{date[:4]}-{seed % 1000:05d}")
    return meta_block(fields, knobs[k.LABEL_SPELLING.name], knobs[k.LABEL_CELL.name]) + others


def _other_years(column: str, years: list[int], year: int) -> str:
    links = "".join(f'<a href="{column}">{y}年政府信息公开工作年度报告</a> ' for y in years if y != year)
    return f'<div class="related"><span>往年报告：</span>{links}</div>' if links else ""


def _reports(seed: int, family: str, site: Mapping[str, str]) -> list[DraftReport]:
    county, units = names.county(seed), names.units(seed)
    count = 2 + int(k.choose(("0", "0", "1"), "count", seed))
    years = [2019 + (seed + 5 * j) % 6 for j in range(count)]
    out = []
    for i, year in enumerate(years):
        unit = units[0] if i == 0 or (i == 1 and site[k.SUB_COLUMNS.name] == "later-page") else \
            units[1 + (seed + i) % 4]
        knobs = _report_knobs(seed, i, family)
        title = _title(knobs[k.PAGE_TITLE.name], seed, unit, year)
        office = units[0]
        if unit == office:
            knobs[k.PUBLISHER.name] = "unit"
        publisher = office if knobs[k.PUBLISHER.name] == "county-office" else unit
        date = f"{year + 1}-01-{10 + i:02d}"
        others = _other_years("/", years, year) if knobs[k.OTHER_YEARS.name] == "links" else ""
        missing = (_missing_file(family, seed, i),) if knobs[k.BROKEN_ATTACHMENT.name] == "404" else ()
        make = functools.partial(variant_doc, county, unit, year, knobs[k.UNIT_EVIDENCE.name], seed)
        kind = knobs[k.KIND.name]
        entry = ReportEntry(unit, year, date, kind, make, title=title,
                            images=("scan1",) if kind == "images" else (), publisher=publisher,
                            meta_html=_meta_html(site, seed, publisher, title, date, others),
                            missing_files=missing)
        out.append(DraftReport(entry, knobs))
    return out


def _decoys(seed: int, site: Mapping[str, str], first: ReportEntry) -> list[Entry]:
    which, after = site[k.DECOYS.name], f"{first.year + 1}-01-2"
    out: list[Entry] = []
    if which in ("notice", "all"):
        out.append(notice(names.county_short(seed), names.units(seed)[0], first.year, f"{first.year}-12-01",
                          site[COLUMN_NAME.name]))
    if which in ("jiedu", "all"):
        out.append(jiedu(first, after + "5"))
    if which in ("tujie", "all"):
        out.append(tujie(first, after + "6"))
    return out


def _dead(seed: int) -> ReportEntry:
    office = names.units(seed)[0]
    make = functools.partial(variant_doc, names.county(seed), office, DEAD_YEAR, "title", seed)
    return ReportEntry(office, DEAD_YEAR, f"{DEAD_YEAR + 1}-01-15", "html_inline", make)


def _group(unit: str, office: str) -> str:
    if unit == office:
        return "main"
    return "town" if unit.endswith(("镇人民政府", "乡人民政府")) else "department"


@functools.cache
def variant(seed: int) -> Variant:
    """Site ``seed`` drawn: every knob's value, the reports and decoys, and the family's draft."""
    site = site_knobs(seed)
    family = site[k.FAMILY.name]
    if family in k.FOREIGN_FAMILIES:  # drawn by its own generator (sampleweb/variants/foreign.py)
        empty = Draft(seed, names.hostname(seed), names.region_code(seed), names.county(seed), "", (), (), 20, "none")
        return Variant(seed, family, site, (), empty, ())
    reports = _reports(seed, family, site)
    office = names.units(seed)[0]
    dead = [_dead(seed)] if site[k.DEAD_LINK.name] == "dead-report-link" else []
    groups = {g: tuple(r.entry for r in reports if _group(r.entry.unit, office) == g)
              for g in ("main", "town", "department")}
    main = groups["main"] + tuple(_decoys(seed, site, reports[0].entry)) + tuple(dead)
    sub_columns = site[k.SUB_COLUMNS.name] if family in k.TRS_LIKE else "none"
    per_page = 1 if sub_columns == "later-page" else PER_PAGE.get(site[k.PAGES.name], 20)
    draft = Draft(seed, names.hostname(seed), names.region_code(seed), names.county(seed), site[COLUMN_NAME.name],
                  main, (("town", groups["town"]), ("department", groups["department"])), per_page, sub_columns)
    return Variant(seed, family, site, tuple(reports), draft, tuple((e.unit, e.year) for e in dead))
