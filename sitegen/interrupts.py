"""Ctrl-C and SIGTERM as one clean interrupt that cannot be lost.

Python raises KeyboardInterrupt wherever the main thread happens to be when the signal comes.
If that is inside a callback the interpreter calls for itself (a weakref callback at the end
of an import, a finalizer), the exception cannot propagate: Python prints "Exception ignored
in ..." with a traceback and carries on as if nothing had happened. Here the signal is also
remembered, that printout is left out, and `check()` raises the interrupt again at the next
point where the build asks (before it swaps the new site in).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # UnraisableHookArgs exists for type checkers only
    Hook = Callable[[sys.UnraisableHookArgs], object]

_pending = False


def _on_signal(signum: int, frame: object) -> None:
    global _pending
    _pending = True
    raise KeyboardInterrupt


def _quiet_hook(previous: Hook) -> Hook:
    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if not (_pending and issubclass(unraisable.exc_type, KeyboardInterrupt)):
            previous(unraisable)

    return hook


def check() -> None:
    """Raise KeyboardInterrupt if one arrived but was swallowed on its way."""
    if _pending:
        raise KeyboardInterrupt


@contextmanager
def handled() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM both raise KeyboardInterrupt (so SIGTERM cleans
    up like Ctrl-C), and one swallowed inside a callback is kept for `check()`.
    Call from the main thread only."""
    global _pending
    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _quiet_hook(previous_hook)
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        for s, handler in previous.items():
            signal.signal(s, handler)
        _pending = False
