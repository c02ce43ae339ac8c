"""Crawl N generated variant sites (sampleweb/variants) with one `nianbao crawl --all` through the sample web's
loopback proxy, check every stored report against the truth the generator emitted, and print recall and precision
of (unit, year) and of attachments per knob value, with the invariants broken on any site.

    .venv/bin/python -m bench.fuzz_sites [--sites N] [--first SEED]     (N also from NIANBAO_FUZZ_SITES)

Exit status 1 when a knob value is below 100% or an invariant is broken. tests/sampleweb/test_variant_sites.py
runs the same checks on 200 sites.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

from sampleweb.generated import GeneratedWebServer, registry_toml
from sampleweb.resources import build_site
from sampleweb.variants import VariantTruth, variant_truth
from sampleweb.variants.documents import doc_text
from sampleweb.variants.prerender import prerender

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SITES = 200
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[\s\u3000\xa0]+")


def squeeze(text: str) -> str:
    """Text with tags, entities and every kind of space gone: what "occurs in the page" is checked on."""
    return _SPACE.sub("", unescape(_TAG.sub(" ", text)))


@dataclass
class Tally:
    """Counts behind one knob value's recall and precision."""

    expected: int = 0
    recalled: int = 0  # expected reports stored with their page and the right (unit, year)
    stored: int = 0
    stored_right: int = 0
    files_expected: int = 0
    files_stored: int = 0
    files_right: int = 0

    def ratios(self) -> tuple[float, float, float, float]:
        div = lambda a, b: a / b if b else 1.0  # noqa: E731
        return (div(self.recalled, self.expected), div(self.stored_right, self.stored),
                div(self.files_right, self.files_expected), div(self.files_right, self.files_stored))


@dataclass
class Findings:
    """Per knob value tallies, the misses and wrong rows (with why), and the invariants broken."""

    tallies: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[str] = field(default_factory=list)
    invariants: list[str] = field(default_factory=list)
    # URLs the browser alone loaded again, or never archived: a render retried after a timeout loads them anew.
    refetched: list[str] = field(default_factory=list)

    def failing(self) -> dict[tuple[str, str], Tally]:
        return {key: t for key, t in self.tallies.items() if min(t.ratios()) < 1.0}


