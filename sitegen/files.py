"""The one way the generator finds and reads its input files.

Every input folder (content/, templates/, static/) is walked here, by discovery, the up-to-date
check, the document cache, `check`, the static copy and `serve`, under one policy:

- regular files only: FIFOs, sockets and devices are errors naming the path (never opened, so
  never a hang);
- a symbolic link is followed only when it leads to a place inside the project; one that leads
  outside, nowhere, or round in a loop is an error;
- a file or folder that cannot be read is an error;
- a folder that holds a built site (the output marker), or an empty folder named like a file
  (``x.md/``), is an error;
- hidden names (starting with '.') and editor leftovers (``*~``, ``#*#``, ``*.swp``,
  ``Thumbs.db``) are skipped everywhere;
- a walk stops with an error after MAX_ENTRIES entries (links that branch without looping
  could otherwise multiply a small tree into millions of paths).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import SiteError

LEFTOVER_NAMES = frozenset({"Thumbs.db", "desktop.ini"})
# Every folder a build reads, besides site.toml: content, templates, static files, catalogs.
INPUT_FOLDERS = ("content", "templates", "static", "locales")
OUTPUT_MARKER = ".sitegen-output"  # written into every output folder (see write.py)
MAX_ENTRIES = 200_000
FILE_LIKE = re.compile(r"\.[A-Za-z0-9]{1,5}$")
LEFTOVER_ENDINGS = ("~", ".swp", ".swo", ".swx", ".tmp")


def ignored(name: str) -> bool:
    """Hidden files and the backups, locks and swap files editors and file managers leave."""
    return (
        name.startswith(".")
        or name.endswith(LEFTOVER_ENDINGS)
        or (name.startswith("#") and name.endswith("#"))
        or name in LEFTOVER_NAMES
    )


@dataclass(frozen=True)
class File:
    """One input file: its path from the project root (POSIX), where to read it, its stamp."""

    rel: str  # e.g. content/articles/why.md
    path: str  # the real path to read (a link's target, always inside the project)
    size: int
    mtime_ns: int

    @property
    def stamp(self) -> tuple[int, int]:
        return (self.size, self.mtime_ns)


@dataclass(frozen=True)
class Tree:
    """What a walk found below one top folder: files and folders, by path from the root."""

    files: tuple[File, ...]
    folders: tuple[str, ...]  # e.g. content/articles (the top folder itself included)
    errors: tuple[SiteError, ...]

    def stamps(self) -> dict[str, tuple[int, int]]:
        """Size and modification time of every file, and every folder as (0, 0): so that any
        file or folder that comes, goes or changes shows up as a difference."""
        out = {f.rel: f.stamp for f in self.files}
        out.update((folder + "/", (0, 0)) for folder in self.folders)
        return out


def _error(rel: str, message: str, hint: str) -> SiteError:
    return SiteError(rel, None, message, hint)


def walk(root: Path, top: str, folder: bool = True) -> Tree:
    """Every input file below ``root/top`` under the policy above; a missing top is empty.

    With ``folder`` false, ``top`` names a single file (``site.toml``)."""
    root = Path(os.path.realpath(root))
    files: list[File] = []
    folders: list[str] = []
    errors: list[SiteError] = []
    start = os.path.join(root, top)
    try:
        first = os.lstat(start)
    except FileNotFoundError:
        return Tree((), (), ())
    except OSError as exc:
        return Tree((), (), (unreadable(top, exc),))
    pending = [(top, start, first, frozenset())]
    entries_seen = 0
    while pending:
        rel, path, info, seen = pending.pop()
        entries_seen += 1
        if entries_seen > MAX_ENTRIES:
            errors.append(
                _error(
                    top,
                    f"more than {MAX_ENTRIES:,} files and folders",
                    "links that lead to the same folders again can multiply a tree: remove them",
                )
            )
            break
        if stat.S_ISLNK(info.st_mode):
            target, followed = _follow(root, path)
            if target is None or followed is None:
                errors.append(_error(rel, _link_problem(target), _LINK_HINT))
                continue
            path, info = target, followed
        if stat.S_ISREG(info.st_mode) and rel == top and folder:
            errors.append(_error(rel, "is a file; it must be a folder", "move it aside"))
            continue
        if stat.S_ISREG(info.st_mode):
            if not os.access(path, os.R_OK):
                errors.append(_error(rel, "cannot be read: Permission denied", _READ_HINT))
                continue
            files.append(File(rel, path, info.st_size, info.st_mtime_ns))
            continue
        if stat.S_ISDIR(info.st_mode) and not folder:
            errors.append(_error(rel, "is a folder; it must be a file", "move it aside"))
            continue
        if not stat.S_ISDIR(info.st_mode):
            errors.append(_error(rel, f"is a {_kind(info.st_mode)}, not a file", _SPECIAL_HINT))
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen:
            errors.append(
                _error(rel, "symbolic link loop: it leads back to a folder above it", _LINK_HINT)
            )
            continue
        try:
            with os.scandir(path) as entries:
                names = [(e.name, e.path) for e in entries]
        except OSError as exc:
            errors.append(_error(rel, f"folder cannot be read: {exc.strerror}", _READ_HINT))
            continue
        if any(name == OUTPUT_MARKER for name, _ in names):
            errors.append(
                _error(rel, "is (or links to) a built site", "inputs cannot include an output")
            )
            continue
        listed = sorted((name, child) for name, child in names if not ignored(name))
        if not listed and rel != top and FILE_LIKE.search(rel):
            errors.append(_error(rel, "is an empty folder named like a file", "remove it"))
            continue
        folders.append(rel)
        for name, child in reversed(listed):
            try:
                child_info = os.lstat(child)
            except OSError as exc:
                errors.append(unreadable(f"{rel}/{name}", exc))
                continue
            pending.append((f"{rel}/{name}", child, child_info, seen | {key}))
    files.sort(key=lambda f: f.rel)
    folders.sort()
    return Tree(tuple(files), tuple(folders), tuple(sorted(errors)))


def _follow(root: Path, link: str) -> tuple[str | None, os.stat_result | None]:
    """Where a symbolic link leads and what is there, if that is inside the project: (target,
    its stat); (None, None) when it leads outside; (target, None) when it leads nowhere."""
    target = os.path.realpath(link)
    if not (target == str(root) or target.startswith(str(root) + os.sep)):
        return None, None
    try:
        return target, os.stat(target)
    except OSError:  # dangling, or a loop of links
        return target, None


def _link_problem(target: str | None) -> str:
    if target is None:
        return "symbolic link points outside the project"
    return "symbolic link points nowhere (or round in a loop)"


def read(path: str | Path) -> bytes:
    """The bytes of a regular file; OSError for anything else. Opened without blocking, so a
    FIFO put where a file was found cannot hang the build."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file", str(path))
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def unreadable(rel: str, exc: OSError) -> SiteError:
    return _error(rel, f"cannot be read: {exc.strerror or exc}", _READ_HINT)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


_READ_HINT = "check its permissions (it must be readable by you), or move it out of the folder"
_SPECIAL_HINT = "only regular files are read; remove it or move it out of the folder"
_LINK_HINT = "links may only lead to files inside the project; copy the file here instead"
