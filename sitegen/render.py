"""Render the site model through Jinja2 templates into a map of output path -> text."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import files, frontmatter, parallel, write
from .config import Config
from .content import Document
from .errors import BuildError, SiteError, display_path
from .model import Site, url_of
from .structured import Structured

WORDS_PER_MINUTE = 200
# An id attribute: 'id="' after any whitespace (in template HTML an attribute may follow a
# newline). Found by its literal text, then checked for the whitespace: several times faster
# than a pattern that starts with \s, which the regex engine must try at every character.
PAGE_ID_RE = re.compile(r'id="([^"]*)"')
TOC_MIN_HEADINGS = 3


@dataclass(frozen=True)
class PageSpec:
    """One output file: where it goes, which template draws it, and with what."""

    output: str  # path inside the output dir, e.g. "articles/x/index.html"
    template: str
    context: dict[str, Any] = field(default_factory=dict, compare=False)
    full: tuple[Document, ...] = ()  # documents shown whole (their body too)
    cards: tuple[Document | None, ...] = ()  # documents shown as a title, summary or date
    extra: tuple = ()  # any other value the page shows that documents do not cover

    def signature(self, site: Site) -> tuple:
        """Everything this page is drawn from, besides templates and site.toml: a page whose
        signature is unchanged renders to the same bytes, so an incremental build skips it."""
        return (
            self.template,
            tuple(d.source_hash for d in self.full),
            tuple(d.card if d else None for d in self.cards),
            site.page_cards,  # every page's footer lists the pages
            self.extra,
        )

    @property
    def url(self) -> str:
        return self.output.removesuffix("index.html")


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
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Each environment serves one set of templates: a change to them makes a new one (a
        # full build), so no template needs a stat() of its file on every page to stay fresh.
        auto_reload=False,
    )
    env.globals.update(
        range=_capped_range,
        config=config,
        url=config.url,
        abs_url=config.abs_url,
        url_of=url_of,
    )
    env.filters.update(long_date=long_date, json_ld=json_ld, reading_minutes=reading_minutes)
    return env


def long_date(value: date | datetime) -> str:
    return f"{value.day} {value:%B %Y}"


def reading_minutes(doc: Document) -> int:
    return max(1, math.ceil(doc.body.words / WORDS_PER_MINUTE))


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON for a <script type="application/ld+json"> block, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def page_specs(
    site: Site, build_time: datetime, only: set[str] | None = None
) -> Iterator[PageSpec]:
    """Every page of the site, in a fixed order, with what each is drawn from.

    With ``only`` (document paths), just the pages that show one of those documents whole:
    enough after an edit that changed no document's card, when no other page can change."""
    config = site.config
    feed = site.articles[: config.feed_entries]
    full_feed = feed if config.feed_content == "full" else ()
    if only is None:
        yield PageSpec("index.html", "home.html", cards=site.articles[:6] + site.faqs[:6])
        yield PageSpec("topics/index.html", "topics.html", cards=site.articles)
        for group in site.groups:
            faqs = site.faqs_for(group.topic.id)
            yield PageSpec(
                f"topics/{group.topic.id}/index.html",
                "topic.html",
                {"group": group, "faqs": faqs},
                cards=group.articles + faqs,
            )
    if only is None or any(f.path in only for f in site.faqs):
        yield PageSpec("faq/index.html", "faq.html", full=site.faqs)
    for doc in site.articles:
        if only is not None and doc.path not in only:
            continue
        before, after = site.neighbours(doc)
        related = site.related(doc)
        toc = _toc(doc)
        yield PageSpec(
            f"articles/{doc.slug}/index.html",
            "article.html",
            {
                "doc": doc,
                "related": related,
                "before": before,
                "after": after,
                "show_toc": len(toc) >= TOC_MIN_HEADINGS,
                "toc": toc,
            },
            full=(doc,),
            cards=(*related, before, after),
        )
    for doc in site.pages:
        if only is None or doc.path in only:
            yield PageSpec(f"{doc.slug}/index.html", "page.html", {"doc": doc}, full=(doc,))
    updated = site.last_modified or build_time.date()
    if only is None:
        yield PageSpec("search/index.html", "search.html")
        yield PageSpec("404.html", "404.html")
    if only is None or any(d.path in only for d in full_feed):
        yield PageSpec(
            "feed.xml",
            "feed.xml",
            {"updated": updated},
            cards=feed,
            full=full_feed,
            extra=(updated,),
        )
    if only is None:
        yield PageSpec(
            "sitemap.xml",
            "sitemap.xml",
            cards=site.articles + site.pages,
            extra=(site.last_modified,),
        )
        yield PageSpec("robots.txt", "robots.txt")


