"""Interrupts (Ctrl-C, SIGTERM) that land only where a build can stop cleanly.

The command line turns both signals into KeyboardInterrupt. Steps that must not be cut in half
(making a temporary file and noting it, the swap, starting and stopping worker processes or the
search indexer) hold them back with ``deferred``; the interrupt is raised as soon as the step
ends. An interrupt that Python swallows, because it landed in a callback Python runs for its own
housekeeping and can only report, is kept by ``keep_swallowed`` instead of printed as a
traceback, and ``raise_swallowed`` raises it again at the next point that checks: before a new
site is swapped in, and when the command ends.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

SIGNALS = {signal.SIGINT, signal.SIGTERM}
_swallowed: list[BaseException] = []


@contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done (they are delivered right after)."""
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    except (AttributeError, ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def hold() -> None:
    """Hold SIGINT and SIGTERM from now on (for the rest of the process)."""
    with suppress(AttributeError, ValueError, OSError):
        signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)


def let_through() -> None:
    """Deliver the signals again in a process forked while they were held (a worker)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


@contextmanager
def keep_swallowed() -> Iterator[None]:
    """For the block: an interrupt Python could only report is kept for raise_swallowed."""
    previous = sys.unraisablehook

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            _swallowed.append(unraisable.exc_value)
        else:
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous
        _swallowed.clear()


def raise_swallowed() -> None:
    """Raise the interrupt that Python swallowed, if one was."""
    if _swallowed:
        _swallowed.clear()
        raise KeyboardInterrupt
