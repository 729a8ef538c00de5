"""Write the built site safely: only into a folder the generator owns, one build at a time,
into a temporary folder that is swapped into place only when the whole build succeeded.

The output folder belongs to the generator. A build replaces it only when it is missing, empty,
or carries the marker file (``.sitegen-output``) that every build writes into its output.
Anything else (a folder holding other files, a repository, anything in ``.git``, a file, the
project's own folders) is refused before a byte is read or written.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from . import files, signals
from .errors import BuildError, SiteError

TMP_PREFIX = ".sitegen-tmp-"
MARKER = files.OUTPUT_MARKER
MARKER_TEXT = (
    "This folder was written by the site generator (build.py). Each build replaces the whole\n"
    "folder. Without this file the generator refuses to touch it.\n"
)
PROJECT_FOLDERS = (*files.INPUT_FOLDERS, ".sitegen-cache")  # never an output, nor inside one
TMP_SUFFIX = re.compile(r"^[a-z0-9_]{8}(\.old)?\Z")  # what mkdtemp adds, and the swap's ".old"
_held: dict[str, int] = {}  # output folders whose lock this process holds, with a count


def _refuse(out: Path, message: str, hint: str) -> BuildError:
    return BuildError([SiteError(str(out), None, message, hint)])


def check_output(out: Path, root: Path) -> Path:
    """The real path of ``out`` if a build may replace it; else raise BuildError, saying why.

    Reads no input and writes nothing."""
    given = out
    out, root = Path(os.path.realpath(out)), Path(os.path.realpath(root))
    hint = "build into a folder of its own, e.g. --out _site"
    if ".git" in out.parts:
        raise _refuse(given, "refusing to write into a git repository's .git folder", hint)
    if out == root or out in root.parents or out == Path(os.path.realpath(Path.home())):
        raise _refuse(given, "refusing to replace the project folder or a folder above it", hint)
    for name in PROJECT_FOLDERS:
        source = root / name
        if out == source or source in out.parents:
            what = "the generator's cache" if name.startswith(".") else "the site's sources"
            raise _refuse(given, f"refusing to write into {what} ({name}/)", hint)
    if not out.parent.is_dir():
        raise _refuse(
            given,
            f"the folder {out.parent} does not exist",
            "create it first, or choose another --out",
        )
    check_owned(out, given)
    return out


def check_owned(out: Path, given: Path | None = None, deep: bool = True) -> None:
    """Refuse ``out`` unless it is missing, empty, or an earlier output of ours that a build
    can delete whole: nothing below it (``deep``) is a repository, a mount point or read-only."""
    given = given or out
    hint = "build into a folder of its own, e.g. --out _site"
    if not os.path.lexists(out):
        return
    if os.path.islink(out) or not out.is_dir():
        raise _refuse(given, "refusing to replace a file with the site: it is not a folder", hint)
    try:
        names = sorted(os.listdir(out))
    except OSError as exc:
        raise _refuse(given, f"cannot read the output folder: {exc.strerror}", hint) from None
    if names and MARKER not in names:
        shown = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
        raise _refuse(
            given,
            f"refusing to replace a folder the generator did not create (it holds {shown})",
            "build into a new or empty folder; if this is an old build of this site, delete it "
            "yourself first",
        )
    device = os.lstat(out).st_dev
    mounted = [m for m in _mount_points() if m == out or out in m.parents] if deep else []
    if mounted:
        raise _refuse(
            given, f"refusing to replace a folder that holds a mount point ({mounted[0]})", hint
        )
    for folder, dirs, names in os.walk(out) if deep else ():
        here = Path(folder)
        if ".git" in dirs or ".git" in names:  # a folder, or a worktree's .git file
            raise _refuse(
                given,
                f"refusing to replace a folder that holds a git repository ({here / '.git'})",
                hint,
            )
        try:
            info = os.lstat(here)
        except FileNotFoundError:  # removed since the walk listed it (the preview's search
            continue  # index takes its records away again): nothing there to protect
        if info.st_dev != device:
            raise _refuse(
                given, f"refusing to replace a folder that holds a mount point ({here})", hint
            )
        if not os.access(here, os.W_OK | os.X_OK) and os.path.lexists(here):
            raise _refuse(
                given,
                f"cannot replace the previous site: {here} is read-only",
                "make it writable (chmod u+w), or build into another folder",
            )


def _mount_points() -> list[Path]:
    """Every mount point on this machine (Linux: /proc/self/mountinfo; elsewhere none, and the
    device check in check_owned still finds mounts of other file systems). A bind mount of a
    folder of the same file system shows only here."""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    points = []
    for line in lines:
        fields = line.split(" ")
        if len(fields) > 4:  # the 5th field is the mount point, with octal escapes (\040)
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])
            points.append(Path(point))
    return points


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the lock of the output folder ``out`` (a real path) for the block: one build at a
    time writes it. Another process holding it is a BuildError naming its pid; the same process
    may take it again (``serve`` holds it while its rebuilds take it)."""
    key = str(out)
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    path = out.parent / f"{TMP_PREFIX}{out.name}.lock"
    fd = None
    try:
        # Inside the try: an interrupt held back while the lock was taken is raised as the
        # block ends, and the lock must then be given back too.
        with signals.deferred():
            fd = _acquire(out, path)
            _held[key] = 1
        yield
    finally:
        if fd is not None:
            _release(key, path, fd)