def _toc(doc: Document) -> tuple:
    return tuple(h for h in doc.body.headings if h.level == 2)


@dataclass(frozen=True)
class Page:
    """What a build keeps of a rendered page: enough to check anchors into it and to tell
    whether a later rendering changed it, without holding its text."""

    digest: bytes
    ids: frozenset[str]
    repeated: tuple[str, ...] = ()  # ids used more than once: a build error

    @classmethod
    def of(cls, text: str) -> Page:
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
        return cls(hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest(), ids, repeated)


def render_all(
    site: Site,
    env: jinja2.Environment,
    bodies: dict[str, str],
    build_time: datetime,
    into: Path | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> dict[str, Page]:
    """Render every page on all cores, each worker writing its pages into the folder ``into``
    (when given) as it goes; raise BuildError naming the template file and line. ``meanwhile``
    runs in this process while the workers render (see parallel.fork_map). The workers inherit
    the templates compile_templates compiled (pipeline.load does it while parsing)."""
    prepare(env, site, bodies, build_time)
    specs = list(page_specs(site, build_time))
    _timed_out.clear()
    return _collected(specs, parallel.fork_map(_render_page, specs, (env, into), meanwhile))


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


def render_specs(env: jinja2.Environment, specs: list[PageSpec]) -> dict[str, str]:
    """Render ``specs`` (on all cores when there are many) to output path -> text; raise
    BuildError naming the template file and line of each failure."""
    _timed_out.clear()
    return _collected(specs, parallel.fork_map(_render_one, specs, env))


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


def _collected(specs: list[PageSpec], results: list[Any]) -> dict[str, Any]:
    errors = [r for r in results if isinstance(r, SiteError)]
    if errors:
        raise BuildError(errors[:20])
    return {spec.output: result for spec, result in zip(specs, results, strict=True)}


def _render_page(state: tuple[jinja2.Environment, Path | None], spec: PageSpec) -> Page | SiteError:
    env, into = state
    text = _render_one(env, spec)
    if isinstance(text, SiteError):
        return text
    if into is not None:
        write.put(into, spec.output, text)
    return Page.of(text)


def prepare(
    env: jinja2.Environment, site: Site, bodies: dict[str, str], build_time: datetime
) -> None:
    """Bind this build's site, rendered bodies and data helpers to the environment's globals."""
    env.globals["site"] = site
    env.globals["help_page"] = site.page(site.config.help_page)
    env.globals["body"] = lambda doc: Markup(bodies[doc.path])
    env.globals.update(Structured(site, bodies).globals())
    env.globals["build_time"] = build_time.astimezone(UTC)


_timed_out: list[str] = []  # in this process: after one render ran out of time, stop trying


def _render_one(env: jinja2.Environment, spec: PageSpec) -> str | SiteError:
    if _timed_out:
        return SiteError(
            _timed_out[0], None, f"{spec.output} not rendered: a template ran out of time"
        )
    try:
        with time_limit(MAX_RENDER_SECONDS):
            text = env.get_template(spec.template).render(page_url=spec.url, **spec.context)
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
            f"templates/{exc.name or spec.template}",
            exc.lineno,
            f"template syntax error: {exc.message}",
        )
    except TookTooLong as exc:
        line, name = _template_frame(exc, env)
        _timed_out.append(name or f"templates/{spec.template}")
        return SiteError(
            name or f"templates/{spec.template}",
            line,
            f"took longer than {MAX_RENDER_SECONDS:g} s to render {spec.output}",
            "look for a loop that never ends or grows without bound",
        )
    except (Exception, SystemExit) as exc:  # any error a template can raise, even exit()
        line, name = _template_frame(exc, env)
        what = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
        return SiteError(
            name or f"templates/{spec.template}",
            line,
            f"template error while rendering {spec.output}: {what}",
        )
    if len(text) > MAX_PAGE_CHARS:
        return SiteError(
            f"templates/{spec.template}",
            None,
            f"{spec.output} came out at {len(text) // 1_000_000} MB; the limit is "
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
