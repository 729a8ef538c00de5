"""The build, top to bottom. ``load`` reads, checks and renders; ``build_into`` writes.

    load:       site.toml -> templates -> catalogs -> content files -> the site model (one
                edition per language) -> links -> pages
    build_into: a staging folder <- pages, hosting files, static files, search index -> swap

Each stage is one call below; parallel work happens inside two of them (content.load_all and
render.write_pages), through parallel.fork_map.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import content, files, i18n, links, model, render, search, uptodate, urls, write
from .cache import DocumentCache
from .config import Config, load_config, url_problem
from .document import Document
from .errors import BuildError, SiteError
from .structured import Structured


@dataclass(frozen=True)
class Loaded:
    """Everything checked and rendered in memory, before a byte is written."""

    config: Config
    sites: tuple[model.Site, ...]  # one edition per language, the default language's first
    pages: dict[str, render.Page]  # output path -> its digest and ids
    docs: tuple[Document, ...]  # every valid content file, drafts too, in discovery order
    html: dict[str, str]  # document path -> body HTML with links resolved
    anchors: dict[str, tuple[links.AnchorCheck, ...]]  # document path -> its #anchor links
    env: Any  # the Jinja2 environment, templates compiled
    static: files.Tree  # the static files to copy
    translations: dict[str, Any]  # language code -> its words (gettext translations)

    @property
    def site(self) -> model.Site:
        """The default language's edition."""
        return self.sites[0]

    def search_records(self) -> list[tuple[str, str]]:
        """Every edition's search-only pages (see search.index)."""
        return [record for site in self.sites for record in Structured(site).search_records()]


def build(
    root: Path,
    out: Path | None = None,
    base_url: str | None = None,
    drafts: bool = False,
    search_index: bool = True,
    use_cache: bool = True,
    record_reads: bool = False,
    repo: tuple[str, str | None] | None = None,
    keep_index: bool = False,
) -> tuple[Loaded, Path]:
    """Build the site into ``out`` (default: the config's output folder) atomically.
    ``repo``: (repository URL, branch) for "Suggest a change" links, instead of site.toml's;
    ``keep_index``: see build_into."""
    target = _target(root, out)  # the output folder, checked: ours to replace
    loaded = build_into(
        root, target, base_url, drafts, search_index, use_cache, record_reads, repo, keep_index
    )
    return loaded, target


def build_into(
    root: Path,
    target: Path,
    base_url: str | None,
    drafts: bool,
    search_index: bool,
    use_cache: bool = True,
    record_reads: bool = False,
    repo: tuple[str, str | None] | None = None,
    keep_index: bool = False,
) -> Loaded:
    """``build`` into ``target``, which check_output has allowed. ``keep_index``: without the
    search step, carry the search index already in ``target`` into the new output."""
    with write.staged(target) as folder:  # a new folder, put in target's place if all succeeds
        loaded = load(root, base_url, drafts, use_cache, use_cache, folder, record_reads, repo)
        write.hosting_files(folder, loaded.config.cname)  # .nojekyll and CNAME, for GitHub Pages
        write.copy_static(loaded.static, folder)  # static/, byte for byte
        if search_index:
            # Pagefind's index, before the swap, so it goes live with its pages; each FAQ answer
            # is a record of its own, found as itself rather than as part of the FAQ page.
            search.index(folder, loaded.search_records())
        elif keep_index:  # the one there was, until serve's background index replaces it
            index = urls.search_index_folder()
            write.carry(target / index, folder / index)
    return loaded


def build_unless_current(
    root: Path,
    out: Path | None = None,
    base_url: str | None = None,
    drafts: bool = False,
    search_index: bool = True,
    repo: tuple[str, str | None] | None = None,
) -> tuple[Loaded | None, Path]:
    """``build``, skipped (returning no Loaded) when no input changed since the last build
    into ``out`` and the output is still as that build left it."""
    target = _target(root, out)
    options = (base_url, drafts, search_index, repo)
    fingerprint = uptodate.inputs_hash(root, options)  # before anything is read
    if uptodate.is_current(root, target, fingerprint):
        write.clean_stale_unless_busy(target)  # what a killed build left, even so
        return None, target
    loaded = build_into(root, target, base_url, drafts, search_index, repo=repo)
    uptodate.remember(root, target, fingerprint)
    return loaded, target


