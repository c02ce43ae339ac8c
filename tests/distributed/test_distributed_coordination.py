"""Finish detection, finalizer election and per-host slots of distributed mode, against the real Redis."""

from __future__ import annotations

import json
import pickle
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis
from scrapy import Request
from scrapy.settings import Settings

from crawler.meta import CAPTURE_ID, REVALIDATES, SENT_AT
from distributed import serializer
from distributed.coordination import CrawlCoordination
from distributed.keys import CrawlKeys, alive_key, host_slot_key
from distributed.liveness import Liveness
from distributed.politeness import LEASE, HostSlots
from distributed.queue import POPPED, CrawlQueue
from distributed.spider import WorkerSpider
from storage.catalog import StoredCapture
from storage.drift import Findings

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def server() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {REDIS_URL} is needed (run scripts/start-services): {exc}")
    yield client
    client.close()


@pytest.fixture
def prefix(server: redis.Redis) -> Iterator[str]:
    """A key namespace of this test; its keys are deleted afterwards."""
    name = f"nianbao-test-{uuid.uuid4().hex[:10]}:"
    yield name
    keys = list(server.scan_iter(match=name + "*"))
    if keys:
        server.delete(*keys)


def _workers(server: redis.Redis, prefix: str, *names: str, stale_after: float = 300.0) -> list[CrawlCoordination]:
    """The workers' sides of crawl 7, each with its process's liveness key set (distributed/liveness.py)."""
    keys = CrawlKeys(prefix, 7)
    for name in names:
        server.set(alive_key(prefix, name), "1")
    return [CrawlCoordination(server, keys, name, stale_after=stale_after) for name in names]


def _push(server: redis.Redis, keys: CrawlKeys, *items: str) -> None:
    for item in items:
        server.zadd(keys.requests, {item: 0})


def test_done_only_when_the_queue_is_empty_and_every_worker_idle(server: redis.Redis, prefix: str) -> None:
    a, b = _workers(server, prefix, "a", "b")
    _push(server, a.keys, "home")
    b.report(idle=True)
    assert not b.check_done()  # a request is waiting
    assert a.pop() == (b"home", False)
    assert not b.check_done()  # queue empty, but a holds a request whose response may push more
    a.report(idle=False)
    assert not b.check_done()
    a.report(idle=True)
    assert b.check_done()
    assert server.smembers(a.keys.members) == {b"a", b"b"}


def test_a_pop_marks_the_popper_busy_whatever_it_reported_before(server: redis.Redis, prefix: str) -> None:
    a, b = _workers(server, prefix, "a", "b")
    a.report(idle=True)
    b.report(idle=True)
    _push(server, a.keys, "list-2")
    assert b.pop() == (b"list-2", False)  # b's last report said idle; the pop itself says busy
    assert not a.check_done()
    b.report(idle=True)
    assert a.check_done()


def test_no_worker_no_done(server: redis.Redis, prefix: str) -> None:
    (a,) = _workers(server, prefix, "a")
    assert not a.check_done()  # an empty queue nobody has reported on is a crawl not started, not a finished one
    assert a.pop() is None


def test_done_is_for_good(server: redis.Redis, prefix: str) -> None:
    a, b = _workers(server, prefix, "a", "b")
    a.report(idle=True)
    assert a.check_done()
    b.report(idle=False)  # a late joiner cannot undo it: nothing is left that it could pop
    assert b.check_done() and a.is_done()


def test_a_pop_notes_the_request_with_its_score_in_the_poppers_in_flight_set(server: redis.Redis, prefix: str) -> None:
    a, b = _workers(server, prefix, "a", "b")
    server.zadd(a.keys.requests, {"report": -10, "list-2": 0})
    assert a.pop() == (b"report", False)  # highest priority (lowest score) first
    assert b.pop() == (b"list-2", False)
    assert a.in_flight() == {b"report": -10.0}
    assert b.in_flight() == {b"list-2": 0.0}
    assert server.zcard(a.keys.requests) == 0


def test_a_request_done_with_leaves_the_in_flight_set(server: redis.Redis, prefix: str) -> None:
    (a,) = _workers(server, prefix, "a")
    _push(server, a.keys, "home", "column")
    popped = a.pop(), a.pop()
    assert popped[0] is not None and popped[1] is not None
    (first, _), (second, _) = popped
    a.done_with(first)
    assert a.in_flight() == {second: 0.0}
    assert a.report(idle=False) == 0 and a.in_flight() == {second: 0.0}  # busy reports leave it alone
    a.done_with(second)
    assert a.in_flight() == {}
    assert a.report(idle=True) == 0  # nothing was left over


