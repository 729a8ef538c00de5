"""Find content files and turn each into a validated Document (front matter + rendered body)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any

from . import files, frontmatter, limits, markup, parallel
from .cache import DocumentCache, entry_key
from .cache import fingerprint as cache_fingerprint
from .config import SLUG_RE, Config, control_problem, did_you_mean
from .errors import BuildError, SiteError

KINDS = {"articles": "article", "faq": "faq", "pages": "page"}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
MAX_SOURCES = 200  # per file: each unknown citation is compared with every source
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+\Z")


@dataclass(frozen=True)
class Source:
    authors: str
    year: int
    title: str
    venue: str = ""
    doi: str = ""
    url: str = ""
    id: str = ""

    @property
    def link(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else self.url


@dataclass(frozen=True)
class Document:
    """One content file: an article, an FAQ entry or a standalone page."""

    kind: str  # "article", "faq" or "page"
    slug: str
    path: str  # as the editor knows it, e.g. content/articles/why-it-helps.md
    title: str  # an FAQ entry's question
    summary: str
    topics: tuple[str, ...]
    sources: tuple[Source, ...]
    body: Any  # markup.Rendered
    key_lines: tuple[tuple[str, int], ...]
    published: date | None = None
    updated: date | None = None
    reviewed: date | None = None
    reviewer: str = ""
    draft: bool = False
    source_hash: str = ""  # of the file's bytes: what incremental rebuilds compare

    @cached_property
    def card(self) -> tuple:
        """What lists, feeds and sitemaps show of a document: when it changes, they change."""
        return (
            self.path,
            self.title,
            self.summary,
            self.topics,
            self.published,
            self.updated,
            self.reviewed,
            self.draft,
        )

    def line(self, key: str) -> int | None:
        return dict(self.key_lines).get(key)

    @property
    def modified(self) -> date | None:
        return self.updated or self.published


Check = Callable[[Any, "_Context"], Any]


@dataclass
class _Context:
    path: str
    config: Config
    key: str
    line: int
    item_lines: tuple[int, ...]
    errors: list[SiteError]

    def error(self, message: str, hint: str = "", line: int | None = None) -> None:
        self.errors.append(SiteError(self.path, line or self.line, message, hint))


def _text(value: Any, ctx: _Context) -> str | None:
    if not isinstance(value, str) or not value.strip():
        ctx.error(f"'{ctx.key}' must be text", f"for example: {ctx.key}: Some words")
        return None
    if problem := control_problem(value):
        ctx.error(f"'{ctx.key}' {problem}", "a YAML escape such as \\x1b made one: remove it")
        return None
    return value.strip()


def _date(value: Any, ctx: _Context) -> date | None:
    if isinstance(value, str) and DATE_RE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            ctx.error(f"'{ctx.key}' is not a real date: {exc}", "write it as YYYY-MM-DD")
            return None
    ctx.error(
        f"'{ctx.key}' must be a date written as YYYY-MM-DD, not {value!r}",
        f"for example: {ctx.key}: 2026-11-01",
    )
    return None


def _bool(value: Any, ctx: _Context) -> bool | None:
    if isinstance(value, bool):
        return value
    ctx.error(f"'{ctx.key}' must be true or false, not {value!r}")
    return None


def _topics(value: Any, ctx: _Context) -> tuple[str, ...] | None:
    declared = tuple(t.id for t in ctx.config.topics)
    if not isinstance(value, list) or not value:
        ctx.error("'topics' must be a list of topic ids", "for example: topics: [benefits, trust]")
        return None
    good = []
    for topic in value:
        if not isinstance(topic, str) or topic not in declared:
            ctx.error(
                f"unknown topic '{topic}'",
                f"{did_you_mean(str(topic), declared)} (topics are declared in site.toml)",
            )
        elif topic in good:
            ctx.error(f"topic '{topic}' is listed twice", "list each topic once")
        else:
            good.append(topic)
    return tuple(good) if len(good) == len(value) else None


SOURCE_KEYS = {"id", "authors", "year", "title", "venue", "doi", "url"}


def _sources(value: Any, ctx: _Context) -> tuple[Source, ...] | None:
    if not isinstance(value, list):
        ctx.error("'sources' must be a list", "each source starts with '- ' on its own line")
        return None
    if len(value) > MAX_SOURCES:
        ctx.error(f"{len(value)} sources; the limit is {MAX_SOURCES}", "split the article")
        return None
    out = []
    ids: set[str] = set()
    for index, item in enumerate(value):
        line = ctx.item_lines[index] if index < len(ctx.item_lines) else ctx.line
        n = index + 1
        if not isinstance(item, dict):
            ctx.error(
                f"source {n} must be a mapping of keys", "e.g. - {authors: ..., year: ...}", line
            )
            continue
        bad = False
        for key in item:
            if key not in SOURCE_KEYS:
                ctx.error(
                    f"unknown key '{key}' in source {n}",
                    did_you_mean(str(key), tuple(SOURCE_KEYS)),
                    line,
                )
                bad = True
        for key in ("authors", "title"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                ctx.error(f"source {n} needs '{key}' as text", line=line)
                bad = True
        if not isinstance(item.get("year"), int) or isinstance(item.get("year"), bool):
            ctx.error(f"source {n} needs 'year' as a number", "for example: year: 2011", line)
            bad = True
        for key in ("venue", "doi", "url", "id"):
            if key in item and not isinstance(item[key], str):
                ctx.error(f"source {n}: '{key}' must be text", line=line)
                bad = True
        for key, value in item.items():
            if isinstance(value, str) and (problem := control_problem(value)):
                ctx.error(f"source {n}: '{key}' {problem}", line=line)
                bad = True
        if bad:
            continue
        doi, url, source_id = (
            item.get("doi", "").strip(),
            item.get("url", "").strip(),
            item.get("id", ""),
        )
        if doi and not DOI_RE.match(doi):
            ctx.error(
                f"source {n}: '{doi}' is not a DOI", "a DOI looks like 10.1037/a0031384", line
            )
        if url and not re.match(r"^https?://\S+$", url):
            ctx.error(f"source {n}: url must start with https://", line=line)
        if source_id and not SLUG_RE.match(source_id):
            ctx.error(
                f"source {n}: id '{source_id}' may hold only lowercase letters, digits and hyphens",
                line=line,
            )
        if source_id and source_id in ids:
            ctx.error(f"source {n}: id '{source_id}' is used twice", line=line)
        ids.add(source_id)
        out.append(
            Source(
                item["authors"].strip(),
                item["year"],
                item["title"].strip(),
                item.get("venue", "").strip(),
                doi,
                url,
                source_id,
            )
        )
    return tuple(out)


# Per kind: key -> (check, required). The key 'question' fills an FAQ entry's title.
FIELDS: dict[str, dict[str, tuple[Check, bool]]] = {
    "article": {
        "title": (_text, True), "summary": (_text, True), "topics": (_topics, True),
        "published": (_date, True), "updated": (_date, False), "reviewed": (_date, False),
        "reviewer": (_text, False), "sources": (_sources, False), "draft": (_bool, False),
    },
    "faq": {
        "question": (_text, True), "topics": (_topics, True), "sources": (_sources, False),
        "draft": (_bool, False),
    },
    "page": {"title": (_text, True), "summary": (_text, True), "draft": (_bool, False)},
}  # fmt: skip


def discover(tree: files.Tree) -> tuple[list[tuple[str, files.File]], list[SiteError]]:
    """Every content file in ``tree`` (a walk of content/) as (kind, file), sorted by path;
    plus the walk's problems and those of the folder layout."""
    found: list[tuple[str, files.File]] = []
    errors = list(tree.errors)
    known = ", ".join(f"content/{name}/" for name in KINDS)
    for folder in tree.folders:
        parts = folder.split("/")
        if len(parts) == 2 and parts[1] not in KINDS:
            errors.append(
                SiteError(folder, None, "unknown folder in content/", f"content goes in {known}")
            )
        elif len(parts) > 2:
            errors.append(
                SiteError(
                    folder,
                    None,
                    "folders inside content/ are not supported",
                    f"move the files up into content/{parts[1]}/",
                )
            )
    for file in tree.files:
        parts = file.rel.split("/")
        name = parts[-1]
        if len(parts) != 3 or parts[1] not in KINDS:
            if len(parts) == 2:  # files in folders already reported are not repeated
                errors.append(
                    SiteError(
                        file.rel, None, "file outside the content folders", f"move it into {known}"
                    )
                )
        elif not name.endswith(".md"):
            errors.append(
                SiteError(
                    file.rel,
                    None,
                    "not a Markdown file",
                    f"content/{parts[1]}/ holds only .md files",
                )
            )
        elif not SLUG_RE.match(name[:-3]):
            errors.append(
                SiteError(
                    file.rel,
                    None,
                    f"file name '{name}' cannot be a URL",
                    "use lowercase letters, digits and hyphens, e.g. my-article.md",
                )
            )
        else:
            found.append((KINDS[parts[1]], file))
    return found, errors


