"""Spread work over all cores with forked worker processes that share the parent's state."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Set just before the fork, so workers inherit it instead of receiving it pickled.
_STATE: Any = None
MIN_ITEMS = 48


def workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def fork_map(
    fn: Callable[[Any, T], R],
    items: Sequence[T],
    state: Any,
    meanwhile: Callable[[], object] | None = None,
) -> list[R]:
    """``[fn(state, item) for item in items]``, in order, on all cores when it pays off.

    Forking is used (where available) because it shares ``state`` with the workers for free;
    small batches, single-core machines and platforms without fork run in-process.
    ``meanwhile``, if given, is called in this process while the workers run: work that would
    otherwise leave a core idle after them.
    """
    count = workers()
    if len(items) < MIN_ITEMS or count < 2 or "fork" not in multiprocessing.get_all_start_methods():
        results = [fn(state, item) for item in items]
        if meanwhile is not None:
            meanwhile()
        return results
    global _STATE
    stride = count * 4
    _STATE = (fn, state, items, stride)
    gc.freeze()  # GC in the workers would otherwise touch, and so copy, every inherited object
    try:
        with multiprocessing.get_context("fork").Pool(count, initializer=_quiet_worker) as pool:
            # Workers get only chunk numbers: pickling the items to send them cost more than
            # rendering them did.
            pending = pool.map_async(_run_chunk, range(stride))
            if meanwhile is not None:
                meanwhile()
            parts = pending.get()
    finally:
        _STATE = None
        gc.unfreeze()
    results: list[R] = [None] * len(items)  # type: ignore[list-item]
    for offset, part in enumerate(parts):
        results[offset::stride] = part
    return results


def _quiet_worker() -> None:
    """Workers leave interrupts to the parent, which stops them; they die quietly on SIGTERM."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.enable()  # in case the parent build switched it off: a worker makes and drops a lot


def _run_chunk(offset: int) -> list[Any]:
    """Every ``stride``-th item from ``offset``: interleaved, so long and short items mix."""
    fn, state, items, stride = _STATE
    return [fn(state, item) for item in items[offset::stride]]
