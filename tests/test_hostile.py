"""Hostile input: cross-site scripting payloads everywhere, a dev server under attack, builds
killed at random moments, and generated input that must never cause a traceback."""

from __future__ import annotations

import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import content, markup
from sitegen.config import load_config
from sitegen.errors import BuildError

from .conftest import FIXTURES, REPO, make_site, start_serve, tree_digest

PAYLOADS = (FIXTURES / "xss" / "payloads.txt").read_text().split("\n")
OWN_SCRIPTS = re.compile(
    r'<script type="application/ld\+json">.*?</script>'
    r'|<script type="module" src="/static/search\.js"></script>'
    r'|<form id="search-form" .*?</form>',
    re.S,
)  # the templates' own, not content's


def xss_site(tmp_path: Path) -> Path:
    """The fixture site with payloads in every field an editor or contributor controls."""
    body = "\n\n".join(PAYLOADS)
    one_line = " ".join(p for p in PAYLOADS if p and not p.startswith("{:"))[:2000]
    yaml_text = yaml.safe_dump(
        {"title": "T " + one_line[:300], "summary": one_line[:300]}, width=10_000
    )
    site = make_site(
        tmp_path / "site",
        files={
            "content/articles/xss.md": "---\n"
            + yaml_text
            + "topics: [alpha]\npublished: 2026-01-01\n---\n"
            + body,
            "content/faq/xss-faq.md": "---\n"
            + yaml.safe_dump({"question": one_line[:200]}, width=10_000)
            + "topics: [alpha]\n---\n"
            + body,
        },
    )
    toml = (site / "site.toml").read_text()
    toml_payload = one_line[:400].replace("\\", "\\\\").replace('"', '\\"')
    toml = toml.replace('title = "Alpha topic"', f'title = "Alpha {toml_payload}"')
    toml = toml.replace(
        'text = "Fixture disclaimer: general information, not medical advice."',
        f'text = "Fixture disclaimer: general information, not medical advice. {toml_payload}"',
    )
    (site / "site.toml").write_text(toml)
    return site


class Audit(HTMLParser):
    BANNED_TAGS = {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "form",
        "base",
        "svg",
        "math",
        "input",
        "button",
        "video",
        "source",
        "link",
        "meta",
    }
    BAD_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.I)

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        if self.in_body and tag in self.BANNED_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if (
                name in ("href", "src", "action", "background", "srcdoc")
                and value
                and self.BAD_URL.match(value)
            ):
                self.problems.append(f"{tag} {name}={value[:30]}")
            if name == "style":
                self.problems.append(f"{tag} style=")


def test_no_payload_reaches_the_output_unescaped(tmp_path, run):
    site = xss_site(tmp_path)
    out = tmp_path / "out"
    result = run(site, "build", "--out", str(out), "--no-search")
    assert result.code == 0, result.err
    for page in sorted(out.rglob("*.html")):
        text = OWN_SCRIPTS.sub("", page.read_text())
        audit = Audit()
        audit.feed(text)
        assert audit.problems == [], (page, audit.problems[:5])
        assert "<script" not in text.lower(), page
    for xml in ("feed.xml", "sitemap.xml"):
        assert "<script" not in (out / xml).read_text()


def test_json_ld_cannot_be_broken_out_of(tmp_path, run):
    site = xss_site(tmp_path)
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    page = (out / "articles/xss/index.html").read_text()
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S):
        assert "<" not in block


@pytest.mark.browser
def test_no_payload_executes_in_chromium(tmp_path, run, browser):
    from .crawl import serve_under

    site = xss_site(tmp_path)
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out)).code == 0
    dialogs: list[str] = []
    errors: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    with serve_under(out, tmp_path, "/") as start:
        for html in sorted(out.rglob("*.html")):
            page.goto(start + html.relative_to(out).as_posix().removesuffix("index.html"))
            page.mouse.move(200, 300)
            page.keyboard.press("Tab")
        page.goto(start + "search/?q=alert")
        page.wait_for_timeout(1500)
    assert dialogs == [] and errors == []
    page.close()


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


