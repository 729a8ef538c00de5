"""``build.py new``: a new article, FAQ entry or page for an editor to fill in, as a draft."""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date
from pathlib import Path

import yaml

from . import write
from .config import Config
from .errors import BuildError, SiteError
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

If you are struggling or in danger, see [who to call now](../pages/get-help.md).
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
FOLDERS = {"article": "articles", "faq": "faq", "page": "pages"}
TITLE_KEYS = {"article": "title", "faq": "question", "page": "title"}


def slugify(title: str) -> str:
    """A file name from a title: lowercase ASCII letters, digits and hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return re.sub(r"-{2,}", "-", slug)[:80].strip("-")


def new_file(config: Config, kind: str, title: str, topic: str | None, today: date) -> Path:
    """Write content/<folder>/<slug>.md for a new article, FAQ entry or page, marked as a draft,
    and return its path; never overwrite a file."""
    slug = slugify(title)
    if not slug:
        raise BuildError(
            [
                SiteError(
                    "new",
                    None,
                    f"cannot make a file name from '{title}'",
                    "use a title with some letters or digits",
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
    if topic is not None and topic not in topic_ids:
        raise BuildError(
            [SiteError("--topic", None, f"unknown topic '{topic}'", did_you_mean(topic, topic_ids))]
        )
    folder = config.root / "content" / FOLDERS[kind]
    path = folder / f"{slug}.md"
    shown = f"content/{FOLDERS[kind]}/{slug}.md"
    real = os.path.realpath(folder)
    if not (real == str(config.root) or real.startswith(str(config.root) + os.sep)):
        raise BuildError(
            [
                SiteError(
                    f"content/{FOLDERS[kind]}",
                    None,
                    "symbolic link points outside the project; nothing was written",
                    f"make content/{FOLDERS[kind]} a folder of the project",
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
        today=today.isoformat(),
        placeholder=PLACEHOLDER,
        placeholder_doi=PLACEHOLDER_DOI,
    )
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
                    f"check that content/{FOLDERS[kind]}/ is writable and the disk has room",
                )
            ]
        ) from None
    return path
