"""Report columns split into year or unit sub-columns (集约化 platforms and their imitators), generated from a seed.

The column "政府信息公开年报" holds a few reports of its own on a two-page list and the rest in sub-columns: by year
("2023年", "2023年度", "2023" → ``2023n/``, ``nb_2023n/``, ``2023/`` or a ``/col/col<id>/`` elsewhere on the site)
or by unit ("县直部门", "乡镇（街道）", or a unit's own name). The knob that matters most here is where the
sub-columns are linked from: the column's first list page, only the column navigation (the disclosure section's
menu tree, nested under the column), or only list page 2. ``year_columns_spec(seed)`` makes one site; the truth —
its reports and the units its sub-columns name — comes with it.
"""

from __future__ import annotations

import functools
import hashlib
import random
from dataclasses import dataclass
from html import escape
from pathlib import Path

from sampleweb import chrome
from sampleweb.family import Entry, plan_column, title_of
from sampleweb.kit import County, derived
from sampleweb.site import HTML, ExpectedReport, Planned, SitePlan, SiteSpec
from sampleweb.trs import Link
from sampleweb.trs_site import html_page, robots

COLUMN = "/xxgk/zfxxgknb/"
COLUMN_NAME = "政府信息公开年报"
PLACEMENTS = ("first-page", "navigation", "page-2")
_YEAR_TEXT = ("{y}年", "{y}年度", "{y}", "{y}年年报")
_YEAR_SLUG = ("{y}n", "nb_{y}n", "{y}", "nb{y}")
_GROUPS = (("县直部门", "bm", "department"), ("乡镇（街道）", "xzjd", "town"), ("部门", "bumen", "department"),
           ("乡镇", "xz", "town"))
_GROUP_UNITS = {"department": (("教育局", "财政局"), ("民政局", "卫生健康局")),
                "town": (("城关镇人民政府", "东关街道办事处"), ("新城镇人民政府", "西关街道办事处"))}
_SYLLABLES = "丰庆嘉禾柳林梅兰桂竹松柏杏桃樟榆槐杨"


@dataclass(frozen=True)
class YearColumnsKnobs:
    """How one site splits its column (each a function of the seed)."""

    split: str  # year | unit | unit-name: year sub-columns, unit-group sub-columns, or one per unit, named by it
    placement: str  # first-page | navigation | page-2: where the sub-column links live
    inside: bool  # sub-columns in the column's folder, or elsewhere (/col/col<id>/)
    text_form: int  # index into _YEAR_TEXT / _GROUPS
    slug_form: int  # index into _YEAR_SLUG


@dataclass(frozen=True)
class SubColumn:
    """A sub-column: its link text, its path, the unit level it groups (unit splits), and its reports."""

    text: str
    path: str
    level: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class YearColumnsSite:
    seed: int
    hostname: str
    county: County
    region_code: str
    knobs: YearColumnsKnobs
    own: tuple[Entry, ...]  # reports in the column itself (two list pages)
    subs: tuple[SubColumn, ...]


