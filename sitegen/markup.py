"""Markdown to safe HTML: Python-Markdown's own extensions, citation markers, then nh3."""

from __future__ import annotations

import bisect
import html
import itertools
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from .typography import QUOTES, smarten

EXTENSIONS = ("toc", "tables", "footnotes", "attr_list")  # quotes: typography.smarten
BACKLINK_TITLE = "Back to note {0}"  # str.format; other languages: i18n.backlink_titles
EXTENSION_CONFIGS = {
    # marker "": no [TOC] placeholder (the article template draws the table of contents), which
    # also spares the toc extension a search of every document for one
    "toc": {"toc_depth": "2-3", "marker": ""},
    "footnotes": {"BACKLINK_TITLE": BACKLINK_TITLE},
}

# The allowlist for raw HTML and attribute lists in Markdown (see README, "Sanitizing").
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed"},
}
ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
ALLOWED_CLASSES = {
    "sup": {"cite"},
    "a": {"footnote-ref", "footnote-backref"},
    "div": {"footnote", "note"},
    "th": ALIGN_CLASSES,
    "td": ALIGN_CLASSES,
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "sms"}  # sms: a tap-to-text help line

# Any key, spaces around it allowed ("[@ bylsma2011 ]"): one that matches no source is an error
# naming it, never text left on the page.
CITE_PATTERN = r"\[@[ \t]*([^\]\s]+)[ \t]*\]"
# nh3 writes each attribute after exactly one space, so a literal space anchors these patterns:
# a fast literal scan (``\b`` instead made them the slowest step after Markdown itself).
ID_RE = re.compile(r' id="([^"]*)"')
URL_ATTR_RE = re.compile(r' (href|src)="([^"]*)"')
TAG_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Rendered:
    """What the Markdown stage hands on: safe HTML and the facts later stages check."""

    html: str
    ids: frozenset[str]
    headings: tuple[Heading, ...]
    links: tuple[tuple[str, int], ...]  # (href or src as written in the HTML, body line)
    cites: tuple[str, ...]  # citation keys in order of first use
    renamed: tuple[tuple[str, str], ...]  # ids renamed to keep clear of the page's own
    unknown_cites: tuple[tuple[str, int], ...]
    words: int


class _CiteProcessor(InlineProcessor):
    """Turns ``[@key]`` into a numbered link to that source in the page's reference list."""

    def handleMatch(self, m: re.Match[str], data: str):  # type: ignore[no-untyped-def,override]
        key = m.group(1)
        keys: tuple[str, ...] = self.md.cite_keys  # type: ignore[attr-defined]
        if key not in keys:
            self.md.unknown_cites.append(key)  # type: ignore[attr-defined]
            return None, None, None
        self.md.used_cites.append(key)  # type: ignore[attr-defined]
        sup = etree.Element("sup", {"class": "cite"})
        link = etree.SubElement(sup, "a", {"href": f"#ref-{key}"})
        link.text = f"[{keys.index(key) + 1}]"
        return sup, m.start(0), m.end(0)


class _AlignProcessor(Treeprocessor):
    """Table alignment as classes: inline styles would need a weaker Content-Security-Policy."""

    def run(self, root: etree.Element) -> None:
        for cell in (*root.iter("th"), *root.iter("td")):
            style = cell.attrib.pop("style", "")
            match = re.search(r"text-align:\s*(left|center|right)", style)
            if match:
                cell.set("class", f"align-{match.group(1)}")


class _SiteExtension(Extension):
    def __init__(self, cites: bool) -> None:
        super().__init__()
        self.cites = cites

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        if self.cites:
            md.inlinePatterns.register(_CiteProcessor(CITE_PATTERN, md), "cite", 175)
        md.treeprocessors.register(_AlignProcessor(md), "align", 0)


