"""Sites in several languages: editions under /<code>/, translations paired both ways, the
interface from gettext catalogs, dates from Babel, and the editor's checks. The fixture sites
are bilingual (English and Spanish) and trilingual (plus German, which nothing in the code
knows about: it proves no language is wired in)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from sitegen import pipeline, quality
from sitegen.errors import BuildError

from .conftest import FIXTURES as REPO_FIXTURES
from .conftest import REPO, make_site

HREFLANG_RE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')
SWITCH_RE = re.compile(
    r'<nav class="language-switch".*?</nav>', re.S
)  # the visible language switcher


def build(tmp_path: Path, fixture: str, files: dict | None = None) -> Path:
    site = make_site(tmp_path / "site", fixture, files)
    out = tmp_path / "out"
    pipeline.build(site, out, search_index=False)
    return out


@pytest.fixture(scope="module")
def trilingual(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("tri"), "trilingual")


def pages(out: Path, base: str = "https://example.org/") -> dict[str, str]:
    """Every HTML page by its URL (``base`` + its path), the 404 pages left out."""
    return {
        base + p.relative_to(out).as_posix().removesuffix("index.html"): p.read_text()
        for p in sorted(out.rglob("*.html"))
        if p.name != "404.html" and not p.relative_to(out).as_posix().startswith("pagefind/")
    }


def check_languages_and_alternates(out: Path, base: str, codes: set[str]) -> int:
    """Every page of the site built into ``out`` (published at ``base``) has the right
    ``<html lang>``, and every hreflang alternate is a page that points back; each link of the
    language switcher is an alternate or a language's home page. Returns the pages seen."""
    found = pages(out, base)
    origin = base[: base.index("/", len("https://"))]  # https://host
    for url, html in found.items():
        code = url.removeprefix(base).split("/")[0]
        lang = code if code in codes else "en"
        assert f'<html lang="{lang}">' in html, url
        alternates = dict(HREFLANG_RE.findall(html))
        switch = SWITCH_RE.search(html)
        for href, other in re.findall(
            r'<a href="([^"]+)" hreflang="([^"]+)"', switch.group(0) if switch else ""
        ):
            target = origin + href
            assert target in found, f"{url}: the switcher's {other} link {href} is no page"
            assert alternates.get(other, base + other + "/") == target, url
        if not alternates:
            continue
        assert alternates[lang] == url, url  # itself among them
        assert alternates["x-default"] == alternates["en"], url
        for other, target in alternates.items():
            if other != "x-default":
                back = dict(HREFLANG_RE.findall(found[target]))
                assert back.get(lang) == url, f"{target} does not point back to {url}"
    return len(found)


def test_each_language_lives_under_its_code_with_its_own_words_for_paths(trilingual):
    for path in (
        "es/index.html",
        "es/articulos/primer-articulo/index.html",
        "es/temas/alfa/index.html",  # a topic's own slug
        "es/temas/beta/index.html",  # or its id
        "es/preguntas-frecuentes/index.html",
        "es/buscar/index.html",
        "es/ayuda/index.html",
        "es/feed.xml",
        "es/sitemap.xml",
        "es/404.html",
        "de/artikel/erster-artikel/index.html",
        "de/fragen/index.html",
    ):
        assert (trilingual / path).is_file(), path
    assert not (trilingual / "es/robots.txt").exists()  # one for the site, naming each sitemap
    robots = (trilingual / "robots.txt").read_text()
    for sitemap in ("", "es/", "de/"):
        assert f"Sitemap: https://example.org/{sitemap}sitemap.xml\n" in robots


def test_every_page_has_its_language_and_alternates_that_point_back(trilingual):
    assert check_languages_and_alternates(trilingual, "https://example.org/", {"es", "de"}) == 26


def test_the_switcher_goes_to_the_translation_or_says_it_goes_home(trilingual):
    article = (trilingual / "articles/first-article/index.html").read_text()
    switch = SWITCH_RE.search(article).group(0)
    assert 'href="/es/articulos/primer-articulo/" hreflang="es" lang="es">Español</a>' in switch
    assert 'href="/de/artikel/erster-artikel/" hreflang="de" lang="de">Deutsch</a>' in switch
    untranslated = (trilingual / "articles/second-article/index.html").read_text()
    switch = SWITCH_RE.search(untranslated).group(0)
    assert 'href="/es/" hreflang="es" lang="es">Español</a> <span class="switch-note">' in switch
    assert "has no translation yet" in switch
    spanish = (trilingual / "es/articulos/primer-articulo/index.html").read_text()
    assert 'aria-label="Idioma"' in SWITCH_RE.search(spanish).group(0)  # in the page's language


def test_interface_dates_and_help_lines_are_the_editions_own(trilingual):
    spanish = (trilingual / "es/articulos/primer-articulo/index.html").read_text()
    assert "Saltar al contenido principal" in spanish and "Skip to main" not in spanish
    assert "1 de febrero de 2026" in spanish  # Babel's long date in Spanish
    assert "Llama al 999" in spanish and "Fixture Helpline" not in spanish
    assert '"inLanguage":"es"' in spanish
    assert '<meta property="og:locale" content="es_ES">' in spanish
    german = (trilingual / "de/artikel/erster-artikel/index.html").read_text()
    assert "1. Februar 2026" in german  # date_format "d. MMMM y"
    assert 'href="tel:112"' in german and "Notruf" in german
    assert "Original auf Englisch" in german  # the translation note, in German
    feed = (trilingual / "es/feed.xml").read_text()
    assert 'xml:lang="es"' in feed and "primer-articulo" in feed and "first-article" not in feed
    sitemap = (trilingual / "es/sitemap.xml").read_text()
    assert (
        '<xhtml:link rel="alternate" hreflang="en" href="https://example.org/articles/first-article/"/>'
        in sitemap
    )


