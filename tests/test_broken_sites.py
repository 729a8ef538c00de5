"""Every broken fixture site: exit 1, the file, the line, the message, no traceback, and the
previously built site left byte for byte as it was."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from .conftest import FIXTURES, REPO, make_site, tree_digest

CASES = sorted(p.name for p in (FIXTURES / "broken").iterdir() if p.is_dir())


def apply_case(site: Path, case: Path) -> dict:
    expect = tomllib.loads((case / "expect.toml").read_text())
    files = case / "files"
    if files.is_dir():
        for source in files.rglob("*"):
            if source.is_file():
                target = site / source.relative_to(files)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read_bytes())
    for rel in expect.get("delete", []):
        (site / rel).unlink()
    for rel, change in expect.get("replace", {}).items():
        text = (site / rel).read_text()
        assert change["old"] in text, f"{case.name}: fixture no longer matches {rel}"
        (site / rel).write_text(text.replace(change["old"], change["new"], 1))
    return expect


@pytest.mark.parametrize("case", CASES)
def test_broken_site_fails_clearly_and_keeps_previous_output(case, tmp_path, run):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    before = tree_digest(out)

    expect = apply_case(site, FIXTURES / "broken" / case)
    result = run(site, "build", "--out", str(out), "--no-search")

    assert result.code == 1
    where = f"{expect['path']}:{expect['line']}: " if "line" in expect else f"{expect['path']}: "
    assert any(
        line.startswith(where) and expect["message"] in line for line in result.err.splitlines()
    ), result.err
    if "hint" in expect:
        assert expect["hint"] in result.err
    assert "Traceback" not in result.err
    assert tree_digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".sitegen-tmp")] == []


def test_check_reports_the_same_error_and_writes_nothing(tmp_path, run):
    site = make_site(tmp_path / "site")
    apply_case(site, FIXTURES / "broken" / "unknown-key")
    result = run(site, "check")
    assert result.code == 1
    assert "content/articles/case.md:2: unknown key 'titel'" in result.err
    assert not (site / "_site").exists()


def test_errors_in_several_files_are_all_reported(tmp_path, run):
    site = make_site(tmp_path / "site")
    for case in ("unknown-key", "broken-link", "unknown-topic"):
        expect = apply_case(site, FIXTURES / "broken" / case)
        (site / expect["path"]).rename(site / expect["path"].replace("case", case))
    result = run(site, "build", "--out", str(tmp_path / "out"))
    assert result.code == 1
    for case in ("unknown-key", "broken-link", "unknown-topic"):
        assert f"content/articles/{case}.md:" in result.err
    assert "3 problems found" in result.err  # a misspelt key is one problem, not two


def test_a_real_process_prints_no_traceback(tmp_path):
    site = make_site(tmp_path / "site")
    apply_case(site, FIXTURES / "broken" / "yaml-alias-bomb")
    proc = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--root", str(site), "build"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "content/articles/case.md:7: invalid YAML" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_oversized_file_gets_a_clear_limit(tmp_path, run):
    site = make_site(tmp_path / "site")
    body = ("A sentence that repeats. " * 40 + "\n\n") * 2200
    (site / "content/articles/huge.md").write_text(
        "---\ntitle: Huge\nsummary: S\ntopics: [alpha]\npublished: 2026-01-01\n---\n" + body
    )
    result = run(site, "build", "--out", str(tmp_path / "out"))
    assert result.code == 1
    assert "content/articles/huge.md: file is 2,152 KB; the limit is 256 KB" in result.err


def test_symlink_out_of_the_project_is_refused(tmp_path, run):
    outside = tmp_path / "secret.md"
    outside.write_text(
        "---\ntitle: S\nsummary: S\ntopics: [alpha]\npublished: 2026-01-01\n---\nx\n"
    )
    site = make_site(tmp_path / "site")
    (site / "content/articles/linked.md").symlink_to(outside)
    result = run(site, "build", "--out", str(tmp_path / "out"))
    assert result.code == 1
    assert "content/articles/linked.md: symbolic link points outside the project" in result.err


def test_bom_and_crlf_simply_work(tmp_path, run):
    site = make_site(tmp_path / "site")
    text = "---\r\ntitle: Windows\r\nsummary: Saved on Windows.\r\ntopics: [alpha]\r\npublished: 2026-01-01\r\n---\r\nHello.\r\n"
    (site / "content/articles/windows.md").write_bytes(b"\xef\xbb\xbf" + text.encode())
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out)).code == 0
    page = (out / "articles/windows/index.html").read_text()
    assert "<h1>Windows</h1>" in page and "<p>Hello.</p>" in page


def test_an_empty_body_is_an_error(tmp_path, run):
    site = make_site(tmp_path / "site")
    (site / "content/articles/empty.md").write_text(
        "---\ntitle: Empty\nsummary: Nothing yet.\ntopics: [alpha]\npublished: 2026-01-01\n---\n\n  \n"
    )
    result = run(site, "build", "--out", str(tmp_path / "out"))
    assert result.code == 1
    assert "content/articles/empty.md:7: no text below the front matter" in result.err