# Python-Markdown tries every inline pattern, in turn, on every run of text. A pattern that
# needs a character the body does not contain cannot match anywhere in it, so it is left out
# for that body. Each entry: a pattern's name, then groups of characters; the pattern can match
# only if the body holds at least one character of every group. (Python-Markdown only deletes
# characters and turns tabs into spaces before inline patterns run, so a character missing from
# the body is missing from every run of text.) Patterns not named here are always kept.
NEEDS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "footnote": ("[",),
    "cite": ("[",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("!", "["),
    "image_reference": ("!", "["),
    "short_reference": ("[",),
    "short_image_ref": ("!", "["),
    "autolink": ("<",),
    "automail": ("<",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*_",),
}

# Extensions set up only for bodies that hold the text without which they do nothing (as for
# citations: "[@"). A footnote needs "[^"; an attribute list needs "{".
ONLY_WITH = {"footnotes": "[^", "attr_list": "{"}
CITE_NEEDS = "[@"

_instances: dict[tuple[object, ...], markdown.Markdown] = {}
_patterns: dict[tuple[int, frozenset[str]], list[InlineProcessor]] = {}


def _markdown(body: str, backlink: str = BACKLINK_TITLE) -> markdown.Markdown:
    """A Markdown converter for ``body``, set up with only what the body can use.

    Converters are made once per kind and reused. Footnotes, attribute lists and citations are
    set up only where they could occur (see ONLY_WITH), and the inline patterns are narrowed to
    those that could match (see NEEDS). The output is the same as with everything set up
    (tested); the bench corpus converts ~30% faster."""
    kind: tuple[object, ...] = tuple(needle in body for needle in (*ONLY_WITH.values(), CITE_NEEDS))
    footnotes = ONLY_WITH["footnotes"] in body
    kind += (backlink if footnotes else "",)  # one converter per language that has footnotes
    md = _instances.get(kind)
    if md is None:
        configs = {**EXTENSION_CONFIGS, "footnotes": {"BACKLINK_TITLE": backlink}}
        md = _instances[kind] = markdown.Markdown(
            extensions=[
                *(e for e in EXTENSIONS if ONLY_WITH.get(e, "") in body),
                _SiteExtension(cites=CITE_NEEDS in body),
            ],
            extension_configs=configs,
            output_format="html",
        )
    md.treeprocessors["inline"].inlinePatterns = _inline_patterns(md, body)  # type: ignore[attr-defined]
    return md


def _inline_patterns(md: markdown.Markdown, body: str) -> list[InlineProcessor]:
    """``md``'s inline patterns less those that cannot match in ``body``, in order, as a plain
    list: Python-Markdown's inline stage only counts and indexes them (a Registry, which also
    sorts itself on every index, made conversions ~4% slower)."""
    every = md.inlinePatterns
    absent = frozenset(
        name
        for name, groups in NEEDS.items()
        if name in every and not all(any(c in body for c in group) for group in groups)
    )
    key = (id(md), absent)
    patterns = _patterns.get(key)
    if patterns is None:
        skip = {every.get_index_for_name(name) for name in absent}
        patterns = _patterns[key] = [p for i, p in enumerate(every) if i not in skip]
    return patterns


def prepare() -> None:
    """Set up every kind of converter now (~0.2 s), e.g. so that a preview server's first edit
    does not wait for it."""
    needles = (*ONLY_WITH.values(), CITE_NEEDS)
    for present in itertools.product((False, True), repeat=len(needles)):
        _markdown("".join(n for n, p in zip(needles, present, strict=True) if p))


def sanitize(fragment: str) -> str:
    """Keep only the allowlisted tags, attributes, classes and URL schemes."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


# Ids the templates give the page around a body (the skip link's target, landmarks, list
# headings) and the prefix of reference-list entries. A body's own id that would clash is
# renamed (a heading "Main" gets id "main-1"), so every link lands on what it means. Inside an
# FAQ answer (scoped by its slug) the clashes are the answer's own wrapper and references.
CHROME_IDS = frozenset(
    {
        "main", "footer-help", "toc-heading", "related-heading", "references", "faq-toc",
        "topic-articles", "topic-faq", "home-help", "home-topics", "home-articles", "home-faq",
        "search-fallback", "search-form", "search-input", "search-status", "search-results",
    }
)  # fmt: skip
SCOPED_CHROME_IDS = frozenset({"answer", "references"})
CHROME_PREFIX = "ref-"
BAD_ID_RE = re.compile(r' id="(?:[^"]*\s[^"]*)?"')


def unclash_ids(fragment: str, scoped: bool) -> tuple[str, dict[str, str]]:
    """Rename the fragment's ids that would clash with the page around it; return the new
    fragment and the renames (old id -> new id), same-page links to them included."""
    chrome = SCOPED_CHROME_IDS if scoped else CHROME_IDS
    fragment = BAD_ID_RE.sub("", fragment)  # an id must be one word: dropped otherwise
    ids = ID_RE.findall(fragment)
    taken = set(ids) | chrome
    renames: dict[str, str] = {}
    for old in ids:
        if (old in chrome or old.startswith(CHROME_PREFIX)) and old not in renames:
            n = 1
            while f"{old}-{n}" in taken:
                n += 1
            renames[old] = f"{old}-{n}"
            taken.add(renames[old])
    if renames:
        fragment = ID_RE.sub(lambda m: f' id="{renames.get(m.group(1), m.group(1))}"', fragment)
        # Same-page links follow the heading they named, except citation links ("#ref-…"),
        # which always mean the reference list.
        moved = {k: v for k, v in renames.items() if not k.startswith(CHROME_PREFIX)}
        fragment = re.sub(
            r' href="#([^"]*)"', lambda m: f' href="#{moved.get(m.group(1), m.group(1))}"', fragment
        )
    return fragment, renames


TABLE_RE = re.compile(r"<table\b[^>]*>")
HEADING_ID_RE = re.compile(r'<h[1-6] id="([^"]*)"')


def finish(fragment: str) -> str:
    """What the sanitizer would not let through, added to sanitized HTML: a scrolling box around
    each table (the table keeps its own semantics, which display:block on it would lose) and
    search's ignore mark on citation markers (excerpts show words, not "[1]")."""
    if "<table" in fragment:
        fragment = TABLE_RE.sub(lambda m: _scroll_box(fragment, m), fragment)
        fragment = fragment.replace("</table>", "</table></div>")
    return fragment.replace('<sup class="cite">', '<sup class="cite" data-pagefind-ignore>')


def _scroll_box(fragment: str, table: re.Match[str]) -> str:
    """The box a table scrolls in: focusable, so the keyboard can scroll it too, and a region
    named by the heading it stands under (in any language: the heading's own words), so that a
    screen reader says what it is when it gets the focus."""
    headings = HEADING_ID_RE.findall(fragment, 0, table.start())
    named = f' role="region" aria-labelledby="{headings[-1]}"' if headings else ""
    return f'<div class="table-scroll" tabindex="0"{named}>{table.group(0)}'


def scope_ids(fragment: str, prefix: str) -> str:
    """Prefix every id and same-page link, so several fragments can share one page."""
    if not prefix:
        return fragment
    fragment = ID_RE.sub(lambda m: f' id="{prefix}{m.group(1)}"', fragment)
    fragment = fragment.replace(' aria-labelledby="', f' aria-labelledby="{prefix}')
    return re.sub(r' href="#([^"]*)"', lambda m: f' href="#{prefix}{m.group(1)}"', fragment)


class _Lines:
    """File lines of things found in a body, in one pass for things found in order: each search
    starts where the last one ended (links appear in the HTML in the order of the text) and
    only a miss searches from the top again (a reference-style link's target stands below)."""

    def __init__(self, body: str, first_line: int) -> None:
        self.body = body
        self.first_line = first_line
        self.starts = [0, *(m.end() for m in re.finditer("\n", body))]
        self.cursor = 0
        self.seen: dict[str, int] = {}

    def of(self, needle: str) -> int:
        at = self.body.find(needle, self.cursor)
        if at < 0:
            if needle not in self.seen:
                self.seen[needle] = self.body.find(needle)
            at = self.seen[needle]
            if at < 0:
                return self.first_line
        else:
            self.cursor = at + len(needle)
        return self.first_line + bisect.bisect_right(self.starts, at) - 1

    def at(self, match: re.Match[str] | None) -> int:
        """The file line of a match in the body (the body's first line without one)."""
        start = match.start() if match else 0
        return self.first_line + bisect.bisect_right(self.starts, start) - 1


def convert(
    body: str,
    body_line: int,
    cite_keys: tuple[str, ...] = (),
    id_prefix: str = "",
    backlink: str = BACKLINK_TITLE,
    quotes: str = QUOTES,
) -> Rendered:
    """Render one Markdown body. Pure: the same arguments always give the same result.
    ``backlink``: the title of a footnote's link back, in the body's language ("… {0}");
    ``quotes``: its double quotation marks."""
    md = _markdown(body, backlink)
    md.reset()
    md.cite_keys = cite_keys  # type: ignore[attr-defined]
    md.unknown_cites = []  # type: ignore[attr-defined]
    md.used_cites = []  # type: ignore[attr-defined]
    safe, renames = unclash_ids(smarten(sanitize(md.convert(body)), quotes), bool(id_prefix))
    safe = finish(scope_ids(safe, id_prefix))
    lines = _Lines(body, body_line)
    links = tuple((value, lines.of(html.unescape(value))) for _, value in URL_ATTR_RE.findall(safe))
    headings = tuple(_flatten(md.toc_tokens, id_prefix, renames, quotes))  # type: ignore[attr-defined]
    unknown = tuple(
        (key, lines.at(re.search(rf"\[@[ \t]*{re.escape(key)}[ \t]*\]", body)))
        for key in dict.fromkeys(md.unknown_cites)  # type: ignore[attr-defined]
    )
    text = html.unescape(TAG_RE.sub(" ", safe))
    return Rendered(
        html=safe,
        ids=frozenset(ID_RE.findall(safe)),
        headings=headings,
        links=links,
        cites=tuple(dict.fromkeys(md.used_cites)),  # type: ignore[attr-defined]
        renamed=tuple(sorted(renames.items())),
        unknown_cites=unknown,
        words=len(text.split()),
    )


def _flatten(
    tokens: list[dict], prefix: str, renames: dict[str, str], quotes: str
) -> list[Heading]:
    out: list[Heading] = []
    for token in tokens:
        # the heading's own HTML, given the same quotes as in the body (never in its code)
        text = html.unescape(TAG_RE.sub("", smarten(token["html"], quotes)))
        out.append(Heading(token["level"], prefix + renames.get(token["id"], token["id"]), text))
        out.extend(_flatten(token["children"], prefix, renames, quotes))
    return out


def plain_text(fragment: str) -> str:
    """The words of an HTML fragment, for readability scores and search snippets."""
    return " ".join(html.unescape(TAG_RE.sub(" ", fragment)).split())