def crawl(truths: list[VariantTruth], workdir: Path, concurrency: int = 16
          ) -> tuple[list[dict[str, Any]], Counter[str], Counter[str], str]:
    """One `nianbao crawl --all` over the sites; their stored reports, the GETs the server saw per URL (all, and
    those of the browser), stdout."""
    specs = [truth.spec for truth in truths]
    workdir.mkdir(parents=True, exist_ok=True)
    registry = workdir / "sites.toml"
    registry.write_text(registry_toml(specs), "utf-8")
    env = {**os.environ, "NIANBAO_HOME": str(workdir / "data"), "NIANBAO_REGISTRY": str(registry),
           "NIANBAO_SITE_CONCURRENCY": str(concurrency)}
    # Rendered first, in as many processes as cores, in the default cache dir: the server serves them and the
    # checks read the same pages back (sampleweb.resources.build_site).
    prerender([truth.seed for truth in truths], os.cpu_count() or 2)
    with GeneratedWebServer(specs) as web:
        out = subprocess.run([sys.executable, "-m", "cli", "crawl", "--all", "--proxy", web.proxy_url], cwd=REPO,
                             env=env, capture_output=True, text=True, timeout=3600)
        (workdir / "crawl.log").write_text(out.stderr, "utf-8")
        if out.returncode != 0:
            raise RuntimeError(f"crawl --all failed: {out.stdout[-2000:]}{out.stderr[-3000:]}")
        gets = Counter(r.target for r in web.requests if r.method == "GET")
        # Chromium reaches the server as a proxy client that says Proxy-Connection; Scrapy does not.
        browser = Counter(r.target for r in web.requests if r.method == "GET" and "Proxy-Connection" in r.headers)
    listed = subprocess.run([sys.executable, "-m", "cli", "reports", "--format", "json"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=600)
    if listed.returncode != 0:
        raise RuntimeError(f"nianbao reports failed: {listed.stderr[-3000:]}")
    return [json.loads(line) for line in listed.stdout.splitlines() if line.strip()], gets, browser, out.stdout


def _page_text(truth: VariantTruth, url: str) -> str:
    resource = build_site(truth.spec).get(url.split(truth.spec.hostname, 1)[-1])
    if resource is None:
        return ""
    m = re.search(r"charset=([\w-]+)", resource.content_type)
    for encoding in ([m.group(1)] if m else []) + ["utf-8", "gb18030"]:
        try:
            return resource.body.decode(encoding)
        except UnicodeDecodeError:
            continue
    return ""


def _count(findings: Findings, knobs: Mapping[str, str], attr: str, n: int = 1) -> None:
    for name, value in knobs.items():
        tally = findings.tallies[(name, value)]
        setattr(tally, attr, getattr(tally, attr) + n)


def archived_urls(workdir: Path) -> set[str]:
    """Every URL the crawl archived (a response or revisit line in a CDXJ index of its WARC files)."""
    urls = set()
    for index in (workdir / "data" / "warcs").glob("*.cdxj"):
        for line in index.read_text("utf-8").splitlines():
            urls.add(json.loads(line.split(" ", 2)[2])["url"])
    return urls


def evaluate(truths: list[VariantTruth], stored: list[dict[str, Any]], gets: Counter[str],
             archived: set[str] | None = None, browser: Counter[str] | None = None) -> Findings:
    """Recall and precision per knob value, and the invariants, of ``stored`` against the truths. With
    ``archived`` (`archived_urls`), a URL asked for twice breaks the invariant only if the crawl archived it; with
    ``browser`` (the browser's GETs), only if the crawler asked for it twice or the crawler and the browser both
    did — the browser loading a URL again (a render retried after a timeout) is counted apart."""
    findings = Findings()
    by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in stored:
        by_site[row["site"]].append(row)
    for truth in truths:
        _check_site(findings, truth, {row["source_url"]: row for row in by_site.get(truth.spec.site_id, [])})
    browser = browser or Counter()
    for url, n in sorted(gets.items()):
        if n > 1:
            crawler = n - browser[url]
            doubled = (archived is None or url in archived) and (crawler > 1 or crawler >= 1 and browser[url] >= 1)
            (findings.invariants if doubled else findings.refetched).append(
                f"fetched {n} times ({browser[url]} by the browser): {url}")
    return findings


def _check_site(findings: Findings, truth: VariantTruth, rows: dict[str, dict[str, Any]]) -> None:
    """Recall: each report of the site stored with its page and the right (unit, year); then precision."""
    site = truth.spec.site_id
    for report in truth.reports:
        knobs = truth.report_knobs[report.page_url]
        row = rows.get(report.page_url)
        _count(findings, knobs, "expected")
        _count(findings, knobs, "files_expected", len(report.attachment_urls))
        got = (row["unit_name"], row["report_year"]) if row else None
        if got == (report.unit_name, report.report_year):
            _count(findings, knobs, "recalled")
        else:
            findings.misses.append(f"{site} {report.page_url} want {report.unit_name} {report.report_year} got {got}"
                                   f" [{_report_knobs(knobs)}]")
    _check_stored(findings, truth, rows)


def _check_stored(findings: Findings, truth: VariantTruth, rows: dict[str, dict[str, Any]]) -> None:
    """Precision: each stored report is a report of the site, with the right identity and files."""
    site, pages = truth.spec.site_id, {r.page_url: r for r in truth.reports}
    for url, row in rows.items():
        found = pages.get(url)
        knobs = truth.report_knobs[url] if found else truth.site_knobs
        files = set(row.get("attachment_urls") or ())
        _count(findings, knobs, "stored")
        _count(findings, knobs, "files_stored", len(files))
        if found is None:
            findings.misses.append(f"{site} {url} stored but is no report: {row['unit_name']} {row['report_year']}")
            if url in truth.decoy_urls or url in truth.dead_urls:
                findings.invariants.append(f"a decoy or dead link stored as a report: {url}")
        else:
            if (row["unit_name"], row["report_year"]) == (found.unit_name, found.report_year):
                _count(findings, knobs, "stored_right")
            _count(findings, knobs, "files_right", len(files & set(found.attachment_urls)))
            if files != set(found.attachment_urls):
                findings.misses.append(f"{site} {url} attachments {sorted(files)} want {found.attachment_urls}")
        _check_unit_occurs(findings, truth, url, row)


def _report_knobs(knobs: Mapping[str, str]) -> str:
    return " ".join(f"{k}={v}" for k, v in knobs.items())


def _check_unit_occurs(findings: Findings, truth: VariantTruth, url: str, row: dict[str, Any]) -> None:
    unit = squeeze(row.get("unit_name") or "")
    make = truth.documents.get(url)
    evidence = squeeze(_page_text(truth, url)) + (squeeze(doc_text(make())) if make else "")
    if not unit or unit not in evidence:
        findings.invariants.append(f"unit_name {row.get('unit_name')!r} occurs neither in the page nor its "
                                   f"document: {url}")


def knob_table(findings: Findings) -> str:
    """One line per knob value: reports, recall and precision of (unit, year), of attachments."""
    lines = [f"{'knob':<18} {'value':<20} {'reports':>7} {'recall':>7} {'precis.':>7} {'att.rec':>7} {'att.pre':>7}"]
    for (name, value), tally in sorted(findings.tallies.items()):
        r, p, ar, ap = tally.ratios()
        lines.append(f"{name:<18} {value:<20} {tally.expected:>7} {r:>7.1%} {p:>7.1%} {ar:>7.1%} {ap:>7.1%}")
    return "\n".join(lines)


def run(seeds: Iterable[int], workdir: Path) -> Findings:
    """Crawl the sites ``seeds`` and check them; prints the table, the misses and the broken invariants."""
    truths = [variant_truth(seed) for seed in seeds]
    started, cpu = time.monotonic(), _cpu_s()
    stored, gets, browser, _ = crawl(truths, workdir)
    findings = evaluate(truths, stored, gets, archived_urls(workdir), browser)
    print(f"{len(truths)} sites, {sum(len(t.reports) for t in truths)} reports, {len(stored)} stored, "
          f"{time.monotonic() - started:.0f} s wall, {_cpu_s() - cpu:.0f} s CPU (this process and its children)")
    print(knob_table(findings))
    for line in findings.misses + findings.invariants:
        print(line)
    if findings.refetched:
        print(f"{len(findings.refetched)} URLs the browser loaded again (a render retried after a timeout)")
    return findings


def _cpu_s() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.fuzz_sites", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=int(os.environ.get("NIANBAO_FUZZ_SITES", DEFAULT_SITES)))
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(os.environ.get("TMPDIR", "/tmp")) / f"nianbao-fuzz-{os.getpid()}"
    findings = run(range(args.first, args.first + args.sites), workdir)
    return 1 if findings.failing() or findings.invariants else 0


if __name__ == "__main__":
    sys.exit(main())
