import shutil
from datetime import date

import pytest

from sitegen.scaffold import slugify

from .conftest import make_site


def test_slugify_makes_safe_file_names():
    assert slugify("Crying, tears & 'you': a first look") == "crying-tears-you-a-first-look"
    assert slugify("Pourquoi pleurer ? Café") == "pourquoi-pleurer-cafe"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("!!!") == ""
    assert slugify("Straße der Tränen") == "strasse-der-tranen"
    assert slugify("Łódź i Gdańsk") == "lodz-i-gdansk"
    assert slugify("x" * 200) == "x" * 80


def test_new_writes_a_skeleton_that_builds_as_a_draft_and_check_flags(tmp_path, run):
    site = make_site(tmp_path / "site")
    result = run(site, "new", "article", "When tears surprise you", "--topic", "beta")
    assert result.code == 0
    assert result.out.splitlines()[0] == "content/articles/when-tears-surprise-you.md"
    text = (site / "content/articles/when-tears-surprise-you.md").read_text()
    assert f"published: {date.today().isoformat()}" in text and "topics: [beta]" in text
    # While it is a draft, its TODOs are warnings (a deploy runs plain check, and a draft
    # publishes nothing); the pull request's strict check and publishing make them errors.
    check = run(site, "check")
    assert check.code == 0
    assert (
        "warning: content/articles/when-tears-surprise-you.md:3: the summary is still a "
        "placeholder (in a draft)" in check.out
    )
    assert "source 1 is still a placeholder (in a draft)" in check.out
    # A page nobody has checked must not say it was checked.
    assert "reviewed:" not in text and "reviewer:" not in text
    assert (
        "content/articles/when-tears-surprise-you.md:15: the text still holds the placeholder "
        "text 'new' wrote (in a draft)" in check.out
    )
    strict = run(site, "check", "--strict")
    assert strict.code == 1 and "the summary is still a placeholder (in a draft)" in strict.err
    article = site / "content/articles/when-tears-surprise-you.md"
    article.write_text(text.replace("draft: true\n", ""))
    published = run(site, "check")
    assert published.code == 1
    assert (
        "content/articles/when-tears-surprise-you.md:3: the summary is still a placeholder\n"
        in published.err
    )
    article.write_text(text)
    assert run(site, "build", "--out", str(tmp_path / "out"), "--drafts", "--no-search").code == 0
    assert (tmp_path / "out/articles/when-tears-surprise-you/index.html").exists()


def test_new_refuses_to_overwrite(tmp_path, run):
    site = make_site(tmp_path / "site")
    target = site / "content/articles/the-first-article.md"
    target.write_text("mine")
    result = run(site, "new", "article", "The first article", "--topic", "alpha")
    assert result.code == 1
    assert "content/articles/the-first-article.md: already exists" in result.err
    assert target.read_text() == "mine"


@pytest.mark.parametrize("blocking", ["content/es", "content/es/articles"])
def test_new_names_a_file_that_stands_where_its_folder_should_be(tmp_path, run, blocking):
    site = make_site(tmp_path / "site", "bilingual")
    shutil.rmtree(site / blocking)
    (site / blocking).write_text("mine")
    result = run(site, "new", "article", "Hola", "--topic", "alpha", "--lang", "es")
    assert result.code == 1 and "Traceback" not in result.err
    assert f"{blocking}: is a file, where a folder should be" in result.err, result.err
    assert (site / blocking).read_text() == "mine"


def test_new_rejects_unknown_topic(tmp_path, run):
    site = make_site(tmp_path / "site")
    result = run(site, "new", "article", "Anything", "--topic", "alhpa")
    assert (
        result.code == 2  # a mistake in the command
        and "unknown topic 'alhpa'" in result.err
        and "did you mean 'alpha'?" in result.err
    )
    assert not (site / "content/articles/anything.md").exists()


