"""When is a distributed crawl finished, and which worker finalizes it: the protocol, as Redis scripts.

A crawl's frontier is exhausted when its queue is empty and no worker is still working on a request (whose
response could push more). Each worker's state for the crawl lives in one hash field, stamped with Redis TIME:

* ``busy`` — written by the pop itself (one script: take the request, mark the popper busy and note the request,
  with its queue score, in the popper's in-flight set — atomically), so no worker can hold a request while it
  looks idle, and none holds one Redis does not know of;
* ``idle`` — written when the worker's Scrapy engine has nothing in flight (no download, no response or item
  being processed, nothing in the local start queue): every request its callbacks made has been pushed by then.
  The same script empties the worker's in-flight set (a safety net: the worker removes each request itself once
  the engine is done with it — response scraped, failure handled, or redirect/retry pushed back to the queue).

A worker re-reports its state every few seconds (a heartbeat); a worker silent for `stale_after` seconds
(NIANBAO_WORKER_STALE_AFTER) is taken for dead. If it was busy, the requests in its in-flight set go back to the
queue with their original scores (past the duplicate filter, which has seen them) and the worker is dropped from
the crawl, in one script (`requeue_lost`, also run at the start of `check_done`); the crawl's totals count them
(`requeued`) and the live workers do that work again. The finalizer repairs the dead worker's open WARC file and
parses the documents it stored but never parsed (distributed/finalize.py). `check_done` reads queue and
states in one script: queue empty and every live worker idle ⇒ nobody can push again, so the crawl is done, for
good. The live workers at that moment become the crawl's `members`. Each closes its spider — storing its parses
and finishing its WARC files — and says so with `close` (a worker that leaves before the crawl is done gives back
what it still holds); the close that leaves no member undrained takes the finalizer lock, and only that worker
assembles the reports and closes the crawl row (distributed/finalize.py). A member that dies before it
drained is reaped by any worker that polls the crawl later (`reap`): it is dropped from the members, the totals
count it (`reaped`), and the reaper finalizes the crawl once every remaining member has drained. Nothing of its
part is lost: its requests were all done (it was idle when the crawl was done), its documents recorded as they
came; the finalizer repairs its WARC file and parses what it had not stored. Only its counters and its discovery
findings are missing, so no drift is recorded for that crawl.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import redis

from distributed.keys import CrawlKeys, alive_prefix, text
from distributed.politeness import release_leases_of
from distributed.robots import release_fetch_leases_of
from storage.drift import Findings

logger = logging.getLogger(__name__)

# Seconds without a state report after which a worker is taken for dead (NIANBAO_WORKER_STALE_AFTER). Generous:
# a worker blocks its reactor while its parse stage drains at close, and a live worker taken for dead has its
# requests done twice.
STALE_AFTER = 300.0
# Seconds a member of a done crawl may stay silent before it is taken for dead (`reap`). Long: a member that
# drains many documents (OCR of scans) blocks its reactor and reports nothing until its parses are stored.
REAP_AFTER = 3600.0
# Seconds the finalizer lock is held (the row's status is checked too, so a late second finalizer does nothing).
FINALIZER_TTL = 3600

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# Moves the in-flight requests of a worker back to the queue, original scores, noting each in the crawl's requeued
# set, and drops its in-flight set.
_GIVE_BACK = """
local function give_back(queue, inflight, requeued)
  local held = redis.call('ZRANGE', inflight, 0, -1, 'WITHSCORES')
  for j = 1, #held, 2 do
    redis.call('ZADD', queue, held[j + 1], held[j])
    redis.call('SADD', requeued, held[j])
  end
  redis.call('DEL', inflight)
  return #held / 2
