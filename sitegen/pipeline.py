"""The build, top to bottom: config, content, model, links, render, then an atomic write."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import content, files, links, model, render, search, uptodate, write
from .cache import DocumentCache
from .config import Config, load_config, url_problem
from .content import Document
from .errors import BuildError, SiteError


@dataclass(frozen=True)
class Loaded:
    """Everything checked and rendered in memory, before a byte is written."""

    config: Config
    site: model.Site
    pages: dict[str, render.Page]  # output path -> its digest and ids
    docs: tuple[Document, ...]  # every valid content file, drafts too, in discovery order
    bodies: dict[str, str]  # document path -> body HTML with links resolved
    anchors: dict[str, tuple[links.AnchorCheck, ...]]  # document path -> its #anchor links
    env: Any  # the Jinja2 environment, templates compiled
    static: files.Tree  # the static files to copy


def resolve_links(
    site: model.Site,
    docs: tuple[Document, ...],
    static: files.Tree,
    unreadable: set[str] = frozenset(),
) -> tuple[dict[str, str], dict[str, tuple[links.AnchorCheck, ...]], list[SiteError]]:
    """Resolve the links of ``docs`` (``static``: the walk of static/ they may link into):
    their bodies, their anchor checks, and the errors."""
    urls = links.page_urls(site)
    statics = frozenset(f.rel for f in static.files)
    bodies, anchors, errors = {}, {}, []
    for doc in docs:
        resolved, problems = links.resolve(doc, site, urls, unreadable, statics)
        bodies[doc.path] = resolved.html
        anchors[doc.path] = resolved.anchors
        errors.extend(problems)
    return bodies, anchors, errors


def hosting_files(config: Config) -> dict[str, str]:
    """Files GitHub Pages reads: no Jekyll, and the custom domain when there is one."""
    extra = {".nojekyll": ""}
    if config.cname:
        extra["CNAME"] = config.cname + "\n"
    return extra


def ids_by_url(pages: dict[str, render.Page]) -> dict[str, frozenset[str]]:
    """The ids of each rendered page, keyed by its URL relative to the root: anchor targets."""
    return {name.removesuffix("index.html"): page.ids for name, page in pages.items()}


def build_time(site: model.Site) -> datetime:
    """SOURCE_DATE_EPOCH when set; otherwise the newest content date, so output is reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    newest = site.last_modified
    if newest is None:
        return datetime(1970, 1, 1, tzinfo=UTC)
    return datetime(newest.year, newest.month, newest.day, tzinfo=UTC)


def load(
    root: Path,
    base_url: str | None = None,
    drafts: bool = False,
    use_cache: bool = True,
    save_cache: bool = True,
    into: Path | None = None,
) -> Loaded:
    """Read, check and render the whole site; raise BuildError listing every problem.

    ``use_cache`` reuses documents parsed by an earlier build (``.sitegen-cache/``);
    ``save_cache`` writes this build's documents there for the next one; the pages are written
    into the folder ``into`` as they are rendered (nowhere without it)."""
    config = load_config(root)
    if base_url is not None:
        config = _override_base_url(config, base_url)
    templates = files.walk(root, "templates")
    if templates.errors:  # Jinja would follow the same links and open the same files
        raise BuildError(list(templates.errors))
    cache = DocumentCache(root) if use_cache else None
    env = render.make_env(config, root / "templates", templates)
    # The templates compile here while worker processes parse the content.
    docs, errors, failed = content.load_all(config, cache, lambda: render.compile_templates(env))
    static = files.walk(root, "static")
    errors.extend(static.errors)
    keep = cache.save if cache is not None and save_cache else _nothing  # parsed, even if broken
    try:
        site = model.build_site(config, docs, drafts=drafts)
    except BuildError as exc:
        keep()
        raise BuildError(errors + exc.errors) from None
    bodies, anchors, problems = resolve_links(site, site.documents, static, failed)
    errors.extend(problems)
    if errors:
        keep()
        raise BuildError(errors)
    # The parsed documents are saved for the next build while the workers render.
    pages = render.render_all(site, env, bodies, build_time(site), into, meanwhile=keep)
    checks = [a for group in anchors.values() for a in group]
    errors = render.repeated_ids(pages) + links.check_anchors(checks, ids_by_url(pages))
    if errors:
        raise BuildError(errors)
    return Loaded(config, site, pages, tuple(docs), bodies, anchors, env, static)


def _nothing() -> None:
    pass


def _override_base_url(config: Config, base_url: str) -> Config:
    problem = url_problem(base_url)
    if problem:
        hint = "e.g. --base-url https://user.github.io/repo/"
        raise BuildError([SiteError("--base-url", None, problem, hint)])
    return config.with_base_url(base_url)


def output_folder(config: Config) -> Path:
    """The output folder site.toml names (``~`` is the home folder), from the project root."""
    return config.root / Path(config.output).expanduser()


def _target(root: Path, out: Path | None) -> Path:
    """The output folder of a build, checked: refused before anything, the cache included, is
    read or written."""
    return write.check_output(out if out is not None else output_folder(load_config(root)), root)


def build(
    root: Path,
    out: Path | None = None,
    base_url: str | None = None,
    drafts: bool = False,
    search_index: bool = True,
    use_cache: bool = True,
) -> tuple[Loaded, Path]:
    """Build the site into ``out`` (default: the config's output folder) atomically."""
    return _build(root, _target(root, out), base_url, drafts, search_index, use_cache)


def _build(
    root: Path,
    target: Path,
    base_url: str | None,
    drafts: bool,
    search_index: bool,
    use_cache: bool = True,
) -> tuple[Loaded, Path]:
    """``build`` into ``target``, which check_output has allowed."""
    with write.staged(target) as folder:  # swapped in for target only if all of this succeeds
        loaded = load(
            root, base_url, drafts, use_cache=use_cache, save_cache=use_cache, into=folder
        )
        for name, text in hosting_files(loaded.config).items():
            write.put(folder, name, text)
        write.copy_static(loaded.static, folder)
        if search_index:
            search.index(folder)  # before the swap, so the index goes live with its pages
    return loaded, target


def build_unless_current(
    root: Path,
    out: Path | None = None,
    base_url: str | None = None,
    drafts: bool = False,
    search_index: bool = True,
) -> tuple[Loaded | None, Path]:
    """``build``, skipped (returning no Loaded) when no input changed since the last build
    into ``out`` and the output is still as that build left it."""
    target = _target(root, out)
    fingerprint = uptodate.inputs_hash(root, (base_url, drafts, search_index))  # before reading
    if uptodate.is_current(root, target, fingerprint):
        return None, target
    loaded, target = _build(root, target, base_url, drafts, search_index)
    uptodate.remember(root, target, fingerprint)
    return loaded, target
