"""The one "did you mean" helper, for every name an editor can misspell."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str], otherwise: str | None = None) -> str:
    """A hint naming the closest of ``choices`` to ``word``; without one, ``otherwise`` (by
    default, the list of choices)."""
    names = sorted(set(choices))
    by_lower = {name.lower(): name for name in names}
    if word.lower() in by_lower:  # "DOI" for "doi"
        return f"did you mean '{by_lower[word.lower()]}'?"
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return otherwise if otherwise is not None else "allowed: " + ", ".join(names)
