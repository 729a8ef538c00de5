"""The output folder is the generator's alone; writes that fail are failed builds; one build at a
time per output folder."""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen import parallel, pipeline, render, signals, write

from .conftest import REPO, make_site, require_root, tree_digest

BUILD = [sys.executable, str(REPO / "build.py")]


def everything(folder: Path) -> dict[str, str]:
    """Every file below ``folder``, .git included, with its hash: to prove nothing changed."""
    return tree_digest(folder) if folder.is_dir() else {}


def git_repo(site: Path) -> None:
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    subprocess.run(["git", "-C", str(site), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(site), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
        check=True,
    )


# --- which folders a build may replace -------------------------------------------------------


REFUSED = {
    ".git": "refusing to write into a git repository's .git folder",
    ".git/objects": "refusing to write into a git repository's .git folder",
    ".git/new-folder": "refusing to write into a git repository's .git folder",
    ".": "refusing to replace the project folder",
    "..": "refusing to replace the project folder",
    "content": "refusing to write into the site's sources (content/)",
    "content/articles/new": "refusing to write into the site's sources (content/)",
    "templates": "refusing to write into the site's sources (templates/)",
    "static/sub": "refusing to write into the site's sources (static/)",
    "locales/zz": "refusing to write into the site's sources (locales/)",
    "docs": "refusing to replace a folder the generator did not create (it holds screenshots)",
    "some-folder": "refusing to replace a folder the generator did not create (it holds a.txt, b",
    "README.md": "refusing to replace a file with the site",
    "link-to-docs": "refusing to replace a folder the generator did not create",
    "has-git": "refusing to replace a folder that holds a git repository (",
    "has-nested-git": "refusing to replace a folder that holds a git repository (",
    ".sitegen-cache": "refusing to write into the generator's cache (.sitegen-cache/)",
    "no-such-parent/out": "does not exist",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    site = make_site(tmp_path / "site")
    (site / "docs/screenshots").mkdir(parents=True)
    (site / "docs/screenshots/home.png").write_bytes(b"\x89PNG")
    (site / "some-folder").mkdir()
    for name in ("a.txt", "b.txt", "c.txt", "d.txt", "e.txt"):
        (site / "some-folder" / name).write_text(name)
    (site / "README.md").write_text("# read me\n")
    (site / "link-to-docs").symlink_to(site / "docs")
    (site / "has-git").mkdir()
    (site / "has-git" / write.MARKER).write_text("")
    (site / "has-git/.git").mkdir()
    (site / "has-git/.git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    (site / "has-nested-git/deploy/.git").mkdir(parents=True)
    (site / "has-nested-git" / write.MARKER).write_text("")
    (site / "has-nested-git/deploy/notes.txt").write_text("mine")
    (site / ".sitegen-cache").mkdir()
    git_repo(site)
    return site


@pytest.mark.parametrize("where", ["--out", "site.toml"])
@pytest.mark.parametrize("target", sorted(REFUSED))
def test_a_folder_the_generator_did_not_make_is_never_touched(project, where, target):
    if where == "site.toml":
        toml = project / "site.toml"
        toml.write_text(toml.read_text().replace("[site]\n", f'[site]\noutput = "{target}"\n'))
    before = everything(project.parent)
    args = ["--out", str(project / target)] if where == "--out" else []
    result = subprocess.run(
        [*BUILD, "--root", str(project), "build", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout
    assert REFUSED[target] in result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.stderr
    assert everything(project.parent) == before
    assert not list((project / ".sitegen-cache").iterdir())  # refused before anything was written


def test_home_and_the_file_system_root_are_refused(tmp_path, run, monkeypatch):
    site = make_site(tmp_path / "site")
    monkeypatch.setenv("HOME", str(tmp_path))
    for target in ("/", str(tmp_path)):
        result = run(site, "build", "--out", target)
        assert result.code == 1 and "refusing to replace the project folder" in result.err


def test_serve_refuses_an_output_it_does_not_own(tmp_path, run):
    site = make_site(tmp_path / "site")
    (site / "_site").mkdir()
    (site / "_site/notes.txt").write_text("mine")
    result = run(site, "serve", "--port", "0")
    assert result.code == 1
    assert "_site: refusing to replace a folder the generator did not create" in result.err
    assert (site / "_site/notes.txt").read_text() == "mine"


@pytest.mark.parametrize("state", ["missing", "empty", "marked"])
def test_a_missing_empty_or_marked_folder_is_replaced(tmp_path, run, state):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    if state in ("empty", "marked"):
        out.mkdir()
    if state == "marked":
        (out / write.MARKER).write_text("")
        (out / "old-page.html").write_text("from an earlier build")
    result = run(site, "build", "--out", str(out), "--no-search")
    assert result.code == 0, result.err
    assert (out / write.MARKER).read_text() == write.MARKER_TEXT
    assert not (out / "old-page.html").exists()
    assert (out / "index.html").is_file()
    # A second build replaces its own output.
    assert run(site, "build", "--out", str(out), "--no-search", "--force").code == 0


def test_a_folder_removed_while_the_output_is_checked_is_no_reason_to_refuse(tmp_path, monkeypatch):
    # The preview's search index writes _site/search-records and removes it again; a full
    # rebuild checking the output meanwhile once failed on it ("could not write the site").
    out = tmp_path / "_site"
    (out / "search-records" / "faq").mkdir(parents=True)
    (out / write.MARKER).write_text("")
    real_walk = os.walk

    def walk(top, *args, **kwargs):  # the folder goes between being listed and being looked at
        for folder, dirs, names in real_walk(top, *args, **kwargs):
            if Path(folder).name == "search-records":
                shutil.rmtree(out / "search-records", ignore_errors=True)
            yield folder, dirs, names

    monkeypatch.setattr(write.os, "walk", walk)
    write.check_owned(out)  # no error
    assert not (out / "search-records").exists()


@pytest.mark.parametrize("links", [True, False])
def test_carry_copies_a_folder_of_the_old_output_without_its_links(tmp_path, monkeypatch, links):
    old, new = tmp_path / "old/pagefind", tmp_path / "new/pagefind"
    (old / "fragment").mkdir(parents=True)
    (old / "pagefind-entry.json").write_text("{}")
    (old / "fragment/a.pf_fragment").write_bytes(b"data")
    (tmp_path / "elsewhere").mkdir()
    (old / "a-link").symlink_to(tmp_path / "elsewhere")
    (old / "fragment/file-link").symlink_to(old / "pagefind-entry.json")
    if not links:  # a file system without hard links: copies instead

        def no_links(*args, **kwargs):
            raise OSError(errno.EPERM, "no hard links here")

        monkeypatch.setattr(write.os, "link", no_links)
    write.carry(old, new)
    found = {p.relative_to(new).as_posix(): p.read_text() for p in new.rglob("*") if p.is_file()}
    assert found == {"pagefind-entry.json": "{}", "fragment/a.pf_fragment": "data"}
    assert not (new / "a-link").exists() and not (new / "fragment/file-link").exists()
    shared = (
        os.stat(old / "pagefind-entry.json").st_ino == os.stat(new / "pagefind-entry.json").st_ino
    )
    assert shared == links
    write.carry(tmp_path / "missing", tmp_path / "nothing")
    assert not (tmp_path / "nothing").exists()


@pytest.mark.parametrize("intrusion", ["a file in it", "a file instead", "a link instead"])
def test_something_put_there_during_a_build_stops_the_swap(tmp_path, monkeypatch, intrusion):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    out.mkdir()
    real_copy = write.copy_static

    def copy_then_intrude(tree, folder):
        real_copy(tree, folder)
        if intrusion == "a file in it":
            (out / "photo.jpg").write_bytes(b"someone else's")
        elif intrusion == "a file instead":
            out.rmdir()
            out.write_bytes(b"someone else's")
        else:
            out.rmdir()
            out.symlink_to(site / "content")

    monkeypatch.setattr(write, "copy_static", copy_then_intrude)
    with pytest.raises(pipeline.BuildError, match="refusing to replace"):
        pipeline.build(site, out, search_index=False)
    if intrusion == "a file in it":
        assert sorted(p.name for p in out.iterdir()) == ["photo.jpg"]
    elif intrusion == "a file instead":
        assert out.read_bytes() == b"someone else's"
    else:
        assert out.is_symlink() and (site / "content/articles").is_dir()
    assert not list(tmp_path.glob(".sitegen-tmp-*"))


# --- writes that fail --------------------------------------------------------------------------


def built(site: Path, out: Path) -> dict[str, str]:
    pipeline.build(site, out, search_index=False, use_cache=False)
    return tree_digest(out)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EROFS, errno.EIO])
@pytest.mark.parametrize("after", [0, 3, 12])
def test_a_failed_write_fails_the_build_and_keeps_the_previous_site(
    tmp_path, run, monkeypatch, code, after
):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    before = built(site, out)
    real_put = write.put
    calls = []

    def failing_put(folder, rel, data):
        calls.append(rel)
        if len(calls) > after:
            raise OSError(code, os.strerror(code), os.path.join(folder, rel))
        real_put(folder, rel, data)

    monkeypatch.setattr(write, "put", failing_put)
    result = run(site, "build", "--out", str(out), "--no-search", "--force")
    assert result.code == 1
    assert f"could not write the site: {os.strerror(code)}" in result.err
    assert str(out) in result.err and ".sitegen-tmp" not in result.err
    assert "Traceback" not in result.err
    assert tree_digest(out) == before
    assert not list(tmp_path.glob(".sitegen-tmp-*"))


def test_a_failed_swap_puts_the_previous_site_back(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    before = built(site, out)
    real_rename = os.rename
    failures = []

    def failing_rename(a, b):  # the new site's move into place fails, once
        if str(b) == str(out) and ".sitegen-tmp" in str(a) and not failures:
            failures.append(a)
            raise OSError(errno.EIO, "Input/output error", str(b))
        real_rename(a, b)

    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises(pipeline.BuildError, match="Input/output error"):
        pipeline.build(site, out, search_index=False, use_cache=False)
    assert tree_digest(out) == before
    assert not list(tmp_path.glob(".sitegen-tmp-*"))


def test_the_swap_replaces_the_site(tmp_path):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    built(site, out)
    (site / "content/articles/first-article.md").write_text(
        (site / "content/articles/first-article.md").read_text() + "\nA new line.\n"
    )
    pipeline.build(site, out, search_index=False, use_cache=False)
    assert "A new line." in (out / "articles/first-article/index.html").read_text()
    assert not list(tmp_path.glob(".sitegen-tmp-*"))


@contextlib.contextmanager
def small_disk(path: Path, size: str, read_only: bool = False):
    """A tmpfs of ``size`` mounted at ``path`` (root on Linux; CI runs as root)."""
    require_root("mounts a small tmpfs")
    path.mkdir()
    options = f"size={size}" + (",ro" if read_only else "")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True
    )
    if done.returncode != 0:
        message = "cannot mount a tmpfs here: " + done.stderr.decode().strip()
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_full_disk_at_any_point_is_a_clear_error_and_the_site_survives(tmp_path):
    """On a real small disk, fill it to every level between "the new site does not start" and
    "it fits": each build ends in success or in exit 1 naming the disk, never a traceback, and
    a failed one leaves the previous site byte-identical and no temporary folder."""
    site = make_site(tmp_path / "site")
    with small_disk(tmp_path / "disk", "8m") as disk:
        out = disk / "out"
        first = subprocess.run(
            [*BUILD, "--root", str(site), "build", "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert first.returncode == 0, first.stderr
        before = tree_digest(out)
        used = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        outcomes = set()
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        for keep in range(0, used + 200_000, max(used // 12, 4096)):
            filler = disk / "filler"
            filler.write_bytes(b"\0" * max(free - keep - 4096, 0))
            result = subprocess.run(
                [*BUILD, "--root", str(site), "build", "--out", str(out), "--force"],
                capture_output=True,
                text=True,
                timeout=120,
            )
            filler.unlink()
            assert "Traceback" not in result.stderr
            assert result.returncode in (0, 1), result.stderr
            if result.returncode == 1:
                assert (
                    "could not write the site" in result.stderr
                    or ("search index is incomplete" in result.stderr)
                    or "search indexing failed" in result.stderr
                ), result.stderr
                assert tree_digest(out) == before
            else:
                assert (out / "pagefind/pagefind-entry.json").stat().st_size > 0
                before = tree_digest(out)
            assert [p.name for p in disk.iterdir()] == ["out"]
            outcomes.add(result.returncode)
        assert outcomes == {0, 1}


def test_a_read_only_disk_is_a_clear_error(tmp_path, run):
    site = make_site(tmp_path / "site")
    with small_disk(tmp_path / "disk", "1m", read_only=True) as disk:
        result = run(site, "build", "--out", str(disk / "out"), "--no-search")
    assert result.code == 1
    assert "could not write the site: Read-only file system" in result.err


@pytest.mark.parametrize(
    ("under", "message"),
    [
        ("a-file/sub/out", "does not exist"),
        ("a-file/out", "does not exist"),
        ("missing/out", "does not exist"),
        ("/proc/sub/out", "does not exist"),
        ("/proc/out", "could not write the site"),
        ("/sys/out", "could not write the site"),
    ],
)
def test_an_output_under_a_file_or_a_system_folder_is_a_clear_error(tmp_path, run, under, message):
    site = make_site(tmp_path / "site")
    (tmp_path / "a-file").write_text("x")
    target = under if under.startswith("/") else str(tmp_path / under)
    result = run(site, "build", "--out", target, "--no-search")
    assert result.code == 1
    assert message in result.err and "Traceback" not in result.err
    assert (tmp_path / "a-file").read_text() == "x"
    assert not (tmp_path / "missing").exists()


# --- one build at a time -----------------------------------------------------------------------


def test_a_second_build_is_told_who_holds_the_folder(tmp_path):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    before = built(site, out)
    with write.locked(out):
        result = subprocess.run(
            [*BUILD, "--root", str(site), "build", "--out", str(out), "--force"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert list(tmp_path.glob(".sitegen-tmp-out.lock"))  # ours, still there
    assert result.returncode == 1
    assert f"another build is writing this folder (pid {os.getpid()})" in result.stderr
    assert tree_digest(out) == before
    assert not list(tmp_path.glob(".sitegen-tmp-*"))  # the lock file goes with its holder


def test_builds_racing_into_one_folder_never_break_each_other(tmp_path):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    command = [*BUILD, "--root", str(site), "build", "--out", str(out), "--force"]
    for _ in range(4):
        procs = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)
        ]
        results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
        for p in procs:
            p.stdout.close()
            p.stderr.close()
        assert any(code == 0 for code, _ in results)
        for code, err in results:
            assert "Traceback" not in err
            assert code == 0 or "another build is writing this folder" in err, err
        assert (out / "index.html").is_file() and (out / write.MARKER).is_file()
        assert not list(tmp_path.glob(".sitegen-tmp-*"))


@pytest.mark.parametrize("up_to_date", [False, True])
def test_the_next_build_removes_what_a_killed_one_left(tmp_path, run, up_to_date):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    for stale in (".sitegen-tmp-out~abc12345", ".sitegen-tmp-out~abc12345.old"):
        (tmp_path / stale / "articles").mkdir(parents=True)
    (tmp_path / ".sitegen-tmp-out.lock").write_text("999999\n")  # its holder died
    others = [
        ".sitegen-tmp-out-2~abc12345",
        ".sitegen-tmp-out~x~abc12345",
        ".sitegen-tmp-other~abc12345",
    ]
    for other in others:  # other outputs' (out-2, "out~x"): not ours to remove
        (tmp_path / other).mkdir()
    # nothing changed since the first build: one that finds it up to date cleans up too
    again = run(
        site, "build", "--out", str(out), "--no-search", *([] if up_to_date else ["--force"])
    )
    assert again.code == 0 and ("Up to date" in again.out) == up_to_date
    assert sorted(p.name for p in tmp_path.glob(".sitegen-tmp-*")) == sorted(others)
    for other in others:
        shutil.rmtree(tmp_path / other)


@pytest.mark.parametrize("next_build_fails", [False, True])
def test_a_build_killed_between_the_renames_of_its_swap_loses_no_site(
    tmp_path, run, next_build_fails
):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    previous = built(site, out)
    # The state kill -9 leaves after the swap's first rename: no output; the new site in the
    # staging folder and the previous one beside it as ".old".
    shutil.copytree(out, tmp_path / ".sitegen-tmp-out~abcd1234")
    os.rename(out, tmp_path / ".sitegen-tmp-out~abcd1234.old")
    if next_build_fails:
        bad = site / "content/articles/first-article.md"
        bad.write_text("---\ntitle: [unclosed\n---\nText.\n")
        result = run(site, "build", "--out", str(out), "--no-search")
        assert result.code == 1 and "Traceback" not in result.err
        assert tree_digest(out) == previous  # the previous site is back, as it was
    else:
        assert run(site, "build", "--out", str(out), "--no-search").code == 0
        assert (out / "index.html").is_file()
    assert not list(tmp_path.glob(".sitegen-tmp-out~*"))


def test_builds_into_folders_that_share_a_prefix_leave_each_other_alone(tmp_path):
    site = make_site(tmp_path / "site")
    procs = [
        subprocess.Popen(
            [*BUILD, "--root", str(site), "build", "--out", str(tmp_path / name), "--force"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("_site-2", "_site", "_site-2-b", "_site~x")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    listings = {
        name: sorted(p.relative_to(tmp_path / name) for p in (tmp_path / name).rglob("*"))
        for name in ("_site-2", "_site", "_site-2-b", "_site~x")
    }
    assert len(listings["_site"]) > 30
    assert all(listing == listings["_site"] for listing in listings.values())


def test_a_completely_full_disk_is_a_clear_error(tmp_path):
    site = make_site(tmp_path / "site")
    with small_disk(tmp_path / "disk", "2m") as disk:
        subprocess.run(["fallocate", "-l", "100m", str(disk / "filler")], capture_output=True)
        fd = os.open(disk / "filler2", os.O_WRONLY | os.O_CREAT)  # whatever fallocate left
        with contextlib.suppress(OSError):
            while os.write(fd, b"\0" * 512):
                pass
        os.close(fd)
        result = subprocess.run(
            [*BUILD, "--root", str(site), "build", "--out", str(disk / "out")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert "No space left on device" in result.stderr
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "filler2"]


def test_an_output_holding_a_mount_point_is_refused(tmp_path):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    built(site, out)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/photo.jpg").write_bytes(b"mine")
    (out / "media").mkdir()
    require_root("bind-mounts a folder")
    done = subprocess.run(
        ["mount", "--bind", str(tmp_path / "outside"), str(out / "media")], capture_output=True
    )
    if done.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(done.stderr.decode())
        pytest.skip("cannot bind-mount here")
    try:
        result = subprocess.run(
            [*BUILD, "--root", str(site), "build", "--out", str(out), "--force"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        subprocess.run(["umount", str(out / "media")], check=False)
    assert result.returncode == 1 and "holds a mount point" in result.stderr
    assert (tmp_path / "outside/photo.jpg").read_bytes() == b"mine"


AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def as_nobody(*args: str) -> subprocess.CompletedProcess:
    require_root("runs the build as the user nobody")
    return subprocess.run([*AS_NOBODY, *BUILD, *args], capture_output=True, text=True, timeout=120)


def test_a_read_only_previous_site_is_refused_before_building(tmp_path):
    """Run as an ordinary user (root may write anywhere): a site whose folders cannot be
    deleted is refused up front, rather than swapped out and left behind."""
    import tempfile

    require_root("runs the build as the user nobody")
    base = Path(tempfile.mkdtemp(prefix="sitegen-nobody-"))  # pytest's own folders are private
    try:
        base.chmod(0o755)
        site = make_site(base / "site")
        (base / "work").mkdir()
        subprocess.run(["chown", "-R", "65534:65534", str(site), str(base / "work")], check=True)
        out = base / "work/out"
        first = as_nobody("--root", str(site), "build", "--out", str(out), "--no-search")
        assert first.returncode == 0, first.stderr
        before = tree_digest(out)
        (out / "articles").chmod(0o555)
        result = as_nobody(
            "--root", str(site), "build", "--out", str(out), "--no-search", "--force"
        )
        assert result.returncode == 1 and "is read-only" in result.stderr, result.stderr
        assert tree_digest(out) == before
        assert sorted(p.name for p in (base / "work").iterdir()) == ["out"]
    finally:
        shutil.rmtree(base)


def test_a_lock_file_planted_as_a_link_is_never_written_through(tmp_path, run):
    site = make_site(tmp_path / "site")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / ".sitegen-tmp-out.lock").symlink_to(victim)
    result = run(site, "build", "--out", str(tmp_path / "out"), "--no-search")
    assert result.code == 1 and "Traceback" not in result.err
    assert victim.read_text() == "precious"


# --- interruption ------------------------------------------------------------------------------


def big_site(tmp_path: Path, n: int = 150) -> Path:
    body = "\n\n".join(
        f"## Part {i}\n\nSome words about part {i}, said plainly." for i in range(30)
    )
    files = {
        f"content/articles/filler-{i}.md": f"---\ntitle: Filler {i}\nsummary: S.\ntopics: [beta]\n"
        "published: 2026-01-01\n---\n" + body
        for i in range(n)
    }
    return make_site(tmp_path / "site", files=files)


def wait_until_started(proc: subprocess.Popen) -> None:
    """Wait until the build program runs: build.py catches SIGTERM from its first lines, which
    shows in the process's caught-signals mask. Before that the interpreter is still starting
    (site-packages, .pth files), and what a signal does there is Python's, not the program's."""
    bit = 1 << (signal.SIGTERM - 1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        status = Path(f"/proc/{proc.pid}/status").read_text()
        if int(re.search(r"^SigCgt:\s*([0-9a-f]+)", status, re.M).group(1), 16) & bit:
            return
        time.sleep(0.001)
    raise AssertionError("the build never started handling signals")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_killed_build_leaves_the_previous_site_and_no_temporary_folders(tmp_path, sig):
    site = big_site(tmp_path)
    out = tmp_path / "out"
    cmd = [sys.executable, str(REPO / "build.py"), "--root", str(site), "build", "--out", str(out)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    article = site / "content/articles/filler-0.md"
    original = article.read_text()
    started = time.perf_counter()
    article.write_text(original.replace("Filler 0", "Changed timing"))
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    duration = time.perf_counter() - started
    rng = random.Random(int(sig))
    untouched = 0
    for k in range(8):
        before = tree_digest(out)
        article.write_text(original.replace("Filler 0", f"Changed {k}"))
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_until_started(proc)
        time.sleep(rng.uniform(0, duration * 0.9))
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".sitegen-tmp")] == []
        if tree_digest(out) == before:
            untouched += 1
        else:  # the signal came after the swap: then the new site is there, whole
            assert f"Changed {k}" in (out / "articles/filler-0/index.html").read_text()
            assert (out / "pagefind/pagefind.js").is_file()
    assert untouched >= 1  # at least one signal landed mid-build


@pytest.mark.parametrize("workers", [False, True], ids=["one-process", "workers"])
def test_an_interrupt_held_back_by_any_guarded_step_leaves_nothing_behind(tmp_path, workers):
    """A signal that arrives while a step holds interrupts back is raised the moment the step
    ends. Raise one at the end of each such step of a build in turn: every time, the previous
    site stays whole and no lock, temporary folder, temporary file or worker process is left.
    With workers, the steps that start and stop them are tried too, in a process of its own:
    builds fork only while no other thread runs, and this one has the test session's."""
    site = big_site(tmp_path) if workers else make_site(tmp_path / "site")
    if not workers:
        assert interrupt_every_guarded_step(site, tmp_path) >= 2
        return
    script = (
        "import sys; from tests.test_write import interrupt_every_guarded_step as f; "
        f"sys.exit(0 if f({str(site)!r}, {str(tmp_path)!r}, workers=True) >= 5 else 1)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr[-3000:]


def interrupt_every_guarded_step(site: Path | str, tmp: Path | str, workers: bool = False) -> int:
    """The test above, for a site and its temporary folder: how many steps were interrupted
    before the new site was swapped in."""
    from sitegen.cli import main

    site, tmp = Path(site), Path(tmp)
    assert parallel.can_fork() or not workers  # else no worker would start
    out = tmp / "out"
    build = ["--root", str(site), "build", "--out", str(out)]
    assert main(build) == 0
    before = tree_digest(out)
    page = site / "content/articles/first-article.md"
    page.write_text(page.read_text() + "\nOne more line.\n")
    real = signals.deferred
    steps = 0
    try:
        for n in range(1, 100):
            ends = 0

            @contextlib.contextmanager
            def deferred(n: int = n) -> Iterator[None]:
                nonlocal ends
                with real():
                    yield
                ends += 1
                if ends == n:
                    raise KeyboardInterrupt

            signals.deferred = deferred
            code = main(build)
            left = [p.name for p in tmp.rglob("*") if p.name.startswith((".sitegen-tmp", ".tmp-"))]
            assert left == []
            assert write._held == {}
            assert multiprocessing.active_children() == []
            if ends < n:  # the build had fewer guarded steps than n: it ran to the end
                assert code == 0
                break
            assert code != 0 or tree_digest(out) != before
            if tree_digest(out) != before:  # interrupted after the swap: the new site, whole
                assert (out / "pagefind/pagefind.js").is_file()
                break
            steps += 1
    finally:
        signals.deferred = real
    return steps


class _SwallowedInterrupt:
    """Deleting one raises KeyboardInterrupt where Python can only report it, as a signal that
    lands in one of Python's own callbacks (the end of an import, a weak reference) is."""

    def __del__(self) -> None:
        raise KeyboardInterrupt


@pytest.mark.parametrize("stage", ["parse", "render"])
def test_an_interrupt_python_swallows_still_stops_the_build_before_the_swap(
    tmp_path, run, monkeypatch, stage
):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out)).code == 0
    before = tree_digest(out)
    page = site / "content/articles/first-article.md"
    page.write_text(page.read_text() + "\nOne more line.\n")
    module, name = {"parse": (pipeline.content, "load_all"), "render": (render, "write_pages")}[
        stage
    ]
    real = getattr(module, name)

    def interrupted(*args, **kwargs):
        _SwallowedInterrupt()  # made and dropped at once: its __del__ raises
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, interrupted)
    result = run(site, "build", "--out", str(out))
    assert result.code == 130 and "Traceback" not in result.err, result.err
    assert "Interrupted; no half-built site was left behind." in result.err
    assert tree_digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".sitegen-tmp")] == []
    monkeypatch.undo()
    assert run(site, "build", "--out", str(out)).code == 0  # nothing kept for the next build


def test_workers_of_a_build_killed_with_sigkill_end_quietly(tmp_path):
    """kill -9 gives the build no chance to stop its workers: they finish their chunk, find
    their parent gone and end without a word (no broken-pipe traceback in the terminal), and the
    next build cleans up and succeeds."""
    site = big_site(tmp_path)
    out = tmp_path / "out"
    cmd = [sys.executable, str(REPO / "build.py"), "--root", str(site), "build", "--out", str(out)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    before = tree_digest(out)
    (site / "content/articles/filler-0.md").write_text(
        (site / "content/articles/filler-0.md").read_text() + "\nChanged.\n"
    )
    for delay in (0.0, 0.02, 0.05, 0.1):  # after the workers start: mid-chunk, most likely
        proc = subprocess.Popen(
            [*cmd, "--no-search"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        deadline = time.monotonic() + 60
        while proc.poll() is None and not children.read_text().split():  # until workers run
            assert time.monotonic() < deadline, "the build never started its workers"
            time.sleep(0.002)
        time.sleep(delay)
        proc.kill()
        _, err = proc.communicate(timeout=60)  # once every worker has let go of the pipe
        assert "Traceback" not in err and "Error" not in err, err
    assert tree_digest(out) == before or (out / "articles/filler-0/index.html").is_file()
    assert subprocess.run(cmd, capture_output=True, timeout=120).returncode == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".sitegen-tmp")] == []


def test_two_signals_at_once_leave_no_worker_and_no_staging_folder(tmp_path):
    """Ctrl-C and a stop arriving together (or Ctrl-C twice): the second must not cut the first
    one's cleanup short, which would leave workers writing into a staging folder."""
    site = big_site(tmp_path)
    out = tmp_path / "out"
    cmd = [sys.executable, str(REPO / "build.py"), "--root", str(site), "build", "--out", str(out)]
    cmd += ["--no-search"]
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    duration = time.perf_counter() - started
    article = site / "content/articles/filler-0.md"
    original = article.read_text()
    for k in range(10):
        article.write_text(original.replace("Filler 0", f"Changed {k}"))
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        wait_until_started(proc)
        time.sleep(duration * k / 10)
        proc.send_signal(signal.SIGINT)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err and "Exception ignored" not in err, err
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".sitegen-tmp")] == []
        left = subprocess.run(["ps", "-o", "pid=", "-g", str(proc.pid)], capture_output=True)
        assert left.stdout.split() == [], "a worker outlived the build"


def test_a_pinned_output_keeps_naming_its_own_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with write.pinned(out) as held:
        assert held is None  # not a folder the generator made
    (out / write.MARKER).write_text(write.MARKER_TEXT)
    with write.pinned(out) as held:
        assert held is not None and write.held_fds(held)
        os.rename(out, tmp_path / "aside")
        out.mkdir()  # someone else's folder in its place
        (held / "page.html").write_text("ours")
    assert (tmp_path / "aside/page.html").read_text() == "ours"
    assert list(out.iterdir()) == []
    with write.pinned(tmp_path / "missing") as held:
        assert held is None
    assert write.held_fds(out) == ()
