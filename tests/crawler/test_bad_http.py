"""Bad input over HTTP: a loopback county site serves the corpus's pages and attachments (tests/fixtures/bad/) with
their lying media types, raw GBK and 0x80–0xff bytes in headers, and path-traversal, absolute and NUL-bearing file
names in Content-Disposition; a real `nianbao crawl` of it must archive every response faithfully (the WARC read
back with warcio: payload and header bytes as served), write no file anywhere but NIANBAO_HOME (nothing in nianbao
names a file after an attachment: the archive is WARC records, the catalogue rows), and store each document's parse
outcome as the manifest says.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.content_encoding import decode_content
from archive.records import payload_sha256
from parsing.report import PARSER_VERSION
from storage.db import open_catalogue
from storage.reports import stored_outcome
from tests.conftest import REPO

CORPUS = REPO / "tests" / "fixtures" / "bad"
CASES = {c["file"]: c for c in json.loads((CORPUS / "manifest.json").read_text("utf-8"))}
ATTACHMENTS = ["traversal-name.pdf", "absolute-name.pdf", "gbk-name.pdf", "pdf-named.doc", "html-named.pdf",
               "docx-named.xls", "bomb.pdf", "encrypted.pdf"]
PAGES = ["gbk-no-charset.html", "gb18030-declared-utf8.html", "gbk-declared-latin1.html", "nul-bytes.html"]
TITLE = "平罗县人民政府2023年政府信息公开工作年度报告"
SITE_URL = "http://www.badcounty.gov.cn"
ESCAPES = [Path("/tmp/nianbao-escape.pdf"), Path("/tmp/nianbao-absolute.pdf")]


def _html(body: str) -> bytes:
    head = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>平罗县</title></head>'
    return f"{head}<body>{body}</body></html>".encode()


def site() -> dict[str, tuple[list[tuple[str, str]], bytes]]:
    """Path → (response headers, body) of the bad county site: home, report column, one article per bad page, and
    a report article whose attachments are the bad files."""
    served: dict[str, tuple[list[tuple[str, str]], bytes]] = {}
    html = [("Content-Type", "text/html; charset=utf-8")]
    served["/"] = html, _html('<a href="/xxgk/ndbg/index.html">政府信息公开工作年度报告</a>')
    articles = [f'<li><a href="/xxgk/ndbg/202401/t2024010{i}_{i}.html">{TITLE}</a></li>' for i in range(len(PAGES))]
    articles.append(f'<li><a href="/xxgk/ndbg/202402/t20240201_9.html">{TITLE}</a></li>')
    served["/xxgk/ndbg/index.html"] = html, _html(f"<ul>{''.join(articles)}</ul>")
    for i, name in enumerate(PAGES):
        served[f"/xxgk/ndbg/202401/t2024010{i}_{i}.html"] = _served(CASES[name])
    links = "".join(f'<p><a href="/files/{i}/{CASES[n]["served_as"]}">附件{i}</a></p>'
                    for i, n in enumerate(ATTACHMENTS))
    served["/xxgk/ndbg/202402/t20240201_9.html"] = html, _html(f'<div id="zoom"><h1>{TITLE}</h1>{links}</div>')
    for i, name in enumerate(ATTACHMENTS):
        served[f"/files/{i}/{CASES[name]['served_as']}"] = _served(CASES[name])
    return served


def _served(case: dict[str, Any]) -> tuple[list[tuple[str, str]], bytes]:
    body = (CORPUS / case["file"]).read_bytes()
    headers = [("Content-Type", case["media_type"]), *[(k, v) for k, v in case["headers"]]]
    if case["file"].endswith(".gz"):
        headers.append(("Content-Encoding", "gzip"))
    return headers, body


class RawSite:
    """A loopback HTTP/1.1 server that writes header bytes exactly as given (latin-1), which http.server will not.
    The crawl reaches it as its proxy (a loopback site would be refused as a private address), asking for SITE_URL."""

    def __init__(self, pages: dict[str, tuple[list[tuple[str, str]], bytes]]) -> None:
        self.pages = pages
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.proxy = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.asked: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                head += chunk
            target = head.split(b" ", 2)[1].decode("latin-1")
            path = target.removeprefix(SITE_URL)
            self.asked.append(path)
            headers, body = self.pages.get(path, ([("Content-Type", "text/plain")], b"not found"))
            status = b"200 OK" if path in self.pages else b"404 Not Found"
            lines = [f"{k}: {v}" for k, v in headers] + [f"Content-Length: {len(body)}", "Connection: close"]
            conn.sendall(b"HTTP/1.1 " + status + b"\r\n" + "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + body)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RawSite, Path, Path]]:
    assert not any(p.exists() for p in ESCAPES), "a file from an earlier run: remove it and look for the bug"
    tmp = tmp_path_factory.mktemp("bad-http")
    home, cwd = tmp / "home", tmp / "cwd"
    cwd.mkdir()
    web = RawSite(site())
    env = {**os.environ, "NIANBAO_HOME": str(home), "NIANBAO_BROWSER": "0", "PYTHONPATH": str(REPO),
           "http_proxy": web.proxy, "NIANBAO_PARSE_WORKERS": "1"}
    try:
        done = subprocess.run([sys.executable, "-m", "cli", "crawl", SITE_URL + "/"], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=600)
    finally:
        web.close()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    yield web, home, cwd


def _responses(home: Path) -> dict[str, Any]:
    """URL → (HTTP headers, payload as served). A body already archived under another URL (several corpus files
    are the same bytes) is an identical-payload revisit: its payload is the original's, found by digest."""
    found, by_digest, revisits = {}, {}, {}
    for warc in sorted((home / "warcs").glob("*.warc.gz")):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream, no_record_parse=False):
                url = record.rec_headers.get_header("WARC-Target-URI")
                digest = record.rec_headers.get_header("WARC-Payload-Digest")
                if record.rec_type == "response":
                    found[url] = (record.http_headers, record.content_stream().read())
                    by_digest.setdefault(digest, found[url][1])
                elif record.rec_type == "revisit":
                    revisits[url] = (record.http_headers, digest)
    for url, (headers, digest) in revisits.items():
        found[url] = (headers, by_digest[digest])
    return found


