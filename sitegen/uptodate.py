"""Skip a build when nothing it reads has changed and its output is as it left it.

The record lives in ``.sitegen-cache/last-builds.json``: for each output folder, a hash of every
input byte (site.toml, templates, static, content, the generator's version and the build's
options) and the size and modification time of every file the build wrote. A build whose inputs
hash the same, into an output whose files all still match, has nothing to do.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from . import __version__
from .cache import CACHE_DIR

RECORD = "last-builds.json"
INPUTS = ("site.toml", "templates", "static", "content")


def inputs_hash(root: Path, options: tuple) -> str:
    digest = hashlib.sha256(repr((__version__, options)).encode())
    for name in INPUTS:
        top = root / name
        if top.is_file():
            files = [name]
        else:
            files = sorted(rel for rel, entry in _walk(str(top), f"{name}/") if entry.is_file())
        for rel in files:
            digest.update(rel.encode() + b"\0")
            with open(root / rel, "rb") as handle:
                digest.update(handle.read())
            digest.update(b"\0")
    return digest.hexdigest()


def _walk(folder: str, prefix: str) -> Iterator[tuple[str, os.DirEntry]]:
    """Everything but folders under ``folder``, as (``prefix`` + its POSIX path inside, its
    entry); linked folders are not entered (as Path.rglob in Python 3.11). os.scandir rather than
    pathlib: every build walks every source file and every page it wrote."""
    pending = [(folder, prefix)]
    while pending:
        current, rel = pending.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((entry.path, f"{rel}{entry.name}/"))
                    else:
                        yield f"{rel}{entry.name}", entry
        except (FileNotFoundError, NotADirectoryError):
            continue


def _manifest(out: Path) -> dict[str, list[int]]:
    """The size and modification time of every file in ``out``."""
    found: dict[str, list[int]] = {}
    for rel, entry in _walk(str(out), ""):
        info = entry.stat(follow_symlinks=False)
        found[rel] = [info.st_size, info.st_mtime_ns]
    return found


def _load(root: Path) -> dict:
    try:
        return json.loads((root / CACHE_DIR / RECORD).read_text())
    except (OSError, ValueError):
        return {}


def is_current(root: Path, out: Path, fingerprint: str) -> bool:
    entry = _load(root).get(str(out.resolve()))
    if not entry or entry.get("inputs") != fingerprint or not out.is_dir():
        return False
    return entry.get("files") == _manifest(out.resolve())


def remember(root: Path, out: Path, fingerprint: str) -> None:
    """Record a successful build; never fail the build over the record."""
    records = _load(root)
    records[str(out.resolve())] = {"inputs": fingerprint, "files": _manifest(out.resolve())}
    try:
        folder = root / CACHE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "w") as handle:
            json.dump(records, handle)
        os.replace(tmp, folder / RECORD)
    except OSError:
        pass
