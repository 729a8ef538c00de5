"""Where the real site's search puts the page that answers each of a list of reader queries:
the site built with its search index, served under a sub-path, and searched in Chromium.

python tools/search_ranks.py ["a query" ...]

Prints each query's rank of the expected page (99: not in the first twenty) and its first three
results, then how many came first and how many within the first three. The list below is wider
than the tests' (site_checks/test_search_real.py), which hold the queries that must come first.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import SUB_PATH  # noqa: E402
from tests.test_browser import search_results  # noqa: E402
from tools.served import real_site_in_chromium  # noqa: E402

EXPECTED = {
    "my therapist cried": "faq/#is-it-ok-for-a-therapist-to-cry",
    "does crying help": "articles/why-crying-in-therapy-can-help/",
    "is it normal to cry in therapy": "articles/is-it-normal-to-cry-in-therapy/",
    "cant stop crying": "faq/#what-if-i-cant-stop-crying",
    "is crying good for you": "articles/why-crying-in-therapy-can-help/",
    "why does my therapist cry": "articles/when-therapists-cry/",
    "crying every session": "articles/crying-every-session/",
    "couples therapy": "articles/crying-in-couples-family-and-group-therapy/",
    "body when I cry": "articles/what-happens-in-your-body-when-you-cry/",
    "shame": "articles/why-crying-can-feel-shameful/",
    "trust": "articles/tears-and-trust/",
    "crying online": "articles/crying-in-online-therapy/",
    "i never cry in therapy": "faq/#is-it-bad-that-i-never-cry-in-therapy",
    "therapist reacted badly": "articles/when-a-therapist-reacts-badly/",
    "manipulative": "articles/worried-crying-looks-manipulative/",
    "tears toxins": "faq/#do-tears-flush-out-toxins",
    "therapist going away": "faq/#what-if-my-therapist-is-going-away",
    "can't cry in therapy": "articles/when-you-cant-cry-in-therapy/",
    "¿es normal llorar en terapia?": "es/articulos/es-normal-llorar-en-terapia/",
    "vergüenza": "es/articulos/por-que-llorar-puede-dar-verguenza/",
    "mi terapeuta lloró": "es/preguntas-frecuentes/#esta-bien-que-un-terapeuta-llore",
}


def main(queries: list[str]) -> None:
    with real_site_in_chromium(SUB_PATH) as (start, browser):
        ranks = []
        for query in queries or list(EXPECTED):
            expected = EXPECTED.get(query, "")
            page = "es/buscar/" if expected.startswith("es/") else "search/"
            found = search_results(browser, (start, None), query, page)
            rank = found.index(expected) + 1 if expected in found else 99
            ranks.append(rank)
            print(f"{rank:3}  {query!r:40} " + " | ".join(found[:3]))
        print(f"first: {ranks.count(1)} of {len(ranks)}; first three: {sum(r <= 3 for r in ranks)}")


if __name__ == "__main__":
    main(sys.argv[1:])
