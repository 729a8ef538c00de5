"""The interface in each language: the templates' words from gettext catalogs, dates and the
names of languages from Babel (CLDR). Nothing here knows any particular language.

The templates are written in English (TEMPLATE_LANGUAGE) and mark each phrase for translation,
``{{ _("Topics") }}``. Every other language has a catalog, locales/<code>/LC_MESSAGES/messages.po,
which a translator edits with any .po editor (pybabel extract and update fill it with every
phrase). A phrase missing from a catalog is a build error that names it.
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Iterable
from datetime import date, datetime
from email import message_from_string
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
import markupsafe
from babel import Locale
from babel.core import get_global
from babel.dates import format_date
from babel.messages.catalog import Catalog, Message, parse_separated_header
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, PoFileParser

from . import files
from .errors import SiteError
from .schema import CONTROL_RE

TEMPLATE_LANGUAGE = "en"  # the language the templates' phrases are written in
CATALOG = "locales/{}/LC_MESSAGES/messages.po"
GETTEXT_FUNCTIONS = ("_", "gettext", "ngettext", "pgettext", "npgettext")
CONTEXT_FUNCTIONS = ("pgettext", "npgettext")  # their first argument is a context (msgctxt)


def N_(message: str) -> str:  # noqa: N802  (the name pybabel looks for)
    """Mark a phrase the code itself puts on pages, for pybabel extract (see babel.cfg)."""
    return message


# The phrases the code puts on pages besides the templates' own, with where each is used; a
# catalog must translate them too.
BACKLINK = N_("Back to note %(num)d")  # the title of a footnote's link back to the text
CODE_PHRASES = {BACKLINK: "the link back from a footnote (sitegen/markup.py)"}


def catalog_path(code: str, found: Iterable[str] = ()) -> str:
    """Where language ``code``'s catalog is: locales/pt-BR/… or, as pybabel names the folder,
    locales/pt_BR/… (the one that exists, of ``found``; the first when neither does)."""
    names = [CATALOG.format(code), CATALOG.format(code.replace("-", "_"))]
    return next((name for name in names if name in found), names[0])


def needs_catalog(code: str) -> bool:
    """Whether pages in language ``code`` need a catalog: all but the templates' own."""
    return _locale(code).language != TEMPLATE_LANGUAGE


MAX_CATALOG_BYTES = 2_000_000  # a catalog of this site's phrases is about 10 kB
MAX_PLURALS = 6  # CLDR's most (Arabic: zero, one, two, few, many, other)
PLURAL_FORMS_RE = re.compile(r"plural-forms|nplurals", re.I)  # the header's line of them
# Linear on any text: neither pattern can run past the next < or %( it would start from.
TAG_RE = re.compile(r"<[^<>]*>")
# A named placeholder, as newstyle gettext fills them: %(name)s, %(num)d.
NAMED_RE = re.compile(r"%\(([^()%]*)\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")
VOID_TAGS = frozenset({"br", "wbr", "img", "hr"})
PO_LINE_RE = re.compile(
    r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*$'
)


def load(
    root: Path, codes: Iterable[str], env: jinja2.Environment
) -> tuple[dict[str, gettext.NullTranslations], list[SiteError]]:
    """The translations for each language (``codes``), and every problem: a catalog that is
    missing, unreadable, too big or not a .po file, a phrase it lacks, and a translation that
    would change the page's markup or its placeholders."""
    tree = files.walk(root, "locales")
    found = {f.rel: f for f in tree.files}
    phrases: dict[Phrase, str] | None = None  # parsed once a catalog needs them
    translations: dict[str, gettext.NullTranslations] = {}
    errors: list[SiteError] = list(tree.errors)
    reported = {e.path for e in tree.errors}
    for code in codes:
        name = catalog_path(code, found)
        translations[code] = gettext.NullTranslations()
        if name not in found:
            if needs_catalog(code) and name not in reported:
                errors.append(
                    SiteError(
                        name,
                        None,
                        f"no catalog of the templates' phrases in language '{code}'",
                        f"create it: pybabel init -i messages.pot -d locales -l {code.replace('-', '_')} "
                        "(see the README), or copy another language's and translate it",
                    )
                )
            continue
        catalog, problems = _read(found[name].path, name, code)
        errors += problems
        if catalog is None:
            continue
        if needs_catalog(code):
            if phrases is None:
                phrases = {
                    **template_phrases(env),
                    **{Phrase(p): w for p, w in CODE_PHRASES.items()},
                }
            errors += _missing(catalog, name, phrases)
        errors += _unsafe(catalog, name)
        try:
            translations[code] = _Escaped(_translations(catalog))
        except (LookupError, ValueError) as exc:  # e.g. an unknown charset in its header
            errors.append(
                SiteError(
                    name,
                    catalog.header_line,
                    f"not a readable catalog: {exc}",
                    "compare it with a catalog made by pybabel init",
                )
            )
    return translations, errors


