"""Content files of any shape: a page or a clear error, never a traceback."""

from __future__ import annotations

import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import content, files, markup
from sitegen.config import load_config
from sitegen.errors import BuildError

from .conftest import FIXTURES, make_site

# --- generated input ---------------------------------------------------------------------------

CONFIG = None


def config():
    global CONFIG
    if CONFIG is None:
        CONFIG = load_config(FIXTURES / "valid")
    return CONFIG


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.dates().map(str),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
keys = st.sampled_from(
    [
        "title",
        "summary",
        "topics",
        "published",
        "updated",
        "reviewed",
        "reviewer",
        "sources",
        "draft",
        "question",
        "tittle",
        "x",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    meta=st.dictionaries(keys, values, max_size=8),
    body=st.text(max_size=300),
    kind=st.sampled_from(["article", "faq", "page"]),
)
def test_generated_front_matter_gives_a_page_or_a_clear_error(meta, body, kind):
    raw = ("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body).encode()
    try:
        doc = content.parse(kind, "generated", "content/x/generated.md", raw, config())
    except BuildError as exc:
        assert exc.errors and all(e.path == "content/x/generated.md" for e in exc.errors)
        assert all(e.message for e in exc.errors)
    else:
        assert doc.title


@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=400))
def test_arbitrary_bytes_never_cause_a_traceback(raw):
    try:
        content.parse("article", "b", "content/articles/b.md", raw, config())
    except BuildError as exc:
        assert exc.errors[0].path == "content/articles/b.md"


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(list("<>[]()!*_#|`:{}=\"' \nabjsvrcipt@&;-.\\/1")), max_size=200
    )
)
def test_generated_markdown_renders_safely(text):
    rendered = markup.convert(text, 1, ("a",), "")
    lowered = rendered.html.lower()
    assert (
        "<script" not in lowered
        and "javascript:" not in lowered
        and " on" not in re.sub(r">[^<]*<", "><", lowered)
    )


# --- discovery and parsing ---------------------------------------------------------------------


def test_discover_finds_each_kind_and_reports_stray_files(tmp_path):
    site = make_site(
        tmp_path / "site",
        files={"content/notes.txt": "x", "content/articles/Bad Name.md": "x"},
    )
    found, errors = content.discover(files.walk(site, "content"))
    kinds = {kind for kind, _ in found}
    assert kinds == {"article", "faq", "page"}
    messages = sorted(str(e).split("\n")[0] for e in errors)
    assert messages == [
        "content/articles/Bad Name.md: file name 'Bad Name.md' cannot be a URL",
        "content/notes.txt: file outside the content folders",
    ]


def test_parse_gives_a_document_with_its_fields_and_hash(tmp_path):
    raw = b"---\ntitle: T\nsummary: S.\ntopics: [alpha]\npublished: 2026-01-01\n---\nText.\n"
    doc = content.parse("article", "t", "content/articles/t.md", raw, config())
    assert (doc.kind, doc.slug, doc.title, doc.topics) == ("article", "t", "T", ("alpha",))
    assert doc.source_hash and doc.html == ""  # links are resolved later, by links.resolve_all
