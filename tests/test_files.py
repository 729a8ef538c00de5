"""One policy for every input file: regular files, links only inside the project, special files
and unreadable ones named as errors, editor leftovers ignored; in build, check and serve alike."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen import files

from .conftest import REPO, make_site, require_root, tree_digest

FOLDERS = ["content/articles", "static", "templates"]
ARTICLE = "---\ntitle: T\nsummary: S\ntopics: [alpha]\npublished: 2026-01-01\n---\nBody.\n"


def plant(site: Path, folder: str, kind: str, outside: Path) -> str:
    """Put one hostile thing of ``kind`` into ``folder``; return its path from the root."""
    name = "bad.md" if folder.startswith("content") else "bad.css"
    rel = f"{folder}/{name}"
    path = site / rel
    if kind == "link to /etc/passwd":
        path.symlink_to("/etc/passwd")
    elif kind == "link to an outside folder":
        (outside / "private").mkdir(exist_ok=True)
        (outside / "private/secret.md").write_text(ARTICLE)
        rel = f"{folder}/linked"
        (site / rel).symlink_to(outside / "private")
    elif kind == "link to an outside file":
        (outside / "secret.md").write_text(ARTICLE)
        path.symlink_to(outside / "secret.md")
    elif kind == "dangling link":
        path.symlink_to(site / "no-such-file")
    elif kind == "link loop":
        rel = f"{folder}/loop"
        (site / rel).symlink_to(site / folder)
    elif kind == "link to itself":
        path.symlink_to(path)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        sock.close()
    elif kind == "device":
        require_root("makes a device file")
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # like /dev/zero
    return rel


KINDS = [
    "link to /etc/passwd",
    "link to an outside folder",
    "link to an outside file",
    "dangling link",
    "link loop",
    "link to itself",
    "fifo",
    "socket",
    "device",
]
MESSAGES = {
    "link to /etc/passwd": "symbolic link points outside the project",
    "link to an outside folder": "symbolic link points outside the project",
    "link to an outside file": "symbolic link points outside the project",
    "dangling link": "symbolic link points nowhere",
    "link loop": "symbolic link loop",
    "link to itself": "symbolic link points nowhere",
    "fifo": "is a named pipe (FIFO), not a file",
    "socket": "is a socket, not a file",
    "device": "is a device, not a file",
}


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("folder", FOLDERS)
def test_special_files_and_links_are_errors_naming_the_path(tmp_path, folder, kind, command):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    build = [sys.executable, str(REPO / "build.py"), "--root", str(site)]
    subprocess.run([*build, "build", "--out", str(out), "--no-search"], check=True, timeout=120)
    before = tree_digest(out)
    rel = plant(site, folder, kind, tmp_path)
    args = ["build", "--out", str(out), "--no-search"] if command == "build" else ["check"]
    result = subprocess.run([*build, *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stdout
    assert f"{rel}: {MESSAGES[kind]}" in result.stderr
    assert "hint:" in result.stderr
    assert "Traceback" not in result.stderr and "Up to date" not in result.stdout
    assert tree_digest(out) == before
    assert "root:" not in "".join(p.read_text(errors="replace") for p in out.rglob("*.html"))


def test_links_inside_the_project_are_followed_and_copied_as_files(tmp_path, run):
    site = make_site(tmp_path / "site")
    (site / "shared").mkdir()
    (site / "shared/extra.css").write_text("body{}")
    (site / "static/extra.css").symlink_to(site / "shared/extra.css")
    (site / "content/articles/alias.md").symlink_to(site / "content/articles/first-article.md")
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    copied = out / "static/extra.css"
    assert copied.read_text() == "body{}" and not copied.is_symlink()
    assert (out / "articles/alias/index.html").is_file()


LEFTOVERS = [
    "x.md~",
    "#x.md#",
    ".#x.md",
    ".x.md.swp",
    "x.md.swp",
    ".DS_Store",
    "Thumbs.db",
    ".hidden",
]


def test_editor_leftovers_are_ignored_everywhere(tmp_path, run):
    site = make_site(tmp_path / "site")
    for folder in [*FOLDERS, "content/faq", "content/pages", "content"]:
        for name in LEFTOVERS:
            (site / folder / name).write_text("leftover")
    out = tmp_path / "out"
    result = run(site, "build", "--out", str(out), "--no-search")
    assert result.code == 0, result.err
    published = {p.name for p in out.rglob("*")}
    assert not published & set(LEFTOVERS)


@pytest.mark.parametrize(
    ("rel", "message"),
    [
        ("content/notes.md", "content/notes.md: file outside the content folders"),
        ("content/images/photo.jpg", "content/images: unknown folder in content/"),
        ("content/articles/sub/x.md", "content/articles/sub: folders inside content/ are not"),
        (
            "content/articles/empty.md/",
            "content/articles/empty.md: is an empty folder named like a file",
        ),
        ("content/faq/notes.txt", "content/faq/notes.txt: not a Markdown file"),
    ],
)
def test_content_outside_the_known_folders_is_an_error_with_the_folders_named(
    tmp_path, run, rel, message
):
    site = make_site(tmp_path / "site")
    path = site / rel
    if rel.endswith("/"):
        path.mkdir()
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ARTICLE)
    result = run(site, "check")
    assert result.code == 1
    assert message in result.err
    if "content/notes.md" in rel or "images" in rel:
        assert "content/articles/, content/faq/, content/pages/" in result.err


def test_an_unreadable_file_is_an_error_not_a_traceback(tmp_path, run, monkeypatch):
    """Root reads every file, so the refusal is made at the one place files are read."""
    site = make_site(tmp_path / "site")
    real_read = files.read

    def read(path):
        if str(path).endswith("first-article.md"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path)

    monkeypatch.setattr(files, "read", read)
    for args in (["check"], ["build", "--out", str(tmp_path / "out"), "--no-search"]):
        result = run(site, *args)
        assert result.code == 1
        assert "content/articles/first-article.md: cannot be read: Permission denied" in result.err


def test_read_never_blocks_on_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        files.read(fifo)


def test_the_walk_of_a_missing_folder_is_empty(tmp_path):
    assert files.walk(tmp_path, "nothing") == files.Tree((), (), ())


def test_links_that_branch_without_looping_end_in_an_error_not_a_hang(tmp_path, run, monkeypatch):
    monkeypatch.setattr(files, "MAX_ENTRIES", 5_000)
    site = make_site(tmp_path / "site")
    dag = site / "dag"
    for i in range(25):
        (dag / f"d{i}").mkdir(parents=True)
    (dag / "d25").mkdir()
    (dag / "d25/leaf.css").write_text("x")
    for i in range(25):
        (dag / f"d{i}/a").symlink_to(dag / f"d{i + 1}")
        (dag / f"d{i}/b").symlink_to(dag / f"d{i + 1}")
    (site / "static/dag").symlink_to(dag / "d0")
    result = run(site, "check")
    assert result.code == 1
    assert "static: more than 5,000 files and folders" in result.err


@pytest.mark.parametrize("where", ["static/prev", "content/articles/prev", "templates/prev"])
def test_a_link_to_a_built_site_is_an_error(tmp_path, run, where):
    site = make_site(tmp_path / "site")
    out = site / "_site"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    (site / where).symlink_to(out)
    result = run(site, "build", "--out", str(out), "--no-search", "--force")
    assert result.code == 1
    assert f"{where}: is (or links to) a built site" in result.err


@pytest.mark.parametrize("rel", ["static/y.css", "templates/z.html", "static/sub/photo.jpg"])
def test_an_empty_folder_named_like_a_file_is_an_error(tmp_path, run, rel):
    site = make_site(tmp_path / "site")
    (site / rel).mkdir(parents=True)
    result = run(site, "check")
    assert result.code == 1 and f"{rel}: is an empty folder named like a file" in result.err


@pytest.mark.parametrize("top", ["content", "static", "templates"])
def test_a_file_where_an_input_folder_belongs_is_an_error(tmp_path, run, top):
    site = make_site(tmp_path / "site")
    import shutil

    shutil.rmtree(site / top)
    (site / top).write_text("not a folder")
    result = run(site, "check")
    assert result.code == 1 and f"{top}: is a file; it must be a folder" in result.err


@pytest.mark.parametrize("kind", ["link outside", "fifo", "folder", "dangling link"])
@pytest.mark.parametrize(
    "command", [["check"], ["build", "--force", "--no-search"], ["new", "article", "X"]]
)
def test_a_site_toml_that_is_not_a_file_of_the_project_is_named(tmp_path, kind, command):
    site = make_site(tmp_path / "site")
    toml = site / "site.toml"
    if kind == "link outside":
        toml.rename(tmp_path / "elsewhere.toml")
        toml.symlink_to(tmp_path / "elsewhere.toml")
    elif kind == "fifo":
        toml.unlink()
        os.mkfifo(toml)
    elif kind == "folder":
        toml.unlink()
        toml.mkdir()
    else:
        toml.unlink()
        toml.symlink_to(tmp_path / "nothing")
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--root", str(site), *command],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("site.toml: ")


def test_unreadable_inputs_are_named_by_check_and_build_as_an_ordinary_user(tmp_path):
    """As root every file is readable, so this runs the command as the user nobody."""
    import shutil
    import tempfile

    require_root("runs the commands as the user nobody")
    base = Path(tempfile.mkdtemp(prefix="sitegen-nobody-"))
    try:
        base.chmod(0o755)
        site = make_site(base / "site")
        subprocess.run(["chown", "-R", "65534:65534", str(base)], check=True)
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        command = [*nobody, sys.executable, str(REPO / "build.py"), "--root", str(site)]
        for rel in (
            "static/style.css",
            "templates/base.html",
            "content/articles/first-article.md",
            "site.toml",
        ):
            (site / rel).chmod(0)
            for args in (["check"], ["build", "--out", str(base / "out"), "--no-search"]):
                done = subprocess.run([*command, *args], capture_output=True, text=True, timeout=60)
                assert done.returncode == 1, (rel, args, done.stdout)
                assert f"{rel}: cannot be read: Permission denied" in done.stderr, done.stderr
                assert "Traceback" not in done.stderr
            (site / rel).chmod(0o644)
    finally:
        shutil.rmtree(base)
