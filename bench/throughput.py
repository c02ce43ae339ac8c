"""Throughput benchmark (issue 15): `nianbao crawl --all` against a bare Scrapy spider and `wget --mirror` on a
generated web of N TRS-style county sites (sampleweb/generated.py) served on loopback as an HTTP proxy.

Each contender runs R rounds in the same run; the medians of responses (counted by the server), wall seconds,
responses/s, CPU seconds and peak RSS of the whole process tree are printed with the ratios nianbao/bare and
nianbao/wget, and written to bench/results/<timestamp>.json with a PNG chart beside it (bench/chart.py).
CPU is user + sys of the contender's process and every descendant it waited for (os.wait4); peak RSS is the tree's
RSS summed from /proc every ~0.1 s (the tree found through the ppid field of /proc/<pid>/stat).

    .venv/bin/python -m bench.throughput [--sites 50] [--rounds 3] [--latency-ms 0]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sampleweb.generated import GeneratedWebServer, generated_specs, registry_toml

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
NIANBAO_CRAWL_ONLY = "nianbao crawl --all --no-wait"
NIANBAO_END_TO_END = "nianbao crawl --all"
BARE = "bare Scrapy"
WGET_SEQ = "wget sequential"
WGET_PAR = "wget ×4 parallel"
PAGE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_S = 0.1


@dataclass(frozen=True)
class Usage:
    """What one run of a command cost."""

    exit_code: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float


def _parents() -> dict[int, int]:
    """pid → ppid of every process now."""
    out: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        out[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return out


def tree_rss_bytes(root: int) -> int:
    """The summed resident set of ``root`` and all its descendants."""
    parents = _parents()
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid and child not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def run_measured(argv: list[str], env: dict[str, str], cwd: Path, log: Path) -> Usage:
    """Run ``argv`` to its end (output to ``log``) and measure it."""
    peak = [0]
    done = threading.Event()
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)

        def sample() -> None:
            while not done.wait(SAMPLE_S):
                peak[0] = max(peak[0], tree_rss_bytes(proc.pid))

        sampler = threading.Thread(target=sample, name="rss-sampler", daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Usage(proc.returncode, wall, usage.ru_utime + usage.ru_stime, peak[0] / 2**20)


@dataclass(frozen=True)
class Round:
    """One run of one contender."""

    contender: str
    round: int
    exit_code: int
    responses: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float

    @property
    def per_s(self) -> float:
        return self.responses / self.wall_s if self.wall_s else 0.0

    @property
    def cpu_ms_per_response(self) -> float:
        return 1000 * self.cpu_s / self.responses if self.responses else 0.0


@dataclass(frozen=True)
class Contender:
    """A command line to run (in a fresh working directory per round) and the environment it needs."""

    name: str
    argv: Callable[[Path], list[str]]
    env: dict[str, str]
    in_repo: bool = False  # run in the checkout (nianbao), else in the round's directory (no scrapy.cfg there)


def _contenders(web: GeneratedWebServer, registry: Path, wget: bool) -> list[Contender]:
    hosts = [spec.hostname for spec in web.specs]
    proxied = {**os.environ, "http_proxy": web.proxy_url, "HTTP_PROXY": web.proxy_url, "no_proxy": ""}
    nianbao_env = {**proxied, "NIANBAO_REGISTRY": str(registry), "NIANBAO_BROWSER": "0"}
    cli = [sys.executable, "-m", "cli", "crawl", "--all", "--proxy", web.proxy_url]
    out = [
        Contender(NIANBAO_CRAWL_ONLY, lambda _: [*cli, "--no-wait"], nianbao_env, in_repo=True),
        Contender(NIANBAO_END_TO_END, lambda _: cli, nianbao_env, in_repo=True),
        Contender(BARE, lambda _: [sys.executable, "-m", "scrapy", "runspider", str(REPO / "bench" / "bare_spider.py"),
                                   "-a", "hosts=" + ",".join(hosts), "-s", "LOG_LEVEL=WARNING"], proxied),
    ]
    if wget:
        for name, parallel in ((WGET_SEQ, 1), (WGET_PAR, 4)):
            out.append(Contender(name, _wget(hosts, parallel), proxied))
    return out


def _wget(hosts: list[str], parallel: int) -> Callable[[Path], list[str]]:
    """xargs running `wget --mirror --warc-file` once per site, ``parallel`` at a time (one process tree)."""
    def argv(workdir: Path) -> list[str]:
        script = ("printf '%s\\n' " + " ".join(hosts) + f" | xargs -P {parallel} -I {{}} wget --mirror -q"
                  f" -e robots=off --warc-file={workdir}/{{}} -P {workdir}/mirror http://{{}}/ ; exit 0")
        return ["sh", "-c", script]
    return argv


def _round(contender: Contender, web: GeneratedWebServer, workdir: Path, n: int) -> Round:
    workdir.mkdir(parents=True)
    env = {**contender.env, "NIANBAO_HOME": str(workdir / "home")}
    before = web.served
    usage = run_measured(contender.argv(workdir), env, REPO if contender.in_repo else workdir,
                         workdir / "output.log")
    result = Round(contender.name, n, usage.exit_code, web.served - before, usage.wall_s, usage.cpu_s,
                   usage.peak_rss_mb)
    if usage.exit_code != 0:
        tail = (workdir / "output.log").read_text(errors="replace")[-1500:]
        print(f"{contender.name}: exited {usage.exit_code}; its output ends:\n{tail}", file=sys.stderr)
    shutil.rmtree(workdir / "mirror", ignore_errors=True)
    return result


def medians(rounds: list[Round]) -> dict[str, dict[str, float]]:
    """Per contender, the median of each measure over its rounds."""
    out: dict[str, dict[str, float]] = {}
    for name in dict.fromkeys(r.contender for r in rounds):
        mine = [r for r in rounds if r.contender == name]
        out[name] = {key: round(statistics.median(getattr(r, key) for r in mine), 3)
                     for key in ("responses", "wall_s", "per_s", "cpu_s", "cpu_ms_per_response", "peak_rss_mb")}
    return out


def ratios(table: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """nianbao (crawl only and end to end) over bare Scrapy and over wget (sequential and ×4), per measure."""
    out: dict[str, dict[str, float]] = {}
    for ours in (NIANBAO_CRAWL_ONLY, NIANBAO_END_TO_END):
        for base in (BARE, WGET_SEQ, WGET_PAR):
            if ours in table and base in table:
                out[f"{ours} / {base}"] = {k: round(table[ours][k] / v, 3) if v else float("nan")
                                           for k, v in table[base].items()}
    return out


def print_table(table: dict[str, dict[str, float]], rat: dict[str, dict[str, float]]) -> None:
    print(f"{'contender':32} {'responses':>9} {'wall s':>8} {'resp/s':>8} {'CPU s':>8} {'CPU ms/resp':>11} "
          f"{'peak RSS MB':>12}")
    for name, m in table.items():
        print(f"{name:32} {m['responses']:9.0f} {m['wall_s']:8.2f} {m['per_s']:8.1f} {m['cpu_s']:8.2f} "
              f"{m['cpu_ms_per_response']:11.2f} {m['peak_rss_mb']:12.0f}")
    print(f"\n{'ratio':48} {'responses':>9} {'wall s':>8} {'resp/s':>8} {'CPU s':>8} {'CPU/resp':>9} "
          f"{'peak RSS':>9}")
    for name, m in rat.items():
        print(f"{name:48} {m['responses']:9.2f} {m['wall_s']:8.2f} {m['per_s']:8.2f} {m['cpu_s']:8.2f} "
              f"{m['cpu_ms_per_response']:9.2f} {m['peak_rss_mb']:9.2f}")


def targets(table: dict[str, dict[str, float]], latency_ms: float, cores: int) -> list[tuple[str, float, str, bool]]:
    """Issue 15's "done when" lines this run can judge: (what, measured, bound, met)."""
    out: list[tuple[str, float, str, bool]] = []
    crawl, e2e, bare, par = (table.get(n) for n in (NIANBAO_CRAWL_ONLY, NIANBAO_END_TO_END, BARE, WGET_PAR))
    if crawl and bare and not latency_ms:
        got = crawl["per_s"] / bare["per_s"]
        out.append(("crawl only: responses/s over bare Scrapy's", got, ">= 0.85", got >= 0.85))
        got = crawl["cpu_ms_per_response"] / bare["cpu_ms_per_response"]
        out.append(("crawl only: CPU per response over bare Scrapy's", got, "<= 1.5", got <= 1.5))
    if crawl and e2e and not latency_ms:
        parse_wall = max(e2e["cpu_s"] - crawl["cpu_s"], 0.0) / cores  # the parses' CPU spread over the cores
        got = e2e["wall_s"] / max(crawl["wall_s"], parse_wall)
        out.append(("end to end: wall over max(crawl-only wall, parse CPU / cores)", got, "<= 1.2", got <= 1.2))
        out.append(("end to end: peak RSS of the process tree, MB", e2e["peak_rss_mb"], "<= 600",
                    e2e["peak_rss_mb"] <= 600))
    if crawl and bare and latency_ms:
        got = crawl["wall_s"] / bare["wall_s"]
        out.append((f"{latency_ms:g} ms latency, crawl only: wall over bare Scrapy's", got, "<= 1.1", got <= 1.1))
        if par:
            got = crawl["wall_s"] / par["wall_s"]
            out.append((f"{latency_ms:g} ms latency, crawl only: wall over wget x4's", got, "<= 0.2", got <= 0.2))
    return out