def parse(kind: str, slug: str, shown: str, raw: bytes, config: Config) -> Document:
    """Validate and render one content file's bytes; raise BuildError with all its problems."""
    parsed = frontmatter.split(frontmatter.decode(raw, shown), shown)
    doc = from_front_matter(kind, slug, shown, parsed, config)
    return replace(doc, source_hash=hashlib.sha256(raw).hexdigest())


def from_front_matter(
    kind: str, slug: str, shown: str, parsed: frontmatter.Parsed, config: Config
) -> Document:
    """Validate front matter against the kind's fields and render the body."""
    fields = FIELDS[kind]
    errors: list[SiteError] = []
    values: dict[str, Any] = {}
    for key, value in parsed.meta.items():
        line = parsed.key_lines.get(str(key), 2)
        if key not in fields:
            errors.append(
                SiteError(
                    shown, line, f"unknown key '{key}'", did_you_mean(str(key), tuple(fields))
                )
            )
            continue
        check, _ = fields[key]
        ctx = _Context(shown, config, key, line, parsed.item_lines.get(key, ()), errors)
        values[key] = check(value, ctx)
    for key, (_, required) in fields.items():
        if required and key not in parsed.meta:
            errors.append(
                SiteError(
                    shown,
                    2,
                    f"missing required key '{key}'",
                    f"add a line '{key}: ...' to the front matter",
                )
            )
    published, updated = values.get("published"), values.get("updated")
    if published and updated and updated < published:
        errors.append(
            SiteError(
                shown,
                parsed.key_lines.get("updated"),
                f"'updated' ({updated}) is before 'published' ({published})",
                "updated is the date of the last change: on or after the first publication",
            )
        )
    if not parsed.body.strip():
        errors.append(
            SiteError(
                shown,
                parsed.body_line,
                "no text below the front matter",
                "write the " + ("answer" if kind == "faq" else "text") + " below the second '---'",
            )
        )
    too_much = limits.check(parsed.body, parsed.body_line, shown)
    if too_much:
        raise BuildError(errors + too_much)  # not converted: that could take minutes
    sources = values.get("sources") or ()
    keys = tuple(s.id for s in sources if s.id)
    prefix = f"{slug}-" if kind == "faq" else ""
    body = markup.convert(parsed.body, parsed.body_line, keys, prefix)
    for key, line in body.unknown_cites[:20]:  # the first twenty are enough to fix
        errors.append(
            SiteError(
                shown,
                line,
                f"citation [@{key}] matches no source",
                did_you_mean(key, keys) if keys else "add it under 'sources' with id: " + key,
            )
        )
    if errors:
        raise BuildError(errors)
    return Document(
        kind=kind,
        slug=slug,
        path=shown,
        title=values.get("title") or values["question"],
        summary=values.get("summary") or "",
        topics=values.get("topics") or (),
        sources=sources,
        body=body,
        key_lines=tuple(sorted(parsed.key_lines.items())),
        published=values.get("published"),
        updated=values.get("updated"),
        reviewed=values.get("reviewed"),
        reviewer=values.get("reviewer") or "",
        draft=bool(values.get("draft")),
    )


