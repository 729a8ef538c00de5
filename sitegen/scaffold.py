"""``build.py new``: a new article, FAQ entry or page for an editor to fill in, as a draft."""

from __future__ import annotations

import os
import posixpath
import re
from datetime import date
from pathlib import Path

import yaml
from slugify import slugify as make_slug

from . import files, frontmatter, write
from .config import MAX_SLUG, SLUG_RE, Config, slug_problem
from .errors import BuildError, SiteError
from .fields import FOLDERS, TRANSLATES_RE
from .quality import PLACEHOLDER, PLACEHOLDER_DOI
from .schema import control_problem
from .suggest import did_you_mean

TEMPLATES = {
    "article": """---
{title}
summary: "{placeholder}: one or two plain sentences (at most 160 characters) saying what this article answers."
topics: [{topic}]
published: {today}
sources:
  - id: example2026
    authors: "{placeholder}: authors, e.g. Bylsma, L. M., & Rottenberg, J."
    year: 2026
    title: "{placeholder}: the title of the study or review"
    venue: "{placeholder}: the journal, volume and pages"
    doi: "{placeholder_doi}"
draft: true
---
{placeholder}: start with a short, direct answer to the question in the title.

## {placeholder}: a first heading

{placeholder}: write in short sentences. Put a citation right after a claim that depends on a source.[@example2026]

## If you need help now

If you are struggling or in danger, see [who to call now](../pages/{help}.md).
""",
    "faq": """---
{title}
topics: [{topic}]
draft: true
---
{placeholder}: answer the question in a few short sentences (150 words at most), then link to an
article that goes deeper by its file, as in `[the article's title](../articles/file-name.md)`
(replace that with a real one).
""",
    "page": """---
{title}
summary: "{placeholder}: one or two plain sentences (at most 160 characters) saying what this page is for."
draft: true
---
{placeholder}: write the page.
""",
}
TITLE_KEYS = {"article": "title", "faq": "question", "page": "title"}


def slugify(title: str) -> str:
    """A file name from a title in any script: lowercase ASCII letters, digits and hyphens,
    transliterated by python-slugify ("Straße" -> "strasse"); "" when nothing is left."""
    slug = make_slug(title, max_length=MAX_SLUG)
    return slug if SLUG_RE.match(slug) else ""


def _file_in_the_way(root: Path, where: str) -> str:
    """The first part of the folder path ``where`` (inside ``root``) that exists but is not a
    folder, or "" when there is none."""
    parts = where.split("/")
    for depth in range(1, len(parts) + 1):
        shown = "/".join(parts[:depth])
        if os.path.lexists(root / shown) and not (root / shown).is_dir():
            return shown
    return ""


