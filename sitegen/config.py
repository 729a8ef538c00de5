"""Read site.toml and check it against a declared schema, reporting every problem at once."""

from __future__ import annotations

import ipaddress
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import schema, urls
from .errors import BuildError, SiteError
from .schema import CONTROL_RE
from .suggest import did_you_mean
from .typography import QUOTES, smarten_text

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\Z")


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    description: str
    slug: str = ""  # in a further language: the word for it in URLs (the id when unset)


@dataclass(frozen=True)
class HelpLine:
    region: str
    name: str
    contact: str = ""  # when, for whom, at what cost: "free, day or night"
    url: str = ""  # a website (or a tel:, sms: or mailto: link)
    call: str = ""  # a phone number as readers dial it, e.g. "116 123"
    text: str = ""  # a number to text, e.g. "988"
    email: str = ""

    @property
    def call_href(self) -> str:
        return "tel:" + re.sub(r"[^0-9+]", "", self.call)

    @property
    def text_href(self) -> str:
        return "sms:" + re.sub(r"[^0-9+]", "", self.text)


@dataclass(frozen=True)
class Quality:
    min_sources: int = 3
    max_review_age_days: int = 365
    # The readability formula (see readability.FORMULAS): a school grade, where lower reads
    # more easily (max_* apply), or an ease score, where higher does (min_* apply).
    readability: str = "flesch_kincaid_grade"
    max_median_grade: float = 8.0
    max_grade: float = 10.0
    min_median_score: float = 0.0
    min_score: float = 0.0
    max_summary_length: int = 160
    min_articles_per_topic: int = 2


@dataclass(frozen=True)
class Language:
    """A further language of the site ([[languages]] in site.toml): the words of its edition.
    Its pages live under /<code>/; its content in content/<code>/."""

    code: str
    name: str  # in the language itself, for the language switcher: "Español"
    title: str
    description: str
    disclaimer: str
    help: tuple[HelpLine, ...]
    topics: tuple[Topic, ...]  # the site's topics (same ids, same order), in this language
    segments: tuple[tuple[str, str], ...] = ()  # ("articles", "articulos"): URL words
    date_format: str = "long"
    quality: Quality = field(default_factory=Quality)
    quotes: str = QUOTES  # its double quotation marks, opening then closing: "«»"


@dataclass(frozen=True)
class Config:
    root: Path
    title: str
    description: str
    base_url: str
    language: str = "en"  # of this edition (see editions)
    language_name: str = ""  # for the language switcher, in the language itself
    date_format: str = "long"  # Babel's name of a format ("long") or a pattern ("d MMMM y")
    quotes: str = QUOTES  # the language's double quotation marks, opening then closing
    output: str = "_site"
    help_page: str = "get-help"
    cname: str = ""
    feed_content: str = "summary"
    feed_entries: int = 20
    repo_url: str = ""  # the project on GitHub, for "Suggest a change" links; none without it
    branch: str = "main"
    disclaimer: str = ""
    topics: tuple[Topic, ...] = ()
    help: tuple[HelpLine, ...] = ()
    quality: Quality = field(default_factory=Quality)
    # Every language of the site, the default one ([site] language) first; empty for a site
    # built from settings made in code, which has one language: ``language``.
    languages: tuple[Language, ...] = ()

    @property
    def default_language(self) -> str:
        return self.languages[0].code if self.languages else self.language

    def editions(self) -> tuple[Config, ...]:
        """The site's settings once per language, the default language's first: each with the
        title, description, disclaimer, help lines, topics and formats of its language."""
        return tuple(self.edition(lang.code) for lang in self.languages) or (self,)

    def edition(self, code: str) -> Config:
        """These settings as the edition in language ``code`` has them."""
        if code == self.language:
            return self
        lang = next(lang for lang in self.languages if lang.code == code)
        return replace(
            self,
            language=lang.code,
            language_name=lang.name,
            title=lang.title,
            description=lang.description,
            disclaimer=lang.disclaimer,
            help=lang.help,
            topics=lang.topics,
            date_format=lang.date_format,
            quality=lang.quality,
            quotes=lang.quotes,
        )

    @property
    def is_default(self) -> bool:
        """Whether this is the default language's edition."""
        return self.language == self.default_language

    def locale(self, code: str | None = None) -> Any:
        """Where an edition's pages live (a urls.Locale): this one's, or language ``code``'s
        ("" is the default language, as documents in content/<kind>/ say)."""
        return self._locales[self.language if code is None else code or self.default_language]

    def path(self, target: Any, name: str = "") -> str:
        """A page's URL relative to the root: a kind of page (with its name) in this edition,
        a Document in its own language's edition, or a urls.Entry."""
        if type(target) is str:
            return urls.path(target, name, self.locale())
        if type(target) is urls.Entry:
            return urls.path(target)
        return urls.path(target, locale=self.locale(target.lang))

    @cached_property
    def _locales(self) -> dict[str, Any]:
        locales = {self.default_language: urls.DEFAULT}
        for lang in self.languages[1:]:
            locales[lang.code] = urls.Locale(
                f"{lang.code}/",
                dict(lang.segments),
                {t.id: t.slug for t in lang.topics if t.slug},
            )
        return locales

    @cached_property
    def base_path(self) -> str:
        """The path part of base_url, always ending in a slash: '/' or '/repo/'."""
        return urlsplit(self.base_url).path

    def url(self, path: str = "") -> str:
        """The one helper for links: a site path under the base path, e.g. /repo/faq/."""
        return self.base_path + path.lstrip("/")

    def abs_url(self, path: str = "") -> str:
        """The same, absolute, for canonical links, feeds, sitemaps and structured data."""
        return self.base_url + path.lstrip("/")

    def with_base_url(self, base_url: str) -> Config:
        return replace(self, base_url=_normalise_base_url(base_url))

    def with_repository(self, repo_url: str, branch: str | None) -> Config:
        return replace(self, repo_url=repo_url.rstrip("/"), branch=branch or self.branch)

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)


