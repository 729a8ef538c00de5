"""The hostile corpus: how long one bad input file takes to be accepted or refused.

    python bench/hostile.py [--results FILE]

Each case is a small site (the valid test fixture) plus one article whose body is built to be
slow for Markdown, the sanitizer or the generator itself: runs of unmatched brackets, deep
nesting, thousands of links, a file at the size limit. Each is checked with ``build.py check``
in a fresh process, timed from start to exit, and must end (exit 0 or 1) within the target of
2 s. Timing lives here, not in the tests, because it depends on the machine.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.0
FRONT = "---\ntitle: Hostile\nsummary: S\ntopics: [alpha]\npublished: 2026-01-01\n---\n"
LIMIT = 256 * 1024  # sitegen.limits.MAX_FILE_BYTES
SIZE = LIMIT - 200  # what fits below the front matter


def fill(unit: str, size: int = SIZE) -> str:
    return unit * (size // len(unit))


def paragraphs(unit: str, per: int, count: int = 25) -> str:
    """``count`` paragraphs, each ``unit`` repeated ``per`` times: the per-paragraph limit of a
    character reached in as many paragraphs as the per-file limit allows."""
    return "\n\n".join([unit * per] * count)


CASES: dict[str, str] = {
    "prose at the size limit": fill("Plain words in a sentence that goes on. "),
    "one giant line": fill("word "),
    "9,990 lines of two words": "a b\n" * 9_990,
    "4,990 one-word paragraphs": "a\n\n" * 4_990,
    "a table of 9,990 rows": "| a | b |\n|---|---|\n" + "| a | b |\n" * 9_990,
    "'[' at the limits (200 per paragraph, 25 paragraphs)": paragraphs("[", 200),
    "'![a' at the limits": paragraphs("![a", 200),
    "'[a](' at the limits": paragraphs("[a](", 200),
    "'[^' at the limits": paragraphs("[^", 200),
    "backticks at the limits": paragraphs("` ", 200),
    "'&amp;' at the limits": paragraphs("&amp; ", 200),
    "backslash escapes at the limits": paragraphs("\\* ", 200),
    "'<a ' at the limits": paragraphs("<a ", 40),
    "1,000 raw tags": paragraphs("<b>x</b> ", 20),
    "5,000 links, one per paragraph": "\n\n".join(
        f"[l{i}](https://example.org/{i})" for i in range(5000)
    ),
    "emphasis runs": fill("*a _b "),
    "lists nested 20 deep": "\n".join("    " * i + "- x" for i in range(20)),
    "quotes nested 20 deep": "> " * 20 + "x",
    "HTML nested 50 deep": "<div>" * 50 + "x" + "</div>" * 50,
    "1,000 headings with the same text": "\n\n".join(["## Same"] * 1000),
    "1,000 headings on consecutive lines": "## a\n" * 1000,
    "500 underlined headings": "a\n===\n" * 500,
    "(refused) 1,001 headings": "## a\n" * 1001,
    "(refused) '[' x 5,001": "\n\n".join(["[" * 100] * 51),
    "(refused) backticks x 201 in a paragraph": "` " * 201,
    "(refused) lists nested 400 deep": "- " * 400 + "x",
    "(refused) HTML nested 5,000 deep": "<div>" * 5000 + "x" + "</div>" * 5000,
    "(refused) 10,001 lines": "a\n" * 10_001,
    "(refused) over the size limit": fill("words ", LIMIT + 1000),
}


def run_case(site: Path, body: str) -> tuple[int, float]:
    (site / "content/articles/hostile.md").write_text(FRONT + body + "\n", encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--root", str(site), "check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    took = time.perf_counter() - started
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        raise SystemExit(f"case crashed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return done.returncode, took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(ROOT / "tests/fixtures/valid", site)
        for folder in ("templates", "static"):
            shutil.copytree(ROOT / folder, site / folder)
        _, baseline = run_case(site, "A plain article.")
        rows = [f"| a plain article (start-up and the fixture site) | 0 | {baseline:.2f} s |"]
        worst = 0.0
        for name, body in CASES.items():
            code, took = run_case(site, body)
            worst = max(worst, took)
            rows.append(f"| {name} | {code} | {took:.2f} s |")
    table = "\n".join(["| case | exit | check took |", "|---|---|---|", *rows])
    verdict = f"slowest case {worst:.2f} s; target {TARGET_SECONDS:.0f} s"
    print(table + "\n\n" + verdict)
    if args.results:
        args.results.write_text(table + "\n\n" + verdict + "\n", encoding="utf-8")
    return 0 if worst <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
