"""What crawler/outcomes.py makes of each way a download ends (pure), the size limit's cut (crawler/limits.py) and
the record a cut body becomes (archive/records.py: WARC-Truncated)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    StopDownload,
)
from scrapy.http import HtmlResponse, Response
from twisted.internet.error import ConnectionLost

from archive.records import HttpExchange, RecordBuilder
from crawler.limits import DownloadLimit
from crawler.meta import TRUNCATED_FLAG
from crawler.outcomes import RefusedRequest, failure_outcome, response_outcome


def _caused(outer: Exception, cause: BaseException) -> Exception:
    outer.__cause__ = cause
    return outer


@pytest.mark.parametrize(("exc", "kind"), [
    (DownloadTimeoutError("took longer than 2.0 seconds"), "timeout"),
    (CannotResolveHostError("no such host"), "dns-failure"),
    (ResponseDataLossError(), "data-loss"),
    (DownloadConnectionRefusedError("refused"), "connection-refused"),
    (_caused(DownloadFailedError("failed"), ConnectionLost("Connection to the other side was lost")),
     "connection-reset"),
    (_caused(DownloadFailedError("failed"), Exception("OpenSSL.SSL.Error: wrong version number")), "tls-error"),
    (IgnoreRequest("Forbidden by robots.txt"), "robots-disallowed"),
    (RefusedRequest("private-address", "refused: 127.0.0.1 is not a public address"), "private-address"),
    (DownloadFailedError("something else"), "download-error"),
])
def test_failures_are_classified_with_a_reason(exc: Exception, kind: str) -> None:
    found, reason = failure_outcome(exc)
    assert (found, bool(reason)) == (kind, True)


def _html(body: bytes, status: int = 200, **headers: str) -> Response:
    return HtmlResponse("http://www.a.gov.cn/x.html", status=status, body=body, headers=headers)


def test_final_responses_are_classified() -> None:
    assert response_outcome(_html("<title>2021年年度报告</title>".encode()), 300) is None
    assert response_outcome(_html("<title>页面不存在</title>".encode()), 300) == (
        "soft-404", "a 200 page titled '页面不存在': the site's error page")
    assert response_outcome(_html(b"", 503, **{"Retry-After": "3600"}), 300) == (
        "http-503", "HTTP 503 with Retry-After 3600 (honoured up to NIANBAO_RETRY_AFTER_MAX=300 s)")
    assert response_outcome(_html(b"", 502, **{"X-Squid-Error": "ERR_DNS_FAIL 0"}), 300) == (
        "dns-failure", "the proxy could not resolve the host (X-Squid-Error: ERR_DNS_FAIL 0)")
    cut = Response("http://www.a.gov.cn/a.pdf", body=b"%PDF", flags=[TRUNCATED_FLAG])
    assert response_outcome(cut, 300) == ("truncated", "truncated: over NIANBAO_MAX_DOWNLOAD_MB (4 bytes kept)")


def test_the_size_limit_stops_at_the_limit_and_keeps_exactly_the_limit() -> None:
    limit = DownloadLimit(10)
    request = Request("http://www.a.gov.cn/a.pdf")
    limit.bytes_received(b"x" * 6, request)
    with pytest.raises(StopDownload) as stop:
        limit.bytes_received(b"y" * 6, request)
    assert stop.value.fail is False  # keep what came
    response = Response(request.url, body=b"x" * 6 + b"y" * 6, flags=["download_stopped"], request=request)
    cut = limit.process_response(request, response)
    assert cut.body == b"x" * 6 + b"y" * 4 and TRUNCATED_FLAG in cut.flags
    whole = Response(request.url, body=b"z" * 5, request=request)
    assert limit.process_response(request, whole) is whole  # once: the flag does not stick to the request


def test_a_truncated_exchange_is_a_response_record_that_says_so() -> None:
    ex = HttpExchange(url="http://www.a.gov.cn/a.pdf", method="GET", request_headers=[], request_body=b"",
                      protocol="HTTP/1.1", status=200, reason="", response_headers=[("Content-Length", "99")],
                      response_body=b"%PDF-1.4", sent_at=datetime(2026, 1, 1, tzinfo=UTC), truncated="length")
    _, cut = RecordBuilder().capture(ex)
    _, whole = RecordBuilder().capture(dataclasses.replace(ex, truncated=None))
    assert cut.rec_headers.get_header("WARC-Truncated") == "length"
    assert whole.rec_headers.get_header("WARC-Truncated") is None
    assert cut.rec_headers.get_header("WARC-Payload-Digest") == whole.rec_headers.get_header("WARC-Payload-Digest")
