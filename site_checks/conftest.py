"""The real site's checks reuse the generator's whole-site tests, with the site they build
switched from the fixture site to the real one in content/ (built in a temporary folder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import (  # noqa: F401  (fixtures these checks use)
    REPO,
    browser,
    built_site,  # noqa: F401
    run,
)


@pytest.fixture(scope="session")
def site_source() -> Path:
    return REPO
