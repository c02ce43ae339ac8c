"""Helpers for the archive tests: a sample exchange, counting record ids, a ticking clock, warcio checks."""

from __future__ import annotations

import gzip
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.cli import main as warcio_main

from archive.records import HttpExchange

SENT_AT = datetime(2026, 11, 22, 7, 36, 0, 123456, tzinfo=UTC)
HTML = "<html><body>政府信息公开工作年度报告</body></html>".encode()


def make_exchange(
    url: str = "http://www.example.gov.cn/xxgk/ndbg/index.html?page=2&y=2025", **changes: object
) -> HttpExchange:
    """A gzip-encoded 200 with two Set-Cookie headers; keyword arguments replace fields."""
    fields: dict[str, object] = {
        "url": url,
        "method": "GET",
        "request_headers": [("User-Agent", "nianbao-test"), ("Accept-Encoding", "gzip, deflate, br")],
        "request_body": b"",
        "protocol": "HTTP/1.1",
        "status": 200,
        "reason": "",
        "response_headers": [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Set-Cookie", "JSESSIONID=abc; Path=/"),
            ("Set-Cookie", "SERVERID=s1; Path=/"),
            ("Transfer-Encoding", "chunked"),
        ],
        "response_body": gzip.compress(HTML, mtime=0),
        "sent_at": SENT_AT,
        "ip_address": "127.0.0.1",
    }
    fields.update(changes)
    return HttpExchange(**fields)  # type: ignore[arg-type]


def counting_ids() -> Callable[[], str]:
    """A deterministic record-id source: <urn:uuid:00000000-…-000000000001>, …"""
    counter = itertools.count(1)
    return lambda: f"<urn:uuid:00000000-0000-0000-0000-{next(counter):012d}>"


def ticking_clock(start: datetime = SENT_AT) -> Callable[[], datetime]:
    """A clock that advances one second per call."""
    ticks = itertools.count()
    return lambda: start + timedelta(seconds=next(ticks))


def warcio_check(path: Path) -> int:
    """Exit code of ``warcio check`` (digest verification) on ``path``."""
    with pytest.raises(SystemExit) as exited:
        warcio_main(["check", str(path)])
    return int(exited.value.code or 0)


def read_all(path: Path) -> list[tuple[str, dict[str, list[str]], bytes]]:
    """(WARC-Type, WARC headers as name → values, full payload) of every record, digests checked."""
    out = []
    with open(path, "rb") as file:
        for record in ArchiveIterator(file, check_digests=True):
            payload = record.raw_stream.read()
            assert record.digest_checker.passed is not False, record.digest_checker.problems
            headers: dict[str, list[str]] = {}
            for name, value in record.rec_headers.headers:
                headers.setdefault(name, []).append(value)
            out.append((record.rec_type, headers, payload))
    return out