NETLOC_RE = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?\Z")
HOST_RE = re.compile(
    r"^(?=.{1,253}\Z)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\Z"
)
URL_PATH_RE = re.compile(r"^(?:[A-Za-z0-9._~/-]|%[0-9A-Fa-f]{2})*\Z")


def url_problem(url: str, what: str = "base_url", path_and_query: bool = False) -> str | None:
    """What is wrong with a web address that goes into every page, feed and sitemap, or None:
    scheme http or https, a host that parses, no credentials, no white space or control
    characters, and (unless ``path_and_query``) a plain path with no query or fragment."""
    if CONTROL_RE.search(url) or any(c.isspace() for c in url):
        return f"{what} must not contain spaces or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"{what} '{url}' is not a valid address ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{what} '{url}' must start with https:// (or http://) and name a host"
    if "@" in parts.netloc:
        return f"{what} must not contain a user name or password"
    if not NETLOC_RE.match(parts.netloc):
        return f"{what} host '{parts.netloc}' is not a valid host name"
    host = parts.hostname
    if not HOST_RE.match(host):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return f"{what} host '{host}' is not a valid host name"
    if port == 0:
        return f"{what} port must be between 1 and 65535"
    if path_and_query:
        return None if not re.search(r"[\"'<>\\`]", url) else f"{what} holds a quote or bracket"
    if "?" in url or "#" in url:
        return f"{what} must not carry a query or a fragment"
    if not URL_PATH_RE.match(parts.path) or "//" in parts.path:
        return f"{what} path may hold only letters, digits, . _ ~ - and single slashes, and % only before two hex digits"
    return None


def _no_check(value: Any) -> str | None:
    return None


def _range(low: float, high: float) -> Any:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None  # the type check reports it
        if value != value or not low <= value <= high:  # NaN compares unequal to itself
            return f"must be between {low:g} and {high:g}, not {value}"
        return None

    return check


MAX_SLUG = 80  # a word in a URL; with the rest of a path it must fit a file name


def slug_problem(value: Any) -> str | None:
    """Why ``value`` cannot be a word in a URL (a slug), or None."""
    if isinstance(value, str) and not SLUG_RE.match(value):
        return f"'{value}' may hold only lowercase letters, digits and hyphens"
    if isinstance(value, str) and len(value) > MAX_SLUG:
        return f"'{value[:20]}…' is {len(value)} characters; the limit is {MAX_SLUG}"
    return None


