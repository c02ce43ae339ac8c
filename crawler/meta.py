"""The request.meta contract: every key and response flag the spider, the WARC recorder and the shared queue use."""

from __future__ import annotations

from scrapy import Request

from archive.capture import CONDITIONAL_HEADERS
from archive.recorder import PayloadRecord

# --- set by spiders ---------------------------------------------------------------------------------------------
# The discovery rule that found the link (archived in the page's metadata record).
RULE = "nianbao_rule"
# Fetch without If-None-Match / If-Modified-Since: a conditional re-crawl must still re-read list pages.
ALWAYS_FETCH = "nianbao_always_fetch"
# The page was fetched again through the browser (scrapy-playwright): never rendered twice.
RENDERED = "nianbao_rendered"
# scrapy-playwright's own meta key and response flag: the request is (the response was) rendered by the browser.
PLAYWRIGHT = "playwright"

# A request a dead (or departed) distributed worker had taken and the queue gave back (distributed/queue.py): the
# crawl may have archived it already, and then answers it from that capture (crawler/middlewares.py).
REQUEUED = "nianbao_requeued"

# --- set by the WARC recorder (crawler/middlewares.py) ----------------------------------------------------------
SENT_AT = "nianbao_sent_at"
# The catalogue id of the capture that recorded the response (DocumentItem.capture_id).
CAPTURE_ID = "nianbao_capture_id"
# What the capture's payload is and where it is archived in full (archive.recorder.PayloadRecord, or None: then it
# is looked up), handed on with the capture id (DocumentItem.payload) so the parse hand-off need not ask for it.
PAYLOAD = "nianbao_payload"
# The earlier capture (storage.catalog.StoredCapture) a conditional request revalidates.
REVALIDATES = "nianbao_revalidates"
# The request.meta keys that describe one exchange (as sent, recorded, revalidated), not the request to make.
EXCHANGE_META = (SENT_AT, CAPTURE_ID, PAYLOAD, REVALIDATES)
# Response flag: the archived response a 304 stood for (status 200), handed on in place of the 304.
REVISIT_FLAG = "nianbao-revisit"
# Response flag: a response a resumed crawl answered from its own earlier capture (archive/resume.py).
RESUMED_FLAG = "nianbao-resumed"
# Response flag: the body was cut at NIANBAO_MAX_DOWNLOAD_MB (crawler/limits.py); archived with WARC-Truncated.
TRUNCATED_FLAG = "nianbao-truncated"


def for_new_exchange(request: Request) -> Request:
    """`request` as it is to be queued and sent anew (a redirect hop or a retry put in a shared queue): without
    what its last exchange left in meta (send time, capture id, the capture it revalidated), and without the
    conditional headers that revalidation added — the recorder decides them again for the URL it is sent to."""
    if not any(key in request.meta for key in EXCHANGE_META):
        return request
    fresh = request.replace(meta={k: v for k, v in request.meta.items() if k not in EXCHANGE_META})
    if REVALIDATES in request.meta:
        drop_conditionals(fresh)
    return fresh


def set_capture(request: Request, capture_id: int, payload: PayloadRecord | None = None) -> None:
    """Say which capture recorded the request's response (and its payload's record, when known): both at once, so
    that a redirect hop's payload is never taken for the next hop's."""
    request.meta[CAPTURE_ID] = capture_id
    request.meta[PAYLOAD] = payload


def drop_conditionals(request: Request) -> None:
    """Remove the conditional headers revalidation adds (If-None-Match, If-Modified-Since)."""
    for name in CONDITIONAL_HEADERS:
        request.headers.pop(name.encode("latin-1"), None)
