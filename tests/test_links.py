"""Internal links: .md paths and site paths become page URLs under the base path; every
target and #anchor is checked."""

from __future__ import annotations

from sitegen import content, files, links, model
from sitegen.config import load_config

from .conftest import make_site


def site_of(root):
    config = load_config(root)
    docs, errors, failed = content.load_all(config)
    assert errors == []
    return model.build_editions(config, docs)[0], files.walk(root, "static")


def test_md_links_become_page_urls_under_the_base_path(tmp_path):
    site, static = site_of(make_site(tmp_path / "site"))
    html, anchors, errors = links.resolve_all((site,), site.documents, static)
    assert errors == []
    first = html["content/articles/first-article.md"]
    base = site.config.base_path
    assert f'href="{base}articles/second-article/"' in first
    assert f'href="{base}faq/#question-one"' in first
    assert f'href="{base}topics/alpha/"' in first
    assert ".md" not in first.replace("example.com", "")
    pending = {(a.page, a.anchor) for a in anchors["content/articles/first-article.md"]}
    assert ("articles/second-article/", "details") in pending


def test_targets_are_the_content_files_a_document_links_to(tmp_path):
    site, _ = site_of(make_site(tmp_path / "site"))
    first = site.by_path["content/articles/first-article.md"]
    assert links.targets(first) == {
        "content/articles/second-article.md",
        "content/faq/question-one.md",
        "content/pages/get-help.md",
    }


def link_errors(tmp_path, body):
    """The link problems of the fixture site with an About page whose text is ``body``."""
    root = make_site(
        tmp_path / "site",
        files={"content/pages/about.md": f"---\ntitle: About\nsummary: S.\n---\n{body}\n"},
    )
    site, static = site_of(root)
    return links.resolve_all((site,), site.documents, static)[2]


def test_a_missing_file_gets_a_did_you_mean(tmp_path):
    errors = link_errors(tmp_path, "See [it](../articles/second-artcle.md).")
    assert [str(e).split("\n")[0] for e in errors] == [
        "content/pages/about.md:5: link to '../articles/second-artcle.md': no such file "
        "(content/articles/second-artcle.md)"
    ]
    assert "did you mean 'second-article.md'?" in str(errors[0])


def test_anchors_are_checked_against_the_rendered_ids():
    check = links.AnchorCheck("faq/", "nope", "content/pages/about.md", 3)
    assert links.check_anchors([check], {"faq/": frozenset({"yes"})})[0].message == (
        "no anchor #nope on /faq/"
    )
    assert links.check_anchors([check], {"faq/": frozenset({"nope"})}) == []


def test_a_missing_site_path_gets_a_did_you_mean(tmp_path):
    errors = link_errors(
        tmp_path, "See [it](/articles/second-artcle/) and [that](/nowhere/at/all/)."
    )
    assert [e.message for e in errors] == [
        "link to /articles/second-artcle/: no such page",
        "link to /nowhere/at/all/: no such page",
    ]
    assert errors[0].hint == "did you mean '/articles/second-article/'?"
    assert errors[1].hint.startswith("site paths look like")


def test_a_missing_anchor_gets_the_closest_id_on_its_page():
    check = links.AnchorCheck("faq/", "section-on", "content/pages/about.md", 3)
    ids = {"faq/": frozenset({"section-one", "toc-heading"})}
    assert links.check_anchors([check], ids)[0].hint == "did you mean '#section-one'?"
    far = links.AnchorCheck("faq/", "zzz", "content/pages/about.md", 3)
    assert links.check_anchors([far], ids)[0].hint.startswith("anchors are heading ids")
