"""Typographic quotes, dashes and ellipses in one pass over an HTML fragment's text.

Python-Markdown's smarty extension does this with inline patterns that doubled the time of
every conversion (3.2 to 6.8 ms an article, measured; the smartypants library was no faster),
so this pass runs on the sanitized HTML instead, leaving tags, attributes and code untouched.
Its output was checked against smarty's on the site's own articles (tests/test_typography.py).

Double quotes become the language's own marks (site.toml's ``quotes``: "“”" by default, "«»"
for Spanish, "„“" for German); single quotes and apostrophes become ‘ and ’ in every language.
"""

from __future__ import annotations

import re
import unicodedata

TAG = re.compile(r"(<[^>]*>)")
VERBATIM = re.compile(r"<(/?)(code|pre|kbd|samp|script|style)\b", re.I)
TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")
# After these an ambiguous quote opens: spaces (no-break ones too), dashes, slashes, Spanish's
# inverted marks, and every opening bracket or quotation mark (Unicode's Ps and Pi).
OPENING_CONTEXT = " \t\n-/¿¡"
OPENING_CATEGORIES = ("Zs", "Pd", "Ps", "Pi")
# Elements whose start or end begins a new run of text, so a quote right after one opens.
BLOCKS = frozenset(
    {
        "address", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p",
        "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip

DECADE = re.compile(r"\d\ds\b")
MARKS = ("'", '"', "--", "...")
REPLACEMENTS = (("---", "\u2014"), ("--", "\u2013"), ("...", "\u2026"))
QUOTES = "\u201c\u201d"  # a language's double quotation marks, opening then closing: “ ”


def _text(text: str, before: str, quotes: str = QUOTES) -> str:
    for plain, fancy in REPLACEMENTS:
        text = text.replace(plain, fancy)
    if "'" not in text and '"' not in text:
        return text
    out = []
    previous = before
    for index, char in enumerate(text):
        if char in "\"'":
            # after a no-break space, as the sanitizer writes it, too
            opens = _opens_after(previous, quotes) or text.endswith("&nbsp;", 0, index)
        if char == '"':
            char = quotes[0] if opens else quotes[1]
        elif char == "'":
            if opens and DECADE.match(text, index + 1):  # '90s is an apostrophe
                opens = False
            char = "\u2018" if opens else "\u2019"
        out.append(char)
        previous = char
    return "".join(out)


def _opens_after(previous: str, quotes: str) -> bool:
    """Whether a straight quote after the character ``previous`` ("" at the start) opens."""
    if not previous or previous == quotes[0]:
        return True
    if previous == quotes[1]:  # German closes with the mark that opens elsewhere: “
        return False
    return previous in OPENING_CONTEXT or unicodedata.category(previous) in OPENING_CATEGORIES


def smarten(fragment: str, quotes: str = QUOTES) -> str:
    """Curly quotes, en and em dashes and ellipses in text, outside code and tags; double
    quotes as ``quotes`` (opening, closing)."""
    if not any(mark in fragment for mark in MARKS):
        return fragment
    parts = TAG.split(fragment)  # text, tag, text, tag, ..., text
    _every_run(parts, quotes)
    return "".join(parts)


def _every_run(parts: list[str], quotes: str) -> None:
    """Rewrite each run of text in ``parts`` (tags at odd indexes) in place, in order, keeping
    track of code elements and of the character before each run."""
    depth = 0
    before = ""
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            match = VERBATIM.match(part)
            if match:
                depth = max(0, depth + (-1 if match.group(1) else 1))
            elif _is_block(part):
                before = " "  # a new block or line: a quote after it opens
            continue
        if part and depth == 0:
            parts[index] = _text(part, before, quotes)
        if part:
            before = parts[index][-1]


def _is_block(tag: str) -> bool:
    name = TAG_NAME.match(tag)
    return name is not None and name.group(1).lower() in BLOCKS


def smarten_text(text: str, quotes: str = QUOTES) -> str:
    """The same quotes, dashes and ellipses in plain text (a title, a summary) as in bodies."""
    return _text(text, "", quotes)
