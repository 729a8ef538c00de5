from datetime import date

from sitegen import pipeline, quality

from .conftest import make_site

GOOD = """---
title: A good article
summary: Short and clear.
topics: [alpha]
published: 2026-01-01
updated: 2026-01-02
reviewed: 2026-01-02
sources:
  - {id: a, authors: A, year: 2020, title: One, doi: "10.1000/a"}
  - {id: b, authors: B, year: 2021, title: Two, url: "https://example.org/two"}
---
The cat sat on the mat.[@a] The dog ran to the park.[@b]
"""


def strict(site, today=date(2026, 3, 1)):
    return [str(e) for e in quality.check(pipeline.load(site).site, today)]


def test_a_good_site_passes(tmp_path, run):
    site = make_site(
        tmp_path / "site",
        files={
            "content/articles/first-article.md": GOOD,
            "content/articles/second-article.md": GOOD.replace("A good article", "Another"),
            "content/articles/extra.md": GOOD.replace("[alpha]", "[beta]"),
            "content/articles/extra-two.md": GOOD.replace("[alpha]", "[beta]"),
        },
    )
    assert strict(site) == []


def test_each_gate_names_the_file(tmp_path):
    long_words = (
        "Notwithstanding considerable epistemological uncertainties, contemporary psychotherapeutic institutions systematically operationalise multidimensional characterisations. "
        * 20
    )
    site = make_site(
        tmp_path / "site",
        files={
            "content/articles/first-article.md": GOOD.replace(
                "Short and clear.", "x" * 200
            ).replace("reviewed: 2026-01-02", "reviewed: 2020-01-01"),
            "content/articles/second-article.md": GOOD.replace(
                "The cat sat on the mat.[@a] The dog ran to the park.[@b]",
                long_words + "[@a] See [old](http://example.org/).",
            ).replace("updated: 2026-01-02\n", ""),
        },
    )
    toml = (
        (site / "site.toml")
        .read_text()
        .replace("max_review_age_days = 36500", "max_review_age_days = 365")
    )
    (site / "site.toml").write_text(toml)
    errors = "\n".join(strict(site))
    assert (
        "content/articles/first-article.md:3: summary is 200 characters; the limit is 160" in errors
    )
    assert "last reviewed" not in errors  # an overdue review warns (quality.overdue), never fails
    assert "content/articles/second-article.md: reading grade" in errors
    assert "content/articles/second-article.md:2: missing 'updated' date" in errors
    assert "source 'b' is never cited" in errors
    assert "insecure link http://example.org/" in errors
    assert "site.toml: topic 'beta' has 0 articles; at least 2 needed" in errors
    assert "median reading grade" in errors


def test_minimum_sources(tmp_path):
    site = make_site(tmp_path / "site")
    text = (site / "site.toml").read_text().replace("min_sources = 1", "min_sources = 3")
    (site / "site.toml").write_text(text)
    errors = "\n".join(strict(site))
    assert "content/articles/first-article.md:9: 1 source; at least 3 are needed" in errors


def test_readable_text_drops_citations_and_footnotes_and_ends_headings():
    html = (
        '<h2 id="a">Why it helps</h2><p>Tears can help.<sup class="cite"><a href="#ref-a">[1]</a></sup></p>'
        '<div class="footnote"><ol><li>Long footnote words.</li></ol></div>'
    )
    assert quality.readable_text(html) == "Why it helps. Tears can help."


def test_placeholder_summary_is_flagged_by_plain_check(tmp_path, run):
    site = make_site(
        tmp_path / "site",
        files={
            "content/articles/new-one.md": "---\ntitle: New\nsummary: TODO one or two plain sentences.\n"
            "topics: [alpha]\npublished: 2026-01-01\n---\nText.\n"
        },
    )
    result = run(site, "check")
    assert result.code == 1
    assert "content/articles/new-one.md:3: the summary is still a placeholder" in result.err
    assert run(site, "build", "--out", str(tmp_path / "out")).code == 0  # previews still work


def test_dates_in_the_future_fail_the_strict_check(tmp_path):
    site = make_site(tmp_path / "site")
    article = site / "content/articles/first-article.md"
    article.write_text(
        article.read_text().replace("published: 2026-01-10", "published: 2026-01-10")
    )
    errors = "\n".join(strict(site, today=date(2026, 1, 20)))
    assert (
        "content/articles/first-article.md:6: 'updated' is in the future (2026-02-01; today is 2026-01-20)"
        in errors
    )
    assert "'published' is in the future" not in errors


def test_placeholder_text_anywhere_in_a_body_fails_check(tmp_path, run):
    body = "A real opening.\n\n## More\n\nTODO: write this part.\n"
    site = make_site(
        tmp_path / "site",
        files={"content/articles/extra.md": GOOD.split("---\n", 2)[0] + "---\n"
               + GOOD.split("---\n", 2)[1] + "---\n" + body},
    )  # fmt: skip
    result = run(site, "check")
    assert result.code == 1
    assert "the text still holds the placeholder text 'new' wrote" in result.err


def test_one_source_has_one_record_everywhere(tmp_path):
    site = make_site(
        tmp_path / "site",
        files={
            "content/articles/first-article.md": GOOD,
            "content/articles/second-article.md": GOOD.replace("authors: A,", "authors: A. A.,"),
        },
    )
    errors = "\n".join(strict(site))
    assert "its authors differ(s) from the record in content/articles/first-article.md" in errors
