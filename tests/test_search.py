"""The search step is checked after it runs: its exit code alone is not trusted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sitegen import pipeline, search
from sitegen.errors import BuildError

from .conftest import make_site


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Path:
    site = make_site(tmp_path_factory.mktemp("s") / "site")
    _, out = pipeline.build(site, site.parent / "out")
    return out


def damaged(indexed: Path, tmp_path: Path, damage) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(indexed, copy)
    damage(copy / "pagefind")
    return copy


DAMAGES = {
    "no index folder": lambda p: shutil.rmtree(p / "index"),
    "no fragments": lambda p: shutil.rmtree(p / "fragment"),
    "a fragment cut short": lambda p: next((p / "fragment").iterdir()).write_bytes(
        b"\x1f\x8b\x08\x00ab"
    ),
    "index chunks cut to 10 bytes": lambda p: [
        f.write_bytes(f.read_bytes()[:10]) for f in (p / "index").iterdir()
    ],
    "no pagefind.js": lambda p: (p / "pagefind.js").unlink(),
    "no wasm": lambda p: next(p.glob("wasm.en.pagefind")).unlink(),
    "empty entry": lambda p: (p / "pagefind-entry.json").write_text(""),
    "entry without languages": lambda p: (p / "pagefind-entry.json").write_text(
        '{"languages": {}}'
    ),
    "an empty script": lambda p: (p / "pagefind-worker.js").write_text(""),
    "no meta": lambda p: next(p.glob("*.pf_meta")).unlink(),
}


def test_a_whole_index_passes(indexed):
    search.verify(indexed / "pagefind")


@pytest.mark.parametrize("case", sorted(DAMAGES))
def test_a_damaged_index_fails_the_build(indexed, tmp_path, case):
    with pytest.raises(BuildError, match="the search index is incomplete"):
        search.verify(damaged(indexed, tmp_path, DAMAGES[case]) / "pagefind")


def test_each_faq_answer_is_a_record_and_nothing_is_left_behind(tmp_path):

    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    pipeline.build(site, out)
    names = {p.name for p in out.iterdir()}
    assert "search-records" not in names and not any(n.endswith("-new") for n in names)
    entry = json.loads((out / "pagefind/pagefind-entry.json").read_text())
    pages = sum(language["page_count"] for language in entry["languages"].values())
    # Two articles, two pages and the two FAQ answers (not the FAQ page, nor any listing).
    assert pages == 6
    search.index(
        out, [("extra.html", "<html><body><main data-pagefind-body>x</main></body></html>")]
    )
    search.index(out)  # again, in place: the new index replaces the old whole
    search.verify(out / "pagefind")
    assert (
        len(list((out / "pagefind/fragment").iterdir())) == 4
    )  # the records went with the rebuild


@pytest.mark.parametrize("name", ["search-records", ".pagefind-new", ".pagefind-old", "pagefind"])
def test_the_index_never_writes_or_removes_through_a_link_in_the_output(tmp_path, name):
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    pipeline.build(site, out, search_index=False)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "en").mkdir(parents=True)
    (elsewhere / "mine.txt").write_text("mine")
    (out / name).symlink_to(elsewhere, target_is_directory=True)
    search.index(
        out, [("en/extra.html", "<html><body><main data-pagefind-body>x</main></body></html>")]
    )
    assert sorted(p.relative_to(elsewhere).as_posix() for p in elsewhere.rglob("*")) == [
        "en",
        "mine.txt",
    ]
    assert (out / "pagefind/pagefind-entry.json").is_file() and not (out / name).is_symlink()
