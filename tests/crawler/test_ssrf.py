"""The crawl's SSRF guard (crawler/addresses.py, crawler/ssrf.py, crawler/resolver.py) on the addresses an attacker
would use, and a real crawl of a host name that resolves to this machine (what DNS rebinding hands the crawl).

The whole-crawl check — a page linking and redirecting to 127.0.0.1:<port>, [::1] and 169.254.169.254, none of them
asked for, the redirects recorded as `private-address` — is in tests/crawler/test_faults.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from sqlalchemy import select

from crawler.addresses import on_site, private_target, public_address
from crawler.outcomes import OutcomeLog, RefusedRequest
from crawler.ssrf import PrivateAddressGuard
from storage.db import open_catalogue
from storage.models import FetchOutcome
from tests.conftest import REPO
from tests.loopback import RecordingServer

PRIVATE = ["http://127.0.0.1:8089/", "http://127.1.2.3/", "http://[::1]/", "http://169.254.169.254/latest/meta-data/",
           "http://10.0.0.8/", "http://192.168.1.1/admin", "http://172.16.5.4/", "http://[::ffff:127.0.0.1]/",
           "http://[fe80::1]/", "http://0.0.0.0/", "http://localhost:6379/", "http://redis.localhost/",
           "http://224.0.0.1/", "http://100.64.0.1/"]
PUBLIC = ["http://www.pingluo.gov.cn/", "http://8.8.8.8/", "http://[2001:4860:4860::8888]/", "https://gov.cn/x"]


@pytest.mark.parametrize("url", PRIVATE)
def test_private_and_local_targets_are_refused(url: str) -> None:
    assert private_target(url) is not None


@pytest.mark.parametrize("url", PUBLIC)
def test_public_targets_and_host_names_pass(url: str) -> None:
    assert private_target(url) is None


def test_the_allowlist_names_hosts_or_networks() -> None:
    assert private_target("http://127.0.0.1:8089/", ("127.0.0.1",)) is None
    assert private_target("http://10.1.2.3/", ("10.0.0.0/8",)) is None
    assert private_target("http://10.1.2.3/", ("192.168.0.0/16", "intranet")) is not None
    assert private_target("http://localhost/", ("localhost",)) is None


def test_on_site_is_scrapys_allowed_domains_rule() -> None:
    assert on_site("http://xxgk.pingluo.gov.cn/a", ["pingluo.gov.cn"])
    assert not on_site("http://pingluo.gov.cn.evil.example/", ["pingluo.gov.cn"])
    assert on_site("http://anything.example/", [])


class _Log(OutcomeLog):
    """An OutcomeLog that keeps what it is told (the guard's unit test has no crawl to write to)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def record(self, request: Request, kind: str, reason: str, capture_id: int | None = None) -> None:
        self.rows.append((request.url, kind, reason))


def test_the_guard_refuses_when_scheduled_and_when_downloaded() -> None:
    log = _Log()
    guard = PrivateAddressGuard(("203.0.113.0/24",), log)
    hop = Request("http://169.254.169.254/latest/", meta={"redirect_urls": ["http://www.a.gov.cn/x.html"]})
    with pytest.raises(RefusedRequest) as refused:
        guard.request_scheduled(hop)
    assert refused.value.outcome == "private-address" and log.rows[0][1] == "private-address"
    with pytest.raises(RefusedRequest):
        guard.process_request(Request("http://[::1]:9/", dont_filter=True))
    assert len(log.rows) == 1  # at the downloader FetchOutcomes records it (process_exception), not the guard
    guard.request_scheduled(Request("http://203.0.113.7/"))  # allowlisted
    guard.process_request(Request("http://www.a.gov.cn/"))


# --- host names resolved at connect time (crawler/resolver.py) ---------------------------------------------------

LEGACY_FORMS = ["http://127.1/", "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://10.1/"]


@pytest.mark.parametrize("url", LEGACY_FORMS)
def test_legacy_spellings_of_private_addresses_are_refused(url: str) -> None:
    """Forms a resolver or proxy reads as an address (inet_aton) though Python's ipaddress does not."""
    assert private_target(url) is not None


def test_names_that_only_look_numeric_pass() -> None:
    assert private_target("http://123.gov.cn/") is None and private_target("http://1e100.net/") is None



def _private_name() -> str:
    """A host name this machine resolves to a non-public address through its ordinary resolver (/etc/hosts): a
    name whose public answer was swapped for a private one at fetch time looks exactly like this to the crawl."""
    name = socket.gethostname()
    address = socket.gethostbyname(name)
    assert not public_address(address), f"{name} resolves to {address}: the test needs a name of this machine"
    return name


def _crawl_direct(home: Path, url: str, allowlist: str = "") -> tuple[subprocess.CompletedProcess[str], list[Any]]:
    """`nianbao crawl` of a site registered (in NIANBAO_HOME's registry) with home page `url`, with no proxy at all:
    the crawl resolves the names itself; its fetch outcomes."""
    home.mkdir()
    (home / "sites.toml").write_text(f'[rebound]\nname = "某县人民政府"\nhome_url = "{url}"\n', "utf-8")
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    env |= {"NIANBAO_HOME": str(home), "NIANBAO_BROWSER": "0", "NIANBAO_PARSE_WORKERS": "1",
            "NIANBAO_UI_CRAWL_ALLOWLIST": allowlist}
    done = subprocess.run([sys.executable, "-m", "cli", "crawl", "rebound"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)
    with open_catalogue(f"sqlite:///{home / 'nianbao.db'}")() as s:
        outcomes = [(row.url, row.outcome, row.reason) for row in s.scalars(select(FetchOutcome))]
    return done, outcomes


def test_a_name_resolving_to_a_private_address_is_never_connected_to(tmp_path: Path) -> None:
    server = RecordingServer("<html><head><title>某县人民政府</title></head><body>首页</body></html>".encode(),
                             "text/html; charset=utf-8")
    try:
        url = f"http://{_private_name()}:{server.port}/"
        done, outcomes = _crawl_direct(tmp_path / "refused", url)
        assert server.asked == [], f"the crawl connected to a private address: {server.asked}"
        assert (url, "private-address") in {(u, kind) for u, kind, _ in outcomes}, (outcomes, done.stderr[-2000:])
        reason = next(r for u, kind, r in outcomes if u == url)
        assert "resolves to 127." in reason, reason
        # The control: the operator's allowlist lets the same name through, and the same server is asked.
        done, outcomes = _crawl_direct(tmp_path / "allowed", url, allowlist="127.0.0.0/8")
        assert "/" in server.asked, (server.asked, outcomes, done.stderr[-2000:])
        assert "private-address" not in {kind for _, kind, _ in outcomes}
    finally:
        server.close()
