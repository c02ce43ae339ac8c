"""The end of a crawl, in its one order: parses stored, reports assembled, the row closed, withdrawals, drift, index.

Whoever ran the crawl says how it ended (a RunEnd: Scrapy's stats for a crawl in one process, crawler/extensions.py
CrawlRecorder; the workers' summed totals for a distributed one, distributed/finalize.py); CrawlEnd does the rest,
always in this order:

1. drain the parse stage and store its outcomes (a crawl in one process: its own jobs on the process's pool);
2. distributed: parse what was left unparsed (the documents of a worker lost before it drained);
3. assemble the crawl's reports from its documents and their parses;
4. close the crawl row with its status and counts — after 3, for 5 reads which reports this crawl offered;
5. record withdrawals (a finished crawl that no longer offers a report withdraws it);
6. record drift alerts, when what discovery found covers the whole site;
7. distributed: merge the archive index (many writers' files; a crawl in one process indexes each file as it closes).

A re-parse (lifecycle/reparse.py) has the parse end of it only, and no row: `end_reparse` stores the outcomes and
reassembles the site's reports. A crawl run with `--no-wait` (parses_deferred) skips 1, 3 and 5 — its documents
stay unparsed, its row's reason says so — and `nianbao reparse --pending` does them later (end_reparse with the
deferred crawl).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from archive.cdxj import merge_indexes
from archive.dedup import Dedup
from kernel.config import Config
from lifecycle.parse_stage import ParseJobResult, ParseStage, at_originals, outcome_of, parse_payloads, shared_pool
from parsing.version import PARSER_VERSION
from storage.catalog import Catalog, Sessions, SiteRow
from storage.crawls import finish_crawl
from storage.drift import DriftStore, Findings
from storage.history import record_withdrawals
from storage.reparse import payloads_to_parse
from storage.reports import Outcome, assemble_reports, reassemble_reports, store_outcome

logger = logging.getLogger(__name__)

# Scrapy's close reasons after which a crawl in one process has seen the whole site's template (a page cap stops
# it late, not blind); any other end (shutdown, an error) says nothing about the template.
WHOLE_RUN = ("finished", "closespider_pagecount")
# The note a `crawl --no-wait` row's reason carries: its parses, reports and withdrawals are a re-parse's to do.
PARSES_DEFERRED = "parses deferred to `nianbao reparse --pending`"


@dataclass(frozen=True)
class Ending:
    """How a crawl's run ended, as its runner saw it."""

    close_reason: str  # Scrapy's (finished, shutdown, closespider_pagecount, …), or the workers' first unusual one
    responses: int  # HTTP responses the crawl got: none at all, and it failed
    first_error: str
    counts: dict[str, int]  # the row's counters: pages, attachments, bytes, errors
    lost: dict[str, int] = field(default_factory=dict)  # distributed: workers lost (requeued, reaped)

    @classmethod
    def of_stats(cls, close_reason: str, stats: Mapping[str, Any]) -> Ending:
        """A crawl in one process, from its Scrapy stats."""
        return cls(close_reason, int(stats.get("downloader/response_count", 0)),
                   str(stats.get("nianbao/first_error", "")), crawl_counts(stats))


class RunEnd(Protocol):
    """What CrawlEnd asks the runner of a crawl, once the reports are assembled."""

    def ending(self) -> Ending:
        """How the run ended (its counters read now, after the parses and reports)."""
        ...

    def findings(self) -> Findings:
        """What the crawl's discovery found on the site (storage/drift.py)."""
        ...


@dataclass(frozen=True)
class Ended:
    """What the end of a crawl did."""

    status: str
    reason: str
    parsed: int
    report_version_ids: list[int]
    withdrawn: list[int]
    drift_recorded: bool


def crawl_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """The Crawl row's counters, from a crawler's stats (a Scrapy StatsCollector's `get_stats()`)."""
    return {
        "pages": int(stats.get("nianbao/documents/page", 0)),
        "attachments": int(stats.get("nianbao/documents/attachment", 0)),
        "bytes": int(stats.get("downloader/response_bytes", 0)),
        "errors": int(stats.get("log_count/ERROR", 0)) + int(stats.get("downloader/exception_count", 0)),
    }


def crawl_status(close_reason: str, responses: int, first_error: str) -> tuple[str, str]:
    """The Crawl's status and reason: a run that got no response at all failed, whatever Scrapy says."""
    if close_reason == "shutdown":
        return "interrupted", close_reason
    if close_reason == "closespider_pagecount":
        # The page cap (NIANBAO_MAX_PAGES) stopped it: what was fetched is good, but the site was not covered.
        return "truncated", f"stopped at the page cap ({close_reason}); raise NIANBAO_MAX_PAGES if the site is that big"
    if close_reason != "finished":
        return "failed", close_reason
    if responses == 0:
        return "failed", f"no response from the site ({first_error or 'unknown error'}); check the URL and the proxy"
    return "finished", close_reason


def store_result(sessions: Sessions, result: ParseJobResult, on_failed: Callable[[ParseJobResult], None] | None = None,
                 parser_version: str = PARSER_VERSION) -> None:
    """Store one parse job's outcome (a failed one is logged and handed to `on_failed` first)."""
    if not result.ok:
        logger.warning("parse failed url=%s reason=%s", result.job.url, result.reason)
        if on_failed is not None:
            on_failed(result)
    store_outcome(sessions, outcome_of(result, parser_version), datetime.now(UTC))


