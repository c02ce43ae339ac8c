"""Plan every resource of a TRS family site (home, 信息公开 section, paged report column, articles, files)."""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from pathlib import Path

from sampleweb import trs
from sampleweb.kit import attachment_bytes, attachment_exts, is_inline, source_kind
from sampleweb.render_html import report_html
from sampleweb.site import CONTENT_TYPES, ExpectedReport, Planned, SitePlan
from sampleweb.trs import ArticleMeta, Link
from sampleweb.trs_site import (
    ArticleEntry,
    ReportEntry,
    SubColumn,
    TrsSite,
    article_path,
    day,
    digits,
    html_page,
    picture,
    pixel,
    robots,
)
from sampleweb.trs_static import plan_chrome

Entry = ReportEntry | ArticleEntry
__all__ = ["attachment_bytes", "plan_trs_site"]


def _meta(site: TrsSite, unit: str, date: str, article_id: int) -> ArticleMeta:
    code = site.org_codes.get(unit, "000")
    index_no = f"{site.region_code}{code}/{date[:4]}-{article_id % 100000:05d}"
    return ArticleMeta(index_no, unit, date, site.column_name)


def _crumbs(site: TrsSite) -> tuple[Link, ...]:
    return (Link("首页", "/"), Link("政府信息公开", "/xxgk/"), Link(site.column_name, site.report_column))


def _article_page(site: TrsSite, title: str, body: Callable[[], str], meta: trs.PageMeta) -> Callable[[], bytes]:
    menu = trs.side_menu("政府信息公开", site.xxgk_menu, site.report_column)
    return lambda: trs.page(site.portal, title, trs.breadcrumb(_crumbs(site)) + menu + body(), meta)


def _page_meta(column: str, title: str, date: str, source: str, url: str) -> trs.PageMeta:
    """An article's TRS <meta> block (PubDate with the time of day TRS adds)."""
    return trs.PageMeta(column, title, f"{date} 09:30", source, url)


def plan_report(site: TrsSite, entry: ReportEntry, path: str, aid: int, cache_dir: Path,
                url: Callable[[str], str]) -> tuple[list[Planned], ExpectedReport]:
    """The article page and attachment of one report, and the truth about it."""
    doc = functools.cache(entry.make_doc)
    folder = path.rsplit("/", 1)[0] + "/"
    files: list[Link] = []
    planned: list[Planned] = []
    for ext in attachment_exts(entry.kind):
        name = f"P0{entry.date.replace('-', '')}{digits(entry.unit, entry.year, ext)}.{ext}"
        files.append(Link(f"{entry.page_title}.{ext}", f"./{name}"))
        render = functools.partial(attachment_bytes, ext=ext, date=entry.date, cache_dir=cache_dir)
        planned.append(Planned(folder + name, CONTENT_TYPES[ext], day(entry.date),
                               functools.partial(lambda r: r(doc()), render)))
    served = tuple(files)
    files.extend(Link(f"{entry.page_title}（附件{k + 2}）", href) for k, href in enumerate(entry.missing_files))
    inline = is_inline(entry.kind)
    lead = f"<p>现将《{entry.page_title}》予以公布，详见附件。</p>" if files else ""
    publisher = entry.publisher or entry.unit
    # The family's metadata table, or the block the entry brings instead (placed above the body).
    meta = _meta(site, publisher, entry.date, aid) if entry.meta_html is None else None
    # Scanned pages (图片版) as the TRS editor inlines images: beside the article, W0<date><digits>.jpg.
    images = [f"W0{entry.date.replace('-', '')}{digits(entry.unit, entry.year, img, n=10)}.jpg" for img in entry.images]
    planned.extend(picture(folder + name, entry.date) for name in images)
    pics = "".join(f'<p align="center"><img src="./{name}" OLDSRC="{name}" alt="{entry.page_title}"></p>'
                   for name in images)

    def body() -> str:
        content = (entry.meta_html or "") + (report_html(doc()) if inline else lead) + pics
        return trs.article(entry.page_title, meta, content, tuple(files), entry.attach_style)

    page_meta = _page_meta(site.column_name, entry.page_title, entry.date, publisher, url(path))
    planned.append(html_page(path, entry.date, _article_page(site, entry.page_title, body, page_meta)))
    truth = ExpectedReport(
        unit_name=entry.unit, report_year=entry.year, page_url=url(path),
        attachment_urls=tuple(url(folder + f.href[2:]) for f in served),
        source_kind=source_kind(entry.kind), published_at=entry.date, seed=entry.seed,
        title=entry.page_title, has_inline_text=inline, image_urls=tuple(url(folder + name) for name in images),
    )
    return planned, truth


