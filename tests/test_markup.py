import re

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import markup
from sitegen.markup import convert, plain_text, sanitize, scope_ids

from .conftest import REPO


def test_headings_get_stable_ids_and_a_toc():
    r = convert("## Why it helps\n\n### A detail\n\ntext\n", 1)
    assert '<h2 id="why-it-helps">' in r.html
    assert [(h.level, h.id, h.text) for h in r.headings] == [
        (2, "why-it-helps", "Why it helps"),
        (3, "a-detail", "A detail"),
    ]
    assert {"why-it-helps", "a-detail"} <= r.ids


def test_tables_align_with_classes_not_inline_styles():
    r = convert("| a | b |\n|:--|--:|\n| 1 | 2 |\n", 1)
    assert 'class="align-left"' in r.html and 'class="align-right"' in r.html
    assert "style=" not in r.html


def test_a_table_scrolls_in_a_region_named_by_its_heading():
    fragment = '<h2 id="doses">Doses</h2><p>x</p><table><tr><td>1</td></tr></table>'
    boxed = markup.finish(fragment)
    assert (
        '<div class="table-scroll" tabindex="0" role="region" aria-labelledby="doses"><table>'
        in boxed
    )
    assert boxed.endswith("</table></div>")
    scoped = scope_ids(boxed, "faq-")  # on the FAQ page, the name follows the heading's new id
    assert 'id="faq-doses"' in scoped and 'aria-labelledby="faq-doses"' in scoped
    # with no heading above it, a table is still scrollable by keyboard, but not a named region
    assert (
        markup.finish("<table></table>")
        == '<div class="table-scroll" tabindex="0"><table></table></div>'
    )


def test_smart_quotes_and_footnotes():
    r = convert('He said "hi".[^1]\n\n[^1]: A note.\n', 1)
    assert "\u201chi\u201d" in r.html
    assert 'class="footnote-ref"' in r.html and 'id="fn:1"' in r.html


def test_citations_are_numbered_by_source_order():
    r = convert("First.[@b] Second.[@a] Again.[@b]\n", 1, ("a", "b"))
    assert r.html.count('href="#ref-b">[2]</a>') == 2
    assert 'href="#ref-a">[1]</a>' in r.html
    assert r.cites == ("b", "a")


def test_unknown_citation_is_reported_with_its_line():
    r = convert("Line one.\n\nA claim.[@ghost]\n", 10, ("real",))
    assert r.unknown_cites == (("ghost", 12),)


def test_links_carry_their_body_line():
    r = convert("one\n\ntwo [x](other.md#part)\n", 7)
    assert r.links == (("other.md#part", 9),)


def test_dangerous_html_is_removed():
    dirty = (
        '<script>alert(1)</script><style>p{}</style><iframe src="x"></iframe>'
        '<a href="javascript:alert(1)" onclick="alert(1)">a</a>'
        '<img src="data:image/png;base64,AAAA" onerror="alert(1)">'
        '<a href="vbscript:msgbox(1)">v</a><form action="/x"><input></form>'
        '<object data="x"></object><embed src="x">'
        '<p style="color:red" class="evil">p</p>'
    )
    clean = sanitize(dirty)
    for bad in (
        "<script",
        "<style",
        "<iframe",
        "javascript:",
        "onclick",
        "onerror",
        "data:",
        "vbscript:",
        "<form",
        "<input",
        "<object",
        "<embed",
        "style=",
        "evil",
    ):
        assert bad not in clean


def test_attribute_lists_cannot_add_handlers():
    r = convert('A paragraph\n{: onclick="alert(1)" style="x" #ok }\n', 1)
    assert "onclick" not in r.html and "style" not in r.html
    assert 'id="ok"' in r.html


def test_scope_ids_prefixes_ids_and_same_page_links():
    out = scope_ids('<h2 id="a">A</h2><a href="#a">x</a><a href="/p/#a">y</a>', "faq-")
    assert out == '<h2 id="faq-a">A</h2><a href="#faq-a">x</a><a href="/p/#a">y</a>'


def test_plain_text_strips_tags_and_entities():
    assert plain_text("<p>Tom &amp; <em>Jerry</em></p>\n<p>end</p>") == "Tom & Jerry end"


def markdown_bodies() -> list[str]:
    """Every body in the real site and the fixture sites, with and without its notes and
    citations, plus a few awkward ones."""
    bodies = []
    for path in [*REPO.glob("content/*/*.md"), *REPO.glob("tests/fixtures/*/content/*/*.md")]:
        body = path.read_text(encoding="utf-8", errors="replace").partition("\n---\n")[2]
        bodies += [body, re.sub(r"\[[@^][^\]]*\]:?", "", body)]
    return bodies + [
        "[^ not a note",
        "[@ not a citation",
        "a [^1] with no note\n",
        "`[@x]`",
        "a line with a tab\t\nbreaks",  # tabs become spaces: a line break without "  \n"
        "two spaces  \r\nthen CRLF",
        "!\x02[joined](x): Python-Markdown deletes STX",
        "*a\x03*",
        "\\*escaped\\* and &amp; and <b>html</b> and <https://example.org> and <a@b.org>",
        "![an image](x.png) and ![ref][r]\n\n[r]: y.png\n",
    ]


def everything() -> markdown.Markdown:
    """One converter with every extension and every inline pattern, for every body."""
    return markdown.Markdown(
        extensions=[*markup.EXTENSIONS, markup._SiteExtension(cites=True)],
        extension_configs=markup.EXTENSION_CONFIGS,
        output_format="html",
    )


def test_setting_up_only_what_a_body_can_use_changes_nothing(monkeypatch):
    """Footnotes, citations and inline patterns are left out where they cannot match."""
    bodies = markdown_bodies()
    assert len(bodies) > 40
    assert any("[^" not in b and "[@" not in b for b in bodies)
    narrowed = [convert(b, 1, ("a", "b")) for b in bodies]
    assert any(
        len(markup._markdown(b).treeprocessors["inline"].inlinePatterns) < 10 for b in bodies
    )
    full = everything()
    monkeypatch.setattr(markup, "_markdown", lambda body, backlink: full)
    assert [convert(b, 1, ("a", "b")) for b in bodies] == narrowed


PIECES = [
    "*", "**", "_", "`", "``", "\\", "[", "]", "(", ")", "!", "<", ">", "&", "amp;", "#", ";",
    "^", "@", "1. ", "- ", "> ", "## ", "\n", "\n\n", "  \n", "\t", "\r\n", "\x02", "\x03",
    " ", "word", "http://x.org", "a@b.org", "[^1]", "[^1]: n", "[@a]", "[x]: /u", "![i](p.png)",
    "[l](/u)", "<em>", "</em>", "&#42;", "|", "---", "{: #id }", "{#x}", "{", "}", ":", "    code",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_narrowed_converters_match_one_with_everything_on_any_text(body):
    full = everything()
    narrowed = convert(body, 1, ("a", "b"))
    original = markup._markdown
    markup._markdown = lambda _, __: full
    try:
        assert convert(body, 1, ("a", "b")) == narrowed
    finally:
        markup._markdown = original


def test_a_headings_entry_reads_as_the_heading_with_quotes_in_its_text_not_its_code():
    body = '## If a < b "then" > c\n\n## The &lt;code&gt; tag and `"code"`\n\ntext\n'
    rendered = markup.convert(body, 1, quotes="«»")
    assert [h.text for h in rendered.headings] == [
        "If a < b «then» > c",
        'The <code> tag and "code"',
    ]
    assert '<h2 id="if-a-b-then-c">If a &lt; b «then» &gt; c</h2>' in rendered.html
