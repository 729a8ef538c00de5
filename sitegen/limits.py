"""Limits that keep the work on any one input file bounded, checked before Markdown and the
sanitizer see the text.

Python-Markdown's time grows with the square of some unusual runs of text (hundreds of ``[``,
``![a`` or ``<a `` in one paragraph), its list and quote handling recurses once per level of
nesting, and the sanitizer's once per level of HTML nesting. No real article comes near these
limits (the longest article on the site has a few dozen links); a file that passes them converts
in well under two seconds (bench/hostile.py measures it).
"""

from __future__ import annotations

import re

from .errors import SiteError

MAX_FILE_BYTES = 1024 * 1024  # 1 MB: about 150,000 words
MAX_NESTING = 20  # levels of lists and quotes
MAX_BRACKETS_PER_PARAGRAPH = 200  # "[" in one paragraph (each link or citation needs one)
MAX_BRACKETS = 5000  # "[" in one file
MAX_TAGS = 1000  # raw HTML tags and <autolinks> in one file
MAX_HTML_DEPTH = 50  # raw HTML elements inside each other

_PREFIX = re.compile(r"^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]*)*")
_MARKER = re.compile(r">|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>|<[A-Za-z!/]")
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)  # elements that never hold others


def check(body: str, body_line: int, path: str) -> list[SiteError]:
    """Every limit ``body`` (starting on file line ``body_line``) goes past, with its line."""
    errors: list[SiteError] = []

    def over(line: int, message: str, hint: str) -> None:
        errors.append(SiteError(path, body_line + line, message, hint))

    brackets = 0
    paragraph_start, paragraph_brackets = 0, 0
    lines = body.split("\n")
    for number, text in enumerate(lines):
        if not text.strip():
            paragraph_start, paragraph_brackets = number + 1, 0
            continue
        prefix = _PREFIX.match(text)
        if prefix and prefix.end():
            indent = len(text) - len(text.lstrip(" \t"))
            depth = len(_MARKER.findall(prefix.group())) + indent // 4
            if depth > MAX_NESTING:
                over(
                    number,
                    f"lists or quotes nested {depth} deep; the limit is {MAX_NESTING}",
                    "flatten the list: no reader can follow that many levels",
                )
                return errors
        count = text.count("[")
        brackets += count
        paragraph_brackets += count
        if paragraph_brackets > MAX_BRACKETS_PER_PARAGRAPH:
            over(
                paragraph_start,
                f"more than {MAX_BRACKETS_PER_PARAGRAPH} '[' in one paragraph",
                "split the paragraph, or write a lone [ as \\[",
            )
            return errors
    if brackets > MAX_BRACKETS:
        over(0, f"{brackets} '[' in one file; the limit is {MAX_BRACKETS}", "split the file")
        return errors
    depth, tags = 0, 0
    for match in _TAG.finditer(body):
        tags += 1
        if tags > MAX_TAGS:
            over(
                body.count("\n", 0, match.start()),
                f"more than {MAX_TAGS} HTML tags or <links> in one file",
                "write it in Markdown, or split the file",
            )
            return errors
        closing, name, self_closing = match.group(1), (match.group(2) or "").lower(), match.group(3)
        if not name or self_closing or name in _VOID:
            continue
        if closing:
            depth = max(depth - 1, 0)
            continue
        depth += 1
        if depth > MAX_HTML_DEPTH:
            over(
                body.count("\n", 0, match.start()),
                f"HTML elements nested {depth} deep; the limit is {MAX_HTML_DEPTH}",
                "close the elements you open, or write it in Markdown",
            )
            return errors
    return errors
