"""Every input a clear error or safe output: settings, front-matter fields, control characters,
ids that could collide, links into static/, and limits that keep the work bounded."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import make_site

ARTICLE = "---\ntitle: T\nsummary: S\ntopics: [alpha]\npublished: 2026-01-01\n{extra}---\n{body}\n"


def with_setting(site: Path, old: str, new: str) -> None:
    toml = site / "site.toml"
    text = toml.read_text()
    assert old in text
    toml.write_text(text.replace(old, new, 1))


BAD_SETTINGS = {
    "credentials": (
        'base_url = "https://example.org/"',
        'base_url = "https://user:pw@example.org/"',
        "must not contain a user name or password",
    ),
    "quote in host": (
        'base_url = "https://example.org/"',
        'base_url = "https://exa\\"mple.org/"',
        "is not a valid host name",
    ),
    "newline": (
        'base_url = "https://example.org/"',
        'base_url = "https://example.org/\\nDisallow: /"',
        "must not contain control characters",
    ),
    "space": (
        'base_url = "https://example.org/"',
        'base_url = "https://example.org/my site/"',
        "must not contain spaces or control characters",
    ),
    "bad ipv6": (
        'base_url = "https://example.org/"',
        'base_url = "https://[::1/"',
        "is not a valid address",
    ),
    "query": (
        'base_url = "https://example.org/"',
        'base_url = "https://example.org/?a=1"',
        "must not carry a query or a fragment",
    ),
    "scheme": (
        'base_url = "https://example.org/"',
        'base_url = "javascript://example.org/"',
        "must start with https:// (or http://) and name a host",
    ),
    "feed entries": (
        "[site]\n",
        "[site]\nfeed_entries = -3\n",
        "'feed_entries' must be between 1 and 10000, not -3",
    ),
    "nan grade": (
        "[quality]\n",
        "[quality]\nmax_grade = nan\n",
        "'max_grade' must be between 0 and 30, not nan",
    ),
    "negative grade": (
        "[quality]\n",
        "[quality]\nmax_median_grade = -1.0\n",
        "'max_median_grade' must be between 0 and 30",
    ),
    "cname scheme": (
        "[site]\n",
        '[site]\ncname = "https://example.org"\n',
        "is not a bare host name",
    ),
    "cname newline": (
        "[site]\n",
        '[site]\ncname = "example.org\\nx"\n',
        "must not contain control characters",
    ),
    "title control": (
        'title = "Fixture Site"',
        'title = "Fixture\\u001b[31m Site"',
        "'title' must not contain control characters (found U+001B)",
    ),
    "help url": (
        'url = "tel:000"',
        'url = "javascript:alert(1)"',
        "must be an https:// address, tel: or sms:",
    ),
    "deep toml": ("[site]\n", "x = " + "[" * 5000 + "]" * 5000 + "\n[site]\n", "site.toml"),
}


@pytest.mark.parametrize("case", sorted(BAD_SETTINGS))
def test_settings_that_would_reach_the_output_are_refused_with_their_line(tmp_path, run, case):
    site = make_site(tmp_path / "site")
    old, new, message = BAD_SETTINGS[case]
    with_setting(site, old, new)
    result = run(site, "check")
    assert result.code == 1
    assert message in result.err
    assert re.search(r"^site\.toml(:\d+)?: ", result.err, re.M)
    assert "Traceback" not in result.err and "\x1b" not in result.err


BAD_FIELDS = {
    "control in title": ('title: "A\\x1bB"', "", "'title' must not contain control characters"),
    "control in body": (
        "",
        "Text with a bell \x07 in it.",
        "file contains a control character (U+0007)",
    ),
    "nul in body": ("", "Text \x00 here.", "file contains a control character (U+0000)"),
    "control in source": (
        'sources:\n  - {authors: "A\\x07", year: 2000, title: T}\n',
        "x [@a]",
        "source 1: 'authors' must not contain control characters",
    ),
    "updated before published": (
        "updated: 2025-01-01\n",
        "Body.",
        "'updated' (2025-01-01) is before 'published' (2026-01-01)",
    ),
    "topic twice": ("", "Body.", "topic 'alpha' is listed twice"),
    "a year near date's limit": (
        "reviewed: 9999-12-01\n",
        "Body.",
        "'reviewed' is in the year 9999",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FIELDS))
def test_content_fields_are_checked_with_file_and_line(tmp_path, run, case):
    site = make_site(tmp_path / "site")
    extra, body, message = BAD_FIELDS[case]
    text = ARTICLE.format(
        extra=extra + ("\n" if extra and not extra.endswith("\n") else ""), body=body
    )
    if case == "topic twice":
        text = text.replace("topics: [alpha]", "topics: [alpha, alpha]")
    if case == "control in title":
        text = text.replace("title: T\n", "")
    (site / "content/articles/x.md").write_text(text)
    result = run(site, "check")
    assert result.code == 1
    assert re.search(r"content/articles/x\.md:\d+: " + re.escape(message), result.err), result.err
    assert "Traceback" not in result.err


def test_control_characters_in_file_names_are_shown_escaped(tmp_path, run):
    site = make_site(tmp_path / "site")
    (site / "content/articles/bad\x1b[31mname.md").write_text("x")
    result = run(site, "check")
    assert result.code == 1
    assert "\x1b" not in result.err and "bad\\x1b[31mname.md" in result.err


def test_citations_with_spaces_are_links_and_unknown_ones_errors(tmp_path, run):
    site = make_site(tmp_path / "site")
    sources = 'sources:\n  - {id: smith, authors: "Smith, A.", year: 2000, title: "A study", url: "https://example.org/a"}\n'
    (site / "content/articles/x.md").write_text(
        ARTICLE.format(extra=sources, body="A claim.[@ smith ] Another.[@smith]")
    )
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    page = (out / "articles/x/index.html").read_text()
    assert "[@" not in page and page.count('href="#ref-smith"') == 2
    (site / "content/articles/x.md").write_text(
        ARTICLE.format(extra=sources, body="\nA claim.[@Smith]")
    )
    result = run(site, "check")
    assert (
        result.code == 1
        and "content/articles/x.md:10: citation [@Smith] matches no source" in result.err
    )


# --- ids ---------------------------------------------------------------------------------------


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: dict[str, str] = {}
        self.hrefs: list[str] = []
        self.cites: set[str] = set()  # hrefs of citation markers: <sup class="cite"><a href>
        self.in_cite = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"])
            self.tags[values["id"]] = tag
        if values.get("href"):
            self.hrefs.append(values["href"])
            if self.in_cite:
                self.cites.add(values["href"])
        self.in_cite = tag == "sup" and values.get("class") == "cite"


def parsed(path: Path) -> _Ids:
    parser = _Ids()
    parser.feed(path.read_text())
    return parser


def assert_ids_unique_and_fragments_land(out: Path, base: str = "/") -> None:
    pages = {p: parsed(p) for p in out.rglob("*.html")}
    for page, found in pages.items():
        assert len(found.ids) == len(set(found.ids)), (page, sorted(found.ids))
        for href in found.hrefs:
            if "#" not in href or "://" in href:
                continue
            path, fragment = href.split("#", 1)
            target = page if not path else out / path.removeprefix(base) / "index.html"
            if not target.exists():
                continue
            assert fragment in pages[target].ids, (page, href)
            if href in found.cites:  # a citation lands on its entry in the reference list
                assert pages[target].tags[fragment] == "li", (page, href)


def test_headings_named_like_the_pages_landmarks_get_ids_of_their_own(tmp_path, run):
    site = make_site(tmp_path / "site")
    sources = 'sources:\n  - {id: smith, authors: "Smith, A.", year: 2000, title: "A study", url: "https://example.org/a"}\n'
    body = "\n\n".join(
        ["## Main", "## References", "## Footer help", "## Ref smith", "## Toc heading",
         "[to main](#main) and a claim.[@smith]", "## Answer"]
    )  # fmt: skip
    (site / "content/articles/x.md").write_text(ARTICLE.format(extra=sources, body=body))
    faq = "---\nquestion: Q?\ntopics: [alpha]\n---\n## Answer\n\n## References\n\nText.\n"
    (site / "content/faq/x.md").write_text(faq)
    out = tmp_path / "out"
    result = run(site, "build", "--out", str(out), "--no-search")
    assert result.code == 0, result.err
    page = (out / "articles/x/index.html").read_text()
    assert 'id="main-1"' in page and 'href="#main-1"' in page and 'id="main"' in page
    assert_ids_unique_and_fragments_land(out)


def test_an_faq_file_named_like_a_landmark_is_a_clear_error(tmp_path, run):
    site = make_site(tmp_path / "site")
    (site / "content/faq/main.md").write_text(
        "---\nquestion: Q?\ntopics: [alpha]\n---\nAn answer.\n"
    )
    result = run(site, "build", "--out", str(tmp_path / "out"), "--no-search")
    assert result.code == 1
    assert "faq/index.html: the id 'main' is used twice on this page" in result.err


def test_every_page_of_the_built_site_has_unique_ids_and_landing_fragments(built_site):
    from .conftest import SUB_PATH

    assert_ids_unique_and_fragments_land(built_site, SUB_PATH)


# --- links into static/ ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "href",
    [
        "/static/../site.toml",
        "/static/%2e%2e/site.toml",
        "/static/./style.css",
        "/static/.hidden",
        "/static/nope.css",
    ],
)
def test_links_into_static_are_checked_like_every_other(tmp_path, run, href):
    site = make_site(tmp_path / "site")
    (site / "static/.hidden").write_text("x")
    (site / "content/articles/x.md").write_text(ARTICLE.format(extra="", body=f"[a file]({href})"))
    result = run(site, "check")
    assert result.code == 1
    assert "content/articles/x.md:7: link to" in result.err


def test_a_link_to_a_real_static_file_is_rewritten(tmp_path, run):
    site = make_site(tmp_path / "site")
    (site / "content/articles/x.md").write_text(
        ARTICLE.format(extra="", body="[css](/static/style.css)")
    )
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    assert 'href="/static/style.css"' in (out / "articles/x/index.html").read_text()


# --- bounded work ------------------------------------------------------------------------------

PATHOLOGICAL = {
    "brackets": "[" * 5000,
    "image openers": "![a" * 3000,
    "tag openers": "<a " * 3000,
    "nested list on one line": "- " * 400 + "x",
    "nested list by indent": "\n".join("    " * i + "- x" for i in range(100)),
    "nested quotes": "> " * 400 + "x",
    "nested divs": "<div>" * 5000 + "x" + "</div>" * 5000,
    "links in many paragraphs": "\n\n".join(["[a](b.md) " * 150] * 40),
    "footnote openers": "[^" * 3000,
    "many headings": "## a\n" * 1500,
}


@pytest.mark.parametrize("case", sorted(PATHOLOGICAL))
def test_pathological_text_is_refused_quickly_with_its_line(tmp_path, run, case):
    site = make_site(tmp_path / "site")
    (site / "content/articles/x.md").write_text(ARTICLE.format(extra="", body=PATHOLOGICAL[case]))
    started = time.perf_counter()
    result = run(site, "check")
    took = time.perf_counter() - started
    assert result.code == 1
    assert re.search(r"content/articles/x\.md:\d+: ", result.err)
    assert "Traceback" not in result.err
    print(f"{case}: {took:.2f} s")  # the limit is measured in bench/, not asserted here


def test_many_links_get_their_lines_in_one_pass(tmp_path):
    from sitegen import markup

    body = "\n".join(f"[link {i}](https://example.org/{i})" for i in range(40_000))
    rendered = markup.convert(body, 10)
    assert rendered.links[0][1] == 10 and rendered.links[-1][1] == 40_009


# --- any text, anywhere: exit 0 or 1, never a traceback, output that parses --------------------

import json  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402

import yaml  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sitegen.cli import main  # noqa: E402

FIELDS = ["title", "summary", "reviewer", "source title", "question", "body", "site title",
          "description", "disclaimer", "help contact", "topic title"]  # fmt: skip
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def place(site: Path, field: str, text: str) -> None:
    """Put ``text`` into one field of the fixture site, quoted as its format needs."""
    if field in ("site title", "description", "disclaimer", "help contact", "topic title"):
        key, old = {
            "site title": ("title", 'title = "Fixture Site"'),
            "description": ("description", 'description = "A small site'),
            "disclaimer": ("text", 'text = "Fixture disclaimer'),
            "help contact": ("contact", 'contact = "Call 000"'),
            "topic title": ("title", 'title = "Alpha topic"'),
        }[field]
        toml = site / "site.toml"
        value = json.dumps(text)  # a TOML basic string accepts JSON's escapes
        lines = toml.read_text().split("\n")
        lines = [f"{key} = {value}" if line.startswith(old) else line for line in lines]
        toml.write_text("\n".join(lines))
        return
    meta = {"title": "T", "summary": "S", "topics": ["alpha"], "published": "2026-01-01"}
    body = "Some text."
    if field == "question":
        meta = {"question": text, "topics": ["alpha"]}
        (site / "content/faq/generated.md").write_text(
            "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\nAn answer.\n"
        )
        return
    if field == "body":
        body = text
    elif field == "source title":
        meta["sources"] = [{"id": "s", "authors": "A", "year": 2000, "title": text}]
        body += "[@s]"
    else:
        meta[field] = text
    (site / "content/articles/generated.md").write_text(
        "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body + "\n"
    )


@pytest.fixture(scope="module")
def base_site(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("hyp") / "site")


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(field=st.sampled_from(FIELDS), text=st.text(max_size=80))
def test_any_text_in_any_field_builds_safely_or_fails_clearly(
    base_site, tmp_path_factory, field, text
):
    import shutil

    site = tmp_path_factory.mktemp("case") / "site"
    shutil.copytree(base_site, site)
    place(site, field, text)
    out = site.parent / "out"
    code = main(["--root", str(site), "build", "--out", str(out), "--no-search", "--force"])
    assert code in (0, 1)
    if code == 1:
        return
    for page in out.rglob("*.html"):
        html = page.read_text()
        assert html.count("<script") == html.count("</script>")
        for block in JSON_LD.findall(html):
            json.loads(block)
    for xml in ("feed.xml", "sitemap.xml"):
        ET.fromstring((out / xml).read_bytes())


# --- the second adversarial round --------------------------------------------------------------

ROUND_TWO_SETTINGS = {
    "protocol-relative path": (
        'base_url = "https://example.org/"',
        'base_url = "https://example.org//evil.com/"',
        "single slashes",
    ),
    "control in a mailto": (
        'url = "tel:000"',
        'url = "mailto:a\\u0000b@x.org"',
        "must not contain control characters",
    ),
    "newline after a tel": (
        'url = "tel:000"',
        'url = "tel:000\\n"',
        "must not contain control characters",
    ),
    "non-character in a title": (
        'title = "Fixture Site"',
        'title = "Fixture \\uFFFE Site"',
        "must not contain control characters",
    ),
    "newline in a topic id": (
        'id = "beta"',
        'id = "beta\\n"',
        "must not contain control characters",
    ),
    "junk after an IPv6 host": (
        'base_url = "https://example.org/"',
        'base_url = "https://[::1]x/"',
        "is not a valid",
    ),
    "bad percent escape": (
        'base_url = "https://example.org/"',
        'base_url = "https://example.org/%zz/"',
        "single slashes",
    ),
}


@pytest.mark.parametrize("case", sorted(ROUND_TWO_SETTINGS))
def test_round_two_settings_are_refused(tmp_path, run, case):
    site = make_site(tmp_path / "site")
    old, new, message = ROUND_TWO_SETTINGS[case]
    with_setting(site, old, new)
    result = run(site, "check")
    assert result.code == 1 and message in result.err, result.err


def test_a_non_character_in_a_file_is_refused(tmp_path, run):
    site = make_site(tmp_path / "site")
    (site / "content/articles/x.md").write_text(ARTICLE.format(extra="", body="Text \uffff here."))
    result = run(site, "check")
    assert result.code == 1 and "control character (U+FFFF)" in result.err


def test_a_link_to_a_renamed_heading_on_another_page_follows_it(tmp_path, run):
    site = make_site(tmp_path / "site")
    (site / "content/articles/x.md").write_text(ARTICLE.format(extra="", body="## Main\n\nText."))
    (site / "content/articles/y.md").write_text(ARTICLE.format(extra="", body="[to x](x.md#main)"))
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    assert 'href="/articles/x/#main-1"' in (out / "articles/y/index.html").read_text()


def test_ids_that_are_not_one_word_are_dropped(tmp_path, run):
    site = make_site(tmp_path / "site")
    body = '<span id="">a</span> <span id="a b">b</span> <span id="ok">c</span>'
    (site / "content/articles/x.md").write_text(ARTICLE.format(extra="", body=body))
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    page = (out / "articles/x/index.html").read_text()
    assert 'id=""' not in page and 'id="a b"' not in page and 'id="ok"' in page


def test_a_long_tag_without_its_end_is_checked_in_linear_time():
    from sitegen import limits

    started = time.perf_counter()
    limits.check("<a" + "b" * 200_000, 1, "x.md")
    assert time.perf_counter() - started < 5  # quadratic took minutes; linear takes milliseconds


def test_too_many_sources_are_refused_before_citations_are_compared(tmp_path, run):
    site = make_site(tmp_path / "site")
    sources = "sources:\n" + "".join(
        f"  - {{id: s{i}, authors: A, year: 2000, title: T}}\n" for i in range(201)
    )
    (site / "content/articles/x.md").write_text(ARTICLE.format(extra=sources, body="[@nope]"))
    result = run(site, "check")
    assert result.code == 1 and "201 sources; the limit is 200" in result.err


def test_thousands_of_setting_errors_are_cut_to_fifty(tmp_path, run):
    site = make_site(tmp_path / "site")
    toml = site / "site.toml"
    toml.write_text(
        toml.read_text()
        + "".join(
            f'\n[[topics]]\nid = "t{i}"\ntitle = "T"\ndescripton = "x"\n' for i in range(3000)
        )
    )
    result = run(site, "check")
    assert result.code == 1 and "50 problems found" in result.err
