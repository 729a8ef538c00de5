"""The real site in content/, built into a temporary folder (content/ and _site/ are not touched):
checks of what the editors wrote, run by .ci/run apart from the generator's tests."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from sitegen import pipeline
from tests.conftest import REPO
from tests.crawl import crawl, serve_under

CONFIG = tomllib.loads((REPO / "site.toml").read_text())


@pytest.fixture
def built(built_site) -> Path:
    return built_site


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


LANGUAGES = {lang["code"]: lang for lang in CONFIG.get("languages", [])}


def language_of(out: Path, page: Path) -> str:
    first = page.relative_to(out).parts[0]
    return first if first in LANGUAGES else CONFIG["site"]["language"]


def test_every_page_carries_its_languages_disclaimer_and_help_lines(built):
    assert len(pages(built)) > 20
    for page in pages(built):
        if page.relative_to(built).parts[0] == "pagefind":
            continue
        settings = LANGUAGES.get(language_of(built, page), CONFIG)
        text = page.read_text()
        disclaimer = settings["disclaimer"]
        disclaimer = disclaimer["text"] if isinstance(disclaimer, dict) else disclaimer
        assert disclaimer in text, page
        for line in settings["help"]:
            assert line["name"].replace("&", "&amp;") in text, (page, line["name"])
            if "contact" in line:
                assert line["contact"] in text, (page, line["contact"])
        mine = {line["region"] for line in settings["help"]}
        for other in (CONFIG, *LANGUAGES.values()):  # no other language's lines
            for line in other["help"]:
                if line["region"] not in mine:
                    assert f"<strong>{line['region']}:</strong>" not in text, (page, line)


def test_every_page_pairs_with_its_translations_and_switcher(built):
    from tests.test_i18n import check_languages_and_alternates

    seen = check_languages_and_alternates(
        built, "https://example.github.io/somerepo/", set(LANGUAGES)
    )
    assert seen == len(
        [p for p in pages(built) if p.name != "404.html" and "pagefind" not in p.parts]
    )


def test_every_translated_page_has_its_dates_in_its_language(built):
    for code in LANGUAGES:
        for page in (built / code).rglob("index.html"):
            text = page.read_text()
            for shown in re.findall(r"<time[^>]*>([^<]*)</time>", text):
                assert re.fullmatch(r"\d{1,2} de \w+ de \d{4}", shown), (page, shown)


def test_every_topic_has_a_page_listing_its_articles(built):
    articles = {p.stem: p.read_text() for p in (REPO / "content/articles").glob("*.md")}
    for topic in CONFIG["topics"]:
        page = (built / "topics" / topic["id"] / "index.html").read_text()
        tagged = [
            slug
            for slug, text in articles.items()
            if re.search(rf"^topics:.*\b{topic['id']}\b", text, re.M)
        ]
        assert tagged, topic["id"]
        for slug in tagged:
            assert f'href="/somerepo/articles/{slug}/"' in page, (topic["id"], slug)


def test_faq_page_holds_every_faq_entry(built):
    faq = (built / "faq/index.html").read_text()
    for entry in (REPO / "content/faq").glob("*.md"):
        assert f'id="{entry.stem}"' in faq, entry.name


def test_crawl_under_a_sub_path_finds_no_broken_link_anchor_or_asset(built, tmp_path):
    with serve_under(built, tmp_path, "/somerepo/") as start:
        seen, problems = crawl(start)
    assert problems == []
    assert len(seen) >= len(pages(built))


def test_crawl_at_a_domain_root_finds_no_broken_link(tmp_path):
    out = tmp_path / "root-site"
    pipeline.build(REPO, out, base_url="https://crying.example.org/", use_cache=False)
    with serve_under(out, tmp_path, "/") as start:
        seen, problems = crawl(start)
    assert problems == []
    assert len(seen) >= len(pages(out))
