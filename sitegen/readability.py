"""Readability formulas, by the name site.toml gives them ([quality] readability).

Each is textstat's, run with the hyphenation and word lists of the language being measured. A
"grade" is a school grade (lower reads more easily); an "ease" score is the reverse. "none"
measures nothing: for a language textstat cannot split into syllables.
"""

from __future__ import annotations

import pyphen

from .i18n import og_locale

# name -> (textstat function, "grade" or "ease")
FORMULAS: dict[str, tuple[str, str]] = {
    "flesch_kincaid_grade": ("flesch_kincaid_grade", "grade"),
    "flesch_reading_ease": ("flesch_reading_ease", "ease"),
    "szigriszt_pazos": ("szigriszt_pazos", "ease"),  # INFLESZ: Spanish
    "fernandez_huerta": ("fernandez_huerta", "ease"),  # Spanish
    "gutierrez_polini": ("gutierrez_polini", "ease"),  # Spanish
    "wiener_sachtextformel": ("wiener_sachtextformel", "grade"),  # German
    "none": ("", "none"),
}


def problem(formula: str, language: str) -> str | None:
    """Why ``formula`` cannot measure text in ``language``, or None."""
    if formula != "none" and pyphen.language_fallback(og_locale(language)) is None:
        return f"textstat cannot count syllables in '{language}', which {formula} needs"
    return None


def score(text: str, formula: str, language: str) -> float:
    """``text``'s score by ``formula``, counting syllables as ``language`` (a tag) hyphenates."""
    import textstat  # only check --strict measures: builds need not load it (60 ms)

    # the hyphenation of the language where it is most spoken: "en" -> en_US (textstat's own
    # default), "es" -> es_ES
    textstat.set_lang(og_locale(language))
    function = getattr(textstat, FORMULAS[formula][0])
    if formula == "wiener_sachtextformel":
        return float(function(text, 1))
    return float(function(text))


def measures(formula: str) -> bool:
    return formula != "none"


def easier_is_higher(formula: str) -> bool:
    return FORMULAS[formula][1] == "ease"