def test_an_idle_report_empties_the_in_flight_set(server: redis.Redis, prefix: str) -> None:
    (a,) = _workers(server, prefix, "a")
    _push(server, a.keys, "home", "column")
    a.pop()
    a.pop()
    assert a.report(idle=True) == 2  # an engine with nothing in flight holds nothing: the two ends were missed
    assert a.in_flight() == {}
    assert a.pop() is None and a.in_flight() == {}


def test_a_silent_busy_worker_gives_its_requests_back_with_their_scores(server: redis.Redis, prefix: str) -> None:
    a, b, c = _workers(server, prefix, "a", "b", "c", stale_after=0.3)
    server.zadd(a.keys.requests, {"report": -10, "list-2": 0, "attachment": 5})
    assert a.pop() == (b"report", False) and a.pop() == (b"list-2", False)
    time.sleep(0.4)  # a died (SIGKILL) holding two requests: its last report grows old
    assert b.pop() == (b"attachment", False)  # b is busy and alive
    assert c.requeue_lost() == {"a": 2}
    assert dict(server.zrange(a.keys.requests, 0, -1, withscores=True)) == {b"report": -10.0, b"list-2": 0.0}
    assert a.in_flight() == {}
    assert b.in_flight() == {b"attachment": 5.0}  # a live worker's requests stay where they are
    assert set(server.hkeys(a.keys.workers)) == {b"b"}  # a left the crawl, b is still in it
    assert c.requeue_lost() == {}  # once
    assert c.totals() == {"requeued": "2"}  # counted, and no close reason: nothing was lost
    assert c.pop() == (b"report", True)  # done again, by whoever pops it, told it was held before
    assert b.pop() == (b"list-2", True) and not server.exists(a.keys.requeued)


def test_done_waits_until_a_dead_workers_requests_are_requeued_and_done_again(
        server: redis.Redis, prefix: str) -> None:
    a, b = _workers(server, prefix, "a", "b", stale_after=0.3)
    _push(server, a.keys, "article")
    assert a.pop() == (b"article", False)
    b.report(idle=True)
    assert not b.check_done()  # a is alive and holds a request
    time.sleep(0.4)
    b.report(idle=True)
    assert not b.check_done()  # a is dead: its request went back to the queue in the same step
    assert server.zrange(a.keys.requests, 0, -1) == [b"article"]
    assert b.pop() == (b"article", True)
    assert not b.check_done()
    b.done_with(b"article")
    b.report(idle=True)
    assert b.check_done()
    assert server.smembers(a.keys.members) == {b"b"}  # a is not waited for at close either
    assert "reason" not in b.totals() and b.totals()["requeued"] == "1"  # the crawl can end finished


def test_a_silent_idle_worker_holds_nothing_and_is_only_ignored(server: redis.Redis, prefix: str) -> None:
    a, b = _workers(server, prefix, "a", "b", stale_after=0.3)
    a.report(idle=True)
    time.sleep(0.4)
    b.report(idle=True)
    assert b.requeue_lost() == {}
    assert b.check_done()
    assert server.smembers(a.keys.members) == {b"b"}


def test_a_popped_request_carries_its_queue_entry_and_what_derives_from_it_is_queued_without(
        server: redis.Redis, prefix: str) -> None:
    spider = WorkerSpider(site="pingluo", crawl_id=7, worker_id="a")
    spider.settings = Settings({"NIANBAO_REDIS_PREFIX": prefix, "NIANBAO_WORKER_ID": "a"})
    keys = CrawlKeys(prefix, 7)
    queue = CrawlQueue(server, spider, keys.requests)
    queue.push(Request("http://www.pingluo.gov.cn/", priority=3))
    request = queue.pop()
    assert request is not None and request.priority == 3
    assert queue.coordination.in_flight() == {request.meta[POPPED]: -3.0}  # the entry, as popped, with its score
    queue.push(request.replace(url="http://www.pingluo.gov.cn/xxgk/"))  # e.g. a redirect hop: meta is copied
    redirected = queue.pop()
    assert redirected is not None and redirected.url == "http://www.pingluo.gov.cn/xxgk/"
    assert redirected.meta[POPPED] != request.meta[POPPED]
    assert POPPED not in queue._decode_request(redirected.meta[POPPED]).meta  # not nested in the queued bytes
    assert set(queue.coordination.in_flight()) == {request.meta[POPPED], redirected.meta[POPPED]}


def test_exactly_one_worker_finalizes_after_every_member_drained(server: redis.Redis, prefix: str) -> None:
    a, b = _workers(server, prefix, "a", "b")
    a.report(idle=True)
    b.report(idle=True)
    assert a.check_done()
    assert not a.close(drained=True)  # b has not drained yet
    assert b.close(drained=True)
    assert not b.close(drained=True) and not a.close(drained=True)  # the lock is taken


