"""``build.py serve`` as an editor uses it: a real process, a real browser, real file edits."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sitegen.errors import BuildError

from .conftest import REPO, make_site, start_serve


@pytest.fixture
def served(tmp_path):
    site = make_site(tmp_path / "site")
    toml = site / "site.toml"
    toml.write_text(
        toml.read_text().replace("https://example.org/", "https://example.github.io/sub/")
    )
    proc, port = start_serve(site)
    yield site, f"http://127.0.0.1:{port}", proc
    proc.terminate()
    proc.wait(timeout=30)
    _assert_nothing_outlives(site)


def _assert_nothing_outlives(site: Path) -> None:
    """Nothing the server started (its search indexer) outlives it: killed children may take a
    moment to be reaped, so wait for that, within a deadline."""
    deadline = time.monotonic() + 15
    while left := [p for p in Path("/proc").glob("[0-9]*") if str(site) in _cmdline(p)]:
        assert time.monotonic() < deadline, [_cmdline(p) for p in left]
        time.sleep(0.1)


def _cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def save(path: Path, text: str) -> None:
    path.write_text(text)
    now = time.time_ns()
    os.utime(path, ns=(now, now))


def test_serves_under_the_base_path_and_never_writes_the_reload_script(served):
    site, origin, _ = served
    status, home = fetch(origin + "/sub/")
    assert status == 200 and "/__sitegen/reload.js" in home
    assert fetch(origin + "/")[0] == 200  # redirected to /sub/
    assert fetch(origin + "/sub/no-such-page/")[0] == 404
    assert "__sitegen" not in (site / "_site/index.html").read_text()


def wait_for(page, predicate, timeout: float = 15) -> None:
    """Poll from Python: Playwright's wait_for_function evaluates strings inside the page,
    which the site's Content-Security-Policy (rightly) forbids."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if predicate():
                return
        except Exception:  # the page may be mid-reload
            pass
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the page")


@pytest.mark.browser
def test_save_reloads_the_browser_and_errors_show_until_fixed(served, browser):
    site, origin, _ = served
    page = browser.new_page()
    page.goto(origin + "/sub/articles/second-article/")
    page.wait_for_timeout(300)  # let the event stream connect
    path = site / "content/articles/second-article.md"
    good = path.read_text()

    save(path, good.replace("An article without sources.", "Edited while previewing."))
    wait_for(page, lambda: "Edited while previewing." in page.inner_text("body"))

    save(path, good.replace("title:", "titel:"))
    wait_for(page, lambda: page.title() == "Build failed")
    assert re.search(
        r"content/articles/second-article\.md:2: unknown key 'titel'", page.inner_text("body")
    )

    save(path, good.replace("An article without sources.", "Fixed again."))
    wait_for(page, lambda: "Fixed again." in page.inner_text("body"))
    page.close()


# --- watching: atomic saves, crashes -----------------------------------------------------------


def atomic_save(path: Path, text: str) -> None:
    """Save as gedit, vim or `sed -i` do: write a new file, rename it over the old one."""
    tmp = path.with_name(f".{path.name}.new")
    tmp.write_text(text)
    os.replace(tmp, path)


def next_report(proc) -> str:
    """The next thing serve says about a rebuild: its "Rebuilt" line, or every line of a
    report of problems (so that a failing assertion shows them). The test's timeout bounds the
    wait."""
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if line.startswith("Rebuilt"):
            return line
        if "problem(s)" in line:
            return "".join(seen)
    raise AssertionError("serve stopped")


def test_atomic_saves_of_site_toml_are_seen_every_time(served):
    site, origin, proc = served
    toml = site / "site.toml"
    text = toml.read_text()
    for n in range(3):
        atomic_save(toml, text.replace('title = "Fixture Site"', f'title = "Renamed {n}"'))
        assert next_report(proc).startswith("Rebuilt")
        assert f"Renamed {n}" in fetch(origin + "/sub/")[1]
    atomic_save(toml, text.replace("[site]", "[site"))  # broken
    assert "problem(s)" in next_report(proc)
    status, body = fetch(origin + "/sub/")
    assert status == 500 and "site.toml:" in body
    atomic_save(toml, text)  # fixed: the page comes back
    assert next_report(proc).startswith("Rebuilt")
    assert fetch(origin + "/sub/")[0] == 200