def _knobs(seed: int) -> YearColumnsKnobs:
    """Co-prime periods: a few consecutive seeds show every value of every knob, in varied combinations."""
    return YearColumnsKnobs(split=("year", "unit", "unit-name")[seed % 3], placement=PLACEMENTS[seed // 3 % 3],
                            inside=seed % 2 == 0, text_form=seed % 4, slug_form=seed // 2 % 4)


def year_columns_site(seed: int) -> YearColumnsSite:
    rng = random.Random(f"year-columns-{seed}")
    name = "".join(rng.sample(_SYLLABLES, 2)) + "县"
    county = County(name, f"{name}人民政府", f"http://www.ycs{seed:04d}.gov.cn", city="模拟市")
    knobs = _knobs(seed)
    office = f"{name}人民政府办公室"
    newest = rng.randint(2023, 2025)
    own = tuple(derived(county, office, newest - k, f"{newest - k + 1}-01-1{k}", "html_inline") for k in range(4))
    subs: list[SubColumn] = []
    for k in range(rng.randint(2, 3)):
        if knobs.split == "year":
            year = newest - 4 - k
            text, slug = _YEAR_TEXT[knobs.text_form].format(y=year), _YEAR_SLUG[knobs.slug_form].format(y=year)
            units = (office, f"{name}教育局", f"{name}城关镇人民政府")[:2 + k % 2]
            entries = tuple(derived(county, u, year, f"{year + 1}-01-2{i}", "html_inline") for i, u in enumerate(units))
            level = ""
        elif knobs.split == "unit":
            text, slug, level = _GROUPS[(knobs.text_form + k) % 4]
            # Two groups of one level (县直部门 and 部门) hold different units: a unit's report is in one place.
            nth = sum(1 for sub in subs if sub.level == level)
            stem = _GROUP_UNITS[level][nth % 2]
            entries = tuple(derived(county, f"{name}{s}", newest - j, f"{newest - j + 1}-01-2{j}", "html_inline")
                            for s in stem for j in range(2))
        else:
            short = ("教育局", "城关镇", "民政局")[k]
            full = f"{name}{short}" + ("人民政府" if short.endswith("镇") else "")
            text, slug, level = short, f"dw{k + 1}", "town" if short.endswith("镇") else "department"
            entries = tuple(derived(county, full, newest - j, f"{newest - j + 1}-01-2{j}", "html_inline")
                            for j in range(2))
        path = f"{COLUMN}{slug}/" if knobs.inside else f"/col/col{4100 + 7 * k + seed}/"
        subs.append(SubColumn(text, path, level, entries))
    return YearColumnsSite(seed, f"www.ycs{seed:04d}.gov.cn", county, f"97{seed:04d}", knobs, own, tuple(subs))


def _hex(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def _article_path(seed: int, column: str, entry: Entry, i: int) -> str:
    return f"/art/{entry.date[:4]}/art_{_hex(seed, column, i)}.html"


def _nav() -> tuple[Link, ...]:
    return (Link("首页", "/index.html"), Link("政府信息公开", "/xxgk/index.html"))


def _page(site: YearColumnsSite, title: str, body: str) -> bytes:
    return chrome.page(site.county.portal, title, _nav(), body, skin="jyh")


def _article(site: YearColumnsSite, entry: Entry, body: str, files: tuple[Link, ...]) -> bytes:
    title = title_of(entry)
    html = (f'<div class="article"><h1>{escape(title)}</h1><div class="info">发布日期：{entry.date}</div>'
            f'<div class="article-content">{body}</div>{chrome.attachment_links(files)}</div>')
    return _page(site, title, html)


def _sub_links(site: YearColumnsSite) -> str:
    return chrome.link_list([Link(s.text, s.path + "index.html") for s in site.subs], "sub-lm")


def _tree(site: YearColumnsSite) -> str:
    """The disclosure section's menu tree; with placement=navigation the column's sub-columns nest under it."""
    items = "".join(f'<li><a href="{s.path}index.html">{escape(s.text)}</a></li>' for s in site.subs)
    children = f"<ul>{items}</ul>" if site.knobs.placement == "navigation" else ""
    return (f'<ul class="xxgk-tree"><li><a href="/xxgk/zfxxgkzn/index.html">政府信息公开指南</a></li>'
            f'<li><a href="{COLUMN}index.html">{COLUMN_NAME}</a>{children}</li>'
            f'<li><a href="/xxgk/fdzdgknr/index.html">法定主动公开内容</a></li></ul>')


def plan_year_columns_site(site: YearColumnsSite, cache_dir: Path) -> SitePlan:
    """Every page of the site and its truth."""
    planned: list[Planned] = [robots()]
    reports: list[ExpectedReport] = []
    columns = [(COLUMN, COLUMN_NAME, site.own), *((s.path, s.text, s.entries) for s in site.subs)]
    rows_of: dict[str, list[Link]] = {}
    for path, _, entries in columns:
        col = plan_column(entries, functools.partial(_article_path, site.seed, path),
                          lambda e, ext, p: (f"/upload/{_hex(p, ext)}.{ext}",) * 2,
                          lambda p, e, b, f: _article(site, e, b, f), HTML, site.hostname, cache_dir)
        planned.extend(col.planned)
        reports.extend(col.reports)
        rows_of[path] = col.rows
    where = site.knobs.placement
    own = rows_of[COLUMN]
    pager = '<div class="page">共2页 <b>1</b> <a href="index_1.html">2</a> <a href="index_1.html">下一页</a></div>'
    pager_2 = '<div class="page">共2页 <a href="index.html">上一页</a> <a href="index.html">1</a> <b>2</b></div>'
    first = f'<div class="lm">{COLUMN_NAME}</div>{_sub_links(site) if where == "first-page" else ""}' \
            f"{chrome.link_list(own[:2])}{pager}"
    second = f'<div class="lm">{COLUMN_NAME}</div>{chrome.link_list(own[2:])}{pager_2}' \
             f'{_sub_links(site) if where == "page-2" else ""}'
    newest = own[0].date
    planned += [
        html_page(COLUMN + "index.html", newest, functools.partial(_page, site, COLUMN_NAME, first)),
        html_page(COLUMN + "index_1.html", newest, functools.partial(_page, site, COLUMN_NAME, second)),
        html_page("/index.html", newest, lambda: _page(site, site.county.portal, _tree(site))),
        html_page("/xxgk/index.html", newest, lambda: _page(site, "政府信息公开", _tree(site))),
        html_page("/xxgk/zfxxgkzn/index.html", "2020-06-01", lambda: _page(site, "政府信息公开指南", "<p>指南</p>")),
        html_page("/xxgk/fdzdgknr/index.html", "2020-06-01", lambda: _page(site, "法定主动公开内容", "<p>目录</p>")),
    ]
    for sub in site.subs:
        body = f'<div class="lm">{COLUMN_NAME} &gt; {escape(sub.text)}</div>{chrome.link_list(rows_of[sub.path])}'
        planned.append(html_page(sub.path + "index.html", rows_of[sub.path][0].date,
                                 functools.partial(_page, site, f"{sub.text}_{COLUMN_NAME}", body)))
    lists = [f"http://{site.hostname}{COLUMN}index.html", f"http://{site.hostname}{COLUMN}index_1.html",
             *(f"http://{site.hostname}{s.path}index.html" for s in site.subs)]
    return SitePlan(tuple(planned), tuple(reports), (f"http://{site.hostname}/xxgk/zfxxgkzn/index.html",),
                    list_pages=tuple(lists))


def year_columns_spec(seed: int) -> SiteSpec:
    """The SiteSpec of the year/unit sub-column site of ``seed``."""
    site = year_columns_site(seed)
    return SiteSpec(f"ycs{seed:04d}", site.hostname, site.county.short, site.region_code, "jiyue",
                    functools.partial(plan_year_columns_site, site))
