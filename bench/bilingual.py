#!/usr/bin/env python3
"""Turn a benchmark corpus (made by bench/corpus.py) into a site in two languages.

    python bench/bilingual.py DIR

Copies DIR/sitegen to DIR/sitegen-bilingual and gives it a second language, Spanish: every
article gets a translation in content/es/articles/ (the same body, a `translates` line, so the
build does the same work per page as for the original), the help page one too, and site.toml a
[[languages]] block with Spanish URL segments, topics and help lines; the project's catalogs are
copied in. Time its cold build against the floor for the same pages (bench/floor.py reads every
language's articles), as bench/README.md shows.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

MAIN = Path(__file__).resolve().parent.parent

LANGUAGE = """
[[languages]]
code = "es"
name = "Español"
title = "Llorar en terapia (corpus de prueba)"
description = "Un corpus generado de artículos para medir el generador."
disclaimer = "Este sitio ofrece información general. No es consejo médico."
segments = { articles = "articulos", topics = "temas", faq = "preguntas-frecuentes", search = "buscar" }

[[languages.help]]
region = "Estados Unidos"
name = "Línea 988"
call = "988"
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="a corpus folder made by bench/corpus.py")
    args = parser.parse_args(argv)
    source, target = args.dir / "sitegen", args.dir / "sitegen-bilingual"
    if not (source / "site.toml").is_file():
        parser.error(f"{source} is not a corpus made by bench/corpus.py")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".sitegen-cache", "_site"))
    shutil.copytree(MAIN / "locales", target / "locales")
    settings = (target / "site.toml").read_text(encoding="utf-8")
    ids = re.findall(r'^id = "([^"]+)"', settings, re.M)
    topics = "".join(
        f'\n[[languages.topics]]\nid = "{i}"\ntitle = "Tema {i}"\ndescription = "Todo sobre {i}."\n'
        for i in ids
    )
    (target / "site.toml").write_text(settings + LANGUAGE + topics, encoding="utf-8")
    count = 0
    for kind in ("articles", "pages"):
        for original in sorted((target / "content" / kind).glob("*.md")):
            text = original.read_text(encoding="utf-8")
            head, _, body = text[4:].partition("\n---\n")
            translated = f"---\n{head}\ntranslates: {kind}/{original.name}\n---\n{body}"
            copy = target / "content" / "es" / kind / original.name
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(translated, encoding="utf-8")
            count += kind == "articles"
    print(f"{count} articles in two languages in {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