# --- interruption ------------------------------------------------------------------------------


def big_site(tmp_path: Path, n: int = 150) -> Path:
    body = "\n\n".join(
        f"## Part {i}\n\nSome words about part {i}, said plainly." for i in range(30)
    )
    files = {
        f"content/articles/filler-{i}.md": f"---\ntitle: Filler {i}\nsummary: S.\ntopics: [beta]\n"
        "published: 2026-01-01\n---\n" + body
        for i in range(n)
    }
    return make_site(tmp_path / "site", files=files)


def wait_until_started(proc: subprocess.Popen) -> None:
    """Wait until the build program runs: build.py catches SIGTERM from its first lines, which
    shows in the process's caught-signals mask. Before that the interpreter is still starting
    (site-packages, .pth files), and what a signal does there is Python's, not the program's."""
    bit = 1 << (signal.SIGTERM - 1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        status = Path(f"/proc/{proc.pid}/status").read_text()
        if int(re.search(r"^SigCgt:\s*([0-9a-f]+)", status, re.M).group(1), 16) & bit:
            return
        time.sleep(0.001)
    raise AssertionError("the build never started handling signals")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_killed_build_leaves_the_previous_site_and_no_temporary_folders(tmp_path, sig):
    site = big_site(tmp_path)
    out = tmp_path / "out"
    cmd = [sys.executable, str(REPO / "build.py"), "--root", str(site), "build", "--out", str(out)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    article = site / "content/articles/filler-0.md"
    original = article.read_text()
    started = time.perf_counter()
    article.write_text(original.replace("Filler 0", "Changed timing"))
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    duration = time.perf_counter() - started
    rng = random.Random(int(sig))
    untouched = 0
    for k in range(8):
        before = tree_digest(out)
        article.write_text(original.replace("Filler 0", f"Changed {k}"))
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_until_started(proc)
        time.sleep(rng.uniform(0, duration * 0.9))
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".sitegen-tmp")] == []
        if tree_digest(out) == before:
            untouched += 1
        else:  # the signal came after the swap: then the new site is there, whole
            assert f"Changed {k}" in (out / "articles/filler-0/index.html").read_text()
            assert (out / "pagefind/pagefind.js").is_file()
    assert untouched >= 1  # at least one signal landed mid-build


# --- generated input ---------------------------------------------------------------------------

CONFIG = None


def config():
    global CONFIG
    if CONFIG is None:
        CONFIG = load_config(FIXTURES / "valid")
    return CONFIG


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.dates().map(str),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
keys = st.sampled_from(
    [
        "title",
        "summary",
        "topics",
        "published",
        "updated",
        "reviewed",
        "reviewer",
        "sources",
        "draft",
        "question",
        "tittle",
        "x",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    meta=st.dictionaries(keys, values, max_size=8),
    body=st.text(max_size=300),
    kind=st.sampled_from(["article", "faq", "page"]),
)
def test_generated_front_matter_gives_a_page_or_a_clear_error(meta, body, kind):
    raw = ("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body).encode()
    try:
        doc = content.parse(kind, "generated", "content/x/generated.md", raw, config())
    except BuildError as exc:
        assert exc.errors and all(e.path == "content/x/generated.md" for e in exc.errors)
        assert all(e.message for e in exc.errors)
    else:
        assert doc.title


@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=400))
def test_arbitrary_bytes_never_cause_a_traceback(raw):
    try:
        content.parse("article", "b", "content/articles/b.md", raw, config())
    except BuildError as exc:
        assert exc.errors[0].path == "content/articles/b.md"


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(list("<>[]()!*_#|`:{}=\"' \nabjsvrcipt@&;-.\\/1")), max_size=200
    )
)
def test_generated_markdown_renders_safely(text):
    rendered = markup.convert(text, 1, ("a",), "")
    lowered = rendered.html.lower()
    assert (
        "<script" not in lowered
        and "javascript:" not in lowered
        and " on" not in re.sub(r">[^<]*<", "><", lowered)
    )
