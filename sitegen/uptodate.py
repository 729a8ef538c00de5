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
from pathlib import Path

from . import __version__
from .cache import CACHE_DIR

RECORD = "last-builds.json"
INPUTS = ("site.toml", "templates", "static", "content")


def inputs_hash(root: Path, options: tuple) -> str:
    digest = hashlib.sha256(repr((__version__, options)).encode())
    for name in INPUTS:
        top = root / name
        paths = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in paths:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def _manifest(out: Path) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    prefix = len(str(out)) + 1
    for dirpath, _dirs, names in os.walk(out):
        for name in names:
            path = f"{dirpath}/{name}"
            info = os.stat(path)
            found[path[prefix:]] = [info.st_size, info.st_mtime_ns]
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
