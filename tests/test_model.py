import random
from datetime import date

from sitegen import urls
from sitegen.config import Config, Topic
from sitegen.document import Document
from sitegen.markup import convert
from sitegen.model import RELATED_COUNT, build_editions

TOPICS = ("a", "b", "c", "d")
BODY = convert("", 1)


def doc(kind, slug, topics=("a",), published=date(2026, 1, 1)):
    return Document(
        kind=kind,
        slug=slug,
        path=f"content/{kind}/{slug}.md",
        title=slug,
        summary="s",
        topics=topics,
        sources=(),
        body=BODY,
        key_lines=(),
        published=published,
    )


def config():
    return Config(
        root=None,
        title="T",
        description="D",
        base_url="https://x.org/r/",
        topics=tuple(Topic(t, t.upper(), "d") for t in TOPICS),
    )


def brute_related(site, d):
    scored = [
        (len(set(d.topics) & set(a.topics)), i, a)
        for i, a in enumerate(site.articles)
        if a.path != d.path and set(d.topics) & set(a.topics)
    ]
    scored.sort(key=lambda x: (-x[0], x[1]))
    return tuple(a for _, _, a in scored[:RELATED_COUNT])


def test_related_matches_a_brute_force_ranking():
    rng = random.Random(7)
    articles = [
        doc(
            "article",
            f"a{i}",
            tuple(rng.sample(TOPICS, rng.randint(1, 3))),
            date(2026, 1, 1 + i % 28),
        )
        for i in range(120)
    ]
    site = build_editions(config(), [*articles, doc("page", "get-help")])[0]
    for a in site.articles:
        assert site.related(a) == brute_related(site, a)


def test_neighbours_walk_the_first_topic_oldest_to_newest():
    older, middle, newer = (
        doc("article", n, ("a",), date(2026, 1, d)) for n, d in (("old", 1), ("mid", 2), ("new", 3))
    )
    site = build_editions(config(), [older, middle, newer, doc("page", "get-help")])[0]
    assert site.neighbours(middle) == (older, newer)
    assert site.neighbours(older) == (None, middle)


def test_urls_follow_the_contract():
    assert urls.path(doc("article", "x")) == "articles/x/"
    assert urls.path(doc("faq", "q")) == "faq/#q"
    assert urls.path(doc("page", "about")) == "about/"


def test_articles_are_newest_first_and_drafts_are_kept_apart():
    draft = Document(**{**doc("article", "d").__dict__, "draft": True})
    site = build_editions(
        config(),
        [
            doc("article", "x", published=date(2026, 1, 1)),
            doc("article", "y", published=date(2026, 2, 1)),
            draft,
            doc("page", "get-help"),
        ],
    )[0]
    assert [a.slug for a in site.articles] == ["y", "x"]
    assert site.drafts == (draft,)
    with_drafts = build_editions(config(), [draft, doc("page", "get-help")], drafts=True)[0]
    assert [a.slug for a in with_drafts.articles] == ["d"]