def load(
    root: Path,
    base_url: str | None = None,
    drafts: bool = False,
    use_cache: bool = True,
    save_cache: bool = True,
    into: Path | None = None,
    record_reads: bool = False,
    repo: tuple[str, str | None] | None = None,
) -> Loaded:
    """Read, check and render the whole site, writing the pages into the folder ``into``
    (nowhere without it); raise BuildError listing every problem found.

    ``use_cache`` reuses documents parsed by an earlier build (``.sitegen-cache/``);
    ``save_cache`` keeps this build's for the next one; ``record_reads`` notes what each page
    read, for serve's incremental rebuilds."""
    config = _config(root, base_url, repo)  # site.toml, checked
    env = _templates(root, config)  # templates/, walked and compiled
    codes = [e.language for e in config.editions()]
    words, errors = i18n.load(root, codes, env)  # locales/: each language's catalog, complete
    cache = DocumentCache(root) if use_cache else None
    backlinks = i18n.backlink_titles(words)  # the words the parser itself writes
    docs, problems, failed = content.load_all(config, cache, backlinks)  # content/, all cores
    errors.extend(problems)
    if cache is not None and save_cache:
        cache.save()  # what was parsed, even if the site has errors: the next build reuses it
    static = files.walk(root, "static")  # static/, walked (links into it are checked)
    errors.extend(static.errors)
    sites = _sites(config, docs, drafts, errors, failed)  # per language: ordered, grouped
    every = model.documents_of(sites)
    html, anchors, problems = links.resolve_all(sites, every, static, failed)  # links
    if errors or problems:
        raise BuildError(errors + problems)
    sites = tuple(model.with_html(s, html) for s in sites)  # links now point at page URLs
    pages = render.write_pages(sites, env, words, build_time(sites), into, record_reads)
    checks = [a for group in anchors.values() for a in group]
    errors = render.repeated_ids(pages) + links.check_anchors(checks, ids_by_url(pages))
    if errors:  # #anchors, checked against the rendered pages
        raise BuildError(errors)
    return Loaded(config, sites, pages, tuple(docs), html, anchors, env, static, words)


def draft_links(loaded: Loaded) -> list[SiteError]:
    """The link problems of drafts, which builds leave out (``check`` reports them, so an
    editor sees them before publishing, not after): checked as if the drafts were published."""
    drafts = [d for site in loaded.sites for d in site.drafts]
    if not drafts:
        return []
    try:
        with_drafts = model.build_editions(loaded.config, list(loaded.docs), drafts=True)
    except BuildError as exc:  # a draft that claims a URL already taken, and the like
        problems = exc.errors
    else:
        _, anchors, problems = links.resolve_all(with_drafts, drafts, loaded.static)
        # #anchors into published pages, checked against them as rendered (a draft's own
        # page is not rendered, so anchors into drafts wait until they are published)
        ids = ids_by_url(loaded.pages)
        checks = [a for group in anchors.values() for a in group if a.page in ids]
        problems += links.check_anchors(checks, ids)
    return [problem.in_a_draft() for problem in problems]


def _config(root: Path, base_url: str | None, repo: tuple[str, str | None] | None = None) -> Config:
    config = load_config(root)
    if repo is not None:  # the repository the deploy runs in, so that forks link to themselves
        repo = (repo[0] or config.repo_url, repo[1])
        problem = url_problem(repo[0], "--repo-url") if repo[0] else "--branch needs a repo_url"
        if problem:
            raise BuildError(
                [SiteError("--repo-url", None, problem, "e.g. https://github.com/user/repo")]
            )
        config = config.with_repository(*repo)
    if base_url is None:
        return config
    problem = url_problem(base_url)
    if problem:
        hint = "e.g. --base-url https://user.github.io/repo/"
        raise BuildError([SiteError("--base-url", None, problem, hint)])
    return config.with_base_url(base_url)


def _templates(root: Path, config: Config) -> Any:
    templates = files.walk(root, "templates")
    if templates.errors:  # Jinja would follow the same links and open the same files
        raise BuildError(list(templates.errors))
    env = render.make_env(config, root / "templates", templates)
    render.compile_templates(env)  # once, here, rather than in every worker
    return env


def _sites(
    config: Config,
    docs: list[Document],
    drafts: bool,
    errors: list[SiteError],
    failed: set[str],
) -> tuple[model.Site, ...]:
    try:
        return model.build_editions(config, docs, drafts, failed)
    except BuildError as exc:
        raise BuildError(errors + exc.errors) from None


def build_time(sites: tuple[model.Site, ...]) -> datetime:
    """SOURCE_DATE_EPOCH when set; otherwise the newest content date, so output is reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    dates = [site.last_modified for site in sites if site.last_modified]
    newest = max(dates) if dates else None
    if newest is None:
        return datetime(1970, 1, 1, tzinfo=UTC)
    return datetime(newest.year, newest.month, newest.day, tzinfo=UTC)


def ids_by_url(pages: dict[str, render.Page]) -> dict[str, frozenset[str]]:
    """The ids of each rendered page, keyed by its URL relative to the root: anchor targets."""
    return {urls.url_of_output(name): page.ids for name, page in pages.items()}


def output_folder(config: Config) -> Path:
    """The output folder site.toml names (``~`` is the home folder), from the project root."""
    return config.root / Path(config.output).expanduser()


def _target(root: Path, out: Path | None) -> Path:
    """The output folder of a build, checked: refused before anything, the cache included, is
    read or written."""
    return write.check_output(out if out is not None else output_folder(load_config(root)), root)