def test_a_member_that_leaves_does_not_hold_the_crawl_up(server: redis.Redis, prefix: str) -> None:
    a, b = _workers(server, prefix, "a", "b")
    a.report(idle=True)
    b.report(idle=True)
    assert a.check_done()
    assert not b.close(drained=False)  # b stopped (SIGTERM) without draining
    assert a.close(drained=True)


def test_a_worker_leaving_before_done_is_no_longer_waited_for(server: redis.Redis, prefix: str) -> None:
    a, b = _workers(server, prefix, "a", "b")
    server.zadd(a.keys.requests, {"home": -3})
    assert b.pop() == (b"home", False)
    assert not b.close(drained=False)  # stopped while busy: its state removed, what it held back in the queue
    assert server.zrange(a.keys.requests, 0, -1, withscores=True) == [(b"home", -3.0)]
    assert b.in_flight() == {}
    a.report(idle=True)
    assert not a.check_done()
    assert a.pop() == (b"home", True)
    a.report(idle=True)
    assert a.check_done()
    assert a.close(drained=True)


def test_a_member_that_dies_before_draining_is_reaped_and_the_crawl_finalized(server: redis.Redis, prefix: str) -> None:
    a, b, c = _workers(server, prefix, "a", "b", "c")
    for worker in (a, b, c):
        worker.reap_after = 0.3
    a.report(idle=True)
    b.report(idle=True)
    assert a.check_done()
    assert not a.close(drained=True)  # b has not drained yet
    assert not c.reap()  # b is not silent long enough: it may be storing its parses
    time.sleep(0.4)  # b died (SIGKILL) before it drained: its last report grows old
    assert c.reap()  # a worker polling later (or a itself) takes b for dead and finalizes
    assert not a.reap() and not c.reap()  # once
    assert server.smembers(a.keys.members) == {b"a"}
    # Counted, but not a close reason: b's requests were done and its documents recorded; the finalizer repairs
    # its WARC file and parses what it left, so the crawl can end finished.
    assert a.totals() == {"reaped": "1"}


def test_a_member_whose_process_is_gone_is_reaped_at_once(server: redis.Redis, prefix: str) -> None:
    """A worker killed while idle, just before the crawl was done, is a member the crawl waits for: its liveness
    key expiring says it is dead within the stale time, not after `reap_after` (an hour by default)."""
    a, b, c = _workers(server, prefix, "a", "b", "c")
    a.report(idle=True)
    b.report(idle=True)
    assert a.check_done()
    assert not a.close(drained=True)  # b has not drained yet
    assert not c.reap()  # b's process lives: it may be storing its parses
    server.delete(alive_key(prefix, "b"))  # its key expired: the process is gone
    assert c.reap()
    assert a.totals() == {"reaped": "1"}


def test_liveness_keeps_the_key_while_it_runs_and_drops_it_at_stop(server: redis.Redis, prefix: str) -> None:
    liveness = Liveness(server, prefix, "w", ttl=1.0)
    liveness.start()
    try:
        time.sleep(1.5)  # longer than the time to live: renewed meanwhile
        assert server.exists(alive_key(prefix, "w"))
        assert 0 < server.pttl(alive_key(prefix, "w")) <= 1000
    finally:
        liveness.stop()
    assert not server.exists(alive_key(prefix, "w"))


def test_reaping_waits_for_done_and_finalizes_only_once(server: redis.Redis, prefix: str) -> None:
    a, b = _workers(server, prefix, "a", "b")
    a.reap_after = 0.0
    b.report(idle=False)
    assert not a.reap()  # not done: nothing to reap
    b.report(idle=True)
    assert b.check_done()
    assert b.close(drained=True)  # the normal way: the last close finalizes
    assert not a.reap()  # and the lock is taken: a reaper does not finalize again


def test_totals_add_up_over_workers(server: redis.Redis, prefix: str) -> None:
    a, b = _workers(server, prefix, "a", "b")
    a.add_totals({"pages": 3, "responses": 10}, first_error="timeout url=x")
    b.add_totals({"pages": 2, "responses": 5}, reason="shutdown", first_error="other")
    assert a.totals() == {"pages": "5", "responses": "15", "reason": "shutdown", "first_error": "timeout url=x"}


