"""What a crawl does on the network besides fetching the site: no listening socket in its process tree (Scrapy's
telnet console and remote control off, Chromium driven over a pipe), and a browser render that asks the proxy for
the site's own URLs only (Chromium's Google services off: crawler/settings.py PLAYWRIGHT_LAUNCH_OPTIONS).

The crawl runs `nianbao crawl lingwu` (a JS-only list column: rendered by Chromium) in a child process, with the
sample web as `http_proxy`/`https_proxy` in its environment — so Chromium's own browser-level traffic, which uses
the environment's proxy, also reaches the sample web, whose request log shows every host asked for.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sampleweb.server import SampleWebServer
from sampleweb.sites import SITES
from sampleweb.truth import expected_reports, registry_row
from spiders.registry import Site, site_row_toml
from tests.conftest import REPO

SITE = "lingwu"
# /proc/net/tcp* state 0A is LISTEN; every UDP socket of the tree counts (a bound UDP socket receives).
TABLES = {"tcp": "0A", "tcp6": "0A", "udp": None, "udp6": None}


@dataclass
class TreeWatch:
    """What was seen, polling a process tree: listening sockets and the command lines of its processes."""

    listening: dict[str, str] = field(default_factory=dict)  # "tcp 0100007F:9815" → command line of its owner
    commands: dict[int, str] = field(default_factory=dict)


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:  # the process ended while we looked
                continue
            kids.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    return kids


def _tree(root: int) -> Iterator[int]:
    kids, todo = _children(), [root]
    while todo:
        pid = todo.pop()
        yield pid
        todo.extend(kids.get(pid, []))


def _socket_inodes(pid: int) -> set[str]:
    inodes: set[str] = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return inodes
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def _poll(root: int, watch: TreeWatch) -> None:
    owners: dict[str, int] = {}
    for pid in _tree(root):
        owners.update(dict.fromkeys(_socket_inodes(pid), pid))
        try:
            watch.commands[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
    for table, state in TABLES.items():
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            cols = line.split()
            if cols[9] in owners and (state is None or cols[3] == state):
                watch.listening[f"{table} {cols[1]}"] = watch.commands.get(owners[cols[9]], "?")


def _crawl(web: SampleWebServer, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], TreeWatch]:
    registry = tmp_path / "sites.toml"
    row: dict[str, Any] = dict(registry_row(SITE))
    registry.write_text(site_row_toml(Site(id=SITE, **row)), "utf-8")
    env = {**os.environ, "NIANBAO_HOME": str(tmp_path / "data"), "NIANBAO_REGISTRY": str(registry),
           "NIANBAO_BROWSER": "1", "http_proxy": web.proxy_url, "https_proxy": web.proxy_url}
    watch, logs = TreeWatch(), (tmp_path / "stdout.txt", tmp_path / "stderr.txt")
    with logs[0].open("w") as stdout, logs[1].open("w") as stderr, \
            subprocess.Popen([sys.executable, "-m", "cli", "crawl", SITE], cwd=REPO, env=env, stdout=stdout,
                             stderr=stderr) as process:
        deadline = time.monotonic() + 300
        while process.poll() is None and time.monotonic() < deadline:
            _poll(process.pid, watch)
            time.sleep(0.05)
        if process.poll() is None:
            process.kill()
        process.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, logs[0].read_text("utf-8"),
                                       logs[1].read_text("utf-8")), watch


def test_a_browser_crawl_listens_on_nothing_and_asks_the_proxy_for_the_site_only(
        sampleweb: SampleWebServer, tmp_path: Path) -> None:
    before = len(sampleweb.requests)
    out, watch = _crawl(sampleweb, tmp_path)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert f"{len(expected_reports(SITE))} report(s)" in out.stdout, out.stdout[-3000:]

    browsers = [cmd for cmd in watch.commands.values() if "--remote-debugging-pipe" in cmd]
    assert browsers, "Chromium never ran: the test would prove nothing"
    assert not [cmd for cmd in watch.commands.values() if "--remote-debugging-port" in cmd]
    assert watch.listening == {}, watch.listening

    seen = sampleweb.requests[before:]
    # Chromium sends Proxy-Connection to an HTTP proxy, Scrapy does not: the render went through the proxy.
    assert any("Proxy-Connection" in r.headers for r in seen), "no request came from the browser"
    site_host = SITES[SITE].hostname
    strangers = sorted({f"{r.method} {r.target}" for r in seen if r.host != site_host})
    assert strangers == [], strangers
    assert all(r.method in ("GET", "HEAD", "POST") for r in seen)
