"""A crawl of a site that carries every network fault beside its real reports (sampleweb/faults.py is the truth).

One `nianbao crawl faulty` through the sample web, with a 1 MB size limit and a 2 s download timeout: every report
of the site is still found; every fault URL ends in a fetch outcome of the expected kind with a reason; no fault
costs more requests than its bound (counted in the sample web's own request log); no private address is asked
for; the archive verifies clean and the oversize bodies are response records that say `WARC-Truncated: length`
and hold exactly the first 1 MB. The same crawl runs on a terminal at DEBUG with every secret set: none of them
is in its log file (NIANBAO_HOME/logs/<crawl id>.log) or on the screen.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from sampleweb.faults import FAULT_SITE, FAULTS, PRIVATE_LINKS, Fault, registry_toml
from sampleweb.server import SampleWebServer, SeenRequest
from storage.db import engine_for, open_catalogue
from storage.fetch_outcomes import FetchOutcomeRow, outcomes
from storage.models import Capture, Crawl
from tests.conftest import REPO, postgres_schema, run_nianbao

LIMIT_MB = 1
PRIVATE_HOSTS = {"127.0.0.1", "::1", "169.254.169.254", "localhost"}
SECRETS = {"db": "Db-Pass-5e1f", "redis": "Redis-Pass-77aa", "ui_password": "Ui-Pass-0c3d",
           "ui_secret": "Ui-Secret-9b2e"}


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The fault site crawled once, on a terminal (`script`), into PostgreSQL, with every secret set to a marker
    (its own sample web server: a fresh request log and fresh fault counters)."""
    tmp = tmp_path_factory.mktemp("faults")
    registry = tmp / "sites.toml"
    registry.write_text(registry_toml(), "utf-8")
    home = tmp / "data"
    with postgres_schema() as url, SampleWebServer(cache_dir=tmp / "cache") as web:
        # Trust authentication on the test server: the password is sent nowhere, yet it is in every setting.
        database = url.replace("postgres@", f"postgres:{SECRETS['db']}@", 1)
        env = {"NIANBAO_HOME": str(home), "NIANBAO_REGISTRY": str(registry), "NIANBAO_BROWSER": "0",
               "NIANBAO_MAX_DOWNLOAD_MB": str(LIMIT_MB), "NIANBAO_DOWNLOAD_TIMEOUT": "2",
               "NIANBAO_RETRY_AFTER_MAX": "5", "NIANBAO_PARSE_WORKERS": "1", "NIANBAO_LOG_LEVEL": "DEBUG",
               "NIANBAO_DATABASE_URL": database, "NIANBAO_REDIS_URL": f"redis://:{SECRETS['redis']}@127.0.0.1:6379/0",
               "NIANBAO_UI_PASSWORD": SECRETS["ui_password"], "NIANBAO_UI_SECRET": SECRETS["ui_secret"]}
        command = "env " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + \
            f" {shlex.quote(sys.executable)} -m cli crawl faulty --proxy {web.proxy_url}; echo EXITED=$?"
        screen = subprocess.run(["script", "-qec", command, "/dev/null"], cwd=REPO, capture_output=True,
                                text=True, timeout=300).stdout.replace("\r", "")
        seen = web.requests
        sessions = open_catalogue(database)
        with sessions() as session:
            (row,) = session.scalars(select(Crawl)).all()
            captures = session.scalars(select(Capture)).all()
        yield {"screen": screen, "env": env, "home": home, "seen": seen, "crawl": row, "cache": tmp / "cache",
               "outcomes": outcomes(sessions, row.id), "captures": captures,
               "reports": run_nianbao(["reports", "--format", "json", "--site", "faulty"], env),
               "verify": run_nianbao(["archive", "verify"], env)}
        engine_for(database).dispose()


def _log(crawl: dict[str, Any]) -> tuple[Path, str]:
    found = re.search(r"^full log: (\S+)$", crawl["screen"], re.M)
    assert found, crawl["screen"][-3000:]
    return Path(found.group(1)), Path(found.group(1)).read_text(encoding="utf-8")


def _requests_for(fault: Fault, seen: list[SeenRequest]) -> int:
    return sum(1 for r in seen if r.target.startswith(fault.prefixes))


def test_the_crawl_ends_finished_and_finds_every_report(crawl: dict[str, Any]) -> None:
    assert "EXITED=0" in crawl["screen"], crawl["screen"][-3000:]
    assert crawl["crawl"].status == "finished", crawl["crawl"].close_reason
    found = {(r["unit_name"], r["report_year"]) for r in map(json.loads, crawl["reports"].stdout.splitlines())}
    expected = {(r.unit_name, r.report_year) for r in FAULT_SITE.plan(crawl["cache"]).reports}
    assert expected and expected <= found, sorted(expected - found)
    assert f"fetch outcomes crawl={crawl['crawl'].id} " in _log(crawl)[1]  # the crawl summary's line, logged
    kinds = Counter(f.outcome for f in FAULTS if f.outcome)
    shown = re.search(r"^not fetched whole: (.*)$", crawl["screen"], re.M)  # and printed
    assert shown and dict(kv.split("=") for kv in shown.group(1).split(", ")) == \
        {kind: str(n) for kind, n in kinds.items()}, crawl["screen"][-2000:]