def test_titles_with_quotes_backslashes_and_colons_give_front_matter_that_parses(tmp_path, run):
    site = make_site(tmp_path / "site")
    for title in ['C:\\new "x"', "Tears: a 'first' look", "# not a comment", "- dash", "yes"]:
        result = run(site, "new", "article", title, "--topic", "alpha")
        assert result.code == 0, result.err
        path = site / result.out.splitlines()[0]
        from sitegen import frontmatter

        parsed = frontmatter.split(path.read_text(), "x.md")
        assert parsed.meta["title"] == title


def test_new_never_follows_a_link_or_leaves_half_a_file(tmp_path, run, monkeypatch):
    import os

    site = make_site(tmp_path / "site")
    (site / "content/articles/hello-world.md").symlink_to(tmp_path / "nowhere")
    result = run(site, "new", "article", "Hello World", "--topic", "alpha")
    assert result.code == 1 and "already exists; nothing was written" in result.err
    assert not (tmp_path / "nowhere").exists()

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "link", full)
    result = run(site, "new", "article", "Another one", "--topic", "alpha")
    assert result.code == 1 and "could not write the file: No space left on device" in result.err
    assert not list((site / "content/articles").glob("another*")) and not list(
        (site / "content/articles").glob(".tmp-*")
    )


def test_new_refuses_an_articles_folder_that_links_outside(tmp_path, run):
    import shutil

    site = make_site(tmp_path / "site")
    outside = tmp_path / "outside"
    shutil.move(site / "content/articles", outside)
    (site / "content/articles").symlink_to(outside)
    result = run(site, "new", "article", "Hello", "--topic", "alpha")
    assert result.code == 1 and "points outside the project" in result.err
    assert not (outside / "hello.md").exists()


def test_new_refuses_titles_with_control_characters_and_sites_without_topics(tmp_path, run):
    site = make_site(tmp_path / "site")
    for title in ["Tab\there", "A\n---\nB", "Nel\u0085x", "Line\u2028sep", "bad\udcff"]:
        result = run(site, "new", "article", title, "--topic", "alpha")
        assert result.code == 1 and "must not contain control characters" in result.err
    assert not list((site / "content/articles").glob("*tab*"))


def test_a_title_in_any_script_gets_a_file_name_or_takes_one_from_slug(tmp_path, run):
    """A title in Greek (or Arabic, Chinese…) is transliterated into a file name; --slug chooses
    one instead, checked like any file name; a title with no letters at all asks for --slug."""
    site = make_site(tmp_path / "site")
    result = run(site, "new", "article", "Γιατί κλαίμε", "--topic", "beta")
    assert result.code == 0 and result.out.startswith("content/articles/giati-klaime.md")
    result = run(site, "new", "article", "!!!", "--topic", "beta")
    assert result.code == 2
    assert "cannot make a file name from '!!!'" in result.err and "--slug" in result.err
    result = run(site, "new", "article", "Γιατί κλαίμε", "--topic", "beta", "--slug", "../x")
    assert result.code == 2 and "'../x' cannot be a file name" in result.err
    assert not (tmp_path / "x.md").exists()
    result = run(site, "new", "article", "Γιατί κλαίμε", "--topic", "beta", "--slug", "why-we-cry")
    assert result.code == 0, result.err
    assert "title: Γιατί κλαίμε" in (site / "content/articles/why-we-cry.md").read_text()


@pytest.mark.timeout(30)
def test_translating_a_long_original_of_odd_brackets_is_quick(tmp_path, run):
    """The link rewriting reads the original in one pass: 80,000 "](" (160 kB) once took 44 s."""
    site = make_site(tmp_path / "site", "bilingual")
    original = site / "content/articles/second-article.md"
    head, _, _ = original.read_text()[4:].partition("\n---\n")
    original.write_text(f"---\n{head}\n---\n" + "](" * 80_000 + "\n")
    result = run(
        site,
        "new",
        "article",
        "Segundo",
        "--lang",
        "es",
        "--translates",
        "articles/second-article.md",
    )
    assert result.code == 0, result.err
