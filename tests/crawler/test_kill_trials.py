"""Kill trials: SIGKILL of the crawler, of a parse worker, of the scheduler and of a distributed worker, each at a
seeded random point of a crawl of a sample site. After every trial: the archive verifies clean, no orphan rows, no
stray process (parse workers and the browser die with their parent), nothing lost and nothing stored twice against
an uninterrupted crawl, and the run that goes on (`--resume`, or the other worker) asks the site for nothing the
killed run had archived, unless it revalidates it.

The default suite runs one trial of each kind on one site; `make test-hardening` runs NIANBAO_KILL_TRIALS of them
(≥ 20) on several sites and prints the summary (conftest.py). NIANBAO_KILL_SEED picks other points.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from lifecycle.parse_pool import ParseJob, ParseJobResult, ParsePool
from lifecycle.parse_stage import ParseStage
from sampleweb.server import SampleWebServer
from storage.db import open_catalogue
from storage.models import Capture, Crawl
from tests.conftest import REPO, postgres_schema, run_nianbao
from tests.crawler.kill_support import (
    KILL_RESULTS,
    KillResult,
    descendants,
    fetches,
    orphan_rows,
    parse_workers,
    strays,
    warc_urls,
)
from tests.lifecycle.pool_hooks import pool_parse

# The default suite: one trial of each kind, all on pingluo (one reference crawl); `make test-hardening` sets it.
TRIALS = int(os.environ.get("NIANBAO_KILL_TRIALS", "0")) or 4
HARDENING = "NIANBAO_KILL_TRIALS" in os.environ
SEED = int(os.environ.get("NIANBAO_KILL_SEED", "16"))
KINDS = ("crawler", "parse-worker", "scheduler", "distributed")
# The sites each kind is tried on: lingwu's list is rendered by Chromium (whose requests a resumed run answers from
# the archive); the scheduler and the workers crawl without a browser, as their own tests do.
SITES = {"crawler": ("pingluo", "lingwu", "helan"), "parse-worker": ("pingluo", "helan"),
         "scheduler": ("pingluo", "helan"), "distributed": ("pingluo",)}
REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass(frozen=True)
class Trial:
    number: int
    kind: str
    site: str
    kill_at: float  # the fraction of the uninterrupted crawl's captures after which the kill lands

    def __str__(self) -> str:
        return f"{self.number:02d}-{self.kind}-{self.site}-{self.kill_at:.2f}"


def _trials() -> list[Trial]:
    rng = random.Random(SEED)
    return [Trial(n, kind, rng.choice(SITES[kind]) if HARDENING else "pingluo", round(rng.uniform(0.1, 0.9), 2))
            for n, kind in ((n, KINDS[n % len(KINDS)]) for n in range(TRIALS))]


def _browser(trial: Trial) -> str:
    return "1" if trial.kind == "crawler" and trial.site == "lingwu" else "0"


def _env(home: Path, browser: str) -> dict[str, str]:
    return {"NIANBAO_HOME": str(home), "NIANBAO_PARSE_WORKERS": "1", "NIANBAO_BROWSER": browser}


def _db(home: Path) -> str:
    return f"sqlite:///{home / 'nianbao.db'}"


def _captures(db_url: str) -> Counter[tuple[str, int]]:
    try:
        with open_catalogue(db_url)() as s:
            return Counter((url, status) for url, status in s.execute(select(Capture.url, Capture.http_status)))
    except Exception:  # noqa: BLE001 — the crawl may not have created the tables yet
        return Counter()


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "cli", *args], cwd=REPO, env={**os.environ, **env},
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for(what: str, ready: Callable[[], bool], proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 240
    while not ready():
        assert proc.poll() is None, f"ended before {what}:\n{log.read_text(errors='replace')[-3000:]}"
        assert time.monotonic() < deadline, f"no {what} within 240 s"
        time.sleep(0.02)


@pytest.fixture(scope="module")
def reference(sampleweb: SampleWebServer, tmp_path_factory: pytest.TempPathFactory,
              ) -> Callable[[str, str], Counter[tuple[str, int]]]:
    """The captures of an uninterrupted crawl of a site (with or without the browser), crawled once per module."""
    done: dict[tuple[str, str], Counter[tuple[str, int]]] = {}

    def crawl(site: str, browser: str) -> Counter[tuple[str, int]]:
        if (site, browser) not in done:
            sampleweb.render(site)
            home = tmp_path_factory.mktemp(f"reference-{site}") / "data"
            run = run_nianbao(["crawl", site, "--proxy", sampleweb.proxy_url], _env(home, browser))
            assert run.returncode == 0, run.stderr[-3000:]
            done[(site, browser)] = _captures(_db(home))
        return done[(site, browser)]

    return crawl


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    server = redis.Redis.from_url(REDIS_URL)
    prefix = f"nianbao-kill-{os.getpid()}-{time.monotonic_ns()}:"
    yield prefix
    keys = list(server.scan_iter(match=prefix + "*"))
    if keys:
        server.delete(*keys)
    server.close()


@pytest.mark.parametrize("trial", _trials(), ids=str)
def test_kill_trial(trial: Trial, sampleweb: SampleWebServer, reference: Callable[[str, str], Counter[tuple[str, int]]],
                    tmp_path: Path, redis_prefix: str) -> None:
    expected = reference(trial.site, _browser(trial))
    kill_after = max(2, int(trial.kill_at * sum(expected.values())))
    run = {"crawler": _crawler_trial, "parse-worker": _parse_worker_trial, "scheduler": _scheduler_trial,
           "distributed": _distributed_trial}[trial.kind]
    result = run(trial, sampleweb, tmp_path, kill_after, expected, redis_prefix)
    KILL_RESULTS.append(result)
    assert result.problems == [], f"{trial}: {result}"


def _check_resumed(trial: Trial, web: SampleWebServer, home: Path, env: dict[str, str],
                   expected: Counter[tuple[str, int]], stray: dict[int, str]) -> KillResult:
    """After the kill: `--resume`, then every check; what the site was asked again is measured on the resumed run."""
    archived = {url for (url, status) in warc_urls(home / "warcs") if status < 500}
    asked_before = len(web.requests)
    resumed = run_nianbao(["crawl", trial.site, "--resume", "--proxy", web.proxy_url], env)
    again = sorted({f.url for f in fetches(web.requests[asked_before:]) if f.url in archived and not f.conditional})
    problems = [] if resumed.returncode == 0 else [f"--resume exited {resumed.returncode}: {resumed.stderr[-2000:]}"]
    return _final_checks(trial, home, env, expected, stray, again, problems)


def _final_checks(trial: Trial, home: Path, env: dict[str, str], expected: Counter[tuple[str, int]],
                  stray: dict[int, str], again: list[str], problems: list[str], db_url: str = "") -> KillResult:
    db_url = db_url or _db(home)
    with open_catalogue(db_url)() as s:
        statuses = [c.status for c in s.scalars(select(Crawl))]
    if statuses != ["finished"]:
        problems.append(f"crawl rows {statuses}, not one finished run")
    got = _captures(db_url)
    lost = sorted(set(expected) - set(got))
    doubled = sorted(k for k, n in got.items() if n > expected.get(k, 0))
    verify = run_nianbao(["archive", "verify"], env)
    if verify.returncode != 0:
        problems.append(f"archive verify: {verify.stdout[-2000:]}")
    problems += orphan_rows(db_url)
    problems += [f"stray process {pid}: {cmd[:120]}" for pid, cmd in stray.items()]
    problems += [f"lost {k}" for k in lost] + [f"doubled {k}" for k in doubled]
    problems += [f"asked again for {url}" for url in again]
    return KillResult(str(trial), trial.kind, len(stray), len(lost), len(doubled), len(again), problems)


def _crawler_trial(trial: Trial, web: SampleWebServer, tmp_path: Path, kill_after: int,
                   expected: Counter[tuple[str, int]], _prefix: str) -> KillResult:
    home, log = tmp_path / "data", tmp_path / "crawl.log"
    env = _env(home, _browser(trial))
    proc = _start(["crawl", trial.site, "--proxy", web.proxy_url], env, log)
    _wait_for(f"{kill_after} captures", lambda: sum(_captures(_db(home)).values()) >= kill_after, proc, log)
    tree = descendants(proc.pid)
    proc.kill()
    proc.wait()
    return _check_resumed(trial, web, home, env, expected, strays(tree))


def _parse_worker_trial(trial: Trial, web: SampleWebServer, tmp_path: Path, kill_after: int,
                        expected: Counter[tuple[str, int]], _prefix: str) -> KillResult:
    """A parse worker dies: its job is tried again on a new worker, the crawl goes on and ends finished."""
    home, log = tmp_path / "data", tmp_path / "crawl.log"
    env = _env(home, "0")
    proc = _start(["crawl", trial.site, "--proxy", web.proxy_url], env, log)
    _wait_for("a parse worker", lambda: sum(_captures(_db(home)).values()) >= kill_after and
              bool(parse_workers(proc.pid)), proc, log)
    os.kill(parse_workers(proc.pid)[0], signal.SIGKILL)
    tree = descendants(proc.pid)
    code = proc.wait(timeout=300)
    problems = [] if code == 0 else [f"crawl exited {code}: {log.read_text(errors='replace')[-2000:]}"]
    return _final_checks(trial, home, env, expected, strays(tree), [], problems)


REGISTRY = '[{site}]\nname = "{site}"\nhome_url = "{home}"\nschedule = "*/2 * * * * *"\n'


def _scheduler_trial(trial: Trial, web: SampleWebServer, tmp_path: Path, kill_after: int,
                     expected: Counter[tuple[str, int]], _prefix: str) -> KillResult:
    """The scheduler dies mid-crawl: its crawl is stopped (and closes `interrupted`), the next run resumes it."""
    from spiders.registry import resolve_site

    home, log = tmp_path / "data", tmp_path / "schedule.log"
    registry = tmp_path / "sites.toml"
    site = resolve_site(trial.site)
    registry.write_text(REGISTRY.format(site=trial.site, home=site.home_url) +
                        f'family = "{site.row.family}"\n', "utf-8")
    env = {**_env(home, "0"), "NIANBAO_REGISTRY": str(registry), "NIANBAO_SCHEDULE_CONCURRENCY": "1"}
    proc = _start(["schedule", "--proxy", web.proxy_url], env, log)
    _wait_for(f"{kill_after} captures", lambda: sum(_captures(_db(home)).values()) >= kill_after, proc, log)
    tree = descendants(proc.pid)
    proc.kill()
    proc.wait()
    stray = strays(tree, grace=120)  # the crawl stops cleanly: it waits for its parses, then closes its row
    with open_catalogue(_db(home))() as s:
        statuses = [c.status for c in s.scalars(select(Crawl))]
    result = _check_resumed(trial, web, home, {**env, "NIANBAO_TRIGGER": "scheduled"}, expected, stray)
    if statuses != ["interrupted"]:
        result.problems.insert(0, f"the scheduler's crawl closed {statuses}, not interrupted")
    return result


def _distributed_trial(trial: Trial, web: SampleWebServer, tmp_path: Path, kill_after: int,
                       expected: Counter[tuple[str, int]], prefix: str) -> KillResult:
    """A worker dies mid-crawl: the other takes its requests over (NIANBAO_WORKER_STALE_AFTER) and ends the crawl.
    A request the dead worker had archived but not yet reported done comes back from the queue marked requeued and
    is answered from the crawl's capture, not downloaded again: a second capture of a URL is a failure."""
    home = tmp_path / "data"
    home.mkdir()
    with ExitStack() as stack:
        db_url = stack.enter_context(postgres_schema())
        env = {**_env(home, "0"), "NIANBAO_DATABASE_URL": db_url, "NIANBAO_REDIS_URL": REDIS_URL,
               "NIANBAO_REDIS_PREFIX": prefix, "NIANBAO_WORKER_STALE_AFTER": "4", "http_proxy": web.proxy_url}
        out = run_nianbao(["crawl", trial.site, "--distributed"], env)
        assert out.returncode == 0, out.stderr[-3000:]
        logs = {w: tmp_path / f"{w}.log" for w in ("w1", "w2")}
        workers = {w: _start(["worker", "--burst", "--poll", "0.5"], {**env, "NIANBAO_WORKER_ID": w}, log)
                   for w, log in logs.items()}
        try:
            _wait_for(f"{kill_after} captures", lambda: sum(_captures(db_url).values()) >= kill_after,
                      workers["w1"], logs["w1"])
            tree = descendants(workers["w1"].pid)
            workers["w1"].kill()
            workers["w1"].wait()
            stray = strays(tree)
            code = workers["w2"].wait(timeout=300)
        finally:
            for proc in workers.values():
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
        problems = [] if code == 0 else [f"w2 exited {code}: {logs['w2'].read_text(errors='replace')[-2000:]}"]
        return _final_checks(trial, home, env, expected, stray, [], problems, db_url=db_url)