def test_no_secret_in_the_crawl_log_or_on_the_screen(crawl: dict[str, Any]) -> None:
    """The database and Redis passwords and the UI's password and secret, at NIANBAO_LOG_LEVEL=DEBUG."""
    path, log = _log(crawl)
    assert path == crawl["home"] / "logs" / f"{crawl['crawl'].id}.log"
    assert "DEBUG" in log and "Crawled (200)" in log, log[-2000:]  # the whole log, at its most talkative
    assert SECRETS["db"] in crawl["env"]["NIANBAO_DATABASE_URL"]
    for name, secret in SECRETS.items():
        assert secret not in log, f"the {name} secret is in {path}"
        assert secret not in crawl["screen"], f"the {name} secret is on the screen"


@pytest.mark.parametrize("fault", [f for f in FAULTS if f.linked_from != "none"], ids=lambda f: f.name)
def test_each_fault_ends_in_its_outcome_within_its_request_bound(crawl: dict[str, Any], fault: Fault) -> None:
    recorded: dict[str, list[FetchOutcomeRow]] = {}
    for row in crawl["outcomes"]:
        recorded.setdefault(row.url, []).append(row)
    asked = _requests_for(fault, crawl["seen"])
    assert asked <= fault.max_requests, f"{fault.name}: {asked} requests, at most {fault.max_requests} allowed"
    if fault.outcome is None:
        assert fault.url not in recorded, recorded.get(fault.url)
        return
    assert fault.url in recorded, f"{fault.name}: no outcome; recorded: {sorted(recorded)}"
    (row,) = recorded[fault.url]
    assert (row.outcome, bool(row.reason)) == (fault.outcome, True), row
    assert row.attempts <= 3


def test_links_and_redirects_to_private_addresses_are_never_fetched(crawl: dict[str, Any]) -> None:
    assert not [r for r in crawl["seen"] if r.host in PRIVATE_HOSTS], "the crawl asked for a private address"
    refused = Counter(row.outcome for row in crawl["outcomes"] if "/faults/" in row.url)
    assert refused["private-address"] == 3
    assert PRIVATE_LINKS  # linked from the list too, and out of the site: never requested (checked above)


def test_retries_are_bounded_and_honour_retry_after(crawl: dict[str, Any]) -> None:
    by_name = {f.name: f for f in FAULTS}
    seen = crawl["seen"]
    for name in ("http500", "http503", "http503-retry-after", "timeout", "truncated-body"):
        assert _requests_for(by_name[name], seen) == 3, name  # 1 request + RETRY_TIMES=2
    assert _requests_for(by_name["http503-retry-after-too-long"], seen) == 1  # Retry-After 3600 > the cap: no retry
    assert _requests_for(by_name["flaky"], seen) == 2  # 503 Retry-After: 1, then the page
    assert _requests_for(by_name["moved"], seen) == 3  # www → old. → www: the chain within the site is followed


def test_the_endless_list_is_bounded_and_the_real_list_pages_are_all_read(crawl: dict[str, Any]) -> None:
    endless = next(f for f in FAULTS if f.name == "endless-list")
    assert 2 <= _requests_for(endless, crawl["seen"]) <= endless.max_requests
    asked = {r.target for r in crawl["seen"]}
    real = FAULT_SITE.plan(crawl["cache"]).list_pages
    # The first list page may be reached by its folder URL (…/zfxxgknb/) instead of …/index.html.
    read = asked | ({real[0]} if real[0].removesuffix("index.html") in asked else set())
    assert len(real) == 3 and set(real) <= read, (sorted(set(real) - read), sorted(asked))


def _records(warc_dir: Path) -> list[Any]:
    out = []
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with path.open("rb") as f:
            for rec in ArchiveIterator(f):
                if rec.rec_type == "response":
                    out.append((rec.rec_headers, rec.content_stream().read()))
    return out


def test_the_archive_verifies_and_oversize_bodies_are_truncated_records(crawl: dict[str, Any]) -> None:
    verify = crawl["verify"]
    assert verify.returncode == 0, verify.stdout[-3000:] + verify.stderr[-3000:]
    assert not list((crawl["home"] / "warcs").glob("*.open"))
    records = {h.get_header("WARC-Target-URI"): (h, body) for h, body in _records(crawl["home"] / "warcs")}
    for name in ("oversize-page", "oversize-attachment"):
        url = next(f.url for f in FAULTS if f.name == name)
        headers, body = records[url]
        assert headers.get_header("WARC-Truncated") == "length"
        assert len(body) == LIMIT_MB * 1024 * 1024
    whole = [h for h, _ in records.values() if h.get_header("WARC-Truncated")]
    assert len(whole) == 2, "only the oversize bodies are truncated"
    # A cut body is never revalidated (its validators are not kept): the next crawl fetches it in full again.
    cut = {f.url for f in FAULTS if f.outcome == "truncated"}
    assert [(c.etag, c.last_modified) for c in crawl["captures"] if c.url in cut] == [(None, None)] * 2
