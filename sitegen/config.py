"""Read site.toml and check it against a declared schema, reporting every problem at once."""

from __future__ import annotations

import ipaddress
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import schema
from .errors import BuildError, SiteError
from .schema import CONTROL_RE
from .suggest import did_you_mean
from .typography import smarten_text

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\Z")


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    description: str


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
    max_median_grade: float = 8.0
    max_grade: float = 10.0
    max_summary_length: int = 160
    min_articles_per_topic: int = 2


@dataclass(frozen=True)
class Config:
    root: Path
    title: str
    description: str
    base_url: str
    language: str = "en"
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

    @property
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
        from dataclasses import replace

        return replace(self, base_url=_normalise_base_url(base_url))

    def with_repository(self, repo_url: str, branch: str | None) -> Config:
        from dataclasses import replace

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


def _slug_check(value: Any) -> str | None:
    if isinstance(value, str) and not SLUG_RE.match(value):
        return f"'{value}' may hold only lowercase letters, digits and hyphens"
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
    if isinstance(value, str) and not re.fullmatch(
        r"[^@\s\"'<>]+@[a-z0-9-]+(\.[a-z0-9-]+)+", value
    ):
        return f"'{value}' is not an email address"
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
        "title": Key(str, True, 'the site\'s name, e.g. title = "Crying in therapy"'),
        "description": Key(str, True, "one sentence shown to search engines"),
        "base_url": Key(
            str,
            True,
            'where the site is published, e.g. "https://user.github.io/repo/"',
            lambda v: url_problem(v) if isinstance(v, str) else None,
        ),
        "language": Key(str, hint='a language tag such as "en" or "en-GB"'),
        "output": Key(str, hint='the folder the site is written to, e.g. "_site"'),
        "help_page": Key(
            str, hint="the slug of the page in content/pages/ with crisis lines", check=_slug_check
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
            str, True, 'lowercase letters, digits and hyphens, e.g. id = "benefits"', _slug_check
        ),
        "title": Key(str, True),
        "description": Key(str, True),
    },
    "disclaimer": {"text": Key(str, True, "shown in the footer of every page")},
    "help": {
        "region": Key(str, True),
        "name": Key(str, True),
        "contact": Key(str, hint='when and for whom, e.g. "free, day or night"'),
        "url": Key(str, hint="an https:// or tel: link", check=_help_url_check),
        "call": Key(str, hint='a phone number, e.g. call = "116 123"', check=_phone_check),
        "text": Key(str, hint='a number to text, e.g. text = "988"', check=_phone_check),
        "email": Key(str, hint='an address, e.g. email = "jo@samaritans.org"', check=_email_check),
    },
    "quality": {
        "min_sources": Key(int, check=_range(0, 100)),
        "max_review_age_days": Key(int, check=_range(1, 36500)),
        "max_median_grade": Key((int, float), check=_range(0, 30)),
        "max_grade": Key((int, float), check=_range(0, 30)),
        "max_summary_length": Key(int, check=_range(20, 1000)),
        "min_articles_per_topic": Key(int, check=_range(0, 1000)),
    },
}
MAX_ERRORS = 50  # reported from site.toml in one run
ARRAYS = {"topics", "help"}  # sections written as [[name]]
REQUIRED_SECTIONS = ("site", "topics", "disclaimer", "help")
TYPE_NAMES = {str: "text in quotes", int: "a whole number", bool: "true or false"}


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
        raise BuildError([SiteError(name, None, "site.toml is not valid UTF-8 text")]) from None
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

    def err(section: str, index: int | None, key: str | None, message: str, hint: str = "") -> None:
        if len(errors) >= MAX_ERRORS:  # each needs a scan of the file for its line
            return
        line = where.line(section, index, key) or where.line(section, index)
        errors.append(SiteError(name, line, message, hint))

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
            err(section, None, None, f"[{section}] must be written as [[{section}]] entries")
            raw = []
        if section not in ARRAYS:
            if not isinstance(raw, dict):
                err(section, None, section, f"{section} must be a [{section}] table")
                raw = {}
            raw = [raw]
        checked = []
        for index, entry in enumerate(raw if section in data else []):
            pos = index if section in ARRAYS else None
            if not isinstance(entry, dict):
                err(section, pos, None, f"[[{section}]] entries must be tables")
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
    if isinstance(language, str) and not LANG_RE.match(language):
        err("site", None, "language", f"'{language}' is not a language tag", 'e.g. "en" or "en-GB"')
    if site.get("feed_content", "summary") not in ("summary", "full"):
        err("site", None, "feed_content", 'feed_content must be "summary" or "full"')

    seen_ids: set[str] = set()
    for index, topic in enumerate(tables["topics"]):
        topic_id = topic.get("id")
        if isinstance(topic_id, str):
            if topic_id in seen_ids:
                err("topics", index, "id", f"topic id '{topic_id}' is declared twice")
            seen_ids.add(topic_id)

    if errors:
        raise BuildError(errors[:MAX_ERRORS])

    def typed(section: str, cls: type) -> tuple:
        return tuple(cls(**entry) for entry in tables[section])

    quality = Quality(**tables["quality"][0]) if tables["quality"] else Quality()
    site_keys = {k: v for k, v in site.items() if k not in ("base_url", "repo_url")}
    return Config(
        root=root,
        base_url=_normalise_base_url(base_url),
        repo_url=site.get("repo_url", "").rstrip("/"),
        disclaimer=tables["disclaimer"][0]["text"].strip(),
        # the same quotes and dashes as in the pages' text
        topics=tuple(
            Topic(t.id, smarten_text(t.title), smarten_text(t.description))
            for t in typed("topics", Topic)
        ),
        help=typed("help", HelpLine),
        quality=quality,
        **site_keys,
    )
