"""The real site's checks reuse the generator's whole-site tests, with the site they build
switched from the fixture site to the real one in content/ (built in a temporary folder)."""

from __future__ import annotations

from pathlib import Path

import pytest

import tests.conftest as shared

# The generator's tests' fixtures, used here as they are (site_source below is the one change).
browser, built_site, origin, run = shared.browser, shared.built_site, shared.origin, shared.run
REPO = shared.REPO


@pytest.fixture(scope="session")
def site_source() -> Path:
    return REPO