def test_links_between_languages_and_into_translations_resolve(trilingual):
    spanish = (trilingual / "es/articulos/primer-articulo/index.html").read_text()
    assert 'href="/es/preguntas-frecuentes/#pregunta-uno"' in spanish
    assert 'href="/articles/first-article/#section-one"' in spanish  # to the English original


def test_a_page_named_settings_and_templates_find_in_every_language(trilingual):
    # help_page = "get-help" names the English page; each edition links its own translation
    assert 'class="help-link" href="/es/ayuda/"' in (trilingual / "es/index.html").read_text()
    assert 'class="help-link" href="/de/hilfe/"' in (trilingual / "de/index.html").read_text()


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "content/es/faq/otra.md": "---\nquestion: ¿Otra?\ntopics: [alpha]\ntranslates: faq/nowhere.md\n---\nSí.\n"
            },
            "content/es/faq/otra.md:4: translates content/faq/nowhere.md, which does not exist",
        ),
        (
            {
                "content/es/faq/otra.md": "---\nquestion: ¿Otra?\ntopics: [alpha]\ntranslates: faq/question-one.md\n---\nSí.\n"
            },
            "already translates content/faq/question-one.md",
        ),
        (
            {
                "content/es/faq/otra.md": "---\nquestion: ¿Otra?\ntopics: [alpha]\ntranslates: articles/first-article.md\n---\nSí.\n"
            },
            "a translation of content/articles/ cannot be in faq/",
        ),
        (
            {
                "content/faq/other.md": "---\nquestion: Other?\ntopics: [alpha]\ntranslates: faq/question-one.md\n---\nYes.\n"
            },
            "content/faq/other.md:4: only a file in a language's folder (content/<code>/) translates another",
        ),
        (
            {"content/es/pages/ayuda.md!delete": ""},
            "help_page 'get-help' has no page in language 'es'",
        ),
        (
            {"content/fr/faq/x.md": "---\nquestion: X?\ntopics: [alpha]\n---\nOui.\n"},
            "content/fr: unknown folder in content/",
        ),
    ],
    ids=[
        "missing-original",
        "two-translations",
        "wrong-kind",
        "not-a-translation",
        "no-help-page",
        "undeclared-language",
    ],
)
def test_translation_mistakes_name_the_file_and_line(run, tmp_path, files, expected):
    site = make_site(tmp_path / "site", "bilingual", files)
    result = run(site, "build")
    assert result.code == 1 and expected in result.err, result.err
    assert "Traceback" not in result.err


def test_a_mistake_in_an_original_is_not_also_blamed_on_its_translation(run, tmp_path):
    # a new editor's typo in the English original: its translation's 'translates' still names
    # an existing file, so the only message is the one about the typo
    first = (REPO_FIXTURES / "bilingual/content/articles/first-article.md").read_text()
    site = make_site(
        tmp_path / "site",
        "bilingual",
        {"content/articles/first-article.md": first.replace("summary:", "sumary:", 1)},
    )
    result = run(site, "check")
    assert result.code == 1
    assert "content/articles/first-article.md:3: unknown key 'sumary'" in result.err, result.err
    assert "which does not exist" not in result.err, result.err
    assert "primer-articulo" not in result.err, result.err


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('segments = { articles = "articulos"', 'segments = { article = "articulos"'),
            "'article' is not a URL segment in [[languages]] 'es'",
        ),
        (('code = "es"', 'code = "en"'), "language 'en' is declared twice"),
        (
            ('code = "es"', 'code = "xx-nowhere"'),
            "is a language tag Babel has no dates or names for",
        ),
        (
            ('id = "beta"\ntitle = "Tema beta"', 'id = "gamma"\ntitle = "Tema beta"'),
            "unknown topic 'gamma' in [[languages]] 'es'",
        ),
        (
            ('readability = "szigriszt_pazos"', 'readability = "inflesz"'),
            "'inflesz' is not a readability formula",
        ),
        (('name = "Español"\n', ""), "missing required key 'name' in [[languages]] 'es'"),
    ],
    ids=["segment", "duplicate-code", "unknown-code", "unknown-topic", "formula", "missing-name"],
)
def test_language_settings_mistakes_are_reported_at_their_line(run, tmp_path, change, expected):
    site = make_site(tmp_path / "site", "bilingual")
    toml = site / "site.toml"
    text = toml.read_text()
    assert change[0] in text
    toml.write_text(text.replace(change[0], change[1], 1))
    result = run(site, "build")
    assert result.code == 1 and expected in result.err, result.err
    assert re.search(r"site\.toml:\d+: ", result.err), result.err  # a line, where one exists


def test_a_phrase_missing_from_a_catalog_is_an_error_naming_it(run, tmp_path):
    site = make_site(tmp_path / "site", "bilingual")
    catalog = site / "locales/es/LC_MESSAGES/messages.po"
    text = catalog.read_text()
    catalog.write_text(text.replace('msgstr "Saltar al contenido principal"', 'msgstr ""'))
    result = run(site, "build")
    assert result.code == 1
    assert 'the phrase "Skip to main content" (templates/base.html:' in result.err
    assert "locales/es/LC_MESSAGES/messages.po:" in result.err
    catalog.unlink()
    result = run(site, "build")
    assert (
        result.code == 1 and "no catalog of the templates' phrases in language 'es'" in result.err
    )


