"""A content-hash cache of parsed documents, so a build with nothing changed skips Markdown.

It lives in ``.sitegen-cache/`` (git-ignored, safe to delete). An entry is used only when the
file's bytes, its path and kind, and the fingerprint of everything else parsing depends on
(generator version, Markdown and sanitizer settings, declared topics, templates) are the same.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from . import __version__, markup

CACHE_DIR = ".sitegen-cache"
CACHE_FILE = "documents.pickle"
FORMAT = 1


def fingerprint(root: Path, topic_ids: tuple[str, ...]) -> str:
    """What every cached document depends on besides its own file."""
    digest = hashlib.sha256()
    settings = (
        FORMAT,
        __version__,
        markup.EXTENSIONS,
        markup.EXTENSION_CONFIGS,
        sorted(markup.ALLOWED_TAGS),
        sorted((k, sorted(v)) for k, v in markup.ALLOWED_ATTRIBUTES.items()),
        sorted((k, sorted(v)) for k, v in markup.ALLOWED_CLASSES.items()),
        sorted(markup.URL_SCHEMES),
        topic_ids,
    )
    digest.update(repr(settings).encode())
    templates = root / "templates"
    if templates.is_dir():
        for path in sorted(templates.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(templates).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def entry_key(fingerprint: str, kind: str, shown: str, raw: bytes) -> str:
    return hashlib.sha256(
        b"\0".join([fingerprint.encode(), kind.encode(), shown.encode(), raw])
    ).hexdigest()


class DocumentCache:
    def __init__(self, root: Path) -> None:
        self.path = root / CACHE_DIR / CACHE_FILE
        self.entries: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        try:
            with self.path.open("rb") as handle:
                loaded = pickle.load(handle)
            if isinstance(loaded, dict):
                self.entries = loaded
        except (
            OSError,
            pickle.UnpicklingError,
            EOFError,
            AttributeError,
            ImportError,
            TypeError,
            ValueError,
        ):
            self.entries = {}  # a missing or unreadable cache is an empty one

    def get(self, key: str) -> Any | None:
        doc = self.entries.get(key)
        if doc is not None:
            self.used[key] = doc
        return doc

    def put(self, key: str, doc: Any) -> None:
        self.used[key] = doc

    def save(self) -> None:
        """Keep the entries this build used; write atomically; never fail a build over it."""
        if self.used.keys() == self.entries.keys():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            (self.path.parent / ".gitignore").write_text("*\n")
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(self.used, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass
