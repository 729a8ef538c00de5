"""The search step: Pagefind indexes the built pages into <output>/pagefind/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .errors import BuildError, SiteError


def index(folder: Path) -> None:
    """Index every page with ``data-pagefind-body`` under ``folder``; raise BuildError on failure."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pagefind", "--site", str(folder), "--silent"],
            capture_output=True,
            text=True,
            timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildError(
            [
                SiteError(
                    "pagefind",
                    None,
                    f"search indexing could not run: {exc}",
                    "pip install 'pagefind[bin]', or build with --no-search",
                )
            ]
        ) from None
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise BuildError(
            [
                SiteError(
                    "pagefind",
                    None,
                    "search indexing failed: " + " / ".join(detail),
                    "build with --no-search to skip the search step",
                )
            ]
        )
    verify(folder)


def verify(folder: Path) -> None:
    """Check what the search step wrote, not only its exit code (it exits 0 after failed
    writes): the entry file parses and names at least one language with pages, that language's
    metadata file exists, and no file in the index is empty."""
    index = folder / "pagefind"
    problem = ""
    try:
        entry = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
        languages = entry.get("languages") if isinstance(entry, dict) else None
        if not isinstance(languages, dict) or not languages:
            problem = "its entry file names no language"
        for language in (languages or {}).values():
            meta = index / f"pagefind.{language.get('hash')}.pf_meta"
            if not meta.is_file():
                problem = f"{meta.name} is missing"
        empty = sorted(p.name for p in index.rglob("*") if p.is_file() and p.stat().st_size == 0)
        if empty:
            problem = f"{len(empty)} of its files are empty ({', '.join(empty[:3])})"
    except (OSError, ValueError, AttributeError) as exc:
        problem = f"its entry file cannot be read ({exc})"
    if problem:
        raise BuildError(
            [
                SiteError(
                    "pagefind",
                    None,
                    f"the search index is incomplete: {problem}",
                    "the disk may be full: free some space and build again; nothing changed",
                )
            ]
        )
