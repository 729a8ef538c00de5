"""Write the built site atomically: into a temporary folder, then swapped into place."""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import interrupts
from .errors import BuildError, SiteError

TMP_PREFIX = ".sitegen-tmp-"
_RENAME_EXCHANGE = 2


def refuse_unsafe_output(out: Path, root: Path) -> None:
    """Refuse output folders whose replacement by a build would destroy something else."""
    out, root = out.resolve(), root.resolve()
    sources = [root / "content", root / "templates", root / "static"]
    unsafe = (
        out in (Path("/"), Path.home().resolve(), root)
        or out in root.parents
        or any(out == s or s in out.parents for s in sources)
    )
    if unsafe:
        raise BuildError(
            [
                SiteError(
                    str(out),
                    None,
                    "refusing to write the site here: the whole folder is replaced by each build",
                    "use a folder of its own, e.g. --out _site",
                )
            ]
        )


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done (they are delivered right after)."""
    signals = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    except (AttributeError, ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where that is unavailable."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the C library already loaded in this process
    except OSError:
        return False
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    at_fdcwd = -100
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0


def clean_stale(out: Path) -> None:
    """Remove temporary folders that an earlier, killed build may have left beside ``out``."""
    parent = out.resolve().parent
    if parent.is_dir():
        for stale in parent.glob(f"{TMP_PREFIX}{out.name}-*"):
            shutil.rmtree(stale, ignore_errors=True)


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


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A new, empty folder beside ``out`` to build into, swapped in for ``out`` when the block
    ends without an error.

    Until the swap, ``out`` is untouched; if the block fails or the build is interrupted, the
    temporary folder is removed and the previous site stays as it was.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(out)
    with _signals_deferred():  # so an interrupt cannot fall between mkdtemp and the try
        tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{out.name}-", dir=out.parent))
    try:
        yield tmp
        interrupts.check()  # one that Python swallowed on the way still stops the swap
        os.chmod(tmp, 0o755)
    except BaseException:
        with _signals_deferred():
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    # From here on an interrupt waits: the swap and the cleanup happen together or not at all.
    with _signals_deferred():
        if not (out.exists() and _exchange(tmp, out)):
            if out.exists():
                os.rename(out, f"{tmp}.old")
                os.rename(tmp, out)
                os.rename(f"{tmp}.old", tmp)
            else:
                os.rename(tmp, out)
        shutil.rmtree(tmp, ignore_errors=True)  # now the previous site, if there was one


def copy_static(static: Path, folder: Path) -> None:
    if static.is_dir():
        shutil.copytree(static, folder / "static", dirs_exist_ok=True)