def _cname_check(value: Any) -> str | None:
    if isinstance(value, str) and value and not HOST_RE.match(value):
        return f"'{value}' is not a bare host name (no https://, path, port or spaces)"
    return None


def _help_url_check(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    if value.startswith("https://"):
        return url_problem(value, "help url", path_and_query=True)
    if re.fullmatch(r"(tel|sms):\+?[0-9][0-9-]*", value) or re.fullmatch(
        r"mailto:[^@\s\"'<>\x00-\x1f\x7f-\x9f]+@[a-z0-9.-]+", value
    ):
        return None
    return (
        f"help url '{value}' must be an https:// address, tel: or sms: with a number "
        "(e.g. tel:988), or mailto: with an address"
    )


def _branch_check(value: Any) -> str | None:
    if isinstance(value, str) and not re.fullmatch(r"[A-Za-z0-9._/-]{1,100}", value):
        return f"'{value}' is not a branch name: letters, digits, '.', '_', '-' and '/' only"
    return None


def _phone_check(value: Any) -> str | None:
    if isinstance(value, str) and not re.fullmatch(r"\+?[0-9][0-9 -]{0,24}", value):
        return f"'{value}' is not a phone number: digits, spaces and hyphens only"
    return None


def _email_check(value: Any) -> str | None:
    if isinstance(value, str) and value.lower().startswith("mailto:"):
        return f"'{value}': write the address alone, without 'mailto:' (the page adds it)"
    if isinstance(value, str) and not re.fullmatch(
        r"[^@\s\"'<>:/?#]+@[a-z0-9-]+(\.[a-z0-9-]+)+", value
    ):
        return f"'{value}' is not an email address"
    return None


def _date_format_check(value: Any) -> str | None:
    from datetime import date

    from babel.dates import format_date

    if not isinstance(value, str):
        return None
    problem = ""
    try:
        shown = format_date(date(2026, 11, 22), value, locale="en")
        if value not in ("short", "medium", "long", "full"):
            problem = _date_pattern_problem(value, shown)
    except (ValueError, KeyError, AttributeError) as exc:
        problem = str(exc)
    if problem:
        return f"'{value}' is not a date format ({problem}): use short, medium, long or full, or a pattern such as d MMMM y"
    return None


def _date_pattern_problem(pattern: str, shown: str) -> str:
    """What a CLDR date pattern lacks for a page's dates (a day, a month and a full year, from
    fields rather than quoted text), or ""."""
    from babel.dates import tokenize_pattern

    if pattern.replace("''", "").count("'") % 2:
        return "a quote (') is not closed"
    fields = dict(value for kind, value in tokenize_pattern(pattern) if kind == "field")
    if "Y" in fields:
        return (
            "Y is the year of the week, which is not the date's year at the turn of a year: write y"
        )
    if "d" not in fields or not {"M", "L"} & fields.keys() or fields.get("y", 2) == 2:
        return (
            f"22 November 2026 would read {shown!r}: it needs a day (d), a month (M) and a full "
            "year (y, not yy)"
        )
    return ""


def _quotes_check(value: Any) -> str | None:
    """Two quotation marks (or brackets, which Unicode files with them): what straight double
    quotes become in the text. '""' keeps them straight."""
    if not isinstance(value, str):
        return None
    if len(value) != 2:
        return f"must be two characters, the opening mark then the closing one, not {value!r}"
    wrong = [c for c in value if c not in "\"'" and unicodedata.category(c) not in QUOTE_KINDS]
    if wrong:
        return f"must be two quotation marks; {wrong[0]!r} is not one"
    return None


QUOTE_KINDS = ("Pi", "Pf", "Ps", "Pe")  # Unicode's initial, final, opening, closing punctuation


def _words(value: Any) -> str | None:
    if isinstance(value, str) and not value.strip():
        return "must not be empty"
    return None


def _some(value: Any) -> str | None:
    if isinstance(value, list) and not value:
        return "must have at least one entry"
    return None


def _formula_check(value: Any) -> str | None:
    from .readability import FORMULAS

    if isinstance(value, str) and value not in FORMULAS:
        return f"'{value}' is not a readability formula: {did_you_mean(value, FORMULAS)}"
    return None


def locale_problem(code: str) -> str | None:
    """Why ``code`` cannot be a site's language, or None: it must be a language tag Babel
    (the dates, the languages' names) knows."""
    from babel import Locale, UnknownLocaleError

    if not LANG_RE.match(code):
        if LANG_RE.match(code.lower()):
            return f"'{code}' is not a language tag: its language is written in lowercase, as in '{code.lower()}'"
        return f"'{code}' is not a language tag"
    try:
        Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError):
        return f"'{code}' is a language tag Babel has no dates or names for"
    return None


