"""The URL registry: every URL is spelled in sitegen/urls.py and nowhere else."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sitegen import urls
from sitegen.document import Document

PACKAGE = Path(urls.__file__).parent
TEMPLATES = PACKAGE.parent / "templates"


def needles() -> set[str]:
    """The literal text of every URL pattern (and the index file), as another module would
    have to spell it to build a URL by hand."""
    found = {urls.INDEX}
    for pattern in urls.PATTERNS.values():
        literal = pattern.split("{}")[0]
        if literal and literal != urls.PATTERNS["static"].split("{}")[0]:
            found.add(literal)
    return found


def strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string constant in a module except docstrings (which may describe URLs)."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def spells_url(text: str) -> bool:
    """Whether ``text`` holds a URL pattern's literal, at its start or after a slash that starts
    a path ("/faq/"), but not as a folder inside an input path ("content/articles/")."""
    if text in TEMPLATE_NAMES:  # a template's file name, not a URL
        return False
    return any(re.search(rf"(?<![\w.-])(?<!\w/)(?<!\./){re.escape(n)}", text) for n in needles())


TEMPLATE_NAMES = {p.name for p in TEMPLATES.iterdir()}


def places_spelling_urls() -> set[str]:
    places = set()
    for module in sorted(PACKAGE.glob("*.py")):
        for _, text in strings(ast.parse(module.read_text(encoding="utf-8"))):
            if spells_url(text):
                places.add(module.name)
    jinja = re.compile(r"{[{%](.*?)[}%]}", re.S)
    literal = re.compile(r"'([^']*)'|\"([^\"]*)\"")
    for template in sorted(TEMPLATES.iterdir()):
        for expression in jinja.findall(template.read_text(encoding="utf-8")):
            for match in literal.finditer(expression):
                text = match.group(1) or match.group(2) or ""
                if "<" in text:  # a phrase with its markup, for translation: not a URL
                    continue
                if "/" in text or (spells_url(text) and text not in TEMPLATE_NAMES):
                    places.add(f"templates/{template.name}")
    return places


def test_one_place_spells_url_patterns():
    assert places_spelling_urls() == {"urls.py"}


def test_the_check_finds_a_url_built_by_hand():
    assert any(spells_url(t) for _, t in strings(ast.parse('x = f"articles/{slug}/"')))
    assert spells_url("see /faq/ for more")
    assert spells_url("topics/")
    assert not spells_url("content/articles/")
    assert not spells_url("[a link](../articles/file.md)")  # a content file, not a URL
    assert not strings(ast.parse('"""A docstring about articles/x/."""'))


def doc(kind: str, slug: str) -> Document:
    return Document(kind, slug, f"content/x/{slug}.md", "T", "", (), (), None, ())


@pytest.mark.parametrize(
    ("target", "name", "expected"),
    [
        ("home", "", ""),
        ("topic", "trust", "topics/trust/"),
        ("faq", "", "faq/"),
        ("feed", "", "feed.xml"),
        ("static", "style.css", "static/style.css"),
        (doc("article", "x"), "", "articles/x/"),
        (doc("faq", "q"), "", "faq/#q"),
        (doc("page", "about"), "", "about/"),
        (urls.Entry("topic", "trust"), "", "topics/trust/"),
    ],
)
def test_paths_by_kind(target, name, expected):
    assert urls.path(target, name) == expected


def test_a_kind_that_needs_a_name_refuses_none_and_the_reverse():
    with pytest.raises(ValueError):
        urls.path("topic")
    with pytest.raises(ValueError):
        urls.path("faq", "x")


@pytest.mark.parametrize(
    ("url", "output"),
    [("", "index.html"), ("faq/", "faq/index.html"), ("faq/#q", "faq/index.html"),
     ("feed.xml", "feed.xml"), ("articles/x/", "articles/x/index.html")],
)  # fmt: skip
def test_output_files_and_back(url, output):
    assert urls.output(url) == output
    assert urls.url_of_output(output) == url.partition("#")[0]


def test_reserved_names_are_the_folders_the_site_uses():
    assert {
        "topics",
        "articles",
        "faq",
        "search",
        "static",
        "pagefind",
        "search-records",
    } == urls.RESERVED
