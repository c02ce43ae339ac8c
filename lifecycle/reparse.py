"""Re-parsing a site's stored payloads without fetching: what is left to parse, parsed, then the end of a re-parse
(which completes the end of a `crawl --no-wait`: `nianbao reparse --pending`).

Only payloads the parser version has not parsed are parsed (storage/reparse.py says which; archive/dedup.py where
each is held in full); a report gains a version only where its record changed (lifecycle/finish.py end_reparse).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from archive.dedup import Dedup
from lifecycle.finish import PARSES_DEFERRED, end_reparse
from lifecycle.parse_stage import at_originals
from storage.catalog import Catalog, Sessions, SiteRow
from storage.crawls import crawl_rows
from storage.reparse import StoredPayload, payloads_to_parse
from storage.reports import Outcome


@dataclass(frozen=True)
class ReparseResult:
    """What a re-parse of one site did: payloads parsed, report versions added."""

    site: str
    parsed: int
    new_version_ids: list[int]


def reparse_site(sessions: Sessions, site: SiteRow, parser_version: str,
                 parse_all: Callable[[list[StoredPayload]], Iterable[Outcome]], now: datetime) -> ReparseResult:
    """Parse the site's unparsed payloads with `parse_all` (e.g. lifecycle.parse_stage.parse_payloads), store the
    outcomes under `parser_version`, rebuild the records.

    With a parser version that has parsed everything already, nothing is parsed and no version is added. When the
    site's last crawl left its parses to a re-parse (`crawl --no-wait`), its end is completed here: its reports
    assembled as offered by it, and what a finished one no longer offers withdrawn (lifecycle/finish.py).
    """
    todo = at_originals(Dedup(Catalog(sessions)), payloads_to_parse(sessions, site.id, parser_version))
    parsed, versions = end_reparse(sessions, site, parser_version, parse_all(todo) if todo else [], now,
                                   deferred_crawl=deferred_crawl(sessions, site.id))
    return ReparseResult(site.id, parsed, versions)


def deferred_crawl(sessions: Sessions, site_id: str) -> int | None:
    """The site's last crawl, when it is closed and ran with `--no-wait` (its row's reason says so)."""
    crawls = crawl_rows(sessions, site_id)
    last = crawls[-1] if crawls else None
    if last is None or last.status == "running" or PARSES_DEFERRED not in (last.close_reason or ""):
        return None
    return last.id
