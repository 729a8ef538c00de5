"""Machine-readable data derived from the site model: JSON-LD, sitemap entries, feed links."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from . import urls
from .document import Document
from .markup import plain_text
from .model import Site

SCHEMA_ORG = "https://schema.org"
ROOT_LINK_RE = re.compile(r' (href|src)="/')  # in sanitized bodies: see markup.ID_RE


class Structured:
    """Helpers bound to one site, exposed to templates; pure functions of the model."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.config = site.config

    def website_ld(self) -> dict[str, Any]:
        return {
            "@context": SCHEMA_ORG,
            "@type": "WebSite",
            "name": self.config.title,
            "description": self.config.description,
            "url": self.config.abs_url(),
            "inLanguage": self.config.language,
        }

    def breadcrumb_ld(self, trail: list[tuple[str, Any]]) -> dict[str, Any]:
        """A breadcrumb trail of (label, page): a kind of page, a document or a urls.Entry."""
        items = [
            {
                "@type": "ListItem",
                "position": n,
                "name": label,
                "item": self.config.abs_url(urls.path(target)),
            }
            for n, (label, target) in enumerate(trail, start=1)
        ]
        return {"@context": SCHEMA_ORG, "@type": "BreadcrumbList", "itemListElement": items}

    def article_ld(self, doc: Document) -> dict[str, Any]:
        team = {"@type": "Organization", "name": f"{self.config.title} editorial team"}
        data: dict[str, Any] = {
            "@context": SCHEMA_ORG,
            "@type": "MedicalWebPage",
            "headline": doc.title,
            "name": doc.title,
            "description": doc.summary,
            "url": self.config.abs_url(urls.path(doc)),
            "inLanguage": self.config.language,
            "datePublished": doc.published.isoformat() if doc.published else None,
            "dateModified": (doc.modified or doc.published).isoformat() if doc.published else None,
            "author": team,
            "publisher": {
                "@type": "Organization",
                "name": self.config.title,
                "url": self.config.abs_url(),
            },
            "about": [self.config.topic(t).title for t in doc.topics],
            "citation": [self._citation(s) for s in doc.sources],
        }
        if doc.reviewed:
            data["lastReviewed"] = doc.reviewed.isoformat()
            data["reviewedBy"] = (
                {"@type": "Organization", "name": doc.reviewer} if doc.reviewer else team
            )
        return {k: v for k, v in data.items() if v not in (None, [])}

    def _citation(self, source: Any) -> dict[str, Any]:
        item: dict[str, Any] = {
            "@type": "ScholarlyArticle",
            "name": source.title,
            "author": source.authors,
            "datePublished": str(source.year),
        }
        if source.venue:
            item["isPartOf"] = source.venue
        if source.link:
            item["url"] = source.link
        return item

    def faq_ld(self, faqs: tuple[Document, ...]) -> dict[str, Any]:
        return {
            "@context": SCHEMA_ORG,
            "@type": "FAQPage",
            "url": self.config.abs_url(urls.path("faq")),
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": f.title,
                    "acceptedAnswer": {"@type": "Answer", "text": plain_text(f.html)},
                }
                for f in faqs
            ],
        }

    def sitemap_entries(self) -> list[tuple[urls.Entry, date | None]]:
        """The pages a search engine should know (not search, 404, feed and the like), each
        with the date its content last changed where one is known."""
        site = self.site
        newest = site.last_modified

        def modified(page: urls.Entry) -> date | None:
            if page.kind == "topic":
                dates = [a.modified for a in page.subject.articles if a.modified]
                return max(dates) if dates else None
            if page.kind == "article":
                return page.subject.modified
            if page.kind == "page":
                return None
            return newest

        kinds = ("home", "topics", "topic", "faq", "article", "page")
        return [(page, modified(page)) for page in urls.pages(site) if page.kind in kinds]

    def absolute_links(self, fragment: str) -> str:
        """Root-relative links made absolute, as feed readers need."""
        host = (
            self.config.base_url[: -len(self.config.base_path)]
            if self.config.base_path != "/"
            else self.config.base_url.rstrip("/")
        )
        host = html.escape(host, quote=True)  # an attribute value, whatever the settings said
        return ROOT_LINK_RE.sub(lambda m: f' {m.group(1)}="{host}/', fragment)

    def globals(self) -> dict[str, Any]:
        return {
            "website_ld": self.website_ld,
            "breadcrumb_ld": self.breadcrumb_ld,
            "article_ld": self.article_ld,
            "faq_ld": self.faq_ld,
            "sitemap_entries": self.sitemap_entries,
            "absolute_links": self.absolute_links,
        }
