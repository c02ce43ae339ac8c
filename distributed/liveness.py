"""A worker's liveness, told apart from its reactor's reports.

A worker reports busy or idle from its reactor (distributed/extension.py); a reactor blocked while its parses are
stored reports nothing for a long time, so a silent member of a done crawl is waited for up to an hour before it is
taken for dead. This thread keeps one key per worker process, ``<prefix>alive:<worker id>``, set with a time to
live of NIANBAO_WORKER_STALE_AFTER and renewed four times as often: it lives exactly as long as the process (a
SIGKILLed worker's key expires), so a dead member is found out within the stale time instead.
"""

from __future__ import annotations

import logging
import threading

import redis

from distributed.keys import alive_key

logger = logging.getLogger(__name__)


class Liveness:
    """Renews the worker's liveness key from a daemon thread until ``stop``."""

    def __init__(self, server: redis.Redis, prefix: str, worker_id: str, ttl: float) -> None:
        self.server, self.key, self.ttl = server, alive_key(prefix, worker_id), max(ttl, 1.0)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="nianbao-liveness", daemon=True)

    def start(self) -> None:
        self._renew()  # before any crawl is joined: a member is never without its key
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        self.server.delete(self.key)

    def _renew(self) -> None:
        self.server.set(self.key, "1", px=int(self.ttl * 1000))

    def _run(self) -> None:
        while not self._stopped.wait(self.ttl / 4):
            try:
                self._renew()
            except redis.RedisError as exc:  # waited out by the client's retry; past that the worker stops
                logger.error("worker liveness not renewed key=%s reason=%s", self.key, exc)
