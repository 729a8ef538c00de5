"""The build, top to bottom: config, content, model, links, render, then an atomic write."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import content, links, model, render, search, write
from .cache import DocumentCache
from .config import Config, load_config
from .errors import BuildError


@dataclass(frozen=True)
class Loaded:
    """Everything checked and rendered in memory, before a byte is written."""

    config: Config
    site: model.Site
    files: dict[str, str]


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
) -> Loaded:
    """Read, check and render the whole site; raise BuildError listing every problem.

    ``use_cache`` reuses documents parsed by an earlier build (``.sitegen-cache/``);
    ``save_cache`` writes this build's documents there for the next one."""
    config = load_config(root)
    if base_url is not None:
        config = _override_base_url(config, base_url)
    cache = DocumentCache(root) if use_cache else None
    docs, errors, failed = content.load_all(config, cache)
    if cache is not None and save_cache:
        cache.save()
    try:
        site = model.build_site(config, docs, drafts=drafts)
    except BuildError as exc:
        raise BuildError(errors + exc.errors) from None
    urls = links.page_urls(site)
    bodies: dict[str, str] = {}
    anchors: list[links.AnchorCheck] = []
    for doc in site.documents:
        resolved, problems = links.resolve(doc, site, urls, failed)
        bodies[doc.path] = resolved.html
        anchors.extend(resolved.anchors)
        errors.extend(problems)
    if errors:
        raise BuildError(errors)
    env = render.make_env(site, root / "templates")
    files = render.render_all(site, env, bodies, build_time(site))
    pages = {name.removesuffix("index.html"): text for name, text in files.items()}
    errors = links.check_anchors(anchors, pages)
    if errors:
        raise BuildError(errors)
    return Loaded(config, site, files)


def _override_base_url(config: Config, base_url: str) -> Config:
    from .config import SiteError, urlsplit

    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BuildError(
            [
                SiteError(
                    "--base-url",
                    None,
                    f"'{base_url}' needs a scheme and a host",
                    "e.g. --base-url https://user.github.io/repo/",
                )
            ]
        )
    return config.with_base_url(base_url)


def build(
    root: Path,
    out: Path | None = None,
    base_url: str | None = None,
    drafts: bool = False,
    search_index: bool = True,
    use_cache: bool = True,
) -> tuple[Loaded, Path]:
    """Build the site into ``out`` (default: the config's output folder) atomically."""
    target = out if out is not None else root / load_config(root).output
    write.refuse_unsafe_output(target, root)  # before anything, the cache included, is written
    loaded = load(root, base_url, drafts, use_cache=use_cache)
    extra = {".nojekyll": ""}
    if loaded.config.cname:
        extra["CNAME"] = loaded.config.cname + "\n"
    write.write_site(
        target, {**loaded.files, **extra}, root / "static", search.index if search_index else None
    )
    return loaded, target
