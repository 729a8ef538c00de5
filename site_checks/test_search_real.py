"""Reader queries through the real site's search page: the page that answers must come first
(or, where two pages answer, within the first three)."""

from __future__ import annotations

import pytest

from tests.test_browser import search_results  # the fixtures come from conftest.py

FIRST = {
    "antidepressant": "faq/#should-i-stop-my-antidepressant-if-i-cant-cry",
    "first session": "articles/crying-in-your-first-session/",
    "complain": "faq/#how-do-i-complain-about-a-therapist",
    "988": "get-help/",
    "hug": "faq/#can-my-therapist-hug-me",
    "numb": "articles/emotional-numbness-and-antidepressants/",
    "judge me": "faq/#will-my-therapist-judge-me",
    "embarrassed": "faq/#what-if-i-feel-embarrassed-afterwards",
    "apologize": "faq/#should-i-apologize-for-crying",
    "pause": "faq/#can-i-ask-to-pause",
    "stress hormones": "faq/#does-crying-lower-stress-hormones",
    "worse after crying": "faq/#why-do-i-feel-worse-after-crying",
}
TOP_THREE = {
    "therapist cried": "articles/when-therapists-cry/",
    "stop crying": "faq/#what-if-i-cant-stop-crying",
    "men cry": "faq/#do-men-cry-in-therapy",
}


@pytest.mark.parametrize("query", sorted(FIRST))
def test_the_answer_comes_first(browser, origin, query):
    assert search_results(browser, origin, query)[0] == FIRST[query]


@pytest.mark.parametrize("query", sorted(TOP_THREE))
def test_the_answer_is_in_the_first_three(browser, origin, query):
    assert TOP_THREE[query] in search_results(browser, origin, query)[:3]
