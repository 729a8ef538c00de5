"""Skip a build when nothing it reads has changed and its output is as it left it.

The record lives in ``.sitegen-cache/last-builds.json``: for each output folder, a hash of every
input byte (site.toml, templates, static, content), of the generator's own code and the
libraries it renders with, and of the build's options; and the size and modification time of
every file the build wrote. A build whose inputs hash the same, into an output whose files all
still match, has nothing to do. A damaged record is no record.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from . import files, write
from .cache import cache_folder, generator_hash
from .errors import BuildError

RECORD = "last-builds.json"
INPUTS = ("site.toml", *files.INPUT_FOLDERS)


def inputs_hash(root: Path, options: tuple) -> str:
    """A hash of everything a build reads; BuildError when an input breaks the walk's rules
    (those are never "up to date": the build that follows reports them)."""
    digest = hashlib.sha256(repr((generator_hash(), options)).encode())
    errors = []
    for name in INPUTS:
        tree = files.walk(root, name, folder=name != "site.toml")
        errors.extend(tree.errors)
        digest.update(repr(tree.folders).encode())  # an empty folder can be an error too
        for file in tree.files:
            digest.update(file.rel.encode() + b"\0")
            try:
                digest.update(files.read(file.path))
            except OSError as exc:
                errors.append(files.unreadable(file.rel, exc))
            digest.update(b"\0")
    if errors:
        raise BuildError(errors)
    return digest.hexdigest()


def _manifest(out: Path) -> dict[str, list[int]]:
    """The size and modification time of every file in ``out`` (links are not followed)."""
    found: dict[str, list[int]] = {}
    for folder, dirs, names in os.walk(out):  # the same walk of an output as write.check_owned
        rel = os.path.relpath(folder, out).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        for name in names + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            try:
                info = os.lstat(os.path.join(folder, name))
            except OSError:
                continue
            found[prefix + name] = [info.st_size, info.st_mtime_ns]
    return found


def _load(root: Path) -> dict:
    folder = cache_folder(root)
    try:
        records = json.loads(files.read(folder / RECORD)) if folder else {}
    except (OSError, ValueError, RecursionError):  # missing, not a file, damaged
        return {}
    return records if isinstance(records, dict) else {}


def is_current(root: Path, out: Path, fingerprint: str) -> bool:
    entry = _load(root).get(str(out))
    if not isinstance(entry, dict) or entry.get("inputs") != fingerprint or not out.is_dir():
        return False
    return entry.get("files") == _manifest(out)


def remember(root: Path, out: Path, fingerprint: str) -> None:
    """Record a successful build; never fail the build over the record."""
    folder = cache_folder(root)
    if folder is None:
        return
    records = _load(root)
    records[str(out)] = {"inputs": fingerprint, "files": _manifest(out)}
    with contextlib.suppress(OSError):
        write.replace_file(folder / RECORD, json.dumps(records).encode())