def Key(  # noqa: N802  (reads as the declaration it is: Key(str, True, hint))
    kind: type | tuple[type, ...],
    required: bool = False,
    hint: str = "",
    check: Any = _no_check,
) -> schema.Field:
    """One key of site.toml: its Python type, whether it is required, a hint for editors, and a
    check of its value (besides the one every text value gets: no control characters)."""

    def run(value: Any, ctx: schema.Context) -> Any:
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            ctx.error(f"'{ctx.key}' must be {_type_name(kind)}", hint)
            return None
        problem = check(value)
        if problem is not None:
            ctx.error(f"'{ctx.key}' {problem}" if problem.startswith("must") else problem, hint)
            return None
        return value

    return schema.Field(run, required, hint)


SCHEMA: dict[str, dict[str, schema.Field]] = {
    "site": {
        "title": Key(str, True, 'the site\'s name, e.g. title = "Crying in therapy"', _words),
        "description": Key(str, True, "one sentence shown to search engines", _words),
        "base_url": Key(
            str,
            True,
            'where the site is published, e.g. "https://user.github.io/repo/"',
            lambda v: url_problem(v) if isinstance(v, str) else None,
        ),
        "language": Key(str, hint='a language tag such as "en" or "en-GB"'),
        "language_name": Key(str, hint='the language\'s name in itself, e.g. "English"'),
        "quotes": Key(
            str,
            hint='the language\'s quotation marks, opening then closing, e.g. quotes = "«»"',
            check=_quotes_check,
        ),
        "date_format": Key(
            str,
            hint='"long" (the language\'s own) or a pattern, e.g. "d MMMM y"',
            check=_date_format_check,
        ),
        "output": Key(str, hint='the folder the site is written to, e.g. "_site"'),
        "help_page": Key(
            str, hint="the slug of the page in content/pages/ with crisis lines", check=slug_problem
        ),
        "cname": Key(
            str, hint='a custom domain for GitHub Pages, e.g. "example.org"', check=_cname_check
        ),
        "feed_content": Key(str, hint='"summary" or "full"'),
        "feed_entries": Key(int, hint="how many articles the feed holds", check=_range(1, 10000)),
        "repo_url": Key(
            str,
            hint='the repository on GitHub, e.g. "https://github.com/user/repo"',
            check=lambda v: url_problem(v, "repo_url") if isinstance(v, str) and v else None,
        ),
        "branch": Key(str, hint='the branch editors change, e.g. "main"', check=_branch_check),
    },
    "topics": {
        "id": Key(
            str, True, 'lowercase letters, digits and hyphens, e.g. id = "benefits"', slug_problem
        ),
        "title": Key(str, True, 'the topic\'s name, e.g. title = "Why it can help"', _words),
        "description": Key(str, True, "one sentence about the topic, shown on its page", _words),
    },
    "disclaimer": {"text": Key(str, True, "shown in the footer of every page", _words)},
    "help": {
        "region": Key(str, True, 'where it answers, e.g. region = "UK and Ireland"', _words),
        "name": Key(str, True, 'the line\'s name, e.g. name = "Samaritans"', _words),
        "contact": Key(str, hint='when and for whom, e.g. "free, day or night"'),
        "url": Key(str, hint="an https:// or tel: link", check=_help_url_check),
        "call": Key(str, hint='a phone number, e.g. call = "116 123"', check=_phone_check),
        "text": Key(str, hint='a number to text, e.g. text = "988"', check=_phone_check),
        "email": Key(str, hint='an address, e.g. email = "jo@samaritans.org"', check=_email_check),
    },
    "quality": {
        "min_sources": Key(int, hint="sources each article needs, e.g. 3", check=_range(0, 100)),
        "max_review_age_days": Key(
            int, hint="days until a page is due for review, e.g. 365", check=_range(1, 36500)
        ),
        "readability": Key(
            str, hint='e.g. "flesch_kincaid_grade" or "szigriszt_pazos"', check=_formula_check
        ),
        "max_median_grade": Key(
            (int, float), hint="the median page's school grade, e.g. 8", check=_range(0, 30)
        ),
        "max_grade": Key(
            (int, float), hint="the hardest page's school grade, e.g. 10", check=_range(0, 30)
        ),
        "min_median_score": Key(
            (int, float), hint="the median page's score, e.g. 65", check=_range(-1000, 1000)
        ),
        "min_score": Key(
            (int, float),
            hint="the lowest score a page may have, e.g. 55",
            check=_range(-1000, 1000),
        ),
        "max_summary_length": Key(
            int, hint="characters in a summary, e.g. 200", check=_range(20, 1000)
        ),
        "min_articles_per_topic": Key(
            int, hint="articles each topic needs, e.g. 1", check=_range(0, 1000)
        ),
    },
}
# A further language: [[languages]], with its own [[languages.help]] and [[languages.topics]].
LANGUAGE_SCHEMA: dict[str, schema.Field] = {
    "code": Key(str, True, 'a language tag, e.g. code = "es"; its pages live under /es/'),
    "name": Key(
        str, True, 'the language\'s name in itself, for the switcher, e.g. "Español"', _words
    ),
    "title": Key(str, True, "the site's name in this language", _words),
    "description": Key(str, True, "one sentence shown to search engines, in this language", _words),
    "disclaimer": Key(str, True, "the footer's disclaimer, in this language", _words),
    "date_format": SCHEMA["site"]["date_format"],
    "quotes": SCHEMA["site"]["quotes"],
    "segments": Key(dict, hint='URL words, e.g. segments = { articles = "articulos" }'),
    "help": Key(
        list, True, "add [[languages.help]] blocks: the crisis lines for its readers", _some
    ),
    "topics": Key(list, True, "add a [[languages.topics]] block for each topic"),
    "quality": Key(dict, hint="[languages.quality]: this language's targets"),
}
TOPIC_SCHEMA = {
    **SCHEMA["topics"],
    "slug": Key(
        str, hint='the topic\'s word in URLs, e.g. slug = "beneficios"', check=slug_problem
    ),
}
MAX_ERRORS = 50  # reported from site.toml in one run
ARRAYS = {"topics", "help"}  # sections written as [[name]]
REQUIRED_SECTIONS = ("site", "topics", "disclaimer", "help")
TYPE_NAMES = {
    str: "text in quotes",
    int: "a whole number",
    bool: "true or false",
    dict: "a table",
    list: "a list of [[...]] blocks",
}


