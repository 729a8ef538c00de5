"""Hostile text in content: every payload comes out escaped, and none runs in a browser."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from .conftest import FIXTURES, make_site

PAYLOADS = (FIXTURES / "xss" / "payloads.txt").read_text().split("\n")
OWN_SCRIPTS = re.compile(
    r'<script type="application/ld\+json">.*?</script>'
    r'|<script type="module" src="/static/search\.js"></script>'
    r'|<form id="search-form" .*?</form>',
    re.S,
)  # the templates' own, not content's


def xss_site(tmp_path: Path) -> Path:
    """The fixture site with payloads in every field an editor or contributor controls."""
    body = "\n\n".join(PAYLOADS)
    one_line = " ".join(p for p in PAYLOADS if p and not p.startswith("{:"))[:2000]
    yaml_text = yaml.safe_dump(
        {"title": "T " + one_line[:300], "summary": one_line[:300]}, width=10_000
    )
    site = make_site(
        tmp_path / "site",
        files={
            "content/articles/xss.md": "---\n"
            + yaml_text
            + "topics: [alpha]\npublished: 2026-01-01\n---\n"
            + body,
            "content/faq/xss-faq.md": "---\n"
            + yaml.safe_dump({"question": one_line[:200]}, width=10_000)
            + "topics: [alpha]\n---\n"
            + body,
        },
    )
    toml = (site / "site.toml").read_text()
    toml_payload = one_line[:400].replace("\\", "\\\\").replace('"', '\\"')
    toml = toml.replace('title = "Alpha topic"', f'title = "Alpha {toml_payload}"')
    toml = toml.replace(
        'text = "Fixture disclaimer: general information, not medical advice."',
        f'text = "Fixture disclaimer: general information, not medical advice. {toml_payload}"',
    )
    (site / "site.toml").write_text(toml)
    return site


class Audit(HTMLParser):
    BANNED_TAGS = {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "form",
        "base",
        "svg",
        "math",
        "input",
        "button",
        "video",
        "source",
        "link",
        "meta",
    }
    BAD_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.I)

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        if self.in_body and tag in self.BANNED_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if (
                name in ("href", "src", "action", "background", "srcdoc")
                and value
                and self.BAD_URL.match(value)
            ):
                self.problems.append(f"{tag} {name}={value[:30]}")
            if name == "style":
                self.problems.append(f"{tag} style=")


def test_no_payload_reaches_the_output_unescaped(tmp_path, run):
    site = xss_site(tmp_path)
    out = tmp_path / "out"
    result = run(site, "build", "--out", str(out), "--no-search")
    assert result.code == 0, result.err
    for page in sorted(out.rglob("*.html")):
        text = OWN_SCRIPTS.sub("", page.read_text())
        audit = Audit()
        audit.feed(text)
        assert audit.problems == [], (page, audit.problems[:5])
        assert "<script" not in text.lower(), page
    for xml in ("feed.xml", "sitemap.xml"):
        assert "<script" not in (out / xml).read_text()


def test_json_ld_cannot_be_broken_out_of(tmp_path, run):
    site = xss_site(tmp_path)
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    page = (out / "articles/xss/index.html").read_text()
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S):
        assert "<" not in block


@pytest.mark.browser
def test_no_payload_executes_in_chromium(tmp_path, run, browser):
    from .crawl import serve_under

    site = xss_site(tmp_path)
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out)).code == 0
    dialogs: list[str] = []
    errors: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    with serve_under(out, tmp_path, "/") as start:
        for html in sorted(out.rglob("*.html")):
            page.goto(start + html.relative_to(out).as_posix().removesuffix("index.html"))
            page.mouse.move(200, 300)
            page.keyboard.press("Tab")
        page.goto(start + "search/?q=alert")
        page.wait_for_timeout(1500)
    assert dialogs == [] and errors == []
    page.close()
