"""Pure WARC/1.1 record building: an HTTP exchange in, warcio ``ArcWarcRecord``s with sha256 digests out.

Nothing here touches files, clocks or the network: dates come from the exchange (or the caller) and
record ids from an injectable source, so the same input always gives the same bytes.

HTTP heads are rebuilt from the client's parsed view of the exchange, not copied off the socket:

* the status line is ``<protocol> <status> <reason>``; an empty reason gives ``HTTP/1.1 200 `` (the
  RFC 9112 form with the trailing space), and Scrapy's ``h2`` protocol name is written as ``HTTP/2``;
* every header value is kept in order, repeated headers (``Set-Cookie``) as separate lines, and header
  strings are written back as latin-1, so latin-1-decoded wire bytes round-trip exactly;
* the body is stored as it came off the wire (still content-encoded) but *without* transfer-encoding,
  so a ``Transfer-Encoding`` header is renamed to ``X-Archive-Orig-Transfer-Encoding`` (otherwise
  readers would try to de-chunk a body that is not chunked). ``Content-Length`` is never added or
  changed: the WARC record length delimits the body, and the server's value stays as evidence;
* a request without a ``Host`` header gets one from its URL (clients add it on the wire), and the
  URL's ``#fragment`` (never sent) is left out of WARC-Target-URI and the request line.

A page rendered by a browser is not an HTTP exchange the client saw: its DOM after scripts ran becomes a
``conversion`` record (WARC 1.1 §6.8) whose block is the serialised DOM, pointing with WARC-Refers-To at the
record of the page as it came off the wire.

A 304 answering a revalidation becomes a server-not-modified ``revisit`` (WARC 1.1 §6.7.3) with an *empty* block:
WARC-Refers-To-Target-URI/-Date and the original's WARC-Payload-Digest say which capture it confirms. Replay
tools take a revisit's own HTTP head when it has one, and both pywb (a 3xx revisit head is replayed as it is,
without payload) and wabac.js (a 304 has a null body) would then answer the empty 304; without a head they
replay the confirmed capture's status, headers and payload at the revisit's date. What the 304 said is kept
where it means something: the conditional request record, the revisit's profile and date, and the capture's
status and validators in the catalogue; its own head (a Date, the same validators) is not written — one more
record per confirmation would cost a re-crawl ~1.5 % of the first crawl's bytes.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from urllib.parse import urldefrag, urlsplit, urlunsplit

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

from kernel.errors import ArchiveError

WARC_VERSION = "WARC/1.1"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
ORIG_TRANSFER_ENCODING = "X-Archive-Orig-Transfer-Encoding"

_CONTENT_TYPES = {
    "request": "application/http; msgtype=request",
    "response": "application/http; msgtype=response",
    "revisit": "application/http; msgtype=response",
    "metadata": "application/warc-fields",
    "warcinfo": "application/warc-fields",
}


@dataclass(frozen=True)
class HttpExchange:
    """One HTTP request and its response, as the client saw them (body still content-encoded)."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    protocol: str
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    response_body: bytes
    sent_at: datetime
    ip_address: str | None = None
    # Why the body is not whole ("length": cut at the crawl's size limit): the WARC-Truncated value (WARC 1.1 §5.13).
    truncated: str | None = None


@dataclass(frozen=True)
class OriginalCapture:
    """The earlier response record a revisit points at; ``payload_sha256`` is the hex digest.

    ``profile`` is the revisit profile: identical payload digest (dedup) or server-not-modified (a 304).
    """

    record_id: str
    url: str
    date: datetime
    payload_sha256: str
    profile: str = REVISIT_PROFILE


def payload_sha256(body: bytes) -> str:
    """Hex SHA-256 of a payload: the content-address used by storage."""
    return hashlib.sha256(body).hexdigest()


def warc_sha256(data: bytes) -> str:
    """WARC 1.1 digest label: ``sha256:`` + base32 (upper case) of the SHA-256."""
    return _label(hashlib.sha256(data).digest())


def warc_digest_from_hex(hex_digest: str) -> str:
    """Turn a hex SHA-256 (as stored by nianbao) into its WARC digest label."""
    try:
        raw = bytes.fromhex(hex_digest)
    except ValueError as exc:
        raise ValueError(f"not a hex sha256: {hex_digest!r}") from exc
    if len(raw) != 32:
        raise ValueError(f"not a hex sha256: {hex_digest!r}")
    return _label(raw)


