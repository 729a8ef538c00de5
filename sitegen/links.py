"""Internal links: rewrite editors' .md and site paths to page URLs, and check every target."""

from __future__ import annotations

import difflib
import html
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .content import Document
from .errors import SiteError
from .markup import URL_ATTR_RE
from .model import Site, url_of

EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


@dataclass(frozen=True)
class AnchorCheck:
    """A link whose #anchor can be checked only once its target page is rendered."""

    page: str  # target URL relative to the site root, e.g. "articles/x/"
    anchor: str
    path: str
    line: int


@dataclass(frozen=True)
class Resolved:
    html: str
    anchors: tuple[AnchorCheck, ...]


def page_urls(site: Site) -> set[str]:
    """Every page URL the site will have, relative to the root."""
    urls = {"", "topics/", "faq/", "search/"}
    urls |= {f"topics/{t.id}/" for t in site.config.topics}
    urls |= {url_of(d) for d in site.articles + site.pages}
    return urls


def resolve(
    doc: Document,
    site: Site,
    urls: set[str],
    unreadable: set[str] = frozenset(),
    statics: frozenset[str] = frozenset(),
) -> tuple[Resolved, list[SiteError]]:
    """Rewrite ``doc``'s links under the base path; report targets that do not exist.

    Links to ``unreadable`` files (those with errors of their own) are not reported again;
    ``statics`` are the files in static/ by their path from the root (static/style.css).
    """
    by_path = site.by_path
    drafts = site.draft_paths
    url = site.config.url
    own_page = url_of(doc).split("#")[0]
    errors: list[SiteError] = []
    anchors: list[AnchorCheck] = []
    rewritten: dict[str, str] = {}

    for raw, line in doc.body.links:
        href = html.unescape(raw)
        if EXTERNAL.match(href) or raw in rewritten:
            continue
        parts = urlsplit(href)
        fragment = parts.fragment
        if not parts.path:  # "#anchor" on the same page
            anchors.append(AnchorCheck(own_page, fragment, doc.path, line))
            continue
        if parts.path.startswith("/"):
            target = parts.path.lstrip("/")
            if target in statics:  # exactly as the walk found it: no "..", no hidden files
                rewritten[raw] = url(target)
                continue
            if target.startswith("static/"):
                errors.append(
                    SiteError(
                        doc.path,
                        line,
                        f"link to {parts.path}: no such file in static/",
                        "link to a file in static/ by its path, e.g. /static/style.css",
                    )
                )
                continue
            page = target if target in urls or target.endswith("/") else target + "/"
            if page not in urls:
                errors.append(
                    SiteError(
                        doc.path,
                        line,
                        f"link to {parts.path}: no such page",
                        "site paths look like /topics/trust/ or /faq/",
                    )
                )
                continue
        else:
            source = posixpath.normpath(posixpath.join(posixpath.dirname(doc.path), parts.path))
            if not source.endswith(".md"):
                errors.append(
                    SiteError(
                        doc.path,
                        line,
                        f"link to '{parts.path}' is not a content file",
                        "link to another page by its .md file, e.g. other-article.md",
                    )
                )
                continue
            target_doc = by_path.get(source)
            if source in unreadable:
                continue
            if source in drafts:
                errors.append(
                    SiteError(
                        doc.path,
                        line,
                        f"links to {source}, which is a draft",
                        "publish it (remove draft: true) or remove the link",
                    )
                )
                continue
            if target_doc is None:
                errors.append(
                    SiteError(
                        doc.path,
                        line,
                        f"link to '{parts.path}': no such file ({source})",
                        _suggest(source, by_path),
                    )
                )
                continue
            page, _, own_anchor = url_of(target_doc).partition("#")
            # A heading whose id clashed with the page's own was renamed ("main" -> "main-1"):
            # the link follows the heading, as a link within that page does.
            fragment = dict(target_doc.body.renamed).get(fragment, fragment)
            if own_anchor:  # an FAQ entry: its ids carry its slug
                fragment = f"{own_anchor}-{fragment}" if fragment else own_anchor
        if fragment:
            anchors.append(AnchorCheck(page, fragment, doc.path, line))
        rewritten[raw] = url(page) + (f"#{fragment}" if fragment else "")

    def swap(match: re.Match[str]) -> str:
        new = rewritten.get(match.group(2))
        return f' {match.group(1)}="{html.escape(new)}"' if new is not None else match.group(0)

    body = URL_ATTR_RE.sub(swap, doc.body.html) if rewritten else doc.body.html
    return Resolved(body, tuple(anchors)), errors


def _suggest(source: str, by_path: dict[str, Document]) -> str:
    folder = posixpath.dirname(source)
    names = [Path(p).name for p in by_path if posixpath.dirname(p) == folder]
    close = difflib.get_close_matches(Path(source).name, names, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"no file with a similar name in {folder}/; check the name and the folder"


def check_anchors(checks: list[AnchorCheck], ids: Mapping[str, frozenset[str]]) -> list[SiteError]:
    """Each anchor must be an id on its rendered target page (``ids``: URL -> the page's ids)."""
    errors = []
    for check in checks:
        if html.escape(check.anchor) not in ids.get(check.page, ()):
            where = "this page" if not check.page else f"/{check.page}"
            errors.append(
                SiteError(
                    check.path,
                    check.line,
                    f"no anchor #{check.anchor} on {where}",
                    "anchors are heading ids: '## My heading' has #my-heading",
                )
            )
    return errors
