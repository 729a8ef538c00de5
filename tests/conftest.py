"""Shared fixtures: fixture sites copied into temporary folders, and a build runner."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitegen.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def make_site(
    dest: Path, fixture: str = "valid", files: dict[str, str | bytes] | None = None
) -> Path:
    """Copy a fixture site (with the project's templates, static files and catalogs) to ``dest``.

    ``files`` overlays or adds files (path -> text or bytes); a value of "" with a name ending in
    "!delete" removes that file instead.
    """
    shutil.copytree(FIXTURES / fixture, dest)
    for folder in ("templates", "static"):
        if not (dest / folder).exists():
            shutil.copytree(REPO / folder, dest / folder)
    # the project's catalogs, beside any of the fixture's own (a language only it has)
    shutil.copytree(REPO / "locales", dest / "locales", dirs_exist_ok=True)
    for rel, data in (files or {}).items():
        target = dest / rel.removesuffix("!delete")
        if rel.endswith("!delete"):
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    return dest


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the hash of its bytes: to prove nothing changed."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    """Run the command line in-process: run(root, "build", "--out", out) -> Result."""

    def runner(root: Path, *args: str) -> Result:
        capsys.readouterr()
        code = main(["--root", str(root), *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return runner


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Missing: skipped locally, a failure in CI."""
    import os

    if not CHROMIUM.exists():
        message = "Chromium not found at /usr/bin/chromium (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


SUB_PATH = "/somerepo/"


@pytest.fixture(scope="session")
def site_source(tmp_path_factory) -> Path:
    """The site the whole-site checks build: here the fixture site; site_checks/ overrides it
    with the real one in content/."""
    return make_site(tmp_path_factory.mktemp("source") / "site")


@pytest.fixture(scope="session")
def built_site(site_source, tmp_path_factory) -> Path:
    """``site_source`` built once, with search, into a temporary folder, for /somerepo/."""
    from sitegen import pipeline

    out = tmp_path_factory.mktemp("built") / "site"
    base_url = f"https://example.github.io{SUB_PATH}"
    pipeline.build(site_source, out, base_url=base_url, use_cache=False)
    return out


@pytest.fixture(scope="session")
def origin(built_site, tmp_path_factory):
    """``built_site`` served under /somerepo/ as GitHub Pages serves it: (address, page paths)."""
    from .crawl import serve_under

    paths = sorted(
        p.relative_to(built_site).as_posix().removesuffix("index.html")
        for p in built_site.rglob("*.html")
    )
    with serve_under(built_site, tmp_path_factory.mktemp("browser"), SUB_PATH) as start:
        yield start, paths


def start_serve(site: Path, *args: str):
    """Run `build.py serve` on a port the system picks; return (process, port) once it is
    listening (the port is read from the line it prints)."""
    import re
    import subprocess
    import sys

    proc = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "build.py"),
            "--root",
            str(site),
            "serve",
            "--port",
            "0",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in proc.stdout:  # the test's timeout bounds this; serve prints as it starts
        lines.append(line)
        if match := re.search(r"Previewing at http://[^:]+:(\d+)/", line):
            return proc, int(match.group(1))
    proc.kill()
    pytest.fail("serve did not start:\n" + "".join(lines))


def require_root(why: str) -> None:
    """Tests that mount file systems or act as another user need root: CI runs as root, so
    there a missing root is a failure; elsewhere the test is skipped."""
    import os

    if os.geteuid() != 0:
        message = f"needs root: {why}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
