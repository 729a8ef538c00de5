"""Content files: find them under content/, and turn each into a Document (its front matter
checked, its Markdown converted), reusing the cache and parsing on all cores."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping

from . import fields, files, frontmatter, limits, markup, parallel
from .cache import DocumentCache, entry_key
from .cache import fingerprint as cache_fingerprint
from .config import LANG_RE, SLUG_RE, Config
from .document import Document
from .errors import BuildError, SiteError
from .suggest import did_you_mean
from .typography import smarten_text

KINDS = {folder: kind for kind, folder in fields.FOLDERS.items()}  # content/<folder>/ -> kind


def discover(
    tree: files.Tree, languages: Collection[str] = (), default: str = ""
) -> tuple[list[tuple[str, files.File]], list[SiteError]]:
    """Every content file in ``tree`` (a walk of content/) as (kind, file), sorted by path;
    plus the walk's problems and those of the folder layout. The default language's files are
    in content/<kind folder>/, each further language's (``languages``: their codes) in
    content/<code>/<kind folder>/; ``default`` is the default language's code."""
    found: list[tuple[str, files.File]] = []
    errors = list(tree.errors)
    known = ", ".join(f"content/{name}/" for name in KINDS)
    if languages:
        known += " (and the same folders in " + ", ".join(f"content/{c}/" for c in languages) + ")"
    for folder in tree.folders:
        parts = folder.split("/")
        depth = 3 if len(parts) > 1 and parts[1] in languages else 2
        kind_folder = parts[depth - 1] if len(parts) >= depth else None
        if len(parts) == depth and kind_folder not in KINDS:
            hint = f"content goes in {known}"
            if depth == 2 and parts[1].lower() == default.lower():
                hint = (
                    f"'{parts[1]}' is the site's default language: its files go straight in "
                    + ", ".join(f"content/{name}/" for name in KINDS)
                )
            elif depth == 2 and LANG_RE.match(parts[1]):
                hint += (
                    f'; for a language, declare it in site.toml ([[languages]] code = "{parts[1]}")'
                )
            errors.append(SiteError(folder, None, "unknown folder in content/", hint))
        elif len(parts) > depth and (depth == 3 or parts[1] in KINDS):  # not in one reported
            errors.append(
                SiteError(
                    folder,
                    None,
                    "folders inside content/ are not supported",
                    f"move the files up into {'/'.join(parts[:depth])}/",
                )
            )
    for file in tree.files:
        parts = file.rel.split("/")
        name = parts[-1]
        depth = 4 if len(parts) > 2 and parts[1] in languages else 3
        if len(parts) != depth or parts[depth - 2] not in KINDS:
            if len(parts) == depth - 1:  # files in folders already reported are not repeated
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
                    f"{'/'.join(parts[:-1])}/ holds only .md files",
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
            found.append((KINDS[parts[depth - 2]], file))
    return found, errors


def language_of(path: str) -> str:
    """A content file's language: "" (the default) in content/<kind>/, else its folder's code."""
    parts = path.split("/")
    return parts[1] if len(parts) == 4 else ""


def parse(
    kind: str,
    slug: str,
    shown: str,
    raw: bytes,
    config: Config,
    backlinks: Mapping[str, str] | None = None,
) -> Document:
    """Check and convert one content file's bytes; raise BuildError with all its problems.
    ``backlinks``: a footnote's back-link title in each language (i18n.backlink_titles)."""
    parsed = frontmatter.split(frontmatter.decode(raw, shown), shown)
    values, errors = fields.check(kind, shown, parsed, config)
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
    listed = _listed_ids(parsed.meta.get("sources"))
    keys = tuple(dict.fromkeys([*(s.id for s in sources if s.id), *listed]))
    prefix = f"{slug}-" if kind == "faq" else ""
    lang = language_of(shown) or config.language
    backlink = (backlinks or {}).get(lang, markup.BACKLINK_TITLE)
    quotes = next((la.quotes for la in config.languages if la.code == lang), config.quotes)
    body = markup.convert(parsed.body, parsed.body_line, keys, prefix, backlink, quotes)
    for key, line in body.unknown_cites[:20]:  # the first twenty are enough to fix
        errors.append(
            SiteError(
                shown,
                line,
                f"citation [@{key}] matches no source",
                did_you_mean(key, keys, None if keys else "add it under 'sources' with id: " + key),
            )
        )
    if errors:
        raise BuildError(errors)
    return Document(
        kind=kind,
        slug=slug,
        path=shown,
        title=smarten_text(values.get("title") or values["question"], quotes),
        summary=smarten_text(values.get("summary") or "", quotes),
        topics=values.get("topics") or (),
        sources=sources,
        body=body,
        key_lines=tuple(sorted(parsed.key_lines.items())),
        published=values.get("published"),
        updated=values.get("updated"),
        reviewed=values.get("reviewed"),
        reviewer=values.get("reviewer") or "",
        draft=bool(values.get("draft")),
        source_hash=hashlib.sha256(raw).hexdigest(),
        lang=language_of(shown),
        original=values.get("translates") or "",
    )


def _listed_ids(raw: object) -> tuple[str, ...]:
    """The ids of the sources as written, when some are invalid (their own errors say why):
    citations of them are not reported as matching no source as well."""
    if not isinstance(raw, list):
        return ()
    return tuple(i["id"] for i in raw if isinstance(i, dict) and isinstance(i.get("id"), str))


def _parse_item(
    state: tuple[Config, Mapping[str, str] | None], item: tuple[str, str, str, bytes]
) -> tuple[Document | None, list[SiteError]]:
    kind, slug, shown, raw = item
    try:
        return parse(kind, slug, shown, raw, *state), []
    except BuildError as exc:
        return None, exc.errors


def load_all(
    config: Config,
    cache: DocumentCache | None = None,
    backlinks: Mapping[str, str] | None = None,
) -> tuple[list[Document], list[SiteError], set[str]]:
    """Every content file that is valid as a Document, every problem found, and the paths of
    the files that failed (so that links to them are not reported as missing too)."""
    content_tree = files.walk(config.root, "content")
    found, errors = discover(content_tree, further_languages(config), config.language)
    docs, problems, failed = load_files(config, found, cache, backlinks)
    return [d for d in docs if d is not None], errors + problems, failed


def further_languages(config: Config) -> tuple[str, ...]:
    """The codes of the languages besides the default: the folders content/<code>/."""
    return tuple(lang.code for lang in config.languages[1:])


def load_files(
    config: Config,
    found: list[tuple[str, files.File]],
    cache: DocumentCache | None = None,
    backlinks: Mapping[str, str] | None = None,
) -> tuple[list[Document | None], list[SiteError], set[str]]:
    """Read and parse ``found`` (kind, file) files: a Document or None for each, in order.

    Files whose bytes and settings match a cache entry are not parsed again; the rest are parsed
    on all cores."""
    errors: list[SiteError] = []
    fingerprint = (
        cache_fingerprint(
            config.root,
            tuple(t.id for t in config.topics),
            tuple(sorted((backlinks or {}).items())),
            tuple((c.language, c.quotes) for c in config.editions()),
        )
        if cache
        else ""
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
    state = (config, backlinks)
    results = parallel.fork_map(_parse_item, [item for _, _, item in pending], state)
    for (index, key, item), (doc, problems) in zip(pending, results, strict=True):
        if doc is None:
            errors.extend(problems)
            failed.add(item[2])
            continue
        docs[index] = doc
        if cache:
            cache.put(key, doc)
    return docs, errors, failed
