"""The site model: published documents, their URLs, topics, related articles and neighbours."""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property

from markupsafe import Markup

from . import urls
from .config import Config, Topic
from .document import Document
from .errors import BuildError, SiteError
from .suggest import did_you_mean

RELATED_COUNT = 3


@dataclass(frozen=True)
class TopicGroup:
    topic: Topic
    articles: tuple[Document, ...]
    faqs: tuple[Document, ...]


@dataclass(frozen=True)
class Site:
    """One language's edition of the site (a site in one language has one)."""

    config: Config  # this edition's settings: see Config.editions
    articles: tuple[Document, ...]  # newest first
    faqs: tuple[Document, ...]  # in topic order, then by slug
    pages: tuple[Document, ...]
    drafts: tuple[Document, ...]  # left out of this build
    # Every edition's published documents by what they share (Document.key: the original's
    # path), then by language code: {"content/faq/x.md": {"en": original, "es": translation}}.
    translations: Mapping[str, Mapping[str, Document]] = field(default_factory=dict)

    @cached_property
    def documents(self) -> tuple[Document, ...]:
        return self.articles + self.faqs + self.pages

    @cached_property
    def by_path(self) -> dict[str, Document]:
        """Published documents by their content path, e.g. content/articles/x.md."""
        return {d.path: d for d in self.documents}

    @cached_property
    def draft_paths(self) -> frozenset[str]:
        return frozenset(d.path for d in self.drafts)

    @cached_property
    def groups(self) -> tuple[TopicGroup, ...]:
        return tuple(
            TopicGroup(
                topic,
                tuple(a for a in self.articles if topic.id in a.topics),
                tuple(f for f in self.faqs if f.topics[0] == topic.id),
            )
            for topic in self.config.topics
        )

    @cached_property
    def _group_by_id(self) -> dict[str, TopicGroup]:
        return {g.topic.id: g for g in self.groups}

    @cached_property
    def _position(self) -> dict[str, int]:
        """Each article's index in ``articles`` (newest first), by path."""
        return {a.path: i for i, a in enumerate(self.articles)}

    @cached_property
    def _by_topic_set(self) -> dict[frozenset[str], list[Document]]:
        """Articles grouped by their exact set of topics, newest first within each set."""
        buckets: dict[frozenset[str], list[Document]] = {}
        for a in self.articles:
            buckets.setdefault(frozenset(a.topics), []).append(a)
        return buckets

    def group(self, topic_id: str) -> TopicGroup:
        return self._group_by_id[topic_id]

    def faqs_for(self, topic_id: str) -> tuple[Document, ...]:
        return tuple(f for f in self.faqs if topic_id in f.topics)

    def page(self, slug: str) -> Document | None:
        return page_named(self.pages, slug)

    def versions(self, doc: Document) -> Mapping[str, Document]:
        """``doc`` in each language it is published in, by language code (itself included)."""
        return self.translations.get(doc.key, {})

    def related(self, doc: Document) -> tuple[Document, ...]:
        """Other articles sharing the most topics with ``doc``; newest first among equals."""
        ranked = self._ranked_for(frozenset(doc.topics))
        return tuple(a for a in ranked if a.path != doc.path)[:RELATED_COUNT]

    def _ranked_for(self, mine: frozenset[str]) -> tuple[Document, ...]:
        """The best RELATED_COUNT + 1 articles for a set of topics (one more, in case the
        article asking is among them). Articles with the same topics score alike, so only the
        newest few of each set can make the list, and every article with the same topics gets
        the same answer: it is computed once per set of topics, not once per article."""
        cache = self._related_cache
        if mine not in cache:
            candidates = []
            for topics, bucket in self._by_topic_set.items():
                shared = len(mine & topics)
                if shared:
                    candidates.extend(
                        (-shared, self._position[a.path], a) for a in bucket[: RELATED_COUNT + 1]
                    )
            candidates.sort(key=lambda item: item[:2])
            cache[mine] = tuple(a for _, _, a in candidates[: RELATED_COUNT + 1])
        return cache[mine]

    @cached_property
    def _related_cache(self) -> dict[frozenset[str], tuple[Document, ...]]:
        return {}

    def neighbours(self, doc: Document) -> tuple[Document | None, Document | None]:
        """The previous (older) and next (newer) article within ``doc``'s first topic."""
        articles = self.group(doc.topics[0]).articles  # newest first
        index = self._topic_position[doc.topics[0]][doc.path]
        older = articles[index + 1] if index + 1 < len(articles) else None
        newer = articles[index - 1] if index > 0 else None
        return older, newer

    @cached_property
    def _topic_position(self) -> dict[str, dict[str, int]]:
        return {g.topic.id: {a.path: i for i, a in enumerate(g.articles)} for g in self.groups}

    @property
    def last_modified(self) -> date | None:
        dates = [d.modified for d in self.articles if d.modified]
        return max(dates) if dates else None