def test_a_new_base_url_moves_the_preview_and_a_new_output_waits_for_a_restart(served):
    site, origin, proc = served
    toml = site / "site.toml"
    text = toml.read_text()
    atomic_save(toml, text.replace("example.github.io/sub/", "example.github.io/other/"))
    assert next_report(proc).startswith("Rebuilt")
    assert proc.stdout.readline().strip().endswith(f"previewing at {origin}/other/")
    status, home = fetch(origin + "/other/")
    assert status == 200 and 'href="/other/faq/"' in home
    assert fetch(origin + "/other/faq/")[0] == 200
    assert fetch(origin + "/sub/faq/")[0] == 404
    assert fetch(origin + "/")[0] == 200  # redirected to the new path
    # A new output folder: said once; the preview keeps the folder it locked at start.
    moved = text.replace("example.github.io/sub/", "example.github.io/other/").replace(
        "[site]\n", '[site]\noutput = "public"\n'
    )
    atomic_save(toml, moved)
    assert next_report(proc).startswith("Rebuilt")
    note = proc.stdout.readline() + proc.stdout.readline()
    assert "output is now public" in note and "start it again" in note
    atomic_save(toml, moved.replace("Fixture Site", "Renamed Site"))
    assert next_report(proc).startswith("Rebuilt")
    assert "Renamed Site" in fetch(origin + "/other/")[1]
    assert not (site / "public").exists()
    atomic_save(toml, text.replace("Fixture Site", "Renamed Again"))  # both back as they were
    assert next_report(proc).startswith("Rebuilt")
    assert "Renamed Again" in fetch(origin + "/sub/")[1]


def test_a_content_folder_replaced_whole_is_still_watched(served):
    site, origin, proc = served
    faq = site / "content/faq"
    moved = site / "faq-old"
    shutil.copytree(faq, moved)
    shutil.rmtree(faq)
    next_report(proc)
    os.replace(moved, faq)  # as a `git checkout` or a sync tool may do
    assert next_report(proc).startswith("Rebuilt")
    question = next(faq.glob("*.md"))
    atomic_save(question, question.read_text() + "\nAdded after the folder came back.\n")
    assert next_report(proc).startswith("Rebuilt")
    assert "Added after the folder came back." in fetch(origin + "/sub/faq/")[1]


def test_a_crashing_build_is_shown_and_the_next_save_retries(tmp_path):
    from sitegen import serve
    from sitegen.incremental import Report

    class Flaky:
        out = tmp_path
        calls = 0
        config = None  # no good build yet: no settings to follow

        def build(self):
            self.calls += 1
            if self.calls == 1:
                raise RuntimeError("boom")
            if self.calls == 2:
                raise OSError(28, "No space left on device", str(tmp_path / "x.html"))
            return Report(full=False, written=["index.html"])

        def settle(self):
            pass

    said: list[str] = []
    state = serve.State(tmp_path, "/")
    rebuild = serve.rebuilder(Flaky(), state, said.append)
    rebuild()
    assert "the build failed unexpectedly: RuntimeError: boom" in state.errors[0]
    rebuild()
    assert "could not write the site: No space left on device" in state.errors[0]
    rebuild()
    assert state.errors == [] and said[-1].startswith("Rebuilt")


# --- requests it cannot serve ------------------------------------------------------------------


def raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def get(port: int, target: str, host: str = "127.0.0.1", method: str = "GET") -> bytes:
    return raw(
        port, f"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    )


@pytest.mark.parametrize(
    "target",
    [
        "/sub/" + "a" * 300,
        "/sub/" + "a" * 5000 + "/",
        "/sub/%ff%fe%00",
        "/sub/%C0%AE%C0%AE/",
        "/sub/\x7f",
    ],
)
def test_odd_requests_get_a_clean_4xx(served, target):
    _, origin, _ = served
    port = int(origin.rsplit(":", 1)[1])
    reply = get(port, target)
    assert reply.split(b" ")[1] in (b"400", b"404", b"414"), reply[:200]


def test_head_on_the_reload_stream_returns_at_once(served):
    _, origin, _ = served
    port = int(origin.rsplit(":", 1)[1])
    reply = get(port, "/__sitegen/events", method="HEAD")  # returns: the server closes
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"\r\n\r\n")


@pytest.mark.parametrize("host", ["evil.example", "attacker.com:80", "127.0.0.1.nip.io"])
def test_a_foreign_host_header_is_forbidden(served, host):
    _, origin, _ = served
    port = int(origin.rsplit(":", 1)[1])
    assert get(port, "/sub/", host=host).startswith(b"HTTP/1.1 403")
    for good in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert get(port, "/sub/", host=good).startswith(b"HTTP/1.1 200")


