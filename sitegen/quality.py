"""The content-quality gates behind ``check --strict``: sources, review age, readability."""

from __future__ import annotations

import posixpath
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from . import readability
from .config import Quality
from .document import Document, Source
from .errors import SiteError
from .markup import plain_text
from .model import Site, review_due

BLOCK_END = re.compile(r"</(h[1-6]|li|td|th|dt|dd|caption)>")
FOOTNOTES = re.compile(r'<div class="footnote">.*?</div>', re.S)
CITES = re.compile(r'<sup class="cite">.*?</sup>', re.S)
INSECURE = re.compile(r"^http://", re.I)
MAX_FAQ_WORDS = 150


def readable_text(fragment: str) -> str:
    """An article's own words for readability: no footnotes or citation markers, and each
    heading, list item and table cell ended as a sentence (so it is not glued to the next)."""
    fragment = CITES.sub("", FOOTNOTES.sub("", fragment))
    fragment = BLOCK_END.sub(". ", fragment)
    text = plain_text(fragment)
    return re.sub(r"([.!?:;])\s*\.\s", r"\1 ", text)


def readability_of(fragment: str, formula: str, language: str) -> float:
    """The readability score of an HTML fragment's prose (see readability.FORMULAS)."""
    return readability.score(readable_text(fragment), formula, language)


PLACEHOLDER = "TODO"
PLACEHOLDER_DOI = "10.0000/replace-me"


def placeholders(site: Site, drafts: bool = False) -> list[SiteError]:
    """Text left for the editor to fill in (``new`` writes it), in the published documents or
    (``drafts``) in the drafts; ``check`` flags it, even unstrict."""
    errors = []
    for doc in site.drafts if drafts else site.documents:
        for key in ("title", "summary"):
            if getattr(doc, key).startswith(PLACEHOLDER):
                errors.append(
                    SiteError(
                        doc.path,
                        doc.line(key) or doc.line("question"),
                        f"the {key} is still a placeholder",
                        f"replace the '{PLACEHOLDER}' text with your own words",
                    )
                )
        if PLACEHOLDER + ":" in doc.body.html:
            errors.append(
                SiteError(
                    doc.path,
                    _line_of(site.config.root / doc.path, PLACEHOLDER + ":"),
                    "the text still holds the placeholder text 'new' wrote",
                    f"replace every '{PLACEHOLDER}:' passage with your own words",
                )
            )
        for n, source in enumerate(doc.sources, start=1):
            fields = (source.authors, source.title, source.venue)
            if any(f.startswith(PLACEHOLDER) for f in fields) or source.doi == PLACEHOLDER_DOI:
                errors.append(
                    SiteError(
                        doc.path,
                        doc.line("sources"),
                        f"source {n} is still a placeholder",
                        "fill in the real study, or remove the example source",
                    )
                )
    return errors


