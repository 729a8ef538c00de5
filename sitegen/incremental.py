"""Rebuilds for ``serve``: after a change, redo only what the change touches.

The Builder keeps the last good build in memory. Each rebuild compares files by size and
modification time (so an edit is never lost, even one made while the site was broken),
re-parses only changed content files, re-resolves links only where needed, re-renders only the
pages that read a document field whose value changed (each page records what it read while it
rendered: document.recording), and writes only files whose bytes changed. A change to site.toml,
a template or a catalog rebuilds everything; so does any change to a site in several languages.
The result on disk is the same, byte for byte, as a cold build of the same input (tested).
"""

from __future__ import annotations

import gc
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from . import content, files, i18n, links, markup, model, pipeline, render, urls, write
from .config import Config
from .document import Document
from .errors import BuildError

Stamp = tuple[int, int]  # (size, mtime_ns)


@dataclass
class Report:
    full: bool
    rendered: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: bool = False  # no input had changed


@dataclass
class _State:
    settings: dict[str, Stamp]
    static: dict[str, Stamp]
    content: dict[str, Stamp]
    found: list[tuple[str, files.File]]  # the content files, as content.discover found them
    loaded: pipeline.Loaded
    # Indexes that only narrow what is compared (each may list more than it must, never less):
    readers: dict[str, set[str]]  # document path -> output files of the pages that read it
    linkers: dict[str, set[str]]  # document path -> paths of the documents that link to it