def _read(path: Path, name: str, code: str) -> tuple[_Catalog | None, list[SiteError]]:
    """A catalog file, parsed and checked line by line; None with the reasons when it is not
    one."""
    try:
        raw = files.read(path)
    except OSError as exc:
        return None, [files.unreadable(name, exc)]
    if len(raw) > MAX_CATALOG_BYTES:
        return None, [
            SiteError(
                name,
                None,
                f"{len(raw):,} bytes; a catalog may hold {MAX_CATALOG_BYTES:,}",
                "a catalog of the templates' phrases is about 10 kB: check that this is the "
                "catalog, not another file saved under its name",
            )
        ]
    errors = []
    try:
        lines = raw.decode("utf-8-sig").splitlines()  # any line ending
    except UnicodeDecodeError:
        return None, [SiteError(name, None, "not UTF-8 text", "save the catalog as UTF-8")]
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not PO_LINE_RE.match(stripped):
            errors.append(
                SiteError(
                    name,
                    number,
                    "not a line of a .po catalog",
                    'each line is msgid "...", msgstr "...", a "..." continuation or a # comment;'
                    " check for a missing closing quote",
                )
            )
    if errors:
        return None, errors[:20]
    catalog = _Catalog(locale=code.replace("-", "_"))
    header = next((n for n, t in enumerate(lines, 1) if PLURAL_FORMS_RE.search(t)), None)
    fix = "copy the Plural-Forms line from a catalog made by pybabel init for this language"
    try:  # the line check and Babel's parser see the same lines
        parser = PoFileParser(catalog, ignore_obsolete=False, abort_invalid=True)
        parser.parse(io.StringIO("\n".join(lines)))
    except (PoFileError, ValueError, LookupError, SyntaxError, RecursionError) as exc:
        if catalog.bad_plurals is None:
            if not catalog.whole_nplurals:  # Babel's int() of it failed
                return None, [SiteError(name, header, "Plural-Forms has no whole nplurals", fix)]
            # an error without a line comes from the header (its Language, charset or dates)
            where = getattr(exc, "lineno", None) or catalog.header_line
            return None, [
                SiteError(
                    name,
                    where,
                    f"not a readable catalog: {exc}",
                    "compare it with a catalog made by pybabel init",
                )
            ]
    if catalog.bad_plurals is not None:  # its plural entries could not be read either
        return None, [
            SiteError(
                name,
                header,
                f"Plural-Forms says nplurals={catalog.bad_plurals}; a language has 1 to "
                f"{MAX_PLURALS} forms",
                fix,
            )
        ]
    try:
        plural = gettext.c2py(catalog.plural_expr)
        wrong = next((n for n in range(1001) if not 0 <= plural(n) < catalog.num_plurals), None)
    except (ValueError, SyntaxError, RecursionError, ArithmeticError, TypeError) as exc:
        reason = (
            "divides by zero" if isinstance(exc, ArithmeticError) else f"cannot be read ({exc})"
        )
        return None, [SiteError(name, header, f"Plural-Forms: its plural rule {reason}", fix)]
    if wrong is not None:
        return None, [
            SiteError(
                name,
                header,
                f"Plural-Forms gives form {plural(wrong)} for {wrong}, but the catalog has "
                f"{catalog.num_plurals} forms",
                fix,
            )
        ]
    if catalog.repeated:
        return None, [
            SiteError(
                name,
                message.lineno,
                f'msgid "{_first(message.id)}" is given twice'
                + (f' (msgctxt "{message.context}")' if message.context else ""),
                "keep one entry for each phrase: delete the other, after moving its translation "
                "if it is the better one",
            )
            for message in catalog.repeated[:20]
        ]
    return catalog, []


class _Catalog(Catalog):
    """A catalog that notes each phrase given twice, which Babel would merge without a word,
    and a Plural-Forms count no language has. (Babel's parser sizes each plural entry by
    ``num_plurals`` as it reads it: tested with babel 2.x, which pyproject.toml pins.)"""

    def __init__(self, locale: str) -> None:
        super().__init__(locale=locale)
        self.repeated: list[Message] = []
        self.bad_plurals: int | None = None  # a Plural-Forms count no language has
        self.whole_nplurals = True  # False: the header's nplurals is not a whole number
        self.header_line: int | None = None

    @property
    def num_plurals(self) -> int:
        """Babel's count, read from the header as Babel reads it (any spelling); one outside
        1..MAX_PLURALS is noted and read as 1, so that no plural entry gets millions of forms
        while the file is parsed."""
        count = super().num_plurals
        if not 1 <= count <= MAX_PLURALS:
            self.bad_plurals = count
            return 1
        return count

    def __setitem__(self, id: Any, message: Message) -> None:
        if not id:  # the header, which Babel reads as it is set (and may fail on)
            self.header_line = message.lineno
            self.whole_nplurals = _whole_nplurals(str(message.string))
        elif self.get(id, message.context) is not None:
            self.repeated.append(message)
        super().__setitem__(id, message)


