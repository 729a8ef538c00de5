"""Our typography pass, compared with Python-Markdown's smarty extension on the real content."""

from __future__ import annotations

import re

import markdown

from sitegen import markup
from sitegen.typography import smarten
from tests.conftest import REPO


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
