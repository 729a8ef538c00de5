"""Limits that keep the work on any one input file bounded, checked before Markdown and the
sanitizer see the text.

Python-Markdown's time grows with the square of the number of some characters in one paragraph
(each ``[``, backtick, ``&``, backslash or ``<`` may start an inline element it tries to match
or stash), with the number of blocks, and its list and quote handling recurses once per level
of nesting; the sanitizer recurses once per level of HTML nesting. No real article comes near
these limits (the longest article on the site has 9 KB, 136 lines and a few dozen links); a file
that passes them converts in under two seconds on this project's machine (bench/hostile.py
measures the worst cases).
"""

from __future__ import annotations

import re

from .errors import SiteError

MAX_FILE_BYTES = 256 * 1024  # 256 KB: about 40,000 words
MAX_LINES = 10_000
MAX_NESTING = 20  # levels of lists and quotes
SPECIAL = "[`&\\<"  # characters that may start an inline element (a link needs one "[")
MAX_SPECIAL_PER_PARAGRAPH = 200  # of each of them, in one paragraph
MAX_SPECIAL = 5000  # of each of them, in one file
MAX_TAGS = 1000  # raw HTML tags and <autolinks> in one file
MAX_HEADINGS = 1000  # in one file: giving each its own id takes time that grows with the square
_HEADING = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|=+[ \t]*$|-+[ \t]*$)", re.M)
MAX_HTML_DEPTH = 50  # raw HTML elements inside each other

_PREFIX = re.compile(r"^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]*)*")
_MARKER = re.compile(r">|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*+)([^<>]*+)>|<[A-Za-z!/]")  # linear: *+
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

    lines = body.split("\n")
    if len(lines) > MAX_LINES:
        over(MAX_LINES, f"{len(lines):,} lines; the limit is {MAX_LINES:,}", "split the file")
        return errors
    headings = len(_HEADING.findall(body))
    if headings > MAX_HEADINGS:
        over(0, f"{headings:,} headings; the limit is {MAX_HEADINGS:,}", "split the file")
        return errors
    totals = dict.fromkeys(SPECIAL, 0)
    paragraph_start, counts = 0, dict.fromkeys(SPECIAL, 0)
    for number, text in enumerate(lines):
        if not text.strip():
            paragraph_start, counts = number + 1, dict.fromkeys(SPECIAL, 0)
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
        for char in SPECIAL:
            if char not in text:
                continue
            count = text.count(char)
            counts[char] += count
            totals[char] += count
            if counts[char] > MAX_SPECIAL_PER_PARAGRAPH:
                over(
                    paragraph_start,
                    f"more than {MAX_SPECIAL_PER_PARAGRAPH} '{char}' in one paragraph",
                    "split the paragraph (a blank line starts a new one)",
                )
                return errors
    for char, total in totals.items():
        if total > MAX_SPECIAL:
            over(
                0, f"{total:,} '{char}' in one file; the limit is {MAX_SPECIAL:,}", "split the file"
            )
            return errors
    depth, tags = 0, 0
    for match in _TAG.finditer(body):
        tags += 1
        closing, name = match.group(1), (match.group(2) or "").lower()
        self_closing = (match.group(3) or "").endswith("/")
        if name and not self_closing and name not in _VOID:
            depth = max(depth - 1, 0) if closing else depth + 1
        if tags > MAX_TAGS:
            problem = (
                f"more than {MAX_TAGS} HTML tags or <links> in one file",
                "write it in Markdown, or split the file",
            )
        elif depth > MAX_HTML_DEPTH:
            problem = (
                f"HTML elements nested {depth} deep; the limit is {MAX_HTML_DEPTH}",
                "close the elements you open, or write it in Markdown",
            )
        else:
            continue
        over(body.count("\n", 0, match.start()), *problem)
        return errors
    return errors
