"""Whole builds of the valid fixture site: golden output, determinism, base paths, drafts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen import pipeline

from .conftest import FIXTURES, REPO, make_site, tree_digest

GOLDEN = FIXTURES / "golden"


def build(site: Path, out: Path, *args: str, search: bool = False) -> Path:
    from sitegen.cli import main

    flags = [] if search else ["--no-search"]
    assert main(["--root", str(site), "build", "--out", str(out), *flags, *args]) == 0
    return out


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


@pytest.mark.parametrize(
    ("fixture", "golden"),
    [("valid", GOLDEN), ("bilingual", FIXTURES / "golden-bilingual")],
    ids=["one-language", "two-languages"],
)
def test_output_matches_golden_files(tmp_path, fixture, golden):
    """Set UPDATE_GOLDEN=1 to rewrite tests/fixtures/golden* after an intended change."""
    GOLDEN = golden  # noqa: N806  (the folder of this fixture's expected output)
    out = build(make_site(tmp_path / "site", fixture), tmp_path / "out")
    produced = {
        p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()
    }
    produced = {k: v for k, v in produced.items() if not k.startswith("static/")}  # copied as is
    if os.environ.get("UPDATE_GOLDEN"):
        import shutil

        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in produced.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    expected = {
        p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()
    }
    assert sorted(produced) == sorted(expected)
    for rel in expected:
        assert produced[rel].decode() == expected[rel].decode(), rel


def test_two_builds_with_search_index_are_byte_identical(tmp_path):
    site = make_site(tmp_path / "site")
    first = tree_digest(build(site, tmp_path / "a", search=True))
    assert any(name.startswith("pagefind/") for name in first)
    assert first == tree_digest(build(site, tmp_path / "b", search=True))


def test_every_page_has_footer_lang_title_description_and_canonical(tmp_path):
    out = build(make_site(tmp_path / "site"), tmp_path / "out")
    titles = []
    for page in html_pages(out):
        text = page.read_text()
        assert '<html lang="en">' in text, page
        assert "Fixture disclaimer: general information, not medical advice." in text, page
        assert "Fixture Helpline" in text and "Call 999" in text, page
        assert re.search(r'<meta name="description" content="[^"]+">', text), page
        assert re.search(r'<link rel="canonical" href="https://example.org/[^"]*">', text), page
        for target in ("/topics/", "/faq/", "/get-help/"):
            assert f'href="{target}"' in text, (page, target)
        titles.append(re.search(r"<title>(.*?)</title>", text).group(1))
    assert len(titles) == len(set(titles)), titles


def test_base_url_override_prefixes_every_link_and_asset(tmp_path):
    out = build(
        make_site(tmp_path / "site"),
        tmp_path / "out",
        "--base-url",
        "https://example.github.io/somerepo/",
    )
    for page in html_pages(out):
        text = page.read_text()
        for url in re.findall(r'(?:href|src)="(/[^"]*)"', text):
            assert url.startswith("/somerepo/"), (page, url)
        assert 'href="https://example.github.io/somerepo/' in text
    assert 'href="/somerepo/static/style.css"' in (out / "404.html").read_text()


def test_drafts_build_only_when_asked(tmp_path):
    site = make_site(tmp_path / "site")
    assert not (build(site, tmp_path / "a") / "articles/third-article").exists()
    assert (build(site, tmp_path / "b", "--drafts") / "articles/third-article/index.html").is_file()


def test_topic_pages_list_their_articles_and_faqs(tmp_path):
    out = build(make_site(tmp_path / "site"), tmp_path / "out")
    alpha = (out / "topics/alpha/index.html").read_text()
    assert "The first article" in alpha and "The second article" in alpha
    assert "What is the first question?" in alpha and "What is the second question?" in alpha
    beta = (out / "topics/beta/index.html").read_text()
    assert "The first article" in beta and "The second article" not in beta


def test_faq_page_holds_every_entry_once_with_its_anchor(tmp_path):
    out = build(make_site(tmp_path / "site"), tmp_path / "out")
    faq = (out / "faq/index.html").read_text()
    for slug in ("question-one", "question-two"):
        assert faq.count(f'id="{slug}"') == 1
    assert 'id="question-one-a-heading-inside-an-answer"' in faq
    assert 'href="/faq/#question-one-a-heading-inside-an-answer"' in faq
    assert '"@type":"FAQPage"' in faq


def test_links_are_rewritten_to_page_urls(tmp_path):
    out = build(make_site(tmp_path / "site"), tmp_path / "out")
    first = (out / "articles/first-article/index.html").read_text()
    assert 'href="/articles/second-article/#details"' in first
    assert 'href="/faq/#question-one"' in first
    assert 'href="/get-help/"' in first
    assert "second-article.md" not in first


def test_failed_build_leaves_no_output_folder_when_there_was_none(tmp_path, run):
    site = make_site(tmp_path / "site", files={"content/articles/bad.md": "no front matter"})
    assert run(site, "build", "--out", str(tmp_path / "out")).code == 1
    assert not (tmp_path / "out").exists()


def test_source_date_epoch_sets_the_feed_date_when_there_are_no_articles(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site")
    for md in [*site.glob("content/articles/*.md"), *site.glob("content/faq/*.md")]:
        md.unlink()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    _, out = pipeline.build(site, tmp_path / "out", search_index=False)
    assert "<updated>2026-01-01T00:00:00Z</updated>" in (out / "feed.xml").read_text()


@pytest.mark.parametrize("bad", ["/", "~", ".", "content", "templates", "static/sub", ".."])
def test_unsafe_output_folders_are_refused(tmp_path, run, bad, monkeypatch):
    site = make_site(tmp_path / "site")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    target = {"/": "/", "~": str(tmp_path / "home")}.get(bad, str(site / bad))
    before = tree_digest(site)
    result = run(site, "build", "--out", target)
    assert result.code == 1
    assert "refusing to" in result.err
    assert tree_digest(site) == before


def test_an_unchanged_site_is_not_built_again(tmp_path, run):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    assert "Built" in run(site, "build", "--out", str(out), "--no-search").out
    assert "Up to date" in run(site, "build", "--out", str(out), "--no-search").out
    assert "Built" in run(site, "build", "--out", str(out)).out  # other options: build again
    page = site / "content/articles/second-article.md"
    page.write_text(page.read_text() + "\nMore.\n")
    assert "Built" in run(site, "build", "--out", str(out)).out
    (out / "index.html").write_text("tampered")
    assert "Built" in run(site, "build", "--out", str(out)).out
    assert "tampered" not in (out / "index.html").read_text()
    assert "Built" in run(site, "build", "--out", str(out), "--force").out
    run(site, "build", "--out", str(out))
    assert "Up to date" in run(site, "build", "--out", str(out)).out
    (site / "static/extra").mkdir()
    (site / "static/extra/note.txt").write_text("new")  # a file in a new folder counts too
    assert "Built" in run(site, "build", "--out", str(out)).out
    (out / "static/extra/note.txt").unlink()  # so does a file missing from the output
    assert "Built" in run(site, "build", "--out", str(out)).out
    base = site / "templates/base.html"
    base.write_text(base.read_text().replace("</body>", "<!-- changed --></body>"))
    assert "Built" in run(site, "build", "--out", str(out)).out
    assert "<!-- changed -->" in (out / "index.html").read_text()


def test_the_program_prints_through_a_pipe_and_keeps_its_exit_code(tmp_path):
    """build.py leaves with os._exit (no interpreter teardown): what it printed must still
    arrive, and its exit code stay the command's."""
    site = make_site(tmp_path / "site")
    command = [sys.executable, str(REPO / "build.py"), "--root", str(site), "build", "--no-search"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # a pipe buffers
    first = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Built ") and first.stdout.endswith("\n")
    again = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert again.returncode == 0 and again.stdout.startswith("Up to date")
    (site / "content/articles/first-article.md").write_text("no front matter\n")
    broken = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert broken.returncode == 1 and "content/articles/first-article.md:" in broken.stderr


def test_plain_build_py_means_build(tmp_path, run):
    site = make_site(tmp_path / "site")
    result = run(site)
    assert result.code == 0 and (site / "_site/index.html").exists()


@pytest.mark.parametrize("bad", ["example.org/repo/", "https://example.org/?x=1"])
def test_bad_base_url_override_is_refused_like_the_setting(tmp_path, run, bad):
    result = run(make_site(tmp_path / "site"), "build", "--base-url", bad)
    assert result.code == 2  # a mistake in the command, checked as the setting is
    assert result.err.startswith("--base-url: base_url ")
    assert not (tmp_path / "site/_site").exists()


FORKED_BUILD = """
import sys
from pathlib import Path
from sitegen import parallel, pipeline

site, out, forked = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "fork"
parallel.workers = lambda: 2  # even on a machine with one core
real = parallel.fork_map
calls = []

def counting(fn, items, state):
    calls.append(len(items) >= parallel.MIN_ITEMS and parallel.can_fork())
    return real(fn, items, state)

parallel.fork_map = counting
if not forked:
    parallel.can_fork = lambda: False
pipeline.build(site, out, search_index=False, use_cache=False)
print(sum(calls))
"""


def test_the_forked_workers_build_what_one_process_builds(tmp_path):
    """A site big enough for the workers (parallel.MIN_ITEMS) comes out the same, byte for byte,
    as from a build that does all its work in one process. Each build runs in a fresh process:
    forking is refused while other threads run, as they may in a test run."""
    files = {
        f"content/articles/generated-{n}.md": (
            f"---\ntitle: Article {n}\nsummary: Number {n}.\n"
            f"topics: [{'alpha' if n % 2 else 'beta'}]\npublished: 2026-01-{1 + n % 28:02d}\n---\n"
            f"Body {n} with a [link](generated-{(n + 1) % 60}.md).\n\n## Part {n}\n\nText.\n"
        )
        for n in range(60)
    }
    site = make_site(tmp_path / "site", files=files)
    forks = {}
    for mode in ("fork", "alone"):
        result = subprocess.run(
            [sys.executable, "-c", FORKED_BUILD, str(site), str(tmp_path / mode), mode],
            capture_output=True, text=True, timeout=120, cwd=REPO,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        forks[mode] = int(result.stdout)
    assert forks == {"fork": 2, "alone": 0}  # parsing and rendering went to the workers
    assert tree_digest(tmp_path / "fork") == tree_digest(tmp_path / "alone")