def warc_date(when: datetime) -> str:
    """WARC 1.1 date with microseconds, e.g. ``2026-11-22T07:36:00.000123Z``; naive datetimes refused."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"WARC dates need an aware datetime, got {when!r}")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_record_id() -> str:
    """A fresh ``<urn:uuid:…>`` WARC-Record-ID."""
    return f"<urn:uuid:{uuid.uuid4()}>"


def record_bytes(record: ArcWarcRecord) -> bytes:
    """Serialise a record built by RecordBuilder (uncompressed): WARC head, block, CRLF CRLF."""
    head = record.http_headers.headers_buff if record.http_headers else b""
    stream = record.raw_stream
    body = stream.getvalue() if isinstance(stream, BytesIO) else stream.read()
    block = (head or b"") + (b"" if record.rec_type == "revisit" else body)
    declared = record.rec_headers.get_header("Content-Length")
    if declared != str(len(block)):
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        raise ArchiveError(f"record={record_id} Content-Length={declared} but block has {len(block)} bytes")
    return record.rec_headers.to_bytes(encoding="utf-8") + block + b"\r\n\r\n"


class RecordBuilder:
    """Builds WARC/1.1 request, response, revisit, conversion, metadata and warcinfo records.

    Every record carries WARC-Block-Digest and WARC-Payload-Digest (sha256, base32), except a request
    without a body, which has no payload to digest. Record ids come
    from ``record_id`` (inject a counter for byte-exact tests); ids are drawn in call order.
    """

    def __init__(self, *, record_id: Callable[[], str] = new_record_id) -> None:
        self._record_id = record_id

    def capture(
        self, ex: HttpExchange, *, refers_to: OriginalCapture | None = None
    ) -> tuple[ArcWarcRecord, ArcWarcRecord]:
        """(request, response-or-revisit) pointing at each other with WARC-Concurrent-To."""
        request_id, response_id = self._record_id(), self._record_id()
        request = self._request(ex, request_id, concurrent_to=response_id)
        if refers_to is None:
            return request, self._response(ex, response_id, concurrent_to=request_id)
        return request, self._revisit(ex, response_id, refers_to=refers_to, concurrent_to=request_id)

    def request(self, ex: HttpExchange, *, concurrent_to: str | None = None) -> ArcWarcRecord:
        return self._request(ex, self._record_id(), concurrent_to=concurrent_to)

    def response(self, ex: HttpExchange, *, concurrent_to: str | None) -> ArcWarcRecord:
        return self._response(ex, self._record_id(), concurrent_to=concurrent_to)

    def revisit(
        self, ex: HttpExchange, *, refers_to: OriginalCapture, concurrent_to: str | None = None
    ) -> ArcWarcRecord:
        return self._revisit(ex, self._record_id(), refers_to=refers_to, concurrent_to=concurrent_to)

    def metadata(
        self,
        url: str,
        sent_at: datetime,
        fields: dict[str, list[str]] | str,
        concurrent_to: str | None,
    ) -> ArcWarcRecord:
        """A metadata record; ``fields`` is a name → values mapping or a ready warc-fields text."""
        if isinstance(fields, str):
            block = fields.encode("utf-8")
        else:
            block = _warc_fields([(name, value) for name, values in fields.items() for value in values])
        headers = self._warc_headers("metadata", self._record_id(), sent_at, url, None, concurrent_to)
        return self._record("metadata", headers, None, block, payload_digest=warc_sha256(block))

    def conversion(
        self, url: str, date: datetime, body: bytes, content_type: str, *, refers_to: str | None = None
    ) -> ArcWarcRecord:
        """A `conversion` record: ``body`` (e.g. a rendered DOM) derived from the record ``refers_to``, if known.

        The block is the converted content itself, so it is also the payload both digests cover.
        """
        headers = self._warc_headers("conversion", self._record_id(), date, url, None, None)
        if refers_to:
            headers.add_header("WARC-Refers-To", refers_to)
        return self._record("conversion", headers, None, body, warc_sha256(body), content_type=content_type)

    def warcinfo(self, filename: str, info: dict[str, str], *, date: datetime) -> ArcWarcRecord:
        """The warcinfo record that opens file ``filename``; ``info`` becomes its warc-fields block."""
        block = _warc_fields(list(info.items()))
        headers = self._warc_headers("warcinfo", self._record_id(), date, None, None, None)
        headers.add_header("WARC-Filename", filename)
        return self._record("warcinfo", headers, None, block, payload_digest=warc_sha256(block))

    def _request(self, ex: HttpExchange, record_id: str, *, concurrent_to: str | None) -> ArcWarcRecord:
        http = StatusAndHeaders(
            f"{_request_target(ex.url)} {_protocol(ex.protocol)}",
            _with_host(ex.request_headers, ex.url),
            protocol=ex.method.upper(),
        )
        headers = self._warc_headers("request", record_id, ex.sent_at, ex.url, ex.ip_address, concurrent_to)
        # A GET has no payload: its WARC-Payload-Digest would be the digest of b"" on every request record.
        digest = warc_sha256(ex.request_body) if ex.request_body else None
        return self._record("request", headers, http, ex.request_body, digest)

    def _response(self, ex: HttpExchange, record_id: str, *, concurrent_to: str | None) -> ArcWarcRecord:
        headers = self._warc_headers("response", record_id, ex.sent_at, ex.url, ex.ip_address, concurrent_to)
        if ex.truncated:  # the block holds the first bytes only; the HTTP head still says what the server sent
            headers.add_header("WARC-Truncated", ex.truncated)
        body = ex.response_body
        return self._record("response", headers, _response_head(ex), body, warc_sha256(body))

    def _revisit(
        self, ex: HttpExchange, record_id: str, *, refers_to: OriginalCapture, concurrent_to: str | None
    ) -> ArcWarcRecord:
        headers = self._warc_headers("revisit", record_id, ex.sent_at, ex.url, ex.ip_address, concurrent_to)
        headers.add_header("WARC-Profile", refers_to.profile)
        headers.add_header("WARC-Refers-To", refers_to.record_id)
        headers.add_header("WARC-Refers-To-Target-URI", refers_to.url)
        headers.add_header("WARC-Refers-To-Date", warc_date(refers_to.date))
        digest = warc_digest_from_hex(refers_to.payload_sha256)
        if refers_to.profile == NOT_MODIFIED_PROFILE:  # no HTTP head: replay takes the original's (module doc)
            return self._record("revisit", headers, None, b"", payload_digest=digest, content_type="")
        return self._record("revisit", headers, _response_head(ex), b"", payload_digest=digest)

    @staticmethod
    def _warc_headers(
        rec_type: str,
        record_id: str,
        date: datetime,
        url: str | None,
        ip_address: str | None,
        concurrent_to: str | None,
    ) -> StatusAndHeaders:
        headers = StatusAndHeaders("", [], protocol=WARC_VERSION)
        headers.add_header("WARC-Type", rec_type)
        headers.add_header("WARC-Record-ID", record_id)
        headers.add_header("WARC-Date", warc_date(date))
        if url is not None:
            headers.add_header("WARC-Target-URI", urldefrag(url).url)
        if ip_address:
            headers.add_header("WARC-IP-Address", ip_address)
        if concurrent_to:
            headers.add_header("WARC-Concurrent-To", concurrent_to)
        return headers

    @staticmethod
    def _record(
        rec_type: str,
        headers: StatusAndHeaders,
        http: StatusAndHeaders | None,
        payload: bytes,
        payload_digest: str | None,
        *,
        content_type: str | None = None,
    ) -> ArcWarcRecord:
        content_type = _CONTENT_TYPES[rec_type] if content_type is None else content_type
        head = b""
        if http is not None:
            head = _head_bytes(http)
            http.headers_buff = head
        block = head + payload
        if payload_digest is not None:
            headers.add_header("WARC-Payload-Digest", payload_digest)
        headers.add_header("WARC-Block-Digest", warc_sha256(block))
        if content_type:  # "": an empty block has no type (WARC 1.1: Content-Type is for non-empty blocks)
            headers.add_header("Content-Type", content_type)
        headers.add_header("Content-Length", str(len(block)))
        return ArcWarcRecord(
            "warc",
            rec_type,
            headers,
            BytesIO(payload),
            http,
            content_type,
            len(block),
            payload_length=len(payload),
        )


def _label(raw_sha256: bytes) -> str:
    return "sha256:" + base64.b32encode(raw_sha256).decode("ascii")


def _protocol(protocol: str) -> str:
    if not protocol:
        return "HTTP/1.1"
    if protocol.lower() in ("h2", "http/2", "http/2.0"):
        return "HTTP/2"
    return protocol


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def _with_host(headers: list[tuple[str, str]], url: str) -> list[tuple[str, str]]:
    if any(name.lower() == "host" for name, _ in headers):
        return list(headers)
    host = urlsplit(url).netloc.rpartition("@")[2]
    return [("Host", host), *headers]


def _response_head(ex: HttpExchange) -> StatusAndHeaders:
    headers = [
        (ORIG_TRANSFER_ENCODING if name.lower() == "transfer-encoding" else name, value)
        for name, value in ex.response_headers
    ]
    return StatusAndHeaders(f"{ex.status} {ex.reason}", headers, protocol=_protocol(ex.protocol))


def _head_bytes(http: StatusAndHeaders) -> bytes:
    """Status line and headers as latin-1 (UTF-8 for a line latin-1 cannot hold), ending CRLF CRLF."""
    lines = [f"{http.protocol} {http.statusline}"]
    lines += [f"{name}: {value}" for name, value in http.headers]
    return b"".join(_latin1_or_utf8(line) + b"\r\n" for line in lines) + b"\r\n"


def _latin1_or_utf8(line: str) -> bytes:
    try:
        return line.encode("latin-1")
    except UnicodeEncodeError:
        return line.encode("utf-8")


def _warc_fields(fields: list[tuple[str, str]]) -> bytes:
    for name, value in fields:
        if any(ch in name + value for ch in "\r\n") or ":" in name:
            raise ValueError(f"bad warc-fields entry {name!r}: {value!r}")
    return b"".join(f"{name}: {value}\r\n".encode() for name, value in fields)
