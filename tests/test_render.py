from sitegen.render import Page


def test_page_ids_are_id_attributes_after_any_whitespace():
    text = (
        'id="at-start"<main id="main"><h2\nid="after-newline">x</h2>'
        '<p\tid="after-tab" data-id="data" aid="glued" title=\'id="quoted"\'></p>'
    )
    assert Page.of(text).ids == {"main", "after-newline", "after-tab"}


def test_page_digest_follows_the_text():
    assert Page.of("<p>a</p>").digest == Page.of("<p>a</p>").digest
    assert Page.of("<p>a</p>").digest != Page.of("<p>b</p>").digest


# --- every kind of template error is reported with its file and line --------------------------

import pytest  # noqa: E402

from sitegen import render  # noqa: E402

from .conftest import make_site  # noqa: E402

TEMPLATE_ERRORS = {
    "division by zero": ("{{ 1 // 0 }}", "ZeroDivisionError: integer division or modulo by zero"),
    "overflow": ("{{ (10 ** 400) * 1.0 }}", "OverflowError"),
    "includes itself": ('{% include "page.html" %}', "RecursionError"),
    "huge range": ("{% for i in range(10**12) %}{% endfor %}", "templates may loop over 100,000"),
    "missing key": ("{{ {}['nope'] }}", "template error while rendering about/index.html"),
    "bad call": ("{{ site.config.title() }}", "template error while rendering about/index.html"),
}


@pytest.mark.parametrize("case", sorted(TEMPLATE_ERRORS))
def test_template_runtime_errors_name_the_template_and_line(tmp_path, run, case):
    site = make_site(tmp_path / "site")
    snippet, message = TEMPLATE_ERRORS[case]
    page = site / "templates/page.html"
    lines = page.read_text().split("\n")
    lines.insert(6, snippet)  # inside {% block content %}
    page.write_text("\n".join(lines))
    result = run(site, "build", "--out", str(tmp_path / "out"), "--no-search")
    assert result.code == 1
    where = "templates/page.html:" if case == "includes itself" else "templates/page.html:7:"
    assert f"{where}" in result.err
    assert "template error while rendering about/index.html" in result.err
    assert message in result.err
    assert "Traceback" not in result.err


def test_a_template_that_runs_too_long_is_stopped(tmp_path, run, monkeypatch):
    monkeypatch.setattr(render, "MAX_RENDER_SECONDS", 0.5)
    site = make_site(tmp_path / "site")
    page = site / "templates/page.html"
    loop = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    page.write_text(
        page.read_text().replace("{% block content %}", "{% block content %}" + loop, 1)
    )
    result = run(site, "build", "--out", str(tmp_path / "out"), "--no-search")
    assert result.code == 1
    assert "templates/page.html" in result.err and "took longer than 0.5 s" in result.err


def test_a_page_that_comes_out_too_large_is_an_error(tmp_path, run, monkeypatch):
    monkeypatch.setattr(render, "MAX_PAGE_CHARS", 50_000)
    site = make_site(tmp_path / "site")
    page = site / "templates/page.html"
    page.write_text(
        page.read_text().replace("{% block content %}", "{% block content %}{{ 'x' * 60000 }}", 1)
    )
    result = run(site, "build", "--out", str(tmp_path / "out"), "--no-search")
    assert result.code == 1
    assert "about/index.html came out at" in result.err


def test_the_time_limit_leaves_no_timer_behind():
    import signal

    with render.time_limit(5):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ("{{ 10 ** 5000 }}", "ValueError"),
        ("{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "RecursionError"),
        ("{{ '\\ud800' }}", "UnicodeEncodeError"),
    ],
)
def test_templates_that_cannot_compile_or_encode_are_reported(tmp_path, run, snippet, message):
    site = make_site(tmp_path / "site")
    page = site / "templates/page.html"
    lines = page.read_text().split("\n")
    lines.insert(6, snippet)
    page.write_text("\n".join(lines))
    result = run(site, "build", "--out", str(tmp_path / "out"), "--no-search")
    assert (
        result.code == 1 and "templates/page.html" in result.err and "Traceback" not in result.err
    )
    assert message in result.err or "template" in result.err


def test_after_one_template_runs_out_of_time_the_rest_are_not_tried(tmp_path, run, monkeypatch):
    monkeypatch.setattr(render, "MAX_RENDER_SECONDS", 0.3)
    site = make_site(tmp_path / "site")
    base = site / "templates/base.html"
    loop = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    base.write_text(base.read_text().replace("<body", loop + "<body", 1))
    started = __import__("time").perf_counter()
    result = run(site, "build", "--out", str(tmp_path / "out"), "--no-search")
    assert result.code == 1 and "took longer than 0.3 s" in result.err
    assert __import__("time").perf_counter() - started < 5  # not 0.3 s for each of 14 pages


def test_hidden_templates_and_links_out_are_not_templates(tmp_path, run):
    site = make_site(tmp_path / "site")
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    (site / "templates/.secret").symlink_to(tmp_path / "secret.txt")
    base = site / "templates/base.html"
    base.write_text(base.read_text().replace("<body", '{% include ".secret" %}<body', 1))
    result = run(site, "build", "--out", str(tmp_path / "out"), "--no-search")
    assert result.code == 1 and "template not found" in result.err
    assert not (tmp_path / "out").exists()
