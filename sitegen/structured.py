"""Machine-readable data derived from the site model: JSON-LD, sitemap entries, feed links."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from .content import Document
from .markup import plain_text
from .model import Site, url_of

SCHEMA_ORG = "https://schema.org"
ROOT_LINK_RE = re.compile(r' (href|src)="/')  # in sanitized bodies: see markup.ID_RE


class Structured:
    """Helpers bound to one site, exposed to templates; pure functions of the model."""

    def __init__(self, site: Site, bodies: dict[str, str]) -> None:
        self.site = site
        self.bodies = bodies
        self.config = site.config

    def breadcrumb_items(self, trail: list[tuple[str, str]]) -> list[dict[str, Any]]:
        return [
            {"@type": "ListItem", "position": n, "name": label, "item": self.config.abs_url(path)}
            for n, (label, path) in enumerate(trail, start=1)
        ]

    def article_ld(self, doc: Document) -> dict[str, Any]:
        team = {"@type": "Organization", "name": f"{self.config.title} editorial team"}
        data: dict[str, Any] = {
            "@context": SCHEMA_ORG,
            "@type": "MedicalWebPage",
            "headline": doc.title,
            "name": doc.title,
            "description": doc.summary,
            "url": self.config.abs_url(url_of(doc)),
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
            "url": self.config.abs_url("faq/"),
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": f.title,
                    "acceptedAnswer": {"@type": "Answer", "text": plain_text(self.bodies[f.path])},
                }
                for f in faqs
            ],
        }

    def sitemap_entries(self) -> list[tuple[str, date | None]]:
        site = self.site
        newest = site.last_modified
        entries: list[tuple[str, date | None]] = [("", newest), ("topics/", newest)]
        for group in site.groups:
            dates = [a.modified for a in group.articles if a.modified]
            entries.append((f"topics/{group.topic.id}/", max(dates) if dates else None))
        entries.append(("faq/", newest))  # the search page is left out: it has no content
        entries += [(url_of(a), a.modified) for a in site.articles]
        entries += [(url_of(p), None) for p in site.pages]
        return entries

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
            "breadcrumb_items": self.breadcrumb_items,
            "article_ld": self.article_ld,
            "faq_ld": self.faq_ld,
            "sitemap_entries": self.sitemap_entries,
            "absolute_links": self.absolute_links,
        }
