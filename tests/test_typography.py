import re

import markdown

from sitegen import markup
from sitegen.typography import smarten

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
