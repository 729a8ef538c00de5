"""Preview server: build, serve under the base path as GitHub Pages does, watch, live-reload."""

from __future__ import annotations

import contextlib
import html
import http.server
import ipaddress
import mimetypes
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from . import files, pipeline, search, signals, urls, write
from .errors import BuildError
from .incremental import Builder

RELOAD_PATH = "/__sitegen/reload.js"
EVENTS_PATH = "/__sitegen/events"
RELOAD_JS = b"""// Live reload for `build.py serve` only; never part of the built site.
(function () {
  var shown = document.currentScript.dataset.generation;  // the build this page came from
  var source = new EventSource("/__sitegen/events");
  source.onmessage = function (event) {
    if (event.data !== shown) { location.reload(); }
  };
})();
"""
TAG = '<script src="/__sitegen/reload.js" data-generation="{}" defer></script>'
WATCHED_FOLDERS = files.INPUT_FOLDERS
WATCHED = (*WATCHED_FOLDERS, "site.toml")
IDLE_SECONDS = 60  # a connection that sends nothing for this long is closed


class State:
    """What the server shows: the output folder, the last build's errors, a build generation."""

    def __init__(self, out: Path, base_path: str) -> None:
        self.out = out.resolve()
        self.base_path = base_path  # follows site.toml's base_url: see follow_settings
        self.origin = ""  # http://host:port, once the server listens
        self.output_noted: Path | None = None  # a changed output setting, once said
        self.errors: list[str] = []
        self.generation = 0
        self.changed = threading.Condition()

    def published(self, errors: list[str]) -> None:
        with self.changed:
            self.errors = errors
            self.generation += 1
            self.changed.notify_all()


def error_page(errors: list[str]) -> bytes:
    items = "\n".join(f"<li><pre>{html.escape(e)}</pre></li>" for e in errors)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Build failed</title><style>body{font-family:system-ui;margin:1rem;max-width:60rem}"
        "pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}li{margin-bottom:1em}</style>"
        "</head><body>"
        f"<h1>The site did not build</h1><p>Fix these problems and save; this page reloads by "
        f"itself.</p><ol>{items}</ol></body></html>"
    ).encode()


def resolve_request(state: State, raw_path: str) -> Path | None:
    """The file a request path names inside the output folder, or None if it names nothing
    there: encoded dots and slashes, backslashes, absolute paths, names too long for the file
    system and anything else that cannot be looked up all come to None."""
    try:
        return _resolve(state, raw_path)
    except (OSError, ValueError):
        return None


def _resolve(state: State, raw_path: str) -> Path | None:
    path = unquote(urlsplit(raw_path).path)
    if "\\" in path or "\x00" in path or not path.startswith(state.base_path):
        return None
    rel = path[len(state.base_path) :]
    parts = [p for p in rel.split("/") if p]
    if any(p in (".", "..") for p in parts):
        return None
    target = state.out.joinpath(*parts).resolve() if parts else state.out
    if target != state.out and state.out not in target.parents:
        return None
    if target.is_dir():
        if not path.endswith("/"):
            return None  # GitHub Pages redirects to the slashed URL; the handler does too
        target = target / urls.INDEX
    return target if target.is_file() else None


def host_allowed(header: str | None, listen_host: str) -> bool:
    """Whether a request's Host header names this server: its own address, localhost, or (when
    it listens on every address) any IP address. A name that only resolves here, as in DNS
    rebinding, is refused, so a web page elsewhere cannot read the preview."""
    if header is None:
        return True  # HTTP/1.0 clients may leave it out; browsers always send it
    try:
        name = urlsplit("//" + header.strip()).hostname or ""
    except ValueError:
        return False
    if name in ("localhost", "127.0.0.1", "::1", listen_host.strip("[]").lower()):
        return True
    if listen_host in ("0.0.0.0", "::", ""):
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True
    return False


