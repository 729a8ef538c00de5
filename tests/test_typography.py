import re

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import markup
from sitegen.typography import TAG, _every_run, smarten

from .conftest import REPO


def test_quotes_dashes_and_ellipses():
    assert (
        smarten('<p>He said "hi" -- it\'s fine... really---yes</p>')
        == "<p>He said \u201chi\u201d \u2013 it\u2019s fine\u2026 really\u2014yes</p>"
    )


def test_code_and_attributes_are_left_alone():
    html = '<p><a href="a\'b" title="x">it\'s</a> <code>"raw" --x</code></p><pre>\'q\'</pre>'
    assert (
        smarten(html)
        == '<p><a href="a\'b" title="x">it\u2019s</a> <code>"raw" --x</code></p><pre>\'q\'</pre>'
    )


def test_quote_after_a_tag_opens_or_closes_by_context():
    assert (
        smarten('<p>"<em>Start</em>" and <em>word</em>"</p>')
        == "<p>\u201c<em>Start</em>\u201d and <em>word</em>\u201d</p>"
    )
    assert smarten("<p>The '90s</p>") == "<p>The \u201990s</p>"


def test_matches_python_markdown_smarty_on_the_site_content():
    """The pass replaced the smarty extension for speed; it must give the same result."""
    configs = {"toc": {"toc_depth": "2-3"}}
    with_smarty = markdown.Markdown(
        extensions=["toc", "tables", "footnotes", "attr_list", "smarty"],
        extension_configs=configs,
        output_format="html",
    )
    without = markdown.Markdown(
        extensions=list(markup.EXTENSIONS), extension_configs=configs, output_format="html"
    )
    files = sorted((REPO / "content").rglob("*.md"))
    assert len(files) > 30
    for path in files:
        body = re.sub(r"\[@[a-z0-9-]+\]", "", path.read_text().split("---", 2)[2])
        expected = markup.sanitize(with_smarty.reset().convert(body))
        assert smarten(markup.sanitize(without.reset().convert(body))) == expected, path.name


# Pieces of sanitized HTML, and of anything else: block, inline and code tags, attributes
# holding marks, a stray '<' or '>', empty elements, runs of marks, digits for '90s.
PIECES = [
    "<p>", "</p>", "<li>", "</li>", "<td>", "<th>", "<h2 id=\"a\">", "</h2>", "<br>",
    "<em>", "</em>", "<strong>", "<a href=\"x'y--z\" title=\"it's...\">", "</a>", "<sup>",
    "<P>", "<LI>", "<pre-like>", "<code>", "</code>", "'", '"', "--", "---", "-", "...", "..",
    " ", "\n", "(", "90s", "a", "word", "\u2014", "<", ">", "&amp;", "''", '""',
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_smarten_matches_the_full_loop_on_any_text(fragment):
    """smarten takes a faster path where no code element can intervene: same result."""
    parts = TAG.split(fragment)
    _every_run(parts)
    assert smarten(fragment) == "".join(parts)


def test_code_anywhere_takes_the_full_loop():
    html = "<p>'a' <code>'b'</code> 'c'</p>"
    assert smarten(html) == "<p>\u2018a\u2019 <code>'b'</code> \u2018c\u2019</p>"