def _release(key: str, path: Path, fd: int) -> None:
    """Give the lock back and remove its file, even when an interrupt lands on the way out:
    the cleanup runs again until it is done, and the interrupt is raised after it."""
    interrupted = False
    closed = False
    while True:
        try:
            with signals.deferred():
                _held.pop(key, None)
                with suppress(OSError):
                    os.unlink(path)
                if not closed:  # never twice: the number may already be another file's
                    closed = True
                    with suppress(OSError):
                        os.close(fd)
            break
        except KeyboardInterrupt:
            interrupted = True
    if interrupted:
        raise KeyboardInterrupt


def _acquire(out: Path, path: Path) -> int:
    """Open and lock the lock file; retry when the file was replaced meanwhile (a holder that
    finished removes it)."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)  # never via a link
        except OSError as exc:
            raise failed(exc, out) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise BuildError(
                [
                    SiteError(
                        str(out),
                        None,
                        f"another build is writing this folder (pid {holder})",
                        "wait for it to finish, stop the preview (Ctrl-C) that holds it, or "
                        "build into another folder with --out",
                    )
                ]
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            except OSError as exc:  # a full disk: give the lock back and say so
                with suppress(OSError):
                    os.unlink(path)
                os.close(fd)
                raise failed(exc, out) from None
            return fd
        os.close(fd)


def failed(exc: OSError, out: Path, tmp: Path | None = None) -> BuildError:
    """A failed write, copy or rename as an editor's error: which path, and why."""
    where = exc.filename or out
    if tmp is not None and str(where).startswith(str(tmp)):
        where = str(out) + str(where)[len(str(tmp)) :]  # name the file as it would have been
    reason = exc.strerror or str(exc)
    hints = {
        errno.ENOSPC: "the disk is full: free some space and build again",
        errno.EDQUOT: "your disk quota is used up: free some space and build again",
        errno.EACCES: "you may not write there: check the folder's permissions",
        errno.EPERM: "you may not write there: check the folder's permissions",
        errno.EROFS: "the disk is read-only: build into another folder with --out",
    }
    hint = hints.get(exc.errno or 0, "check the folder and the disk, then build again")
    return BuildError(
        [
            SiteError(
                str(where), None, f"could not write the site: {reason}", hint + "; nothing changed"
            )
        ]
    )


def clean_stale(out: Path) -> None:
    """Remove temporary folders that an earlier, killed build left beside ``out``: exactly the
    names its staging makes, never another output's (``_site-2``'s for ``_site``). Only the
    holder of the output's lock calls this, so no running build's folder is removed."""
    stale = _stale_folders(out)
    # A build killed between the two renames of its swap left no output, and the previous site
    # in its ".old" folder: that is put back, not removed.
    previous = [p for p in stale if p.name.endswith(".old") and (p / MARKER).is_file()]
    if not os.path.lexists(out) and len(previous) == 1:
        with suppress(OSError):  # if it cannot be put back, it stays where it is (see below)
            os.rename(previous[0], out)
            stale.remove(previous[0])
    no_site = not os.path.lexists(out)  # then an ".old" folder may hold the last copy: kept
    for folder in stale:
        if not (no_site and folder.name.endswith(".old")):
            shutil.rmtree(folder, ignore_errors=True)