def test_check_reports_untranslated_pages_and_translations_that_fell_behind(run, tmp_path):
    site = make_site(tmp_path / "site", "bilingual")
    loaded = pipeline.load(site, save_cache=False)
    notes, warnings, errors = quality.translations(loaded.sites, date(2026, 3, 1))
    untranslated = {n.path for n in notes}
    assert "content/articles/second-article.md" in untranslated
    assert "content/articles/first-article.md" not in untranslated
    assert not warnings and not errors
    # the original changes after its translation: a warning, an error once it waited too long
    original = site / "content/articles/first-article.md"
    original.write_text(original.read_text().replace("updated: 2026-02-01", "updated: 2026-02-20"))
    loaded = pipeline.load(site, save_cache=False)
    notes, warnings, errors = quality.translations(loaded.sites, date(2026, 3, 1))
    assert [w.path for w in warnings] == ["content/es/articles/primer-articulo.md"]
    assert "older than its original's last change (2026-02-20" in warnings[0].message
    later = date(2026, 2, 20).fromordinal(date(2026, 2, 20).toordinal() + 36501)
    _, warnings, errors = quality.translations(loaded.sites, later)
    assert not warnings and [e.path for e in errors] == ["content/es/articles/primer-articulo.md"]
    result = run(site, "check")
    assert result.code == 0 and "warning: content/es/articles/primer-articulo.md:" in result.out
    assert "note: content/articles/second-article.md: no translation in 'es' yet" in result.out


def test_readability_uses_each_languages_formula(tmp_path):
    site = make_site(tmp_path / "site", "bilingual")
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace("min_median_score = 0", "min_median_score = 200"))
    loaded = pipeline.load(site, save_cache=False)
    english, spanish = (quality.check(s, date(2026, 3, 1)) for s in loaded.sites)
    assert not [e for e in english if "readab" in e.message or "grade" in e.message]
    assert any(
        e.path == "content/es/articles"
        and "median readability (szigriszt_pazos)" in e.message
        and "is below 200" in e.message
        for e in spanish
    )


def test_new_translation_starts_from_the_original(run, tmp_path):
    site = make_site(tmp_path / "site", "bilingual")
    result = run(
        site, "new", "article", "El segundo artículo", "--lang", "es",
        "--translates", "articles/second-article.md",
    )  # fmt: skip
    assert result.code == 0, result.err
    made = site / "content/es/articles/el-segundo-articulo.md"
    text = made.read_text()
    assert "translates: articles/second-article.md" in text
    assert "topics: [" in text and "draft: true" in text
    assert "TODO: translate the text below into Español" in text
    # the original's text, each link made to work from the new folder: to the page's
    # translation where there is one
    assert "Back to [the first](primer-articulo.md#section-one)" in text
    check = run(site, "check")
    assert check.code == 1 and "content/es/articles/el-segundo-articulo.md" in check.err
    for args, message in (
        (["--lang", "fr"], "'fr' is not one of this site's other languages"),
        (["--translates", "articles/second-article.md"], "a translation needs --lang"),
        (
            ["--lang", "es", "--translates", "faq/question-one.md"],
            "is not a file in content/articles/",
        ),
    ):
        bad = run(site, "new", "article", "Otro", "--topic", "alpha", *args)
        assert bad.code == 2 and message in bad.err, bad.err


def test_a_one_language_site_has_no_switcher_or_alternates(tmp_path):
    out = build(tmp_path, "valid")
    html = (out / "articles/first-article/index.html").read_text()
    assert "language-switch" not in html and "hreflang" not in html
    assert '<meta property="og:locale" content="en_US">' in html


def test_build_error_lists_every_edition(tmp_path):
    site = make_site(
        tmp_path / "site", "bilingual", {"content/es/articles/primer-articulo.md!delete": ""}
    )
    (site / "content/es/faq/pregunta-uno.md").write_text(
        "---\nquestion: ¿Cuál?\ntopics: [alpha]\ntranslates: faq/question-one.md\n---\n[roto](../articles/nada.md)\n"
    )
    with pytest.raises(BuildError) as caught:
        pipeline.load(site, save_cache=False)
    assert any(e.path == "content/es/faq/pregunta-uno.md" for e in caught.value.errors)


@pytest.mark.browser
def test_a_spanish_page_searches_spanish_pages(browser, tmp_path):
    from .crawl import serve_under
    from .test_browser import search_results

    site = make_site(tmp_path / "site", "trilingual")
    out = tmp_path / "out"
    pipeline.build(site, out, base_url="https://example.github.io/somerepo/")
    with serve_under(out, tmp_path, "/somerepo/") as start:
        spanish = search_results(browser, (start, None), "pregunta", "es/buscar/")
        english = search_results(browser, (start, None), "question")
        page = browser.new_page()  # the count in Spanish, with the right plural form
        page.goto(start + "es/buscar/?q=pregunta")
        page.wait_for_selector("#search-results li a", timeout=10000)
        status = page.inner_text("#search-status")
        page.close()
    assert re.fullmatch(r"\d+ resultados?", status), status
    assert spanish and all(link.startswith("es/") for link in spanish), spanish
    assert "es/preguntas-frecuentes/#pregunta-uno" in spanish
    assert english and not any(link.startswith(("es/", "de/")) for link in english), english


# --- what an attack on the first version found, by class ----------------------------------


