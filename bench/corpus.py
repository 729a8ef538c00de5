#!/usr/bin/env python3
"""Write a deterministic benchmark corpus and lay it out for four static site generators.

    python bench/corpus.py N DIR [--seed S]

Makes N articles of about 1,000 words each (headings, paragraphs, bulleted and numbered lists,
a table, emphasis and a few links to other articles) from a seeded random generator, so the
same N and seed always give byte-identical files. The corpus is made once, in one neutral form
(DIR/corpus.json: front matter fields plus a Markdown body whose internal links are written as
``[[other-slug|link text]]``), then laid out for each generator:

    DIR/sitegen/   our generator: site.toml, templates/, static/, content/{articles,pages}/
    DIR/pelican/   pelicanconf.py, content/{articles,pages}/ (Markdown with Pelican metadata)
    DIR/mkdocs/    mkdocs.yml, docs/index.md, docs/articles/*.md, docs/get-help.md
    DIR/hugo/      hugo.toml, layouts/_default/{baseof,single,list}.html, content/articles/*.md

Every generator gets the same article bodies; only the link syntax differs:
ours ``[t](slug.md)``, Pelican ``[t]({filename}slug.md)``, MkDocs ``[t](slug.md)``, Hugo
``[t]({{< relref "slug.md" >}})``. MkDocs has no title template, so its pages start with a
``# Title`` line. Each article also ends with a plain "probe" sentence (see ``probe``) that
run.py looks for in the built pages to check that a build really rendered the articles.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

MAIN = Path(__file__).resolve().parent.parent  # /work/main
BASE_URL = "https://example.org/bench/"
SITE_TITLE = "Crying in Therapy (benchmark corpus)"
LINK_RE = re.compile(r"\[\[([a-z0-9-]+)\|([^\]]+)\]\]")

TOPICS = [
    ("benefits", "Why crying can help", "What research says about when tears bring relief."),
    ("stigma", "Shame and stigma", "Why crying in front of someone can feel embarrassing."),
    ("trust", "Tears and trust", "How crying fits into the relationship with your therapist."),
    ("science", "The science of tears", "What tears are and which popular claims hold up."),
    (
        "cant-cry",
        "When you can't cry",
        "Why tears sometimes do not come, and why that is all right.",
    ),
    ("therapists", "Therapists and tears", "How therapists respond to tears."),
    (
        "support",
        "Getting support",
        "Practical ways to feel safer with tears, in and after a session.",
    ),
]

# --- word banks -------------------------------------------------------------------------------
OPENERS = [
    "Why",
    "How",
    "When",
    "What to know about",
    "A guide to",
    "Understanding",
    "Questions about",
    "Myths about",
    "Making sense of",
    "Living with",
    "Talking about",
    "Coping with",
]
SUBJECTS = [
    "crying in the first session",
    "tears and trust",
    "silence after crying",
    "crying online",
    "tears you did not expect",
    "crying every week",
    "crying about small things",
    "holding back tears",
    "crying with a new therapist",
    "tears in couples therapy",
    "crying at the end of a session",
    "tears and old memories",
    "crying after a session",
    "a therapist who cries",
    "tears and anger",
    "crying and relief",
    "tears in group therapy",
    "crying when you feel numb",
    "laughing and crying",
    "tears and shame",
    "crying in public",
    "tears and grief",
    "crying and sleep",
    "tears at work",
    "crying and stress hormones",
    "tears in childhood",
    "crying and breathing",
    "tears and apologies",
    "crying on video calls",
    "tears and boundaries",
    "crying and medication",
    "tears and culture",
    "crying and men",
    "tears and teenagers",
    "crying in long-term therapy",
    "tears and endings",
    "crying before a session",
    "tears and panic",
    "crying and hope",
    "tears and self-criticism",
]
CONTEXTS = [
    "",
    "",
    "",
    " in therapy",
    " in the room",
    " for beginners",
    " after a hard week",
    " in the first month",
    " between sessions",
    " when you feel stuck",
]
NOUNS = [
    "the session",
    "your therapist",
    "the body",
    "a memory",
    "the relationship",
    "a pause",
    "the first meeting",
    "your breathing",
    "the research",
    "a tissue box",
    "the end of the hour",
    "a difficult week",
    "your family",
    "an old story",
    "the waiting room",
    "a video call",
]
SENT_SUBJECTS = [
    "Many clients",
    "A therapist",
    "Your body",
    "The research",
    "Some people",
    "A good session",
    "Tears",
    "Crying",
    "The first session",
    "A trusted counsellor",
    "Your nervous system",
    "A long silence",
    "Shame",
    "Relief",
    "A small study",
    "Most therapists",
    "An apology",
    "A deep breath",
    "Your history",
    "The room itself",
    "A familiar song",
    "A kind word",
    "Embarrassment",
    "Grief",
    "A new client",
    "An experienced clinician",
    "A pause",
]
VERBS = [
    "can signal",
    "often follows",
    "may reflect",
    "rarely predicts",
    "tends to soften",
    "helps to show",
    "does not replace",
    "usually comes with",
    "can make room for",
    "sometimes hides",
    "may point to",
    "often eases",
    "can slowly change",
    "seldom means",
    "is part of",
    "can deepen",
    "may interrupt",
    "often brings back",
    "can quietly build",
]
OBJECTS = [
    "a need for support",
    "a sense of relief",
    "the trust you have built",
    "a change in breathing",
    "an old memory",
    "the pace of the work",
    "a feeling you had not named",
    "a moment of calm",
    "the wish to be understood",
    "a quieter mind",
    "the fear of being judged",
    "a stronger working alliance",
    "a shift in how you see yourself",
    "tiredness after the hour",
    "the words you could not find",
    "a slower heart rate",
    "a wave of sadness",
    "the end of a long effort",
    "a safer place to feel",
    "questions for the next session",
    "a kinder inner voice",
    "the courage to speak",
    "memories from childhood",
]
TAILS = [
    "",
    "",
    "",
    " in the first weeks of therapy",
    " when the topic feels close",
    ", and that is normal",
    ", even if it feels awkward at first",
    " for most people",
    ", according to several small studies",
    " over many months",
    " in a safe setting",
    " without any words at all",
    " when you least expect it",
    ", though not for everyone",
    " once the first tears have passed",
    " more than people think",
]
CONNECTORS = [
    "",
    "",
    "",
    "",
    "However, ",
    "In practice, ",
    "For example, ",
    "Over time, ",
    "At first, ",
    "Often, ",
    "Still, ",
    "In many cases, ",
    "For some people, ",
    "Even so, ",
]
H2 = [
    "What research shows",
    "Why it happens",
    "What you can do",
    "How therapists respond",
    "When to ask for help",
    "Common worries",
    "What to expect",
    "Talking about it",
    "After the session",
    "Before the session",
    "What the evidence does not show",
    "Small steps that help",
    "A note on culture",
    "When tears do not come",
    "Questions to ask",
    "How it feels from the inside",
    "Myths and facts",
    "Looking after yourself",
]
H3 = [
    "In the room",
    "Online sessions",
    "Between sessions",
    "If it feels too much",
    "Small steps",
    "With a new therapist",
    "In long-term work",
    "At home",
    "With family",
    "At work",
    "In the first weeks",
    "Later in therapy",
    "A short example",
    "What to say",
]
TABLE_HEADS = [
    ("Situation", "What may help", "How common"),
    ("Worry", "What is true", "Evidence"),
    ("Moment", "What you might feel", "Typical length"),
    ("Step", "Why it helps", "Effort"),
]
TABLE_CELLS = [
    "a slow breath",
    "a short pause",
    "naming the feeling",
    "a glass of water",
    "a tissue",
    "asking for a moment",
    "talking about it later",
    "a walk after the session",
    "writing a few lines",
    "telling your therapist",
    "a quiet evening",
    "an early night",
    "a familiar routine",
    "a call to a friend",
    "a change of topic",
    "a grounding exercise",
]
LEVELS = ["common", "fairly common", "less common", "rare", "varies", "often", "sometimes"]
LIST_ITEMS = [
    "Take a slow breath and let the moment pass",
    "Ask your therapist for a short pause",
    "Keep a glass of water within reach",
    "Write down what came up after the session",
    "Plan something gentle for the evening",
    "Tell your therapist if crying worries you",
    "Notice what you feel in your body",
    "Remember that tears are a normal response",
    "Give yourself time before driving home",
    "Bring the topic back next week if you want",
    "Say out loud what you need right now",
    "Let the silence last a little longer",
    "Use a tissue without apologising",
    "Check in with a friend afterwards",
    "Agree on a signal for when you need a break",
    "Try to name the feeling in one word",
]
HELP_PAGE = """If you are thinking about suicide, or you feel you might harm yourself, please reach out \
now. You don't have to cope with this alone.