def _stale_folders(out: Path) -> list[Path]:
    """The staging folders beside ``out``: exactly the names its staging makes."""
    prefix = f"{TMP_PREFIX}{out.name}~"
    return [
        out.parent / name
        for name in sorted(os.listdir(out.parent))
        if name.startswith(prefix)
        and TMP_SUFFIX.match(name[len(prefix) :])
        and (out.parent / name).is_dir()
        and not (out.parent / name).is_symlink()
    ]


def clean_stale_unless_busy(out: Path) -> None:
    """clean_stale, if there is anything to clean and no other build holds the output's lock
    (one that does is writing: it cleans up itself, and its own staging folder must stay)."""
    if _stale_folders(out):  # the lock only then: a build starting now is not refused for it
        with suppress(BuildError), locked(out):
            clean_stale(out)


@contextmanager
def pinned(out: Path) -> Iterator[Path | None]:
    """The output folder ``out``, held open for the block, if it is one this generator made
    (None if not, or if it is gone). Yields a path that keeps naming this very folder even if it
    is moved and another is put in its place meanwhile (``/proc/self/fd/N``, on Linux; ``out``
    itself on a system without it), so that a preview never writes into, or removes from, a
    folder a person put where the output was."""
    try:
        fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        yield None
        return
    try:
        held = Path(f"/proc/self/fd/{fd}")
        if not held.is_dir():
            held = out
        yield held if (held / MARKER).is_file() else None
    finally:
        os.close(fd)


def through_link(top: Path, rel: str) -> bool:
    """Whether writing or removing ``rel`` inside the output folder ``top`` would go through a
    symbolic link (the generator makes none there): a link put in place of one of its folders
    would lead the write outside the output."""
    folder = top
    for part in rel.split("/")[:-1]:
        folder = folder / part
        if folder.is_symlink():
            return True
    return False


def held_fds(path: Path) -> tuple[int, ...]:
    """The descriptor a path from ``pinned`` goes through, for a child process to be given
    (in which ``/proc/self/fd/N`` then names the same folder); none for a plain path."""
    match = re.match(r"/proc/self/fd/(\d+)(?:/|$)", str(path))
    return (int(match.group(1)),) if match else ()


def put(folder: Path, rel: str, data: str | bytes) -> None:
    """Write one output file at ``rel`` (a relative POSIX path) inside ``folder``."""
    parts = rel.split("/")
    if rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"output path escapes the output folder: {rel}")
    # os rather than pathlib: a build writes every page through here.
    target = os.path.join(folder, *parts)
    if len(parts) > 1:
        parent = os.path.dirname(target)
        try:
            os.mkdir(parent)  # most pages are alone in a folder of their own
        except FileExistsError:
            pass
        except FileNotFoundError:
            os.makedirs(parent, exist_ok=True)
    with open(target, "wb") as file:
        file.write(data.encode("utf-8") if isinstance(data, str) else data)


