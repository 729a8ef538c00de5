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
