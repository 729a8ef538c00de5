"""Machine-readable data derived from the site model: JSON-LD, sitemap entries, feed links."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any
from urllib.parse import quote

import nh3
from markupsafe import Markup

from . import urls
from .document import Document
from .model import Site
from .typography import smarten_text

SCHEMA_ORG = "https://schema.org"
CITE_RE = re.compile(r'<sup class="cite"[^>]*>.*?</sup>', re.S)
ANSWER_TAGS = {"p", "a", "ul", "ol", "li", "strong", "em", "br"}  # what FAQPage answers may hold
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
                "item": self.config.abs_url(self.config.path(target)),
            }
            for n, (label, target) in enumerate(trail, start=1)
        ]
        return {"@context": SCHEMA_ORG, "@type": "BreadcrumbList", "itemListElement": items}

    def organisation(self) -> dict[str, Any]:
        """The site's one name for itself: author, publisher and reviewer of every page."""
        return {"@type": "Organization", "name": self.config.title, "url": self.config.abs_url()}

    def article_ld(self, doc: Document) -> dict[str, Any]:
        data: dict[str, Any] = {
            "@context": SCHEMA_ORG,
            "@type": "MedicalWebPage",
            "headline": doc.title,
            "name": doc.title,
            "description": doc.summary,
            "url": self.config.abs_url(self.config.path(doc)),
            "inLanguage": self.config.language,
            "datePublished": doc.published.isoformat() if doc.published else None,
            "dateModified": (doc.modified or doc.published).isoformat() if doc.published else None,
            "author": self.organisation(),
            "publisher": self.organisation(),
            "about": [self.config.topic(t).title for t in doc.topics],
            "citation": [self._citation(s) for s in doc.sources],
        }
        if doc.reviewed:
            data["lastReviewed"] = doc.reviewed.isoformat()
            data["reviewedBy"] = self.organisation()
        return {k: v for k, v in data.items() if v not in (None, [])}

    def _citation(self, source: Any) -> dict[str, Any]:
        item: dict[str, Any] = {
            "@type": "ScholarlyArticle",
            "name": smarten_text(source.title, self.config.quotes),  # as the page shows it
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
            "url": self.config.abs_url(self.config.path("faq")),
            "inLanguage": self.config.language,
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": f.title,
                    "acceptedAnswer": {"@type": "Answer", "text": self.answer_html(f)},
                }
                for f in faqs
            ],
        }

    def answer_html(self, doc: Document) -> str:
        """An FAQ answer as search engines take it: paragraphs, lists, emphasis and links with
        absolute addresses; no citation markers (their reference list is not there)."""
        html = CITE_RE.sub("", doc.html)
        html = nh3.clean(html, tags=ANSWER_TAGS, attributes={"a": {"href"}}, link_rel=None)
        return self.absolute_links(html).strip()

    def search_records(self) -> list[tuple[str, str]]:
        """One search-only page per FAQ answer (file name, HTML), so that search ranks and
        shows each answer on its own and links to it on the FAQ page (see search.index)."""
        records = []
        for doc in self.site.faqs:
            url = html.escape(self.config.url(self.config.path(doc)), quote=True)
            question = html.escape(doc.title)
            records.append(
                (
                    f"{self.config.language}/{doc.slug}.html",  # a folder per language
                    f'<!doctype html><html lang="{html.escape(self.config.language)}"><head>'
                    f'<meta charset="utf-8"><title>{question}</title></head><body>'
                    f'<main data-pagefind-body data-pagefind-meta="url:{url}"><h1>{question}</h1>'
                    f"{CITE_RE.sub('', doc.html)}</main></body></html>",
                )
            )
        return records

    def sitemap_entries(self) -> list[tuple[urls.Entry, date | None]]:
        """The pages a search engine should know (not search, 404, feed and the like), each
        with the date its content last changed where one is known."""
        site = self.site
        dates = [d.modified or d.reviewed for d in site.documents if d.modified or d.reviewed]
        newest = max(dates) if dates else None

        def latest(docs: tuple[Document, ...]) -> date | None:
            dates = [d.modified or d.reviewed for d in docs if d.modified or d.reviewed]
            return max(dates) if dates else newest

        def modified(page: urls.Entry) -> date | None:
            if page.kind == "topic":
                return latest(page.subject.articles + site.faqs_for(page.name))
            if page.kind == "faq":
                return latest(site.faqs)
            if page.kind in ("article", "page"):
                return page.subject.modified or page.subject.reviewed or newest
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

    def edit_url(self, doc: Document) -> str:
        """Where GitHub edits the document's source file (a fork of it, for most editors)."""
        return f"{self.config.repo_url}/edit/{quote(self.config.branch)}/{quote(doc.path)}"

    def report_url(self, title: str, body: str) -> str:
        """A new issue about a page, its title and first words filled in (in the page's
        language: the template gives them, as HTML-safe text, whose characters the issue
        wants rather than their escapes)."""
        title, body = (t.unescape() if isinstance(t, Markup) else t for t in (title, body))
        return f"{self.config.repo_url}/issues/new?title={quote(title)}&body={quote(body)}"

    def globals(self) -> dict[str, Any]:
        return {
            "edit_url": self.edit_url,
            "report_url": self.report_url,
            "website_ld": self.website_ld,
            "breadcrumb_ld": self.breadcrumb_ld,
            "article_ld": self.article_ld,
            "faq_ld": self.faq_ld,
            "sitemap_entries": self.sitemap_entries,
            "absolute_links": self.absolute_links,
        }