def _results_within(stage: ParseStage, count: int, seconds: float = 120) -> list[ParseJobResult]:
    """The stage's next ``count`` results, failing (instead of hanging) if they do not come."""
    results: list[ParseJobResult] = []
    deadline = time.monotonic() + seconds
    while len(results) < count:
        assert time.monotonic() < deadline, f"only {len(results)} of {count} parse results within {seconds} s"
        results += stage.take_ready()
        time.sleep(0.05)
    return results


def _job(name: str) -> ParseJob:
    return ParseJob(payload_sha256=name, warc_dir="", warc_file="", warc_offset=0, url=f"http://x/{name}",
                    media_type=None)


def test_a_parse_worker_killed_while_idle_does_not_stop_the_pool() -> None:
    """An idle worker's death breaks the executor (it refuses new jobs): the pool starts new workers."""
    pool = ParsePool(workers=1, timeout=120, memory_limit_mb=None, runner=pool_parse)
    try:
        stage = ParseStage.on(pool)
        stage.submit(_job("first"))
        assert [r.ok for r in _results_within(stage, 1)] == [True]
        (worker,) = pool.processes()
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while not getattr(pool._executor, "_broken", False):  # the executor has seen the death
            assert time.monotonic() < deadline, "the executor never saw its worker die"
            time.sleep(0.05)
        stage.submit(_job("second"))
        assert [r.ok for r in _results_within(stage, 1)] == [True]
    finally:
        pool.close()


POOL_OWNER = """
import sys, time
from lifecycle.parse_pool import ParseJob, ParsePool
from tests.lifecycle.pool_hooks import pool_parse
pool = ParsePool(workers=2, timeout=600, memory_limit_mb=None, runner=pool_parse)
for n in range(2):
    pool.submit(ParseJob(str(n), "", "", 0, "http://x/slow", None), lambda result: None)
while len(pool.processes()) < 2:
    time.sleep(0.05)
print(" ".join(map(str, pool.processes())), flush=True)
time.sleep(600)
"""


def test_parse_workers_die_with_the_process_that_owns_them() -> None:
    owner = subprocess.Popen([sys.executable, "-c", POOL_OWNER], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout is not None
        workers = {int(pid): "" for pid in owner.stdout.readline().split()}
        assert len(workers) == 2
        tree = {pid: cmd for pid, cmd in descendants(owner.pid).items() if pid in workers}
        assert set(tree) == set(workers)
    finally:
        owner.kill()
        owner.wait()
    assert strays(tree) == {}