def make_handler(
    state: State, listen_host: str = "127.0.0.1"
) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "sitegen-preview"
        timeout = IDLE_SECONDS  # read when the class is made

        def log_message(self, format: str, *args: object) -> None:
            pass

        def handle(self) -> None:
            # A browser that goes away or falls silent is not news.
            with contextlib.suppress(ConnectionError, TimeoutError):
                super().handle()

        def do_HEAD(self) -> None:
            self.do_GET(head=True)

        def do_GET(self, head: bool = False) -> None:
            if not host_allowed(self.headers.get("Host"), listen_host):
                return self._send(403, "text/plain", b"Forbidden: unknown Host\n", head)
            try:
                self._get(head)
            except (ConnectionError, TimeoutError):
                raise
            except Exception as exc:  # a bug here must not cost the editor the preview
                print(f"preview: could not answer {self.path!r}: {exc!r}", file=sys.stderr)
                self._send(500, "text/plain", b"The preview server failed on this request\n", head)

        def _get(self, head: bool) -> None:
            path = urlsplit(self.path).path
            if path == RELOAD_PATH:
                return self._send(200, "text/javascript", RELOAD_JS, head)
            if path == EVENTS_PATH:
                return self._events(head)
            if path == "/" and state.base_path != "/":
                return self._redirect(state.base_path)
            if state.errors:
                return self._send(500, "text/html", self._inject(error_page(state.errors)), head)
            target = resolve_request(state, self.path)
            if target is None:
                decoded = unquote(path)
                if (
                    decoded.startswith(state.base_path)
                    and not decoded.endswith("/")
                    and resolve_request(state, path + "/") is not None
                ):
                    return self._redirect(path + "/")
                missing = state.out / urls.output(urls.path("not_found"))
                body = missing.read_bytes() if missing.is_file() else b"Not found"
                return self._send(404, "text/html", self._inject(body), head)
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            body = target.read_bytes()
            if kind == "text/html":
                body = self._inject(body)
            self._send(200, kind, body, head)

        def _inject(self, body: bytes) -> bytes:
            tag = TAG.format(state.generation).encode()
            index = body.rfind(b"</body>")
            return body[:index] + tag + body[index:] if index >= 0 else body + tag

        def _send(self, status: int, kind: str, body: bytes, head: bool = False) -> None:
            self.send_response(status)
            charset = "; charset=utf-8" if kind.startswith("text/") or kind.endswith("xml") else ""
            self.send_header("Content-Type", kind + charset)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _redirect(self, location: str) -> None:
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _events(self, head: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            if head:
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.end_headers()
            seen = -1
            try:
                while True:
                    with state.changed:
                        if state.generation == seen:
                            state.changed.wait(timeout=15)
                        generation = state.generation
                    message = f"data: {generation}\n\n" if generation != seen else ": ping\n\n"
                    seen = generation
                    self.wfile.write(message.encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                return

    return Handler


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        kind, exc = sys.exc_info()[:2]
        if kind is not None and issubclass(kind, (ConnectionError, TimeoutError)):
            return  # a client that disconnects is not news
        print(f"preview: a request from {client_address} failed: {exc!r}", file=sys.stderr)


class _Either:
    """Set when either event is: the stop signal watchfiles polls."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


def watch(
    root: Path,
    rebuild: Callable[[], None],
    stop: threading.Event,
    ready: threading.Event | None = None,
) -> None:
    """Rebuild after each batch of changes to the site's sources, until ``stop`` is set; set
    ``ready`` once every watch is in place.

    Folders are watched, never single files: editors that save by writing a new file and
    renaming it over the old one (gedit, vim, `sed -i`) replace the file's inode, and a watch on
    the old inode would never fire again. The project folder itself is watched without its
    subfolders (for site.toml, and for a source folder that comes or goes); each source folder
    with everything below it. A failure of the watcher restarts it. Each time a watch is (re)made
    the site is rebuilt once, for what was saved while there was no watch (quiet when nothing
    was)."""
    import watchfiles

    restart = threading.Event()
    folders_ready, top_ready = threading.Event(), threading.Event()

    def top(change: object, path: str) -> bool:
        return Path(path).name in WATCHED and Path(path).parent == root

    def loop(paths: list[Path], until: Any, made: threading.Event, **options: Any) -> None:
        # Timeouts make the generator yield (empty) once its watch exists, and not only on a
        # change: the first yield says the watch is in place.
        first = True
        for changes in watchfiles.watch(
            *paths, stop_event=until, debounce=20, step=10, rust_timeout=100,
            yield_on_timeout=True, **options,
        ):  # fmt: skip
            if first or changes:
                if any(Path(path).name in WATCHED_FOLDERS for _, path in changes):
                    restart.set()  # a source folder came or went: watch the new set
                made.set()
                rebuild()
            first = False

    def folders() -> None:
        while not stop.is_set():
            restart.clear()
            paths = [root / name for name in WATCHED_FOLDERS if (root / name).is_dir()]
            try:
                if paths:
                    loop(paths, _Either(stop, restart), folders_ready)
                else:
                    folders_ready.set()
                    restart.wait(1.0)  # until the project folder's watch sees one appear
            except Exception:  # e.g. a watched folder removed under the watcher: watch again
                restart.wait(0.2)

    threading.Thread(target=folders, daemon=True).start()
    if ready is not None:
        threading.Thread(
            target=lambda: (folders_ready.wait(), top_ready.wait(), ready.set()), daemon=True
        ).start()
    while not stop.is_set():
        try:
            loop([root], stop, top_ready, recursive=False, watch_filter=top)
        except Exception:
            stop.wait(0.2)


class SearchIndexer:
    """Re-index in the background after a build, so a reload never waits for search; runs
    coalesce, so a burst of saves costs one index. A build first ends the index under way
    (``pause``): it may replace or delete the folder that index writes into, and the index was
    of the site as it was before the change anyway."""

    def __init__(self, out: Path, say: Callable[[str], None]) -> None:
        self.out = out
        self.say = say
        self.changed = threading.Condition()  # guards the four flags below
        self.wanted = False  # an index is asked for
        self.paused = False  # a build is under way: no index runs
        self.running = False  # an index is under way, or cleaning up after itself
        self.stopping = False  # the server stops: no index ever again
        self.halt = threading.Event()  # ends the index under way (search.index checks it)
        self.thread: threading.Thread | None = None
        self.records: list[tuple[str, str]] = []  # the search-only pages of the latest build

    def request(self, records: list[tuple[str, str]]) -> None:
        self.records = records
        if self.thread is None:  # after the first build, which forks best with no thread running
            self.thread = threading.Thread(target=self._loop, daemon=True)
            self.thread.start()
        with self.changed:
            self.wanted = True
            self.changed.notify_all()

    def pause(self) -> None:
        """End the index under way and start none until ``resume``; return once it has removed
        its records and unfinished index from the output."""
        with self.changed:
            self.paused = True
        self._end_and_wait()

    def resume(self) -> None:
        with self.changed:
            self.paused = False
            if not self.stopping:
                self.halt.clear()
            self.changed.notify_all()

    def stop(self) -> None:
        """End an index under way and wait until its records and unfinished index are removed,
        so nothing of it is left in the output, or written there, after the server has gone."""
        with self.changed:
            self.stopping = True
            self.changed.notify_all()  # the loop wakes, and ends
        self._end_and_wait()
        if self.thread is not None:
            self.thread.join(timeout=60)

    def _end_and_wait(self) -> None:
        self.halt.set()  # an index about to start does not (search.index checks it) ...
        search.stop_all()  # ... and one under way ends
        with self.changed:  # bounded: cleaning up is removing two folders
            self.changed.wait_for(lambda: not self.running, timeout=60)

    def _loop(self) -> None:
        while True:
            with self.changed:
                self.changed.wait_for(lambda: self.stopping or (self.wanted and not self.paused))
                if self.stopping:
                    return
                self.wanted = False
                self.running = True
            try:
                # Through the folder checked here, even if another is put in its place meanwhile.
                with write.pinned(self.out) as out:
                    if out is not None:  # else the output was removed or replaced: not ours
                        self._index(out)
            finally:
                with self.changed:
                    self.running = False
                    self.changed.notify_all()

    def _index(self, out: Path) -> None:
        try:
            search.index(out, self.records, self.halt)
        except (BuildError, OSError) as exc:
            if self.halt.is_set():  # ended by a build or by the server stopping
                with self.changed:
                    self.wanted = self.wanted or not self.stopping  # again, after the build
                return
            self.say(
                str(exc) if isinstance(exc, BuildError) else f"search index not updated: {exc}"
            )


def rebuilder(
    builder: Builder,
    state: State,
    say: Callable[[str], None],
    indexer: SearchIndexer | None = None,
) -> Callable[[], None]:
    """The one rebuild that the first build and every watched change run (in the main thread,
    one at a time: see ``run``). Any failure is shown in the browser and the terminal; none
    stops the watching."""

    def show(lines: list[str]) -> None:
        say("\n".join(lines) + f"\n{len(lines)} problem(s); the preview shows them until fixed.")
        state.published(lines)

    def rebuild() -> None:
        if indexer is not None:
            indexer.pause()  # before the clock starts: ending an index is not the build's time
        try:
            built()
        finally:
            if indexer is not None:
                indexer.resume()

    def built() -> None:
        started = time.perf_counter()
        try:
            report = builder.build()
        except BuildError as exc:
            return show([str(e) for e in exc.errors])
        except OSError as exc:
            return show([str(e) for e in write.failed(exc, builder.out).errors])
        except Exception as exc:  # a bug, not the editor's mistake: keep watching
            return show(
                [
                    f"the build failed unexpectedly: {type(exc).__name__}: {exc}\n"
                    "    hint: this is a bug in the generator; please report it with the "
                    "change you just saved. Saving again retries."
                ]
            )
        if report.unchanged and not state.errors:
            return  # a look that found nothing new: nothing to say
        took = (time.perf_counter() - started) * 1000
        what = "full build" if report.full else f"{len(report.written)} file(s) written"
        say(f"Rebuilt in {took:.0f} ms ({what})")
        for note in follow_settings(builder, state):
            say(note)
        state.published([])
        if indexer is not None and (report.full or report.written or report.removed):
            indexer.request(builder.search_records())
        builder.settle()  # after the page is on disk and the browser told: off the edit's path

    return rebuild


def follow_settings(builder: Builder, state: State) -> list[str]:
    """After a build, follow what site.toml now says where a running preview can, and say what
    changed: a new base_url's path is where pages are served from now (their links use it); a
    new output folder waits for a restart (the preview keeps the folder it locked at start)."""
    config = builder.config
    if config is None:
        return []
    notes = []
    if config.base_path != state.base_path:
        state.base_path = config.base_path
        notes.append(
            f"site.toml's base_url changed: previewing at {state.origin}{config.base_path}"
        )
    wanted = pipeline.output_folder(config)
    if wanted.resolve() != builder.out and wanted != state.output_noted:
        notes.append(
            f"site.toml's output is now {config.output}, but this preview keeps writing to "
            f"{builder.out}\n    hint: stop it (Ctrl-C) and start it again to use the new folder"
        )
    state.output_noted = wanted
    return notes


def run(
    root: Path,
    host: str,
    port: int,
    builder: Builder,
    base_path: str,
    say: Callable[[str], None] = print,
    with_search: bool = True,
) -> None:
    """Build once, then serve and rebuild on every change until interrupted (re-indexing for
    search in the background unless ``with_search`` is false)."""
    state = State(builder.out, base_path)
    indexer = SearchIndexer(builder.out, say) if with_search else None
    rebuild = rebuilder(builder, state, say, indexer)
    stop, ready, wanted = threading.Event(), threading.Event(), threading.Event()
    server: PreviewServer | None = None
    serving = False
    # Everything from the first build on is inside the try, so that an interrupt at any moment
    # (say, right after the address is printed) still stops the search indexer the first
    # build started, and waits for it to clean up.
    try:
        rebuild()
        server = PreviewServer((host, port), make_handler(state, host))
        # Watchers only ask; the rebuilds run here, in the main thread, where a template that
        # runs too long can be stopped by a timer signal (see render.time_limit).
        watcher = threading.Thread(target=watch, args=(root, wanted.set, stop, ready), daemon=True)
        watcher.start()
        ready.wait(timeout=10)  # so that a save right after this line is seen
        with signals.deferred():  # started and noted together
            threading.Thread(target=server.serve_forever, daemon=True).start()
            serving = True
        state.origin = f"http://{host}:{server.server_address[1]}"
        say(f"Previewing at {state.origin}{state.base_path} (Ctrl-C to stop)")
        while True:
            # Wait in short steps: a SIGTERM that the kernel hands to another thread (the
            # watcher's, say) does not wake a wait without a timeout, and Python runs the
            # handler (which stops the server) only when this thread wakes.
            if not wanted.wait(timeout=0.5):
                continue
            wanted.clear()
            rebuild()
    finally:
        stop.set()
        if indexer:
            indexer.stop()
        if server is not None:
            if serving:  # shutdown() waits for serve_forever, which must have been started
                server.shutdown()
            server.server_close()