def print_targets(lines: list[tuple[str, float, str, bool]]) -> None:
    if lines:
        print(f"\n{'issue 15, done when':64} {'measured':>9} {'bound':>7}")
    for what, got, bound, met in lines:
        print(f"{what:64} {got:9.2f} {bound:>7}  {'met' if met else 'NOT met'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=int(os.environ.get("BENCH_SITES", 50)))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3)))
    parser.add_argument("--latency-ms", type=float, default=float(os.environ.get("BENCH_LATENCY_MS", 0)))
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON and the PNG go")
    parser.add_argument("--only", default="", help="run only the contenders whose name contains this text "
                        "(e.g. 'no-wait' for the memory growth from 100 to 1,000 sites)")
    args = parser.parse_args(argv)
    wget = shutil.which("wget") is not None
    if not wget:
        print("wget is not installed (apt package wget): its rows are skipped")
    rounds: list[Round] = []
    with tempfile.TemporaryDirectory(prefix="nianbao-throughput-") as tmp, \
            GeneratedWebServer(generated_specs(args.sites), args.latency_ms, cache_dir=Path(tmp) / "cache") as web:
        print(f"rendering {args.sites} sites …", flush=True)
        resources = web.render_all()  # rendering the sites is not the contenders' time
        registry = Path(tmp) / "sites.toml"
        registry.write_text(registry_toml(web.specs), encoding="utf-8")
        for n in range(args.rounds):
            for contender in (c for c in _contenders(web, registry, wget) if args.only in c.name):
                print(f"round {n + 1}/{args.rounds}: {contender.name} …", flush=True)
                rounds.append(_round(contender, web, Path(tmp) / f"r{n}-{len(rounds)}", n))
    table = medians(rounds)
    rat = ratios(table)
    print()
    print_table(table, rat)
    judged = targets(table, args.latency_ms, os.cpu_count() or 1)
    print_targets(judged)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    args.out.mkdir(parents=True, exist_ok=True)
    params = {"sites": args.sites, "rounds": args.rounds, "latency_ms": args.latency_ms, "only": args.only,
              "resources_served": resources, "cores": os.cpu_count(), "wget": wget}
    result = {"bench": "throughput", "at": stamp, "params": params, "medians": table, "ratios": rat,
              "targets": [{"what": w, "measured": round(g, 3), "bound": b, "met": m} for w, g, b, m in judged],
              "rounds": [{**asdict(r), "per_s": round(r.per_s, 2),
                          "cpu_ms_per_response": round(r.cpu_ms_per_response, 2)} for r in rounds]}
    path = args.out / f"{stamp}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    chart = subprocess.run([sys.executable, "-m", "bench.chart", str(path)], cwd=REPO, check=False)
    if chart.returncode != 0:
        print("the chart could not be drawn (is matplotlib installed? pip install -e '.[dev]')", file=sys.stderr)
    print(f"\nwritten: {path} and {path.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