## If you are in danger right now

- **US and Canada:** call [911](tel:911).
- **UK:** call [999](tel:999), or go to A&E.
- **European Union:** call [112](tel:112).

## Crisis lines

- Call or text [988](tel:988) to reach the 988 Suicide & Crisis Lifeline.
- Call Samaritans free on [116 123](tel:116123), day or night.
- Go to [findahelpline.com](https://findahelpline.com) for helplines in many countries.
"""


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def probe(index: int) -> str:
    """A plain sentence (letters, digits, spaces) that ends each article and marks its output."""
    return f"This is benchmark note number {index:05d} in the series"


class Writer:
    """Generates sentences, paragraphs and blocks from one seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self) -> str:
        r = self.rng
        obj = r.choice(OBJECTS)
        roll = r.random()
        if roll < 0.08:
            obj = f"*{obj}*"
        elif roll < 0.12:
            obj = f"**{obj}**"
        connector, subject = r.choice(CONNECTORS), r.choice(SENT_SUBJECTS)
        if connector:
            subject = subject[0].lower() + subject[1:]
        text = f"{connector}{subject} {r.choice(VERBS)} {obj}{r.choice(TAILS)}"
        if r.random() < 0.35:
            text += f", and {r.choice(NOUNS)} {r.choice(VERBS)} {r.choice(OBJECTS)}"
        first = text[0].upper() + text[1:]
        return first + "."

    def paragraph(self, links: list[tuple[str, str]]) -> str:
        sentences = [self.sentence() for _ in range(self.rng.randint(3, 6))]
        if links:
            slug, title = links.pop()
            text = title[0].lower() + title[1:]
            at = self.rng.randrange(1, len(sentences) + 1)
            sentences.insert(at, f"You can read more in [[{slug}|{text}]].")
        return " ".join(sentences)

    def bullets(self) -> str:
        items = self.rng.sample(LIST_ITEMS, self.rng.randint(4, 6))
        return "\n".join(f"- {item}." for item in items)

    def numbered(self) -> str:
        items = self.rng.sample(LIST_ITEMS, self.rng.randint(3, 5))
        return "\n".join(f"{n}. {item}." for n, item in enumerate(items, start=1))

    def table(self) -> str:
        head = self.rng.choice(TABLE_HEADS)
        rows = [
            f"| {cell[0].upper() + cell[1:]} | {self.rng.choice(TABLE_CELLS)} | {self.rng.choice(LEVELS)} |"
            for cell in self.rng.sample(TABLE_CELLS, self.rng.randint(4, 5))
        ]
        return "\n".join([f"| {head[0]} | {head[1]} | {head[2]} |", "|---|---|---|", *rows])


