"""Incremental rebuilds give the same bytes as a cold build, and redo only what changed."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# --- random sequences of edits: the incremental output equals a cold build, byte for byte ----

TITLES = ["Alpha notes", "Beta notes", "A third view", "Zeta", "Main"]
EDITS = ["add", "body", "delete", "retitle", "retopic", "redate", "heading", "link", "faq",
         "template", "config", "draft"]  # fmt: skip


def _articles(site: Path) -> list[Path]:
    return sorted((site / "content/articles").glob("*.md"))


def _apply(site: Path, edit: str, n: int) -> None:
    """One editor's change to the fixture site, chosen by ``edit`` and varied by ``n``."""
    articles = _articles(site)
    path = articles[n % len(articles)]
    text = path.read_text()
    if edit == "add":
        slug = f"new-{n}"
        topics = ["[alpha]", "[beta]", "[alpha, beta]"][n % 3]
        touch_write(
            site / f"content/articles/{slug}.md",
            f"---\ntitle: {TITLES[n % len(TITLES)]}\nsummary: New {n}.\ntopics: {topics}\n"
            f"published: 2026-01-{10 + n % 15:02d}\n---\nText {n}.\n\n## Main\n\nMore.\n",
        )
    elif edit == "body":
        touch_write(path, text + f"\nAnother sentence, number {n}.\n")
    elif edit == "delete" and len(articles) > 1 and "first" not in path.name:
        path.unlink()
    elif edit == "retitle":
        touch_write(path, text.replace("title: ", f"title: {TITLES[n % len(TITLES)]} ", 1))
    elif edit == "retopic":
        new = ["[alpha]", "[beta]", "[beta, alpha]"][n % 3]
        touch_write(path, "\n".join(
            f"topics: {new}" if line.startswith("topics:") else line
            for line in text.split("\n")
        ))  # fmt: skip
    elif edit == "redate":
        touch_write(path, text.replace("published: 2026-01-", f"published: 2026-0{1 + n % 3}-", 1))
    elif edit == "heading":
        touch_write(path, text + f"\n## Details\n\n## Main\n\nHeading {n}.\n")
    elif edit == "link":
        target = articles[(n + 1) % len(articles)].name
        touch_write(path, text + f"\nSee [another]({target}#main-1) and [{n}]({target}).\n")
    elif edit == "faq":
        faq = site / "content/faq/question-one.md"
        touch_write(faq, faq.read_text() + f"\nMore answer {n}.\n")
    elif edit == "template":
        base = site / "templates/base.html"
        touch_write(base, base.read_text().replace("</footer>", f"<!-- {n} --></footer>", 1))
    elif edit == "config":
        toml = site / "site.toml"
        touch_write(toml, toml.read_text().replace('description = "A', f'description = "{n} A', 1))
    elif edit == "draft":
        touch_write(path, text.replace("---\n", "---\ndraft: true\n", 1) if "draft:" not in text
                    else text.replace("draft: true\n", ""))  # fmt: skip


def _cold(site: Path, out: Path) -> dict[str, str] | None:
    """A cold build's files, or None when the site has errors."""
    try:
        pipeline.build(site, out, search_index=False, use_cache=False)
    except BuildError:
        return None
    return tree_digest(out)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 50)), min_size=1, max_size=5))
def test_any_sequence_of_edits_gives_the_cold_build(steps):
    _edits_give_the_cold_build("valid", _apply, steps)


def _edits_give_the_cold_build(fixture: str, apply, steps) -> None:
    """After each of ``steps`` (edit, n), applied by ``apply``, the preview's output is the
    cold build's, byte for byte; or both fail, and the preview keeps its last good site."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        site = make_site(tmp / "site", fixture)
        out = tmp / "out"
        builder = Builder(site, out)
        builder.build()
        for number, (edit, n) in enumerate(steps):
            apply(site, edit, n)
            before = tree_digest(out)
            cold = _cold(site, tmp / f"cold-{number}")
            try:
                builder.build()
            except BuildError:
                assert cold is None, (edit, n)  # the cold build fails on the same input
                assert tree_digest(out) == before  # and the preview keeps the last good site
                continue
            assert cold is not None, (edit, n)
            assert tree_digest(out) == cold, (edit, n)


# The same for a site in two languages: edits to either language, translations added, removed
# or pointed at another original, and the catalog of the interface's words.
BILINGUAL_EDITS = ["body", "retitle", "retopic", "add", "delete", "link", "es-body", "es-retitle",
                   "es-date", "es-link", "translate", "untranslate", "retranslate", "catalog"]  # fmt: skip
SPANISH = "content/es/articles"


def _apply_bilingual(site: Path, edit: str, n: int) -> None:
    """One editor's change to the bilingual fixture site (see _apply for the English ones)."""
    spanish = sorted((site / SPANISH).glob("*.md"))
    path = spanish[n % len(spanish)] if spanish else None
    originals = ["articles/first-article.md", "articles/second-article.md",
                 "articles/third-article.md"]  # fmt: skip
    if not edit.startswith(("es-", "translate", "untranslate", "retranslate", "catalog")):
        _apply(site, edit, n)
    elif edit == "translate":
        touch_write(
            site / SPANISH / f"traduccion-{n}.md",
            f"---\ntitle: Traducción {n}\nsummary: Una traducción.\ntopics: [alpha]\n"
            f"published: 2026-01-{10 + n % 15:02d}\ntranslates: {originals[n % 3]}\n---\n"
            f"Texto {n}.\n\n## Principal\n\nMás.\n",
        )
    elif edit == "catalog":
        po = site / "locales/es/LC_MESSAGES/messages.po"
        touch_write(po, po.read_text().replace('msgstr "Inicio"', f'msgstr "Inicio {n}"', 1))
    elif path is None:
        return
    elif edit == "es-body":
        touch_write(path, path.read_text() + f"\nOtra frase, número {n}.\n")
    elif edit == "es-retitle":
        touch_write(path, path.read_text().replace("title: ", f"title: Nuevo {n} ", 1))
    elif edit == "es-date":
        text = path.read_text()
        touch_write(path, text.replace("published: 2026-01-", f"published: 2026-0{1 + n % 3}-", 1))
    elif edit == "es-link":
        touch_write(
            path, path.read_text() + "\nVer [el segundo](../../articles/second-article.md).\n"
        )
    elif edit == "untranslate":
        path.unlink()
    elif edit == "retranslate":
        text = path.read_text()
        touch_write(path, "\n".join(
            f"translates: {originals[n % 3]}" if line.startswith("translates:") else line
            for line in text.split("\n")
        ))  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(BILINGUAL_EDITS), st.integers(0, 50)), min_size=1, max_size=5
    )
)
def test_any_sequence_of_edits_to_a_site_in_two_languages_gives_the_cold_build(steps):
    _edits_give_the_cold_build("bilingual", _apply_bilingual, steps)


