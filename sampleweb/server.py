"""The loopback HTTP server of the sample web: an HTTP proxy (absolute-form URLs) and a Host-routed origin."""

from __future__ import annotations

import argparse
import email.utils
import gzip
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qsl, unquote, urlsplit

from sampleweb.faults import FAULT_SITE, answer_fault, connect_fault
from sampleweb.resources import Resource, build_site, published, site_endpoints
from sampleweb.site import Reply
from sampleweb.sites import SITES

logger = logging.getLogger("sampleweb")
_BY_HOST = {spec.hostname: spec for spec in (*SITES.values(), FAULT_SITE)}
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SEEN_MAX = 100_000


def _split_target(target: str, host_header: str) -> tuple[str, str]:
    """(hostname, path) of a request target in absolute form or origin form (then the Host header counts)."""
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        return (parts.hostname or "").lower(), unquote(parts.path or "/")
    host = host_header.rsplit(":", 1)[0] if not host_header.endswith("]") else host_header
    return host.strip("[]").lower(), unquote(urlsplit(target).path or "/")


def _params(query: str, form: bytes) -> dict[str, str]:
    """GET and POST parameters merged (the form wins), first value of each name."""
    merged: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        merged.setdefault(name, value)
    posted: dict[str, str] = {}
    for name, value in parse_qsl(form.decode("utf-8", "replace"), keep_blank_values=True):
        posted.setdefault(name, value)
    return merged | posted


def _not_modified(resource: Resource, if_none_match: str | None, if_modified_since: str | None) -> bool:
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or resource.etag in tags
    if if_modified_since:
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return since.tzinfo is not None and resource.last_modified <= since
    return False


def _compressible(content_type: str) -> bool:
    """Pages the server gzips for a client that accepts it (HTML, like a portal's nginx); files go as they are."""
    return content_type.split(";", 1)[0].strip().lower() == "text/html"