end
"""

# KEYS: queue, workers, totals, (4: done, 5: members: CHECK_DONE's), 6: requeued · ARGV: stale_after, in-flight key
# prefix → `lost`: worker, requests requeued, …
# A busy worker silent for stale_after is dead: its requests go back to the queue, it leaves the crawl.
_REQUEUE_LOST = _NOW + _GIVE_BACK + """
local lost = {}
local states = redis.call('HGETALL', KEYS[2])
for i = 1, #states, 2 do
  local state, at = string.match(states[i + 1], '^(%a+):(.+)$')
  if state ~= 'idle' and now - tonumber(at) > tonumber(ARGV[1]) then
    local requeued = give_back(KEYS[1], ARGV[2] .. states[i], KEYS[6])
    redis.call('HDEL', KEYS[2], states[i])
    redis.call('HINCRBY', KEYS[3], 'requeued', requeued)
    table.insert(lost, states[i])
    table.insert(lost, requeued)
  end
end
"""

# KEYS: queue, workers, in-flight, requeued · ARGV: worker → {the request popped, 1 if it had been given back
# (`_GIVE_BACK`) else 0} (or nil), noted in the worker's in-flight set with its score, the worker marked busy, in
# the same step.
POP = _NOW + """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('ZADD', KEYS[3], item[2], item[1])
redis.call('HSET', KEYS[2], ARGV[1], 'busy:' .. string.format('%.6f', now))
return {item[1], redis.call('SREM', KEYS[4], item[1])}
"""

# KEYS: workers, in-flight · ARGV: worker, state ('busy' | 'idle') → the number of in-flight entries an idle
# report found left over (and dropped): 0 unless the worker missed a request's end.
REPORT = _NOW + """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. string.format('%.6f', now))
if ARGV[2] ~= 'idle' then return 0 end
local left = redis.call('ZCARD', KEYS[2])
redis.call('DEL', KEYS[2])
return left
"""

# KEYS: queue, workers, totals, done, members, requeued · ARGV: stale_after, in-flight key prefix → `lost` (see
# _REQUEUE_LOST).
REQUEUE_LOST = _REQUEUE_LOST + """
return lost
"""

# KEYS: queue, workers, totals, done, members · ARGV: stale_after, in-flight key prefix → {1 when the crawl is
# done (and stays so), else 0; then `lost`}. Dead busy workers' requests are requeued first: not done then.
CHECK_DONE = _REQUEUE_LOST + """
if redis.call('EXISTS', KEYS[4]) == 1 then return {1, unpack(lost)} end
if redis.call('ZCARD', KEYS[1]) > 0 then return {0, unpack(lost)} end
local live = {}
states = redis.call('HGETALL', KEYS[2])
for i = 1, #states, 2 do
  local state, at = string.match(states[i + 1], '^(%a+):(.+)$')
  if now - tonumber(at) <= tonumber(ARGV[1]) then
    if state ~= 'idle' then return {0, unpack(lost)} end
    table.insert(live, states[i])
  end
end
if #live == 0 then return {0, unpack(lost)} end
redis.call('SADD', KEYS[5], unpack(live))
redis.call('SET', KEYS[4], string.format('%.6f', now))
return {1, unpack(lost)}
"""

# KEYS: workers, done, members, drained, finalizer, queue, in-flight, requeued · ARGV: worker, drained ('1': it closed
# after draining, '0': it leaves without), lock ttl → 1 when this worker is to finalize the crawl, else 0.
# A worker that leaves an unfinished crawl gives back what it still holds (nothing, once its engine closed).
CLOSE = _GIVE_BACK + """
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 0 then
  give_back(KEYS[6], KEYS[7], KEYS[8])
else
  redis.call('DEL', KEYS[7])
end
if ARGV[2] == '1' then
  redis.call('SADD', KEYS[4], ARGV[1])
else
  redis.call('SREM', KEYS[3], ARGV[1])
