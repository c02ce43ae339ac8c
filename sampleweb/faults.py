"""Fault resources of the sample web: the ways a county site breaks, each with what a crawl must make of it.

`FAULTS` is the truth: every fault's URL (as the site links it), the fetch outcome a crawl must record for it
(crawler/outcomes.py; None when the crawl gets past it), and how many requests it may cost, retries and redirect hops
included. The fault site (sampleweb/faults_site.py, www.faulty.gov.cn) links them all beside its real reports.

The server (sampleweb/server.py) asks `answer_fault` before serving a request and `connect_fault` for a CONNECT.
Faults answer at the socket level where HTTP cannot say it: a reset, no answer, a body shorter than its
Content-Length, a body dribbled a byte at a time, a TLS handshake met with plain text.
"""

from __future__ import annotations

import logging
import select
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from sampleweb import faults_site as site
from sampleweb.resources import build_site
from sampleweb.trs import Link

logger = logging.getLogger("sampleweb")
Answer = Callable[[BaseHTTPRequestHandler, int], None]  # (handler, how many times this URL was asked, from 1)
W = f"http://{site.HOST}"
ATTACHMENTS = f"{W}{site.COLUMN}202201/"
OVERSIZE_BYTES = 3 * 1024 * 1024 + 1  # over a 1 MB (or 2 MB, 3 MB) NIANBAO_MAX_DOWNLOAD_MB
SILENCE_S = 60.0  # the longest a "no answer" connection is held open (the client gives up long before)
DRIBBLE_S = 0.25  # the slowloris body's pace: one byte per this many seconds


def _head(h: BaseHTTPRequestHandler, status: int, content_type: str, length: int,
          extra: tuple[tuple[str, str], ...] = ()) -> None:
    h.send_response(status)
    h.send_header("Content-Type", content_type)
    h.send_header("Content-Length", str(length))
    for name, value in extra:
        h.send_header(name, value)
    h.end_headers()


def _page(title: str) -> bytes:
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>' \
           f"<body><h1>{title}</h1></body></html>".encode()


def status(code: int, retry_after: str = "") -> Answer:
    """An HTTP error page, with Retry-After when given."""
    def answer(h: BaseHTTPRequestHandler, hit: int) -> None:
        body = _page(f"{code} error")
        _head(h, code, "text/html; charset=utf-8", len(body), (("Retry-After", retry_after),) if retry_after else ())
        h.wfile.write(body)
    return answer


def redirect(location: Callable[[BaseHTTPRequestHandler], str]) -> Answer:
    """A 302 to ``location(handler)`` (a function: some targets name the server's own port)."""
    def answer(h: BaseHTTPRequestHandler, hit: int) -> None:
        _head(h, 302, "text/html; charset=utf-8", 0, (("Location", location(h)),))
    return answer


def reset(h: BaseHTTPRequestHandler, hit: int) -> None:
    """The connection is reset (RST) without an answer."""
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()
    h.close_connection = True


def silence(h: BaseHTTPRequestHandler, hit: int) -> None:
    """No answer at all: the connection stays open until the client gives up (or SILENCE_S)."""
    select.select([h.connection], [], [], SILENCE_S)
    h.close_connection = True


def short_body(h: BaseHTTPRequestHandler, hit: int) -> None:
    """Content-Length says 100000 bytes; 2000 come, then the connection closes."""
    _head(h, 200, "text/html; charset=utf-8", 100_000)
    h.wfile.write(b"<html><body>" + b"x" * 1988)
    h.close_connection = True


def dribble(h: BaseHTTPRequestHandler, hit: int) -> None:
    """A slowloris body: 4000 bytes promised, one sent every DRIBBLE_S seconds until the client leaves."""
    _head(h, 200, "text/html; charset=utf-8", 4000)
    try:
        for _ in range(4000):
            h.wfile.write(b"x")
            time.sleep(DRIBBLE_S)
    except OSError:  # the client gave up
        pass
    h.close_connection = True


def oversize(content_type: str, start: bytes) -> Answer:
    """OVERSIZE_BYTES of ``content_type`` with validators, streamed (the client stops reading at its limit)."""
    def answer(h: BaseHTTPRequestHandler, hit: int) -> None:
        _head(h, 200, content_type, OVERSIZE_BYTES, (("ETag", '"oversize"'),
                                                     ("Last-Modified", "Thu, 20 Jan 2022 00:30:00 GMT")))
        chunk = b" " * 65536
        try:
            h.wfile.write(start)
            for sent in range(len(start), OVERSIZE_BYTES, len(chunk)):
                h.wfile.write(chunk[:OVERSIZE_BYTES - sent])
        except OSError:
            h.close_connection = True
    return answer


def soft_404(h: BaseHTTPRequestHandler, hit: int) -> None:
    """200 for a page that does not exist (what many portals answer for every unknown URL)."""
    body = _page("页面不存在")
    _head(h, 200, "text/html; charset=utf-8", len(body))
    h.wfile.write(body)