def _whole_nplurals(header: str) -> bool:
    """Whether a catalog header's Plural-Forms, if it has one, gives nplurals as a whole
    number, read as Babel reads it."""
    forms = [v for k, v in message_from_string(header).items() if k.lower() == "plural-forms"]
    try:
        for value in forms:
            int(parse_separated_header(f" ;{value}").get("nplurals", 2))
    except ValueError:
        return False
    return True


def _first(msgid: str | tuple[str, ...] | list[str]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def _unsafe(catalog: Catalog, name: str) -> list[SiteError]:
    """Translations that would change a page beyond its words: a placeholder the phrase lacks,
    a lone % (which the page's own formatting would read as one), or markup other than the
    phrase's own."""
    errors = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        allowed = {m.group(0) for msgid in ids for m in NAMED_RE.finditer(msgid)}
        tags = TAG_RE.findall(ids[0])
        controls = set(CONTROL_RE.findall("".join(ids)))
        for text in strings:
            if not text:
                continue
            problem = _placeholder_problem(text, allowed)
            stray = next((c for c in CONTROL_RE.findall(text) if c not in controls), None)
            if problem is None and stray is not None:
                problem = (
                    f"holds the control character U+{ord(stray):04X}, which the phrase does not",
                    r"remove it (an escape such as \t, \r or \a in the msgstr)",
                )
            if problem is None and "<" in ids[0] and _markup_changed(text, tags):
                problem = (
                    "changes the phrase's markup",
                    "keep every tag of the msgid exactly, and no other < in the text, e.g. "
                    + (tags[0] if tags else "<a>"),
                )
            if problem is not None:
                errors.append(
                    SiteError(
                        name,
                        message.lineno,
                        f'the translation of "{ids[0]}" {problem[0]}',
                        problem[1],
                    )
                )
    return errors


def _markup_changed(text: str, tags: list[str]) -> bool:
    """Whether ``text`` holds markup other than ``tags``, each once (a tag more, a tag less, or
    a < that starts anything else: an unclosed tag, a comment), or holds them in an order that
    does not nest (an end tag before its start tag). Elements may change places, as another
    language's word order needs."""
    found = TAG_RE.findall(text)
    if sorted(found) != sorted(tags) or "<" in TAG_RE.sub("", text):
        return True
    open_tags: list[str] = []
    for tag in found:
        name = tag.strip("</>").split()[0].lower() if tag.strip("</>").split() else ""
        if tag.startswith("</"):
            if not open_tags or open_tags.pop() != name:
                return True
        elif not tag.endswith("/>") and name not in VOID_TAGS:
            open_tags.append(name)
    return bool(open_tags)


def _placeholder_problem(text: str, allowed: set[str]) -> tuple[str, str] | None:
    for match in NAMED_RE.finditer(text):
        if match.group(0) not in allowed:  # the name and the type: %(topic)s, not %(topic)r
            return (
                f"uses {match.group(0)}, which the phrase does not have",
                "use only the msgid's placeholders, written as they are there",
            )
    if "%" in NAMED_RE.sub("", text).replace("%%", ""):  # "100% seguro" would read "% s"
        return 'has a lone "%"', 'write "%%" for a percent sign'
    return None


class _Escaped(gettext.NullTranslations):
    """A catalog's translations as the templates take them: a phrase with no markup is text,
    escaped (so a quote or a < in a translation cannot end an attribute or start a tag); a
    phrase with markup keeps it (load checked that it is the msgid's own)."""

    def __init__(self, inner: gettext.NullTranslations) -> None:
        super().__init__()
        self.inner = inner

    def gettext(self, message: str) -> str:
        return _text(message, self.inner.gettext(message))

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return _text(msgid1, self.inner.ngettext(msgid1, msgid2, n))

    def pgettext(self, context: str, message: str) -> str:
        return _text(message, self.inner.pgettext(context, message))

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return _text(msgid1, self.inner.npgettext(context, msgid1, msgid2, n))


def _text(msgid: str, translated: str) -> str:
    return translated if "<" in msgid else str(markupsafe.escape(translated))


class Phrase(NamedTuple):
    """A phrase the templates mark: its msgid, with its plural and its context when it has them."""

    msgid: str
    plural: str | None = None
    context: str | None = None


def template_phrases(env: jinja2.Environment) -> dict[Phrase, str]:
    """Every phrase the templates mark for translation, with where it first appears."""
    phrases: dict[Phrase, str] = {}
    for name in env.list_templates():
        try:
            source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
            found = list(env.extract_translations(source, GETTEXT_FUNCTIONS))
        except (jinja2.TemplateError, OSError, UnicodeDecodeError, RecursionError):
            continue  # a template that does not load is reported when it renders
        for line, function, message in found:
            # the string arguments in order (None: one that is not a string)
            args = message if isinstance(message, tuple) else (message,)
            context = args[0] if function in CONTEXT_FUNCTIONS else None
            forms = args[1:] if function in CONTEXT_FUNCTIONS else args
            if forms and forms[0]:
                plural = forms[1] if len(forms) > 1 else None
                phrases.setdefault(Phrase(forms[0], plural, context), f"templates/{name}:{line}")
    return phrases


def _missing(catalog: Catalog, name: str, phrases: dict[Phrase, str]) -> list[SiteError]:
    errors = []
    for phrase, where in phrases.items():
        msgid = phrase.msgid
        message = catalog.get(msgid, phrase.context)
        strings = message.string if message is not None else None
        empty = not strings or (isinstance(strings, tuple | list) and not all(strings))
        label = f'the phrase "{msgid}"' + (
            f' (msgctxt "{phrase.context}")' if phrase.context else ""
        )
        if message is not None and not empty and message.pluralizable != bool(phrase.plural):
            errors.append(
                SiteError(
                    name,
                    message.lineno,
                    f"{label} ({where}) "
                    + (
                        "has a plural: its entry needs msgid_plural and msgstr[0], msgstr[1], …"
                        if phrase.plural
                        else "has no plural: its entry needs one msgstr, without msgid_plural"
                    ),
                    "write the entry as pybabel update writes it for this phrase",
                )
            )
        elif message is None or empty or message.fuzzy:
            state = (
                "is marked fuzzy"
                if message is not None and message.fuzzy and not empty
                else "has no translation"
            )
            context = f'msgctxt "{phrase.context}" and ' if phrase.context else ""
            errors.append(
                SiteError(
                    name,
                    message.lineno if message is not None else None,
                    f"{label} ({where}) {state}",
                    f'add {context}msgid "{msgid}" with its msgstr (pybabel update adds every '
                    "missing phrase)",
                )
            )
    return errors


def backlink_titles(translations: dict[str, gettext.NullTranslations]) -> dict[str, str]:
    """The footnote back link's title in each language, as Python-Markdown takes it: a
    str.format pattern ("Volver a la nota {0}"), from the catalog's words unescaped (Markdown
    escapes attributes itself). Braces are the translation's own; "%%" is a percent sign."""
    titles = {}
    for code, words in translations.items():
        inner = words.inner if isinstance(words, _Escaped) else words
        text = inner.gettext(BACKLINK).replace("{", "{{").replace("}", "}}")
        titles[code] = re.sub(r"%(%|\(num\)d)", lambda m: "%" if m[1] == "%" else "{0}", text)
    return titles


def _translations(catalog: Catalog) -> gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code, sep="-")


