"""What a worker does when Redis stays away: it stops as if it had been killed.

Every Redis command of a worker waits out a Redis restart (lifecycle/active.py `WaitingRetry`, up to
NIANBAO_REDIS_WAIT seconds). Past that, carrying on would be worse than stopping: a request whose lease or end
cannot be told to Redis would be recorded as the site's failure, or dropped, and the crawl could be taken as done
with reports missing. So the worker ends at once, without closing anything — the path a SIGKILLed worker takes,
which the crawl already recovers from: what it held goes back to the queue once it is taken for dead
(NIANBAO_WORKER_STALE_AFTER), its open WARC file is repaired by the finalizer, its parse workers die with it.
"""

from __future__ import annotations

import logging
import os
import sys

logger = logging.getLogger(__name__)

EXIT_REDIS_GONE = 75  # EX_TEMPFAIL: run the worker again once Redis is back


def worker_gone(error: Exception) -> None:
    """Stop this worker process now (see the module docstring)."""
    logger.critical("Redis unreachable past NIANBAO_REDIS_WAIT (%s): this worker stops now, as if killed; run "
                    "`nianbao worker` again once Redis is back — what it held goes back to the queue", error)
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stderr.flush()
    os._exit(EXIT_REDIS_GONE)
