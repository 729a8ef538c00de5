"""Take the README's screenshots from a real build: home and an article (in English and in
Spanish), phone and desktop.

python tools/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.served import real_site_in_chromium  # noqa: E402

SHOTS = {
    "home": "",
    "article": "articles/why-crying-in-therapy-can-help/",
    "article-es": "es/articulos/por-que-llorar-en-terapia-puede-ayudar/",
}
SIZES = {"phone": (390, 844), "desktop": (1280, 900), "narrow": (320, 640)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--scheme", choices=["light", "dark"], default="light")
    parser.add_argument("--full-page", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with real_site_in_chromium("/crying-in-therapy/") as (start, browser):
        for size, (width, height) in SIZES.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, color_scheme=args.scheme
            )
            page = context.new_page()
            for name, path in SHOTS.items():
                page.goto(start + path)
                suffix = "" if args.scheme == "light" else "-dark"
                target = args.out / f"{name}-{size}{suffix}.png"
                page.screenshot(path=str(target), full_page=args.full_page)
                print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
            context.close()


if __name__ == "__main__":
    main()
