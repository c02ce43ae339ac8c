"""The §9 record's final form: a parsed record completed with what the crawl knows about where it was offered.

A document does not know the page that offered it, its sibling attachments, which of a report's renditions won,
the site's region code or the page's date; the crawl does. `complete_record` is the only place that sets those
keys (kernel.report.CRAWL_KEYS) after parsing: storage.reports calls it for the authoritative rendition of each
report before storing a version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kernel import report as rk
from parsing.identity import dated_by_document


@dataclass(frozen=True)
class CrawlFacts:
    """What the crawl knows about one report offer: the page, its attachments and the authoritative rendition.

    `primary_is_page` says the page's own text is the authoritative rendition (source_kind html_inline);
    otherwise `primary_source_kind` (what the parser read the winning attachment as) is the record's.
    `page_published_at` is the date the page's own parse found (its metadata block), used when the
    authoritative rendition has none.
    """

    page_url: str
    attachment_urls: Sequence[str]
    primary_is_page: bool
    primary_source_kind: str | None
    region_code: str | None
    page_published_at: str | None


def complete_record(parsed: dict[str, Any], facts: CrawlFacts) -> dict[str, Any]:
    """A copy of `parsed` (the authoritative rendition's record) with the crawl's keys set.

    The page URL and the attachments are always the crawl's; the region code and the date the document
    states win over the crawl's, except a date read from the document's 落款 or memo, which the page's
    metadata date outranks. The parsed key order is kept; a key the record lacks is added at the end.
    """
    record = dict(parsed)
    record[rk.SOURCE_URL] = facts.page_url
    record[rk.ATTACHMENT_URLS] = list(facts.attachment_urls)
    record[rk.SOURCE_KIND] = rk.KIND_HTML_INLINE if facts.primary_is_page else facts.primary_source_kind
    record[rk.REGION_CODE] = record.get(rk.REGION_CODE) or facts.region_code
    if dated_by_document(record) and facts.page_published_at:
        record[rk.PUBLISHED_AT] = facts.page_published_at  # the page's metadata outranks a 落款 date
    record[rk.PUBLISHED_AT] = record.get(rk.PUBLISHED_AT) or facts.page_published_at
    return record
