"""A content-hash cache of parsed documents, so a build with nothing changed skips Markdown.

It lives in ``.sitegen-cache/`` (git-ignored, safe to delete). An entry is used only when the
file's bytes, its path and kind, and the fingerprint of everything else parsing depends on
(the generator's own code, the libraries' versions, Markdown and sanitizer settings, declared
topics, templates) are the same. A damaged or unexpected cache file is an empty cache.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
from importlib import metadata
from pathlib import Path
from typing import Any

from . import files, markup, write

CACHE_DIR = ".sitegen-cache"
CACHE_FILE = "documents.pickle"
FORMAT = 2
LIBRARIES = ("markdown", "nh3", "jinja2", "pyyaml", "pagefind")


@functools.cache
def generator_hash() -> str:
    """A hash of the generator's own code (every file of this package, as installed) and of the
    versions of the libraries that shape its output: a `git pull` of new code, or a library
    upgrade, makes every cache and up-to-date record stale."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{name}={version}\0".encode())
    return digest.hexdigest()


def fingerprint(
    root: Path,
    topic_ids: tuple[str, ...],
    phrases: tuple[tuple[str, str], ...] = (),
    quotes: tuple[tuple[str, str], ...] = (),
) -> str:
    """What every cached document depends on besides its own file."""
    digest = hashlib.sha256()
    settings = (
        FORMAT,
        generator_hash(),
        markup.EXTENSIONS,
        markup.EXTENSION_CONFIGS,
        sorted(markup.ALLOWED_TAGS),
        sorted((k, sorted(v)) for k, v in markup.ALLOWED_ATTRIBUTES.items()),
        sorted((k, sorted(v)) for k, v in markup.ALLOWED_CLASSES.items()),
        sorted(markup.URL_SCHEMES),
        topic_ids,
        phrases,  # words the parser writes into pages (a footnote's back link), by language
        quotes,  # the quotation marks it writes, by language
    )
    digest.update(repr(settings).encode())
    for file in files.walk(root, "templates").files:  # its problems are reported by the build
        digest.update(file.rel.encode() + b"\0")
        try:
            digest.update(files.read(file.path))
        except OSError:
            digest.update(b"unreadable")
    return digest.hexdigest()


def cache_folder(root: Path) -> Path | None:
    """The cache folder, if it is one the generator may use: missing (it is made when needed) or
    a real folder inside the project. A link (perhaps to somewhere outside) or a file there
    means no cache: nothing is read from it or written to it."""
    folder = root / CACHE_DIR
    if os.path.islink(folder) or (os.path.lexists(folder) and not folder.is_dir()):
        return None
    return folder


class _Unpickler(pickle.Unpickler):
    """Loads only what the cache holds (documents and the types inside them), so a pickle
    crafted to call anything else (sys.exit, os.system) is refused, not run."""

    ALLOWED = {
        ("sitegen.document", "Document"),
        ("sitegen.document", "Source"),
        ("sitegen.markup", "Rendered"),
        ("sitegen.markup", "Heading"),
        ("datetime", "date"),
        ("builtins", "frozenset"),
        ("builtins", "set"),
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        return super().find_class(module, name)


def entry_key(fingerprint: str, kind: str, shown: str, raw: bytes) -> str:
    return hashlib.sha256(
        b"\0".join([fingerprint.encode(), kind.encode(), shown.encode(), raw])
    ).hexdigest()


class DocumentCache:
    def __init__(self, root: Path) -> None:
        folder = cache_folder(root)
        self.path = folder / CACHE_FILE if folder else None
        self.entries: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        try:
            raw = files.read(self.path) if self.path else b""  # a FIFO here cannot hang a build
            loaded = _Unpickler(io.BytesIO(raw)).load()
        except Exception:  # missing, damaged or from other code: any of pickle's many errors
            return
        if isinstance(loaded, dict) and loaded.get("format") == FORMAT:
            entries = loaded.get("entries")
            if isinstance(entries, dict):
                self.entries = entries

    def get(self, key: str) -> Any | None:
        doc = self.entries.get(key)
        if doc is not None:
            self.used[key] = doc
        return doc

    def put(self, key: str, doc: Any) -> None:
        self.used[key] = doc

    def save(self) -> None:
        """Keep the entries this build used; write atomically; never fail a build over it."""
        if self.path is None or self.used.keys() == self.entries.keys():
            return
        data = {"format": FORMAT, "entries": self.used}
        try:
            write.replace_file(self.path.parent / ".gitignore", b"*\n")
            write.replace_file(self.path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass
