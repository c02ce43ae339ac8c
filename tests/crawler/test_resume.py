"""Crash-safe resume: a crawl killed with SIGKILL after N captures goes on with `nianbao crawl --resume` and ends
with what an uninterrupted crawl has: the same captures (none twice), the same reports, a clean archive; and the
site is not asked again for anything the killed run had archived."""

from __future__ import annotations

import dataclasses
import gzip
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select

from archive.capture import CapturedExchange
from archive.cdxj import index_directory
from archive.recorder import Recorder
from archive.resume import ArchiveAnswers
from archive.uncatalogued import catalogue_uncatalogued
from archive.verify import verify_archive
from archive.writer import WarcWriter
from sampleweb.server import SampleWebServer
from storage.catalog import Catalog, SiteRow, StoredCapture
from storage.crawls import start_crawl
from storage.db import open_catalogue
from storage.models import Capture, Crawl, Document
from storage.queries import latest_reports
from tests.archive.warc_helpers import SENT_AT, make_exchange
from tests.conftest import REPO, run_nianbao

SITE = "pingluo"


def _db(home: Path) -> str:
    return f"sqlite:///{home / 'nianbao.db'}"


def _captures(db_url: str) -> list[tuple[str, int]]:
    try:
        with open_catalogue(db_url)() as s:
            return [(url, status) for url, status in s.execute(select(Capture.url, Capture.http_status))]
    except Exception:  # noqa: BLE001 — the crawl may not have created the tables yet
        return []


def _reports(db_url: str, site: str) -> set[tuple[Any, ...]]:
    return {(r["report_year"], r["unit_name"], r["source_url"], r["source_kind"])
            for r in latest_reports(open_catalogue(db_url), site=site)}


