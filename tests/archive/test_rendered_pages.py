"""A page the browser renders (灵武市, the Kaipu JS-list family) is archived as a `conversion` record of its DOM,
referring to the page's static response, never as a response; the archive verifies and the replay index skips it.

Two crawls with Chromium: on the second the static column page is an identical-payload revisit, and the new
DOM refers to that revisit, not to the first crawl's records.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.cdxj import cdxj_lines, index_path
from archive.records import warc_sha256
from sampleweb.server import SampleWebServer
from sampleweb.truth import expected_reports
from tests.archive.warc_helpers import read_all, warcio_check
from tests.conftest import run_nianbao

COLUMN = "http://www.lingwu.gov.cn/xxgk/zfxxgknb/"
Record = tuple[str, dict[str, list[str]], bytes]


@dataclass(frozen=True)
class RenderedCrawls:
    home: Path
    env: dict[str, str]
    first: list[Record]
    second: list[Record]
    files: list[Path]


def _one(headers: dict[str, list[str]], name: str) -> str | None:
    values = headers.get(name)
    assert values is None or len(values) == 1, (name, values)
    return values[0] if values else None


def _records(files: list[Path]) -> list[Record]:
    """Every record (digests checked); HTTP payloads with their Content-Encoding (the server gzips pages) undone."""
    decoded = {}
    for path in files:
        with path.open("rb") as f:
            for r in ArchiveIterator(f):
                if r.rec_type in ("response", "revisit"):
                    decoded[r.rec_headers.get_header("WARC-Record-ID")] = r.content_stream().read()
    return [(t, h, decoded.get(_one(h, "WARC-Record-ID") or "", b)) for path in files for t, h, b in read_all(path)]


@pytest.fixture(scope="module")
def rendered(sampleweb: SampleWebServer, tmp_path_factory: pytest.TempPathFactory) -> RenderedCrawls:
    home = tmp_path_factory.mktemp("rendered") / "data"
    env = {"NIANBAO_HOME": str(home)}
    args = ["crawl", "lingwu", "--proxy", sampleweb.proxy_url]
    first = run_nianbao(args, env)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-3000:]
    first_files = sorted((home / "warcs").glob("*.warc.gz"))
    second = run_nianbao(args, env)
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-3000:]
    files = sorted((home / "warcs").glob("*.warc.gz"))
    return RenderedCrawls(home, env, _records(first_files), _records([f for f in files if f not in first_files]),
                          files)


def _conversion(records: list[Record]) -> tuple[dict[str, list[str]], bytes]:
    (conversion,) = [(h, b) for t, h, b in records if t == "conversion"]
    return conversion


def test_the_rendered_column_is_a_conversion_of_its_static_response(rendered: RenderedCrawls) -> None:
    headers, dom = _conversion(rendered.first)
    assert _one(headers, "WARC-Target-URI") == COLUMN
    assert _one(headers, "Content-Type") == "text/html; charset=utf-8"
    assert _one(headers, "WARC-Payload-Digest") == _one(headers, "WARC-Block-Digest") == warc_sha256(dom)
    assert "WARC-Concurrent-To" not in headers
    (static_headers, static_body), = [(h, b) for t, h, b in rendered.first
                                      if t == "response" and _one(h, "WARC-Target-URI") == COLUMN]
    assert _one(headers, "WARC-Refers-To") == _one(static_headers, "WARC-Record-ID")
    # The DOM holds the rows the script drew; the response holds what the server sent: no rows at all.
    report = next(r for r in expected_reports("lingwu") if r.report_year == 2024)
    href = report.page_url.removeprefix("http://www.lingwu.gov.cn")
    assert f'href="{href}"'.encode() in dom and href.encode() not in static_body
    assert dom.startswith(b"<!DOCTYPE html><html><head>") and dom.rstrip().endswith(b"</html>")


def test_no_response_record_holds_a_rendered_dom(rendered: RenderedCrawls) -> None:
    doms = [b for t, _, b in rendered.first + rendered.second if t == "conversion"]
    assert len(doms) == 2
    responses = [b for t, _, b in rendered.first + rendered.second if t in ("response", "revisit")]
    assert not any(dom in body for dom in doms for body in responses)


def test_the_rendered_page_gets_a_metadata_record_of_its_links(rendered: RenderedCrawls) -> None:
    headers, _ = _conversion(rendered.first)
    (block,) = [b for t, h, b in rendered.first
                if t == "metadata" and _one(h, "WARC-Concurrent-To") == _one(headers, "WARC-Record-ID")]
    lines = block.decode("utf-8").splitlines()
    assert "discovery-rule: browser-render" in lines
    outlinks = {line.split(" ")[1] for line in lines if line.startswith("outlink: ")}
    assert {r.page_url for r in expected_reports("lingwu")} & outlinks


def test_a_recrawl_renders_again_and_refers_to_its_own_static_capture(rendered: RenderedCrawls) -> None:
    headers, dom = _conversion(rendered.second)
    (static,) = [h for t, h, _ in rendered.second
                 if t in ("response", "revisit") and _one(h, "WARC-Target-URI") == COLUMN]
    assert _one(headers, "WARC-Refers-To") == _one(static, "WARC-Record-ID")
    assert dom == _conversion(rendered.first)[1]


def test_the_catalogue_keeps_conversions_apart_from_http_captures(rendered: RenderedCrawls) -> None:
    with sqlite3.connect(rendered.home / "nianbao.db") as db:
        rows = db.execute("SELECT record_type, http_status, media_type, etag, last_modified, warc_record_id "
                          "FROM captures WHERE url = ? ORDER BY id", (COLUMN,)).fetchall()
    ids = [_one(h, "WARC-Record-ID") for t, h, _ in rendered.first + rendered.second if t == "conversion"]
    conversions = [row for row in rows if row[0] == "conversion"]
    assert [row[5] for row in conversions] == ids
    assert all(row[2] == "text/html; charset=utf-8" and row[3] is None and row[4] is None for row in conversions)
    assert [row[0] for row in rows] == ["response", "conversion", "revisit", "conversion"]


def _conversion_offsets(warc: Path) -> set[int]:
    with warc.open("rb") as f:
        records = ArchiveIterator(f)
        return {records.get_record_offset() for record in records if record.rec_type == "conversion"}


def test_the_archive_verifies_and_the_replay_index_leaves_conversions_out(rendered: RenderedCrawls) -> None:
    out = run_nianbao(["archive", "verify"], rendered.env)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    conversions = 0
    for warc in rendered.files:
        assert warcio_check(warc) == 0
        lines = index_path(warc).read_text(encoding="utf-8").splitlines()
        assert lines == cdxj_lines(warc)
        indexed = {json.loads(line.split(" ", 2)[2])["offset"] for line in lines}
        offsets = _conversion_offsets(warc)
        conversions += len(offsets)
        assert indexed and not offsets & {int(o) for o in indexed}
    assert conversions == 2
