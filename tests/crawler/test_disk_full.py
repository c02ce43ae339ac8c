"""Disk full: below NIANBAO_MIN_FREE_MB a crawl pauses its downloads (its WARC file finished, the reason on its row),
and goes on when space returns — tested on a small tmpfs mounted as the archive directory — with a margin so that
it does not flap."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.diskspace import MB, DiskGate
from sampleweb.server import SampleWebServer
from storage.db import open_catalogue
from storage.models import Capture, Crawl
from tests.conftest import REPO, run_nianbao

SITE = "pingluo"
MIN_FREE_MB = 16


def test_the_gate_pauses_below_the_threshold_and_resumes_only_above_the_margin() -> None:
    gate = DiskGate(min_free=100 * MB)
    readings = [300, 101, 99, 98, 120, 149, 150, 120, 100, 99, 160]
    assert [gate.update(free * MB) for free in readings] == [
        None, None, "pause", None, None, None, "resume", None, None, "pause", "resume"]
    assert gate.resume_at == 150 * MB
    assert DiskGate(min_free=1 * MB).resume_at == 2 * MB  # a margin of at least 1 MB


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 48 MB tmpfs mounted as NIANBAO_HOME's archive directory (needs root, as `make test` runs)."""
    mount = tmp_path / "data" / "warcs"
    mount.mkdir(parents=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        pytest.fail(f"mounting a tmpfs needs root: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(mount: Path, leave_mb: int) -> Path:
    """A ballast file that leaves about ``leave_mb`` MB free on ``mount``."""
    ballast = mount / "ballast"
    size = shutil.disk_usage(mount).free - leave_mb * MB
    with ballast.open("wb") as out:
        for _ in range(size // MB):
            out.write(b"\0" * MB)
    return ballast


def _wait(what: str, ready: Callable[[], bool], proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 240
    while not ready():
        assert proc.poll() is None, f"the crawl ended before {what}:\n{log.read_text(errors='replace')[-3000:]}"
        assert time.monotonic() < deadline, f"no {what} within 240 s"
        time.sleep(0.05)


def test_a_crawl_pauses_while_the_disk_is_full_and_finishes_when_space_returns(
        sampleweb: SampleWebServer, small_disk: Path, tmp_path: Path) -> None:
    sampleweb.render(SITE)
    home, log = small_disk.parent, tmp_path / "crawl.log"
    db_url = f"sqlite:///{home / 'nianbao.db'}"
    # One request at a time, 0.3 s apart: the crawl (~37 responses) lasts long enough for the disk to fill under it.
    env = {"NIANBAO_HOME": str(home), "NIANBAO_MIN_FREE_MB": str(MIN_FREE_MB), "NIANBAO_BROWSER": "0",
           "NIANBAO_PARSE_WORKERS": "1", "NIANBAO_HOST_CONCURRENCY": "1", "NIANBAO_HOST_DELAY": "0.3"}

    def captures() -> Counter[tuple[str, int]]:
        try:
            with open_catalogue(db_url)() as s:
                return Counter((url, status) for url, status in s.execute(select(Capture.url, Capture.http_status)))
        except Exception:  # noqa: BLE001 — the crawl may not have created the tables yet
            return Counter()

    def row() -> Crawl | None:
        with open_catalogue(db_url)() as s:
            return s.scalars(select(Crawl)).first()

    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cli", "crawl", SITE, "--proxy", sampleweb.proxy_url],
                                cwd=REPO, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait("5 captures", lambda: sum(captures().values()) >= 5, proc, log)
        ballast = _fill(small_disk, leave_mb=MIN_FREE_MB // 2)
        _wait("the pause", lambda: "event=disk_low" in log.read_text(errors="replace"), proc, log)
        # Paused: the reason is on the running row, and once the downloads in flight are archived the WARC file is
        # finished (no `.open` file while the disk is full).
        _wait("the WARC file finished", lambda: not list(small_disk.glob("*.open")), proc, log)
        paused = row()
        assert paused is not None and paused.status == "running"
        assert f"below NIANBAO_MIN_FREE_MB={MIN_FREE_MB}" in (paused.close_reason or ""), paused.close_reason
        ballast.unlink()
        code = proc.wait(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    output = log.read_text(errors="replace")
    assert code == 0, output[-3000:]
    assert output.count("event=disk_low") == 1 and output.count("event=disk_ok") == 1  # no flapping
    ended = row()
    assert ended is not None and ended.status == "finished", ended.close_reason
    assert "paused" not in (ended.close_reason or "")
    got = captures()
    assert got and all(n == 1 for (url, status), n in got.items() if status == 200), got  # nothing fetched twice
    assert len(list(small_disk.glob("*.warc.gz"))) >= 2  # the file finished at the pause, and the one after
    verify = run_nianbao(["archive", "verify"], env)
    assert verify.returncode == 0, verify.stdout[-3000:]