def test_every_bad_response_is_archived_as_served(crawled: tuple[RawSite, Path, Path]) -> None:
    web, home, _cwd = crawled
    records = _responses(home)
    for path, (headers, body) in site().items():
        assert SITE_URL + path in records, f"{path} not archived (asked: {web.asked})"
        http_headers, stored = records[SITE_URL + path]
        assert stored == body, path
        for name, value in headers:
            assert http_headers.get_header(name) == value, (path, name)


def test_no_file_is_written_outside_nianbao_home(crawled: tuple[RawSite, Path, Path]) -> None:
    _web, _home, cwd = crawled
    assert not [p for p in ESCAPES if p.exists()]
    assert list(cwd.iterdir()) == []


@pytest.mark.parametrize("name", ATTACHMENTS + PAGES)
def test_each_bad_document_has_its_outcome_in_the_catalogue(crawled: tuple[RawSite, Path, Path], name: str) -> None:
    _web, home, _cwd = crawled
    case = CASES[name]
    body = (CORPUS / name).read_bytes()
    payload = decode_content(body, "gzip") if name.endswith(".gz") else body
    sessions = open_catalogue(f"sqlite:///{home / 'nianbao.db'}")
    outcome = stored_outcome(sessions, payload_sha256(payload), PARSER_VERSION)
    assert outcome is not None, name
    if case["expect"] == "ok":
        assert outcome.ok and outcome.is_report == case["is_report"], outcome.reason
    else:
        assert not outcome.ok and case["reason"].lower() in (outcome.reason or "").lower(), outcome.reason

