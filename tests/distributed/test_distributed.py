"""Distributed mode end to end: two `nianbao worker` processes, Redis and PostgreSQL, on the sample web."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import func, select

from archive.cdxj import MERGED_INDEX
from distributed.keys import CrawlKeys
from sampleweb.server import SampleWebServer
from sampleweb.truth import expected_reports
from storage.catalog import CaptureRow, Catalog, SiteRow
from storage.crawls import start_crawl
from storage.db import open_catalogue
from storage.models import Capture, Crawl, ParseOutcome, Payload
from storage.reports import Outcome, store_outcome
from tests.conftest import REPO, postgres_schema, run_nianbao

REDIS_URL = "redis://127.0.0.1:6379/0"
SITES = ("pingluo", "yanchi")


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A Redis key namespace for this test (NIANBAO_REDIS_PREFIX); its keys are deleted afterwards."""
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {REDIS_URL} is needed (run scripts/start-services): {exc}")
    prefix = f"nianbao-test-{uuid.uuid4().hex[:10]}:"
    yield prefix
    keys = list(server.scan_iter(match=prefix + "*"))
    if keys:
        server.delete(*keys)
    server.close()


def _start(args: list[str], env: dict[str, str], log: Path, *, own_group: bool = False) -> subprocess.Popen[bytes]:
    """`nianbao <args>` as a child process, output to `log`; `own_group`: in a process group of its own (with its
    parse workers), so that it can be killed as a machine dies."""
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "cli", *args], cwd=REPO, env={**os.environ, **env},
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=own_group)


