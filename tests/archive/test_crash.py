"""A crawl killed with SIGKILL mid-write: the next run repairs the `.open` file and nothing the catalogue
points to is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from archive.cdxj import index_path
from sampleweb.server import SampleWebServer
from storage.db import open_catalogue
from storage.models import Capture
from tests.archive.warc_helpers import warcio_check
from tests.conftest import REPO, run_nianbao
from tests.crawler.kill_support import capture_count


def _kill_after(args: list[str], env: dict[str, str], db_url: str, captures: int) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "cli", *args], cwd=REPO, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while capture_count(db_url) < captures:
            assert proc.poll() is None, "the crawl ended before it could be killed"
            assert time.monotonic() < deadline, "too few captures within 180 s"
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


def test_sigkill_then_rerun_repairs_and_loses_nothing(sampleweb: SampleWebServer, tmp_path: Path) -> None:
    home = tmp_path / "data"
    db_url = f"sqlite:///{home / 'nianbao.db'}"
    env = {"NIANBAO_HOME": str(home)}
    args = ["crawl", "pingluo", "--proxy", sampleweb.proxy_url]
    sampleweb.render("pingluo")  # rendering the site (LibreOffice for the DOC) must not eat the kill window

    _kill_after(args, env, db_url, captures=8)
    warcs = home / "warcs"
    (crashed,) = warcs.glob("*.warc.gz.open")
    with crashed.open("ab") as f:
        f.write(b"\x1f\x8b\x08\x00torn")  # as if the kill had landed in the middle of an append
    killed_at = capture_count(db_url)

    rerun = run_nianbao(args, env)
    assert rerun.returncode == 0, rerun.stderr[-3000:]

    assert not list(warcs.glob("*.open"))
    repaired = warcs / crashed.name.removesuffix(".open")
    assert repaired.exists() and index_path(repaired).exists()
    assert f"event=warc_repaired_at_start file={repaired.name}" in rerun.stderr
    for warc in warcs.glob("*.warc.gz"):
        assert warcio_check(warc) == 0
    with open_catalogue(db_url)() as s:
        in_repaired = s.scalar(select(func.count()).select_from(Capture).where(Capture.warc_file == repaired.name))
    assert in_repaired == killed_at
    verify = run_nianbao(["archive", "verify"], env)
    assert verify.returncode == 0, verify.stdout[-3000:]