def report_page(h: BaseHTTPRequestHandler, hit: int) -> None:
    """A report page with no attachments (where a flaky page or a redirect chain ends)."""
    body = site.fault_report_page(())
    _head(h, 200, "text/html; charset=utf-8", len(body))
    h.wfile.write(body)


def flaky(h: BaseHTTPRequestHandler, hit: int) -> None:
    """503 with Retry-After: 1 the first time, then the page."""
    (status(503, "1") if hit == 1 else report_page)(h, hit)


def endless_list(h: BaseHTTPRequestHandler, hit: int) -> None:
    """Page N of a list that never ends (N from ?pageNo=N): no rows, always a 下一页 to N + 1."""
    page_no = int(urlsplit(h.path).query.rsplit("=", 1)[-1] or 2)
    body = site.endless_list_page(page_no)
    _head(h, 200, "text/html; charset=utf-8", len(body))
    h.wfile.write(body)


def _own_port(path: str, host: str = "127.0.0.1") -> Callable[[BaseHTTPRequestHandler], str]:
    """A URL on this very server, by a loopback address (what an SSRF would reach)."""
    return lambda h: f"http://{host}:{h.connection.getsockname()[1]}{path}"


@dataclass(frozen=True)
class Fault:
    """One fault: its URL as linked, the outcome a crawl must record (None: it gets past it), the most requests it
    may cost (retries, hops and robots.txt included), how it is answered (None: as an unknown page, a soft 404),
    where it is linked (list: a row of the first list page; report: an attachment of the fault report page;
    registry: a start column of the site's row; more: the list's 下一页; none: reached by a redirect only), and
    the URL prefixes whose requests count against ``max_requests`` (default: the URL itself)."""

    name: str
    url: str
    outcome: str | None
    max_requests: int
    answer: Answer | None = None
    linked_from: str = "list"
    counted: tuple[str, ...] = ()

    @property
    def prefixes(self) -> tuple[str, ...]:
        return self.counted or (self.url,)


def _f(name: str, outcome: str | None, most: int, answer: Answer | None, path: str = "", linked_from: str = "list",
       counted: tuple[str, ...] = ()) -> Fault:
    """A fault under /faults/ on the site's www host (``path``: its file name, default ``<name>.html``)."""
    return Fault(name, f"{W}/faults/{path or name + '.html'}", outcome, most, answer, linked_from, counted)


FAULTS: tuple[Fault, ...] = (
    _f("http500", "http-500", 3, status(500)),
    _f("http502", "http-502", 3, status(502)),
    _f("http503", "http-503", 3, status(503)),
    _f("http503-retry-after", "http-503", 3, status(503, "1")),
    _f("http503-retry-after-too-long", "http-503", 1, status(503, "3600")),
    _f("flaky", None, 2, flaky),
    # Twisted sends a request again, once, when a reused keep-alive connection closes before any answer: 2 × 3.
    _f("reset", "connection-reset", 6, reset),
    _f("timeout", "timeout", 3, silence),
    _f("truncated-body", "data-loss", 3, short_body),
    _f("slowloris", "timeout", 3, dribble),
    _f("loop-a", "redirect-loop", 2, redirect(lambda h: f"{W}/faults/loop-b.html"), counted=(f"{W}/faults/loop-",)),
    _f("loop-b", None, 0, redirect(lambda h: f"{W}/faults/loop-a.html"), linked_from="none"),
    _f("endless-redirect", "too-many-redirects", 11, redirect(lambda h: f"{W}/faults/endless-redirect.html?hop="
                                                              f"{int(h.path.rsplit('=', 1)[-1] or 0) + 1}"),
       path="endless-redirect.html?hop=0", counted=(f"{W}/faults/endless-redirect.html",)),
    _f("moved", None, 3, redirect(lambda h: f"http://{site.HOP_HOST}/hop.html"),
       counted=(f"{W}/faults/moved", f"http://{site.HOP_HOST}/hop.html")),
    _f("moved-final", None, 1, report_page, linked_from="none"),
    _f("offsite", "offsite", 1, redirect(lambda h: "http://www.elsewhere.example/"),
       counted=(f"{W}/faults/offsite.html", "http://www.elsewhere.example/")),
    _f("intranet-v4", "private-address", 1, redirect(_own_port("/"))),
    _f("intranet-v6", "private-address", 1, redirect(_own_port("/", "[::1]"))),
    _f("cloud-metadata", "private-address", 1, redirect(lambda h: "http://169.254.169.254/latest/meta-data/")),
    _f("gone", "soft-404", 1, None),
    _f("oversize-page", "truncated", 1, oversize("text/html; charset=utf-8", b"<html><body>")),
    Fault("oversize-attachment", f"{ATTACHMENTS}oversize.pdf", "truncated", 1,
          oversize("application/pdf", b"%PDF-1.4\n"), linked_from="report"),
    Fault("soft-404-attachment", f"{ATTACHMENTS}missing.pdf", "soft-404", 1, linked_from="report"),
    Fault("dns-failure", f"http://{site.NX_HOST}/P020220120.pdf", "dns-failure", 3, linked_from="report"),
    Fault("tls-error", f"https://{site.HOST}{site.COLUMN}202201/secure.pdf", "tls-error", 6, linked_from="report",
          counted=(f"{site.HOST}:443",)),
    Fault("robots-column", site.ROBOTS_COLUMN, "robots-disallowed", 0, linked_from="registry"),
    Fault("endless-list", f"{W}{site.ENDLESS_LIST}?pageNo=2", None, site.MAX_LIST_PAGES, endless_list,
          linked_from="more", counted=(f"{W}{site.ENDLESS_LIST}",)),
    Fault("calendar", f"{W}{site.COLUMN}calendar/index.html?date=2021-01", None, 0, counted=(f"{W}{site.COLUMN}cal",)),
)
# Links in the list to private addresses: out of the site, never followed (the redirects above are refused).
PRIVATE_LINKS = ("http://127.0.0.1:9/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/")
ROBOTS_TXT = b"User-agent: *\nDisallow: /zfxxgknb/\n"