def test_clients_that_disconnect_leave_no_trace(served):
    _, origin, proc = served
    port = int(origin.rsplit(":", 1)[1])
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.sendall(b"GET /sub/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        # closed with a reset before the answer is read
    assert get(port, "/sub/").startswith(b"HTTP/1.1 200")
    proc.terminate()
    rest = proc.stdout.read()
    assert "Traceback" not in rest and "BrokenPipe" not in rest and "Error" not in rest


def test_an_idle_connection_is_closed(tmp_path, monkeypatch):
    from sitegen import serve

    monkeypatch.setattr(serve, "IDLE_SECONDS", 1)
    server = serve.PreviewServer(("127.0.0.1", 0), serve.make_handler(serve.State(tmp_path, "/")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(server.server_address, timeout=30) as s:
            assert s.recv(1) == b""  # the server hung up on a client that said nothing
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_a_port_out_of_range_is_a_usage_error(tmp_path, port):
    site = make_site(tmp_path / "site")
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--root", str(site), "serve", "--port", port],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "is not a port number (0 to 65535)" in done.stderr and "Traceback" not in done.stderr


def test_the_preview_never_writes_into_a_folder_put_in_place_of_its_output(served):
    site, origin, proc = served
    out = site / "_site"
    # The first search index runs in the background after start-up; replacing the folder while
    # it runs is a race this test does not cover (see the closing note of issue 14).
    deadline = time.monotonic() + 60
    while not (out / "pagefind/pagefind-entry.json").is_file():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    shutil.rmtree(out)
    (out / "static").mkdir(parents=True)
    (out / "mine.txt").write_text("mine")
    (out / "static/search.js").write_text("own")
    page = site / "content/pages/about.md"
    atomic_save(page, page.read_text() + "\nOne more line.\n")
    report = next_report(proc)
    assert "problem(s)" in report
    status, body = fetch(origin + "/sub/")
    assert status == 500 and "refusing to replace a folder the generator did not create" in body
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "mine.txt",
        "static",
        "static/search.js",
    ]


# --- the dev server under attack -------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("srv")
    site = make_site(tmp / "site")
    (tmp / "secret.txt").write_text("TOP SECRET")
    (site / "secret.txt").write_text("TOP SECRET")
    proc, port = start_serve(site)
    yield port
    proc.terminate()
    proc.wait(timeout=10)


def raw_get(port: int, target: str) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/static/../../secret.txt",
        "/static/%2e%2e/%2e%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "/static/..%00/secret.txt",
        "/./../secret.txt",
    ],
)
def test_server_refuses_path_traversal(server, target):
    status, data = raw_get(server, target)
    assert b"TOP SECRET" not in data
    assert b"root:" not in data
    assert status in (301, 400, 404)


def test_server_binds_loopback_by_default():
    from sitegen.cli import _parser

    assert _parser().parse_args(["serve"]).host == "127.0.0.1"


def test_server_stays_up_under_200_concurrent_clients(server):
    results: list[int] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        try:
            status, _ = raw_get(server, ["/", "/faq/", "/static/style.css", "/nope/"][n % 4])
        except OSError:
            status = -1
        with lock:
            results.append(status)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 200
    assert results.count(-1) == 0
    assert set(results) <= {200, 404}
    assert raw_get(server, "/")[0] == 200  # still serving afterwards


# --- stopping while the search index is written ------------------------------------------------


def _index_work_left(out: Path) -> list[str]:
    """What a re-index leaves in the live output until it finishes: its records and the new
    index it writes beside the old one."""
    return sorted(p.name for p in out.iterdir() if p.name in ("search-records", ".pagefind-new"))


def _site_with_many_pages(folder: Path) -> Path:
    site = make_site(folder)
    for i in range(120):  # enough pages that the index takes a moment to write
        (site / f"content/articles/extra-{i}.md").write_text(
            f"---\ntitle: Extra {i}\nsummary: One of many.\ntopics: [alpha]\n"
            f"published: 2025-01-01\n---\nWords about trust, page {i}.\n"
        )
    return site


def _wait_for(out: Path, name: str, proc: subprocess.Popen) -> None:
    """Until the re-index is at the moment ``name`` shows. On a busy machine a whole index can
    come and go between two looks: then a save asks for another, until one is caught."""
    deadline = time.monotonic() + 60
    article = out.parent / "content/articles/extra-0.md"
    saves = 0
    while name not in _index_work_left(out):
        assert time.monotonic() < deadline, f"{name} never appeared ({saves} saves)"
        assert proc.poll() is None
        entry = out / "pagefind/pagefind-entry.json"
        if entry.is_file() and not _index_work_left(out):  # an index finished unseen
            saves += 1
            done = entry.stat().st_mtime_ns
            article.write_text(article.read_text() + f"\nOne more line, {saves}.\n")
            # until the save's re-index has begun (or, unseen again, has finished)
            while not _index_work_left(out) and time.monotonic() < deadline:
                assert proc.poll() is None
                with contextlib.suppress(FileNotFoundError):
                    if entry.stat().st_mtime_ns != done:
                        break


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("moment", ["queued", "records written", "index being written"])
def test_stopping_during_a_search_reindex_leaves_nothing_of_it(tmp_path, signum, moment):
    site = _site_with_many_pages(tmp_path / "site")
    out = site / "_site"
    proc, port = start_serve(site)  # the first index is asked for as the server starts
    try:
        if moment != "queued":
            _wait_for(
                out, "search-records" if moment == "records written" else ".pagefind-new", proc
            )
        proc.send_signal(signum)
        said, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert _index_work_left(out) == [], said
    _assert_nothing_outlives(site)


