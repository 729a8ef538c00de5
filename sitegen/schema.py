"""The one validator of keyed settings: site.toml's sections and content files' front matter.

A schema maps each key to a Field: a check of its value, whether it is required, and a hint.
``check`` reports unknown keys (with "did you mean"), missing required keys and control
characters in any text, then runs each field's own check; every problem becomes a SiteError
pointing at the key's line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import SiteError
from .suggest import did_you_mean

# Characters no setting may hold: C0 and C1 controls (a tab or newline in a title or URL ends
# up in HTML attributes, XML, robots.txt and terminals) and the Unicode line separators.
CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


CONTROL_HINT = "an escape such as \\x1b or \\u001b made one: remove it"


def control_problem(value: str) -> str | None:
    match = CONTROL_RE.search(value)
    if match:
        return f"must not contain control characters (found U+{ord(match.group()):04X})"
    return None


@dataclass
class Context:
    """What a field's check knows besides the value: where it is, and where problems go."""

    path: str
    key: str
    errors: list[SiteError]
    line_of: Callable[[str | None], int | None]
    extra: Any = None  # what the caller's checks need (front matter: the config, item lines)

    @property
    def line(self) -> int | None:
        return self.line_of(self.key)

    def error(self, message: str, hint: str, line: int | None = None) -> None:
        self.errors.append(SiteError(self.path, line or self.line, message, hint))


@dataclass(frozen=True)
class Field:
    check: Callable[[Any, Context], Any]  # the value to keep, or None after ctx.error(...)
    required: bool = False
    hint: str = ""


def check(
    entry: Mapping[Any, Any],
    fields: Mapping[str, Field],
    path: str,
    line_of: Callable[[str | None], int | None],
    errors: list[SiteError],
    where: str = "",
    add: str = "add a line '{key}: ...'",
    extra: Any = None,
) -> dict[str, Any]:
    """Check ``entry`` against ``fields``; return the checked values by key (None where a value
    was wrong). ``line_of(key)`` gives a key's line (``line_of(None)``: the entry's);
    ``where`` names the entry in messages, e.g. " in [site]"; ``add`` is the hint for a missing
    key that has no hint of its own."""
    values: dict[str, Any] = {}
    meant: set[str] = set()  # required keys an unknown key was probably meant to be
    for key, value in entry.items():
        ctx = Context(path, str(key), errors, line_of, extra)
        spec = fields.get(str(key))
        if spec is None:
            hint = did_you_mean(str(key), fields)
            ctx.error(f"unknown key '{key}'{where}", hint)
            meant.update(k for k in fields if hint == f"did you mean '{k}'?")
            continue
        if isinstance(value, str) and (problem := control_problem(value)):
            ctx.error(f"'{key}' {problem}", CONTROL_HINT)
            values[str(key)] = None
            continue
        values[str(key)] = spec.check(value, ctx)
    for key, spec in fields.items():
        if spec.required and key not in entry and key not in meant:  # a typo is one mistake
            hint = spec.hint or add.format(key=key)
            errors.append(
                SiteError(path, line_of(None), f"missing required key '{key}'{where}", hint)
            )
    return values