def new_file(
    config: Config,
    kind: str,
    title: str,
    topic: str | None,
    today: date,
    lang: str | None = None,
    translates: str | None = None,
    slug: str | None = None,
) -> Path:
    """Write content/<folder>/<slug>.md for a new article, FAQ entry or page, marked as a draft,
    and return its path; never overwrite a file. With ``lang``, the file goes in that
    language's folder, content/<lang>/<folder>/; with ``translates`` (the original's file) it
    starts as the original: its topics, its sources and its text, to translate. ``slug`` names
    the file (and so the page's address) instead of a name made from the title."""
    _check_language(config, lang, translates)
    translated = _translations(config, lang) if lang else {}  # after the check: a known code
    original = _original(config, kind, translates, translated) if translates else None
    topics = original[1].meta.get("topics") if original is not None else None
    if topic is None and isinstance(topics, list) and all(isinstance(t, str) for t in topics):
        topic = ", ".join(topics) or None  # the original's, when they are a list of ids
    if slug is not None and slug_problem(slug):
        raise BuildError(
            [
                SiteError(
                    "--slug",
                    None,
                    f"'{slug}' cannot be a file name",
                    f"use lowercase Latin letters, digits and single hyphens, at most {MAX_SLUG} "
                    "characters, e.g. --slug why-tears-help",
                )
            ]
        )
    slug = slug or slugify(title)
    if not slug:
        raise BuildError(
            [
                SiteError(
                    "--slug",
                    None,
                    f"cannot make a file name from '{title}': a page's file name (its web "
                    "address) is written in Latin letters and digits",
                    "give one with --slug, e.g. --slug why-tears-help",
                )
            ]
        )
    if problem := control_problem(title):
        raise BuildError(
            [SiteError("new", None, f"the title {problem}", "type the title on one line")]
        )
    topic_ids = tuple(t.id for t in config.topics)
    if not topic_ids:
        raise BuildError(
            [SiteError("site.toml", None, "no topics are declared", "add a [[topics]] block first")]
        )
    if kind != "page" and not topic:
        raise BuildError(
            [
                SiteError(
                    "--topic",
                    None,
                    f"a new {'FAQ entry' if kind == 'faq' else 'article'} needs a topic",
                    f"add --topic with one of: {', '.join(topic_ids)}",
                )
            ]
        )
    if kind == "page" and topic:
        raise BuildError(
            [SiteError("--topic", None, "pages have no topics", "leave out --topic for a page")]
        )
    for one in (topic or "").split(", ") if topic else ():
        if one not in topic_ids:
            raise BuildError(
                [SiteError("--topic", None, f"unknown topic '{one}'", did_you_mean(one, topic_ids))]
            )
    where = f"content/{lang}/{FOLDERS[kind]}" if lang else f"content/{FOLDERS[kind]}"
    folder = config.root / where
    path = folder / f"{slug}.md"
    shown = f"{where}/{slug}.md"
    real = os.path.realpath(folder)
    if not (real == str(config.root) or real.startswith(str(config.root) + os.sep)):
        raise BuildError(
            [
                SiteError(
                    where,
                    None,
                    "symbolic link points outside the project; nothing was written",
                    f"make {where} a folder of the project",
                )
            ]
        )
    blocking = _file_in_the_way(config.root, where)
    if blocking:
        raise BuildError(
            [
                SiteError(
                    blocking,
                    None,
                    "is a file, where a folder should be; nothing was written",
                    f"rename or move that file; the new file goes in the folder {where}/",
                )
            ]
        )
    if os.path.lexists(path):  # a file, or a link (even one that points nowhere)
        raise BuildError(
            [
                SiteError(
                    shown,
                    None,
                    "already exists; nothing was written",
                    "choose another title, or edit the existing file",
                )
            ]
        )
    text = TEMPLATES[kind].format(
        # PyYAML quotes and escapes whatever the title holds (quotes, backslashes, colons)
        title=yaml.safe_dump(
            {TITLE_KEYS[kind]: title}, allow_unicode=True, width=1_000_000
        ).strip(),
        topic=topic,
        help=_help_page(config, translated),
        today=today.isoformat(),
        placeholder=PLACEHOLDER,
        placeholder_doi=PLACEHOLDER_DOI,
    )
    if original is not None:
        text = _translation(text, *original, config, str(lang), translated)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write.replace_file(path, text.encode("utf-8"), overwrite=False)
    except FileExistsError:
        raise BuildError(
            [SiteError(shown, None, "already exists; nothing was written", "choose another title")]
        ) from None
    except OSError as exc:
        raise BuildError(
            [
                SiteError(
                    shown,
                    None,
                    f"could not write the file: {exc.strerror}; nothing was written",
                    f"check that {where}/ is writable and the disk has room",
                )
            ]
        ) from None
    return path


def _check_language(config: Config, lang: str | None, translates: str | None) -> None:
    """``--lang`` names a further language; ``--translates`` comes with it."""
    further = [language.code for language in config.languages[1:]]
    if lang is not None and lang not in further:
        hint = (
            f"use one of: {', '.join(further)}"
            if further
            else "add the language to site.toml first (a [[languages]] block)"
        )
        message = f"'{lang}' is not one of this site's other languages (in site.toml)"
        raise BuildError([SiteError("--lang", None, message, hint)])
    if translates is not None and lang is None:
        raise BuildError(
            [
                SiteError(
                    "--translates",
                    None,
                    "a translation needs --lang",
                    f"add --lang {further[0] if further else 'es'}",
                )
            ]
        )


