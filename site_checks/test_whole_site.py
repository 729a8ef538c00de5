"""The generator's whole-site tests, run against the real site (see conftest.py), and the
editors' quality gates: `check --strict` on content/ as it stands today."""

from __future__ import annotations

from tests.conftest import REPO
from tests.test_browser import (  # noqa: F401
    test_get_help_is_visible_in_the_header_on_a_phone,
    test_no_axe_violations_on_any_page,
    test_no_horizontal_scroll_at_320px,
    test_no_request_leaves_the_origin_and_no_cookies,
    test_search_indexes_content_pages_only,
    test_search_returns_results,
    test_skip_link_is_the_first_thing_the_keyboard_reaches,
    test_without_javascript_search_points_to_the_topic_index,
)
from tests.test_inputs import (  # noqa: F401
    test_every_page_of_the_built_site_has_unique_ids_and_landing_fragments,
)
from tests.test_publishing import (  # noqa: F401
    built,
    test_every_article_with_what_it_loads_fits_in_14_kb_gzipped,
    test_every_page_has_one_h1_and_no_skipped_heading_level,
    test_every_page_has_open_graph_and_twitter_tags,
    test_every_page_passes_the_nu_html_checker,
    test_faq_answers_in_structured_data_are_clean,
    test_feed_is_atom_with_the_newest_articles,
    test_json_ld_matches_the_page,
    test_sitemap_lists_every_public_page_with_lastmod,
)


def test_content_passes_the_strict_check(run):
    result = run(REPO, "check", "--strict")
    assert result.code == 0, result.err
