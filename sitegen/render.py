"""Render the site's pages through the Jinja2 templates, each recording what it read."""

from __future__ import annotations

import gettext
import hashlib
import math
import os
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from . import document, files, frontmatter, i18n, parallel, urls, write
from .config import Config
from .document import Document
from .errors import BuildError, SiteError, display_path
from .model import Site, review_due
from .structured import Structured
from .typography import smarten_text

WORDS_PER_MINUTE = 200
# An id attribute: 'id="' after any whitespace (in template HTML an attribute may follow a
# newline). Found by its literal text, then checked for the whitespace: several times faster
# than a pattern that starts with \s, which the regex engine must try at every character.
PAGE_ID_RE = re.compile(r'id="([^"]*)"')
TOC_MIN_HEADINGS = 3


class WalkedLoader(jinja2.BaseLoader):
    """Templates exactly as the input walker found them: a hidden or leftover file, or a link
    that leads out of the project, is not a template, even when another template names it."""

    def __init__(self, folder: Path, tree: files.Tree) -> None:
        self.searchpath = [str(folder.absolute())]  # where messages find template files
        self.found = {f.rel.removeprefix("templates/"): f for f in tree.files}

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        file = self.found.get(template)
        if file is None:
            raise jinja2.TemplateNotFound(template)
        try:
            text = files.read(file.path).decode("utf-8")
        except OSError as exc:
            raise jinja2.TemplateNotFound(f"{template} ({exc.strerror})") from None
        return text, os.path.join(self.searchpath[0], template), lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.found)


