import pytest

from sitegen.errors import BuildError
from sitegen.frontmatter import decode, split


def test_lines_count_from_the_top_of_the_file():
    parsed = split("---\ntitle: T\nsources:\n  - a: 1\n  - b: 2\n---\nBody\n", "f.md")
    assert parsed.key_lines == {"title": 2, "sources": 3}
    assert parsed.item_lines == {"sources": (4, 5)}
    assert parsed.body == "Body\n"
    assert parsed.body_line == 7


def test_yaml_11_traps_stay_text():
    parsed = split(
        "---\ncountry: NO\nanswer: yes\nswitch: off\nwhen: 2026-01-01\nok: true\n---\n", "f"
    )
    assert parsed.meta == {
        "country": "NO",
        "answer": "yes",
        "switch": "off",
        "when": "2026-01-01",
        "ok": True,
    }


def test_aliases_are_refused_with_their_line():
    with pytest.raises(BuildError) as exc:
        split("---\na: &x [1]\nb: *x\n---\n", "f.md")
    assert str(exc.value.errors[0]).startswith("f.md:3: invalid YAML in front matter: aliases")


def test_yaml_error_line_points_into_the_file():
    with pytest.raises(BuildError) as exc:
        split("---\ntitle: ok\n\nsummary: a: b\n---\n", "f.md")
    assert exc.value.errors[0].line == 4


def test_decode_strips_bom_and_normalises_line_endings():
    assert decode(b"\xef\xbb\xbfa\r\nb\rc", "f") == "a\nb\nc"


def test_decode_names_the_line_of_a_bad_byte():
    with pytest.raises(BuildError) as exc:
        decode(b"ok\nok\nbad \xff here", "f.md")
    assert exc.value.errors[0].line == 3
    assert "0xff" in exc.value.errors[0].message


def test_nul_byte_is_refused():
    with pytest.raises(BuildError) as exc:
        decode(b"a\n\x00", "f.md")
    assert exc.value.errors[0].line == 2


@pytest.mark.parametrize(
    ("text", "line", "key", "cut"),
    [
        ("---\ntitle: Crying after a session ends #2\n---\nText.\n", 2, "title", "#2"),
        ("---\ntitle: x\nsources:\n  - title: A study #3\n---\nText.\n", 4, "title", "#3"),
    ],
)
def test_text_cut_short_by_a_comment_is_refused(text, line, key, cut):
    # YAML reads " #" as the start of a comment: the title would silently lose "#2"
    with pytest.raises(BuildError) as caught:
        split(text, "a.md")
    (error,) = caught.value.errors
    assert (error.path, error.line) == ("a.md", line)
    assert f"'{key}' stops before '{cut}'" in error.message
    assert error.hint.startswith(f'put the whole value in quotes: {key}: "')


@pytest.mark.parametrize(
    "text",
    [
        '---\ntitle: "Crying after a session ends #2"\n---\n',  # quoted: kept whole
        "---\ntitle: C# and tears\n---\n",  # no space before #: not a comment
        "---\ntopics: [alpha]  # a note\npublished: 2026-01-01 # another\n---\n",  # no text lost
        "---\nsummary: >\n  folded # text\n---\n",
    ],
)
def test_comments_that_cut_no_text_are_allowed(text):
    assert split(text + "Text.\n", "a.md").meta
