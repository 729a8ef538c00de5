"""The command line: annotations for GitHub, reviews that are due, new files of each kind,
finding the project from any folder inside it, --version."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date

import pytest

from sitegen import __version__, cli
from sitegen.errors import SiteError

from .conftest import REPO, make_site

# GitHub's documented syntax: ::error file={name},line={line},title={title}::{message}
ANNOTATION = re.compile(r"^::(error|warning) file=[^,:]+(,line=\d+)?,title=[^:]*::.+$")


def test_check_format_github_prints_annotations_on_stdout(tmp_path, run):
    site = make_site(
        tmp_path / "site",
        files={"content/articles/case.md": "---\ntitel: Oops\nsummary: S.\ntopics: [alpha]\n"
               "published: 2026-01-01\n---\nText.\n"},
    )  # fmt: skip
    result = run(site, "check", "--format", "github")
    assert result.code == 1
    lines = [line for line in result.out.splitlines() if line.startswith("::")]
    assert lines == [
        "::error file=content/articles/case.md,line=2,title=unknown key 'titel'"
        "::unknown key 'titel' (hint: did you mean 'title'?)"
    ]  # one problem: the missing 'title' it was meant to be is not a second one
    assert all(ANNOTATION.match(line) for line in lines)


def test_annotation_escapes_what_github_requires():
    error = SiteError("a,b:c.md", 3, "50% done\nnext: x, y", "fix it")
    assert error.annotation() == (
        "::error file=a%2Cb%3Ac.md,line=3,title=50%25 done%0Anext%3A x%2C y"
        "::50%25 done%0Anext: x, y (hint: fix it)"
    )


def yearly_reviews(site):
    toml = site / "site.toml"
    toml.write_text(
        toml.read_text().replace("max_review_age_days = 36500", "max_review_age_days = 365")
    )
    return site


def test_overdue_reviews_warn_but_never_fail(tmp_path, run):
    site = yearly_reviews(make_site(tmp_path / "site"))  # first-article: reviewed 2026-02-01
    assert run(site, "check", "--format", "github").code == 0  # today, a review may be overdue
    due = run(site, "reviews", "--today", "2027-03-01")
    assert due.code == 0
    assert "content/articles/first-article.md: review due 2027-02-01" in due.out
    markdown = run(
        site, "reviews", "--today", "2027-01-01", "--within", "60", "--format", "markdown"
    )
    assert "- [ ] `content/articles/first-article.md`" in markdown.out
    early = run(site, "reviews", "--today", "2026-06-01").out
    assert "first-article" not in early
    assert "second-article.md: review due 2026-06-01 (never reviewed)" in early


def test_overdue_is_a_warning_from_the_quality_module(tmp_path):
    from sitegen import pipeline, quality

    site = pipeline.load(yearly_reviews(make_site(tmp_path / "site"))).site
    warnings = quality.overdue(site, date(2027, 6, 1))
    assert warnings and all("review overdue since" in w.message for w in warnings)
    errors = quality.check(site, date(2027, 6, 1))
    assert not any("overdue" in e.message or "last reviewed" in e.message for e in errors)


@pytest.mark.parametrize(
    ("args", "path", "first_lines"),
    [
        (["faq", "Can I cry?", "--topic", "alpha"], "content/faq/can-i-cry.md",
         ["---", "question: Can I cry?", "topics: [alpha]", "draft: true"]),
        (["page", "Contact us"], "content/pages/contact-us.md",
         ["---", "title: Contact us"]),
    ],
)  # fmt: skip
def test_new_makes_each_kind_as_a_draft(tmp_path, run, args, path, first_lines):
    site = make_site(tmp_path / "site")
    result = run(site, "new", *args)
    assert result.code == 0, result.err
    text = (site / path).read_text()
    assert text.splitlines()[: len(first_lines)] == first_lines
    assert "draft: true" in text and "reviewed" not in text
    assert run(site, "build", "--out", str(tmp_path / "out"), "--no-search").code == 0


def test_new_needs_a_topic_and_lists_them(tmp_path, run):
    result = run(make_site(tmp_path / "site"), "new", "faq", "Why?")
    assert result.code == 2  # a mistake in the command
    assert "--topic: a new FAQ entry needs a topic" in result.err
    assert "add --topic with one of: alpha, beta" in result.err


def test_commands_find_the_project_from_a_folder_inside_it(tmp_path):
    site = make_site(tmp_path / "site")
    inside = site / "content/articles"
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "check"],
        cwd=inside, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    outside = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "check"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert outside.returncode == 2  # the wrong folder is a mistake in the command
    assert "no site.toml in this folder or any folder above it" in outside.stderr
    assert "--root" in outside.stderr and "Traceback" not in outside.stderr
    after = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "check", "--root", str(site)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert after.returncode == 0, after.stderr  # --root after the command works too


@pytest.mark.parametrize("isolated", [[], ["-S"]])  # -S: no site-packages, so no dependencies
def test_version(isolated):
    result = subprocess.run(
        [sys.executable, *isolated, str(REPO / "build.py"), "--version"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0 and result.stdout == f"build.py {__version__}\n"


@pytest.mark.parametrize(
    ("link", "problem"),
    [
        ("missing.md", "content/articles/draft.md:8: link to 'missing.md': no such file"),
        ("second-article.md#nowhere", "no anchor #nowhere on /articles/second-article/"),
    ],
)
def test_links_and_anchors_inside_drafts_are_checked_and_say_so(tmp_path, run, link, problem):
    site = make_site(
        tmp_path / "site",
        files={"content/articles/draft.md": "---\ntitle: D\nsummary: S.\ntopics: [alpha]\n"
               f"published: 2026-01-01\ndraft: true\n---\nSee [x]({link}).\n"},
    )  # fmt: skip
    result = run(site, "check")
    assert result.code == 1
    assert problem in result.err and "(in a draft)" in result.err
    assert run(site, "build", "--out", str(tmp_path / "out"), "--no-search").code == 0


def test_a_source_that_differs_is_named_where_it_differs(tmp_path):
    from sitegen import pipeline, quality

    record = '  - {id: s, authors: "A, B.", year: 2020, title: T, doi: "10.1000/x"}\n'
    article = (
        "---\ntitle: {t}\nsummary: S.\ntopics: [alpha]\npublished: 2026-01-01\n"
        "sources:\n{r}---\nText.[@s]\n"
    )
    site = make_site(
        tmp_path / "site",
        files={
            "content/articles/a.md": article.format(t="A", r=record),
            "content/articles/b.md": article.format(t="B", r=record),
            "content/articles/c.md": article.format(t="C", r=record.replace("A, B.", "A, C.")),
        },
    )
    errors = [str(e) for e in quality.check(pipeline.load(site).site, date(2026, 3, 1))]
    differs = [e for e in errors if "from the record in" in e]
    assert len(differs) == 1  # one error for the one source, though it differs by id and by DOI
    assert differs[0].startswith(
        "content/articles/c.md:7: source s: its authors differ(s) from the record in "
        "content/articles/a.md and 1 other file"
    )


@pytest.mark.parametrize("where", ["_parser", "_terminate_as_interrupt", "_run"])
def test_an_interrupt_anywhere_in_the_command_is_a_message_and_130(monkeypatch, capsys, where):
    """Ctrl-C or SIGTERM may land before the command's work starts or after it ended, not only
    inside it: each time the answer is exit 130 and one line, never a traceback."""

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, where, interrupted)
    assert cli.main(["build"]) == 130
    assert capsys.readouterr().err == "Interrupted; no half-built site was left behind.\n"