def _catalog(site: Path) -> Path:
    return site / "locales/es/LC_MESSAGES/messages.po"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'msgstr "Pedir ayuda ahora"',
            'msgstr "Pedir ayuda %(nombre)s"',
            "uses %(nombre)s, which the phrase does not have",
        ),
        ('msgstr "Pedir ayuda ahora"', 'msgstr "Ayuda 100% segura"', 'has a lone "%"'),
        (
            '<a href=\\"%(url)s\\">Mira a quién llamar ahora</a>',
            '<a href=\\"%(url)s\\" onclick=\\"x()\\">Mira</a>',
            "changes the phrase's markup",
        ),
        ('msgstr "Pedir ayuda ahora"', 'msgstr "Pedir ayuda ahora', "not a line of a .po catalog"),
        (
            "plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)",
            "plural=(n == 1 ? 0 : 7)",
            "po:11: Plural-Forms gives form 7",
        ),
        (
            "plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)",
            "plural=(n == 1 ? 0 : n ==",
            "po:11: Plural-Forms: its plural rule cannot be read",
        ),
        ("charset=utf-8", "charset=bogus-42", "po:2: not a readable catalog"),
        ("Language: es", "Language: 123", "po:2: not a readable catalog"),
        (
            "Mira a quién llamar ahora</a>.",
            "Mira a quién llamar ahora</a>. <!-- ",
            "changes the phrase's markup",
        ),
        ('msgstr "Más en %(topic)s"', 'msgstr "Más en %(topic)r"', "uses %(topic)r"),
        ("nplurals=3;", "nplurals=99999999999;", "Plural-Forms says nplurals=99999999999"),
        ("nplurals=3;", "NPLURALS=+100000000;", "Plural-Forms says nplurals=100000000"),
        ("nplurals=3;", 'nplurals=\\"0\\";', "Plural-Forms says nplurals=0"),
        (
            "plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)",
            "plural=(n % 0)",
            "po:11: Plural-Forms: its plural rule divides by zero",
        ),
        ("nplurals=3;", "nplurals=two;", "po:11: Plural-Forms has no whole nplurals"),
        (
            'msgid "Go to the home page"',
            'msgid "Go to the home page"\nmsgstr "Otra"\n\nmsgid "Go to the home page"',
            'msgid "Go to the home page" is given twice',
        ),
        (
            'msgid_plural "%(num)d results"\nmsgstr[0] "%(num)d resultado"\n'
            'msgstr[1] "%(num)d resultados"\nmsgstr[2] "%(num)d resultados"',
            'msgstr "%(num)d resultado"',
            "has a plural: its entry needs msgid_plural",
        ),
        (
            '<a href=\\"%(url)s\\">Mira a quién llamar ahora</a>',
            'Mira a quién </a>llamar ahora<a href=\\"%(url)s\\">',
            "changes the phrase's markup",
        ),
        ('msgstr "Pedir ayuda ahora"', 'msgstr "Pedir\\a ayuda\\r ahora"', "U+0007"),
    ],
    ids=[
        "placeholder",
        "percent",
        "markup",
        "unterminated",
        "plural-range",
        "plural-syntax",
        "charset",
        "language-header",
        "comment",
        "placeholder-type",
        "nplurals-huge",
        "nplurals-spelt-otherwise",
        "nplurals-quoted-zero",
        "plural-divides-by-zero",
        "nplurals-a-word",
        "duplicate",
        "plural-as-one",
        "tag-order",
        "control-character",
    ],
)
def test_a_catalog_that_would_change_the_page_is_refused_at_its_line(
    run, tmp_path, old, new, expected
):
    site = make_site(tmp_path / "site", "bilingual")
    text = _catalog(site).read_text()
    assert old in text, old
    _catalog(site).write_text(text.replace(old, new, 1))
    result = run(site, "build")
    assert result.code == 1 and expected in result.err, result.err
    assert re.search(r"locales/es/LC_MESSAGES/messages\.po(:\d+)?: ", result.err)
    assert "Traceback" not in result.err


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("old", "expected"),
    [
        ('msgstr "Pedir ayuda ahora"', 'has a lone "%"'),
        ('<a href=\\"%(url)s\\">Mira a quién llamar ahora</a>', "changes the phrase's markup"),
    ],
)
def test_a_long_catalog_line_is_checked_in_time(run, tmp_path, old, expected):
    """Half a megabyte of "%(" or "<" in one translation (well under the size limit): each
    check runs in time linear in the line, so the build answers at once."""
    site = make_site(tmp_path / "site", "bilingual")
    text = _catalog(site).read_text()
    filler = ("%(" if "%" in expected else "<") * 250_000
    start = text.rindex("\n", 0, text.index(old)) + 1  # the msgstr line holding ``old``
    line_end = text.index("\n", start)
    _catalog(site).write_text(text[:start] + f'msgstr "{filler}"' + text[line_end:])
    result = run(site, "build")
    assert result.code == 1 and expected in result.err


def test_a_phrase_with_a_context_is_translated_and_checked(run, tmp_path):
    """pgettext("menu", "Open"): the catalog's entry with msgctxt "menu" is used, and a catalog
    without it is an error naming the phrase and its context."""
    site = make_site(tmp_path / "site", "bilingual")
    base = site / "templates/base.html"
    base.write_text(
        base.read_text().replace("</footer>", '{{ pgettext("menu", "Open") }}</footer>')
    )
    result = run(site, "build")
    assert result.code == 1
    assert 'the phrase "Open" (msgctxt "menu") (templates/base.html:' in result.err
    assert 'add msgctxt "menu" and msgid "Open"' in result.err
    catalog = _catalog(site)
    catalog.write_text(catalog.read_text() + '\nmsgctxt "menu"\nmsgid "Open"\nmsgstr "Abrir"\n')
    result = run(site, "build", "--no-search")
    assert result.code == 0, result.err
    out = site / "_site"
    assert "Abrir</footer>" in (out / "es/index.html").read_text()
    assert "Open</footer>" in (out / "index.html").read_text()


