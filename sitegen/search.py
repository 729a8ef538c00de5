"""The search step: Pagefind indexes the built pages into <output>/pagefind/."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import zlib
from collections.abc import Sequence
from pathlib import Path

from . import signals, urls, write
from .errors import BuildError, SiteError

TETHERED = Path(__file__).with_name("tethered.py")
_running: set[subprocess.Popen] = set()  # indexers under way, so stop_all can end them
_starting = threading.Lock()  # an indexer is started and noted, or stopped, never in between


def stop_all() -> None:
    """End every indexer this process started, with its children (the preview server calls this
    as it stops, so no index goes on being written into a folder after the server is gone)."""
    with _starting:
        for proc in list(_running):
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)


def index(
    folder: Path, records: Sequence[tuple[str, str]] = (), stop: threading.Event | None = None
) -> None:
    """Index every page with ``data-pagefind-body`` under ``folder``, and each of ``records``
    (file name, HTML): a page written only for the search, such as one FAQ answer, which is
    removed again afterwards. The new index is written beside the old one and then takes its
    place, so a rebuild never leaves stale fragments behind. Raise BuildError on failure, and
    when ``stop`` is set before the indexer starts (stop_all ends one that has started)."""
    extra = folder / urls.SEARCH_RECORDS
    fresh = folder / f".{urls.search_index_folder()}-new"
    try:
        write.remove(extra)  # whatever was left or put there: the records go in a folder of
        write.remove(fresh)  # their own, never through a link to somewhere else
        for name, html in records:
            write.put(folder, f"{urls.SEARCH_RECORDS}/{name}", html)
        _run(folder, fresh, stop)
        verify(fresh)
        write.replace_folder(fresh, folder / urls.search_index_folder())
    finally:
        write.remove(extra)
        write.remove(fresh)


def _run(folder: Path, output: Path, stop: threading.Event | None = None) -> None:
    try:
        # Started and noted together, so that an interrupt or stop_all can always end it.
        with signals.deferred(), _starting:
            if stop is not None and stop.is_set():
                raise BuildError(
                    [
                        SiteError(
                            "pagefind", None, "search indexing stopped", "the next build indexes"
                        )
                    ]
                )
            # Pagefind is tethered to this process: it ends when ``held`` closes, which happens
            # when this process ends, even by kill -9 (see tethered.py).
            tether, held = os.pipe()
            try:
                proc = subprocess.Popen(
                    [
                        sys.executable,
                        "-I",
                        str(TETHERED),
                        sys.executable,
                        "-m",
                        "pagefind",
                        "--site",
                        str(folder),
                        "--output-path",
                        str(output),
                        "--silent",
                    ],  # fmt: skip
                    stdin=tether,
                    pass_fds=write.held_fds(folder),  # a pinned output (see write.pinned)
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    start_new_session=True,  # its own process group: stop_all ends it all
                )
            except BaseException:
                os.close(held)
                raise
            finally:
                os.close(tether)
            _running.add(proc)
        try:
            out, err = proc.communicate(timeout=600)
        except BaseException:  # too slow, or the build interrupted: it must not write on
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
        finally:
            _running.discard(proc)
            os.close(held)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildError(
            [
                SiteError(
                    "pagefind",
                    None,
                    f"search indexing could not run: {exc}",
                    "pip install 'pagefind[bin]', or build with --no-search",
                )
            ]
        ) from None
    if proc.returncode != 0:
        detail = (err or out).strip().splitlines()[-5:]
        raise BuildError(
            [
                SiteError(
                    "pagefind",
                    None,
                    "search indexing failed: " + " / ".join(detail),
                    "build with --no-search to skip the search step",
                )
            ]
        )


def verify(index: Path) -> None:
    """Check what the search step wrote, not only its exit code (it exits 0 after failed
    writes): the entry file parses and names its languages; each language's metadata and
    WebAssembly files and every index chunk are whole gzip streams holding Pagefind data; there
    is one fragment per indexed page; the scripts the search page loads are there, not empty.
    ``index``: the folder Pagefind wrote."""
    try:
        problem = _problem(index)
    except (OSError, ValueError, AttributeError, TypeError, EOFError, zlib.error) as exc:
        problem = f"a file cannot be read ({exc})"
    if problem:
        raise BuildError(
            [
                SiteError(
                    "pagefind",
                    None,
                    f"the search index is incomplete: {problem}",
                    "the disk may be full: free some space and build again; nothing changed",
                )
            ]
        )


def _problem(index: Path) -> str:
    entry = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
    languages = entry.get("languages")
    if not isinstance(languages, dict) or not languages:
        return "its entry file names no language"
    pages = 0
    data = []
    for language in languages.values():
        pages += int(language["page_count"])
        data.append(index / f"pagefind.{language['hash']}.pf_meta")
        if language.get("wasm"):  # none for a language Pagefind has no stemmer for
            data.append(index / f"wasm.{language['wasm']}.pagefind")
    chunks = sorted((index / "index").glob("*.pf_index"))
    fragments = sorted((index / "fragment").glob("*.pf_fragment"))
    if pages and not chunks:
        return "it has no index chunks"
    if len(fragments) != pages:
        return f"{len(fragments)} page fragments for {pages} pages"
    for path in [*data, *chunks, *fragments]:
        if not gzip.decompress(path.read_bytes()).startswith(b"pagefind_dcd"):
            return f"{path.name} is not Pagefind data"
    for name in SCRIPTS:
        if (index / name).stat().st_size == 0:
            return f"{name} is empty"
    return ""


SCRIPTS = ("pagefind.js", "pagefind-worker.js", "pagefind-ui.js", "pagefind-ui.css")