def words(markdown: str) -> int:
    """Words a reader sees: link targets, table rules and Markdown marks are not counted."""
    text = LINK_RE.sub(r"\2", markdown)
    return len(
        [w for w in re.sub(r"[#|*\[\]]|^\d+\.|^-", " ", text, flags=re.M).split() if w.strip("-")]
    )


def make_body(w: Writer, index: int, links: list[tuple[str, str]], target: int = 1000) -> str:
    """About ``target`` words: intro, then ## sections with ### subsections, lists and a table."""
    rng = w.rng
    blocks = [w.paragraph([]), w.paragraph(links)]
    h2s = rng.sample(H2, 6)
    h3_pool = rng.sample(H3, len(H3))
    extras = ["bullets", "table", "numbered"]
    rng.shuffle(extras)
    section = 0
    while section < len(h2s) and (words("\n\n".join(blocks)) < target - 200 or extras):
        blocks.append(f"## {h2s[section]}")
        blocks.append(w.paragraph(links))
        if extras:
            kind = extras.pop()
            blocks.append(getattr(w, kind)())
        if section % 2 == 1 and h3_pool:
            blocks.append(f"### {h3_pool.pop()}")
            blocks.append(w.paragraph(links))
        blocks.append(w.paragraph(links))
        section += 1
    blocks.append(f"{w.paragraph(links)} {probe(index)}.")
    return "\n\n".join(blocks) + "\n"


