"""`nianbao crawl --all` at scale, on the sample web in real processes: at most NIANBAO_SITE_CONCURRENCY sites'
crawls open at once, at most NIANBAO_PARSE_WORKERS parse processes (one pool for the process), the same reports
as an unbounded run, `--no-wait` then `reparse --pending` giving them too, and no parse worker outliving a killed
crawl."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sampleweb.server import SampleWebServer
from sampleweb.truth import SITES, registry_row
from spiders.registry import Site, site_row_toml
from storage.crawls import crawl_rows, running
from storage.db import open_catalogue
from tests.conftest import REPO, run_nianbao

SITE_IDS = sorted(SITES)
VOLATILE = ("captured_at", "first_seen_at", "version_first_seen_at", "report_id")


def _site(site_id: str) -> Site:
    row: dict[str, Any] = dict(registry_row(site_id))
    return Site(id=site_id, **row)


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    registry = tmp / "sites.toml"
    registry.write_text("\n".join(site_row_toml(_site(s)) for s in SITE_IDS), "utf-8")
    return {"NIANBAO_HOME": str(tmp / "data"), "NIANBAO_REGISTRY": str(registry), **extra}


def _children(pid: int) -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def parse_workers_under(pid: int) -> list[int]:
    """The parse worker processes (spawned by multiprocessing) in the process tree under `pid`."""
    tree, found, todo = _children(pid), [], list(_children(pid).get(pid, []))
    while todo:
        child = todo.pop()
        todo.extend(tree.get(child, []))
        try:
            cmdline = (Path("/proc") / str(child) / "cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if b"spawn_main" in cmdline and b"resource_tracker" not in cmdline:
            found.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def watch_crawl_all(env: dict[str, str], proxy: str, observe: Callable[[int], None],
                    extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """Run `crawl --all`, calling `observe(pid)` every 0.1 s while it runs."""
    args = [sys.executable, "-m", "cli", "crawl", "--all", "--proxy", proxy, *extra]
    out, err = Path(env["NIANBAO_HOME"] + ".out"), Path(env["NIANBAO_HOME"] + ".err")
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen(args, cwd=REPO, env={**os.environ, **env}, stdout=stdout, stderr=stderr, text=True)
        while proc.poll() is None:
            observe(proc.pid)
            time.sleep(0.1)
    return subprocess.CompletedProcess(args, proc.returncode, out.read_text(), err.read_text())


def reports_of(env: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Every site's reports as `nianbao reports --format json` gives them, without ids and times."""
    found = {}
    for site_id in SITE_IDS:
        out = run_nianbao(["reports", "--format", "json", "--site", site_id], env)
        assert out.returncode == 0, out.stderr[-3000:]
        rows = [{k: v for k, v in json.loads(line).items() if k not in VOLATILE} for line in out.stdout.splitlines()]
        for row in rows:  # in the order the attachments were fetched, which concurrent downloads vary
            row["attachment_urls"] = sorted(row["attachment_urls"])
        found[site_id] = sorted(rows, key=lambda r: str(r["source_url"]))
    return found


def most_open_crawls(log: str) -> int:
    """The most sites whose crawl was open at once, from the spider open and crawl close log lines, in order."""
    open_now, most = 0, 0
    for line in log.splitlines():
        if "crawl started site=" in line or "crawl resumed site=" in line:
            open_now += 1
        elif "crawl closed site=" in line:
            open_now -= 1
        most = max(most, open_now)
    return most


@pytest.fixture(scope="module")
def unbounded(sampleweb: SampleWebServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A `crawl --all` with every sample site at once: the reports to compare with."""
    env = _env(tmp_path_factory.mktemp("unbounded"), NIANBAO_SITE_CONCURRENCY=str(len(SITE_IDS)))
    out = run_nianbao(["crawl", "--all", "--proxy", sampleweb.proxy_url], env, timeout=900)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert most_open_crawls(out.stderr) == len(SITE_IDS)  # the sites did run side by side
    return {"env": env, "reports": reports_of(env)}


def test_crawl_all_keeps_to_the_site_and_parse_worker_limits(sampleweb: SampleWebServer, tmp_path: Path,
                                                             unbounded: dict[str, Any]) -> None:
    assert len(SITE_IDS) >= 5
    env = _env(tmp_path, NIANBAO_SITE_CONCURRENCY="2", NIANBAO_PARSE_WORKERS="2")
    database = f"sqlite:///{tmp_path / 'data' / 'nianbao.db'}"
    seen: dict[str, list[int]] = {"running_rows": [], "workers": []}

    def observe(pid: int) -> None:
        seen["workers"].append(len(parse_workers_under(pid)))
        if "crawl started" in Path(env["NIANBAO_HOME"] + ".err").read_text():  # the catalogue is there
            seen["running_rows"].append(len(running(open_catalogue(database))))

    out = watch_crawl_all(env, sampleweb.proxy_url, observe)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert most_open_crawls(out.stderr) == 2
    assert seen["running_rows"] and max(seen["running_rows"]) <= 2
    assert max(seen["workers"]) > 0 and max(seen["workers"]) <= 2, seen["workers"]
    assert "state=waiting" in out.stdout  # the progress display shows the sites waiting their turn
    sessions = open_catalogue(database)
    assert {site_id: [c.status for c in crawl_rows(sessions, site_id)] for site_id in SITE_IDS} == {
        site_id: ["finished"] for site_id in SITE_IDS}
    assert reports_of(env) == unbounded["reports"]


def test_no_wait_leaves_the_parses_to_reparse_pending(sampleweb: SampleWebServer, tmp_path: Path,
                                                      unbounded: dict[str, Any]) -> None:
    env = _env(tmp_path)
    out = run_nianbao(["crawl", "--all", "--no-wait", "--proxy", sampleweb.proxy_url], env, timeout=900)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert all(not reports for reports in reports_of(env).values())  # nothing parsed, nothing assembled
    sessions = open_catalogue(f"sqlite:///{tmp_path / 'data' / 'nianbao.db'}")
    for site_id in SITE_IDS:
        (crawl,) = crawl_rows(sessions, site_id)
        assert crawl.status == "finished" and "reparse --pending" in (crawl.close_reason or "")
    pending = run_nianbao(["reparse", "--pending"], env, timeout=900)
    assert pending.returncode == 0, pending.stdout[-3000:] + pending.stderr[-3000:]
    assert reports_of(env) == unbounded["reports"]
    again = run_nianbao(["reparse", "--pending", "--site", SITE_IDS[0]], env)  # nothing left: nothing changes
    assert again.returncode == 0 and f"site={SITE_IDS[0]} " in again.stdout and " parsed=0 " in again.stdout
    assert reports_of(env) == unbounded["reports"]


def test_no_parse_worker_outlives_a_killed_crawl(sampleweb: SampleWebServer, tmp_path: Path) -> None:
    env = _env(tmp_path, NIANBAO_PARSE_WORKERS="2")
    workers: set[int] = set()

    def kill_once_parsing(pid: int) -> None:
        workers.update(parse_workers_under(pid))
        if workers:
            os.kill(pid, signal.SIGKILL)

    out = watch_crawl_all(env, sampleweb.proxy_url, kill_once_parsing)
    assert out.returncode == -signal.SIGKILL and workers
    deadline = time.monotonic() + 30  # each worker checks for its parent twice a second
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [w for w in workers if alive(w)]