def _title(fault: Fault) -> str:
    return f"{site.NAME}{fault.name}单位2021年政府信息公开工作年度报告"


FAULT_SITE = site.spec(
    tuple(Link(_title(f), f.url, "2022-01-20") for f in FAULTS if f.linked_from == "list") +
    tuple(Link(f"{site.NAME}网站2021年政府信息公开工作年度报告", url, "2022-01-20") for url in PRIVATE_LINKS) +
    (Link(f"{site.NAME}档案局2021年政府信息公开工作年度报告", site.FAULT_REPORT, "2022-01-20"),),
    tuple(Link(f"{f.name}.pdf", f.url) for f in FAULTS if f.linked_from == "report"))
_BY_URL = {urlsplit(f.url)._replace(query="").geturl(): f for f in FAULTS if f.answer is not None}
_hits: WeakKeyDictionary[object, Counter[str]] = WeakKeyDictionary()
_hits_lock = threading.Lock()


def _hit(server: object, key: str) -> int:
    with _hits_lock:
        counts = _hits.setdefault(server, Counter())
        counts[key] += 1
        return counts[key]


def _known(handler: BaseHTTPRequestHandler, path: str) -> bool:
    """Whether the fault site has ``path`` (or its folder's index page)."""
    pages = build_site(FAULT_SITE, getattr(handler.server, "cache_dir", None))
    return any(p in pages for p in (path, path + "index.html", path + "/index.html")) or path == "/robots.txt"


def answer_fault(handler: BaseHTTPRequestHandler, host: str, path: str) -> bool:
    """Answer the request if it is one of the faults (or a host or unknown page of the fault site); else False."""
    url = f"http://{host}{path}"
    if host == site.NX_HOST:  # as a proxy that cannot resolve the name answers (squid's ERR_DNS_FAIL)
        handler.send_response(502)
        handler.send_header("X-Squid-Error", "ERR_DNS_FAIL 0")
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return _logged(handler, "dns-failure")
    if host == site.ROBOTS_HOST:
        body = ROBOTS_TXT if path == "/robots.txt" else _page("年报")
        _head(handler, 200, "text/plain; charset=utf-8" if path == "/robots.txt" else "text/html; charset=utf-8",
              len(body))
        handler.wfile.write(body)
        return _logged(handler, "robots")
    if host == site.HOP_HOST:
        if path == "/hop.html":
            redirect(lambda h: f"{W}/faults/moved-final.html")(handler, 1)
            return _logged(handler, "hop")
        return False
    if host != site.HOST:
        return False
    fault = _BY_URL.get(url)
    answer = fault.answer if fault is not None else (None if _known(handler, path) else soft_404)
    if answer is None:
        return False
    answer(handler, _hit(handler.server, url))
    return _logged(handler, fault.name if fault else "soft-404")


def connect_fault(handler: BaseHTTPRequestHandler, host: str) -> bool:
    """A CONNECT to the fault site: the tunnel opens, then plain text meets the client's TLS handshake."""
    if host not in (site.HOST, site.ROBOTS_HOST, site.HOP_HOST):
        return False
    handler.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
    select.select([handler.connection], [], [], 5)
    handler.wfile.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\nthis is not TLS\r\n")
    handler.close_connection = True
    return _logged(handler, "tls-error")


def _logged(handler: BaseHTTPRequestHandler, fault: str) -> bool:
    logger.info("site=%s method=%s url=%s fault=%s", site.SITE_ID, handler.command, handler.path, fault)
    return True


def registry_toml() -> str:
    """The fault site's registry row: its robots-disallowed column as a start column, the list-page bound."""
    return (f'[{site.SITE_ID}]\nname = "{site.NAME}"\nregion_code = "{site.REGION_CODE}"\n'
            f'home_url = "http://{site.HOST}/"\nfamily = "trs"\ncolumns = ["{site.ROBOTS_COLUMN}"]\n'
            f"max_list_pages = {site.MAX_LIST_PAGES}\n")
