"""What a page reads is recorded while it renders, and only then."""

from __future__ import annotations

from sitegen import document
from sitegen.document import Document


def doc(slug: str) -> Document:
    return Document("article", slug, f"content/articles/{slug}.md", "T", "S", (), (), None, ())


def test_reads_inside_the_block_are_recorded_by_path_and_field():
    a, b = doc("a"), doc("b")
    with document.recording() as reads:
        _ = a.title, a.modified, b.summary  # a property reads further fields
    assert reads == {
        ("content/articles/a.md", "title"),
        ("content/articles/a.md", "modified"),
        ("content/articles/a.md", "updated"),
        ("content/articles/a.md", "published"),
        ("content/articles/b.md", "summary"),
    }


def test_outside_the_block_nothing_is_recorded_and_no_hook_is_installed():
    with document.recording():
        pass
    assert "__getattribute__" not in vars(Document)  # plain attribute access, full speed
    assert doc("a").title == "T"


def test_an_error_inside_the_block_still_removes_the_hook():
    try:
        with document.recording():
            raise ValueError
    except ValueError:
        pass
    assert "__getattribute__" not in vars(Document)
