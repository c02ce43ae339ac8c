"""Plain-text summaries for the terminal: what a crawl found and where it was stored."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from types import TracebackType
from typing import Any, TextIO

from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

from cli.run import CrawlResult, SiteProgress
from kernel.config import redact_url
from storage.browse import crawl_captures
from storage.catalog import Sessions
from storage.crawls import CrawlRow, get_crawl
from storage.db import open_catalogue
from storage.fetch_outcomes import outcome_counts
from storage.reports import latest_reports


def width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(width(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def print_reports_table(objs: Sequence[dict[str, Any]]) -> None:
    rows = [(o["site"], o["report_year"], o["unit_name"], o.get("source_kind"), o["version"],
             o["source_url"]) for o in objs]
    print(table(["site", "year", "unit", "kind", "ver", "source_url"], rows))
    print(f"{len(objs)} report(s)")


def print_crawl_summary(result: CrawlResult) -> None:
    sessions = open_catalogue(result.config.database_url)
    run, captures = _crawl(sessions, result.crawl_id), crawl_captures(sessions, result.crawl_id)
    print()
    if result.status == "skipped":
        print(f"crawl of {result.site.id} skipped: {result.note}")
        return
    if run is None:
        print(f"crawl of {result.site.id} did not start; see the log")
        return
    print(f"crawl {run.id} of {result.site.name} ({result.site.home_url}): status={run.status} "
          f"pages={run.pages} attachments={run.attachments} bytes={run.bytes} errors={run.errors} "
          f"renders={renders(captures.records)}")
    if run.status != "finished":
        print(f"crawl {run.status}: {run.close_reason}")
    print("captures: " + (", ".join(f"{kind}={n}" for kind, n in captures.records) or "none"))
    failed = outcome_counts(sessions, run.id)
    if failed:  # URLs not fetched whole, by outcome (storage/fetch_outcomes.py has each with its reason)
        print("not fetched whole: " + ", ".join(f"{kind}={n}" for kind, n in sorted(failed.items())))
    print()
    print_reports_table(latest_reports(sessions, site=result.site.id))
    print()
    print(f"database: {redact_url(result.config.database_url)}")
    print(f"warcs:    {result.config.warc_dir}/ ({', '.join(captures.warc_files)})")


class ProgressDisplay:
    """Live counters per site: on a terminal a rich table redrawn in place, with the log records of `log_handler`
    printed above it; otherwise `progress key=value` lines (one per site whose counters changed since the last tick).
    Use it as a context manager around the run: the terminal's display starts and stops with it."""

    HEADERS = ["site", "state", "fetched", "pages", "attachments", "bytes", "errors"]

    def __init__(self, stream: TextIO, tty: bool) -> None:
        self.stream = stream
        self.tty = tty
        self.last: dict[str, SiteProgress] = {}
        self.console = Console(file=stream, highlight=False) if tty else None
        self.live = Live(console=self.console, auto_refresh=False) if self.console is not None else None

    def __enter__(self) -> ProgressDisplay:
        if self.live is not None:
            self.live.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.live is not None:
            self.live.stop()

    def __call__(self, sites: list[SiteProgress]) -> None:
        if self.live is not None:
            self.live.update(self._table(sites), refresh=True)
            return
        for p in sites:
            if self.last.get(p.site) != p:
                self.stream.write(f"progress site={p.site} state={p.state} fetched={p.fetched} pages={p.pages} "
                                  f"attachments={p.attachments} bytes={p.bytes} errors={p.errors}\n")
                self.last[p.site] = p
        self.stream.flush()

    def _table(self, sites: list[SiteProgress]) -> Table:
        grid = Table(*self.HEADERS, title="crawl progress", title_justify="left")
        for column in grid.columns[2:]:
            column.justify = "right"
        for p in sites:
            grid.add_row(p.site, p.state, *(str(n) for n in (p.fetched, p.pages, p.attachments, p.bytes, p.errors)))
        return grid

    def log_handler(self) -> logging.Handler:
        """A handler printing each record above the display (on a terminal; to the stream otherwise)."""
        return _ConsoleHandler(self.console or Console(file=self.stream, highlight=False))


class _ConsoleHandler(logging.Handler):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.console.print(Text(self.format(record)), soft_wrap=True)
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001 — logging's own convention: report on stderr, never raise into the caller
            self.handleError(record)


def print_sites_summary(results: Sequence[CrawlResult], key_value: bool) -> None:
    """The final summary of `crawl --all`: one row per site (status, counts, reports stored, drift alerts)."""
    from storage.drift import DriftStore

    rows = []
    for result in results:
        sessions = open_catalogue(result.config.database_url)
        run = _crawl(sessions, result.crawl_id)
        reports = len(latest_reports(sessions, site=result.site.id))
        alerts = [a for a in DriftStore(result.config.home).alerts(result.site.id) if a.crawl_id == result.crawl_id
                  and result.crawl_id is not None]
        counts = (run.pages, run.attachments, run.bytes, run.errors) if run else (0, 0, 0, 0)
        rows.append((result.site.id, result.site.name, result.status, *counts,
                     renders(crawl_captures(sessions, result.crawl_id).records), reports,
                     ",".join(a.kind for a in alerts) or "-"))
    headers = ["site", "name", "status", "pages", "attachments", "bytes", "errors", "renders", "reports", "alerts"]
    print()
    print(table(headers, rows))
    if key_value:
        for row in rows:
            print("summary " + " ".join(f"{k}={v}" for k, v in zip(headers, row, strict=True)))


def renders(records: Sequence[tuple[str, int]]) -> int:
    """Pages the crawl rendered with the browser: each rendered DOM is archived as one `conversion` record."""
    return dict(records).get("conversion", 0)


def _crawl(sessions: Sessions, crawl_id: int | None) -> CrawlRow | None:
    return get_crawl(sessions, crawl_id) if crawl_id else None