end
if redis.call('EXISTS', KEYS[2]) == 0 or redis.call('SCARD', KEYS[3]) == 0 then return 0 end
if #redis.call('SDIFF', KEYS[3], KEYS[4]) > 0 then return 0 end
if redis.call('SET', KEYS[5], ARGV[1], 'NX', 'EX', tonumber(ARGV[3])) then return 1 end
return 0
"""


# KEYS: workers, done, members, drained, finalizer, totals · ARGV: reap_after, lock ttl, reaper, alive-key prefix
# → 1 when the
# reaper is to finalize the crawl (done, and every member still counted has drained), else 0.
REAP = _NOW + """
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
for _, member in ipairs(redis.call('SDIFF', KEYS[3], KEYS[4])) do
  local entry = redis.call('HGET', KEYS[1], member)
  local at = entry and tonumber(string.match(entry, ':(.+)$'))
  local gone = redis.call('EXISTS', ARGV[4] .. member) == 0
  if gone or not at or now - at > tonumber(ARGV[1]) then
    redis.call('SREM', KEYS[3], member)
    redis.call('HDEL', KEYS[1], member)
    redis.call('HINCRBY', KEYS[6], 'reaped', 1)
  end
end
if #redis.call('SDIFF', KEYS[3], KEYS[4]) > 0 then return 0 end
if redis.call('SET', KEYS[5], ARGV[3], 'NX', 'EX', tonumber(ARGV[2])) then return 1 end
return 0
"""


@dataclass
class CrawlCoordination:
    """One worker's side of the protocol for one crawl."""

    server: redis.Redis
    keys: CrawlKeys
    worker_id: str
    stale_after: float = STALE_AFTER
    reap_after: float = REAP_AFTER

    def pop(self) -> tuple[bytes, bool] | None:
        """The next request of the crawl (highest priority first) and whether a worker had held it before (it was
        given back), noted in this worker's in-flight set and this worker marked busy in the same step."""
        keys = self.keys
        popped = self.server.eval(POP, 4, keys.requests, keys.workers, keys.inflight(self.worker_id), keys.requeued,
                                  self.worker_id)
        return None if popped is None else (bytes(popped[0]), bool(popped[1]))

    def done_with(self, item: bytes) -> None:
        """This worker is done with a request it popped (`item`, as popped): it no longer needs requeueing."""
        self.server.zrem(self.keys.inflight(self.worker_id), item)

    def in_flight(self) -> dict[bytes, float]:
        """The requests this worker popped and is not done with, and their queue scores."""
        held: list[tuple[bytes, float]] = self.server.zrange(self.keys.inflight(self.worker_id), 0, -1,
                                                             withscores=True)  # type: ignore[assignment]
        return dict(held)

    def report(self, *, idle: bool) -> int:
        """This worker's engine is idle (nothing in flight) or busy, as of now. An idle report empties the in-flight
        set; returns how many entries it still held (0 unless a request's end was missed)."""
        keys = self.keys
        return int(self.server.eval(REPORT, 2, keys.workers, keys.inflight(self.worker_id), self.worker_id,
                                    "idle" if idle else "busy"))

    def requeue_lost(self) -> dict[str, int]:
        """Give the requests of busy workers silent for `stale_after` back to the queue and drop those workers;
        return worker → requests requeued."""
        keys = self.keys
        lost = self.server.eval(REQUEUE_LOST, 6, keys.requests, keys.workers, keys.totals, keys.done, keys.members,
                                keys.requeued, str(self.stale_after), keys.inflight_prefix)
        return self._log_lost(lost)

    def check_done(self) -> bool:
        """Whether the crawl's frontier is exhausted; the first call that finds it so marks it done. Lost workers'
        requests are requeued first (`requeue_lost`)."""
        keys = self.keys
        done, *lost = self.server.eval(CHECK_DONE, 6, keys.requests, keys.workers, keys.totals, keys.done,
                                       keys.members, keys.requeued, str(self.stale_after), keys.inflight_prefix)
        self._log_lost(lost)
        return bool(done)

    def _log_lost(self, lost: list[Any]) -> dict[str, int]:
        requeued = {text(worker): int(count) for worker, count in zip(lost[::2], lost[1::2], strict=True)}
        for worker, count in requeued.items():
            slots, robots = self.release_leases(worker)
            logger.warning("worker taken for dead crawl=%s worker=%s silent_for_more_than=%gs requeued=%d "
                           "host_slots_freed=%d robots_leases_freed=%d found_by=%s", self.keys.crawl_id, worker,
                           self.stale_after, count, slots, robots, self.worker_id)
        return requeued

    def release_leases(self, worker: str) -> tuple[int, int]:
        """Free what a dead worker held besides requests: its host slots (else its hosts stay throttled until
        the leases expire) and its robots.txt fetch leases of this crawl (else the others wait up to two minutes
        for a robots.txt that will never come)."""
        return (release_leases_of(self.server, self.keys.prefix, worker),
                release_fetch_leases_of(self.server, self.keys, worker))

    def is_done(self) -> bool:
        return bool(self.server.exists(self.keys.done))

    def close(self, *, drained: bool) -> bool:
        """This worker's spider of the crawl has closed; True if this worker is the one to finalize the crawl.
        Before the crawl is done, whatever the worker still held goes back to the queue."""
        keys = self.keys
        return bool(self.server.eval(CLOSE, 8, keys.workers, keys.done, keys.members, keys.drained, keys.finalizer,
                                     keys.requests, keys.inflight(self.worker_id), keys.requeued, self.worker_id,
                                     "1" if drained else "0", str(FINALIZER_TTL)))

    def reap(self) -> bool:
        """For a done crawl: drop members that never drained and whose process is gone (its liveness key expired,
        distributed/liveness.py) or that were silent for `reap_after`; True if this worker is then the one to
        finalize the crawl (every member left has drained, or none is left)."""
        keys = self.keys
        return bool(self.server.eval(REAP, 6, keys.workers, keys.done, keys.members, keys.drained, keys.finalizer,
                                     keys.totals, str(self.reap_after), str(FINALIZER_TTL), self.worker_id,
                                     alive_prefix(keys.prefix)))

    def add_totals(self, counts: dict[str, int], *, reason: str = "", first_error: str = "") -> None:
        """Add this worker's counters to the crawl's; keep the first unusual close reason and first error."""
        pipe = self.server.pipeline()
        for name, value in counts.items():
            pipe.hincrby(self.keys.totals, name, value)
        if reason:
            pipe.hsetnx(self.keys.totals, "reason", reason)
        if first_error:
            pipe.hsetnx(self.keys.totals, "first_error", first_error)
        pipe.execute()

    def totals(self) -> dict[str, str]:
        return {text(k): text(v) for k, v in self.server.hgetall(self.keys.totals).items()}

    def add_findings(self, found: Findings) -> None:
        """Add what this worker's discovery found to the crawl's (a column keeps the rule that found it first)."""
        pipe = self.server.pipeline()
        for url, rule in found.columns.items():
            pipe.hsetnx(self.keys.findings, f"column:{url}", rule)
        for rule, pages in found.list_rules.items():
            pipe.hincrby(self.keys.findings, f"list:{rule}", pages)
        pipe.hincrby(self.keys.findings, "reports", found.reports)
        pipe.hincrby(self.keys.findings, "variants", found.variants)
        pipe.execute()

    def findings(self, at: str) -> Findings:
        """What discovery found over every worker that added its part."""
        found = Findings(at=at, crawl_id=self.keys.crawl_id)
        for key, value in ((text(k), text(v)) for k, v in self.server.hgetall(self.keys.findings).items()):
            kind, _, name = key.partition(":")
            if kind == "column":
                found.columns[name] = value
            elif kind == "list":
                found.list_rules[name] = int(value)
            elif kind in ("reports", "variants"):
                setattr(found, kind, int(value))
        return found
