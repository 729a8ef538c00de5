"""The up-to-date check and the document cache cannot go stale, and a damaged record or cache
is ignored: a new generator, a changed input or `--force` always builds for real."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen import cache, uptodate

from .conftest import REPO, make_site


def copy_of_the_generator(dest: Path) -> Path:
    """build.py and sitegen/ copied, as a user's checkout that `git pull` will change."""
    dest.mkdir()
    shutil.copy(REPO / "build.py", dest / "build.py")
    shutil.copytree(
        REPO / "sitegen", dest / "sitegen", ignore=shutil.ignore_patterns("__pycache__")
    )
    return dest


def test_a_change_to_the_generators_code_rebuilds_and_reparses(tmp_path):
    site = make_site(tmp_path / "site")
    generator = copy_of_the_generator(tmp_path / "generator")
    out = tmp_path / "out"
    command = [sys.executable, str(generator / "build.py"), "--root", str(site), "build"]
    command += ["--out", str(out), "--no-search"]

    def build() -> str:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert build().startswith("Built")
    assert build().startswith("Up to date")
    # The new code changes how every body is converted: a cached document would hide it.
    markup = generator / "sitegen/markup.py"
    text = markup.read_text()
    assert "def convert(" in text
    markup.write_text(
        text
        + "\n_convert = convert\n\n"
        + "def convert(*args, **kwargs):\n"
        + "    done = _convert(*args, **kwargs)\n"
        + "    return type(done)(**{**done.__dict__, 'html': done.html + '<p>NEW CODE</p>'})\n"
    )
    assert build().startswith("Built")
    assert "NEW CODE" in (out / "articles/first-article/index.html").read_text()


def test_force_uses_no_cache(tmp_path, run, monkeypatch):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    monkeypatch.setattr(cache.DocumentCache, "get", lambda self, key: pytest.fail("cache used"))
    assert run(site, "build", "--out", str(out), "--no-search", "--force").code == 0


JSON_VALUES = [
    "null",
    "[]",
    "3",
    '"text"',
    '{"x": null}',
    '{"%s": 5}',
    '{"%s": {"files": 1}}',
    "{",
    "\ufeff{}",
    "[" * 100_000,
]


@pytest.mark.parametrize("value", JSON_VALUES)
def test_a_damaged_up_to_date_record_is_no_record(tmp_path, run, value):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    record = site / cache.CACHE_DIR / uptodate.RECORD
    record.write_text(value.replace("%s", str(out.resolve())) if "%s" in value else value)
    result = run(site, "build", "--out", str(out), "--no-search")
    assert result.code == 0 and result.out.startswith("Built"), result.err


PICKLES = [None, [], {"format": 2}, {"format": 2, "entries": {"k": 5}}, {"x": object}, "text"]


@pytest.mark.parametrize("value", PICKLES)
def test_an_unexpected_pickle_is_an_empty_cache(tmp_path, run, value):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    path = site / cache.CACHE_DIR / cache.CACHE_FILE
    path.write_bytes(pickle.dumps(value))
    result = run(site, "build", "--out", str(out), "--no-search", "--force")
    assert result.code == 0, result.err


def test_a_cache_entry_that_is_not_a_document_is_parsed_again(tmp_path, run):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    path = site / cache.CACHE_DIR / cache.CACHE_FILE
    data = pickle.loads(path.read_bytes())
    data["entries"] = {key: "not a document" for key in data["entries"]}
    path.write_bytes(pickle.dumps(data))
    (site / "content/articles/first-article.md").touch()  # not up to date: the cache is read
    shutil.rmtree(out)
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    assert (out / "articles/first-article/index.html").is_file()


def test_the_record_is_valid_json(tmp_path, run):
    site = make_site(tmp_path / "site")
    assert run(site, "build", "--out", str(tmp_path / "out"), "--no-search").code == 0
    records = json.loads((site / cache.CACHE_DIR / uptodate.RECORD).read_text())
    assert list(records) == [str((tmp_path / "out").resolve())]


def test_an_empty_folder_that_appears_is_not_up_to_date(tmp_path, run):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    (site / "content/articles/x.md").mkdir()
    result = run(site, "build", "--out", str(out), "--no-search")
    assert (
        result.code == 1
        and "content/articles/x.md: is an empty folder named like a file" in result.err
    )


@pytest.mark.parametrize("name", [cache.CACHE_FILE, uptodate.RECORD])
@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero", "folder"])
def test_cache_files_that_are_not_files_are_ignored_without_a_hang(tmp_path, name, kind):
    import os

    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    command = [sys.executable, str(REPO / "build.py"), "--root", str(site)]
    subprocess.run([*command, "build", "--out", str(out), "--no-search"], check=True, timeout=60)
    path = site / cache.CACHE_DIR / name
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero")
    for args in (["build", "--out", str(out), "--no-search"], ["check"]):
        done = subprocess.run([*command, *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("payload", ["exit", "interrupt", "generator exit", "write a file"])
def test_a_crafted_cache_runs_no_code(tmp_path, payload):
    site = make_site(tmp_path / "site")
    marker = tmp_path / "PWNED"
    calls = {
        "exit": "import sys; sys.exit(0)",
        "interrupt": "raise KeyboardInterrupt",
        "generator exit": "raise GeneratorExit",
        "write a file": f"open({str(marker)!r}, 'w').write('x')",
    }
    evil = tmp_path / "evil.py"
    evil.write_text(
        "import pickle\n"
        "class Evil:\n"
        "    def __reduce__(self):\n"
        f"        return (exec, ({calls[payload]!r},))\n"
        f"data = pickle.dumps({{'format': 2, 'entries': {{'k': Evil()}}}})\n"
        f"open({str(site / cache.CACHE_DIR / cache.CACHE_FILE)!r}, 'wb').write(data)\n"
    )
    (site / cache.CACHE_DIR).mkdir()
    subprocess.run([sys.executable, str(evil)], check=True, timeout=60)
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "build.py"),
            "--root",
            str(site),
            "build",
            "--out",
            str(tmp_path / "out"),
            "--no-search",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.startswith("Built"), done.stderr
    assert not marker.exists()


def test_a_cache_folder_that_links_elsewhere_is_neither_read_nor_written(tmp_path, run):
    site = make_site(tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".gitignore").write_text("mine\n")
    (site / cache.CACHE_DIR).symlink_to(elsewhere)
    assert run(site, "build", "--out", str(tmp_path / "out"), "--no-search").code == 0
    assert sorted(p.name for p in elsewhere.iterdir()) == [".gitignore"]
    assert (elsewhere / ".gitignore").read_text() == "mine\n"
