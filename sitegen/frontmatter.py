"""Split a content file into YAML front matter and Markdown body, keeping file line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from . import limits
from .errors import BuildError, SiteError

# Control characters no text file needs: all C0 controls but tab, newline and carriage return,
# DEL, and the C1 controls (often a sign of text decoded with the wrong encoding).
CONTROL_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]"
)  # and XML's non-characters
FENCE = re.compile(r"^---[ \t]*$")


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: ~10x faster


class StrictLoader(_Base):  # type: ignore[misc,valid-type]
    """PyYAML's safe loader without YAML 1.1's traps.

    Dates stay text (checked by the content model, with our messages) and only ``true``/``false``
    are booleans (``no``, ``on``, ``yes`` stay text, so ``country: NO`` means Norway). Aliases are
    refused after composing (see ``_reject_aliases``), which rules out alias bombs.
    """


StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _reject_cut_text(node: yaml.Node, lines: list[str], path: str) -> None:
    """Refuse text cut short by a comment: in ``title: Crying after a session #2`` YAML reads
    ' #2' as a comment, and the title would silently lose it."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.append(value)
                if not (
                    isinstance(value, yaml.ScalarNode)
                    and not value.style  # plain, unquoted (None or "", by loader)
                    and value.tag == "tag:yaml.org,2002:str"
                    and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.value)  # a date, then a note
                ):
                    continue
                end = value.end_mark
                cut = lines[end.line][end.column :].strip()
                if cut.startswith("#"):
                    raise fail(
                        path,
                        end.line + 2,
                        f"'{key.value}' stops before '{cut}': after a space, # starts a "
                        "comment in YAML, and the rest of the line is left out",
                        f'put the whole value in quotes: {key.value}: "{value.value} {cut}"',
                    )


def _reject_aliases(node: yaml.Node, path: str) -> None:
    """Composed YAML shares one node wherever an alias points to it: refuse any shared node.

    Checked before construction, so an alias bomb is refused before it can expand."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(node, node.start_mark.line)]
    while stack:
        current, line = stack.pop()
        if id(current) in seen:
            raise fail(
                path,
                line + 2,
                "invalid YAML in front matter: aliases (*name) are not allowed in front matter",
                "write the value out in full",
            )
        seen.add(id(current))
        # Pushed in reverse, so nodes are visited in document order: the second use is the alias.
        if isinstance(current, yaml.MappingNode):
            for key, value in reversed(current.value):
                stack.append((value, key.start_mark.line))
                stack.append((key, key.start_mark.line))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, current.start_mark.line) for item in reversed(current.value))


@dataclass(frozen=True)
class Parsed:
    """A content file split in two: its front matter (with each key's line) and its body."""

    meta: dict[str, Any]
    key_lines: dict[str, int]
    item_lines: dict[str, tuple[int, ...]]
    body: str
    body_line: int  # the file line on which the body starts


def decode(raw: bytes, path: str) -> str:
    """Bytes to text: UTF-8 with an optional byte-order mark, line endings made plain."""
    if len(raw) > limits.MAX_FILE_BYTES:
        raise fail(
            path,
            None,
            f"file is {len(raw) // 1024:,} KB; the limit is {limits.MAX_FILE_BYTES // 1024} KB",
            "split it into several articles",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise fail(
            path,
            line,
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            "save the file as UTF-8 in your editor",
        ) from None
    control = CONTROL_RE.search(text)
    if control:
        raise fail(
            path,
            text.count("\n", 0, control.start()) + 1,
            f"file contains a control character (U+{ord(control.group()):04X})",
            "it is invisible in most editors: delete the character, or retype the line",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _yaml_hint(problem: str, text: str) -> str:
    """The likeliest fix for a YAML error, from the problem and the line it was found on."""
    if "alias" in problem:
        return "write the value out in full"
    if "\t" in problem or "\t" in text:
        return "indent with spaces, not a tab"
    from .fields import FIELDS, SOURCE_KEYS  # here: fields reads this module's types

    key = text.strip().split(":", 1)[0]
    if text[:1] == " " and key in SOURCE_KEYS:  # "title" may be a source's or the page's
        return (
            f"if '{key}' belongs to a source, line it up under that source's first key; "
            "if not, remove the spaces before it"
        )
    if text[:1] == " " and any(key in keys for keys in FIELDS.values()):
        return f"'{key}' starts at the beginning of its line: remove the spaces before it"
    if text[:1] == " " or text.lstrip().startswith("-"):
        return (
            "check the indentation: the lines of one source line up under its first key, "
            "and each list item starts with '- ' (see the README's example)"
        )
    if "mapping values" in problem:
        return 'values with a colon in them need quotes around them, e.g. title: "Tears: why"'
    return "values with a colon or a quote need quotes around them"


def fail(path: str, line: int | None, message: str, hint: str = "") -> BuildError:
    """One editor-facing error, ready to raise."""
    return BuildError([SiteError(path, line, message, hint)])


def split(text: str, path: str) -> Parsed:
    """Parse ``---`` fenced front matter at the top of ``text``; raise BuildError if it is bad."""
    lines = text.split("\n")
    if not lines or not FENCE.match(lines[0]):
        raise fail(
            path,
            1,
            "missing front matter",
            "start the file with a line '---', the front matter, then another '---'",
        )
    end = next((i for i in range(1, len(lines)) if FENCE.match(lines[i])), None)
    if end is None:
        raise fail(
            path,
            1,
            "front matter is not closed",
            "add a line '---' after the last front-matter line",
        )
    source = "\n".join(lines[1:end])
    if not source.strip():
        raise fail(path, 2, "front matter is empty", "add at least the required keys")
    try:
        loader = StrictLoader(source)
        try:
            node = loader.get_single_node()
            if node is not None:
                _reject_aliases(node, path)
                _reject_cut_text(node, source.split("\n"), path)
            meta = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else 2
        problem = exc.problem or exc.context or "invalid YAML"
        hint = _yaml_hint(
            problem, lines[mark.line + 1] if mark and mark.line + 1 < len(lines) else ""
        )
        raise fail(path, line, f"invalid YAML in front matter: {problem}", hint) from None
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise fail(path, 2, f"invalid YAML in front matter: {exc}") from None
    if not isinstance(meta, dict):
        raise fail(
            path,
            2,
            "front matter must be a list of 'key: value' lines",
            "for example 'title: My article'",
        )
    key_lines: dict[str, int] = {}
    item_lines: dict[str, tuple[int, ...]] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in key_lines:
            raise fail(
                path,
                key_node.start_mark.line + 2,
                f"'{key}' appears twice",
                f"keep one '{key}' line (the first is on line {key_lines[key]})",
            )
        key_lines[key] = key_node.start_mark.line + 2
        if isinstance(value_node, yaml.SequenceNode):
            item_lines[key] = tuple(item.start_mark.line + 2 for item in value_node.value)
    return Parsed(meta, key_lines, item_lines, "\n".join(lines[end + 1 :]), end + 2)
