"""Two crawls of the unchanged sample 平罗县: the second revalidates (304 → revisit), the archive verifies,
indexes, exports to WACZ and replays in pywb."""

from __future__ import annotations

import json
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.cdxj import cdxj_lines, index_path
from archive.records import NOT_MODIFIED_PROFILE
from archive.wacz import validate_wacz
from sampleweb.server import SampleWebServer
from sampleweb.truth import expected_reports
from tests.archive.counting_proxy import CountingForwarder
from tests.archive.warc_helpers import warcio_check
from tests.conftest import run_nianbao
from tests.replay.servers import serve_pywb


@dataclass(frozen=True)
class TwoCrawls:
    home: Path
    env: dict[str, str]
    downloaded: tuple[int, int]
    first_files: list[Path]
    second_files: list[Path]
    reports: tuple[str, str]

    @property
    def warc_dir(self) -> Path:
        return self.home / "warcs"


def _records(path: Path) -> list[tuple[str, Any, bytes]]:
    with path.open("rb") as f:
        return [(r.rec_type, r.rec_headers, r.raw_stream.read()) for r in ArchiveIterator(f)]


def _decoded_responses(files: list[Path]) -> dict[str, bytes]:
    """Target URI → response payload with its Content-Encoding undone (warcio's content stream)."""
    out = {}
    for path in files:
        with path.open("rb") as f:
            for r in ArchiveIterator(f):
                if r.rec_type == "response":
                    out[r.rec_headers.get_header("WARC-Target-URI")] = r.content_stream().read()
    return out


@pytest.fixture(scope="module")
def two_crawls(sampleweb: SampleWebServer, tmp_path_factory: pytest.TempPathFactory) -> TwoCrawls:
    home = tmp_path_factory.mktemp("recrawl") / "data"
    env = {"NIANBAO_HOME": str(home)}
    warcs = home / "warcs"
    with CountingForwarder(sampleweb.port) as proxy:
        args = ["crawl", "pingluo", "--proxy", proxy.url]
        first = run_nianbao(args, env)
        assert first.returncode == 0, first.stderr[-3000:]
        downloaded_first = proxy.take()
        first_files = sorted(warcs.glob("*.warc.gz"))
        reports_first = run_nianbao(["reports", "--format", "json"], env).stdout
        second = run_nianbao(args, env)
        assert second.returncode == 0, second.stderr[-3000:]
        downloaded_second = proxy.take()
    second_files = sorted(set(warcs.glob("*.warc.gz")) - set(first_files))
    reports_second = run_nianbao(["reports", "--format", "json"], env).stdout
    return TwoCrawls(home, env, (downloaded_first, downloaded_second), first_files, second_files,
                     (reports_first, reports_second))


def test_recrawl_downloads_under_5_percent(two_crawls: TwoCrawls) -> None:
    """Besides the list pages the spider must re-read (home, section, column lists: 200 again), everything
    is revalidated with a 304 and nothing else is downloaded twice."""
    first, second = two_crawls.downloaded
    bodies = {h.get_header("WARC-Target-URI"): b for f in two_crawls.first_files
              for t, h, b in _records(f) if t == "response"}
    (second_file,) = two_crawls.second_files
    refetched = [h.get_header("WARC-Target-URI") for t, h, _ in _records(second_file)
                 if t in ("response", "revisit") and h.get_header("WARC-Profile") != NOT_MODIFIED_PROFILE]
    list_bytes = sum(len(bodies[url]) for url in refetched)
    print(f"downloaded first={first} second={second} ratio={second / first:.3f} "
          f"list pages re-read={len(refetched)} ({list_bytes} bytes of body)")
    assert first > 900_000  # pages come gzipped, as from the portals' nginx; the report files as they are
    assert second <= 0.05 * first
    assert all(not url.endswith((".pdf", ".doc", ".docx")) for url in refetched)


def test_recrawl_writes_no_payload_twice(two_crawls: TwoCrawls) -> None:
    first_ids = {h.get_header("WARC-Record-ID") for f in two_crawls.first_files for _, h, _ in _records(f)}
    (second,) = two_crawls.second_files
    records = _records(second)
    not_modified = [h for t, h, _ in records if t == "revisit" and h.get_header("WARC-Profile") == NOT_MODIFIED_PROFILE]
    assert {t for t, _, _ in records} <= {"warcinfo", "request", "revisit", "metadata"}
    assert all(b == b"" for t, _, b in records if t in ("request", "revisit"))
    assert len(not_modified) >= 20 and all(h.get_header("WARC-Refers-To") in first_ids for h in not_modified)
    first_size = sum(f.stat().st_size for f in two_crawls.first_files)
    ratio = second.stat().st_size / first_size
    print(f"WARC bytes first={first_size} second={second.stat().st_size} ratio={ratio:.3f}")
    assert ratio <= 0.05
    # Each revalidation costs a request and a revisit record (~1.3 KB gzipped: ids and digests do not compress).
    captures = sum(1 for t, _, _ in records if t == "revisit")
    assert second.stat().st_size <= 1400 * captures + 2000 * (len(records) - 2 * captures)


