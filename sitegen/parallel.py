"""The one helper for parallel work: a map over all cores with forked worker processes, which
share the parent's state (the site, the templates) without pickling it."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from . import signals

T = TypeVar("T")
R = TypeVar("R")

# Set just before the fork, so workers inherit it instead of receiving it pickled.
_STATE: Any = None
MIN_ITEMS = 48  # below this, starting the workers costs more than it saves


def workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether forking is available and safe here: never while other threads run (serve's
    server and watcher), because a lock one of them holds would stay locked in the child."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and workers() > 1
    )


def fork_map(fn: Callable[[Any, T], R], items: Sequence[T], state: Any) -> list[R]:
    """``[fn(state, item) for item in items]``, in order; on all cores when there are enough
    items and forking is safe (see can_fork), otherwise in this process."""
    if len(items) < MIN_ITEMS or not can_fork():
        return [fn(state, item) for item in items]
    global _STATE
    count = workers()
    # Many small chunks, handed out one at a time: a worker that finishes early takes the next,
    # so neither waits long for the other at the end (8 chunks left one core idle for up to a
    # quarter of a second at 1,000 articles).
    stride = count * 32
    _STATE = (fn, state, items, stride, os.getpid())
    gc.freeze()  # GC in the workers would otherwise touch, and so copy, every inherited object
    pool = None
    try:
        # Interrupts wait while the workers start and while they are stopped: one landing
        # there could leave a worker running, or one that never exits. They reach the parent
        # only while it waits for results, and the workers take their own signals then.
        with signals.deferred():
            pool = multiprocessing.get_context("fork").Pool(count, initializer=_quiet_worker)
        # Workers get only chunk numbers: pickling the items to send them cost more than
        # working on them did.
        parts = pool.map(_run_chunk, range(stride), chunksize=1)
    finally:
        with signals.deferred():
            if pool is not None:
                pool.terminate()
                pool.join()
            _STATE = None
            gc.unfreeze()
    results: list[R] = [None] * len(items)  # type: ignore[list-item]
    for offset, part in enumerate(parts):
        results[offset::stride] = part
    return results


def _quiet_worker() -> None:
    """Workers leave interrupts to the parent, which stops them; they die quietly on SIGTERM.
    (They start with both signals held back, as the parent held them while forking.)"""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signals.let_through()


def _run_chunk(offset: int) -> list[Any]:
    """Every ``stride``-th item from ``offset``: interleaved, so long and short items mix."""
    fn, state, items, stride, parent = _STATE
    results = [fn(state, item) for item in items[offset::stride]]
    if os.getppid() != parent:  # the parent was killed (kill -9): nobody waits for these
        os._exit(1)  # quietly, rather than print a broken pipe's traceback to its terminal
    return results
