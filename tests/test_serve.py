"""``build.py serve`` as an editor uses it: a real process, a real browser, real file edits."""

from __future__ import annotations

import os
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import make_site, start_serve


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
    proc.wait(timeout=10)


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