def _line_of(path: Path, text: str) -> int | None:
    """The line of the file ``path`` where ``text`` first occurs below the front matter (None if
    the file cannot be read)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    fences = [n for n, line in enumerate(lines, start=1) if line.strip() == "---"][:2]
    start = fences[-1] if len(fences) == 2 else 0
    return next((n for n, line in enumerate(lines, start=1) if n > start and text in line), None)


SOURCE_FIELDS = ("authors", "year", "title", "venue", "doi", "url", "id")


def _inconsistent_sources(site: Site) -> list[SiteError]:
    """One study, one record: every file that lists a source id (or a DOI) must give the same
    authors, year, title, venue, DOI and URL. The record most files give is taken as right, and
    each file that differs is named at the line of its source."""
    uses: dict[str, list[tuple[Source, Document]]] = {}
    for doc in site.documents:
        for source in doc.sources:
            for key in (
                f"id {source.id}" if source.id else "",
                f"doi {source.doi}" if source.doi else "",
            ):
                if key:
                    uses.setdefault(key, []).append((source, doc))
    errors: dict[tuple[str, int | None], SiteError] = {}  # one per source listed, not per key
    for listed in uses.values():
        records = Counter(source for source, _ in listed)
        if len(records) < 2:
            continue
        usual, _ = records.most_common(1)[0]
        where = next(doc.path for source, doc in listed if source == usual)
        others = records[usual] - 1
        also = f" and {others} other file{'s' if others != 1 else ''}" if others else ""
        for source, doc in listed:
            if source != usual:
                fields = [f for f in SOURCE_FIELDS if getattr(source, f) != getattr(usual, f)]
                errors.setdefault(
                    (doc.path, source.line),
                    SiteError(
                        doc.path,
                        source.line or doc.line("sources"),
                        f"source {source.id or source.doi}: its {', '.join(fields)} differ(s) "
                        f"from the record in {where}{also}",
                        "copy the record from there, so one study has one record everywhere",
                    ),
                )
    return list(errors.values())


def reviews_due(site: Site, today: date, within: int = 0) -> list[tuple[date, Document]]:
    """Every published document whose next review (``reviewed`` + max_review_age_days) falls
    on or before ``today`` + ``within`` days, with that date, soonest first. A document never
    reviewed is due today."""
    due = [(review_due(doc, site.config) or today, doc) for doc in site.documents]
    limit = today + timedelta(days=within)
    return sorted(
        ((when, doc) for when, doc in due if when <= limit), key=lambda d: (d[0], d[1].path)
    )


def overdue(site: Site, today: date) -> list[SiteError]:
    """Warnings, never errors: a page past its review date still publishes (a deploy must never
    wait on the calendar, least of all a fix to a crisis line); the monthly review workflow
    lists it for the editors."""
    return [
        SiteError(
            doc.path,
            doc.line("reviewed"),
            f"review overdue since {when.isoformat()} (last reviewed {doc.reviewed})",
            "re-check the facts and sources, then update 'reviewed'",
        )
        for when, doc in reviews_due(site, today)
        if doc.reviewed and when < today
    ]


def _source_problems(doc: Document) -> list[SiteError]:
    """Each source needs a link, an id and a citation in the text."""
    errors: list[SiteError] = []
    for n, source in enumerate(doc.sources, start=1):
        if not source.doi and not source.url.startswith("https://"):
            errors.append(
                SiteError(
                    doc.path,
                    doc.line("sources"),
                    f"source {n} ({source.title[:40]}) needs a doi or an https url",
                    "add doi: 10.… or url: https://… to it, so that readers can find it",
                )
            )
        if source.id and source.id not in doc.body.cites:
            errors.append(
                SiteError(
                    doc.path,
                    source.line or doc.line("sources"),
                    f"source '{source.id}' is never cited",
                    f"add [@{source.id}] after the claim it supports",
                )
            )
        if not source.id:
            errors.append(
                SiteError(
                    doc.path,
                    doc.line("sources"),
                    f"source {n} has no id, so the text cannot cite it",
                    "add id: and cite it with [@id]",
                )
            )
    return errors


HARD = "use shorter sentences and everyday words"


def too_hard(score: float, q: Quality, median: bool) -> bool:
    """Whether a readability score (or the median of a language's articles) misses the target."""
    if readability.easier_is_higher(q.readability):
        return score < (q.min_median_score if median else q.min_score)
    return score > (q.max_median_grade if median else q.max_grade)


def _readability_problem(score: float, q: Quality, median: bool) -> str:
    what = "median " if median else ""
    if readability.easier_is_higher(q.readability):
        limit = q.min_median_score if median else q.min_score
        return f"{what}readability ({q.readability}) {score:.1f} is below {limit:g}"
    limit = q.max_median_grade if median else q.max_grade
    return f"{what}reading grade {score:.1f} is above {limit:g}"


def translations(
    sites: Sequence[Site], today: date
) -> tuple[list[SiteError], list[SiteError], list[SiteError]]:
    """What the translations need, as (notes, warnings, errors): each page with no
    translation in a language (a note); each translation older than its original's last
    change (a warning; under --strict an error once the original has waited longer than the
    review interval)."""
    notes: list[SiteError] = []
    warnings: list[SiteError] = []
    errors: list[SiteError] = []
    if len(sites) < 2:
        return notes, warnings, errors
    home = sites[0]
    for site in sites[1:]:
        for translation in site.documents:
            if translation.original and translation.original not in home.by_path:
                warnings.append(
                    SiteError(
                        translation.path,
                        translation.line("translates"),
                        f"translates {translation.original}, which is a draft: it is published "
                        "without its original",
                        "publish the original too, or make this translation a draft",
                    )
                )
    for original in home.documents:
        versions = home.versions(original)
        for site in sites[1:]:
            code = site.config.language
            translation = versions.get(code)
            if translation is None:
                notes.append(
                    SiteError(
                        original.path,
                        None,
                        f"no translation in '{code}' yet",
                        f'python build.py new {original.kind} "..." --lang {code} --translates {original.path}',
                    )
                )
                continue
            changed = original.modified or original.reviewed
            translated = translation.modified or translation.reviewed
            if changed and translated and translated < changed:
                waited = (today - changed).days
                problem = SiteError(
                    translation.path,
                    translation.line("updated") or translation.line("translates"),
                    f"the translation ({translated}) is older than its original's last change "
                    f"({changed}, {original.path})",
                    "bring the changes over, then set 'updated' to that day",
                )
                limit = site.config.quality.max_review_age_days
                (errors if waited > limit else warnings).append(problem)
    return notes, warnings, errors


def check(site: Site, today: date) -> list[SiteError]:
    """Every miss of the [quality] targets, as editor-facing errors."""
    q = site.config.quality
    errors: list[SiteError] = []
    scores: dict[str, float] = {}

    for doc in site.documents:
        for key in ("published", "updated", "reviewed"):
            when = getattr(doc, key)
            if when is not None and when > today:
                errors.append(
                    SiteError(
                        doc.path,
                        doc.line(key),
                        f"'{key}' is in the future ({when}; today is {today})",
                        "use the date it actually happened",
                    )
                )
    for doc in site.documents:  # articles, FAQ entries and pages alike
        for key in ("reviewed", "updated"):
            if getattr(doc, key) is None:
                errors.append(
                    SiteError(
                        doc.path,
                        2,
                        f"missing '{key}' date",
                        f"add '{key}: {today.isoformat()}' once it is true",
                    )
                )
    errors += _inconsistent_sources(site)
    for doc in site.articles + site.pages:
        if len(doc.summary) > q.max_summary_length:
            errors.append(
                SiteError(
                    doc.path,
                    doc.line("summary"),
                    f"summary is {len(doc.summary)} characters; the limit is "
                    f"{q.max_summary_length}",
                    "search engines cut longer ones",
                )
            )
    for doc in site.articles + site.faqs:
        errors += _source_problems(doc)
    for doc in site.articles:
        if len(doc.sources) < q.min_sources:
            errors.append(
                SiteError(
                    doc.path,
                    doc.line("sources") or 2,
                    f"{len(doc.sources)} source{'' if len(doc.sources) == 1 else 's'}; "
                    f"at least {q.min_sources} are needed",
                    "list the studies the article relies on under 'sources'",
                )
            )
        if not readability.measures(q.readability):
            continue
        scores[doc.path] = readability_of(doc.body.html, q.readability, site.config.language)
        if too_hard(scores[doc.path], q, median=False):
            errors.append(
                SiteError(doc.path, None, _readability_problem(scores[doc.path], q, False), HARD)
            )
    if scores and too_hard(median := statistics.median(scores.values()), q, median=True):
        folder = posixpath.dirname(next(iter(scores)))
        errors.append(SiteError(folder, None, _readability_problem(median, q, True), HARD))
    for faq in site.faqs:
        if faq.body.words > MAX_FAQ_WORDS:
            errors.append(
                SiteError(
                    faq.path,
                    None,
                    f"answer is {faq.body.words} words; keep it to {MAX_FAQ_WORDS}",
                    "answer directly and link to an article that goes deeper",
                )
            )
    for group in site.groups:
        if len(group.articles) < q.min_articles_per_topic:
            errors.append(
                SiteError(
                    "site.toml",
                    None,
                    f"topic '{group.topic.id}' has {len(group.articles)} articles"
                    + ("" if site.config.is_default else f" in '{site.config.language}'")
                    + f"; at least {q.min_articles_per_topic} needed",
                    "write (or translate) more articles on it, or lower min_articles_per_topic",
                )
            )
    for doc in site.documents:
        for href, line in doc.body.links:
            if INSECURE.match(href):
                errors.append(
                    SiteError(
                        doc.path,
                        line,
                        f"insecure link {href}",
                        "use https:// (most sites support it)",
                    )
                )
    return errors
