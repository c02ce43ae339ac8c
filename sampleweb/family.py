"""What every non-TRS family shares: numbering a column's entries, planning report pages with their attachments,
and the ground truth rows; a family module only supplies paths and HTML."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from html import escape
from pathlib import Path

from sampleweb.kit import attachment_exts, attachment_render, is_inline, source_kind
from sampleweb.render_html import report_html
from sampleweb.site import CONTENT_TYPES, ExpectedReport, Planned
from sampleweb.trs import Link
from sampleweb.trs_site import ArticleEntry, ReportEntry, day

Entry = ReportEntry | ArticleEntry
# (entry, index in date order) → article path
PathOf = Callable[[Entry, int], str]
# (report, ext, article path) → (href written in the page, served path, possibly with a query)
FileOf = Callable[[ReportEntry, str, str], tuple[str, str]]
# (article path, entry, body HTML, attachment links) → page bytes
ArticleHtml = Callable[[str, Entry, str, tuple[Link, ...]], bytes]


def title_of(entry: Entry) -> str:
    return entry.page_title if isinstance(entry, ReportEntry) else entry.title


@dataclasses.dataclass
class Column:
    """A planned column: its pages and files, truth, and its rows newest first (title, absolute path, date)."""

    planned: list[Planned] = dataclasses.field(default_factory=list)
    query_files: dict[str, Planned] = dataclasses.field(default_factory=dict)
    reports: list[ExpectedReport] = dataclasses.field(default_factory=list)
    decoys: list[str] = dataclasses.field(default_factory=list)
    rows: list[Link] = dataclasses.field(default_factory=list)


def article_body(entry: Entry, inline_doc: Callable[[], str] | None, images: str = "/uploadfiles/") -> str:
    """The body HTML of an article: the report inline or a 详见附件 lead (after the entry's own metadata block, if
    any), or the notice's paragraphs and pictures (GIFs in the CMS's upload folder ``images``, not in the
    template's /images/)."""
    if isinstance(entry, ReportEntry):
        lead = f"<p>现将《{escape(entry.page_title)}》予以公布，详见附件。</p>"
        return (entry.meta_html or "") + (inline_doc() if inline_doc else lead)
    pics = "".join(f'<p style="text-align:center"><img src="{images}{name}.gif" alt=""></p>' for name in entry.images)
    return "".join(f"<p>{escape(p)}</p>" for p in entry.paragraphs) + pics


def plan_column(entries: tuple[Entry, ...], path_of: PathOf, file_of: FileOf, html: ArticleHtml,
                content_type: str, host: str, cache_dir: Path, images: str = "/uploadfiles/") -> Column:
    """Article pages, attachments and truth for ``entries``; rows come out newest first. Pictures of articles
    are at ``images``<name>.gif (the family serves them)."""
    url = lambda path: f"http://{host}{path}"  # noqa: E731
    out = Column()
    dated = sorted(enumerate(entries), key=lambda t: (t[1].date, t[0]))
    numbered = [(entry, path_of(entry, i)) for i, (_, entry) in enumerate(dated)]
    variants: dict[str, list[str]] = {}
    for entry, path in numbered:
        files: list[Link] = []
        inline = None
        if isinstance(entry, ReportEntry):
            doc = functools.cache(entry.make_doc)
            for ext in attachment_exts(entry.kind):
                href, served = file_of(entry, ext, path)
                files.append(Link(f"{entry.page_title}.{ext}", href))
                render = attachment_render(doc, ext, entry.date, cache_dir)
                planned = Planned(served, CONTENT_TYPES[ext], day(entry.date), render)
                if "?" in served:
                    out.query_files[served] = planned
                else:
                    out.planned.append(planned)
            files.extend(Link(f"{entry.page_title}（附件{k + 2}）", href) for k, href in enumerate(entry.missing_files))
            inline = functools.partial(lambda d: report_html(d()), doc) if is_inline(entry.kind) else None
            out.reports.append(ExpectedReport(
                unit_name=entry.unit, report_year=entry.year, page_url=url(path),
                attachment_urls=tuple(url(file_of(entry, ext, path)[1]) for ext in attachment_exts(entry.kind)),
                source_kind=source_kind(entry.kind), published_at=entry.date, seed=entry.seed,
                title=entry.page_title, has_inline_text=inline is not None))
        else:
            out.decoys.append(url(path))
            if entry.variant_of:
                variants.setdefault(entry.variant_of, []).append(url(path))
        render_page = functools.partial(
            lambda p, e, f, i: html(p, e, article_body(e, i, images), f), path, entry, tuple(files), inline)
        out.planned.append(Planned(path, content_type, day(entry.date), render_page))
    out.reports = [dataclasses.replace(r, variant_urls=tuple(variants.get(r.title, ()))) for r in reversed(out.reports)]
    out.rows = [Link(title_of(e), p, e.date) for e, p in reversed(numbered)]
    return out