class _Requests(logging.Handler):
    """The GETs the sample web answers (its `sampleweb` log lines), while attached."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        found = re.search(r"method=GET url=(\S+)", record.getMessage())
        if found:
            self.urls.append(found.group(1))


@pytest.fixture
def requests_seen() -> Iterator[_Requests]:
    handler, log = _Requests(), logging.getLogger("sampleweb")
    level = log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


@pytest.fixture(scope="module")
def uninterrupted(sampleweb: SampleWebServer, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], str]:
    """The catalogue URL of an uninterrupted crawl of a site (crawled once per module)."""
    done: dict[str, str] = {}

    def crawl(site: str) -> str:
        if site not in done:
            sampleweb.render(site)
            home = tmp_path_factory.mktemp(f"uninterrupted-{site}") / "data"
            run = run_nianbao(["crawl", site, "--proxy", sampleweb.proxy_url], {"NIANBAO_HOME": str(home)})
            assert run.returncode == 0, run.stderr[-3000:]
            done[site] = _db(home)
        return done[site]

    return crawl


def _kill_after(sampleweb: SampleWebServer, home: Path, captures: int, site: str = SITE) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "cli", "crawl", site, "--proxy", sampleweb.proxy_url],
                            cwd=REPO, env={**os.environ, "NIANBAO_HOME": str(home)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while len(_captures(_db(home))) < captures:
            assert proc.poll() is None, "the crawl ended before it could be killed"
            assert time.monotonic() < deadline, f"fewer than {captures} captures within 180 s"
            time.sleep(0.01)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


@pytest.mark.parametrize(("site", "kill_at"), [
    ("pingluo", 0.4),
    ("helan", 0.5),  # Hanweb: jpage list pages from its data proxy, attachments behind downfile.jsp
    # A JS-only list, rendered by Chromium: the browser's requests (the page, its data request) are answered from
    # the archive, and the DOM it renders again is not recorded twice (the killed run had rendered it at 0.6).
    ("lingwu", 0.6),
])
def test_killed_crawl_resumes_to_what_an_uninterrupted_one_has(
    sampleweb: SampleWebServer, uninterrupted: Callable[[str], str], requests_seen: _Requests, tmp_path: Path,
    site: str, kill_at: float,
) -> None:
    reference = uninterrupted(site)
    expected = Counter(_captures(reference))
    kill_after = max(2, int(kill_at * sum(expected.values())))
    home = tmp_path / "data"
    _kill_after(sampleweb, home, kill_after, site)
    archived_before = {url for url, status in _captures(_db(home)) if status < 500}
    with open_catalogue(_db(home))() as s:
        (killed,) = s.scalars(select(Crawl)).all()
        assert killed.status == "running"  # nobody closed it: the process died

    requests_seen.urls.clear()
    resumed = run_nianbao(["crawl", site, "--resume", "--proxy", sampleweb.proxy_url], {"NIANBAO_HOME": str(home)})
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"resume site={site} crawl={killed.id}" in resumed.stderr

    # Nothing the killed run archived was asked of the site again, and the resumed run did fetch the rest.
    assert not archived_before & set(requests_seen.urls)
    assert requests_seen.urls
    # The same captures as the uninterrupted crawl, none twice, all in the one run, which finished.
    assert Counter(_captures(_db(home))) == expected
    with open_catalogue(_db(home))() as s:
        crawls = s.scalars(select(Crawl)).all()
        assert [(c.id, c.status) for c in crawls] == [(killed.id, "finished")]
        assert crawls[0].pages + crawls[0].attachments == len(s.scalars(select(Document)).all())
    assert _reports(_db(home), site) == _reports(reference, site)
    verify = run_nianbao(["archive", "verify"], {"NIANBAO_HOME": str(home)})
    assert verify.returncode == 0, verify.stdout[-3000:]


def test_resume_without_an_interrupted_run_starts_a_new_one(sampleweb: SampleWebServer, tmp_path: Path) -> None:
    home = tmp_path / "data"
    env = {"NIANBAO_HOME": str(home)}
    first = run_nianbao(["crawl", SITE, "--resume", "--proxy", sampleweb.proxy_url], env)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "no interrupted run" in first.stderr
    # Not on a terminal, the progress display is `progress key=value` lines; the last one has the final counts.
    progress = [line for line in first.stdout.splitlines() if line.startswith(f"progress site={SITE} ")]
    assert progress and "state=done" in progress[-1] and " pages=0 " not in progress[-1]
    again = run_nianbao(["crawl", SITE, "--resume", "--proxy", sampleweb.proxy_url], env)
    assert again.returncode == 0, again.stderr[-3000:]
    with open_catalogue(_db(home))() as s:
        assert [c.status for c in s.scalars(select(Crawl).order_by(Crawl.id))] == ["finished", "finished"]


def test_a_site_with_a_live_run_is_not_crawled_twice(sampleweb: SampleWebServer, tmp_path: Path) -> None:
    home = tmp_path / "data"
    env = {"NIANBAO_HOME": str(home)}
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        first = run_nianbao(["crawl", SITE, "--proxy", sampleweb.proxy_url], env)
        assert first.returncode == 0, first.stderr[-3000:]
        with open_catalogue(_db(home)).begin() as s:  # as if a live process were crawling the site right now
            live = s.scalars(select(Crawl)).one()
            live.status, live.pid, live.finished_at = "running", holder.pid, None
        busy = run_nianbao(["crawl", SITE, "--resume", "--proxy", sampleweb.proxy_url], env)
        assert busy.returncode == 1
        assert f"skipped: site {SITE} is being crawled (crawl {live.id}, pid {holder.pid}" in busy.stdout
    finally:
        holder.kill()
        holder.wait()
    # Its process gone, the row is stale: the next run marks it interrupted and, with --resume, goes on with it.
    resumed = run_nianbao(["crawl", SITE, "--resume", "--proxy", sampleweb.proxy_url], env)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    with open_catalogue(_db(home))() as s:
        assert [(c.id, c.status) for c in s.scalars(select(Crawl))] == [(live.id, "finished")]


def _capture(id_: int, url: str, status: int = 200) -> StoredCapture:
    return StoredCapture(id=id_, crawl_id=1, url=url, captured_at=None, http_status=status,  # type: ignore[arg-type]
                         record_type="response", warc_file="a.warc.gz", warc_offset=id_ * 100, warc_length=100,
                         warc_record_id=f"<urn:uuid:{id_}>", payload_sha256="0" * 64, etag=None, last_modified=None)


def test_each_request_for_a_url_gets_the_next_capture_of_it() -> None:
    answers = ArchiveAnswers([_capture(1, "http://a/"), _capture(2, "http://b/x", 500), _capture(3, "http://b/x")])
    assert len(answers) == 3
    assert answers.next_capture("http://a/").id == 1  # type: ignore[union-attr]
    assert answers.next_capture("http://a/") is None  # asked again (a re-render): the site answers
    assert [answers.next_capture("http://b/x").id for _ in range(2)] == [2, 3]  # type: ignore[union-attr]
    assert answers.next_capture("http://b/x") is None
    assert answers.next_capture("http://c/") is None


def test_a_record_written_but_never_catalogued_is_catalogued_before_the_resume(tmp_path: Path) -> None:
    """The kill landed between the WARC append (fsynced) and the commit of its capture row."""
    catalog = Catalog(open_catalogue(f"sqlite:///{tmp_path / 'nianbao.db'}"))
    for site in ("t", "u"):
        catalog.upsert_site(SiteRow(id=site, name=site, home_url=f"http://{site}.example.gov.cn/"))
    crawl_id = start_crawl(catalog.sessions, "t", SENT_AT)
    other = start_crawl(catalog.sessions, "u", SENT_AT)  # its file is left alone
    warc_dir = tmp_path / "warcs"
    urls = [f"http://www.example.gov.cn/xxgk/{n}.html" for n in range(3)]
    for crawl, written in ((other, urls[:1]), (crawl_id, urls)):
        info = {"isPartOf": f"crawl-{crawl}"}
        recorder = Recorder(catalog, warc_dir, lambda info=info: WarcWriter(warc_dir, prefix="c", info=info))
        for n, url in enumerate(written):
            exchange = make_exchange(url, response_body=gzip.compress(f"page {n}".encode(), mtime=0))
            recorder.record(CapturedExchange(exchange, url), crawl)
        recorder.close()
    before = {c.url: c for c in catalog.iter_captures(crawl_id=crawl_id)}
    with catalog.sessions.begin() as s:  # the rows of the last two records were never committed
        s.execute(delete(Capture).where(Capture.id.in_([before[urls[1]].id, before[urls[2]].id])))

    assert catalogue_uncatalogued(catalog, warc_dir, crawl_id) == 2
    assert catalogue_uncatalogued(catalog, warc_dir, crawl_id) == 0  # once only
    after = {c.url: c for c in catalog.iter_captures(crawl_id=crawl_id)}
    assert {url: dataclasses.replace(c, id=0) for url, c in after.items()} == \
        {url: dataclasses.replace(c, id=0) for url, c in before.items()}
    index_directory(warc_dir)
    assert verify_archive(warc_dir, catalog.iter_captures()) == []
    assert ArchiveAnswers(catalog.iter_captures(crawl_id=crawl_id)).next_capture(urls[2]) is not None