def _wait(procs: list[subprocess.Popen[bytes]], logs: list[Path], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    try:
        for proc, log in zip(procs, logs, strict=True):
            code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            assert code == 0, f"{proc.args!r} exited {code}:\n{log.read_text(errors='replace')[-4000:]}"
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()


def _env(home: Path, db_url: str, proxy: str, prefix: str = "") -> dict[str, str]:
    env = {"NIANBAO_HOME": str(home), "NIANBAO_DATABASE_URL": db_url, "http_proxy": proxy,
           "NIANBAO_PARSE_WORKERS": "1", "NIANBAO_BROWSER": "0"}
    if prefix:
        env |= {"NIANBAO_REDIS_URL": REDIS_URL, "NIANBAO_REDIS_PREFIX": prefix}
    return env


def _run_distributed(env: dict[str, str], home: Path, sites: tuple[str, ...]) -> None:
    """Enqueue `sites`, then run workers w1 and w2 (burst) to the end."""
    for site in sites:
        out = run_nianbao(["crawl", site, "--distributed"], env)
        assert out.returncode == 0, out.stderr[-3000:]
    logs = [home / f"{w}.log" for w in ("w1", "w2")]
    workers = [_start(["worker", "--burst", "--poll", "0.5"], {**env, "NIANBAO_WORKER_ID": w}, log)
               for w, log in zip(("w1", "w2"), logs, strict=True)]
    _wait(workers, logs)


def _captures(db_url: str) -> list[tuple[str, int, str]]:
    """(url, status, WARC file) of every capture in the catalogue."""
    with open_catalogue(db_url)() as s:
        return [(c.url, c.http_status, c.warc_file) for c in s.scalars(select(Capture))]


def _reports(env: dict[str, str]) -> set[tuple[Any, ...]]:
    out = run_nianbao(["reports", "--format", "json"], env)
    assert out.returncode == 0, out.stderr[-3000:]
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    # Attachments as a set: their order is the order their documents were stored in, i.e. of download
    # completion, which concurrent downloads (and workers) do not fix.
    return {(r["site"], r["unit_name"], r["report_year"], r["source_url"], tuple(sorted(r["attachment_urls"])),
             r["payload_sha256"], r["version"], json.dumps(r["table2"], sort_keys=True)) for r in rows}


def _findings(home: Path, site: str) -> dict[str, object]:
    """What the last crawl's discovery found (storage/drift.py), without its time and crawl id."""
    last = json.loads((home / "discovery" / f"{site}.json").read_text("utf-8"))["last"]
    return {k: v for k, v in last.items() if k not in ("at", "crawl_id")}


def test_two_workers_archive_every_report_once_as_one_worker_would(
        sampleweb: SampleWebServer, tmp_path: Path, redis_prefix: str) -> None:
    for site in SITES:
        sampleweb.render(site)  # documents rendered before the clock of the crawls starts
    with ExitStack() as stack:
        dist_db, single_db = stack.enter_context(postgres_schema()), stack.enter_context(postgres_schema())
        dist_home, single_home = tmp_path / "distributed", tmp_path / "single"
        dist_home.mkdir()
        single_home.mkdir()
        dist_env = _env(dist_home, dist_db, sampleweb.proxy_url, redis_prefix)
        single_env = _env(single_home, single_db, sampleweb.proxy_url)
        # The single-worker crawls (one process per site, as `nianbao crawl <site>`) run meanwhile, on a
        # catalogue made beforehand (two processes must not both create it).
        assert run_nianbao(["reports"], single_env).returncode == 0
        single_logs = [single_home / f"{site}.log" for site in SITES]
        singles = [_start(["crawl", site], single_env, log) for site, log in zip(SITES, single_logs, strict=True)]
        _run_distributed(dist_env, dist_home, SITES)
        _wait(singles, single_logs)

        with open_catalogue(dist_db)() as s:
            crawls = list(s.scalars(select(Crawl)))
        assert sorted(c.site_id for c in crawls) == sorted(SITES)
        # Discovery's findings, pieced together from both workers, are what one process found alone.
        for site in SITES:
            assert _findings(dist_home, site) == _findings(single_home, site), site
            assert _findings(dist_home, site)["columns"] and _findings(dist_home, site)["reports"] > 0
        assert {(c.status, c.trigger) for c in crawls} == {("finished", "distributed")}
        assert all(c.pages > 0 and c.attachments > 0 for c in crawls), [
            (c.site_id, c.pages, c.attachments, c.close_reason) for c in crawls]

        # Every URL captured exactly once over both workers (reports, attachments, lists, robots.txt alike).
        captures = _captures(dist_db)
        twice = {url: n for url, n in Counter(url for url, _, _ in captures).items() if n > 1}
        assert not twice, f"captured more than once: {twice}"
        ok_urls = {url for url, status, _ in captures if status == 200}
        for site in SITES:
            for report in expected_reports(site):
                for url in (report.page_url, *report.attachment_urls):
                    assert url in ok_urls, f"{url} not archived"

        # Both workers did work: each wrote WARC files (worker id in the name) that hold captures.
        files_by_worker = Counter(name.split("-")[2] for _, _, name in captures)
        assert set(files_by_worker) == {"w1", "w2"}, files_by_worker
        warc_dir = dist_home / "warcs"
        assert {p.name.split("-")[2] for p in warc_dir.glob("*.warc.gz")} == {"w1", "w2"}

        # The same archive and the same reports as single-worker crawls of the same sites.
        assert sorted(url for url, _, _ in captures) == sorted(url for url, _, _ in _captures(single_db))
        dist_reports = _reports(dist_env)
        assert dist_reports == _reports(single_env)
        assert {(r[0], r[1], r[2]) for r in dist_reports} == {
            (site, r.unit_name, r.report_year) for site in SITES for r in expected_reports(site)}

        # The archive verifies, and the merged index is the union of the per-file ones.
        verify = run_nianbao(["archive", "verify"], dist_env)
        assert verify.returncode == 0, verify.stdout[-3000:] + verify.stderr[-3000:]
        per_file = sorted(line for p in warc_dir.glob("*.warc.gz.cdxj") for line in p.read_text().splitlines())
        assert (warc_dir / MERGED_INDEX).read_text().splitlines() == per_file
        (warc_dir / MERGED_INDEX).unlink()
        assert run_nianbao(["archive", "index", "--missing-only", "--merged"], dist_env).returncode == 0
        assert (warc_dir / MERGED_INDEX).read_text().splitlines() == per_file

        # Nothing of the finished crawls is left for a worker to join.
        server = redis.Redis.from_url(REDIS_URL)
        assert not server.hgetall(f"{redis_prefix}crawls")
        assert not list(server.scan_iter(match=f"{redis_prefix}crawl:*:requests"))


def _captures_by(db_url: str, worker: str) -> int:
    """How many captures the catalogue holds in `worker`'s WARC files."""
    with open_catalogue(db_url)() as s:
        return int(s.scalar(select(func.count()).select_from(Capture)
                            .where(Capture.warc_file.like(f"nianbao-%-{worker}-%"))) or 0)


def _kill_holding_requests(proc: subprocess.Popen[bytes], db_url: str, server: redis.Redis, keys: CrawlKeys,
                           worker: str, captures: int) -> int:
    """SIGKILL the worker (its process group) once it has recorded `captures` captures, at a moment it holds
    requests (it is stopped first, so that its in-flight set cannot change while it is looked at); return how many
    it held."""
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, "the worker ended before it could be killed"
        assert time.monotonic() < deadline, f"{worker} did not record {captures} captures while busy within 60 s"
        if _captures_by(db_url, worker) >= captures:
            proc.send_signal(signal.SIGSTOP)
            held = server.zcard(keys.inflight(worker))
            if held:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return int(held)
            proc.send_signal(signal.SIGCONT)
        time.sleep(0.02)


def test_a_worker_killed_mid_crawl_loses_nothing(sampleweb: SampleWebServer, tmp_path: Path,
                                                 redis_prefix: str) -> None:
    sampleweb.render("pingluo")
    with ExitStack() as stack:
        dist_db, single_db = stack.enter_context(postgres_schema()), stack.enter_context(postgres_schema())
        dist_home, single_home = tmp_path / "distributed", tmp_path / "single"
        dist_home.mkdir()
        single_home.mkdir()
        dist_env = {**_env(dist_home, dist_db, sampleweb.proxy_url, redis_prefix), "NIANBAO_WORKER_STALE_AFTER": "6"}
        single_env = _env(single_home, single_db, sampleweb.proxy_url)
        single_log = single_home / "pingluo.log"
        single = _start(["crawl", "pingluo"], single_env, single_log)  # the uninterrupted crawl, meanwhile
        out = run_nianbao(["crawl", "pingluo", "--distributed"], dist_env)
        assert out.returncode == 0, out.stderr[-3000:]
        server = stack.enter_context(redis.Redis.from_url(REDIS_URL))
        (crawl_id,) = (int(c) for c in server.hkeys(f"{redis_prefix}crawls"))
        keys = CrawlKeys(redis_prefix, crawl_id)
        logs = {w: dist_home / f"{w}.log" for w in ("w1", "w2")}
        workers = {w: _start(["worker", "--burst", "--poll", "0.5"], {**dist_env, "NIANBAO_WORKER_ID": w}, log,
                             own_group=True) for w, log in logs.items()}
        try:
            held = _kill_holding_requests(workers["w1"], dist_db, server, keys, "w1", captures=5)
            _wait([workers["w2"]], [logs["w2"]], timeout=90)
        finally:
            for proc in workers.values():
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
        _wait([single], [single_log])

        with open_catalogue(dist_db)() as s:
            crawl = s.get_one(Crawl, crawl_id)
        assert (crawl.status, crawl.trigger) == ("finished", "distributed"), crawl.close_reason
        with open_catalogue(single_db)() as s:
            uninterrupted = s.scalars(select(Crawl)).one()
        # What w1 found before it died is counted too.
        assert (crawl.pages, crawl.attachments) == (uninterrupted.pages, uninterrupted.attachments)
        w2_log = logs["w2"].read_text(errors="replace")
        assert f"worker taken for dead crawl={crawl_id} worker=w1 " in w2_log
        assert f"requeued={held}" in w2_log  # what w1 held when it died, and nothing else
        assert "worker idle with requests still in flight" not in w2_log  # each request's end was seen

        # The same URLs archived and the same reports found as by the uninterrupted crawl.
        captures = _captures(dist_db)
        assert {url for url, _, _ in captures} == {url for url, _, _ in _captures(single_db)}
        assert {name.split("-")[2] for _, _, name in captures} == {"w1", "w2"}
        ok_urls = {url for url, status, _ in captures if status == 200}
        for report in expected_reports("pingluo"):
            for url in (report.page_url, *report.attachment_urls):
                assert url in ok_urls, f"{url} not archived"
        dist_reports = _reports(dist_env)
        assert dist_reports == _reports(single_env)
        assert {(r[1], r[2]) for r in dist_reports} == {(r.unit_name, r.report_year)
                                                      for r in expected_reports("pingluo")}

        # w1's open WARC file was repaired by the finalizer: the captures in it are where the catalogue says.
        warc_dir = dist_home / "warcs"
        assert not list(warc_dir.glob("*.open"))
        assert list(warc_dir.glob("nianbao-pingluo-w1-*.warc.gz"))
        verify = run_nianbao(["archive", "verify"], dist_env)
        assert verify.returncode == 0, verify.stdout[-3000:] + verify.stderr[-3000:]
        assert not [*server.scan_iter(match=f"{redis_prefix}crawl:*:inflight:*"),
                    *server.scan_iter(match=f"{redis_prefix}crawl:*:requests")]


class _TimingProxy:
    """An HTTP proxy on loopback in front of the sample web that takes `delay` s per request and logs
    (host, start, end) of each: what the sites saw, whoever sent the request."""

    def __init__(self, upstream: str, delay: float) -> None:
        self.visits: list[tuple[str, float, float]] = []
        lock = threading.Lock()
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": upstream}))
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                start = time.monotonic()
                time.sleep(delay)
                request = urllib.request.Request(self.path, headers={
                    k: v for k, v in self.headers.items() if k.lower() not in ("connection", "proxy-connection")})
                try:
                    with opener.open(request, timeout=30) as resp:
                        status, headers, body = resp.status, resp.headers.items(), resp.read()
                except urllib.error.HTTPError as err:
                    status, headers, body = err.code, err.headers.items(), err.read()
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                with lock:
                    outer.visits.append((self.headers.get("Host", ""), start, time.monotonic()))

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> _TimingProxy:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_per_host_politeness_holds_across_workers(
        sampleweb: SampleWebServer, tmp_path: Path, redis_prefix: str) -> None:
    sampleweb.render("pingluo")
    with postgres_schema() as db, _TimingProxy(sampleweb.proxy_url, delay=0.05) as proxy:
        env = {**_env(tmp_path, db, proxy.url, redis_prefix), "NIANBAO_HOST_CONCURRENCY": "1"}
        _run_distributed(env, tmp_path, ("pingluo",))
        workers = {name.split("-")[2] for _, _, name in _captures(db)}
    assert workers == {"w1", "w2"}, "both workers must have fetched from the host for this test to mean anything"
    visits = sorted(v for v in proxy.visits if v[0] == "www.pingluo.gov.cn")
    assert len(visits) > 20
    overlaps, busy_until = [], 0.0
    for _, start, end in visits:  # in order of start: each must start after every earlier one ended
        if start < busy_until:
            overlaps.append((start, busy_until))
        busy_until = max(busy_until, end)
    assert not overlaps, f"{len(overlaps)} requests to one host overlapped, e.g. {overlaps[:3]}"


def test_distributed_mode_refuses_sqlite(tmp_path: Path, redis_prefix: str) -> None:
    env = {"NIANBAO_HOME": str(tmp_path), "NIANBAO_REDIS_PREFIX": redis_prefix}
    out = run_nianbao(["crawl", "pingluo", "--distributed"], env)
    assert out.returncode == 2
    assert "NIANBAO_DATABASE_URL" in out.stderr and "PostgreSQL" in out.stderr
    worker = run_nianbao(["worker", "--burst"], env)
    assert worker.returncode == 2 and "NIANBAO_DATABASE_URL" in worker.stderr


def test_workers_storing_one_new_payload_at_once_both_succeed() -> None:
    """Two sites' identical robots.txt fetched by two workers at the same moment: one Payload row, two captures."""
    with postgres_schema() as db:
        catalog = Catalog(open_catalogue(db))
        catalog.upsert_site(SiteRow("pingluo", "平罗县", "http://www.pingluo.gov.cn/"))
        crawl_id = start_crawl(catalog.sessions, "pingluo", datetime.now(UTC))
        for attempt in range(5):
            sha = f"{attempt:064x}"
            barrier = threading.Barrier(2)
            errors: list[BaseException] = []

            def store(worker: str, sha: str = sha, barrier: threading.Barrier = barrier,
                      errors: list[BaseException] = errors) -> None:
                row = CaptureRow(crawl_id=crawl_id, url=f"http://{worker}.example/robots.txt",
                                 captured_at=datetime.now(UTC), http_status=200, record_type="response",
                                 warc_file=f"nianbao-{worker}.warc.gz", warc_offset=0, warc_length=1,
                                 warc_record_id=f"<urn:uuid:{uuid.uuid4()}>", payload_sha256=sha, payload_size=1,
                                 media_type="text/plain")
                barrier.wait()
                try:
                    catalog.record_capture(row)
                except Exception as exc:  # noqa: BLE001 - collected for the assertion below
                    errors.append(exc)

            threads = [threading.Thread(target=store, args=(w,)) for w in ("w1", "w2")]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert not errors, errors
        with catalog.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Payload)) == 5
            assert s.scalar(select(func.count()).select_from(Capture)) == 10


