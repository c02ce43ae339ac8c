"""Crawl benchmark: the whole sample web with `nianbao crawl --all`, then again (the conditional re-crawl), then a
crawl killed half-way and resumed. Prints wall time, responses per second, bytes and the peak memory of the crawl
process, as a table and as one JSON line (for comparing runs: `make bench > before.txt`, change, `make bench`).

    .venv/bin/python -m bench.crawl [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sampleweb.server import SampleWebServer
from sampleweb.sites import SITES
from storage.catalog import Catalog
from storage.crawls import crawl_rows
from storage.db import open_catalogue

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Run:
    name: str
    seconds: float
    responses: int
    warc_bytes: int
    peak_rss_mb: float

    @property
    def per_second(self) -> float:
        return self.responses / self.seconds if self.seconds else 0.0


def _nianbao(args: list[str], home: Path, proxy: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NIANBAO_HOME": str(home), "NIANBAO_BROWSER": os.environ.get("NIANBAO_BROWSER", "1")}
    return subprocess.Popen([sys.executable, "-m", "cli", *args, "--proxy", proxy], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait(proc: subprocess.Popen[bytes]) -> tuple[int, float]:
    """Wait for the crawl process: its exit code and its own peak RSS in MB."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss / 1024


def _captures(home: Path) -> int:
    return Catalog(open_catalogue(f"sqlite:///{home / 'nianbao.db'}")).capture_count()


def _warc_bytes(home: Path) -> int:
    return sum(p.stat().st_size for p in (home / "warcs").glob("*.warc.gz*"))


def _timed(name: str, args: list[str], home: Path, proxy: str) -> Run:
    before_captures, before_bytes = _captures(home), _warc_bytes(home)
    start = time.perf_counter()
    code, peak = _wait(_nianbao(args, home, proxy))
    if code not in (0, 1):
        raise SystemExit(f"{name}: nianbao exited {code}; run it by hand to see why")
    return Run(name, time.perf_counter() - start, _captures(home) - before_captures,
               _warc_bytes(home) - before_bytes, peak)


def _killed_and_resumed(home: Path, proxy: str, site: str) -> tuple[Run, Run, Run]:
    """A crawl of `site`; another killed after half its captures, then `--resume`d; the three timed."""
    full = _timed(f"crawl {site}", ["crawl", site], home / "full", proxy)
    half = max(1, full.responses // 2)
    cut = home / "cut"
    start = time.perf_counter()
    proc = _nianbao(["crawl", site], cut, proxy)
    while (cut / "nianbao.db").exists() is False or _captures(cut) < half:
        time.sleep(0.05)
        if proc.poll() is not None:
            raise SystemExit("the crawl ended before it could be killed")
    proc.send_signal(signal.SIGKILL)
    _, peak = _wait(proc)
    killed = Run(f"crawl {site} killed at {half}", time.perf_counter() - start, _captures(cut), _warc_bytes(cut),
                 peak)
    resumed = _timed(f"crawl {site} --resume", ["crawl", site, "--resume"], cut, proxy)
    statuses = [c.status for c in crawl_rows(open_catalogue(f"sqlite:///{cut / 'nianbao.db'}"))]
    if statuses != ["finished"]:
        raise SystemExit(f"resume did not finish the crawl: {statuses}")
    return full, killed, resumed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="repeat the first/second crawl pair")
    args = parser.parse_args(argv)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp, SampleWebServer() as web:
        for site_id in SITES:  # rendering the sample sites is not the crawler's time
            web.render(site_id)
        for n in range(args.rounds):
            home = Path(tmp) / f"all-{n}"
            runs.append(_timed("crawl --all (first)", ["crawl", "--all"], home, web.proxy_url))
            runs.append(_timed("crawl --all (re-crawl)", ["crawl", "--all"], home, web.proxy_url))
        runs.extend(_killed_and_resumed(Path(tmp) / "resume", web.proxy_url, "pingluo"))
    print(f"{'run':32} {'seconds':>8} {'captures':>9} {'per s':>7} {'WARC bytes':>11} {'peak RSS MB':>12}")
    for r in runs:
        print(f"{r.name:32} {r.seconds:8.2f} {r.responses:9d} {r.per_second:7.1f} {r.warc_bytes:11d} "
              f"{r.peak_rss_mb:12.0f}")
    print(json.dumps({"bench": "crawl", "sites": len(SITES),
                      "runs": [{**asdict(r), "per_second": round(r.per_second, 2)} for r in runs]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