def test_an_edit_in_one_language_redraws_only_the_pages_that_read_it(tmp_path):
    site = make_site(tmp_path / "site", "bilingual")
    builder = Builder(site, tmp_path / "out")
    assert builder.build().full
    spanish = site / SPANISH / "primer-articulo.md"
    touch_write(spanish, spanish.read_text() + "\nUna frase más.\n")
    report = builder.build()
    assert not report.full
    assert report.written == ["es/articulos/primer-articulo/index.html"]
    assert_same_as_cold(site, tmp_path / "out", tmp_path)


@pytest.mark.parametrize("folder", ["articles", "articles/second-article", "static"])
def test_a_link_put_in_place_of_an_output_folder_is_never_written_through(
    started, tmp_path, folder
):
    site, builder, out = started
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "mine.txt").write_text("mine")
    shutil.rmtree(out / folder)
    (out / folder).symlink_to(elsewhere, target_is_directory=True)
    path = site / "content/articles/second-article.md"
    touch_write(path, path.read_text().replace("An article without sources.", "A changed body."))
    touch_write(site / "static/style.css", (site / "static/style.css").read_text() + "\n")
    builder.build()  # rebuilt whole: the link goes with the old site, what it leads to stays
    assert sorted(p.name for p in elsewhere.iterdir()) == ["mine.txt"]
    assert not (out / folder).is_symlink()
    assert_same_as_cold(site, out, tmp_path)


def test_settle_keeps_the_kept_build_out_of_the_collector_and_frees_the_old_one(started):
    import gc
    import weakref

    site, builder, out = started
    try:
        builder.settle()
        assert gc.get_freeze_count() > 0  # the kept build: not walked by the next collections
        old = weakref.ref(builder.state.loaded.site)
        article = site / "content/articles/second-article.md"
        touch_write(article, article.read_text() + "\nOne more line.\n")
        assert not builder.build().full
        builder.settle()
        assert old() is None  # the build it replaced is freed, not kept frozen
    finally:
        gc.unfreeze()


def test_settle_does_nothing_where_python_has_no_gc_freeze(started, monkeypatch):
    import gc

    monkeypatch.delattr(gc, "freeze")
    _, builder, _ = started
    builder.settle()
    assert gc.get_freeze_count() == 0


def test_a_static_file_removed_or_turned_into_a_folder_gives_the_cold_build(started, tmp_path):
    site, builder, out = started
    (site / "static/handout.txt").write_text("A handout.\n")
    article = site / "content/articles/second-article.md"
    touch_write(article, article.read_text() + "\n[The handout](/static/handout.txt).\n")
    builder.build()
    assert_same_as_cold(site, out, tmp_path)
    (site / "static/handout.txt").unlink()  # the link now leads nowhere: an error, as cold
    before = tree_digest(out)
    with pytest.raises(BuildError, match="no such file in static/"):
        builder.build()
    assert tree_digest(out) == before
    (site / "static/handout.txt").mkdir()  # a folder where the file was
    (site / "static/handout.txt/inside.txt").write_text("Inside.\n")
    touch_write(article, article.read_text().replace("[The handout](/static/handout.txt).", ""))
    builder.build()
    assert_same_as_cold(site, out, tmp_path)


def test_a_content_link_pointed_at_another_file_is_read_anew(started, tmp_path):
    site, builder, out = started
    (site / "shared").mkdir()
    for n in ("one", "two"):
        (site / f"shared/{n}.md").write_text(
            f"---\ntitle: Version {n}\nsummary: S.\ntopics: [alpha]\npublished: 2026-01-0{len(n)}\n"
            f"---\nText of version {n}, which is {'short' if n == 'one' else 'a little longer'}.\n"
        )
    link = site / "content/articles/shared.md"
    link.symlink_to("../../shared/one.md")
    builder.build()
    assert_same_as_cold(site, out, tmp_path)
    link.unlink()
    link.symlink_to("../../shared/two.md")
    builder.build()
    assert "Version two" in (out / "articles/shared/index.html").read_text()
    assert_same_as_cold(site, out, tmp_path)
