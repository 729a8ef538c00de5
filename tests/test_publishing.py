"""What search engines, feed readers and validators see: HTML validity, feed, sitemap, JSON-LD."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sitegen import pipeline

from .conftest import FIXTURES, REPO, make_site

VNU = REPO / "node_modules/vnu-jar/build/dist/vnu.jar"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def built(built_site) -> Path:
    return built_site


def json_ld(page: Path) -> list[dict]:
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', page.read_text(), re.S
    )
    return [json.loads(b) for b in blocks]


def test_every_page_passes_the_nu_html_checker(built):
    if not VNU.exists() or not shutil.which("java"):
        message = "Nu HTML Checker not installed (npm install vnu-jar; needs java)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    proc = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "gnu",
            "--skip-non-html",
            str(built),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout


def test_feed_is_atom_with_the_newest_articles(built, site_source):
    root = ET.parse(built / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    assert (
        root.find(f"{ATOM}link[@rel='self']").get("href")
        == "https://example.github.io/somerepo/feed.xml"
    )
    entries = root.findall(f"{ATOM}entry")
    articles = [p.read_text() for p in (site_source / "content/articles").glob("*.md")]
    published = [a for a in articles if "\ndraft: true" not in a]
    assert len(entries) == min(len(published), 20)
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(ids) == len(set(ids))
    for entry in entries:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", entry.find(f"{ATOM}updated").text)
        assert (
            entry.find(f"{ATOM}link")
            .get("href")
            .startswith("https://example.github.io/somerepo/articles/")
        )
        assert entry.find(f"{ATOM}summary").text
    published = [e.find(f"{ATOM}published").text for e in entries]
    assert published == sorted(published, reverse=True)


def test_full_text_feed_has_absolute_links(tmp_path):
    site = make_site(tmp_path / "site")
    toml = (
        (site / "site.toml")
        .read_text()
        .replace('language = "en"', 'language = "en"\nfeed_content = "full"')
    )
    (site / "site.toml").write_text(toml)
    _, out = pipeline.build(
        site, tmp_path / "out", base_url="https://example.github.io/repo/", search_index=False
    )
    feed = (out / "feed.xml").read_text()
    content = ET.fromstring(feed).find(f"{ATOM}entry/{ATOM}content")
    assert content.get("type") == "html"
    assert 'href="https://example.github.io/repo/articles/second-article/"' in content.text


def test_sitemap_lists_every_public_page_with_lastmod(built):
    """Every page but the search pages is in a sitemap (one per language) that robots.txt names."""
    robots = (built / "robots.txt").read_text()
    assert "Sitemap: https://example.github.io/somerepo/sitemap.xml" in robots
    locs = {}
    for sitemap in re.findall(r"^Sitemap: https://example.github.io/somerepo/(\S+)$", robots, re.M):
        root = ET.parse(built / sitemap).getroot()
        locs.update({u.find(f"{SITEMAP}loc").text: u.find(f"{SITEMAP}lastmod") for u in root})
    searches = {
        "search/",
        *(
            f"{p.parent.parent.name}/{p.parent.name}/"
            for p in built.glob("*/*/index.html")
            if "data-results-other=" in p.read_text()
        ),
    }
    pages = {
        "https://example.github.io/somerepo/"
        + p.relative_to(built).as_posix().removesuffix("index.html")
        for p in built.rglob("index.html")
        if p.relative_to(built).as_posix().removesuffix("index.html") not in searches
    }
    assert set(locs) == pages
    for loc, lastmod in locs.items():  # every URL, listing pages included
        assert lastmod is not None and re.fullmatch(r"\d{4}-\d\d-\d\d", lastmod.text), loc


def test_json_ld_matches_the_page(built, site_source):
    home = json_ld(built / "index.html")
    assert home[0]["@type"] == "WebSite" and home[0]["url"] == "https://example.github.io/somerepo/"
    for page in (built / "articles").glob("*/index.html"):
        blocks = {b["@type"]: b for b in json_ld(page)}
        article = blocks["MedicalWebPage"]
        title = re.search(r"<h1>(.*?)</h1>", page.read_text()).group(1)
        assert article["headline"] == title.replace("&#39;", "'").replace("&amp;", "&")
        for key in ("datePublished", "dateModified"):
            assert article[key], (page, key)
        if "lastReviewed" in article:
            assert article["reviewedBy"], page
        assert len(article.get("citation", [])) == page.read_text().count('<li id="ref-')
        crumbs = blocks["BreadcrumbList"]["itemListElement"]
        assert [c["position"] for c in crumbs] == list(range(1, len(crumbs) + 1))
    faq = {b["@type"]: b for b in json_ld(built / "faq/index.html")}["FAQPage"]
    assert len(faq["mainEntity"]) == len(list((site_source / "content/faq").glob("*.md")))
    for q in faq["mainEntity"]:
        assert q["@type"] == "Question" and q["acceptedAnswer"]["text"]


def test_every_page_has_open_graph_and_twitter_tags(built):
    for page in built.rglob("*.html"):
        text = page.read_text()
        for prop in ("og:title", "og:description", "og:url", "og:type", "og:site_name"):
            assert f'property="{prop}"' in text, (page, prop)
        assert 'name="twitter:card"' in text


def test_nojekyll_and_cname(tmp_path):
    site = make_site(tmp_path / "site")
    (site / "site.toml").write_text(
        (site / "site.toml")
        .read_text()
        .replace('language = "en"', 'language = "en"\ncname = "crying.example.org"')
    )
    out = tmp_path / "out"
    pipeline.build(site, out, search_index=False)
    assert (out / ".nojekyll").exists()
    assert (out / "CNAME").read_text() == "crying.example.org\n"


def test_404_page_works_at_any_depth(built):
    text = (built / "404.html").read_text()
    assert 'href="/somerepo/static/style.css"' in text
    assert not re.search(r'(?:href|src)="(?!/somerepo/|https?:|#|tel:)', text)


def test_every_article_with_what_it_loads_fits_in_14_kb_gzipped(built):
    """One network round trip: the page and every stylesheet and script it loads."""
    import gzip

    for page in sorted((built / "articles").glob("*/index.html")):
        text = page.read_text()
        assets = re.findall(r'<link rel="stylesheet" href="/somerepo/([^"]+)"', text)
        assets += re.findall(r'<script[^>]* src="/somerepo/([^"]+)"', text)
        total = len(gzip.compress(page.read_bytes(), 9))
        total += sum(len(gzip.compress((built / a).read_bytes(), 9)) for a in assets)
        assert total <= 14 * 1024, (page, total)
        assert "<img" not in text or 'loading="lazy"' in text


def test_every_page_has_one_h1_and_no_skipped_heading_level(built):
    """A screen reader's list of headings must read as an outline: one h1, and no level
    skipped on the way down (an h2 after an h4 is fine; an h4 straight after an h2 is not)."""
    for page in sorted(built.rglob("*.html")):
        levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", page.read_text())]
        if not levels:
            continue
        assert levels.count(1) == 1 and levels[0] == 1, (page, levels)
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, (page, levels)


def test_faq_answers_in_structured_data_are_clean(built):
    faq = {b["@type"]: b for b in json_ld(built / "faq/index.html")}["FAQPage"]
    for question in faq["mainEntity"]:
        text = question["acceptedAnswer"]["text"]
        assert not re.search(r"\[\d+\]", text), text  # no citation markers
        for href in re.findall(r'href="([^"]*)"', text):
            assert href.startswith("https://"), href  # links that work outside the page


def test_suggest_a_change_and_report_a_problem_links(tmp_path):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    pipeline.build(site, out, search_index=False, repo=("https://github.com/u/fork/", "edits"))
    article = (out / "articles/first-article/index.html").read_text()
    assert (
        'href="https://github.com/u/fork/edit/edits/content/articles/first-article.md"'
        '>Suggest a change<span class="visually-hidden"> to' in article
    )
    assert 'href="https://github.com/u/fork/issues/new?title=Problem%20on%3A%20' in article
    faq = (out / "faq/index.html").read_text()
    assert "/edit/edits/content/faq/question-one.md" in faq
    # one pair of links per answer on the FAQ page, each named for its question
    names = re.findall(r">(Suggest a change[^<]*<span[^>]*>[^<]*)</span></a>", faq)
    assert len(names) > 1 and len(set(names)) == len(names)
    pipeline.build(site, tmp_path / "plain", search_index=False)  # no repo_url: no links
    assert (
        "Suggest a change" not in (tmp_path / "plain/articles/first-article/index.html").read_text()
    )


def test_every_content_page_says_how_it_was_checked(built):
    """The review line: when reviewed, when due, and how (with words apart, not run together)."""
    pages = [*(built / "articles").glob("*/index.html"), built / "faq/index.html"]
    for page in pages:
        text = page.read_text()
        assert re.search(r"</time>\.\s+(Drafted|Not reviewed)", text) or "Not yet checked" in text
        assert "not yet reviewed by a clinician" in text or "Not reviewed by a clinician" in text
        assert not re.search(
            r"\.[A-Z]", re.sub(r"<[^>]+>", " ", text).split("Last reviewed")[-1][:300]
        )


def test_report_a_problem_gives_the_issue_the_title_itself_not_its_escapes(tmp_path):
    page = (FIXTURES / "valid/content/articles/first-article.md").read_text()
    title = 'He said "hi" & <b>x</b>'
    site = make_site(
        tmp_path / "site",
        files={
            "content/articles/first-article.md": page.replace(
                "title: The first article", f"title: '{title}'", 1
            )
        },
    )
    out = tmp_path / "out"
    pipeline.build(site, out, search_index=False, repo=("https://github.com/u/fork/", "edits"))
    article = (out / "articles/first-article/index.html").read_text()
    href = html.unescape(re.search(r'href="([^"]*/issues/new\?[^"]*)"', article).group(1))
    query = parse_qs(urlsplit(href).query)
    assert query["title"] == ["Problem on: He said “hi” & <b>x</b>"], query
    assert query["body"][0].startswith("Page: https://"), query