def replace_file(target: Path, data: bytes, overwrite: bool = True) -> None:
    """Write one file whole, atomically: a reader sees the old bytes or the new, never half.
    With ``overwrite`` false, raise FileExistsError rather than replace anything already there
    (a file, or a link, even one that points nowhere)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = None
    try:
        with signals.deferred():  # mkstemp and noting its file happen together
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        if overwrite:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)
            os.unlink(tmp)
    except BaseException:
        if tmp is not None:
            with signals.deferred():
                Path(tmp).unlink(missing_ok=True)
        raise


def copy_static(tree: files.Tree, folder: Path) -> None:
    """Copy the static files found by the walk (their bytes, never a link) into ``folder``."""
    for file in tree.files:
        try:
            data = files.read(file.path)
        except OSError as exc:
            raise BuildError([files.unreadable(file.rel, exc)]) from None
        put(folder, file.rel, data)


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A new, empty folder beside ``out`` (a real path that check_output allowed) to build
    into, swapped in for ``out`` when the block ends without an error.

    Until the swap, ``out`` is untouched; if the block fails or the build is interrupted, the
    temporary folder is removed and the previous site stays as it was. Every failed write is a
    BuildError naming the file and the reason."""
    with locked(out):
        clean_stale(out)
        tmp = None
        try:
            with signals.deferred():  # mkdtemp and noting its folder happen together
                tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{out.name}~", dir=out.parent))
                _staging.add(tmp)
            yield tmp
            put(tmp, MARKER, MARKER_TEXT)
            os.chmod(tmp, 0o755)
            check_owned(out, deep=False)  # something may have been put there meanwhile
        except BaseException as exc:
            if tmp is not None:
                with signals.deferred():
                    _drop(tmp)
            if isinstance(exc, OSError):
                raise failed(exc, out, tmp) from None
            raise
        # From here on an interrupt waits: the swap and the cleanup happen together or not at
        # all. One that Python swallowed during the build stops it here.
        with signals.deferred():
            try:
                signals.raise_swallowed()
                _swap(tmp, out)
            except BaseException as exc:
                _drop(tmp)
                if isinstance(exc, OSError):
                    raise failed(exc, out) from None
                raise
            _drop(tmp)  # now the previous site, if there was one


# Staging folders this process made and has not yet removed or swapped in. A second interrupt
# can cut a staged block's own cleanup short; the command line then calls remove_unfinished.
_staging: set[Path] = set()


def remove_unfinished() -> None:
    """Remove every staging folder this process left unfinished (only its own: each was made
    by this process, with a name no other build uses)."""
    with signals.deferred():
        for tmp in list(_staging):
            _drop(tmp)


def _drop(tmp: Path) -> None:
    """Remove a staging folder of this process and forget it."""
    shutil.rmtree(tmp, ignore_errors=True)
    _staging.discard(tmp)


def _swap(tmp: Path, out: Path) -> None:
    """Put the new site ``tmp`` in the place of ``out``; the previous site ends up at ``tmp``.
    Two renames: ``out`` is missing for the moment between them (interrupts wait, see staged)."""
    if os.path.lexists(out):
        os.rename(out, f"{tmp}.old")
        try:
            os.rename(tmp, out)
        except OSError:
            os.rename(f"{tmp}.old", out)  # put the previous site back
            raise
        os.rename(f"{tmp}.old", tmp)
    else:
        os.rename(tmp, out)


def hosting_files(folder: Path, cname: str) -> None:
    """Files GitHub Pages reads: .nojekyll (serve the files as they are) and, for a custom
    domain, CNAME."""
    put(folder, ".nojekyll", "")
    if cname:
        put(folder, "CNAME", cname + "\n")


def replace_folder(new: Path, target: Path) -> None:
    """Put the folder ``new`` in the place of ``target`` (a folder of the output, replaced
    whole): the old one is moved aside first and removed after."""
    old = target.with_name(f".{target.name}-old")
    remove(old)
    if os.path.lexists(target):
        os.rename(target, old)
    os.rename(new, target)
    remove(old)


def carry(source: Path, target: Path) -> None:
    """Copy the folder ``source`` of the previous output to ``target`` in the new one, files
    hard-linked where the file system allows (nothing writes into them: an index is replaced
    whole, see replace_folder); links and special files are left out. Best effort: if
    ``source`` is missing or cannot be read, ``target`` is simply not there."""
    if source.is_symlink() or not source.is_dir():
        return
    try:
        for folder, dirs, names in os.walk(source, onerror=_raise):
            here = target / os.path.relpath(folder, source)
            here.mkdir(parents=True, exist_ok=True)
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
            for name in names:
                path = os.path.join(folder, name)
                if os.path.islink(path) or not os.path.isfile(path):
                    continue
                try:
                    os.link(path, here / name)
                except OSError:  # no hard links here (another file system, say): a copy
                    shutil.copy2(path, here / name)
    except OSError:
        remove(target)


def _raise(exc: OSError) -> None:
    raise exc


def remove(path: Path) -> None:
    """Remove a folder of the output, or a link put in its place (never what the link leads
    to), or a file; nothing if it is not there."""
    if path.is_symlink() or (os.path.lexists(path) and not path.is_dir()):
        with suppress(OSError):
            path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)
