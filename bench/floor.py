#!/usr/bin/env python3
"""The floor: the least work any Python Markdown site generator must do for these articles.

    python bench/floor.py SITE_DIR [--out OUT] [--jobs 2]

Reads every SITE_DIR/content/articles/*.md (and, for a site in several languages, every
SITE_DIR/content/<code>/articles/*.md), splits off the YAML front matter (PyYAML, with
libyaml's CSafeLoader when available), converts the body with bare Python-Markdown (extensions
toc and tables only), renders it through one simple Jinja2 template to a string and writes
OUT/articles/<slug>/index.html. The articles are spread over --jobs processes with
multiprocessing (one Markdown instance per process, reset between articles). No link checking,
no sanitizing, no listing pages, no feed, no search: a generator cannot do less and still
publish the same articles. OUT defaults to SITE_DIR/../floor-out; it is replaced each run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import sys
from pathlib import Path

import jinja2
import markdown
import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TEMPLATE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ title }}</title>
<meta name="description" content="{{ summary }}"></head>
<body><main><article><h1>{{ title }}</h1><p>{{ summary }}</p>
{{ body }}
</article></main></body>
</html>
"""

_md: markdown.Markdown | None = None
_template: jinja2.Template | None = None
_out: Path | None = None


def _init(out: str) -> None:
    global _md, _template, _out
    _md = markdown.Markdown(extensions=["toc", "tables"], output_format="html")
    _template = jinja2.Environment(autoescape=True).from_string(TEMPLATE)
    _out = Path(out)


def _split(text: str) -> tuple[dict, str]:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return yaml.load(text[4:end], Loader=Loader) or {}, text[end + 5 :]
    return {}, text


def convert(path: str) -> int:
    assert _md is not None and _template is not None and _out is not None
    meta, body = _split(Path(path).read_text(encoding="utf-8"))
    _md.reset()
    html = _template.render(
        title=meta.get("title", ""),
        summary=meta.get("summary", ""),
        body=jinja2.utils.markupsafe.Markup(_md.convert(body)),
    )
    language = Path(path).parent.parent.name  # "content", or a language's code
    folder = _out / language if language != "content" else _out
    target = folder / "articles" / Path(path).stem / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return len(html)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="our generator's site folder (with content/)")
    parser.add_argument("--out", type=Path, help="output folder (default SITE/../floor-out)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    args = parser.parse_args(argv)
    site = args.site.resolve()
    out = (args.out or site.parent / "floor-out").resolve()
    files = sorted(
        str(p)
        for p in [
            *(site / "content" / "articles").glob("*.md"),
            *(site / "content").glob("*/articles/*.md"),
        ]
    )
    if not files:
        print(f"no articles in {site / 'content' / 'articles'}", file=sys.stderr)
        return 1
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    chunk = max(1, len(files) // (args.jobs * 8))
    with multiprocessing.Pool(args.jobs, initializer=_init, initargs=(str(out),)) as pool:
        written = sum(pool.imap_unordered(convert, files, chunksize=chunk))
    print(f"Floor: {len(files)} articles, {written / 1e6:.1f} MB of HTML into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