def _readers(pages: dict[str, render.Page]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for name, page in pages.items():
        for path, _ in page.reads:
            index.setdefault(path, set()).add(name)
    return index


def _linkers(docs: tuple[Document, ...]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for doc in docs:
        for target in links.targets(doc):
            index.setdefault(target, set()).add(doc.path)
    return index


class Builder:
    """Build ``root`` into ``out``; build again after changes, incrementally."""

    def __init__(self, root: Path, out: Path, drafts: bool = False) -> None:
        self.root = root.resolve()
        self.out = out.resolve()
        self.drafts = drafts
        self.state: _State | None = None

    @property
    def config(self) -> Config | None:
        """The settings of the last good build."""
        return self.state.loaded.config if self.state else None

    def search_records(self) -> list[tuple[str, str]]:
        """The search-only pages of the last good build (see search.index)."""
        if self.state is None:
            return []
        return self.state.loaded.search_records()

    def _settings_stamps(self) -> dict[str, Stamp]:
        return {
            **files.walk(self.root, "templates").stamps(),
            **files.walk(self.root, "locales").stamps(),
            **files.walk(self.root, "site.toml", folder=False).stamps(),
        }

    def build(self) -> Report:
        """Bring ``out`` up to date; raise BuildError (leaving it as it was) on bad input."""
        settings = self._settings_stamps()
        # Changes are written through the folder checked here, even if another is put in its
        # place meanwhile (see write.pinned).
        with write.pinned(self.out) as out:
            if out is None:
                self.state = None  # the output is gone or was replaced: check it, build whole
            if out is None or self.state is None or settings != self.state.settings:
                return self._full(settings)
            try:
                return self._incremental(out)
            except _LinkInTheWay:  # a full build replaces the folder, link and all
                return self._full(settings)

    def settle(self) -> None:
        """Put what the last build kept out of the cycle collector's way, once the pages are
        written. Python's collector otherwise walks the whole kept build (every document, page
        and link of it) again and again during the next rebuild: at 5,000 articles an edit took
        0.50 s of CPU without this and 0.36 s with it (medians of 3 × 30 edits; README,
        Benchmark). One full collection here (0.15 s there, after the edit is on disk) frees
        whatever the builds before left in cycles; gc.freeze, CPython's documented call for
        long-lived objects, then leaves the rest alone until the next settle. Without
        gc.freeze, nothing is done."""
        if hasattr(gc, "freeze"):
            gc.unfreeze()
            gc.collect()
            gc.freeze()

    def _full(self, settings: dict[str, Stamp]) -> Report:
        tree = files.walk(self.root, "content")
        static_stamps = files.walk(self.root, "static").stamps()
        loaded, _ = pipeline.build(
            self.root,
            self.out,
            drafts=self.drafts,
            search_index=False,
            record_reads=True,
            keep_index=True,  # search keeps working until serve's next index replaces it
        )
        found = content.discover(tree, content.further_languages(loaded.config))[0]
        readers, linkers = _readers(loaded.pages), _linkers(model.documents_of(loaded.sites))
        self.state = _State(settings, static_stamps, tree.stamps(), found, loaded, readers, linkers)
        # A full build parses in worker processes, so this one has not yet set up Python-Markdown:
        # do it now rather than during the first edit.
        markup.prepare()
        return Report(full=True, rendered=len(loaded.pages), written=sorted(loaded.pages))

    def _incremental(self, out: Path) -> Report:
        state = self.state
        assert state is not None
        old = state.loaded
        config = old.config
        tree = files.walk(self.root, "content")
        content_stamps = tree.stamps()
        static_tree = files.walk(self.root, "static")
        if static_tree.errors:
            raise BuildError(list(static_tree.errors))
        static_stamps = static_tree.stamps()
        if static_stamps.keys() != state.static.keys():
            # A static file came or went (or became a folder): a link into static/ may now be
            # broken, and a folder may have to go. Rare enough to build whole.
            return self._full(state.settings)
        report = Report(full=False)
        if static_stamps != state.static:
            self._sync_static(out, static_tree, state.static, report)
            state.static = static_stamps

        changed_paths = {p for p, stamp in content_stamps.items() if state.content.get(p) != stamp}
        removed_paths = set(state.content) - set(content_stamps)
        if not changed_paths and not removed_paths:
            report.unchanged = not report.written and not report.removed
            return report

        # The content files, parsed where they changed.
        if content_stamps.keys() == state.content.keys():
            # Only edits: the same files and folders as last time (which built, so without
            # layout problems): what content.discover found then still holds, but each file is
            # read where this walk found it (a link may now lead to another file).
            now = {file.rel: file for file in tree.files}
            found, errors = [(kind, now[file.rel]) for kind, file in state.found], []
        else:
            found, errors = content.discover(
                tree, content.further_languages(config), config.language
            )
        previous = {d.path: d for d in old.docs}
        kept = {
            i: previous[file.rel]
            for i, (_, file) in enumerate(found)
            if file.rel not in changed_paths and file.rel in previous
        }
        changed = [(i, item) for i, item in enumerate(found) if i not in kept]
        backlinks = i18n.backlink_titles(old.translations)
        parsed, problems, failed = content.load_files(
            config, [item for _, item in changed], backlinks=backlinks
        )
        errors.extend(problems)
        fresh = {i: doc for (i, _), doc in zip(changed, parsed, strict=True) if doc is not None}
        docs = [kept.get(i) or fresh[i] for i in range(len(found)) if i in kept or i in fresh]
        reparsed = {doc.path for doc in fresh.values()}

        # The site model, one edition per language. When its structure changed (a document came
        # or went, or changed its topics, dates, draft status or original), any list or link may
        # have changed: redo everything.
        try:
            sites = model.build_editions(config, docs, self.drafts, failed)
        except BuildError as exc:
            raise BuildError(errors + exc.errors) from None
        whole = bool(failed) or model.structure(sites) != model.structure(old.sites)
        documents = model.documents_of(sites)

        # Links: those of the changed documents, and of documents that link to one of them (a
        # heading renamed there changes where their links land).
        if whole:
            to_resolve = documents
        else:
            linking = {p for path in reparsed for p in state.linkers.get(path, ())}
            to_resolve = tuple(d for d in documents if d.path in reparsed | linking)
        html, anchors, problems = links.resolve_all(sites, to_resolve, static_tree, failed)
        errors.extend(problems)
        if errors:
            raise BuildError(errors)
        live = {d.path for d in documents}
        html = {**{k: v for k, v in old.html.items() if k in live}, **html}
        anchors = {**{k: v for k, v in old.anchors.items() if k in live}, **anchors}
        touched = reparsed | {d.path for d in to_resolve}
        before = model.by_path_of(old.sites)
        sites = tuple(model.with_html(s, html, {} if whole else before, touched) for s in sites)
        after = model.by_path_of(sites)

        # Pages: those that read a field that changed (each page recorded what it read), in
        # every edition (a page can read another language's documents: its translations).
        env = old.env
        readers = {name for path in touched for name in state.readers.get(path, ())}
        wanted = _fields_of(touched)
        built = pipeline.build_time(sites)
        every: list[urls.Entry] = []
        rendered: dict[str, tuple[str, render.Page]] = {}
        stale_count = 0
        for site in sites:
            words = old.translations.get(site.config.language)
            render.prepare(env, site, built, words)
            edition = urls.pages(site)
            stale = (
                edition
                if whole
                else [
                    page
                    for page in edition
                    if page.output not in old.pages
                    or (
                        page.output in readers
                        and _changed(old.pages[page.output].reads, wanted, before, after)
                    )
                ]
            )
            rendered.update(render.render_pages(site, env, stale))
            every += edition
            stale_count += len(stale)
        outputs = {page.output for page in every}
        pages = {name: page for name, page in old.pages.items() if name in outputs}
        pages.update({name: page for name, (_, page) in rendered.items()})

        redrawn = {urls.url_of_output(name) for name in rendered}
        checks = [
            a
            for path, group in anchors.items()
            for a in group
            if whole or path in touched or a.page in redrawn
        ]
        fresh_pages = {name: page for name, (_, page) in rendered.items()}
        errors = render.repeated_ids(fresh_pages)
        errors += links.check_anchors(checks, pipeline.ids_by_url(pages))
        if errors:
            raise BuildError(errors)

        changed = [
            name
            for name, (_, page) in rendered.items()
            if name not in old.pages or old.pages[name].digest != page.digest
        ]
        removed = sorted(set(old.pages) - outputs)
        _refuse_links(out, [*changed, *removed])
        for name in changed:
            write.replace_file(out / name, rendered[name][0].encode())
            report.written.append(name)
        for name in removed:
            (out / name).unlink(missing_ok=True)
            report.removed.append(name)
            _prune(out / name, out)
        report.rendered = stale_count
        loaded = pipeline.Loaded(
            config, sites, pages, tuple(docs), html, anchors, env, static_tree, old.translations
        )
        if whole:
            readers_index, linkers_index = _readers(pages), _linkers(documents)
        else:  # add what the redrawn pages read and the reparsed documents link to
            readers_index, linkers_index = state.readers, state.linkers
            for name, (_, page) in rendered.items():
                for path, _ in page.reads:
                    readers_index.setdefault(path, set()).add(name)
            for doc in documents:
                if doc.path in reparsed:
                    for target in links.targets(doc):
                        linkers_index.setdefault(target, set()).add(doc.path)
        self.state = _State(
            state.settings,
            state.static,
            content_stamps,
            found,
            loaded,
            readers_index,
            linkers_index,
        )
        return report

    def _sync_static(
        self, out: Path, tree: files.Tree, before: dict[str, Stamp], report: Report
    ) -> None:
        """Copy the static files whose stamp changed (the same files as ``before``: see
        _incremental)."""
        now = {f.rel: f for f in tree.files}
        _refuse_links(out, list(now))
        for rel in sorted(now):
            if before[rel] != now[rel].stamp:
                write.replace_file(out / rel, files.read(now[rel].path))
                report.written.append(rel)


class _LinkInTheWay(Exception):
    """A file to write or remove lies behind a link in the output (see write.through_link)."""


def _refuse_links(out: Path, names: list[str]) -> None:
    if any(write.through_link(out, name) for name in names):
        raise _LinkInTheWay


def _prune(path: Path, top: Path) -> None:
    """Remove folders left empty by a removed page, up to the output folder."""
    folder = path.parent
    while folder != top and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


# Every name a read of a Document can note (a field, a property, a method); a name outside
# these is one the Document does not have, whose value cannot change.
_NAMES = frozenset({f.name for f in fields(Document)} | set(dir(Document)))


def _fields_of(touched: set[str]) -> set[tuple[str, str]]:
    """Every (document path, name) a page could have read from the ``touched`` documents."""
    return {(path, name) for path in touched for name in _NAMES}


def _changed(
    reads: frozenset[tuple[str, str]],
    wanted: set[tuple[str, str]],
    before: Mapping[str, Document],
    after: Mapping[str, Document],
) -> bool:
    """Whether a page that read ``reads`` (document path, field) would come out differently:
    one of the ``wanted`` fields (see _fields_of), read there, has a new value (``before`` and
    ``after``: the documents by path). A listing page reads thousands of fields: only the
    touched documents' are looked up among them."""
    return any(
        getattr(before[path], name, None) != getattr(after[path], name, None)
        for path, name in reads & wanted
    )