def plan_article(site: TrsSite, entry: ArticleEntry, path: str, aid: int,
                 crumbs: tuple[Link, ...] | None = None) -> list[Planned]:
    """A non-report article page plus the images it shows."""
    folder = path.rsplit("/", 1)[0] + "/"
    images = [f"W0{entry.date.replace('-', '')}{digits(entry.title, img, n=10)}.gif" for img in entry.images]
    paras = "".join(f"<p>{p}</p>" for p in entry.paragraphs)
    pics = "".join(f'<p align="center"><img src="./{name}" alt="{entry.title}"></p>' for name in images)
    meta = _meta(site, entry.publisher, entry.date, aid) if entry.publisher else None
    menu = trs.side_menu("政府信息公开", site.xxgk_menu, site.report_column) if crumbs is None else ""
    position = trs.breadcrumb(crumbs or _crumbs(site))
    page_meta = _page_meta((crumbs or _crumbs(site))[-1].title, entry.title, entry.date, entry.publisher,
                           f"http://{site.hostname}{path}")
    render = lambda: trs.page(  # noqa: E731
        site.portal, entry.title, position + menu + trs.article(entry.title, meta, paras + pics, ()), page_meta)
    return [html_page(path, entry.date, render)] + [pixel(folder + n, entry.date) for n in images]


def number_entries(entries: tuple[Entry, ...], column: str, first_id: int) -> list[tuple[Entry, str, int]]:
    """Entries newest first with their article path and id (ids grow with the date, like TRS's)."""
    oldest_first = sorted(entries, key=lambda e: e.date)
    numbered = [(e, article_path(column, e.date, first_id + 17 * i), first_id + 17 * i)
                for i, e in enumerate(oldest_first)]
    return sorted(numbered, key=lambda t: (t[0].date, t[2]), reverse=True)


def plan_list_pages(site: TrsSite, column: str, name: str, rows: list[Link], newest: str,
                    list_name: str = "index", above: str = "") -> list[Planned]:
    """``<list_name>.html`` … ``<list_name>_{N-1}.html`` of one column, ``per_page`` rows each; ``above`` (the
    sub-column links) on the page ``site.sub_links_on`` names."""
    count = max(1, math.ceil(len(rows) / site.per_page))
    menu = trs.side_menu("政府信息公开", site.xxgk_menu, column) if column.startswith("/xxgk/") else ""
    crumbs = (Link("首页", "/"), Link(name, column))
    style = site.pager if list_name != "index" else "classic"
    planned = []
    on = {"first": 0, "last": count - 1}.get(site.sub_links_on, -1)
    for k in range(count):
        chunk = tuple(rows[k * site.per_page:(k + 1) * site.per_page])
        listing = trs.list_page(name, chunk, count, k, list_name, style, len(rows), above if k == on else "")
        render = functools.partial(trs.page, site.portal, f"{name}_{site.portal.name}",
                                   trs.breadcrumb(crumbs) + menu + listing, trs.PageMeta(name))
        path = column + (f"{list_name}.html" if k == 0 else f"{list_name}_{k}.html")
        planned.append(html_page(path, newest, render))
    if list_name != "index":
        shell = trs.redirect_shell(f"{list_name}.html", name) if site.column_shell else None
        planned.append(html_page(column + "index.html", newest, (lambda: shell) if shell else planned[0].render))
    return planned


