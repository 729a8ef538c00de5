"""The parsed-document cache: a build with nothing changed converts no Markdown, and anything
that parsing depends on invalidates it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen import cache, content, pipeline
from sitegen.errors import BuildError

from .conftest import make_site, tree_digest

ARTICLE = "content/articles/first-article.md"


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the files parsed (not taken from the cache), in order. The fixture site is
    small enough to be parsed in this process, where the count can be kept."""
    seen: list[str] = []
    real = content.parse

    def counting(kind: str, slug: str, shown: str, raw: bytes, *rest) -> content.Document:
        seen.append(shown)
        return real(kind, slug, shown, raw, *rest)

    monkeypatch.setattr(content, "parse", counting)
    return seen


def build(site: Path, out: Path) -> dict[str, str]:
    pipeline.build(site, out, search_index=False)
    return tree_digest(out)


def test_a_second_build_parses_nothing_and_writes_the_same_site(tmp_path, parsed):
    site = make_site(tmp_path / "site")
    first = build(site, tmp_path / "one")
    assert len(parsed) == 7 and (site / cache.CACHE_DIR / cache.CACHE_FILE).is_file()
    assert (site / cache.CACHE_DIR / ".gitignore").read_text() == "*\n"
    parsed.clear()
    assert build(site, tmp_path / "two") == first
    assert parsed == []


def test_an_edited_file_alone_is_parsed_again(tmp_path, parsed):
    site = make_site(tmp_path / "site")
    build(site, tmp_path / "out")
    path = site / ARTICLE
    path.write_text(path.read_text() + "\nOne more sentence.\n")
    parsed.clear()
    build(site, tmp_path / "out")
    assert parsed == [ARTICLE]
    assert "One more sentence." in (tmp_path / "out/articles/first-article/index.html").read_text()


@pytest.mark.parametrize("change", ["template", "topics", "quotes", "code"])
def test_what_parsing_depends_on_invalidates_every_entry(tmp_path, parsed, monkeypatch, change):
    site = make_site(tmp_path / "site")
    build(site, tmp_path / "out")
    if change == "template":
        base = site / "templates/base.html"
        base.write_text(base.read_text() + "\n")
    elif change == "topics":
        toml = site / "site.toml"
        toml.write_text(
            toml.read_text().replace('id = "beta"', 'id = "gamma"').replace("beta]", "gamma]")
        )
        for path in (site / "content").rglob("*.md"):
            path.write_text(path.read_text().replace("beta", "gamma"))
    elif change == "quotes":  # the quotation marks parsing writes into titles and bodies
        toml = site / "site.toml"
        toml.write_text(toml.read_text().replace("[site]\n", '[site]\nquotes = "«»"\n', 1))
    else:
        monkeypatch.setattr(cache, "generator_hash", lambda: "other code")
    parsed.clear()
    build(site, tmp_path / "out")
    assert len(parsed) == 7


def test_a_damaged_or_missing_cache_is_an_empty_one(tmp_path, parsed):
    site = make_site(tmp_path / "site")
    expected = build(site, tmp_path / "one")
    (site / cache.CACHE_DIR / cache.CACHE_FILE).write_bytes(b"not a pickle")
    parsed.clear()
    assert build(site, tmp_path / "two") == expected
    assert len(parsed) == 7
    for path in (site / cache.CACHE_DIR).iterdir():
        path.unlink()
    (site / cache.CACHE_DIR).rmdir()
    parsed.clear()
    assert build(site, tmp_path / "three") == expected
    assert len(parsed) == 7


def test_a_build_that_fails_on_a_link_still_keeps_what_it_parsed(tmp_path, parsed):
    site = make_site(tmp_path / "site")
    path = site / ARTICLE
    good = path.read_text()
    path.write_text(good + "\n[broken](no-such-article.md)\n")
    with pytest.raises(BuildError):
        pipeline.build(site, tmp_path / "out", search_index=False)
    path.write_text(good)
    parsed.clear()
    build(site, tmp_path / "out")
    assert parsed == [ARTICLE]  # the six others came from the failed build's cache