def _parse_item(
    config: Config, item: tuple[str, str, str, bytes]
) -> tuple[Document | None, list[SiteError]]:
    kind, slug, shown, raw = item
    try:
        return parse(kind, slug, shown, raw, config), []
    except BuildError as exc:
        return None, exc.errors


def load_all(
    config: Config,
    cache: DocumentCache | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[list[Document], list[SiteError], set[str]]:
    """Every content file that is valid as a Document, every problem found, and the paths of
    the files that failed (so that links to them are not reported as missing too).
    ``meanwhile`` is called while the files are parsed (see parallel.fork_map)."""
    found, errors = discover(files.walk(config.root, "content"))
    docs, problems, failed = load_files(config, found, cache, meanwhile)
    return [d for d in docs if d is not None], errors + problems, failed


def load_files(
    config: Config,
    found: list[tuple[str, files.File]],
    cache: DocumentCache | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[list[Document | None], list[SiteError], set[str]]:
    """Read and parse ``found`` (kind, file) files: a Document or None for each, in order.

    Files whose bytes and settings match a cache entry are not parsed again; the rest are parsed
    on all cores."""
    errors: list[SiteError] = []
    fingerprint = (
        cache_fingerprint(config.root, tuple(t.id for t in config.topics)) if cache else ""
    )
    docs: list[Document | None] = [None] * len(found)
    pending: list[tuple[int, str, tuple[str, str, str, bytes]]] = []
    failed: set[str] = set()
    for index, (kind, file) in enumerate(found):
        shown = file.rel
        try:
            raw = files.read(file.path)
        except OSError as exc:
            errors.append(files.unreadable(shown, exc))
            failed.add(shown)
            continue
        key = entry_key(fingerprint, kind, shown, raw) if cache else ""
        cached = cache.get(key) if cache else None
        if isinstance(cached, Document):  # anything else in a damaged cache is ignored
            docs[index] = cached
        else:
            pending.append((index, key, (kind, shown.rsplit("/", 1)[1][:-3], shown, raw)))
    results = parallel.fork_map(_parse_item, [item for _, _, item in pending], config, meanwhile)
    for (index, key, item), (doc, problems) in zip(pending, results, strict=True):
        if doc is None:
            errors.extend(problems)
            failed.add(item[2])
            continue
        docs[index] = doc
        if cache:
            cache.put(key, doc)
    return docs, errors, failed