def test_a_plain_phrase_is_text_even_with_quotes_and_brackets(tmp_path):
    site = make_site(tmp_path / "site", "bilingual")
    text = _catalog(site).read_text()
    _catalog(site).write_text(
        text.replace('msgstr "Principal"', 'msgstr "Principal\\" onfocus=\\"alert(1)"').replace(
            'msgstr "Ver todos los temas"', 'msgstr "Temas <script>alert(1)</script>"'
        )
    )
    out = tmp_path / "out"
    pipeline.build(site, out, search_index=False)
    home = (out / "es/index.html").read_text()
    assert 'aria-label="Principal&#34; onfocus=&#34;alert(1)"' in home
    assert "<script>alert" not in (out / "es/404.html").read_text()


def test_an_english_catalog_may_leave_phrases_untranslated(tmp_path):
    site = make_site(tmp_path / "site", "bilingual")
    english = site / "locales/en/LC_MESSAGES/messages.po"
    english.parent.mkdir(parents=True)
    english.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "Topics"\nmsgstr ""\n'
    )
    pipeline.build(site, tmp_path / "out", search_index=False)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('id = "beta"\ntitle = "Tema beta"', 'id = "beta"\nslug = "alfa"\ntitle = "Tema beta"'),
        ('id = "alpha"\nslug = "alfa"', 'id = "alpha"\nslug = "beta"'),
        ('articles = "articulos", topics = "temas"', 'articles = "topics"'),
        ('topics = "temas", faq = "preguntas-frecuentes"', 'faq = "topics"'),
    ],
    ids=["same-slug", "slug-is-an-id", "segment-is-a-segment", "faq-is-topics"],
)
def test_two_pages_of_a_language_cannot_share_a_url(run, tmp_path, old, new):
    site = make_site(tmp_path / "site", "bilingual")
    toml = site / "site.toml"
    assert old in toml.read_text()
    toml.write_text(toml.read_text().replace(old, new, 1))
    result = run(site, "build")
    assert result.code == 1, result.err
    assert "would share the URL /es/" in result.err or "names two segments" in result.err


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('name = "Español"', 'name = ""', "'name' must not be empty"),
        ('title = "Sitio de prueba"', 'title = "   "', "'title' must not be empty"),
        ('code = "es"', 'code = "es"\ndate_format = "\'\'"', "is not a date format"),
        ('code = "es"', 'code = "es"\ndate_format = "\'22 26\'"', "it needs a day (d), a month"),
        ('code = "es"', 'code = "es"\ndate_format = "d MMMM Y"', "Y is the year of the week"),
        ('code = "es"', 'code = "es"\ndate_format = "dd/MM/yy"', "a full year (y, not yy)"),
        ('code = "es"', 'code = "es"\ndate_format = "d MMMM y \'x"', "is not closed"),
        ('code = "es"', 'code = "es"\ndate_format = "d \'de\' MMMM y"', None),
        ('code = "es"', 'code = "es"\nhelp = []', "'help' must have at least one entry"),
        ('readability = "szigriszt_pazos"', 'readability = "szigriszt_pazos"', None),
    ],
    ids=[
        "empty-name",
        "blank-title",
        "empty-date-format",
        "date-format-of-quoted-text",
        "date-format-week-year",
        "date-format-two-digit-year",
        "date-format-open-quote",
        "date-format-with-words",
        "no-help-lines",
        "unchanged",
    ],
)
def test_a_language_needs_words_in_every_setting(run, tmp_path, old, new, expected):
    site = make_site(tmp_path / "site", "bilingual")
    toml = site / "site.toml"
    text = toml.read_text()
    if "help = []" in new:  # the [[languages.help]] blocks go, for the empty list
        text = re.sub(r"\n\[\[languages\.help\]\]\n(?:[a-z]+ = .*\n)+", "\n", text)
    toml.write_text(text.replace(old, new, 1))
    result = run(site, "build")
    if expected is None:
        assert result.code == 0, result.err
    else:
        assert result.code == 1 and expected in result.err, result.err


def test_a_language_textstat_cannot_measure_must_say_readability_none(run, tmp_path):
    site = make_site(tmp_path / "site", "trilingual")
    toml = site / "site.toml"
    text = (
        toml.read_text()
        .replace('code = "de"', 'code = "ar"')
        .replace('readability = "wiener_sachtextformel"', 'readability = "flesch_reading_ease"')
    )
    (site / "content/de").rename(site / "content/ar")
    toml.write_text(text)
    result = run(site, "check", "--strict")
    assert result.code == 1 and "textstat cannot count syllables in 'ar'" in result.err
    toml.write_text(text.replace('readability = "flesch_reading_ease"', 'readability = "none"'))
    assert run(site, "check", "--strict").code in (0, 1)  # no traceback either way
    assert "Traceback" not in run(site, "check", "--strict").err


def test_an_faq_answer_with_the_same_file_name_in_two_languages_is_found_in_both(tmp_path):
    site = make_site(tmp_path / "site", "bilingual")
    spanish = site / "content/es/faq/pregunta-uno.md"
    spanish.rename(site / "content/es/faq/question-one.md")
    article = site / "content/es/articles/primer-articulo.md"
    article.write_text(article.read_text().replace("pregunta-uno.md", "question-one.md"))
    out = tmp_path / "out"
    pipeline.build(site, out)
    import json

    languages = json.loads((out / "pagefind/pagefind-entry.json").read_text())["languages"]
    english = pipeline.load(site, save_cache=False)
    assert languages["en"]["page_count"] == len(english.sites[0].articles) + len(
        english.sites[0].pages
    ) + len(english.sites[0].faqs)
    assert languages["es"]["page_count"] == 3


