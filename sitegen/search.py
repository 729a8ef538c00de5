"""The search step: Pagefind indexes the built pages into <output>/pagefind/."""

from __future__ import annotations

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
