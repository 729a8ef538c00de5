from sitegen.typography import smarten, smarten_text


def test_quotes_dashes_and_ellipses():
    assert (
        smarten('<p>He said "hi" -- it\'s fine... really---yes</p>')
        == "<p>He said \u201chi\u201d \u2013 it\u2019s fine\u2026 really\u2014yes</p>"
    )


def test_code_and_attributes_are_left_alone():
    html = '<p><a href="a\'b" title="x">it\'s</a> <code>"raw" --x</code></p><pre>\'q\'</pre>'
    assert (
        smarten(html)
        == '<p><a href="a\'b" title="x">it\u2019s</a> <code>"raw" --x</code></p><pre>\'q\'</pre>'
    )


def test_quote_after_a_tag_opens_or_closes_by_context():
    assert (
        smarten('<p>"<em>Start</em>" and <em>word</em>"</p>')
        == "<p>\u201c<em>Start</em>\u201d and <em>word</em>\u201d</p>"
    )
    assert smarten("<p>The '90s</p>") == "<p>The \u201990s</p>"


def test_code_is_left_alone_wherever_it_is():
    html = "<p>'a' <code>'b'</code> 'c'</p>"
    assert smarten(html) == "<p>\u2018a\u2019 <code>'b'</code> \u2018c\u2019</p>"


def test_double_quotes_become_the_languages_own_marks():
    assert smarten('<p>"Sí", dijo. "Ya"</p>', "«»") == "<p>«Sí», dijo. «Ya»</p>"
    # German closes with the mark English opens with: a quote after it still closes
    assert smarten('<p>"Ja" und "nein"</p>', "„“") == "<p>„Ja“ und „nein“</p>"
    assert smarten("<p>\"Er sagte 'ja'\"</p>", "„“") == "<p>„Er sagte ‘ja’“</p>"
    assert smarten("<p>«'Hola'»</p>", "«»") == "<p>«‘Hola’»</p>"
    assert smarten_text('Un "título"', "«»") == "Un «título»"


def test_a_quote_opens_after_any_block_edge_space_bracket_or_inverted_mark():
    html = (
        '<details><summary>"Sum"</summary>"detail"</details><dl><dt>"x"</dt><dd>"y"</dd></dl>'
        '<p>1&nbsp;"nb" ¿"Qué"? ¡"Hola"! ("par") [“nested "inner"”]</p>'
    )
    assert smarten(html, "«»") == (
        "<details><summary>«Sum»</summary>«detail»</details><dl><dt>«x»</dt><dd>«y»</dd></dl>"
        "<p>1&nbsp;«nb» ¿«Qué»? ¡«Hola»! («par») [“nested «inner»”]</p>"
    )