def page_named(pages: Iterable[Document], slug: str) -> Document | None:
    """The default language's page with file name ``slug`` or its translation (so that settings
    and templates can name a page in any edition); failing that, a page of its own with that
    file name that translates nothing. In Spanish, help_page = "get-help" is the page that
    translates get-help.md, never another page that happens to be called get-help.md."""
    pages = tuple(pages)
    return next(
        (p for p in pages if p.original and posixpath.basename(p.original) == f"{slug}.md"), None
    ) or next((p for p in pages if p.slug == slug and not p.original), None)


def build_editions(
    config: Config,
    docs: list[Document],
    drafts: bool = False,
    unreadable: Collection[str] = frozenset(),
) -> tuple[Site, ...]:
    """The site once per language (the default language's first), each from the documents in
    its language, with every translation paired with its original; raise BuildError on
    conflicts within an edition or between a translation and its original (``unreadable``: the
    content files that failed to parse, whose own errors are reported: a translation of one of
    them is not also reported as translating a file that does not exist)."""
    sites: list[Site] = []
    errors: list[SiteError] = []
    default = config.default_language
    for edition in config.editions():
        mine = [d for d in docs if (d.lang or default) == edition.language]
        try:
            sites.append(_assemble(edition, mine, drafts))
        except BuildError as exc:
            errors.extend(exc.errors)
    translations, problems = _pair(docs, sites, default, unreadable)
    if errors or problems:
        raise BuildError(errors + problems)
    # The URLs are checked on the finished editions, which keep what the check works out (the
    # topic groups, every page): checked before, a second build of each would redo it.
    finished = tuple(replace(site, translations=translations) for site in sites)
    for site in finished:
        try:
            _check_unique_urls(site)
        except BuildError as exc:
            errors.extend(exc.errors)
    if errors:
        raise BuildError(errors)
    return finished


def _pair(
    docs: list[Document], sites: list[Site], default: str, unreadable: Collection[str]
) -> tuple[dict[str, dict[str, Document]], list[SiteError]]:
    """Each published document with its published translations, by the original's path; and
    the translations whose original does not exist or that another file already translates."""
    errors: list[SiteError] = []
    paths = {d.path for d in docs if not d.lang}
    pairs: dict[str, dict[str, Document]] = {}
    for site in sites:
        for doc in site.documents:
            if doc.original in unreadable:
                continue  # its original's errors are reported; this one would only mislead
            if doc.original and doc.original not in paths:
                folder = posixpath.dirname(doc.original)
                errors.append(
                    SiteError(
                        doc.path,
                        doc.line("translates"),
                        f"translates {doc.original}, which does not exist",
                        did_you_mean(
                            posixpath.basename(doc.original),
                            (posixpath.basename(p) for p in paths if p.startswith(folder + "/")),
                            f"name a file in {folder}/",
                        ),
                    )
                )
                continue
            lang = doc.lang or default
            other = pairs.setdefault(doc.key, {}).get(lang)
            if other is not None:
                errors.append(
                    SiteError(
                        doc.path,
                        doc.line("translates"),
                        f"{other.path} already translates {doc.original}",
                        "each page has one translation per language: remove one 'translates'",
                    )
                )
                continue
            pairs[doc.key][lang] = doc
    return pairs, errors


