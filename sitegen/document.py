"""The content model's types: a Document (one content file, checked and converted) and its
Sources; and the recorder that notes which documents' fields a page reads while it renders."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Source:
    authors: str
    year: int
    title: str
    venue: str = ""
    doi: str = ""
    url: str = ""
    id: str = ""
    line: int | None = field(default=None, compare=False)  # in the file that lists it

    @property
    def link(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else self.url


# While a page renders: (document path, field name) of every field of a Document it reads.
_reads: set[tuple[str, str]] | None = None


@dataclass(frozen=True)
class Document:
    """One content file: an article, an FAQ entry or a standalone page."""

    kind: str  # "article", "faq" or "page"
    slug: str
    path: str  # as the editor knows it, e.g. content/articles/why-it-helps.md
    title: str  # an FAQ entry's question
    summary: str
    topics: tuple[str, ...]
    sources: tuple[Source, ...]
    body: Any  # markup.Rendered: the Markdown converted, links as the editor wrote them
    key_lines: tuple[tuple[str, int], ...]
    published: date | None = None
    updated: date | None = None
    reviewed: date | None = None
    reviewer: str = ""
    draft: bool = False
    source_hash: str = ""  # of the file's bytes
    html: str = ""  # the body with its links resolved to page URLs (set once links are checked)
    lang: str = ""  # "" in the default language; a further language's code (content/<code>/)
    original: str = ""  # what a translation translates, e.g. content/articles/why-it-helps.md

    def line(self, key: str) -> int | None:
        return dict(self.key_lines).get(key)

    @property
    def modified(self) -> date | None:
        return self.updated or self.published

    @property
    def key(self) -> str:
        """What a document and its translations share: the original's path."""
        return self.original or self.path


def _noting_getattribute(self: Document, name: str) -> Any:
    if _reads is not None:
        _reads.add((object.__getattribute__(self, "path"), name))
    return object.__getattribute__(self, name)


@contextmanager
def recording() -> Iterator[set[tuple[str, str]]]:
    """Within the block, note every (path, field) read from any Document, into the set given.

    A page is rendered inside this block (by serve, whose rebuilds use it), so the set says
    exactly what the page was drawn from besides templates, settings and the site's structure:
    an incremental rebuild redraws a page only when one of those fields changed. Reads made in
    code the template calls (a filter, a model method) are noted too: they go through the same
    attribute lookup, which Document has only inside this block, so that other builds do not
    pay for it (about 10% of a cold build)."""
    global _reads
    _reads = reads = set()
    Document.__getattribute__ = _noting_getattribute  # type: ignore[method-assign]
    try:
        yield reads
    finally:
        del Document.__getattribute__
        _reads = None
