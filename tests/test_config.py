from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.errors import BuildError

from .conftest import FIXTURES

VALID = (FIXTURES / "valid" / "site.toml").read_text()


def errors_for(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "site.toml").write_text(text)
    with pytest.raises(BuildError) as exc:
        load_config(tmp_path)
    return [str(e) for e in exc.value.errors]


def test_valid_config_loads_topics_help_and_quality(tmp_path):
    (tmp_path / "site.toml").write_text(VALID)
    config = load_config(tmp_path)
    assert [t.id for t in config.topics] == ["alpha", "beta"]
    assert config.help[0].url == "tel:000"
    assert config.quality.min_sources == 1
    assert config.quality.max_grade == 10.0  # default kept
    assert config.base_path == "/"


def test_base_path_comes_from_base_url_and_gains_a_slash(tmp_path):
    (tmp_path / "site.toml").write_text(
        VALID.replace("https://example.org/", "https://u.github.io/repo")
    )
    config = load_config(tmp_path)
    assert config.base_url == "https://u.github.io/repo/"
    assert config.base_path == "/repo/"


def test_syntax_error_names_the_line(tmp_path):
    text = VALID.replace('language = "en"', 'language = "en')
    [error] = errors_for(tmp_path, text)
    line = VALID.splitlines().index('language = "en"') + 1
    assert error.startswith(f"site.toml:{line}: TOML syntax error")


def test_all_problems_are_reported_in_one_run(tmp_path):
    text = (
        VALID.replace('language = "en"', 'langauge = "en"')
        .replace('base_url = "https://example.org/"', 'base_url = "example.org/repo/"')
        .replace('id = "beta"', "id = 7")
    )
    errors = errors_for(tmp_path, text)
    lines = VALID.splitlines()
    lang_line = lines.index('language = "en"') + 1
    beta_line = lines.index('id = "beta"') + 1
    assert any(
        e.startswith(f"site.toml:{lang_line}: unknown key 'langauge'")
        and "did you mean 'language'?" in e
        for e in errors
    )
    assert any("base_url 'example.org/repo/' must start with https://" in e for e in errors)
    assert any(e.startswith(f"site.toml:{beta_line}: 'id' must be text") for e in errors)


def test_missing_sections_and_keys_are_named(tmp_path):
    errors = errors_for(tmp_path, '[site]\ntitle = "x"\n')
    joined = "\n".join(errors)
    for needle in (
        "missing section [[topics]]",
        "missing section [disclaimer]",
        "missing section [[help]]",
        "missing required key 'description'",
        "missing required key 'base_url'",
    ):
        assert needle in joined


def test_duplicate_topic_id_is_refused(tmp_path):
    text = VALID + '\n[[topics]]\nid = "alpha"\ntitle = "Again"\ndescription = "Twice."\n'
    assert any("topic id 'alpha' is declared twice" in e for e in errors_for(tmp_path, text))


def test_boolean_is_not_accepted_as_a_number(tmp_path):
    text = VALID.replace("min_sources = 1", "min_sources = true")
    assert any("'min_sources' must be a whole number" in e for e in errors_for(tmp_path, text))


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("mailto:jo@example.org", "write the address alone, without 'mailto:'"),
        ("jo:x@example.org", "is not an email address"),
        ("jo@example", "is not an email address"),
    ],
)
def test_a_help_lines_email_is_an_address_alone(tmp_path, email, expected):
    text = VALID.replace('contact = "Call 000"', f'contact = "Call 000"\nemail = "{email}"', 1)
    assert any(expected in e for e in errors_for(tmp_path, text)), errors_for(tmp_path, text)