def _type_name(t: type | tuple[type, ...]) -> str:
    return "a number" if isinstance(t, tuple) else TYPE_NAMES.get(t, t.__name__)


def _normalise_base_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


class _Locator:
    """Finds the line of a key in site.toml, so that semantic errors point at it."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def line(self, section: str, index: int | None = None, key: str | None = None) -> int | None:
        header = re.compile(rf"^\s*\[\[?\s*{re.escape(section)}\s*\]\]?\s*(#.*)?$")
        any_header = re.compile(r"^\s*\[")
        seen = -1
        inside = False
        for number, text in enumerate(self.lines, start=1):
            if header.match(text):
                seen += 1
                inside = index is None or seen == index
                if inside and key is None:
                    return number
                continue
            if any_header.match(text):
                inside = False
            elif inside and key and re.match(rf"^\s*{re.escape(key)}\s*=", text):
                return number
        return None


def load_config(root: Path, name: str = "site.toml") -> Config:
    """Read and validate ``root/site.toml``; raise BuildError with every problem found."""
    from . import files

    found = files.walk(
        root, name, folder=False
    )  # the same rules as every other input: no FIFO, no links out
    if found.errors:
        raise BuildError(list(found.errors))
    if not found.files:
        hint = (
            f"run build.py in the project (the folder with site.toml, or any folder inside it), "
            f"or name it with --root DIR; to start a new site, create {root / name}"
        )
        raise BuildError([SiteError(name, None, "no site.toml found", hint)])
    try:
        text = files.read(found.files[0].path).decode("utf-8-sig")
    except OSError as exc:
        raise BuildError([files.unreadable(name, exc)]) from None
    except UnicodeDecodeError:
        raise BuildError(
            [
                SiteError(
                    name,
                    None,
                    "site.toml is not valid UTF-8 text",
                    "save it as UTF-8 (most editors offer it under 'Save with encoding')",
                )
            ]
        ) from None
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise BuildError(
            [
                SiteError(
                    name,
                    None,
                    "arrays or tables are nested too deeply",
                    "site.toml needs no nesting beyond [[topics]] and [[help]]",
                )
            ]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise BuildError(
            [SiteError(name, line, f"TOML syntax error: {message}", "check quotes, = and brackets")]
        ) from None
    return _validate(root.resolve(), name, data, _Locator(text))


def _validate(root: Path, name: str, data: dict[str, Any], where: _Locator) -> Config:
    errors: list[SiteError] = []

    def err(section: str, index: int | None, key: str | None, message: str, hint: str) -> None:
        if len(errors) >= MAX_ERRORS:  # each needs a scan of the file for its line
            return
        line = where.line(section, index, key) or where.line(section, index)
        errors.append(SiteError(name, line, message, hint))

    raw_languages = data.pop("languages", [])
    for section in data:
        if section not in SCHEMA:
            err(section, None, None, f"unknown section [{section}]", did_you_mean(section, SCHEMA))
    for section in REQUIRED_SECTIONS:
        if section not in data:
            kind = f"[[{section}]]" if section in ARRAYS else f"[{section}]"
            errors.append(SiteError(name, None, f"missing section {kind}", "see the README"))

    tables: dict[str, list[dict[str, Any]]] = {}
    for section, keys in SCHEMA.items():
        raw = data.get(section, [] if section in ARRAYS else {})
        if section in ARRAYS and not isinstance(raw, list):
            err(
                section,
                None,
                None,
                f"[{section}] must be written as [[{section}]] entries",
                f"write [[{section}]], with double brackets, above each entry's keys",
            )
            raw = []
        if section not in ARRAYS:
            if not isinstance(raw, dict):
                err(
                    section,
                    None,
                    section,
                    f"{section} must be a [{section}] table",
                    f"write [{section}] on a line of its own, with its keys on the lines below",
                )
                raw = {}
            raw = [raw]
        checked = []
        for index, entry in enumerate(raw if section in data else []):
            pos = index if section in ARRAYS else None
            if not isinstance(entry, dict):
                err(
                    section,
                    pos,
                    None,
                    f"[[{section}]] entries must be tables",
                    f"write each entry as a [[{section}]] line with its keys below it",
                )
                continue
            schema.check(
                entry,
                keys,
                name,
                lambda key, section=section, pos=pos: (
                    None
                    if len(errors) >= MAX_ERRORS  # each line is a scan of the file
                    else where.line(section, pos, key) or where.line(section, pos)
                ),
                errors,
                where=f" in [{section}]",
                add=f"add it to [{section}]",
            )
            checked.append(entry)
        tables[section] = checked

    site = tables["site"][0] if tables["site"] else {}
    base_url = site.get("base_url")
    language = site.get("language", "en")
    if isinstance(language, str) and (problem := locale_problem(language)):
        err("site", None, "language", problem, 'e.g. "en" or "en-GB"')
    if site.get("feed_content", "summary") not in ("summary", "full"):
        err(
            "site",
            None,
            "feed_content",
            'feed_content must be "summary" or "full"',
            'e.g. feed_content = "summary"',
        )

    seen_ids: set[str] = set()
    for index, topic in enumerate(tables["topics"]):
        topic_id = topic.get("id")
        if isinstance(topic_id, str):
            if topic_id in seen_ids:
                err(
                    "topics",
                    index,
                    "id",
                    f"topic id '{topic_id}' is declared twice",
                    "give each [[topics]] block its own id, or delete one of them",
                )
            seen_ids.add(topic_id)

    declared = tuple(
        dict.fromkeys(t["id"] for t in tables["topics"] if isinstance(t.get("id"), str))
    )
    further = _languages(raw_languages, language, declared, err)
    if errors:
        raise BuildError(errors[:MAX_ERRORS])
    quality = Quality(**tables["quality"][0]) if tables["quality"] else Quality()
    # each further language's [languages.quality] keys, over the site's [quality]
    further = [replace(lang, quality=replace(quality, **dict(over))) for lang, over in further]
    from . import readability

    for code, section, index, formula in (
        (language, "quality", None, quality.readability),
        # (no errors so far: every [[languages]] block was read, in order)
        *((lang.code, "languages", i, lang.quality.readability) for i, lang in enumerate(further)),
    ):
        if problem := readability.problem(formula, code):
            err(section, index, "readability", problem, 'for that language, readability = "none"')
    if errors:
        raise BuildError(errors[:MAX_ERRORS])

    def typed(section: str, cls: type) -> tuple:
        return tuple(cls(**entry) for entry in tables[section])

    site_keys = {k: v for k, v in site.items() if k not in ("base_url", "repo_url")}
    topics = _topics(tables["topics"], site.get("quotes") or QUOTES)
    disclaimer = tables["disclaimer"][0]["text"].strip()
    config = Config(
        root=root,
        base_url=_normalise_base_url(base_url),
        repo_url=site.get("repo_url", "").rstrip("/"),
        disclaimer=disclaimer,
        topics=topics,
        help=typed("help", HelpLine),
        quality=quality,
        **site_keys,
    )
    if not further:
        return config
    from .i18n import language_name

    home = Language(
        code=config.language,
        name=config.language_name or language_name(config.language, config.language),
        title=config.title,
        description=config.description,
        disclaimer=disclaimer,
        help=config.help,
        topics=topics,
        date_format=config.date_format,
        quality=quality,
        quotes=config.quotes,
    )
    return replace(config, language_name=home.name, languages=(home, *further))


def _topics(entries: list[dict[str, Any]], quotes: str) -> tuple[Topic, ...]:
    """Topics as declared, with the same quotes and dashes as the pages' text."""
    return tuple(
        Topic(
            t["id"],
            smarten_text(t["title"], quotes),
            smarten_text(t["description"], quotes),
            t.get("slug", ""),
        )
        for t in entries
    )


