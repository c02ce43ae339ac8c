"""When is a distributed crawl finished, and which worker finalizes it: the protocol, as Redis scripts.

A crawl's frontier is exhausted when its queue is empty and no worker is still working on a request (whose
response could push more). Each worker's state for the crawl lives in one hash field, stamped with Redis TIME:

* ``busy`` — written by the pop itself (one script: take the request and mark the popper busy, atomically), so
  no worker can hold a request while it looks idle;
* ``idle`` — written when the worker's Scrapy engine has nothing in flight (no download, no response or item
  being processed, nothing in the local start queue): every request its callbacks made has been pushed by then.

A worker re-reports its state every few seconds (a heartbeat); a worker silent for `STALE_AFTER` seconds is
taken for dead and ignored; if it was busy, the requests it held are lost and the crawl's close reason says so
(the crawl then ends `failed`, and withdraws nothing). `check_done` reads queue and states in one script:
queue empty and every live worker idle ⇒ nobody can push again, so the crawl is done, for good. The live workers
at that moment become the crawl's `members`. Each closes its spider — storing its parses and finishing its WARC
files — and says so with `close`; the close that leaves no member undrained takes the finalizer lock, and only
that worker assembles the reports and closes the crawl row (crawler/distributed/finalize.py). A member that dies
before it drained is reaped by any worker that polls the crawl later (`reap`): it is dropped from the members, the
close reason says a worker was lost, and the reaper finalizes the crawl once every remaining member has drained.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

from crawler.distributed.keys import CrawlKeys, text

# Seconds without a state report after which a worker is taken for dead. Generous: a worker blocks its reactor
# while its parse stage drains at close, and a busy worker must never be mistaken for a dead one.
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

# KEYS: queue, workers · ARGV: worker → the request popped (or nil), the worker marked busy in the same step.
POP = _NOW + """
local item = redis.call('ZRANGE', KEYS[1], 0, 0)
if #item == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], ARGV[1], 'busy:' .. string.format('%.6f', now))
return item[1]
"""

# KEYS: workers · ARGV: worker, state ('busy' | 'idle')
REPORT = _NOW + """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. string.format('%.6f', now))
return 1
"""

# KEYS: queue, workers, done, members, totals · ARGV: stale_after → 1 when the crawl is done (and stays so),
# else 0. A dead worker that was busy lost the requests it held: the crawl's close reason says so.
CHECK_DONE = _NOW + """
if redis.call('EXISTS', KEYS[3]) == 1 then return 1 end
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
local states = redis.call('HGETALL', KEYS[2])
local live = {}
for i = 1, #states, 2 do
  local state, at = string.match(states[i + 1], '^(%a+):(.+)$')
  if now - tonumber(at) <= tonumber(ARGV[1]) then
    if state ~= 'idle' then return 0 end
    table.insert(live, states[i])
  elseif state ~= 'idle' then
    redis.call('HSETNX', KEYS[5], 'reason', 'worker_lost: ' .. states[i] .. ' went silent holding requests')
  end
end
if #live == 0 then return 0 end
redis.call('SADD', KEYS[4], unpack(live))
redis.call('SET', KEYS[3], string.format('%.6f', now))
return 1
"""

# KEYS: workers, done, members, drained, finalizer · ARGV: worker, drained ('1': it closed after draining,
# '0': it leaves without), lock ttl → 1 when this worker is to finalize the crawl, else 0.
CLOSE = """
redis.call('HDEL', KEYS[1], ARGV[1])
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


# KEYS: workers, done, members, drained, finalizer, totals · ARGV: reap_after, lock ttl, reaper → 1 when the
# reaper is to finalize the crawl (done, and every member still counted has drained), else 0.
REAP = _NOW + """
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
for _, member in ipairs(redis.call('SDIFF', KEYS[3], KEYS[4])) do
  local entry = redis.call('HGET', KEYS[1], member)
  local at = entry and tonumber(string.match(entry, ':(.+)$'))
  if not at or now - at > tonumber(ARGV[1]) then
    redis.call('SREM', KEYS[3], member)
    redis.call('HDEL', KEYS[1], member)
    redis.call('HSETNX', KEYS[6], 'reason', 'worker_lost: ' .. member .. ' died before it stored its part')
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

    def pop(self) -> bytes | None:
        """The next request of the crawl (highest priority first), this worker marked busy in the same step."""
        item = self.server.eval(POP, 2, self.keys.requests, self.keys.workers, self.worker_id)
        return bytes(item) if item is not None else None

    def report(self, *, idle: bool) -> None:
        """This worker's engine is idle (nothing in flight) or busy, as of now."""
        self.server.eval(REPORT, 1, self.keys.workers, self.worker_id, "idle" if idle else "busy")

    def check_done(self) -> bool:
        """Whether the crawl's frontier is exhausted; the first call that finds it so marks it done."""
        keys = self.keys
        return bool(self.server.eval(CHECK_DONE, 5, keys.requests, keys.workers, keys.done, keys.members,
                                     keys.totals, str(self.stale_after)))

    def is_done(self) -> bool:
        return bool(self.server.exists(self.keys.done))

    def close(self, *, drained: bool) -> bool:
        """This worker's spider of the crawl has closed; True if this worker is the one to finalize the crawl."""
        keys = self.keys
        return bool(self.server.eval(CLOSE, 5, keys.workers, keys.done, keys.members, keys.drained, keys.finalizer,
                                     self.worker_id, "1" if drained else "0", str(FINALIZER_TTL)))

    def reap(self) -> bool:
        """For a done crawl: drop members silent for `reap_after` that never drained; True if this worker is then
        the one to finalize the crawl (every member left has drained, or none is left)."""
        keys = self.keys
        return bool(self.server.eval(REAP, 6, keys.workers, keys.done, keys.members, keys.drained, keys.finalizer,
                                     keys.totals, str(self.reap_after), str(FINALIZER_TTL), self.worker_id))

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