def _original(
    config: Config, kind: str, translates: str, translated: dict[str, str]
) -> tuple[str, frontmatter.Parsed]:
    """The file a new translation translates (``translated``: the language's translations so
    far, by original), as its path from the project and read."""
    match = TRANSLATES_RE.match(translates)
    shown = f"content/{match.group(1)}/{match.group(2)}.md" if match else translates
    if not match or match.group(1) != FOLDERS[kind]:
        raise BuildError(
            [
                SiteError(
                    "--translates",
                    None,
                    f"'{translates}' is not a file in content/{FOLDERS[kind]}/",
                    f"e.g. --translates {FOLDERS[kind]}/my-{kind}.md",
                )
            ]
        )
    # read as builds read: a regular file inside the project, not a link out or a FIFO
    found = files.walk(config.root, shown, folder=False)
    if found.errors:
        raise BuildError(list(found.errors))
    if not found.files:
        raise BuildError(
            [SiteError("--translates", None, f"no such file: {shown}", "name the original's file")]
        )
    existing = translated.get(shown)
    if existing:
        raise BuildError(
            [
                SiteError(
                    "--translates",
                    None,
                    f"{existing} already translates {shown}",
                    "edit that file; each page has one translation per language",
                )
            ]
        )
    try:
        raw = files.read(found.files[0].path)
    except OSError as exc:
        raise BuildError([files.unreadable(shown, exc)]) from None
    return shown, frontmatter.split(frontmatter.decode(raw, shown), shown)


def _help_page(config: Config, translated: dict[str, str]) -> str:
    """The file name of the help page in the language of ``translated`` (its translations by
    original; none: the default language)."""
    page = translated.get(f"content/pages/{config.help_page}.md")
    return posixpath.basename(page)[:-3] if page else config.help_page


def _translation(
    text: str,
    source: str,
    original: frontmatter.Parsed,
    config: Config,
    lang: str,
    translated: dict[str, str],
) -> str:
    """A new translation's text: the draft's front matter with 'translates' and the original's
    (``source``) sources, and the original's text to translate below a placeholder line."""
    head, _, _ = text.partition("\n---\n")
    head = re.sub(r"(?ms)^sources:\n(?:  .*\n?)*", "", head + "\n").rstrip("\n")
    head = head.replace("\ndraft: true", "")
    lines = [head, f"translates: {source.removeprefix('content/')}"]
    if original.meta.get("sources"):
        lines.append(
            yaml.safe_dump(
                {"sources": original.meta["sources"]},
                allow_unicode=True,
                sort_keys=False,
                width=1_000_000,
            ).rstrip("\n")
        )
    lines += ["draft: true", "---"]
    name = next(language.name for language in config.languages if language.code == lang)
    folder = posixpath.dirname(source)  # content/articles
    here = f"content/{lang}/{posixpath.basename(folder)}"
    return (
        "\n".join(lines)
        + f"\n{PLACEHOLDER}: translate the text below into {name} for its readers (the same"
        " facts, no stronger, with links to this language's pages), then remove this line.\n\n"
        + _relinked(original.body.lstrip("\n"), folder, here, translated)
    )


# Linear on any text: a path stops at the next bracket or parenthesis (file names are slugs).
LINK_RE = re.compile(r"(\]\()([^()\[\]\s#:]+\.md)((?:#[^()\s]*)?\))")


def _relinked(body: str, source: str, here: str, translated: dict[str, str]) -> str:
    """The original's text (from the folder ``source``) with each link to another page made to
    work from the new file's folder ``here``: to that page's translation where one exists
    (``translated``: by original), else to the page itself."""

    def swap(link: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(source, link.group(2)))
        dest = translated.get(target, target)
        return link.group(1) + posixpath.relpath(dest, here) + link.group(3)

    return LINK_RE.sub(swap, body)


def _translations(config: Config, lang: str) -> dict[str, str]:
    """The files in content/<lang>/ by the original each translates, found by the same walk
    and read as builds do (no FIFO, no link out of the project; those are the build's to
    report)."""
    found = {}
    for file in files.walk(config.root, f"content/{lang}").files:
        parts = file.rel.split("/")  # content/<lang>/<folder>/<name>.md
        if len(parts) != 4 or parts[2] not in FOLDERS.values() or not file.rel.endswith(".md"):
            continue
        try:
            text = files.read(file.path).decode("utf-8", errors="replace")
        except OSError:
            continue
        named = re.search(r"^translates:\s*[\"']?(?:content/)?([a-z]+/[^\s\"']+\.md)", text, re.M)
        if named:
            found[f"content/{named.group(1)}"] = file.rel
    return found