class SampleWebHandler(BaseHTTPRequestHandler):
    """Answers GET/HEAD for the registered sites; CONNECT is refused (https is not served)."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle on, each keep-alive response stalls ~40 ms.
    disable_nagle_algorithm = True
    server_version = "sampleweb/1.0"
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def do_POST(self) -> None:  # noqa: N802 - only endpoints (jpage dataproxy, JSON lists) accept a form
        length = int(self.headers.get("Content-Length") or 0)
        self._serve(send_body=True, form=self.rfile.read(length) if length else b"")

    def do_CONNECT(self) -> None:  # noqa: N802
        self.server.note(SeenRequest(self.command, self.path.rsplit(":", 1)[0].strip("[]").lower(), self.path,
                                     tuple(self.headers.keys())))
        if connect_fault(self, self.path.rsplit(":", 1)[0].strip("[]").lower()):
            return
        self._send_text(HTTPStatus.NOT_IMPLEMENTED, "CONNECT is not supported: the sample web serves http only\n",
                        True, site="-")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature of the base class
        logger.debug("http_server " + format, *args)

    def _serve(self, send_body: bool, form: bytes = b"") -> None:
        host, path = _split_target(self.path, self.headers.get("Host", ""))
        self.server.note(SeenRequest(self.command, host, self.path, tuple(self.headers.keys())))
        if answer_fault(self, host, path):
            return None
        spec = _BY_HOST.get(host)
        if spec is None:
            if host in _LOOPBACK and path == "/":
                return self._send_index(send_body)
            return self._send_text(HTTPStatus.BAD_GATEWAY, f"sampleweb: unknown host {host!r}\n", send_body, "-")
        endpoint = site_endpoints(spec, self.server.cache_dir).get(path)
        if endpoint is not None:
            reply = endpoint.respond(_params(urlsplit(self.path).query, form))
            if reply is None:
                return self._send_text(HTTPStatus.NOT_FOUND, "404 Not Found\n", send_body, spec.site_id)
            return self._send_reply(reply, send_body, spec.site_id)
        if self.command == "POST":
            return self._send_text(HTTPStatus.METHOD_NOT_ALLOWED, "405 Method Not Allowed\n", send_body,
                                   spec.site_id)
        resources = build_site(spec, self.server.cache_dir)
        resource = resources.get(path + "index.html" if path.endswith("/") else path)
        if resource is None and path + "/index.html" in resources:
            return self._redirect(f"http://{host}{path}/", send_body, spec.site_id)
        if resource is None:
            return self._send_text(HTTPStatus.NOT_FOUND, "404 Not Found\n", send_body, spec.site_id)
        self._send_resource(resource, send_body, spec.site_id)

    def _send_reply(self, reply: Reply, send_body: bool, site: str) -> None:
        resource = Resource(reply.body, reply.content_type, published(reply.last_modified), reply.status)
        self._send_resource(resource, send_body, site)

    def _send_resource(self, resource: Resource, send_body: bool, site: str) -> None:
        if resource.delay_s:
            time.sleep(resource.delay_s)
        if resource.status != HTTPStatus.OK:
            return self._send_text(HTTPStatus(resource.status), resource.body.decode("utf-8"), send_body, site,
                                   content_type=resource.content_type)
        if _not_modified(resource, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")):
            self._log(site, HTTPStatus.NOT_MODIFIED, 0)
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._validators(resource)
            self.end_headers()
            return None
        body = resource.body
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", resource.content_type)
        if _compressible(resource.content_type):  # as the portals' nginx does (gzip_types text/html …)
            self.send_header("Vary", "Accept-Encoding")
            if "gzip" in (self.headers.get("Accept-Encoding") or "").lower():
                body = gzip.compress(body, mtime=0)
                self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self._validators(resource)
        self._log(site, HTTPStatus.OK, len(body))  # before the body, so a client never outruns the log
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _validators(self, resource: Resource) -> None:
        self.send_header("Last-Modified", email.utils.format_datetime(resource.last_modified, usegmt=True))
        self.send_header("ETag", resource.etag)

    def _redirect(self, location: str, send_body: bool, site: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self._log(site, HTTPStatus.MOVED_PERMANENTLY, 0)
        self.end_headers()

    def _send_index(self, send_body: bool) -> None:
        rows = "".join(f'<li><a href="{s.home_url}">{s.name}</a> {s.hostname}</li>' for s in SITES.values())
        body = f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>sampleweb</title></head><body>' \
               f"<p>Use this server as http_proxy. Sites:</p><ul>{rows}</ul></body></html>"
        self._send_text(HTTPStatus.OK, body, send_body, "-", content_type="text/html; charset=utf-8")

    def _send_text(self, status: HTTPStatus, text: str, send_body: bool, site: str,
                   content_type: str = "text/plain; charset=utf-8") -> None:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self._log(site, status, len(body))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _log(self, site: str, status: int, size: int) -> None:
        logger.info("site=%s method=%s url=%s status=%d bytes=%d", site, self.command, self.path, status, size)


@dataclass(frozen=True)
class SeenRequest:
    """One request the sample web received (as a proxy or as an origin), in the order they came."""

    method: str
    host: str
    target: str
    headers: tuple[str, ...]  # the names of its headers, in the order sent


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    cache_dir: Path | None = None

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        # The last SEEN_MAX requests (a long-running `nianbao sampleweb` must not grow without bound).
        self._seen: deque[SeenRequest] = deque(maxlen=SEEN_MAX)
        self._seen_lock = threading.Lock()

    def note(self, request: SeenRequest) -> None:
        """Log one request (tests read it back: which hosts a crawl or a browser asked the proxy for)."""
        with self._seen_lock:
            self._seen.append(request)

    def seen(self) -> list[SeenRequest]:
        with self._seen_lock:
            return list(self._seen)


class SampleWebServer:
    """The sample web on loopback; ``with SampleWebServer() as web:`` then use ``web.proxy_url`` as http_proxy."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", cache_dir: Path | None = None) -> None:
        self._requested = (host, port)
        self._cache_dir = cache_dir
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    def _bind(self) -> _Server:
        if self._httpd is None:
            self._httpd = _Server(self._requested, SampleWebHandler)
            self._httpd.cache_dir = self._cache_dir
        return self._httpd

    @property
    def port(self) -> int:
        return int(self._bind().server_address[1])

    @property
    def requests(self) -> list[SeenRequest]:
        """The requests received since start (the last SEEN_MAX), oldest first."""
        return self._bind().seen()

    @property
    def proxy_url(self) -> str:
        return f"http://{self._requested[0]}:{self.port}"

    def render(self, site_id: str) -> None:
        """Render every page and attachment of ``site_id`` now instead of on its first request."""
        build_site(SITES[site_id], self._cache_dir)

    def start(self) -> None:
        """Serve in a background daemon thread."""
        httpd = self._bind()
        self._thread = threading.Thread(target=httpd.serve_forever, name="sampleweb", daemon=True)
        self._thread.start()
        logger.info("event=start url=%s", self.proxy_url)

    def serve_forever(self) -> None:
        """Serve in the calling thread until shutdown() or KeyboardInterrupt."""
        self._bind().serve_forever()

    def stop(self) -> None:
        if self._httpd is not None:
            if self._thread is not None:
                self._httpd.shutdown()
                self._thread.join()
            self._httpd.server_close()
            self._httpd, self._thread = None, None

    def __enter__(self) -> SampleWebServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """CLI: serve the sample web until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="sampleweb", description="Serve the sample county web on loopback.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    server = SampleWebServer(port=args.port, host=args.host, cache_dir=args.cache_dir)
    print(f"sampleweb listening on {server.proxy_url} (use as http_proxy)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