@pytest.mark.parametrize("moment", ["records written", "index being written"])
def test_a_folder_put_in_place_of_the_output_during_a_reindex_is_left_alone(tmp_path, moment):
    site = _site_with_many_pages(tmp_path / "site")
    out = site / "_site"
    proc, port = start_serve(site)  # the first index is asked for as the server starts
    try:
        _wait_for(out, "search-records" if moment == "records written" else ".pagefind-new", proc)
        os.rename(out, tmp_path / "aside")
        mine = {"search-records/user.txt": "mine", "pagefind/user.txt": "mine", "notes.txt": "mine"}
        for name, text in mine.items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_text(text)
        # the index finishes into the folder it started in, now beside the person's, or the
        # build that the new folder starts ends it; either way it cleans up after itself there
        deadline = time.monotonic() + 60
        while _index_work_left(tmp_path / "aside"):
            assert time.monotonic() < deadline, "the index never finished"
            assert proc.poll() is None
        proc.send_signal(signal.SIGINT)
        said, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    found = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert found == set(mine), said
    assert all((out / name).read_text() == "mine" for name in mine)
    assert _index_work_left(tmp_path / "aside") == []


@pytest.mark.parametrize("moment", ["records written", "index being written"])
def test_a_full_rebuild_during_a_reindex_ends_it_first(tmp_path, moment):
    # A full rebuild deletes the folder it replaces; an index still writing into that folder
    # made it fail ("the search index is incomplete: ... No such file or directory") and left
    # the old folder behind, half deleted, beside the project's files.
    site = _site_with_many_pages(tmp_path / "site")
    out = site / "_site"
    toml = site / "site.toml"
    text = toml.read_text()
    proc, port = start_serve(site)  # the first index is asked for as the server starts
    try:
        for n in range(3):
            _wait_for(
                out, "search-records" if moment == "records written" else ".pagefind-new", proc
            )
            atomic_save(toml, text.replace("Fixture Site", f"Renamed {n}"))  # a full rebuild
            assert next_report(proc).startswith("Rebuilt")
        proc.send_signal(signal.SIGINT)
        said, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert "search index" not in said, said
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".sitegen-tmp")) == []
    assert "Renamed 2" in (out / "index.html").read_text()


def test_search_keeps_working_through_a_full_rebuild(served):
    # A full rebuild writes a new output; it carries the last index over, so a search page
    # that reloads at once still finds its index (before, pagefind/ was missing until the
    # background index was written again).
    site, origin, proc = served
    entry = site / "_site/pagefind/pagefind-entry.json"
    deadline = time.monotonic() + 60
    while not entry.is_file() or _index_work_left(site / "_site"):
        assert time.monotonic() < deadline, "the first index never finished"
        assert proc.poll() is None
    toml = site / "site.toml"
    atomic_save(toml, toml.read_text().replace("Fixture Site", "Renamed Site"))
    assert next_report(proc).startswith("Rebuilt")
    assert fetch(origin + "/sub/pagefind/pagefind-entry.json")[0] == 200
    assert "Renamed Site" in fetch(origin + "/sub/")[1]


def test_a_build_ends_the_index_under_way_and_it_runs_again_after(tmp_path, monkeypatch):
    from sitegen import search, serve, write

    out = tmp_path / "_site"
    out.mkdir()
    (out / write.MARKER).write_text(write.MARKER_TEXT)
    started, ended, runs = threading.Event(), threading.Event(), []

    def index(folder, records, stop):  # an index that runs until it is told to stop
        runs.append(records)
        started.set()
        assert stop.wait(timeout=60)
        ended.set()
        raise BuildError([])

    monkeypatch.setattr(search, "index", index)
    said: list[str] = []
    indexer = serve.SearchIndexer(out, said.append)
    indexer.request([("first", "")])
    assert started.wait(timeout=60)
    indexer.pause()  # as a build does: returns once the index under way has ended
    assert ended.is_set() and not indexer.running
    started.clear()
    indexer.request([("second", "")])  # the build asks for a new one, while still paused
    assert not started.wait(timeout=0.2)  # none starts until the build is over
    indexer.resume()
    assert started.wait(timeout=60)
    assert runs == [[("first", "")], [("second", "")]]
    indexer.stop()
    assert said == []  # an index a build ended is no problem to report
