"""How a crawl process takes signals: SIGTERM, however often it comes, is a clean stop (the row closes
`interrupted`, reason `shutdown`) — a scheduled crawl can be sent it twice when its scheduler dies
(crawler/process.py); and a crawl whose process is dead but not yet reaped (a zombie) is not taken for a live one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from sampleweb.server import SampleWebServer
from storage.crawls import process_alive
from storage.db import open_catalogue
from storage.models import Crawl
from tests.conftest import REPO
from tests.crawler.kill_support import capture_count


def test_a_second_sigterm_still_stops_the_crawl_cleanly(sampleweb: SampleWebServer, tmp_path: Path) -> None:
    sampleweb.render("pingluo")
    home = tmp_path / "home"
    db_url = f"sqlite:///{home / 'nianbao.db'}"
    # One request at a time, 0.3 s apart: the crawl is still running when the signals come.
    env = {**os.environ, "NIANBAO_HOME": str(home), "NIANBAO_BROWSER": "0", "NIANBAO_PARSE_WORKERS": "1",
           "NIANBAO_HOST_CONCURRENCY": "1", "NIANBAO_HOST_DELAY": "0.3"}
    log = tmp_path / "crawl.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cli", "crawl", "pingluo", "--proxy", sampleweb.proxy_url],
                                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while capture_count(db_url) < 3:  # past start-up: Scrapy's signal handlers are in place
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)  # as the death of a scheduler's thread and then of its process send it
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    output = log.read_text(errors="replace")
    assert "Received SIGTERM again: already stopping cleanly" in output, output[-3000:]
    assert "forcing unclean shutdown" not in output
    with open_catalogue(db_url)() as s:
        assert [(c.status, c.close_reason) for c in s.scalars(select(Crawl))] == [("interrupted", "shutdown")]


def test_a_zombie_is_not_a_live_process() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 30
    while Path(f"/proc/{child.pid}/stat").read_text().split(") ")[1][:1] != "Z":  # exited, not waited for
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert not process_alive(child.pid)
    child.wait()
    assert not process_alive(child.pid)
    assert process_alive(os.getpid())