def drain_parses(stage: ParseStage, sessions: Sessions, on_failed: Callable[[ParseJobResult], None] | None = None,
                 parser_version: str = PARSER_VERSION) -> int:
    """Wait for the stage's parse jobs, store each outcome, close the stage; return how many were stored."""
    try:
        return stage.drain(lambda result: store_result(sessions, result, on_failed, parser_version))
    finally:
        stage.close()


def store_outcomes(sessions: Sessions, outcomes: Iterable[Outcome], now: datetime) -> int:
    """Store parse outcomes; return how many."""
    stored = 0
    for outcome in outcomes:
        store_outcome(sessions, outcome, now)
        stored += 1
    return stored


def end_reparse(sessions: Sessions, site: SiteRow, parser_version: str, outcomes: Iterable[Outcome],
                now: datetime, deferred_crawl: int | None = None) -> tuple[int, list[int]]:
    """The end of a re-parse: store the outcomes, then rebuild the site's reports; (parsed, new version ids).

    `deferred_crawl`: the site's last crawl ran with `--no-wait` — its reports are assembled as its own end would
    have (offered by it), and a finished one withdraws what it no longer offers.
    """
    parsed = store_outcomes(sessions, outcomes, now)
    if deferred_crawl is None:
        return parsed, reassemble_reports(sessions, site, parser_version, now)
    versions = assemble_reports(sessions, site, deferred_crawl, parser_version, now)
    withdrawn = record_withdrawals(sessions, site.id, deferred_crawl, now)
    logger.info("deferred crawl end site=%s crawl=%s report_versions=%d withdrawn=%s", site.id, deferred_crawl,
                len(versions), withdrawn)
    return parsed, versions


class CrawlEnd:
    """Ends one crawl (see the module's docstring for the order). `distributed`: the crawl's workers are done and
    this is its finalizer — it parses what a lost worker left, and merges the archive index. Parses are stored,
    and reports assembled, under `parser_version` (the parser's own, but for tests)."""

    def __init__(self, config: Config, catalog: Catalog, site: SiteRow, crawl_id: int, *,
                 distributed: bool = False, parser_version: str = PARSER_VERSION, parses_deferred: bool = False,
                 ) -> None:
        self.parses_deferred = parses_deferred  # `crawl --no-wait`: parses, reports, withdrawals left to a re-parse
        self.config = config
        self.catalog = catalog
        self.site = site
        self.crawl_id = crawl_id
        self.distributed = distributed
        self.parser_version = parser_version

    def run(self, run: RunEnd, stage: ParseStage | None = None,
            on_failed: Callable[[ParseJobResult], None] | None = None) -> Ended:
        sessions = self.catalog.sessions
        parsed = drain_parses(stage, sessions, on_failed, self.parser_version) if stage is not None else 0
        if self.distributed:
            parsed += self.parse_left_over()
        versions = [] if self.parses_deferred else assemble_reports(sessions, self.site, self.crawl_id,
                                                                    self.parser_version, datetime.now(UTC))
        logger.info("parse stage done site=%s parsed=%d report_versions=%d", self.site.id, parsed, len(versions))
        ending = run.ending()
        status, reason = crawl_status(ending.close_reason, ending.responses, ending.first_error)
        if self.parses_deferred:
            reason = f"{reason}; {PARSES_DEFERRED}"
        finish_crawl(sessions, self.crawl_id, datetime.now(UTC), status, reason, ending.counts)
        withdrawn = [] if self.parses_deferred else self.record_withdrawals()
        logger.info("crawl closed site=%s crawl=%s status=%s %s", self.site.id, self.crawl_id, status,
                    " ".join(f"{k}={v}" for k, v in ending.counts.items()))
        drift = self.records_drift(ending, status)
        if drift:
            DriftStore(self.config.home).record(self.site.id, run.findings())
        if self.distributed:
            merge_indexes(self.config.warc_dir)
        return Ended(status, reason, parsed, versions, withdrawn, drift)

    def parse_left_over(self) -> int:
        """Parse the site's payloads no parse is stored for (those of a worker that died before it drained)."""
        sessions = self.catalog.sessions
        todo = at_originals(Dedup(self.catalog), payloads_to_parse(sessions, self.site.id, self.parser_version))
        if not todo:
            return 0
        logger.warning("distributed crawl parses what a lost worker left crawl=%s payloads=%d", self.crawl_id,
                       len(todo))
        outcomes = parse_payloads(self.config, todo, self.parser_version, shared_pool(self.config))
        return store_outcomes(sessions, outcomes, datetime.now(UTC))

    def record_withdrawals(self) -> list[int]:
        """After the row is closed: a finished crawl that no longer offers a report withdraws it."""
        withdrawn = record_withdrawals(self.catalog.sessions, self.site.id, self.crawl_id, datetime.now(UTC))
        if withdrawn:
            logger.info("reports withdrawn site=%s crawl=%s reports=%s", self.site.id, self.crawl_id, withdrawn)
        return withdrawn

    def records_drift(self, ending: Ending, status: str) -> bool:
        """Whether the crawl's findings cover the site: a crawl in one process that ran to its end (or to the page
        cap); a distributed crawl that finished with no worker lost — a lost worker's part of the findings went
        with it, and a partial picture would raise false alerts."""
        if not self.distributed:
            return ending.close_reason in WHOLE_RUN
        if status == "finished" and not any(ending.lost.values()):
            return True
        logger.info("drift not recorded crawl=%s status=%s requeued=%s reaped=%s", self.crawl_id, status,
                    ending.lost.get("requeued", 0), ending.lost.get("reaped", 0))
        return False
