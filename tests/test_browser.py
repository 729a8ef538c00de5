"""The built site in a real browser: accessibility, layout, keyboard, search, privacy, no-JS.
(``origin``: the built site served under a sub-path, from conftest.py.)"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import SUB_PATH

pytestmark = pytest.mark.browser
PREFIX = SUB_PATH
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def an_article(origin) -> str:
    return next(p for p in origin[1] if p.startswith("articles/"))


def page_urls(origin) -> list[str]:
    start, paths = origin
    return [start + p for p in paths]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_on_any_page(browser, origin, scheme):
    axe = Axe()
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    problems = []
    for url in page_urls(origin):
        page.goto(url)
        results = axe.run(
            page,
            options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]},
        )
        for v in results.response["violations"]:
            targets = [n["target"] for n in v["nodes"]][:3]
            problems.append(f"{url}: {v['id']} {v['help']} {targets}")
    context.close()
    assert problems == []


def test_no_horizontal_scroll_at_320px(browser, origin):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    wide = []
    for url in page_urls(origin):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide.append((url, width))
    context.close()
    assert wide == []


def test_skip_link_is_the_first_thing_the_keyboard_reaches(browser, origin):
    page = browser.new_page()
    for path in ("", an_article(origin), "faq/"):
        page.goto(origin[0] + path)
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "[document.activeElement.className, document.activeElement.getAttribute('href')]"
        )
        assert focused == ["skip-link", "#main"], path
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
    page.close()


def test_no_request_leaves_the_origin_and_no_cookies(browser, origin):
    start = origin[0]
    host = urlsplit(start).netloc
    context = browser.new_context()
    page = context.new_page()
    foreign: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if urlsplit(r.url).netloc != host else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for url in page_urls(origin) + [start + "search/?q=tears"]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert foreign == []
    assert errors == []
    assert context.cookies() == []
    context.close()


def test_search_returns_results(browser, origin):
    page = browser.new_page()
    page.goto(origin[0] + an_article(origin))
    title = page.inner_text("main h1")
    word = max(title.split(), key=len).strip(".,:;?!")  # a word the index must hold
    page.goto(origin[0] + "search/")
    page.fill("#search-input", word)
    page.wait_for_selector("#search-results li a", timeout=10000)
    links = page.eval_on_selector_all(
        "#search-results li a", "els => els.map(e => e.getAttribute('href'))"
    )
    assert links and all(link.startswith(PREFIX) for link in links)
    assert "result" in page.inner_text("#search-status")
    page.close()


def search_results(browser, origin, query: str, search: str = "search/") -> list[str]:
    """The addresses the search page (at ``search``) lists for ``query``, best first."""
    page = browser.new_page()
    page.goto(origin[0] + search + "?q=" + query.replace(" ", "+"))
    page.wait_for_selector("#search-results li a", timeout=10000)
    links = page.eval_on_selector_all(
        "#search-results li a", "els => els.map(e => e.getAttribute('href'))"
    )
    page.close()
    return [link.removeprefix(PREFIX) for link in links]


# Reader queries and the page each must find first (for the fixture site; site_checks/ has the
# real site's list).
QUERIES = {
    "first question": "faq/#question-one",
    "sources": "articles/second-article/",
}


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_search_finds_the_answer_first(browser, origin, query):
    assert search_results(browser, origin, query)[0] == QUERIES[query]


def test_search_indexes_content_pages_only(browser, origin):
    """Listing pages (home, topics) would crowd the results: only articles, FAQ answers and
    pages are indexed. "article" is on every listing page of the fixture site."""
    links = search_results(browser, origin, "article")
    assert links
    for link in links:
        assert link.startswith(("articles/", "faq/#")) or link.count("/") == 1, link
        assert not link.startswith(("topics/", "search/")) and link not in ("", "topics/"), link


def test_without_javascript_search_points_to_the_topic_index(browser, origin):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(origin[0] + "search/")
    assert not page.is_visible("#search-form")
    assert page.is_visible(f"#search-fallback a[href='{PREFIX}topics/']")
    page.goto(origin[0] + an_article(origin))
    assert page.is_visible("main h1") and page.is_visible(".prose")
    context.close()


def test_get_help_is_visible_in_the_header_on_a_phone(browser, origin):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(origin[0] + an_article(origin))
    box = page.locator(".site-header .help-link").bounding_box()
    assert box is not None and box["y"] < 640 and box["x"] + box["width"] <= 320
    context.close()


def test_axe_harness_reports_a_real_violation(browser):
    """Guards the checks above against passing vacuously."""
    page = browser.new_page()
    page.set_content(
        '<html><body><main><img src="data:,"><p style="color:#eee">faint</p></main></body></html>'
    )
    ids = {
        v["id"]
        for v in Axe()
        .run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
        .response["violations"]
    }
    assert {"image-alt", "html-has-lang", "color-contrast"} <= ids
    page.close()