def long_date(value: date | datetime, language: str, pattern: str = "long") -> str:
    """A date as readers of ``language`` write it: "22 de noviembre de 2026"."""
    return format_date(value, pattern, locale=_locale(language))


def language_name(code: str, in_language: str) -> str:
    """The name of language ``code`` in language ``in_language``: ("en", "es") -> "inglés"."""
    return _locale(code).get_display_name(_locale(in_language)) or code


@cache
def plural_samples(code: str) -> dict[str, int]:
    """A count for each plural category of language ``code`` (CLDR's, as the browser's
    Intl.PluralRules names them): {"one": 1, "other": 0} in English."""
    rule = _locale(code).plural_form
    samples: dict[str, int] = {}
    for n in range(1001):
        samples.setdefault(rule(n), n)
    return samples


def direction(code: str) -> str:
    """The direction language ``code`` is written in, as HTML's dir names it: "ltr" or "rtl"
    (Arabic, Hebrew, Persian, Urdu…), from CLDR."""
    return "rtl" if _locale(code).character_order == "right-to-left" else "ltr"


def og_locale(code: str) -> str:
    """Open Graph's form of a language tag, language_TERRITORY: "es" -> "es_ES"."""
    locale = _locale(code)
    if locale.territory:
        return f"{locale.language}_{locale.territory}"
    likely_subtags = get_global("likely_subtags")
    key = f"{locale.language}_{locale.script}" if locale.script else locale.language
    likely = likely_subtags.get(key) or likely_subtags.get(locale.language) or ""
    territory = likely.rsplit("_", 1)[-1] if "_" in likely else ""  # "zh_Hant_TW" -> "TW"
    return f"{locale.language}_{territory}" if territory.isupper() else locale.language