def _assemble(config: Config, docs: list[Document], drafts: bool) -> Site:
    """One edition (``config``'s language) from validated documents in its language; raise
    BuildError on conflicts within it (build_editions then checks that no two pages share a
    URL)."""
    errors: list[SiteError] = []
    published = [d for d in docs if drafts or not d.draft]
    claimed: dict[str, Document] = {}
    here = config.locale()
    reserved = urls.reserved(here)
    if config.is_default:  # each further language's folder
        reserved |= {lang.code for lang in config.languages[1:]}
    for doc in published:
        if doc.kind == "page" and doc.slug in reserved:
            errors.append(
                SiteError(
                    doc.path,
                    None,
                    f"the URL /{here.prefix}{doc.slug}/ belongs to the site itself",
                    "rename the file",
                )
            )
        url = config.path(doc)
        if url in claimed:
            errors.append(
                SiteError(
                    doc.path,
                    None,
                    f"claims the URL {url} already used by {claimed[url].path}",
                    "rename one of the two files",
                )
            )
        claimed.setdefault(url, doc)
    help_page = config.help_page
    if page_named([d for d in published if d.kind == "page"], help_page) is None:
        if config.is_default:
            message, hint = "", f"add content/pages/{help_page}.md or change help_page"
        else:
            message = f" in language '{config.language}'"
            hint = f"add a page to content/{config.language}/pages/ with translates: pages/{help_page}.md"
        errors.append(
            SiteError("site.toml", None, f"help_page '{help_page}' has no page{message}", hint)
        )
    if errors:
        raise BuildError(errors)
    topic_order = {t.id: i for i, t in enumerate(config.topics)}
    articles = sorted(
        (d for d in published if d.kind == "article"),
        key=lambda d: (-d.published.toordinal(), d.slug),  # type: ignore[union-attr]
    )
    faqs = sorted(
        (d for d in published if d.kind == "faq"), key=lambda d: (topic_order[d.topics[0]], d.slug)
    )
    pages = sorted((d for d in published if d.kind == "page"), key=lambda d: d.slug)
    kept = {d.path for d in published}
    return Site(
        config,
        tuple(articles),
        tuple(faqs),
        tuple(pages),
        tuple(d for d in docs if d.path not in kept),
    )


def _check_unique_urls(site: Site) -> None:
    """Two pages of one edition may not share a URL: a word for a segment or a topic slug in
    site.toml that another page already uses would make one overwrite the other. (Files that
    would share one are reported above, by name.)"""
    seen: dict[str, urls.Entry] = {}
    errors = []
    for entry in urls.pages(site):
        other = seen.setdefault(entry.output, entry)
        if other is not entry:
            errors.append(
                SiteError(
                    "site.toml",
                    None,
                    f"the {other.kind} page {other.name!r} and the {entry.kind} page "
                    f"{entry.name!r} of language '{site.config.language}' would share the URL "
                    f"/{entry.url}",
                    "give each segment (segments = {...}) and each topic slug a word of its own",
                )
            )
    if errors:
        raise BuildError(errors)


def with_html(
    site: Site,
    html: dict[str, str],
    before: Mapping[str, Document] | None = None,
    changed: set[str] | None = None,
) -> Site:
    """The site with each document's body HTML, links resolved (``html``: by document path).
    A document not ``changed`` since the site ``before`` (by path) is taken from there as is."""
    before, changed = before or {}, changed or set()

    def resolved(docs: tuple[Document, ...]) -> tuple[Document, ...]:
        return tuple(
            before[d.path]
            if d.path in before and d.path not in changed
            else replace(d, html=Markup(html[d.path]))
            for d in docs
        )

    return replace(
        site,
        articles=resolved(site.articles),
        faqs=resolved(site.faqs),
        pages=resolved(site.pages),
    )


def review_due(doc: Document, config: Config) -> date | None:
    """When a document's next review is due: its last review plus the review interval."""
    if doc.reviewed is None:
        return None
    return doc.reviewed + timedelta(days=config.quality.max_review_age_days)


def structure(sites: Sequence[Site]) -> tuple:
    """What decides which documents every list, neighbour link, related list, feed, date and
    language switcher of the editions ``sites`` shows, and in what order: when it is unchanged,
    a page can change only through the fields of documents it read (see document.recording)."""
    return tuple(
        (d.path, d.topics, d.published, d.updated, d.draft, d.original)
        for site in sites
        for d in site.documents + site.drafts
    )


def documents_of(sites: Sequence[Site]) -> tuple[Document, ...]:
    """Every edition's published documents, the default language's first."""
    return tuple(doc for site in sites for doc in site.documents)


def by_path_of(sites: Sequence[Site]) -> dict[str, Document]:
    """Every edition's published documents by their content path."""
    return {path: doc for site in sites for path, doc in site.by_path.items()}