def make_env(config: Config, templates: Path, tree: files.Tree) -> jinja2.Environment:
    """The Jinja2 environment for the templates in ``tree`` (the walk of ``templates``)."""
    loader = WalkedLoader(templates, tree)
    env = jinja2.Environment(
        loader=loader,
        extensions=["jinja2.ext.i18n"],  # {{ _("phrase") }}: see i18n.py
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Each environment serves one set of templates: a change to them makes a new one (a
        # full build), so no template needs a stat() of its file on every page to stay fresh.
        auto_reload=False,
    )
    # Jinja's tojson, compact and with the site's own characters kept (it still escapes <, >,
    # & and ' so that the JSON cannot end a <script> element).
    env.policies["json.dumps_kwargs"] = {
        "sort_keys": True,
        "ensure_ascii": False,
        "separators": (",", ":"),
    }
    env.install_null_translations(newstyle=True)  # each edition installs its own: prepare()
    env.globals.update(range=_capped_range)
    env.filters.update(reading_minutes=reading_minutes)  # and the edition's own: _bind
    _bind(env, config)
    return env


def _bind(env: jinja2.Environment, config: Config) -> None:
    """The helpers that depend on the edition's settings: links, dates, review dates."""
    env.globals.update(
        config=config,
        url=lambda target="home", name="": config.url(config.path(target, name)),
        abs_url=lambda target="home", name="": config.abs_url(config.path(target, name)),
        page_of=lambda kind, name="", subject=None: urls.Entry(
            kind, name, subject, config.locale()
        ),
        review_due=lambda doc: review_due(doc, config),
        language_in=lambda code: i18n.language_name(code, config.language),
        og_locale=i18n.og_locale,
        direction=i18n.direction,
        plural_samples=lambda: i18n.plural_samples(config.language),
        editions=config.editions(),
    )
    env.filters["long_date"] = lambda value: i18n.long_date(
        value, config.language, config.date_format
    )
    env.filters["smart"] = lambda text: smarten_text(text, config.quotes)


def reading_minutes(doc: Document) -> int:
    return max(1, math.ceil(doc.body.words / WORDS_PER_MINUTE))


# The template that draws each kind of page (the kinds are urls.PATTERNS').
TEMPLATES = {
    "home": "home.html",
    "topics": "topics.html",
    "topic": "topic.html",
    "faq": "faq.html",
    "article": "article.html",
    "page": "page.html",
    "search": "search.html",
    "not_found": "404.html",
    "feed": "feed.xml",
    "sitemap": "sitemap.xml",
    "robots": "robots.txt",
}


def _context(site: Site, page: urls.Entry, build_time: datetime) -> dict[str, Any]:
    """What a page's template gets besides the globals: the page, and what it shows."""
    context: dict[str, Any] = {"page": page}
    if page.kind == "topic":
        context.update(group=page.subject, faqs=site.faqs_for(page.name))
    elif page.kind == "page":
        context["doc"] = page.subject
    elif page.kind == "article":
        doc = page.subject
        before, after = site.neighbours(doc)
        toc = _toc(doc)
        context.update(
            doc=doc,
            related=site.related(doc),
            before=before,
            after=after,
            show_toc=len(toc) >= TOC_MIN_HEADINGS,
            toc=toc,
        )
    elif page.kind == "feed":
        context["updated"] = site.last_modified or build_time.date()
    return context


def _toc(doc: Document) -> tuple:
    return tuple(h for h in doc.body.headings if h.level == 2)


@dataclass(frozen=True)
class Page:
    """What a build keeps of a rendered page: enough to check anchors into it and to tell
    whether a later rendering changed it, without holding its text."""

    digest: bytes
    ids: frozenset[str]
    repeated: tuple[str, ...] = ()  # ids used more than once: a build error
    reads: frozenset[tuple[str, str]] = frozenset()  # (document path, field) it was drawn from

    @classmethod
    def of(cls, text: str, reads: frozenset[tuple[str, str]] = frozenset()) -> Page:
        found = [
            m.group(1)
            for m in PAGE_ID_RE.finditer(text)
            if m.start() and text[m.start() - 1].isspace()
        ]
        ids = frozenset(found)
        repeated = (
            ()
            if len(ids) == len(found)
            else tuple(sorted({i for i in found if found.count(i) > 1}))
        )
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
        return cls(digest, ids, repeated, reads)


def compile_templates(env: jinja2.Environment) -> None:
    """Compile every template once, here, so that forked workers inherit them compiled (and a
    later incremental build in this process finds them ready). A template that does not compile
    is left for rendering to report, with its file and line; one that is not UTF-8 text is
    reported here."""
    for name in env.list_templates():
        try:
            env.get_template(name)
        except UnicodeDecodeError:
            folder = Path(env.loader.searchpath[0])  # type: ignore[union-attr]
            frontmatter.decode((folder / name).read_bytes(), f"templates/{name}")  # raises
            raise
        except Exception:  # a syntax error, a recursion, a constant too big: render reports it
            pass


def prepare(
    env: jinja2.Environment,
    site: Site,
    build_time: datetime,
    translations: gettext.NullTranslations | None = None,
) -> None:
    """Bind one edition's site, words (``translations``) and data helpers to the
    environment's globals."""
    _bind(env, site.config)
    env.install_gettext_translations(  # type: ignore[attr-defined]
        translations or gettext.NullTranslations(), newstyle=True
    )
    env.globals["site"] = site
    env.globals["help_page"] = site.page(site.config.help_page)
    env.globals["alternates"] = lambda page: alternates(site, page)
    env.globals.update(Structured(site).globals())
    env.globals["build_time"] = build_time.astimezone(UTC)
    # A template imported without context ({% from "x.html" import y %}, Jinja's default) is
    # run once, with the globals of that moment, and kept on the template (Template._module in
    # jinja2 3.1, pinned in pyproject.toml): forgotten here, each edition runs it with its own
    # (before, Spanish pages showed what the partial had worked out for the English edition).
    for template in env.cache.values() if env.cache is not None else ():
        template._module = None


@dataclass(frozen=True)
class Alternate:
    """A page's version in one language: where it is, or (``exists`` false) that language's
    home page, which the language switcher offers instead."""

    code: str
    name: str  # the language's name in itself
    path: str  # the page's URL relative to the root
    exists: bool


def alternates(site: Site, page: urls.Entry) -> list[Alternate]:
    """``page`` in every language of the site, in the order site.toml declares them; for a
    site in one language, none."""
    config = site.config
    if len(config.languages) < 2 or page.kind == "not_found":  # a 404 is no page's version
        return []
    found = []
    versions = site.versions(page.subject) if page.kind in ("article", "page") else None
    for lang in config.languages:
        there = config.locale(lang.code)
        if versions is None:
            path, exists = urls.path(page.kind, page.name, there), True
        elif lang.code in versions:
            path, exists = config.path(versions[lang.code]), True
        else:
            path, exists = urls.path("home", locale=there), False
        found.append(Alternate(lang.code, lang.name, path, exists))
    return found


def write_pages(
    sites: tuple[Site, ...],
    env: jinja2.Environment,
    translations: dict[str, gettext.NullTranslations],
    build_time: datetime,
    into: Path | None,
    record: bool = False,
) -> dict[str, Page]:
    """Render every page of every edition in ``sites`` (on all cores: parallel.fork_map) and
    write each into the folder ``into`` (nowhere without it); return them by output path, each
    with what it read when ``record`` is set (see document.recording). Raise BuildError naming
    the template file and line of each failure."""
    written: dict[str, Page] = {}
    for site in sites:
        prepare(env, site, build_time, translations.get(site.config.language))
        pages = urls.pages(site)
        _timed_out.clear()
        state = (env, site, into, record)
        written.update(_collected(pages, parallel.fork_map(_render_and_write, pages, state)))
    return written


def render_pages(
    site: Site, env: jinja2.Environment, pages: list[urls.Entry]
) -> dict[str, tuple[str, Page]]:
    """Render ``pages`` of ``site`` (prepared) to output path -> (text, page); raise as
    write_pages does."""
    _timed_out.clear()
    return _collected(pages, parallel.fork_map(_render_text, pages, (env, site, True)))


def repeated_ids(pages: dict[str, Page]) -> list[SiteError]:
    """An error for each page that uses an id twice: a #link to it could land on either."""
    return [
        SiteError(
            name,
            None,
            f"the id '{repeated}' is used twice on this page",
            "rename the heading, {#id} or file name that makes it (an FAQ entry's file name is "
            "its id on the FAQ page)",
        )
        for name, page in sorted(pages.items())
        for repeated in page.repeated
    ]


def _collected(pages: list[urls.Entry], results: list[Any]) -> dict[str, Any]:
    errors = [r for r in results if isinstance(r, SiteError)]
    if errors:
        raise BuildError(errors[:20])
    return {page.output: result for page, result in zip(pages, results, strict=True)}


def _render_and_write(
    state: tuple[jinja2.Environment, Site, Path | None, bool], page: urls.Entry
) -> Page | SiteError:
    env, site, into, record = state
    rendered = _render_text((env, site, record), page)
    if isinstance(rendered, SiteError):
        return rendered
    text, result = rendered
    if into is not None:
        write.put(into, page.output, text)
    return result


def _render_text(
    state: tuple[jinja2.Environment, Site, bool], page: urls.Entry
) -> tuple[str, Page] | SiteError:
    env, site, record = state
    if not record:
        text = _render_one(env, site, page)
        return text if isinstance(text, SiteError) else (text, Page.of(text))
    with document.recording() as reads:
        text = _render_one(env, site, page)
    if isinstance(text, SiteError):
        return text
    return text, Page.of(text, frozenset(reads))


_timed_out: list[str] = []  # in this process: after one render ran out of time, stop trying


def _render_one(env: jinja2.Environment, site: Site, page: urls.Entry) -> str | SiteError:
    template = TEMPLATES[page.kind]
    if _timed_out:
        return SiteError(
            _timed_out[0],
            None,
            f"{page.output} not rendered: a template ran out of time",
            "fix the template named above; the other pages are rendered after that",
        )
    try:
        with time_limit(MAX_RENDER_SECONDS):
            context = _context(site, page, env.globals["build_time"])
            text = env.get_template(template).render(**context)
            text.encode("utf-8")  # a lone surrogate cannot be written
    except jinja2.TemplateNotFound as exc:
        return SiteError(
            f"templates/{exc.name}",
            None,
            "template not found",
            "restore it from git, or check the name in {% extends %} / {% include %}",
        )
    except jinja2.TemplateSyntaxError as exc:
        return SiteError(
            f"templates/{exc.name or template}",
            exc.lineno,
            f"template syntax error: {exc.message}",
            "every {% … %} and {{ … }} must be closed, and each block tag needs its end tag",
        )
    except TookTooLong as exc:
        line, name = _template_frame(exc, env)
        _timed_out.append(name or f"templates/{template}")
        return SiteError(
            name or f"templates/{template}",
            line,
            f"took longer than {MAX_RENDER_SECONDS:g} s to render {page.output}",
            "look for a loop that never ends or grows without bound",
        )
    except (Exception, SystemExit) as exc:  # any error a template can raise, even exit()
        line, name = _template_frame(exc, env)
        what = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
        return SiteError(
            name or f"templates/{template}",
            line,
            f"template error while rendering {page.output}: {what}",
            "the template uses something this page does not have; undo the last change to it "
            "or compare it with git",
        )
    if len(text) > MAX_PAGE_CHARS:
        return SiteError(
            f"templates/{template}",
            None,
            f"{page.output} came out at {len(text) // 1_000_000} MB; the limit is "
            f"{MAX_PAGE_CHARS // 1_000_000} MB",
            "look for a loop that repeats more than it should",
        )
    return text


MAX_RENDER_SECONDS = 10.0
MAX_PAGE_CHARS = 20_000_000
MAX_RANGE = 100_000


class TookTooLong(Exception):
    """A template render ran past MAX_RENDER_SECONDS."""


def _alarm(signum: int, frame: object) -> None:
    raise TookTooLong


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop the block with TookTooLong after ``seconds``, by a timer signal; only the main
    thread of a process can receive it, so elsewhere the block runs unlimited. (Builds and
    serve's rebuilds render in main threads: the command line's, and each worker's.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _capped_range(*args: int) -> range:
    """``range`` for templates, at most MAX_RANGE long: a loop over range(10**12) is a mistake."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise OverflowError(
            f"range of {len(numbers):,} numbers; templates may loop over {MAX_RANGE:,}"
        )
    return numbers


def _template_frame(exc: BaseException, env: jinja2.Environment) -> tuple[int | None, str | None]:
    """The template file and line where a rendering error happened.

    Jinja rewrites the traceback so that template frames carry the template's file name and
    line; the innermost such frame is where the error is. For a recursion, the line that
    repeats most (the include or call that recurses) is more use than where it ran out.
    """
    loader = env.loader
    if not isinstance(loader, WalkedLoader):
        return None, None
    root = Path(loader.searchpath[0])
    frames: list[tuple[int | None, str | None]] = []
    tb = exc.__traceback__
    while tb is not None:
        filename = Path(tb.tb_frame.f_code.co_filename)
        if filename.is_absolute() and root in filename.parents:
            frames.append((tb.tb_lineno, display_path(filename, root.parent)))
        tb = tb.tb_next
    if not frames:
        return None, None
    if isinstance(exc, RecursionError):
        return max(frames, key=frames.count)
    return frames[-1]