def test_a_page_cannot_take_the_name_of_the_search_records_folder(run, tmp_path):
    site = make_site(
        tmp_path / "site",
        "valid",
        {"content/pages/search-records.md": "---\ntitle: X\nsummary: Y.\n---\nZ.\n"},
    )
    result = run(site, "build")
    assert result.code == 1 and "belongs to the site itself" in result.err


def test_a_changed_catalog_is_a_changed_input(run, tmp_path):
    site = make_site(tmp_path / "site", "bilingual")
    assert run(site, "build").code == 0
    assert "Up to date" in run(site, "build").out
    text = _catalog(site).read_text()
    _catalog(site).write_text(
        text.replace('msgstr "Pedir ayuda ahora"', 'msgstr "Busca ayuda ahora"')
    )
    result = run(site, "build")
    assert "Up to date" not in result.out
    assert "Busca ayuda ahora" in (site / "_site/es/index.html").read_text()


def test_404_pages_offer_the_other_languages_home_and_claim_no_alternates(trilingual):
    page = (trilingual / "404.html").read_text()
    assert "hreflang=" not in page.split("</head>")[0]
    assert '<li lang="es"><a href="/es/" hreflang="es">Español</a></li>' in page
    assert "language-switch" not in page


def test_new_translation_reads_only_regular_files_inside_the_project(run, tmp_path):
    import os

    site = make_site(tmp_path / "site", "bilingual")
    outside = tmp_path / "secret.md"
    outside.write_text("---\ntitle: S\n---\nsecret\n")
    (site / "content/articles/evil.md").symlink_to(outside)
    os.mkfifo(site / "content/articles/pipe.md")
    for name, message in (
        ("evil", "symbolic link points outside the project"),
        ("pipe", "named pipe"),
    ):
        result = run(
            site, "new", "article", "Malo", "--lang", "es", "--translates", f"articles/{name}.md"
        )
        assert result.code == 1 and message in result.err, result.err
    again = run(
        site, "new", "article", "Otro", "--lang", "es", "--translates", "articles/first-article.md"
    )
    assert again.code == 2 and "already translates content/articles/first-article.md" in again.err
    assert not list((site / "content/es/articles").glob("malo*")) and not list(
        (site / "content/es/articles").glob("otro*")
    )
    os.mkfifo(site / "content/es/articles/pipe.md")  # the language's folder is read as builds do
    fresh = run(site, "new", "article", "Nuevo", "--lang", "es", "--topic", "alpha")
    assert fresh.code == 0
    assert "(../pages/ayuda.md)" in (site / "content/es/articles/nuevo.md").read_text()


def test_a_translation_of_a_draft_is_a_warning(run, tmp_path):
    page = "---\ntitle: {}\nsummary: S.\nupdated: 2026-02-01\nreviewed: 2026-02-01\n{}---\nT.\n"
    site = make_site(
        tmp_path / "site",
        "bilingual",
        {
            "content/pages/extra.md": page.format("Extra", "draft: true\n"),
            "content/es/pages/extra.md": page.format("Extra", "translates: pages/extra.md\n"),
        },
    )
    result = run(site, "check")
    assert "warning: content/es/pages/extra.md:" in result.out, result.out + result.err
    assert "which is a draft" in result.out


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'code = "es"',
            'code = "es"\ndate_format = "{0}"',
            "it needs a day (d), a month (M) and a full year",
        ),
        ('articles = "articulos"', 'articles = "' + "a" * 300 + '"', "at most 80 characters"),
        ('slug = "alfa"', 'slug = "' + "a" * 300 + '"', "the limit is 80"),
    ],
    ids=["date-format-without-a-date", "long-segment", "long-topic-slug"],
)
def test_settings_that_would_publish_nonsense_are_refused(run, tmp_path, old, new, expected):
    site = make_site(tmp_path / "site", "bilingual")
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace(old, new, 1))
    for command in ("check", "build"):
        result = run(site, command)
        assert result.code == 1 and expected in result.err and "site.toml:" in result.err


def test_reviews_within_an_absurd_number_of_days_is_a_command_mistake(run, tmp_path):
    site = make_site(tmp_path / "site", "bilingual")
    with pytest.raises(SystemExit) as stopped:
        run(site, "reviews", "--within", "99999999999")
    assert stopped.value.code == 2


def test_a_catalog_may_live_where_pybabel_puts_it(tmp_path):
    site = make_site(tmp_path / "site", "bilingual")
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace('code = "es"', 'code = "es-MX"'))
    (site / "content/es").rename(site / "content/es-MX")
    (site / "locales/es").rename(site / "locales/es_MX")
    out = tmp_path / "out"
    pipeline.build(site, out, search_index=False)
    assert "Saltar al contenido principal" in (out / "es-MX/index.html").read_text()


def test_a_translation_without_dates_of_its_own_is_compared_by_its_review(tmp_path):
    site = make_site(tmp_path / "site", "bilingual")
    help_es = site / "content/es/pages/ayuda.md"
    help_es.write_text(
        help_es.read_text()
        .replace("updated: 2026-02-01\n", "")
        .replace("reviewed: 2026-02-01", "reviewed: 2026-01-01")
    )
    loaded = pipeline.load(site, save_cache=False)
    _, warnings, _ = quality.translations(loaded.sites, date(2026, 3, 1))
    assert [w.path for w in warnings] == ["content/es/pages/ayuda.md"]


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_a_catalog_with_windows_or_old_mac_line_endings_reads_the_same(tmp_path, ending):
    site = make_site(tmp_path / "site", "bilingual")
    _catalog(site).write_bytes(_catalog(site).read_bytes().replace(b"\n", ending.encode()))
    out = tmp_path / "out"
    pipeline.build(site, out, search_index=False)
    assert "Pedir ayuda ahora" in (out / "es/index.html").read_text()