def test_workers_storing_one_parse_at_once_both_succeed() -> None:
    """Two workers that parsed the same payload (one document at two URLs) store one outcome, no error."""
    with postgres_schema() as db:
        sessions = open_catalogue(db)
        with sessions.begin() as s:
            s.add_all(Payload(sha256=f"{n:064x}", size=1, media_type="application/pdf", first_seen_at=datetime.now(UTC))
                      for n in range(5))
        for attempt in range(5):
            outcome = Outcome(payload_sha256=f"{attempt:064x}", parser_version="test", ok=False, reason="empty",
                              is_report=False, source_kind=None, text="", record=None)
            barrier = threading.Barrier(2)
            errors: list[BaseException] = []

            def store(outcome: Outcome = outcome, barrier: threading.Barrier = barrier,
                      errors: list[BaseException] = errors) -> None:
                barrier.wait()
                try:
                    store_outcome(sessions, outcome, datetime.now(UTC))
                except Exception as exc:  # noqa: BLE001 - collected for the assertion below
                    errors.append(exc)

            threads = [threading.Thread(target=store) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert not errors, errors
        with sessions() as s:
            assert s.scalar(select(func.count()).select_from(ParseOutcome)) == 5


def test_a_worker_stopped_mid_crawl_leaves_its_work_to_the_others(sampleweb: SampleWebServer, tmp_path: Path,
                                                                   redis_prefix: str) -> None:
    """SIGTERM (a deploy, a machine drained): the worker gives back what it holds; the crawl still ends finished."""
    sampleweb.render("pingluo")
    with ExitStack() as stack:
        dist_db = stack.enter_context(postgres_schema())
        env = _env(tmp_path, dist_db, sampleweb.proxy_url, redis_prefix)
        out = run_nianbao(["crawl", "pingluo", "--distributed"], env)
        assert out.returncode == 0, out.stderr[-3000:]
        server = stack.enter_context(redis.Redis.from_url(REDIS_URL))
        (crawl_id,) = (int(c) for c in server.hkeys(f"{redis_prefix}crawls"))
        logs = {w: tmp_path / f"{w}.log" for w in ("w1", "w2")}
        workers = {w: _start(["worker", "--burst", "--poll", "0.5"], {**env, "NIANBAO_WORKER_ID": w}, log,
                             own_group=True) for w, log in logs.items()}
        try:
            deadline = time.monotonic() + 60
            while _captures_by(dist_db, "w1") < 5:
                assert workers["w1"].poll() is None and time.monotonic() < deadline, "w1 never got going"
                time.sleep(0.05)
            workers["w1"].send_signal(signal.SIGTERM)
            assert workers["w1"].wait(timeout=90) == 0
            _wait([workers["w2"]], [logs["w2"]], timeout=90)
        finally:
            for proc in workers.values():
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)

        with open_catalogue(dist_db)() as s:
            crawl = s.get_one(Crawl, crawl_id)
        assert (crawl.status, crawl.close_reason) == ("finished", "finished")
        assert "worker taken for dead" not in logs["w2"].read_text(errors="replace")  # w1 left, it did not die
        ok_urls = {url for url, status, _ in _captures(dist_db) if status == 200}
        for report in expected_reports("pingluo"):
            for url in (report.page_url, *report.attachment_urls):
                assert url in ok_urls, f"{url} not archived"
        assert {(r[1], r[2]) for r in _reports(env)} == {(r.unit_name, r.report_year)
                                                       for r in expected_reports("pingluo")}
