"""How much text articles and FAQ answers share: the share of each file's 8-word sequences that
also occur in another file. Run: python tools/repetition.py [--root .] [--n 8]

Only front matter and punctuation are left out (link targets and [@citations] count, as they
did in the audit that set the target); each file's distinct sequences are compared, in lower
case. Prints each file's share (highest first) and the share over all files. Targets (issue
17): at most 3% over all files, no article above 5%."""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

WORD_RE = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    body = text.split("\n---", 1)[1] if text.startswith("---") else text
    return WORD_RE.findall(body.lower())


def grams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--n", type=int, default=8)
    args = parser.parse_args()
    paths = sorted((args.root / "content").glob("articles/*.md"))
    paths += sorted((args.root / "content").glob("faq/*.md"))
    per_file = {p: grams(words(p.read_text(encoding="utf-8")), args.n) for p in paths}
    owners: Counter[tuple[str, ...]] = Counter()
    for found in per_file.values():
        owners.update(found)
    total = shared_total = 0
    rows = []
    for path, found in per_file.items():
        shared = sum(1 for g in found if owners[g] > 1)
        total += len(found)
        shared_total += shared
        rows.append((shared / len(found) if found else 0.0, path.relative_to(args.root)))
    lines = [f"{share:6.1%}  {path}" for share, path in sorted(rows, reverse=True)]
    print("\n".join(lines))
    print(f"{shared_total / total if total else 0:6.1%}  all {len(paths)} files")


if __name__ == "__main__":
    main()