def test_the_help_link_is_the_help_pages_translation_even_beside_a_page_of_that_name(tmp_path):
    """A Spanish page that happens to be called get-help.md but translates another page must
    not take the place of the help page's translation (ayuda.md) in the menu and the footer."""
    about = sorted(p.name for p in (REPO_FIXTURES / "bilingual/content/pages").glob("*.md"))
    other = next(name for name in about if name != "get-help.md")
    out = build(
        tmp_path,
        "bilingual",
        {
            "content/es/pages/get-help.md": f"---\ntitle: Otra página\nsummary: Otra cosa.\n"
            f"translates: pages/{other}\n---\nTexto.\n"
        },
    )
    home = (out / "es/index.html").read_text()
    assert re.search(r'class="help-link" href="/es/ayuda/"', home), home
    assert not re.search(r'help-link" href="/es/get-help/|href="/es/get-help/">Mira', home)


ARABIC = """
[[languages]]
code = "ar"
name = "العربية"
title = "موقع تجريبي"
description = "موقع صغير للتجربة."
disclaimer = "معلومات عامة، وليست نصيحة طبية."

[languages.quality]
readability = "none"

[[languages.help]]
region = "الطوارئ"
name = "خدمات الطوارئ"
call = "999"

[[languages.topics]]
id = "alpha"
title = "الموضوع ألف"
description = "كل شيء عن ألف."

[[languages.topics]]
id = "beta"
title = "الموضوع باء"
description = "كل شيء عن باء."
"""
ARABIC_PLURALS = (
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 ? 4 : 5);"
)


def test_a_right_to_left_language_is_marked_so_on_its_pages(tmp_path):
    """Arabic (which nothing in the code names) is written right to left: its pages say
    dir="rtl", and a link to it from a page in another language says so on the link."""
    site = make_site(tmp_path / "site", "bilingual")
    (site / "site.toml").write_text((site / "site.toml").read_text() + ARABIC)
    spanish = _catalog(site).read_text()
    arabic = re.sub(r"nplurals=3; plural=[^\\]*;", ARABIC_PLURALS, spanish)
    arabic = re.sub(
        r'(msgstr\[2\] (".*"))',
        lambda m: m.group(1) + "".join(f"\nmsgstr[{i}] {m.group(2)}" for i in (3, 4, 5)),
        arabic,
    )
    folder = site / "locales/ar/LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(arabic.replace("Language: es", "Language: ar"))
    (site / "content/ar/pages").mkdir(parents=True)
    (site / "content/ar/pages/help.md").write_text(
        "---\ntitle: اطلب المساعدة الآن\nsummary: بمن تتصل الآن.\nupdated: 2026-02-01\n"
        "translates: pages/get-help.md\n---\nاتصل بالرقم 999.\n"
    )
    out = tmp_path / "out"
    pipeline.build(site, out, search_index=False)
    assert '<html lang="ar" dir="rtl">' in (out / "ar/index.html").read_text()
    assert '<html lang="es">' in (out / "es/index.html").read_text()
    english = (out / "index.html").read_text()
    assert re.search(r'hreflang="ar" lang="ar" dir="rtl">العربية</a>', english)
    assert 'hreflang="es" lang="es">Español</a>' in english


def test_a_footnotes_link_back_is_titled_in_the_pages_language(run, tmp_path):
    """The words the parser writes (a footnote's "Back to note 1") come from the catalog too,
    and a catalog without them is an error naming the phrase."""
    article = "content/es/articles/primer-articulo.md"
    site = make_site(tmp_path / "site", "bilingual")
    text = (site / article).read_text()
    (site / article).write_text(text + "\nUna nota.[^1]\n\n[^1]: Texto de la nota.\n")
    out = tmp_path / "out"
    pipeline.build(site, out, search_index=False)
    page = (out / "es/articulos/primer-articulo/index.html").read_text()
    assert 'title="Volver a la nota 1"' in page and "Back to note" not in page
    catalog = _catalog(site)
    spanish = catalog.read_text()
    # the placeholder twice, braces (Markdown formats the title with str.format), a percent sign
    words = "Nota %(num)d de %(num)d {x} {0} 100%%"
    catalog.write_text(spanish.replace("Volver a la nota %(num)d", words))
    pipeline.build(site, out, search_index=False)
    page = (out / "es/articulos/primer-articulo/index.html").read_text()
    assert 'title="Nota 1 de 1 {x} {0} 100%"' in page
    catalog.write_text(spanish)
    catalog.write_text(
        catalog.read_text().replace('msgstr "Volver a la nota %(num)d"', 'msgstr ""')
    )
    result = run(site, "build")
    assert result.code == 1
    assert 'the phrase "Back to note %(num)d" (the link back from a footnote' in result.err


def test_a_folder_named_after_the_default_language_says_where_its_files_go(run, tmp_path):
    site = make_site(tmp_path / "site", "bilingual", {"content/en/articles/x.md": "---\n---\nx\n"})
    result = run(site, "check")
    assert result.code == 1
    assert "content/en: unknown folder in content/" in result.err
    assert "'en' is the site's default language: its files go straight in content/" in result.err