@dataclasses.dataclass
class _Column:
    """What planning one report column (or sub-column) produced."""

    planned: list[Planned] = dataclasses.field(default_factory=list)
    reports: list[ExpectedReport] = dataclasses.field(default_factory=list)
    decoys: list[str] = dataclasses.field(default_factory=list)
    rows: list[Link] = dataclasses.field(default_factory=list)
    list_pages: list[str] = dataclasses.field(default_factory=list)


def _plan_column(site: TrsSite, column: str, name: str, entries: tuple[Entry, ...], first_id: int,
                 cache_dir: Path, above: str = "") -> _Column:
    url = lambda path: f"http://{site.hostname}{path}"  # noqa: E731
    out = _Column()
    numbered = number_entries(entries, column, first_id)
    variants: dict[str, list[str]] = {}
    for entry, path, aid in numbered:
        if isinstance(entry, ReportEntry):
            pages, truth = plan_report(site, entry, path, aid, cache_dir, url)
            out.planned.extend(pages)
            out.reports.append(truth)
        else:
            out.planned.extend(plan_article(site, entry, path, aid))
            out.decoys.append(url(path))
            if entry.variant_of:
                variants.setdefault(entry.variant_of, []).append(url(path))
    out.reports = [dataclasses.replace(r, variant_urls=tuple(variants.get(r.title, ()))) for r in out.reports]
    out.rows = [Link(e.page_title if isinstance(e, ReportEntry) else e.title, "./" + p[len(column):], e.date)
                for e, p, _ in numbered]
    lists = plan_list_pages(site, column, name, out.rows, numbered[0][0].date, site.list_name, above)
    out.planned.extend(lists)
    out.list_pages = [url(page.path) for page in lists if not page.path.endswith("/index.html")
                      or site.list_name == "index"]
    return out


def _sub_column_links(subs: tuple[SubColumn, ...]) -> str:
    links = "".join(f'<li><a href="./{sub.slug}/">{sub.name}</a></li>' for sub in subs)
    return f'\n<div class="sub_lm"><ul>{links}</ul></div>' if subs else ""


def plan_trs_site(site: TrsSite, cache_dir: Path) -> SitePlan:
    """Every resource of ``site`` and its ground truth."""
    url = lambda path: f"http://{site.hostname}{path}"  # noqa: E731
    planned: list[Planned] = [robots(), pixel("/images/logo.gif"), *site.traps]
    main = _plan_column(site, site.report_column, site.column_name, site.entries, site.first_id, cache_dir,
                        _sub_column_links(site.sub_columns))
    columns = [main]
    for i, sub in enumerate(site.sub_columns):
        columns.append(_plan_column(site, f"{site.report_column}{sub.slug}/", sub.name, sub.entries,
                                    site.first_id + 100000 * (i + 1), cache_dir))
    for col in columns:
        planned.extend(col.planned)
    decoys = [u for col in columns for u in col.decoys]
    news, news_links = plan_news(site)
    planned.extend(news)
    decoys.extend(url(link.href) for link in news_links)
    latest = [Link(row.title, site.report_column + row.href[2:], row.date) for row in main.rows[:6]]
    chrome, static_paths = plan_chrome(site, latest, news_links[:6])
    planned.extend(chrome)
    decoys.extend(url(path) for path in static_paths)
    return SitePlan(tuple(planned), tuple(r for col in columns for r in col.reports), tuple(decoys),
                    list_pages=tuple(u for col in columns for u in col.list_pages))


def plan_news(site: TrsSite) -> tuple[list[Planned], list[Link]]:
    """The 新闻中心 column (list page + articles) and absolute links to its articles, newest first."""
    numbered = number_entries(site.news, "/xwzx/", site.first_id + 40000)
    crumbs = (Link("首页", "/"), Link("新闻中心", "/xwzx/"))
    planned: list[Planned] = []
    links: list[Link] = []
    for entry, path, aid in numbered:
        if isinstance(entry, ArticleEntry):
            planned.extend(plan_article(site, entry, path, aid, crumbs))
            links.append(Link(entry.title, path, entry.date))
    rows = [Link(link.title, "./" + link.href[len("/xwzx/"):], link.date) for link in links]
    planned.extend(plan_list_pages(site, "/xwzx/", "新闻中心", rows, links[0].date))
    return planned, links