def _languages(
    raw: Any, default: Any, topic_ids: tuple[str, ...], err: Any
) -> list[tuple[Language, dict[str, Any]]]:
    """The further languages declared as [[languages]], checked (``err`` takes each problem:
    section, index, key, message, hint), each with its [languages.quality] keys; their topics
    in the order of [[topics]]."""
    if not isinstance(raw, list):
        err(
            "languages",
            None,
            None,
            "[languages] must be written as [[languages]] blocks",
            "write [[languages]], with double brackets, above each language's keys",
        )
        return []
    found: list[tuple[Language, dict[str, Any]]] = []
    codes: set[str] = {default.lower()} if isinstance(default, str) else set()
    helps = topics_seen = qualities = 0  # [[languages.help]], [[languages.topics]] and
    # [languages.quality] blocks so far: the locator counts each kind of header on its own
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            err(
                "languages",
                index,
                None,
                "[[languages]] entries must be tables",
                "write each language as a [[languages]] line with its keys below it",
            )
            continue
        code = entry.get("code")
        label = f" in [[languages]] '{code}'" if isinstance(code, str) else " in [[languages]]"
        values, _ = _block("languages", index, entry, LANGUAGE_SCHEMA, label, err, where=label)
        if isinstance(code, str):
            if problem_text := locale_problem(code):
                err("languages", index, "code", problem_text, 'e.g. code = "es"')
            elif code.lower() in codes:  # language tags ignore case: es-ES is es-es
                err(
                    "languages",
                    index,
                    "code",
                    f"language '{code}' is declared twice",
                    "each language has one [[languages]] block: delete the other, or give it "
                    "another code",
                )
            codes.add(code.lower())
        segments = values.get("segments") or {}
        # the segments it leaves in the default words count too: "articles" = "topics" would put
        # articles and topics in one folder
        words: set[str] = {s for s in urls.SEGMENTS if s not in segments}
        for segment, word in segments.items():
            if segment not in urls.SEGMENTS:
                hint = did_you_mean(segment, urls.SEGMENTS)
                err(
                    "languages", index, "segments", f"'{segment}' is not a URL segment{label}", hint
                )
            elif not isinstance(word, str) or slug_problem(word):
                err(
                    "languages",
                    index,
                    "segments",
                    f"segment '{segment}' must be a lowercase word with hyphens (at most "
                    f"{MAX_SLUG} characters), not {word!r}{label}",
                    'e.g. segments = { articles = "articulos" }',
                )
            elif word in words:
                err(
                    "languages",
                    index,
                    "segments",
                    f"'{word}' names two segments{label}",
                    "each segment needs a word of its own (those left out keep their English word)",
                )
            words.add(str(word))
        help_lines = []
        for line in values.get("help") or []:
            checked, ok = _block("languages.help", helps, line, SCHEMA["help"], label, err)
            helps += 1
            if ok:
                help_lines.append(HelpLine(**checked))
        by_id: dict[str, dict[str, Any]] = {}
        broken: set[str] = set()  # topics whose blocks have errors of their own
        for topic in values.get("topics") or []:
            checked, ok = _block("languages.topics", topics_seen, topic, TOPIC_SCHEMA, label, err)
            where = ("languages.topics", topics_seen)
            topics_seen += 1
            if not ok:
                if isinstance(topic, dict) and isinstance(topic.get("id"), str):
                    broken.add(topic["id"])
                continue
            topic_id = checked["id"]
            if topic_id not in topic_ids:
                err(
                    *where,
                    "id",
                    f"unknown topic '{topic_id}'{label}",
                    did_you_mean(topic_id, topic_ids),
                )
            elif topic_id in by_id:
                err(
                    *where,
                    "id",
                    f"topic '{topic_id}' is given twice{label}",
                    "a language has one [[languages.topics]] block per topic: delete one",
                )
            else:
                by_id[topic_id] = checked
        if values.get("topics") is not None:
            for topic_id in topic_ids:
                if topic_id not in by_id and topic_id not in broken:
                    err(
                        "languages",
                        index,
                        "topics",
                        f"topic '{topic_id}' has no words{label}",
                        f'add a [[languages.topics]] block with id = "{topic_id}", title and description',
                    )
        overrides = values.get("quality") or {}
        problems = []
        schema.check(
            overrides,
            SCHEMA["quality"],
            "site.toml",
            _key_name,
            problems,
            where=" in [languages.quality]",  # and err's message adds the label
        )
        for problem in problems:
            err(
                "languages.quality",
                qualities,
                problem.line,
                f"{problem.message}{label}",
                problem.hint,
            )
        qualities += "quality" in entry
        if any(
            values.get(k) is None for k in ("code", "name", "title", "description", "disclaimer")
        ):
            continue
        if problems or len(by_id) != len(topic_ids):
            continue
        quotes = values.get("quotes") or QUOTES
        found.append(
            (
                Language(
                    code=values["code"],
                    name=values["name"],
                    title=values["title"],
                    description=values["description"],
                    disclaimer=values["disclaimer"].strip(),
                    help=tuple(help_lines),
                    topics=_topics([by_id[t] for t in topic_ids], quotes),
                    segments=tuple(sorted(segments.items())),
                    date_format=values.get("date_format") or "long",
                    quotes=quotes,
                ),
                overrides,
            )
        )
    return found


def _block(
    section: str,
    index: int,
    entry: Any,
    keys: dict[str, schema.Field],
    label: str,
    err: Any,
    where: str | None = None,
) -> tuple[dict[str, Any], bool]:
    """One [[languages]], [[languages.help]] or [[languages.topics]] block, checked: its values
    (None where one is wrong), and whether it is right; each problem goes to ``err`` at the
    line of its key."""
    if not isinstance(entry, dict):
        err(
            section,
            index,
            None,
            f"[[{section}]] entries must be tables{label}",
            f"write each as a [[{section}]] line with its keys below it",
        )
        return {}, False
    problems: list[SiteError] = []
    where = f" in [[{section}]]{label}" if where is None else where
    values = schema.check(entry, keys, "site.toml", _key_name, problems, where=where)
    for problem in problems:
        err(section, index, problem.line, problem.message, problem.hint)
    return values, not problems


def _key_name(key: str | None) -> Any:
    """For schema.check inside [[languages]]: in place of a line, the key, which ``err`` then
    finds the line of (the locator needs the block's header and index as well)."""
    return key
