"""Front matter, checked: each kind of content file's fields, their checks, and the values."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from . import frontmatter, schema
from .config import SLUG_RE, Config
from .document import Source
from .errors import SiteError
from .schema import CONTROL_HINT, Context, Field, control_problem
from .suggest import did_you_mean

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
MAX_SOURCES = 200  # per file: each unknown citation is compared with every source
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+\Z")


def _text(value: Any, ctx: Context) -> str | None:
    if not isinstance(value, str) or not value.strip():
        ctx.error(f"'{ctx.key}' must be text", f"for example: {ctx.key}: Some words")
        return None
    return value.strip()


FIRST_YEAR, LAST_YEAR = 1900, 2999  # wider than any page's dates, far from date's limits


def _date_hint(text: str) -> str:
    """How to write a date that is not real: the same date with month and day the other way
    round, when that one is (2026-31-12 -> 2026-12-31)."""
    year, month, day = (int(part) for part in text.split("-"))
    if 1 <= month <= 12:
        return f"check the day: that month has no day {day}"
    try:
        swapped = date(year, day, month).isoformat()
    except ValueError:
        return "write it as YYYY-MM-DD: the month (01 to 12) comes before the day"
    return f"write it as YYYY-MM-DD, the month before the day: {swapped}?"


def _date(value: Any, ctx: Context) -> date | None:
    if isinstance(value, str) and DATE_RE.match(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError as exc:
            ctx.error(f"'{ctx.key}' is not a real date: {exc}", _date_hint(value.strip()))
            return None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:  # review dates are counted on from these
            ctx.error(
                f"'{ctx.key}' is in the year {day.year}",
                f"a page's dates fall between {FIRST_YEAR} and {LAST_YEAR}: check the year",
            )
            return None
        return day
    ctx.error(
        f"'{ctx.key}' must be a date written as YYYY-MM-DD, not {value!r}",
        f"for example: {ctx.key}: 2026-11-01",
    )
    return None


def _bool(value: Any, ctx: Context) -> bool | None:
    if isinstance(value, bool):
        return value
    ctx.error(f"'{ctx.key}' must be true or false, not {value!r}", f"e.g. {ctx.key}: true")
    return None


def _topics(value: Any, ctx: Context) -> tuple[str, ...] | None:
    declared = tuple(t.id for t in ctx.extra[0].topics)
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


FOLDERS = {"article": "articles", "faq": "faq", "page": "pages"}  # content/<folder>/ per kind
TRANSLATES_RE = re.compile(r"^(?:content/)?([a-z]+)/([^/]+)\.md\Z")


def _translates(value: Any, ctx: Context) -> str | None:
    """The original a translation translates, as content/<folder>/<file>.md."""
    kind, shown = ctx.extra[2], ctx.path
    folder = FOLDERS[kind]
    example = f"for example: translates: {folder}/my-{kind}.md (the file in content/{folder}/)"
    if len(shown.split("/")) != 4:  # content/<code>/<folder>/<file>
        ctx.error(
            "only a file in a language's folder (content/<code>/) translates another",
            "remove the 'translates' line",
        )
        return None
    match = TRANSLATES_RE.match(value.strip()) if isinstance(value, str) else None
    if not match or not SLUG_RE.match(match.group(2)):
        ctx.error(f"'translates' must name a content file, not {value!r}", example)
        return None
    if match.group(1) != folder:
        ctx.error(
            f"a translation of content/{match.group(1)}/ cannot be in {folder}/",
            f"a translation is in the same folder as its original: {example}",
        )
        return None
    return f"content/{folder}/{match.group(2)}.md"


SOURCE_KEYS = {"id", "authors", "year", "title", "venue", "doi", "url"}


def _sources(value: Any, ctx: Context) -> tuple[Source, ...] | None:
    if not isinstance(value, list):
        ctx.error("'sources' must be a list", "each source starts with '- ' on its own line")
        return None
    if len(value) > MAX_SOURCES:
        ctx.error(f"{len(value)} sources; the limit is {MAX_SOURCES}", "split the article")
        return None
    out = []
    ids: set[str] = set()
    item_lines = ctx.extra[1].get(ctx.key, ())
    for index, item in enumerate(value):
        line = item_lines[index] if index < len(item_lines) else ctx.line
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
                ctx.error(
                    f"source {n} needs '{key}' as text",
                    f"for example: {key}: "
                    + ("Smith, J." if key == "authors" else "Crying in therapy"),
                    line,
                )
                bad = True
        if not isinstance(item.get("year"), int) or isinstance(item.get("year"), bool):
            ctx.error(f"source {n} needs 'year' as a number", "for example: year: 2011", line)
            bad = True
        for key in ("venue", "doi", "url", "id"):
            if key in item and not isinstance(item[key], str):
                ctx.error(
                    f"source {n}: '{key}' must be text", "put the value in quotes: '...'", line
                )
                bad = True
        for key, value in item.items():
            if isinstance(value, str) and (problem := control_problem(value)):
                ctx.error(
                    f"source {n}: '{key}' {problem}",
                    CONTROL_HINT,
                    line,
                )
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
            ctx.error(
                f"source {n}: url must start with https://",
                "copy the address from the browser's address bar, e.g. https://doi.org/…",
                line,
            )
        if source_id and not SLUG_RE.match(source_id):
            ctx.error(
                f"source {n}: id '{source_id}' may hold only lowercase letters, digits and hyphens",
                "e.g. id: gracanin-2014",
                line,
            )
        if source_id and source_id in ids:
            ctx.error(
                f"source {n}: id '{source_id}' is used twice",
                "give each source its own id: [@id] cites exactly one",
                line,
            )
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
                line,
            )
        )
    return tuple(out)


# Per kind: key -> Field. The key 'question' fills an FAQ entry's title.
FIELDS: dict[str, dict[str, Field]] = {
    "article": {
        "title": Field(_text, True), "summary": Field(_text, True), "topics": Field(_topics, True),
        "published": Field(_date, True), "updated": Field(_date), "reviewed": Field(_date),
        "reviewer": Field(_text), "sources": Field(_sources), "draft": Field(_bool),
        "translates": Field(_translates),
    },
    "faq": {
        "question": Field(_text, True), "topics": Field(_topics, True), "updated": Field(_date),
        "reviewed": Field(_date), "reviewer": Field(_text), "sources": Field(_sources),
        "draft": Field(_bool), "translates": Field(_translates),
    },
    "page": {
        "title": Field(_text, True), "summary": Field(_text, True), "updated": Field(_date),
        "reviewed": Field(_date), "reviewer": Field(_text), "draft": Field(_bool),
        "translates": Field(_translates),
    },
}  # fmt: skip


def check(
    kind: str, shown: str, parsed: frontmatter.Parsed, config: Config
) -> tuple[dict[str, Any], list[SiteError]]:
    """The front matter's values by key (None where a value is wrong), and every problem."""
    errors: list[SiteError] = []
    values = schema.check(
        parsed.meta,
        FIELDS[kind],
        shown,
        lambda key: parsed.key_lines.get(key, 2) if key else 2,
        errors,
        add="add a line '{key}: ...' to the front matter",
        extra=(config, parsed.item_lines, kind),
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
    return values, errors
