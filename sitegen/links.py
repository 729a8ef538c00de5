"""Internal links: rewrite editors' .md and site paths to page URLs, and check every target."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import urls
from .document import Document
from .errors import SiteError
from .files import Tree
from .markup import URL_ATTR_RE
from .model import Site
from .suggest import did_you_mean

EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


@dataclass(frozen=True)
class AnchorCheck:
    """A link whose #anchor can be checked only once its target page is rendered."""

    page: str  # target URL relative to the site root (see urls.path)
    anchor: str
    path: str
    line: int


@dataclass(frozen=True)
class Resolved:
    html: str
    anchors: tuple[AnchorCheck, ...]


def page_urls(site: Site) -> set[str]:
    """Every page URL the site will have, relative to the root."""
    return {page.url for page in urls.pages(site)}


def resolve(
    doc: Document,
    site: Site,
    pages: set[str],
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
    own_page = urls.path(doc).split("#")[0]
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
            if urls.is_static(target):
                errors.append(
                    SiteError(
                        doc.path,
                        line,
                        f"link to {parts.path}: no such file in static/",
                        f"link to a file in static/ by its path, e.g. /{urls.path('static', 'style.css')}",
                    )
                )
                continue
            page = target if target in pages or target.endswith("/") else target + "/"
            if page not in pages:
                errors.append(
                    SiteError(
                        doc.path,
                        line,
                        f"link to {parts.path}: no such page",
                        f"site paths look like {urls.example_paths()}",
                    )
                )
                continue
        else:
            source = _source(doc, parts.path)
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
                        did_you_mean(
                            posixpath.basename(source),
                            (
                                posixpath.basename(p)
                                for p in by_path
                                if posixpath.dirname(p) == posixpath.dirname(source)
                            ),
                            f"no file with a similar name in {posixpath.dirname(source)}/; check the name and the folder",
                        ),
                    )
                )
                continue
            page, _, own_anchor = urls.path(target_doc).partition("#")
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


def targets(doc: Document) -> set[str]:
    """The content files ``doc`` links to, by path (content/articles/x.md)."""
    found = set()
    for raw, _ in doc.body.links:
        href = html.unescape(raw)
        target = urlsplit(href).path
        if target and not EXTERNAL.match(href) and not target.startswith("/"):
            found.add(_source(doc, target))
    return found


def _source(doc: Document, target: str) -> str:
    """The content path of a relative link ``target`` written in ``doc``."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(doc.path), target))


def resolve_all(
    site: Site,
    docs: tuple[Document, ...],
    static: Tree,
    unreadable: set[str] = frozenset(),
) -> tuple[dict[str, str], dict[str, tuple[AnchorCheck, ...]], list[SiteError]]:
    """Resolve the links of ``docs`` (``static``: the walk of static/ they may link into):
    their bodies, their anchor checks, and the errors."""
    pages = page_urls(site)
    statics = frozenset(f.rel for f in static.files)
    bodies, anchors, errors = {}, {}, []
    for doc in docs:
        resolved, problems = resolve(doc, site, pages, unreadable, statics)
        bodies[doc.path] = resolved.html
        anchors[doc.path] = resolved.anchors
        errors.extend(problems)
    return bodies, anchors, errors


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
