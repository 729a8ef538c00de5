"""Internal links: rewrite editors' .md and site paths to page URLs, and check every target."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import urls
from .config import Config
from .document import Document
from .errors import SiteError
from .files import Tree
from .markup import URL_ATTR_RE
from .model import Site, by_path_of
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


@dataclass(frozen=True)
class Targets:
    """What links may point to: every edition's pages, documents and drafts, and the files
    in static/ by their path from the root (static/style.css)."""

    config: Config
    pages: frozenset[str]
    by_path: Mapping[str, Document]
    drafts: frozenset[str]
    statics: frozenset[str]

    @classmethod
    def of(cls, sites: Sequence[Site], static: Tree) -> Targets:
        return cls(
            sites[0].config,
            frozenset(page.url for site in sites for page in urls.pages(site)),
            by_path_of(sites),
            frozenset(path for site in sites for path in site.draft_paths),
            frozenset(f.rel for f in static.files),
        )


def resolve(
    doc: Document, targets: Targets, unreadable: Collection[str] = frozenset()
) -> tuple[Resolved, list[SiteError]]:
    """Rewrite ``doc``'s links under the base path; report targets that do not exist.

    Links to ``unreadable`` files (those with errors of their own) are not reported again.
    """
    by_path, drafts, pages, statics = (
        targets.by_path,
        targets.drafts,
        targets.pages,
        targets.statics,
    )
    url = targets.config.url
    own_page = targets.config.path(doc).split("#")[0]
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
                        did_you_mean(
                            "/" + page,
                            ("/" + known for known in pages),
                            f"site paths look like {urls.example_paths()}",
                        ),
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
            page, _, own_anchor = targets.config.path(target_doc).partition("#")
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
    sites: Sequence[Site],
    docs: Sequence[Document],
    static: Tree,
    unreadable: Collection[str] = frozenset(),
) -> tuple[dict[str, str], dict[str, tuple[AnchorCheck, ...]], list[SiteError]]:
    """Resolve the links of ``docs``, which may link to any page of ``sites`` (every edition)
    and into static/ (``static``: its walk): their bodies, their anchor checks, the errors."""
    targets = Targets.of(sites, static)
    bodies, anchors, errors = {}, {}, []
    for doc in docs:
        resolved, problems = resolve(doc, targets, unreadable)
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
                    did_you_mean(
                        "#" + html.escape(check.anchor),
                        ("#" + known for known in ids.get(check.page, ())),
                        "anchors are heading ids: '## My heading' has #my-heading",
                    ),
                )
            )
    return errors
