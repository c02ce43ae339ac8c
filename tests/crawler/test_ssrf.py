"""The crawl's SSRF guard (crawler/addresses.py, crawler/ssrf.py) on the addresses an attacker would use.

The whole-crawl check — a page linking and redirecting to 127.0.0.1:<port>, [::1] and 169.254.169.254, none of them
asked for, the redirects recorded as `private-address` — is in tests/crawler/test_faults.py.
"""

from __future__ import annotations

import pytest
from scrapy import Request

from crawler.addresses import on_site, private_target
from crawler.outcomes import OutcomeLog, RefusedRequest
from crawler.ssrf import PrivateAddressGuard

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
