"""Rebuilds for ``serve``: after a change, redo only what the change touches.

The Builder keeps the last good build in memory. Each rebuild compares files by size and
modification time (so an edit is never lost, even one made while the site was broken),
re-parses only changed content files, re-resolves links only where needed, re-renders only the
pages whose signature (what they are drawn from) changed, and writes only files whose bytes
changed. A change to site.toml or a template rebuilds everything. The result on disk is the same,
byte for byte, as a cold build of the same input (tested).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import content, links, markup, model, pipeline, render
from .errors import BuildError

Stamp = tuple[int, int]  # (size, mtime_ns)


def _stamps(folder: Path, folders: bool = False) -> dict[str, Stamp]:
    """Size and modification time of every file below ``folder``, by path; with ``folders``,
    every folder too (as "path/", stamped (0, 0)), so that one coming or going counts."""
    out: dict[str, Stamp] = {}
    for dirpath, dirs, names in os.walk(folder):
        if folders:
            out.update((f"{dirpath}/{name}/", (0, 0)) for name in dirs)
        for name in names:
            path = f"{dirpath}/{name}"
            try:
                info = os.stat(path)
            except OSError:
                continue
            out[path] = (info.st_size, info.st_mtime_ns)
    return out


@dataclass
class Report:
    full: bool
    rendered: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Listing:
    """The content files as ``content.discover`` found them, with the two names each goes by."""

    found: list[tuple[str, Path]]
    shown: list[str]  # content/articles/x.md, as documents and messages name it
    stamped: list[str]  # the absolute path, as _stamps keys it

    @classmethod
    def of(cls, found: list[tuple[str, Path]]) -> _Listing:
        paths = [path for _, path in found]
        return cls(found, [content.shown_path(p) for p in paths], [p.as_posix() for p in paths])


@dataclass
class _State:
    settings: dict[str, Stamp]
    static: dict[str, Stamp]
    content: dict[str, Stamp]
    listing: _Listing
    loaded: pipeline.Loaded
    signatures: dict[str, tuple]


class Builder:
    """Build ``root`` into ``out``; build again after changes, incrementally."""

    def __init__(self, root: Path, out: Path, drafts: bool = False) -> None:
        self.root = root.resolve()
        self.out = out.resolve()
        self.drafts = drafts
        self.state: _State | None = None

    def _settings_stamps(self) -> dict[str, Stamp]:
        stamps = _stamps(self.root / "templates")
        toml = self.root / "site.toml"
        if toml.exists():
            info = toml.stat()
            stamps[toml.as_posix()] = (info.st_size, info.st_mtime_ns)
        return stamps

    def build(self) -> Report:
        """Bring ``out`` up to date; raise BuildError (leaving it as it was) on bad input."""
        settings = self._settings_stamps()
        if self.state is None or settings != self.state.settings:
            return self._full(settings)
        return self._incremental()

    def _full(self, settings: dict[str, Stamp]) -> Report:
        content_stamps = _stamps(self.root / "content", folders=True)
        static_stamps = _stamps(self.root / "static")
        loaded, _ = pipeline.build(self.root, self.out, drafts=self.drafts, search_index=False)
        specs = render.page_specs(loaded.site, pipeline.build_time(loaded.site))
        signatures = {spec.output: spec.signature(loaded.site) for spec in specs}
        listing = _Listing.of(content.discover(loaded.config)[0])
        self.state = _State(settings, static_stamps, content_stamps, listing, loaded, signatures)
        # A full build parses in worker processes, so this one has not yet set up Python-Markdown:
        # do it now rather than during the first edit.
        markup.prepare()
        return Report(full=True, rendered=len(loaded.pages), written=sorted(loaded.pages))

    def _incremental(self) -> Report:
        state = self.state
        assert state is not None
        old = state.loaded
        config = old.config
        content_stamps = _stamps(self.root / "content", folders=True)
        static_stamps = _stamps(self.root / "static")
        report = Report(full=False)
        if static_stamps != state.static:
            self._sync_static(static_stamps, state.static, report)
            state.static = static_stamps

        changed_paths = {p for p, stamp in content_stamps.items() if state.content.get(p) != stamp}
        removed_paths = set(state.content) - set(content_stamps)
        if not changed_paths and not removed_paths:
            return report

        if content_stamps.keys() == state.content.keys():
            # Only edits: the same files and folders as last time (which built, so without
            # layout problems): what content.discover found then still holds.
            listing, errors = state.listing, []
        else:
            found, errors = content.discover(config)
            listing = _Listing.of(found)
        found = listing.found
        previous = {d.path: d for d in old.docs}
        kept = {
            i: previous[shown]
            for i, (shown, stamped) in enumerate(zip(listing.shown, listing.stamped, strict=True))
            if stamped not in changed_paths and shown in previous
        }
        changed = [(i, item) for i, item in enumerate(found) if i not in kept]
        parsed, problems, failed = content.load_files(config, [item for _, item in changed])
        errors.extend(problems)
        fresh = {i: doc for (i, _), doc in zip(changed, parsed, strict=True) if doc is not None}
        docs = [kept.get(i) or fresh[i] for i in range(len(found)) if i in kept or i in fresh]
        reparsed = {doc.path for doc in fresh.values()}
        try:
            site = model.build_site(config, docs, drafts=self.drafts)
        except BuildError as exc:
            raise BuildError(errors + exc.errors) from None

        membership = {(d.path, d.draft) for d in docs}
        # When documents appear or go, any link may now point at nothing: check them all again.
        recheck_all = membership != {(d.path, d.draft) for d in old.docs} or bool(failed)
        to_resolve = (
            site.documents
            if recheck_all
            else tuple(d for d in site.documents if d.path in reparsed)
        )
        bodies, anchors, problems = pipeline.resolve_links(site, to_resolve, failed)
        errors.extend(problems)
        if errors:
            raise BuildError(errors)
        live = {d.path for d in site.documents}
        bodies = {**{k: v for k, v in old.bodies.items() if k in live}, **bodies}
        anchors = {**{k: v for k, v in old.anchors.items() if k in live}, **anchors}

        env = old.env
        time = pipeline.build_time(site)
        render.prepare(env, site, bodies, time)
        # An edit that changed no document's card (title, summary, topics, dates, draft) cannot
        # change any list, feed or related section: only pages showing those documents whole.
        same_cards = not recheck_all and all(
            old_doc.card == site.by_path[path].card
            for path in reparsed
            if (old_doc := previous.get(path)) is not None and path in site.by_path
        )
        specs = list(render.page_specs(site, time, only=reparsed if same_cards else None))
        signatures = {spec.output: spec.signature(site) for spec in specs}
        stale = [s for s in specs if state.signatures.get(s.output) != signatures[s.output]]
        if same_cards:
            signatures = {**state.signatures, **signatures}
        rendered = render.render_specs(env, stale)
        fresh_pages = {name: render.Page.of(text) for name, text in rendered.items()}
        pages = (
            dict(old.pages)
            if same_cards
            else {s.output: old.pages[s.output] for s in specs if s.output in old.pages}
        )
        pages.update(fresh_pages)

        touched_pages = {name.removesuffix("index.html") for name in rendered}
        checks = [
            a
            for path, group in anchors.items()
            for a in group
            if recheck_all or path in reparsed or a.page in touched_pages
        ]
        errors = links.check_anchors(checks, pipeline.ids_by_url(pages))
        if errors:
            raise BuildError(errors)

        for name, text in rendered.items():
            if old.pages.get(name) != pages[name]:
                _write_file(self.out / name, text)
                report.written.append(name)
        for name in sorted(set(old.pages) - set(pages)):
            (self.out / name).unlink(missing_ok=True)
            report.removed.append(name)
            _prune(self.out / name, self.out)
        report.rendered = len(stale)
        loaded = pipeline.Loaded(config, site, pages, tuple(docs), bodies, anchors, env)
        self.state = _State(
            state.settings, state.static, content_stamps, listing, loaded, signatures
        )
        return report

    def _sync_static(self, now: dict[str, Stamp], before: dict[str, Stamp], report: Report) -> None:
        static = (self.root / "static").resolve()
        for path in sorted(set(now) - set(before) | {p for p in now if before.get(p) != now[p]}):
            rel = Path(path).relative_to(static)
            target = self.out / "static" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            report.written.append(f"static/{rel.as_posix()}")
        for path in sorted(set(before) - set(now)):
            rel = Path(path).relative_to(static)
            (self.out / "static" / rel).unlink(missing_ok=True)
            report.removed.append(f"static/{rel.as_posix()}")


def _write_file(target: Path, text: str) -> None:
    """Replace one file atomically, so a reader never sees half of it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(text.encode("utf-8"))
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)


def _prune(path: Path, top: Path) -> None:
    """Remove folders left empty by a removed page, up to the output folder."""
    folder = path.parent
    while folder != top and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