def test_unchanged_list_pages_point_at_their_earlier_links(two_crawls: TwoCrawls) -> None:
    first_ids = {h.get_header("WARC-Record-ID") for f in two_crawls.first_files for _, h, _ in _records(f)}
    (second,) = two_crawls.second_files
    blocks = [b.decode("utf-8").splitlines() for t, _, b in _records(second) if t == "metadata"]
    assert blocks and all(not any(line.startswith("outlink: ") for line in block) for block in blocks)
    assert all(line.split(": ", 1)[1] in first_ids for block in blocks for line in block
               if line.startswith("links-as-in: "))


def test_reports_are_unchanged_by_the_recrawl(two_crawls: TwoCrawls) -> None:
    first, second = two_crawls.reports
    assert first.strip() and first == second


def test_pages_get_metadata_records(two_crawls: TwoCrawls) -> None:
    report = next(r for r in expected_reports("pingluo") if r.attachment_urls)
    records = [rec for f in two_crawls.first_files for rec in _records(f)]
    response = next(h for t, h, _ in records if t == "response" and h.get_header("WARC-Target-URI") == report.page_url)
    (block,) = [b for t, h, b in records if t == "metadata" and h.get_header("WARC-Target-URI") == report.page_url]
    meta = next(h for t, h, _ in records if t == "metadata" and h.get_header("WARC-Target-URI") == report.page_url)
    assert meta.get_header("WARC-Concurrent-To") == response.get_header("WARC-Record-ID")
    lines = block.decode("utf-8").splitlines()
    assert "callback: parse_article" in lines and any(line.startswith("via: http://") for line in lines)
    attachments = [line.split(" ", 2) for line in lines if line.startswith("attachment: ")]
    assert [url for _, url, _ in attachments] == list(report.attachment_urls)
    assert all(text.strip() for _, _, text in attachments)


def test_archive_verifies_and_every_file_is_indexed(two_crawls: TwoCrawls) -> None:
    out = run_nianbao(["archive", "verify"], two_crawls.env)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    for warc in two_crawls.first_files + two_crawls.second_files:
        assert warcio_check(warc) == 0
        assert index_path(warc).read_text(encoding="utf-8").splitlines() == cdxj_lines(warc)


def test_export_wacz_of_the_first_crawl_validates(two_crawls: TwoCrawls) -> None:
    output = two_crawls.home / "crawl-1.wacz"
    out = run_nianbao(["archive", "export-wacz", "--crawl", "1", "-o", str(output)], two_crawls.env)
    assert out.returncode == 0, out.stderr[-3000:]
    ok, log = validate_wacz(output)
    assert ok, log
    with zipfile.ZipFile(output) as wacz:
        names = set(wacz.namelist())
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").decode().splitlines()]
    assert {"datapackage.json", "datapackage-digest.json", "indexes/index.cdx.gz"} <= names
    assert {f"archive/{f.name}" for f in two_crawls.first_files} <= names
    assert not {f"archive/{f.name}" for f in two_crawls.second_files} & names
    report = expected_reports("pingluo")[0]
    assert pages[0]["format"] == "json-pages-1.0"
    assert {report.page_url, *report.attachment_urls} <= {p.get("url") for p in pages[1:]}


@pytest.fixture
def pywb_url(two_crawls: TwoCrawls) -> Iterator[str]:
    with serve_pywb(two_crawls.home, two_crawls.env) as url:
        yield url


def test_pywb_replays_a_report_page_and_its_pdf(two_crawls: TwoCrawls, pywb_url: str) -> None:
    report = next(r for r in expected_reports("pingluo") if any(u.endswith(".pdf") for u in r.attachment_urls))
    pdf = next(u for u in report.attachment_urls if u.endswith(".pdf"))
    archived = _decoded_responses(two_crawls.first_files)
    for url in (report.page_url, pdf):
        with urllib.request.urlopen(f"{pywb_url}/id_/{url}", timeout=20) as resp:  # newest capture
            # A client that does not accept gzip gets the page as the server sent it, its gzip undone.
            assert resp.status == 200 and resp.read() == archived[url], url
    with urllib.request.urlopen(f"{pywb_url}/mp_/{report.page_url}", timeout=20) as resp:  # rewritten page
        assert resp.status == 200 and report.unit_name.encode() in resp.read()