def test_host_slots_limit_concurrency_over_all_holders(server: redis.Redis, prefix: str) -> None:
    slots = HostSlots(server, prefix, concurrency=2, delay=0.0, ttl=30)
    assert slots.try_acquire("www.pingluo.gov.cn", "l1") == 0
    assert slots.try_acquire("www.pingluo.gov.cn", "l2") == 0
    assert slots.try_acquire("www.pingluo.gov.cn", "l3") > 0
    assert slots.try_acquire("www.yanchi.gov.cn", "l4") == 0  # another host has slots of its own
    slots.release("www.pingluo.gov.cn", "l1")
    assert slots.try_acquire("www.pingluo.gov.cn", "l3") == 0


def test_host_slots_keep_the_delay_between_two_starts(server: redis.Redis, prefix: str) -> None:
    slots = HostSlots(server, prefix, concurrency=4, delay=0.5, ttl=30)
    assert slots.try_acquire("www.pingluo.gov.cn", "l1") == 0
    wait = slots.try_acquire("www.pingluo.gov.cn", "l2")
    assert 0.3 < wait <= 0.5
    time.sleep(wait)
    assert slots.try_acquire("www.pingluo.gov.cn", "l2") == 0


def test_a_lease_never_released_expires(server: redis.Redis, prefix: str) -> None:
    slots = HostSlots(server, prefix, concurrency=1, delay=0.0, ttl=0.3)
    assert slots.try_acquire("www.pingluo.gov.cn", "crashed") == 0
    assert slots.try_acquire("www.pingluo.gov.cn", "next") > 0
    time.sleep(0.4)
    assert slots.try_acquire("www.pingluo.gov.cn", "next") == 0


