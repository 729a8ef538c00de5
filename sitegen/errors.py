"""The one error type for problems an editor can fix: a place, a message and a hint."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True, order=True)
class SiteError:
    """A problem in the site's input, reported as ``path:line: message`` plus a hint."""

    path: str
    line: int | None
    message: str
    hint: str  # what to do about it: every problem has one (a test reads every call)

    def __str__(self) -> str:
        path, message, hint = (_visible(t) for t in (self.path, self.message, self.hint))
        where = f"{path}:{self.line}" if self.line else path
        text = f"{where}: {message}"
        if hint:
            text += f"\n    hint: {hint}"
        return text

    def in_a_draft(self) -> SiteError:
        """The same problem, said to be in a draft (which builds leave out)."""
        return replace(self, message=f"{self.message} (in a draft)")

    def annotation(self, level: str = "error") -> str:
        """The problem as a GitHub Actions workflow command, shown on the file's line in a pull
        request: ``::error file=…,line=…,title=…::message``. Properties escape %, CR, LF, ':' and
        ','; the message escapes %, CR and LF (GitHub's documented rules)."""
        props = [f"file={_visible(_property(self.path))}"]
        if self.line:
            props.append(f"line={self.line}")
        props.append(f"title={_visible(_property(_short(self.message)))}")
        text = self.message + (f" (hint: {self.hint})" if self.hint else "")
        return f"::{level} {','.join(props)}::{_visible(_data(text))}"


def _short(text: str, limit: int = 80) -> str:
    """A title for an annotation: the message, cut at a word before ``limit`` characters."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _visible(text: str) -> str:
    """Control characters (an ESC from a file name or a key could drive the terminal) shown as
    escapes such as \\x1b instead of being printed."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class BuildError(Exception):
    """Raised with every problem found, so an editor sees them all in one run."""

    def __init__(self, errors: list[SiteError]) -> None:
        self.errors = sorted(set(errors), key=lambda e: (e.path, e.line or 0, e.message))
        super().__init__("\n".join(str(e) for e in self.errors))


def display_path(path: Path, root: Path) -> str:
    """The path as an editor knows it: relative to the project root when it lies inside."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
