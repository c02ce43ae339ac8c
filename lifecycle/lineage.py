"""Child processes that die with their parent: a parse worker, a scheduled crawl, never left running as an orphan.

Linux delivers a chosen signal to a process when its parent dies if the process asked for it with
``prctl(PR_SET_PDEATHSIG)``; that holds also when the parent is killed with SIGKILL, which no handler in the parent
can see. The request is made in the child (a pool initializer, or a ``preexec_fn`` between fork and exec; it
survives exec). The parent may have died before the request was made, so the child checks its parent pid after
asking. Note: the signal follows the death of the parent *thread* that started the child, so start such children
from a thread that lives as long as they do (the parse pool's supervisor, the scheduler's job thread).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
from collections.abc import Callable
from functools import cache, partial

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent: int, sig: int = signal.SIGKILL) -> bool:
    """Have this process get ``sig`` when its parent (pid ``parent``) dies; exits at once if it is gone already.
    False where prctl is not available (not Linux): the caller then watches its parent itself."""
    prctl = _prctl()
    if prctl is None or prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        return False
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the request: nobody would send the signal
    return True


def stopped_with_this_process() -> Callable[[], object]:
    """A ``preexec_fn`` for subprocess.Popen, made in the parent: the child gets SIGTERM, a clean stop, when this
    process dies. libc is loaded here, before the fork: the child then only makes the one call."""
    _prctl()
    return partial(die_with_parent, os.getpid(), signal.SIGTERM)


@cache
def _prctl() -> Callable[..., int] | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None
