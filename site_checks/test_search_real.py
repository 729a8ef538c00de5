"""Reader queries through the real site's search page: the page that answers must come first
(or, where two pages answer, within the first three)."""

from __future__ import annotations

import pytest

from tests.test_browser import search_results  # the fixtures come from conftest.py

FIRST = {
    "antidepressant": "articles/emotional-numbness-and-antidepressants/",
    "first session": "articles/crying-in-your-first-session/",
    "complain": "articles/when-a-therapist-reacts-badly/",
    "988": "get-help/",
    "numb": "articles/emotional-numbness-and-antidepressants/",
    "hug": "faq/#can-my-therapist-hug-me",
}
TOP_THREE = {
    "embarrassed": "articles/why-crying-can-feel-shameful/",
    "therapist cried": "articles/when-therapists-cry/",
    "worse after crying": "faq/#why-do-i-feel-worse-after-crying",
}


@pytest.mark.parametrize("query", sorted(FIRST))
def test_the_answer_comes_first(browser, origin, query):
    assert search_results(browser, origin, query)[0] == FIRST[query]


@pytest.mark.parametrize("query", sorted(TOP_THREE))
def test_the_answer_is_in_the_first_three(browser, origin, query):
    assert TOP_THREE[query] in search_results(browser, origin, query)[:3]