class _Planted:
    """A pickle that would create a file when unpickled: what a stray writer to Redis could plant."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (self.path, "w"))


def test_queued_requests_are_json_and_come_back_whole(server: redis.Redis, prefix: str) -> None:
    spider = WorkerSpider(site="pingluo", crawl_id=7, worker_id="a")
    spider.settings = Settings({"NIANBAO_REDIS_PREFIX": prefix, "NIANBAO_WORKER_ID": "a"})
    keys = CrawlKeys(prefix, 7)
    queue = CrawlQueue(server, spider, keys.requests, serializer=serializer)
    sent = Request("http://www.nxhl.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=1&perpage=15", method="POST",
                   body=b"col=1&webid=7&path=/&columnid=4913", priority=-2,
                   headers={"Referer": "http://www.nxhl.gov.cn/", "Cookie": ["a=1", "b=2"]},
                   callback=spider.parse_list, cb_kwargs={"column": "http://www.nxhl.gov.cn/col/col4913/", "level": 1},
                   meta={"nianbao_rule": "hanweb-jpage", "nianbao_always_fetch": True,
                         "playwright_page_goto_kwargs": {"wait_until": "networkidle", "timeout": 30_000},
                         "redirect_urls": ["http://www.nxhl.gov.cn/a", "http://www.nxhl.gov.cn/b"]})
    queue.push(sent)
    [(stored, score)] = server.zrange(keys.requests, 0, -1, withscores=True)
    assert json.loads(stored)["url"] == sent.url and score == 2.0  # plain JSON in Redis, no pickle
    got = queue.pop()
    assert got is not None
    assert (got.url, got.method, got.body, got.priority) == (sent.url, "POST", sent.body, -2)
    assert got.headers.getlist("Cookie") == [b"a=1", b"b=2"] and got.headers["Referer"] == b"http://www.nxhl.gov.cn/"
    assert got.callback == spider.parse_list and got.cb_kwargs == sent.cb_kwargs
    assert {k: v for k, v in got.meta.items() if k != POPPED} == sent.meta


def test_a_planted_pickle_is_dropped_unread_and_the_queue_goes_on(server: redis.Redis, prefix: str,
                                                                   tmp_path: Path) -> None:
    spider = WorkerSpider(site="pingluo", crawl_id=7, worker_id="a")
    spider.settings = Settings({"NIANBAO_REDIS_PREFIX": prefix, "NIANBAO_WORKER_ID": "a"})
    keys = CrawlKeys(prefix, 7)
    queue = CrawlQueue(server, spider, keys.requests, serializer=serializer)
    planted = tmp_path / "planted"
    server.zadd(keys.requests, {pickle.dumps(_Planted(str(planted))): -10})  # popped first (best priority)
    queue.push(Request("http://www.pingluo.gov.cn/"))
    request = queue.pop()
    assert request is not None and request.url == "http://www.pingluo.gov.cn/"
    assert not planted.exists()
    assert set(queue.coordination.in_flight()) == {request.meta[POPPED]}  # the dropped entry is not held


def test_a_request_that_cannot_be_shared_fails_where_it_is_made() -> None:
    with pytest.raises(TypeError, match=r"request\.meta\.when: a datetime"):
        serializer.dumps({"url": "http://x/", "meta": {"when": datetime.now(UTC)}})


def test_a_redirect_hop_is_queued_without_what_its_last_exchange_left(server: redis.Redis, prefix: str) -> None:
    spider = WorkerSpider(site="pingluo", crawl_id=7, worker_id="a")
    spider.settings = Settings({"NIANBAO_REDIS_PREFIX": prefix, "NIANBAO_WORKER_ID": "a"})
    queue = CrawlQueue(server, spider, CrawlKeys(prefix, 7).requests, serializer=serializer)
    page = "http://www.pingluo.gov.cn/zwgk/nb/202101/t20210122_1.html"
    earlier = StoredCapture(id=3, crawl_id=1, url=page, captured_at=datetime.now(UTC), http_status=200,
                            record_type="response", warc_file="a.warc.gz", warc_offset=0, warc_length=10,
                            warc_record_id="<urn:uuid:1>", payload_sha256="a" * 64, etag='"e1"', last_modified=None)
    sent = Request(page, headers={"If-None-Match": '"e1"', "Referer": "http://www.pingluo.gov.cn/"},
                   meta={"nianbao_rule": "article:anchor", SENT_AT: datetime.now(UTC), CAPTURE_ID: 3,
                         REVALIDATES: earlier, LEASE: ("www.pingluo.gov.cn", 1.5)})
    # The site moved the page: RedirectMiddleware's hop copies headers and meta.
    queue.push(sent.replace(url=page.replace("/nb/", "/ndbg/")))
    hop = queue.pop()
    assert hop is not None and hop.url.endswith("/ndbg/202101/t20210122_1.html")
    assert {k for k in hop.meta if k != POPPED} == {"nianbao_rule"}
    assert b"If-None-Match" not in hop.headers and hop.headers["Referer"] == b"http://www.pingluo.gov.cn/"


def test_findings_add_up_over_workers(server: redis.Redis, prefix: str) -> None:
    a, b = _workers(server, prefix, "a", "b")
    col = "http://www.pingluo.gov.cn/zwgk/zfxxgkml/zfxxgknb/"
    a.add_findings(Findings(at="t", crawl_id=7, columns={col: "name:政府信息公开年报"},
                            list_rules={"trs-createPageHTML": 2}, reports=3, variants=1))
    b.add_findings(Findings(at="t", crawl_id=7, columns={col: "slug:zfxxgknb", col + "2021n/": "year-subcolumn"},
                            list_rules={"trs-createPageHTML": 1, "start": 1}, reports=2))
    found = a.findings("2026-12-02T11:00:00+00:00")
    assert found == Findings(at="2026-12-02T11:00:00+00:00", crawl_id=7,
                             columns={col: "name:政府信息公开年报", col + "2021n/": "year-subcolumn"},
                             list_rules={"trs-createPageHTML": 3, "start": 1}, reports=5, variants=1)


def test_a_dead_workers_host_slots_and_robots_leases_are_freed(server: redis.Redis, prefix: str) -> None:
    a, b = _workers(server, prefix, "a", "b", stale_after=0.3)
    slots_a = HostSlots(server, prefix, concurrency=1, delay=0.0, ttl=90, owner="a")
    slots_b = HostSlots(server, prefix, concurrency=1, delay=0.0, ttl=90, owner="b")
    assert slots_a.try_acquire("www.pingluo.gov.cn", "a/1") == 0.0
    assert slots_b.try_acquire("www.nxhl.gov.cn", "b/1") == 0.0
    server.set(f"{a.keys.robots}:lease:www.pingluo.gov.cn", "a", ex=120)
    server.set(f"{a.keys.robots}:lease:www.nxhl.gov.cn", "b", ex=120)
    server.zadd(a.keys.requests, {"page": 0})
    assert a.pop() == (b"page", False)
    assert slots_b.try_acquire("www.pingluo.gov.cn", "b/2") > 0  # a holds pingluo's only slot
    time.sleep(0.4)  # a died (SIGKILL) holding a request, a host slot and a robots.txt lease
    b.report(idle=False)
    assert b.requeue_lost() == {"a": 1}
    assert slots_b.try_acquire("www.pingluo.gov.cn", "b/2") == 0.0  # at once, not after 90 s
    assert not server.exists(f"{a.keys.robots}:lease:www.pingluo.gov.cn")
    assert server.get(f"{a.keys.robots}:lease:www.nxhl.gov.cn") == b"b"  # a live worker's lease stays
    assert server.zscore(host_slot_key(prefix, "www.nxhl.gov.cn"), "b/1") is not None
