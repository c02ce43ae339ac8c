"""One generated variant site drawn by each CMS family of the sample web: the family modules plan it, this module
only fills in their site dataclasses (ids, column, paging) from the draft."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sampleweb.family import Entry
from sampleweb.hanweb import HanwebSite, plan_hanweb_site
from sampleweb.jiyue import JiyueSite, plan_jiyue_site
from sampleweb.jslist import JsListSite, plan_jslist_site
from sampleweb.kit import County
from sampleweb.site import SitePlan
from sampleweb.trs import Link, Portal
from sampleweb.trs_plan import plan_trs_site
from sampleweb.trs_site import ArticleEntry, ReportEntry, StaticPage, SubColumn, TrsSite
from sampleweb.vsb import VsbSite, plan_vsb_site

TRS_COLUMN = "/xxgk/zfxxgknb/"
JIYUE_COLUMN = "/zfxxgk/fdzdgknr/zfxxgknb/"
# (sub-column slug, name) for the towns' and the departments' reports of a TRS site.
SUB_COLUMNS = {"town": ("xz", "乡镇"), "department": ("bm", "部门")}


@dataclass(frozen=True)
class Draft:
    """What a variant site holds, before a family draws it: entries of the main column, of the unit sub-columns
    (TRS) and per statistics year (集约化 year folders), with paging and sub-column placement."""

    seed: int
    hostname: str
    region_code: str
    county: County
    column_name: str
    entries: tuple[Entry, ...]
    sub_entries: tuple[tuple[str, tuple[Entry, ...]], ...]  # (town | department, entries)
    per_page: int
    sub_columns: str  # none | first-page | later-page | navigation


def _trs(draft: Draft, cache_dir: Path, six: bool) -> SitePlan:
    name = draft.county.portal
    portal = Portal(name=name, nav=(("首页", "/"), ("政府信息公开", "/xxgk/"), ("新闻中心", "/xwzx/")),
                    footer=(f"主办：{name}办公室",), hostname=draft.hostname)
    subs = tuple(SubColumn(SUB_COLUMNS[kind][0], SUB_COLUMNS[kind][1], entries)
                 for kind, entries in draft.sub_entries if entries and draft.sub_columns != "none")
    main = draft.entries + tuple(e for kind, es in draft.sub_entries for e in es if draft.sub_columns == "none")
    menu = [Link("政府信息公开指南", "/xxgk/zfxxgkzn/"), Link(draft.column_name, TRS_COLUMN)]
    if draft.sub_columns == "navigation":
        menu += [Link(sub.name, f"{TRS_COLUMN}{sub.slug}/") for sub in subs]
    news = tuple(ArticleEntry(f"{draft.county.short}召开第{k + 1}次政务工作会议", f"2024-0{k + 3}-1{k}",
                              (f"{draft.county.short}召开政务工作会议。",)) for k in range(2))
    guide = StaticPage("/xxgk/zfxxgkzn/index.html", f"{name}信息公开指南",
                       ("政府信息公开工作年度报告于每年1月31日前在本网站公布。",))
    placement = {"first-page": "first", "later-page": "last"}.get(draft.sub_columns, "none")
    site = TrsSite(hostname=draft.hostname, region_code=draft.region_code, portal=portal, xxgk_menu=tuple(menu),
                   report_column=TRS_COLUMN, column_name=draft.column_name, entries=main, news=news,
                   static_pages=(guide,), per_page=draft.per_page, first_id=3000000 + 1000 * draft.seed,
                   list_name="list" if six else "index", pager="six" if six else "classic",
                   column_shell=six and draft.seed % 2 == 0, sub_columns=subs, sub_links_on=placement)
    return plan_trs_site(site, cache_dir)


def _all(draft: Draft) -> tuple[Entry, ...]:
    return draft.entries + tuple(e for _, entries in draft.sub_entries for e in entries)


def _hanweb(draft: Draft, cache_dir: Path) -> SitePlan:
    site = HanwebSite(draft.hostname, draft.county.portal, 1000 + draft.seed, 5000 + draft.seed, 1 + draft.seed,
                      draft.column_name, _all(draft), per_page=draft.per_page, first_id=4000000 + 100 * draft.seed)
    return plan_hanweb_site(site, cache_dir)


def _vsb(draft: Draft, cache_dir: Path) -> SitePlan:
    site = VsbSite(draft.hostname, draft.county.portal, 1000 + draft.seed, draft.column_name, _all(draft),
                   per_page=draft.per_page, first_id=5000 + 100 * draft.seed)
    return plan_vsb_site(site, cache_dir)


def _year_of(entry: Entry) -> int:
    if isinstance(entry, ReportEntry):
        return entry.year
    m = re.search(r"(20\d{2})\s*年", entry.title)
    return int(m.group(1)) if m else int(entry.date[:4]) - 1


def _jiyue(draft: Draft, cache_dir: Path) -> SitePlan:
    years: dict[int, list[Entry]] = {}
    for entry in _all(draft):
        years.setdefault(_year_of(entry), []).append(entry)
    folders = tuple((f"{'nb_' if (draft.seed + y) % 2 else ''}{y}n", tuple(years[y])) for y in sorted(years))
    site = JiyueSite(draft.hostname, draft.county.portal, JIYUE_COLUMN, draft.column_name, folders)
    return plan_jiyue_site(site, cache_dir)


def _kaipu(draft: Draft, cache_dir: Path) -> SitePlan:
    site = JsListSite(draft.hostname, draft.county.portal, draft.seed, 7000 + draft.seed, draft.column_name,
                      _all(draft), per_page=draft.per_page)
    return plan_jslist_site(site, cache_dir)


PLANNERS: dict[str, Callable[[Draft, Path], SitePlan]] = {
    "trs": lambda d, c: _trs(d, c, six=False), "trs6": lambda d, c: _trs(d, c, six=True), "hanweb": _hanweb,
    "vsb": _vsb, "jiyue": _jiyue, "kaipu": _kaipu,
}
# The registry's family name of each planner.
REGISTRY_FAMILY = {"trs": "trs", "trs6": "trs", "hanweb": "hanweb", "vsb": "vsb", "jiyue": "jiyue", "kaipu": "kaipu"}
