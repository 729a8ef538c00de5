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
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale
from babel.core import get_global
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

from . import files
from .errors import SiteError

TEMPLATE_LANGUAGE = "en"  # the language the templates' phrases are written in
CATALOG = "locales/{}/LC_MESSAGES/messages.po"
GETTEXT_FUNCTIONS = ("_", "gettext", "ngettext")


def catalog_path(code: str) -> str:
    return CATALOG.format(code)


def needs_catalog(code: str) -> bool:
    """Whether pages in language ``code`` need a catalog: all but the templates' own."""
    return _locale(code).language != TEMPLATE_LANGUAGE


def load(
    root: Path, codes: Iterable[str], env: jinja2.Environment
) -> tuple[dict[str, gettext.NullTranslations], list[SiteError]]:
    """The translations for each language (``codes``), and every problem: a catalog that is
    missing, unreadable or not a .po file, and each template phrase a catalog lacks."""
    found = {f.rel: f for f in files.walk(root, "locales").files}
    phrases = template_phrases(env)
    translations: dict[str, gettext.NullTranslations] = {}
    errors: list[SiteError] = []
    for code in codes:
        name = catalog_path(code)
        if name not in found:
            if needs_catalog(code):
                errors.append(
                    SiteError(
                        name,
                        None,
                        f"no catalog of the templates' phrases in language '{code}'",
                        f"create it: pybabel init -i messages.pot -d locales -l {code} "
                        "(see the README), or copy another language's and translate it",
                    )
                )
            translations[code] = gettext.NullTranslations()
            continue
        try:
            catalog = read_po(
                io.BytesIO(files.read(found[name].path)),
                locale=code.replace("-", "_"),
                abort_invalid=True,
            )
        except (PoFileError, ValueError, UnicodeDecodeError, OSError) as exc:
            errors.append(
                SiteError(name, getattr(exc, "lineno", None), f"not a readable catalog: {exc}")
            )
            translations[code] = gettext.NullTranslations()
            continue
        errors += _missing(catalog, name, phrases)
        translations[code] = _translations(catalog)
    return translations, errors


def template_phrases(env: jinja2.Environment) -> dict[str | tuple[str, ...], str]:
    """Every phrase the templates mark for translation, with where it first appears."""
    phrases: dict[str | tuple[str, ...], str] = {}
    for name in env.list_templates():
        try:
            source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
            found = list(env.extract_translations(source, GETTEXT_FUNCTIONS))
        except (jinja2.TemplateError, OSError, UnicodeDecodeError, RecursionError):
            continue  # a template that does not load is reported when it renders
        for line, _, message in found:
            if isinstance(message, tuple):  # ngettext's two forms (None: a non-text argument)
                message = tuple(m for m in message if m is not None)
                message = message[0] if len(message) == 1 else message
            if message:
                phrases.setdefault(message, f"templates/{name}:{line}")
    return phrases


def _missing(catalog: Catalog, name: str, phrases: dict[Any, str]) -> list[SiteError]:
    errors = []
    for phrase, where in phrases.items():
        msgid = phrase[0] if isinstance(phrase, tuple) else phrase
        message = catalog.get(msgid)
        strings = message.string if message is not None else None
        empty = not strings or (isinstance(strings, tuple | list) and not all(strings))
        if message is None or empty or message.fuzzy:
            state = (
                "is marked fuzzy"
                if message is not None and message.fuzzy and not empty
                else "has no translation"
            )
            errors.append(
                SiteError(
                    name,
                    message.lineno if message is not None else None,
                    f'the phrase "{msgid}" ({where}) {state}',
                    f'add msgid "{msgid}" with its msgstr (pybabel update adds every missing phrase)',
                )
            )
    return errors


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


def og_locale(code: str) -> str:
    """Open Graph's form of a language tag, language_TERRITORY: "es" -> "es_ES"."""
    locale = _locale(code)
    if not locale.territory:
        likely = get_global("likely_subtags").get(locale.language, locale.language)
        locale = Locale.parse(likely)
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language