def test_a_page_that_translates_another_page_is_never_the_help_page(run, tmp_path):
    """Without a translation of the help page, a Spanish page that happens to be called
    get-help.md (but translates the About page) does not stand in for it: that is an error."""
    site = make_site(
        tmp_path / "site",
        "bilingual",
        {
            "content/es/pages/ayuda.md!delete": "",
            "content/es/pages/get-help.md": "---\ntitle: Acerca de\nsummary: Sobre el sitio.\n"
            "translates: pages/about.md\n---\nTexto.\n",
        },
    )
    for path in (site / "content/es").rglob("*.md"):  # links to the deleted page go too
        path.write_text(re.sub(r"\[([^\]]*)\]\([^)]*ayuda\.md\)", r"\1", path.read_text()))
    result = run(site, "build")
    assert result.code == 1
    assert "translates: pages/get-help.md" in result.err, result.err


def test_a_languages_readability_problem_points_at_that_languages_block(run, tmp_path):
    site = make_site(tmp_path / "site", "trilingual")
    text = (site / "site.toml").read_text()
    text = text.replace(
        'readability = "wiener_sachtextformel"', 'readability = "flesch_reading_ease"'
    )
    (site / "site.toml").write_text(text.replace('code = "de"', 'code = "hi"'))
    result = run(site, "check")
    assert result.code == 1
    line = int(
        re.search(r"site\.toml:(\d+): textstat cannot count syllables in 'hi'", result.err)[1]
    )
    block = text.splitlines()[: text.splitlines().index('code = "de"')]
    assert line == len(block)  # the [[languages]] line just above code = "hi"


def test_each_language_has_its_own_quotation_marks(trilingual):
    """German's quotes = "„“" in site.toml: its body, title, headings, topic names and source
    titles get „…“, while English keeps “…” and a body's code keeps straight quotes."""
    german = (trilingual / "de" / "artikel" / "erster-artikel" / "index.html").read_text()
    for shown in (
        "Ein „Text“ mit",  # the body
        "<h1>Der „erste“ Artikel</h1>",  # the title
        "„Warum“ es hilft",  # a heading (and the table of contents)
        "Thema „Alpha“",  # a topic's name
        "A „study“ of things",  # a source's title in the references
    ):
        assert shown in german, shown
    assert '"' not in re.sub(r"<script.*?</script>|<[^>]*>", "", german, flags=re.S)
    english = (trilingual / "articles" / "first-article" / "index.html").read_text()
    assert "„" not in english


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"«"', "'quotes' must be two characters, the opening mark then the closing one"),
        ('"«»»"', "'quotes' must be two characters"),
        ('"&»"', "'quotes' must be two quotation marks; '&' is not one"),
        ('"<>"', "'quotes' must be two quotation marks; '<' is not one"),
        ('"ab"', "'quotes' must be two quotation marks; 'a' is not one"),
        ('"%%"', "'quotes' must be two quotation marks; '%' is not one"),
        ('"\u200b»"', "'quotes' must be two quotation marks; '\\u200b' is not one"),
        ("7", "'quotes' must be text"),
    ],
)
def test_quotation_marks_that_cannot_be_are_refused_at_their_line(run, tmp_path, value, expected):
    site = make_site(tmp_path / "site", "bilingual")
    toml = site / "site.toml"
    text = toml.read_text()
    toml.write_text(text.replace('name = "Español"\n', f'name = "Español"\nquotes = {value}\n', 1))
    result = run(site, "build")
    assert result.code == 1 and expected in result.err, result.err
    line = text[: text.index('name = "Español"')].count("\n") + 2
    assert f"site.toml:{line}: " in result.err, result.err


def test_a_mistake_inside_a_language_block_is_reported_once(run, tmp_path):
    """An unknown key in [languages.quality] names its block once; a broken
    [[languages.topics]] block is not also reported as a topic with no words."""
    site = make_site(tmp_path / "site", "trilingual")
    toml = site / "site.toml"
    text = toml.read_text()
    text = text.replace(
        'readability = "wiener_sachtextformel"', 'readability = "wiener_sachtextformel"\nbogus = 1'
    )
    toml.write_text(text.replace('title = "Thema Beta"', 'title = "Thema Beta"\nquotes = "«»"'))
    result = run(site, "build")
    assert result.code == 1, result.err
    assert "unknown key 'bogus' in [languages.quality] in [[languages]] 'de'\n" in result.err
    assert "unknown key 'quotes' in [[languages.topics]] in [[languages]] 'de'" in result.err
    assert "has no words" not in result.err and "2 problems found" in result.err, result.err


def test_source_titles_in_structured_data_have_the_languages_quotes(trilingual):
    page = (trilingual / "de/artikel/erster-artikel/index.html").read_text()
    blocks = [json.loads(b) for b in re.findall(r'ld\+json">(.*?)</script>', page, re.S)]
    names = [c["name"] for b in blocks for c in b.get("citation", [])]
    assert names == ["A „study“ of things"], names


def test_a_partial_imported_without_context_shows_each_language_its_own(tmp_path):
    # Jinja runs a template imported without context once and keeps what it made; each
    # edition must run it with its own globals (before: Spanish pages showed the English one)
    base = (REPO / "templates/base.html").read_text()
    site = make_site(
        tmp_path / "site",
        "bilingual",
        {
            "templates/_newest.html": "{% set newest = site.articles[0] %}"
            "{% macro newest_link() %}<p class=newest>{{ newest.title }}</p>{% endmacro %}",
            "templates/base.html": '{% from "_newest.html" import newest_link %}'
            + base.replace("</footer>", "{{ newest_link() }}</footer>", 1),
        },
    )
    out = tmp_path / "out"
    pipeline.build(site, out, search_index=False)
    assert "<p class=newest>The first article</p>" in (out / "index.html").read_text()
    assert "<p class=newest>El primer artículo</p>" in (out / "es/index.html").read_text()
