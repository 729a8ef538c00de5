"""Every problem the generator reports comes with a hint: what to do about it. Read from the
source, so that a new message cannot be added without one."""

from __future__ import annotations

import ast
from pathlib import Path

from sitegen.errors import SiteError

from .conftest import REPO

# The calls that make a problem, and where in them the hint goes (its position, its keyword).
MAKERS = {"SiteError": (3, "hint"), "err": (4, "hint"), "error": (1, "hint"), "Key": (2, "hint")}


def _hint(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    given = next((k.value for k in call.keywords if k.arg == keyword), None)
    if given is not None:
        return given
    if any(isinstance(a, ast.Starred) for a in call.args):  # err(*where, key, message, hint)
        return call.args[-1] if len(call.args) >= 3 else None
    return call.args[position] if len(call.args) > position else None


def test_every_problem_the_generator_reports_has_a_hint():
    missing = []
    for path in sorted((REPO / "sitegen").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            if name not in MAKERS or (name == "error" and not isinstance(node.func, ast.Attribute)):
                continue
            if name == "Key" and len(node.args) + len(node.keywords) < 2 and not node.keywords:
                continue  # not a declaration
            hint = _hint(node, *MAKERS[name])
            if hint is None or (isinstance(hint, ast.Constant) and not str(hint.value).strip()):
                missing.append(f"{Path(path).name}:{node.lineno}: {ast.unparse(node)[:90]}")
    assert missing == []


def test_a_problem_cannot_be_made_without_a_hint():
    try:
        SiteError("site.toml", 1, "wrong")  # type: ignore[call-arg]
    except TypeError:
        return
    raise AssertionError("SiteError accepted no hint")
