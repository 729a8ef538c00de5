"""The one helper for parallel work: a map over all cores with forked worker processes, which
share the parent's state (the site, the templates) without pickling it."""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
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
    items and forking is safe (see can_fork), otherwise in this process.

    Plain forked processes and pipes, no shared lock: a worker that a signal kills can leave
    nothing locked that the parent then waits on (multiprocessing.Pool's terminate can wait
    forever for a lock a killed worker held)."""
    if len(items) < MIN_ITEMS or not can_fork():
        return [fn(state, item) for item in items]
    global _STATE
    count = workers()
    # Many small chunks, each taken by whichever worker is free: neither waits long for the
    # other at the end (8 chunks left one core idle for up to a quarter of a second at 1,000
    # articles). Chunk numbers are single bytes in a pipe, which the workers read one at a time.
    stride = min(count * 32, 255)
    _STATE = (fn, state, items, stride)
    gc.freeze()  # GC in the workers would otherwise touch, and so copy, every inherited object
    children: list[tuple[int, int]] = []  # (pid, the pipe its results come through)
    try:
        # Interrupts wait while the workers start and while they are stopped; they reach the
        # parent only while it waits for results.
        with signals.deferred():
            chunks_in, chunks_out = os.pipe()
            os.write(chunks_out, bytes(range(stride)))
            os.close(chunks_out)  # once the workers have taken every byte, they read the end
            try:
                for _ in range(count):
                    children.append(_start_worker(chunks_in))
            finally:
                os.close(chunks_in)
        parts: dict[int, list[Any]] = {}
        for _, results in children:
            parts.update(_results_of(results))
    finally:
        with signals.deferred():
            for pid, results in children:
                _stop(pid, results)
            _STATE = None
            gc.unfreeze()
    merged: list[R] = [None] * len(items)  # type: ignore[list-item]
    for offset, part in parts.items():
        merged[offset::stride] = part
    return merged


def _start_worker(chunks: int) -> tuple[int, int]:
    results_in, results_out = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: it never returns from here
        os.close(results_in)
        _work(chunks, results_out)
    os.close(results_out)
    return pid, results_in


def _work(chunks: int, out: int) -> None:
    """A worker's life: take chunk numbers until there are none left, send every result back
    pickled, and end without running the parent's exit handlers."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's stop ends it quietly
        signals.let_through()  # held back while the parent forked
        fn, state, items, stride = _STATE
        done: dict[int, list[Any]] = {}
        try:
            while taken := os.read(chunks, 1):
                offset = taken[0]
                done[offset] = [fn(state, item) for item in items[offset::stride]]
            outcome: tuple[bool, Any] = (True, done)
        except BaseException as exc:  # a bug in fn: the parent raises it
            outcome = (False, exc)
        try:
            data = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a result or an error that cannot be pickled
            data = pickle.dumps((False, RuntimeError(f"a worker's {outcome[1]!r}: {exc}")))
        with open(out, "wb", closefd=True) as pipe:
            pipe.write(data)  # a parent killed with kill -9 is gone: nothing to tell, quietly
        code = 0
    finally:
        os._exit(code)  # a forked worker must not run the parent's atexit handlers


def _results_of(results: int) -> dict[int, list[Any]]:
    """What a worker sent through the pipe ``results``; raise what it raised, or an interrupt
    if a signal ended it."""
    with open(results, "rb", closefd=False) as pipe:
        data = pipe.read()
    if data:
        ok, value = pickle.loads(data)
        if ok:
            return value
        raise value
    # It ended without a word: a signal killed it (the same Ctrl-C or stop that reaches this
    # process, as a terminal or service manager sends it to the whole group).
    raise KeyboardInterrupt


def _stop(pid: int, results: int) -> None:
    """End worker ``pid`` if it still runs, reap it and close its pipe."""
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with suppress(ChildProcessError):
        os.waitpid(pid, 0)
    with suppress(OSError):
        os.close(results)
