"""The site model: published documents, their URLs, topics, related articles and neighbours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .config import Config, Topic
from .content import Document
from .errors import BuildError, SiteError

RESERVED_SLUGS = {"articles", "topics", "faq", "pagefind", "static", "search"}
RELATED_COUNT = 3


@dataclass(frozen=True)
class TopicGroup:
    topic: Topic
    articles: tuple[Document, ...]
    faqs: tuple[Document, ...]


@dataclass(frozen=True)
class Site:
    config: Config
    articles: tuple[Document, ...]  # newest first
    faqs: tuple[Document, ...]  # in topic order, then by slug
    pages: tuple[Document, ...]
    drafts: tuple[Document, ...]  # left out of this build

    @property
    def documents(self) -> tuple[Document, ...]:
        return self.articles + self.faqs + self.pages

    @property
    def groups(self) -> tuple[TopicGroup, ...]:
        return tuple(
            TopicGroup(
                topic,
                tuple(a for a in self.articles if topic.id in a.topics),
                tuple(f for f in self.faqs if f.topics[0] == topic.id),
            )
            for topic in self.config.topics
        )

    def group(self, topic_id: str) -> TopicGroup:
        return next(g for g in self.groups if g.topic.id == topic_id)

    def faqs_for(self, topic_id: str) -> tuple[Document, ...]:
        return tuple(f for f in self.faqs if topic_id in f.topics)

    def page(self, slug: str) -> Document | None:
        return next((p for p in self.pages if p.slug == slug), None)

    def related(self, doc: Document) -> tuple[Document, ...]:
        """Other articles sharing the most topics with ``doc``; newest first among equals."""
        scored = [
            (len(set(doc.topics) & set(a.topics)), index, a)
            for index, a in enumerate(self.articles)
            if a is not doc and set(doc.topics) & set(a.topics)
        ]
        scored.sort(key=lambda item: (-item[0], item[1]))
        return tuple(a for _, _, a in scored[:RELATED_COUNT])

    def neighbours(self, doc: Document) -> tuple[Document | None, Document | None]:
        """The previous and next article within ``doc``'s first topic, oldest to newest."""
        ordered = tuple(reversed(self.group(doc.topics[0]).articles))
        index = ordered.index(doc)
        before = ordered[index - 1] if index > 0 else None
        after = ordered[index + 1] if index + 1 < len(ordered) else None
        return before, after

    @property
    def last_modified(self) -> date | None:
        dates = [d.modified for d in self.articles if d.modified]
        return max(dates) if dates else None


def url_of(doc: Document) -> str:
    """The page URL of a document, relative to the site root (the contract's pretty URLs)."""
    if doc.kind == "article":
        return f"articles/{doc.slug}/"
    if doc.kind == "faq":
        return f"faq/#{doc.slug}"
    return f"{doc.slug}/"


def build_site(config: Config, docs: list[Document], drafts: bool = False) -> Site:
    """Assemble the site from validated documents; raise BuildError on site-wide conflicts."""
    errors: list[SiteError] = []
    published = [d for d in docs if drafts or not d.draft]
    claimed: dict[str, Document] = {}
    for doc in published:
        if doc.kind == "page" and doc.slug in RESERVED_SLUGS:
            errors.append(
                SiteError(
                    doc.path,
                    None,
                    f"the URL /{doc.slug}/ belongs to the site itself",
                    "rename the file",
                )
            )
        url = url_of(doc)
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
    if not any(d.kind == "page" and d.slug == help_page for d in published):
        errors.append(
            SiteError(
                "site.toml",
                None,
                f"help_page '{help_page}' has no page",
                f"add content/pages/{help_page}.md or change help_page",
            )
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
    return Site(
        config,
        tuple(articles),
        tuple(faqs),
        tuple(pages),
        tuple(d for d in docs if d not in published),
    )
