"""The real site as the tools look at it: built into a temporary folder (search included),
served under a sub-path as GitHub Pages serves a project site, with Chromium launched.
Used by tools/screenshots.py and tools/search_ranks.py (run from the repository root)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sitegen import pipeline
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.crawl import serve_under

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def real_site_in_chromium(prefix: str) -> Iterator[tuple[str, Any]]:
    """(the site's start URL under ``prefix``, a Playwright browser) for the block."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        pipeline.build(ROOT, out, base_url=f"https://example.github.io{prefix}", use_cache=False)
        with serve_under(out, Path(tmp), prefix) as start, sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield start, browser
            finally:
                browser.close()
