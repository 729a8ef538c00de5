"""Incremental rebuilds give the same bytes as a cold build, and redo only what changed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sitegen import pipeline
from sitegen.errors import BuildError
from sitegen.incremental import Builder

from .conftest import make_site, tree_digest
from .test_pipeline import build as cold_build


def touch_write(path: Path, text: str) -> None:
    path.write_text(text)
    later = time.time_ns() + 1_000_000  # mtime must move even on coarse file systems
    os.utime(path, ns=(later, later))


def assert_same_as_cold(site: Path, out: Path, tmp_path: Path) -> None:
    cold = cold_build(site, tmp_path / f"cold-{time.time_ns()}")
    assert tree_digest(out) == tree_digest(cold)


@pytest.fixture
def started(tmp_path):
    site = make_site(tmp_path / "site")
    builder = Builder(site, tmp_path / "out")
    assert builder.build().full
    return site, builder, tmp_path / "out"


def test_body_edit_rerenders_only_that_article(started, tmp_path):
    site, builder, out = started
    path = site / "content/articles/second-article.md"
    touch_write(path, path.read_text().replace("An article without sources.", "A changed body."))
    report = builder.build()
    assert not report.full
    assert report.written == ["articles/second-article/index.html"]
    assert "A changed body." in (out / "articles/second-article/index.html").read_text()
    assert_same_as_cold(site, out, tmp_path)


def test_title_edit_rerenders_every_page_that_lists_it(started, tmp_path):
    site, builder, out = started
    path = site / "content/articles/second-article.md"
    touch_write(
        path, path.read_text().replace("title: The second article", "title: A renamed article")
    )
    report = builder.build()
    assert {
        "articles/second-article/index.html",
        "topics/alpha/index.html",
        "index.html",
        "topics/index.html",
        "feed.xml",
        "articles/first-article/index.html",
    } <= set(report.written)
    assert "faq/index.html" not in report.written
    assert_same_as_cold(site, out, tmp_path)


def test_adding_and_removing_articles(started, tmp_path):
    site, builder, out = started
    new = site / "content/articles/brand-new.md"
    touch_write(
        new,
        "---\ntitle: Brand new\nsummary: New.\ntopics: [beta]\npublished: 2026-03-01\n---\n"
        "Links to [the first](first-article.md#section-two).\n",
    )
    builder.build()
    assert (out / "articles/brand-new/index.html").exists()
    assert_same_as_cold(site, out, tmp_path)
    new.unlink()
    report = builder.build()
    assert "articles/brand-new/index.html" in report.removed
    assert not (out / "articles/brand-new").exists()
    assert_same_as_cold(site, out, tmp_path)


def test_a_broken_edit_keeps_the_site_and_the_fix_recovers(started, tmp_path):
    site, builder, out = started
    before = tree_digest(out)
    path = site / "content/articles/second-article.md"
    good = path.read_text()
    touch_write(path, good.replace("title:", "titel:"))
    with pytest.raises(BuildError) as exc:
        builder.build()
    assert "unknown key 'titel'" in str(exc.value)
    assert tree_digest(out) == before
    other = site / "content/articles/first-article.md"
    touch_write(other, other.read_text().replace("Some text", "Other text"))  # edited meanwhile
    touch_write(path, good.replace("An article without sources.", "Fixed and edited."))
    builder.build()
    assert "Other text" in (out / "articles/first-article/index.html").read_text()
    assert_same_as_cold(site, out, tmp_path)


def test_a_new_folder_is_refused_like_a_cold_build_refuses_it(started, tmp_path):
    site, builder, out = started
    (site / "content/articles/drafts").mkdir()
    with pytest.raises(BuildError) as cold:
        pipeline.build(site, tmp_path / "cold", search_index=False)
    with pytest.raises(BuildError) as incremental:
        builder.build()
    assert "folders inside content/ are not supported" in str(cold.value)
    assert str(incremental.value) == str(cold.value)
    (site / "content/articles/drafts").rmdir()
    path = site / "content/articles/second-article.md"
    touch_write(path, path.read_text().replace("An article without sources.", "Edited."))
    builder.build()
    assert_same_as_cold(site, out, tmp_path)


def test_breaking_an_anchor_in_a_target_is_caught(started):
    site, builder, _ = started
    path = site / "content/articles/second-article.md"
    touch_write(path, path.read_text().replace("## Details", "## Renamed"))
    with pytest.raises(BuildError) as exc:
        builder.build()
    assert "content/articles/first-article.md" in str(exc.value)
    assert "no anchor #details" in str(exc.value)


def test_template_and_static_changes(started, tmp_path):
    site, builder, out = started
    tpl = site / "templates/page.html"
    touch_write(
        tpl,
        tpl.read_text().replace("<h1>{{ doc.title }}</h1>", '<h1 class="p">{{ doc.title }}</h1>'),
    )
    assert builder.build().full
    assert_same_as_cold(site, out, tmp_path)
    css = site / "static/style.css"
    touch_write(css, css.read_text() + "\n/* more */\n")
    report = builder.build()
    assert report.written == ["static/style.css"]
    assert_same_as_cold(site, out, tmp_path)
