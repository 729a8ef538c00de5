"""The URL registry: every kind of page the site has, its URL, its output file and the names it
reserves. Nothing else in the generator or its templates spells a URL; everything asks here.

URLs are relative to the site root ("" is the home page, "articles/x/" an article); the config's
``url()`` and ``abs_url()`` put the base path or address in front. A page whose URL ends in "/"
is written as that folder's index.html, as GitHub Pages and every static host serve it.

A site in several languages has one edition per language. The default language's pages have
the URLs above; each further language's live under its code, with its own words for the path
segments where site.toml gives them (a Locale): "es/articulos/x/" for "articles/x/".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

# kind -> URL pattern; "{}" is filled with the slug, topic id or file name.
PATTERNS: dict[str, str] = {
    "home": "",
    "topics": "topics/",
    "topic": "topics/{}/",
    "article": "articles/{}/",
    "faq": "faq/",
    "faq_entry": "faq/#{}",  # an FAQ entry is a section of the FAQ page
    "page": "{}/",  # a standalone page from content/pages/
    "search": "search/",
    "not_found": "404.html",
    "feed": "feed.xml",
    "sitemap": "sitemap.xml",
    "robots": "robots.txt",
    "static": "static/{}",  # a file from static/, at the same path
    "search_index": "pagefind/{}",  # written by Pagefind
}

# Kinds every language has once for itself; the rest are the site's, once (robots.txt, the
# static files and the search index, which Pagefind splits by language inside).
EDITION_KINDS = frozenset(PATTERNS) - {"robots", "static", "search_index"}
# The path segments a language may put in its own words (site.toml: segments).
SEGMENTS = frozenset(
    p.split("/")[0] for k, p in PATTERNS.items() if k in EDITION_KINDS and "/" in p
) - {"{}"}

# Which kind of page shows each kind of document.
DOCUMENT_KINDS = {"article": "article", "faq": "faq_entry", "page": "page"}

# Pages written only for the search index (one per FAQ answer), removed once it is built.
SEARCH_RECORDS = "search-records"

# A standalone page cannot take a name the site itself uses at its root.
RESERVED = frozenset(
    p.split("/")[0] for p in PATTERNS.values() if "/" in p and not p.startswith("{")
) | {SEARCH_RECORDS}


INDEX = "index.html"  # the file a folder URL is served from


@dataclass(frozen=True)
class Locale:
    """Where one language's edition lives: its folder ("" for the default language, "es/"),
    its words for path segments ({"articles": "articulos"}) and for topic ids in URLs."""

    prefix: str = ""
    segments: dict[str, str] = field(default_factory=dict, hash=False)
    topic_slugs: dict[str, str] = field(default_factory=dict, hash=False)

    def pattern(self, kind: str) -> str:
        pattern = PATTERNS[kind]
        if kind not in EDITION_KINDS or not self.prefix:
            return pattern
        first, slash, rest = pattern.partition("/")
        return self.prefix + (self.segments.get(first, first) + slash + rest if slash else first)


DEFAULT = Locale()


def reserved(locale: Locale) -> set[str]:
    """The names a standalone page cannot take in the edition of ``locale``: those its own
    pages use in its folder (and, in the default language's, the site's at the root)."""
    if not locale.prefix:
        return set(RESERVED)
    return {locale.segments.get(s, s) for s in SEGMENTS}


def path(kind: Any, name: str = "", locale: Locale = DEFAULT) -> str:
    """The URL of a page, relative to the site root: ``path("topic", "trust")`` is
    "topics/trust/"; ``path(doc, locale=...)`` is a document's page (an FAQ entry's section),
    in the edition of ``locale``; ``path(entry)`` an Entry's (it knows its edition)."""
    if type(kind) is Entry:  # type(), not isinstance: a Document's __class__ is a read
        return path(kind.kind, kind.name, kind.locale)
    if type(kind) is not str:  # a Document
        return locale.pattern(DOCUMENT_KINDS[kind.kind]).format(kind.slug)
    pattern = locale.pattern(kind)
    if ("{}" in pattern) != bool(name):
        raise ValueError(
            f"the URL of a {kind!r} page " + ("needs a name" if name else "takes none")
        )
    if kind == "topic":
        name = locale.topic_slugs.get(name, name)
    return pattern.format(name)


def output(url: str) -> str:
    """The file a page URL is written to, inside the output folder: "" -> index.html,
    "faq/" -> faq/index.html, "feed.xml" -> feed.xml."""
    page = url.partition("#")[0]
    return page + INDEX if page.endswith("/") or not page else page


def url_of_output(name: str) -> str:
    """The URL a written file is served at (the reverse of ``output``)."""
    return name.removesuffix(INDEX) if name == INDEX or name.endswith("/" + INDEX) else name


def is_static(url: str) -> bool:
    """Whether a root-relative URL points into the copied static files."""
    return url.startswith(PATTERNS["static"].format(""))


def search_index_folder() -> str:
    """The folder, inside the output, that Pagefind writes its index to."""
    return PATTERNS["search_index"].format("").rstrip("/")


def example_paths() -> str:
    """Two site paths, for hints that tell editors what a link to a page looks like."""
    return f"/{path('topic', 'trust')} or /{path('faq')}"


@dataclass(frozen=True)
class Entry:
    """One page of a site: its kind, the name in its URL, and what it shows."""

    kind: str
    name: str = ""
    subject: Any = None  # the Document or topic group the page shows, if any
    locale: Locale = DEFAULT  # the edition it belongs to

    @cached_property  # an incremental rebuild asks each page for these several times
    def url(self) -> str:
        return path(self.kind, self.name, self.locale)

    @cached_property
    def output(self) -> str:
        return output(self.url)


def pages(site: Any) -> list[Entry]:
    """Every page of ``site`` (a model.Site: one language's edition), in the order they are
    built; the site-wide robots.txt comes with the default language's."""
    here = site.config.locale()
    entries = [Entry("home", locale=here), Entry("topics", locale=here)]
    entries += [Entry("topic", group.topic.id, group, here) for group in site.groups]
    entries.append(Entry("faq", locale=here))
    entries += [Entry("article", doc.slug, doc, here) for doc in site.articles]
    entries += [Entry("page", doc.slug, doc, here) for doc in site.pages]
    entries += [Entry(k, locale=here) for k in ("search", "not_found", "feed", "sitemap")]
    if not here.prefix:
        entries.append(Entry("robots"))
    return entries
