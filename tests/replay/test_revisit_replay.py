"""pywb over the archive of a crawl and its re-crawl: a page the re-crawl confirmed with a 304 has a capture per
crawl in pywb's timemap and calendar, and its later capture replays as the content it confirms."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC
from email.utils import format_datetime

import pytest
from warcio.timeutils import timestamp_to_datetime

from tests.conftest import run_nianbao
from tests.replay.conftest import Recrawled
from tests.replay.servers import serve_pywb


@pytest.fixture(scope="module")
def pywb(recrawled: Recrawled) -> Iterator[str]:
    """pywb serving the re-crawled archive; yields the collection URL."""
    with serve_pywb(recrawled.home, recrawled.env) as url:
        yield url


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=20) as resp:
        return resp.status, dict(resp.headers.items()), resp.read()


def test_the_recrawl_confirmed_every_report_page_and_attachment(recrawled: Recrawled) -> None:
    """The premise of the tests below: each report URL has its first capture and a 304 confirmation."""
    for url in recrawled.report_urls():
        assert url in recrawled.originals and recrawled.confirmed.get(url), url
        assert len(recrawled.timeline[url]) == 1 + len(recrawled.confirmed[url]), url


def test_pywb_timemap_and_calendar_list_every_capture(recrawled: Recrawled, pywb: str) -> None:
    for url in recrawled.report_urls():
        _, _, body = _get(f"{pywb}/timemap/json/{url}")
        timemap = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
        assert sorted(entry["timestamp"] for entry in timemap) == sorted(recrawled.timeline[url]), url
        # The calendar page (pywb's query UI) reads the same index through its CDX API, which replay answers too.
        query = urllib.parse.urlencode({"url": url, "output": "json"})
        _, _, cdx = _get(f"{pywb}/cdx?{query}")
        assert len(cdx.decode().splitlines()) == len(recrawled.timeline[url]), url


def test_pywb_replays_each_confirmation_as_the_content_it_confirms(recrawled: Recrawled, pywb: str) -> None:
    replayed = 0
    for url in recrawled.report_urls():
        for timestamp in recrawled.timeline[url]:
            status, headers, body = _get(f"{pywb}/{timestamp}id_/{url}")
            assert status == 200 and body == recrawled.originals[url], (url, timestamp)
            # The memento served is the capture asked for (the revisit's date), not the original's.
            assert headers["Memento-Datetime"] == format_datetime(timestamp_to_datetime(timestamp).replace(tzinfo=UTC),
                                                                  usegmt=True)
            replayed += 1
    confirmations = sum(len(recrawled.confirmed[url]) for url in recrawled.report_urls())
    print(f"pywb replayed {replayed} captures of {len(recrawled.report_urls())} report URLs "
          f"({confirmations} of them 304 confirmations)")


def test_nianbao_archive_captures_lists_every_crawl(recrawled: Recrawled) -> None:
    pdf = next(url for url in recrawled.report_urls() if url.endswith(".pdf"))
    for url in (recrawled.reports[0].page_url, pdf):
        out = run_nianbao(["archive", "captures", url], recrawled.env)
        assert out.returncode == 0, out.stderr[-3000:]
        lines = [line.split() for line in out.stdout.splitlines()]
        assert [line[0] for line in lines] == sorted(recrawled.timeline[url]), url
        assert all(line[1] == "200" for line in lines) and lines[-1][2] == "warc/revisit"
