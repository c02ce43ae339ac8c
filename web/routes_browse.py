"""Read-only pages: home (coverage, search, recent crawls), site, report, version diff, document, original."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from kernel import report as rk
from spiders.registry import load_registry
from storage import browse
from storage.asof import AsOfError, resolve_as_of
from storage.changes import record_changes
from storage.coverage import coverage_matrix
from storage.drift import DriftStore
from storage.history import report_events
from storage.queries import as_utc
from storage.search import search_reports
from web.context import ui
from web.export import export_response, wants_export
from web.originals import original as read_original
from web.tables import cell_paths, lookup, marks_for, table2_blocks, table3_rows, table4_cells

router = APIRouter()
# Archived bytes never run in the app's origin: a sandboxed, unique origin with no scripts, forms or plugins
# beyond the browser's own PDF viewer; nosniff keeps the recorded media type authoritative.
# Non-PDF originals also load nothing from the live web (pywb replay is the place for a page with its resources);
# a PDF keeps the bare sandbox, which Chromium's PDF viewer accepts.
ORIGINAL_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"}
ORIGINAL_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"
PDF_CSP = "sandbox"
# The "as of" picker's <input type="datetime-local"> sends no zone: the UI shows times in UTC, so it means UTC.
PICKER_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?")


@dataclass(frozen=True)
class AsOf:
    """The moment a page shows (`?as_of=`): the value as given, its exclusive UTC cutoff, its last second shown."""

    value: str
    cutoff: datetime

    @property
    def shown(self) -> datetime:
        """The last instant included, to the second (what the page says it shows, and the picker's value)."""
        return (self.cutoff - timedelta(microseconds=1)).replace(microsecond=0)

    @property
    def crawl(self) -> str | None:
        """The crawl id when the moment was given as a crawl."""
        match = re.fullmatch(r"(?:crawl:)?(\d{1,7})", self.value)
        return match.group(1) if match else None


def as_of_param(request: Request, value: str | None) -> AsOf | None:
    """`?as_of=` resolved (storage.asof forms, or the picker's zone-less value in UTC); 400 when malformed."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        cutoff = resolve_as_of(ui(request).sessions, text + "Z" if PICKER_VALUE.fullmatch(text) else text)
    except AsOfError as exc:
        raise HTTPException(400, str(exc).replace("--as-of", "as_of")) from exc
    return AsOf(text, cutoff) if cutoff else None


@router.get("/")
def home(request: Request, format: str | None = None, as_of: str | None = None) -> Response:
    context = ui(request)
    moment = as_of_param(request, as_of)
    groups = coverage_matrix(context.sessions, as_of=moment.cutoff if moment else None)
    if wants_export(format):
        rows = [{"site": g.site_id, "unit_name": unit, "report_year": year, "state": cell.state, "late": cell.late,
                 "changed": cell.changed, "report_id": cell.report_id}
                for g in groups for unit, cells in g.units.items() for year, cell in sorted(cells.items())]
        return export_response(str(format), "coverage", rows)
    return context.render(request, "home.html", groups=groups, crawls=browse.recent_crawls(context.sessions, limit=10),
                          sites=browse.sites(context.sessions), as_of=moment)


@router.get("/search")
def search(request: Request, q: str = "", format: str | None = None) -> Response:
    context = ui(request)
    hits = search_reports(context.sessions, q) if q.strip() else []
    if wants_export(format):
        return export_response(str(format), "search", [asdict(hit) for hit in hits])
    return context.render(request, "search.html", q=q, hits=hits)


@router.get("/sites/{site_id}")
def site_page(request: Request, site_id: str, format: str | None = None) -> Response:
    context = ui(request)
    site = browse.site(context.sessions, site_id)
    if site is None:
        raise HTTPException(404, f"no site {site_id!r} in the catalogue")
    reports = browse.site_reports(context.sessions, site_id)
    if wants_export(format):
        return export_response(str(format), f"site-{site_id}-reports", [asdict(r) for r in reports])
    drift = DriftStore(context.config.home)
    registry = load_registry(context.options.registry_path, context.config).get(site_id)
    crawls = browse.recent_crawls(context.sessions, site_id=site_id, limit=50)
    return context.render(request, "site.html", site=site, registry=registry, reports=reports, crawls=crawls,
                          max_bytes=max([c.bytes or 0 for c in crawls] or [1]) or 1,
                          discovery=drift.state(site_id).get("last") or {}, alerts=drift.alerts(site_id)[-20:],
                          years=sorted({r.report_year for r in reports}, reverse=True),
                          documents=browse.site_documents(context.sessions, site_id))


@router.get("/reports/{report_id}")
def report_page(request: Request, report_id: int, v: int | None = None, format: str | None = None,
                as_of: str | None = None) -> Response:
    context = ui(request)
    report, versions = _report_and_versions(request, report_id)
    moment = as_of_param(request, as_of)
    then = [x for x in versions if moment is None or as_utc(x.first_seen_at) < moment.cutoff]
    version = next((x for x in versions if x.version == v), None) if v else (then[-1] if then else None)
    if version is None:
        raise HTTPException(404, f"report {report_id} has no version {v}" if v else
                            f"report {report_id} was not yet seen as of {as_of}")
    events = report_events(context.sessions, report_id)
    record = version.record
    if wants_export(format):
        return export_response(str(format), f"report-{report_id}-v{version.version}", _cell_rows(record), record)
    marks = marks_for(record)
    return context.render(request, "report.html", report=report, version=version, versions=versions,
                          record=record, **_tables(record, marks),
                          renditions=browse.renditions(context.sessions, report_id), events=events,
                          as_of=moment, withdrawn=_withdrawn_then(report, events, moment))


@router.get("/reports/{report_id}/diff")
def diff_page(request: Request, report_id: int, a: int | None = None, b: int | None = None,
              format: str | None = None) -> Response:
    context = ui(request)
    report, versions = _report_and_versions(request, report_id)
    by_number = {x.version: x for x in versions}
    b = b or versions[-1].version
    a = a or (b - 1 if b - 1 in by_number else versions[0].version)
    if a not in by_number or b not in by_number:
        raise HTTPException(404, f"report {report_id} has versions {sorted(by_number)}, not {a} and {b}")
    old, new = by_number[a].record, by_number[b].record
    changes = record_changes(old, new)
    if wants_export(format):
        return export_response(str(format), f"report-{report_id}-diff-v{a}-v{b}", changes)
    marks = marks_for(new, changes, old_label=f"v{a}")
    return context.render(request, "diff.html", report=report, versions=versions, a=a, b=b, changes=changes,
                          record=new, **_tables(new, marks))


@router.get("/documents/{document_id}")
def document_page(request: Request, document_id: int, format: str | None = None) -> Response:
    context = ui(request)
    view = browse.document(context.sessions, document_id)
    if view is None:
        raise HTTPException(404, f"no document {document_id}")
    doc, capture = view.document, view.capture
    if wants_export(format):
        row = {"id": doc.id, "site": doc.site_id, "url": doc.url, "kind": doc.kind, "title": doc.title,
               "page_url": doc.page_url, "captured_at": capture.captured_at if capture else None,
               "media_type": capture.media_type if capture else None,
               "payload_sha256": capture.payload_sha256 if capture else None, "text": view.text}
        return export_response(str(format), f"document-{document_id}", [row], row)
    replay = None
    if capture is not None:
        stamp = as_utc(capture.captured_at).strftime("%Y%m%d%H%M%S")
        replay = f"{context.options.replay_url.rstrip('/')}/{context.options.collection}/{stamp}/{doc.url}"
    media = (capture.media_type or "") if capture else ""
    return context.render(request, "document.html", view=view, doc=doc, capture=capture, replay=replay,
                          is_pdf=media.startswith("application/pdf"))


@router.get("/captures/{capture_id}/original")
def original(request: Request, capture_id: int) -> Response:
    """The archived payload with its recorded media type, sandboxed (CSP) and never sniffed."""
    context = ui(request)
    found = read_original(context.sessions, context.config.warc_dir, capture_id)
    if found is None:
        raise HTTPException(404, f"no capture {capture_id}")
    csp = PDF_CSP if found.media_type.startswith("application/pdf") else ORIGINAL_CSP
    return Response(found.body, media_type=found.media_type,
                    headers={**ORIGINAL_HEADERS, "Content-Security-Policy": csp})


def _report_and_versions(request: Request, report_id: int) -> tuple[browse.ReportRow, list[browse.VersionRow]]:
    context = ui(request)
    report = browse.report(context.sessions, report_id)
    versions = browse.versions(context.sessions, report_id) if report else []
    if report is None or not versions:
        raise HTTPException(404, f"no report {report_id}")
    return report, versions


def _withdrawn_then(report: browse.ReportRow, events: list[dict[str, Any]], moment: AsOf | None) -> bool:
    """Was the report withdrawn from its site then: now, its status; as of a moment, its last event before it."""
    if moment is None:
        return report.status == rk.STATUS_WITHDRAWN
    kinds = [e["kind"] for e in events if e["kind"] in (rk.EVENT_WITHDRAWN, rk.EVENT_RESTORED)
             and as_utc(e["occurred_at"]) < moment.cutoff]
    return bool(kinds) and kinds[-1] == rk.EVENT_WITHDRAWN


def _tables(record: dict[str, Any], marks: Any) -> dict[str, Any]:
    return {"t2": table2_blocks(record, marks), "t3": table3_rows(record, marks), "t4": table4_cells(record, marks),
            "warnings": record.get(rk.VALIDATION) or []}


def _cell_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """One CSV row per table cell of a record: path, value, raw text and flags."""
    rows = []
    for path in cell_paths(record):
        cell = lookup(record, path) or {}
        rows.append({"path": path, "value": cell.get("value"), "raw": cell.get("raw"), "blank": cell.get("blank"),
                     "uncertain": cell.get("uncertain"), "unit": cell.get("unit"),
                     "derived": cell.get("derived", False)})
    return rows
