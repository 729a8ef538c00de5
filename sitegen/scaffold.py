"""``build.py new``: write a valid article skeleton for an editor to fill in."""

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

TEMPLATE = """---
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
"""


def slugify(title: str) -> str:
    """A file name from a title: lowercase ASCII letters, digits and hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return re.sub(r"-{2,}", "-", slug)[:80].strip("-")


def new_article(config: Config, title: str, topic: str | None, today: date) -> Path:
    """Write content/articles/<slug>.md and return its path; never overwrite a file."""
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
    chosen = topic or topic_ids[0]
    if chosen not in topic_ids:
        raise BuildError(
            [
                SiteError(
                    "--topic", None, f"unknown topic '{chosen}'", did_you_mean(chosen, topic_ids)
                )
            ]
        )
    folder = config.root / "content" / "articles"
    path = folder / f"{slug}.md"
    shown = f"content/articles/{slug}.md"
    real = os.path.realpath(folder)
    if not (real == str(config.root) or real.startswith(str(config.root) + os.sep)):
        raise BuildError(
            [
                SiteError(
                    "content/articles",
                    None,
                    "symbolic link points outside the project; nothing was written",
                    "make content/articles a folder of the project",
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
    text = TEMPLATE.format(
        # PyYAML quotes and escapes whatever the title holds (quotes, backslashes, colons)
        title=yaml.safe_dump({"title": title}, allow_unicode=True, width=1_000_000).strip(),
        topic=chosen,
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
                    "check that content/articles/ is writable and the disk has room",
                )
            ]
        ) from None
    return path
