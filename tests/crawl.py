"""A small crawler for tests: serve a built site under a sub-path and follow every link."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve_under(out: Path, tmp: Path, prefix: str) -> Iterator[str]:
    """Serve ``out`` at http://127.0.0.1:PORT/<prefix>/ as GitHub Pages serves a project site."""
    root = tmp / "served"
    shutil.copytree(out, root / prefix.strip("/") if prefix.strip("/") else root)
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if values.get(name) and not (tag == "link" and values.get("rel") == "canonical"):
                self.urls.append(values[name])


def crawl(start: str, max_pages: int = 2000) -> tuple[set[str], list[str]]:
    """Follow every same-host link from ``start``; return (pages seen, problems)."""
    host = urlsplit(start).netloc
    prefix = urlsplit(start).path
    seen: set[str] = set()
    ids: dict[str, set[str]] = {}
    anchors: list[tuple[str, str, str]] = []
    problems: list[str] = []
    queue = [start]
    while queue and len(seen) < max_pages:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read()
                kind = response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            problems.append(f"{exc.code} {url}")
            continue
        if kind != "text/html":
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        ids[url] = parser.ids
        for raw in parser.urls:
            absolute = urljoin(url, raw)
            parts = urlsplit(absolute)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                continue
            if not parts.path.startswith(prefix):
                problems.append(f"escapes {prefix}: {raw} on {url}")
                continue
            page, fragment = urldefrag(absolute)
            if fragment:
                anchors.append((page, fragment, url))
            queue.append(page)
    for page, fragment, source in anchors:
        if page in ids and fragment not in ids[page]:
            problems.append(f"missing #{fragment} on {page} (linked from {source})")
    return seen, problems


def asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]+)"', html)