def make_corpus(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    titles, slugs = [], []
    seen: dict[str, int] = {}
    for _ in range(n):
        title = f"{rng.choice(OPENERS)} {rng.choice(SUBJECTS)}{rng.choice(CONTEXTS)}"
        slug = slugify(title)
        count = seen[slug] = seen.get(slug, 0) + 1
        if count > 1:  # the same title again: number it (no base slug ends in a digit)
            slug, title = f"{slug}-{count}", f"{title} ({count})"
        titles.append(title)
        slugs.append(slug)
    w = Writer(rng)
    first_day = date(2021, 1, 1)
    articles = []
    for i in range(n):
        others = [j for j in rng.sample(range(n), min(n, 5)) if j != i][: rng.randint(2, 4)]
        links = [(slugs[j], titles[j]) for j in others]
        topics = rng.sample([t[0] for t in TOPICS], rng.randint(1, 3))
        summary = w.sentence()
        while len(summary) < 90:
            more = w.sentence()
            if len(summary) + 1 + len(more) > 160:
                break
            summary += " " + more
        if len(summary) > 160:  # one long sentence: cut at a word
            summary = summary[:156].rsplit(" ", 1)[0].rstrip(",.") + "."
        articles.append(
            {
                "slug": slugs[i],
                "title": titles[i],
                "summary": summary.replace("*", ""),
                "topics": topics,
                "published": (first_day + timedelta(days=rng.randrange(0, 2000))).isoformat(),
                "body": make_body(w, i, links),
                "probe": probe(i),
            }
        )
    return articles


def body_for(article: dict, fmt: str) -> str:
    """The neutral body with its [[slug|text]] links in one generator's syntax."""
    patterns = {
        "sitegen": r"[\2](\1.md)",
        "pelican": r"[\2]({filename}\1.md)",
        "mkdocs": r"[\2](\1.md)",
        "hugo": r'[\2]({{< relref "\1.md" >}})',
    }
    return LINK_RE.sub(patterns[fmt], article["body"])


def q(text: str) -> str:
    """A YAML (and TOML) double-quoted string."""
    return json.dumps(text, ensure_ascii=False)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- layouts ----------------------------------------------------------------------------------
def layout_sitegen(root: Path, articles: list[dict]) -> None:
    shutil.copytree(MAIN / "templates", root / "templates")
    shutil.copytree(MAIN / "static", root / "static")
    topics = "\n".join(
        f'[[topics]]\nid = "{i}"\ntitle = {q(t)}\ndescription = {q(d)}\n' for i, t, d in TOPICS
    )
    write(
        root / "site.toml",
        f"""# Benchmark corpus for bench/run.py; generated by bench/corpus.py.

[site]
title = {q(SITE_TITLE)}
description = "A generated corpus of articles used to time the site generator."
base_url = "{BASE_URL}"
language = "en"
output = "_site"
help_page = "get-help"
feed_content = "summary"
feed_entries = 20

[disclaimer]
text = "This site shares general information about crying in therapy. It is not medical advice and does not replace care from a qualified professional. If you are in danger, call your local emergency number now."

[[help]]
region = "US"
name = "988 Suicide & Crisis Lifeline"
contact = "Call or text 988"
url = "tel:988"

[[help]]
region = "Elsewhere"
name = "Find A Helpline"
contact = "findahelpline.com lists free, confidential helplines"
url = "https://findahelpline.com"

{topics}
[quality]
min_sources = 3
max_review_age_days = 365
max_median_grade = 8.0
max_grade = 10.0
max_summary_length = 160
min_articles_per_topic = 2
""",
    )
    write(
        root / "content/pages/get-help.md",
        f"---\ntitle: Get help now\nsummary: {q('Crisis lines and emergency numbers.')}\n---\n"
        + HELP_PAGE,
    )
    for a in articles:
        write(
            root / f"content/articles/{a['slug']}.md",
            f"---\ntitle: {q(a['title'])}\nsummary: {q(a['summary'])}\n"
            f"topics: [{', '.join(a['topics'])}]\npublished: {a['published']}\n---\n"
            + body_for(a, "sitegen"),
        )


def layout_pelican(root: Path, articles: list[dict]) -> None:
    write(
        root / "pelicanconf.py",
        f"""# Generated by bench/corpus.py
AUTHOR = "Editorial team"
SITENAME = {q(SITE_TITLE)}
SITEURL = "{BASE_URL.rstrip("/")}"
RELATIVE_URLS = False
PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
ARTICLE_URL = "articles/{{slug}}/"
ARTICLE_SAVE_AS = "articles/{{slug}}/index.html"
PAGE_URL = "{{slug}}/"
PAGE_SAVE_AS = "{{slug}}/index.html"
# Pelican's default Markdown settings plus toc, so headings get ids as with the other generators
MARKDOWN = {{
    "extension_configs": {{
        "markdown.extensions.codehilite": {{"css_class": "highlight"}},
        "markdown.extensions.extra": {{}},
        "markdown.extensions.meta": {{}},
        "markdown.extensions.toc": {{}},
    }},
    "output_format": "html5",
}}
""",
    )
    write(
        root / "content/pages/get-help.md",
        "Title: Get help now\nSlug: get-help\nSummary: Crisis lines and emergency numbers.\n\n"
        + HELP_PAGE,
    )
    for a in articles:
        write(
            root / f"content/articles/{a['slug']}.md",
            f"Title: {a['title']}\nDate: {a['published']}\nSlug: {a['slug']}\n"
            f"Category: {a['topics'][0]}\nTags: {', '.join(a['topics'])}\n"
            f"Summary: {a['summary']}\n\n" + body_for(a, "pelican"),
        )


def layout_mkdocs(root: Path, articles: list[dict]) -> None:
    # No search plugin (plugins: []), no highlight.js from a CDN, and the articles left out of
    # the navigation: the default theme otherwise repeats the whole nav in every page, which
    # makes the output grow with the square of the article count.
    write(
        root / "mkdocs.yml",
        f"""# Generated by bench/corpus.py
site_name: {q(SITE_TITLE)}
site_url: {BASE_URL}
docs_dir: docs
theme:
  name: mkdocs
  highlightjs: false
  hljs_languages: []
plugins: []
nav:
  - Home: index.md
  - Get help now: get-help.md
not_in_nav: |
  /articles/
validation:
  nav:
    omitted_files: ignore
    not_found: warn
  links:
    not_found: warn
""",
    )
    listing = "\n".join(f"- [{a['title']}](articles/{a['slug']}.md)" for a in articles)
    write(root / "docs/index.md", f"# {SITE_TITLE}\n\n{listing}\n")
    write(root / "docs/get-help.md", "# Get help now\n\n" + HELP_PAGE)
    for a in articles:
        write(
            root / f"docs/articles/{a['slug']}.md",
            f"---\ntitle: {q(a['title'])}\ndescription: {q(a['summary'])}\n---\n\n"
            f"# {a['title']}\n\n" + body_for(a, "mkdocs"),
        )


HUGO_BASEOF = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ .Summary | plainify }}{{ end }}">
</head>
<body>
<header><a href="{{ "" | relURL }}">{{ site.Title }}</a> · <a href="{{ "get-help/" | relURL }}">Get help now</a></header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer><p>This site shares general information about crying in therapy. It is not medical advice.</p></footer>
</body>
</html>
"""
HUGO_SINGLE = """{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ with .Params.summary }}<p class="lead">{{ . }}</p>{{ end }}
{{ if not .Date.IsZero }}<p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time></p>{{ end }}
{{ with .GetTerms "topics" }}<p>Topics: {{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</p>{{ end }}
{{ .Content }}
</article>
{{ end }}
"""
HUGO_LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ with .Params.summary }}: {{ . }}{{ end }}</li>
{{ end }}
</ul>
{{ end }}
"""


def layout_hugo(root: Path, articles: list[dict]) -> None:
    write(
        root / "hugo.toml",
        f"""# Generated by bench/corpus.py
baseURL = "{BASE_URL}"
title = {q(SITE_TITLE)}
buildFuture = true
enableRobotsTXT = false
disableKinds = []

[taxonomies]
topic = "topics"

[markup.goldmark.renderer]
unsafe = false
""",
    )
    write(root / "layouts/_default/baseof.html", HUGO_BASEOF)
    write(root / "layouts/_default/single.html", HUGO_SINGLE)
    write(root / "layouts/_default/list.html", HUGO_LIST)
    write(root / "content/_index.md", f"---\ntitle: {q(SITE_TITLE)}\n---\n")
    write(root / "content/articles/_index.md", "---\ntitle: Articles\n---\n")
    write(
        root / "content/get-help.md",
        f"---\ntitle: Get help now\nsummary: {q('Crisis lines and emergency numbers.')}\n---\n"
        + HELP_PAGE,
    )
    for a in articles:
        write(
            root / f"content/articles/{a['slug']}.md",
            f"---\ntitle: {q(a['title'])}\nsummary: {q(a['summary'])}\ndate: {a['published']}\n"
            f"slug: {q(a['slug'])}\ntopics: [{', '.join(q(t) for t in a['topics'])}]\n---\n"
            + body_for(a, "hugo"),
        )


LAYOUTS = {
    "sitegen": layout_sitegen,
    "pelican": layout_pelican,
    "mkdocs": layout_mkdocs,
    "hugo": layout_hugo,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument(
        "dir", type=Path, help="folder to write (its generator folders are replaced)"
    )
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    out: Path = args.dir.resolve()
    out.mkdir(parents=True, exist_ok=True)
    articles = make_corpus(args.n, args.seed)
    (out / "corpus.json").write_text(
        json.dumps(
            {
                "n": args.n,
                "seed": args.seed,
                "base_url": BASE_URL,
                "topics": TOPICS,
                "articles": articles,
            },
            indent=1,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    for name, layout in LAYOUTS.items():
        target = out / name
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        layout(target, articles)
    total = sum(words(a["body"]) for a in articles)
    print(f"{args.n} articles, {total / args.n:.0f} words each on average, in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
