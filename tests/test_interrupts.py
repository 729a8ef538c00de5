"""An interrupt that Python swallows inside one of its own callbacks is not lost."""

from __future__ import annotations

import signal
import weakref

import pytest

from sitegen import interrupts

from .conftest import tree_digest


def swallowed_interrupt() -> None:
    """Deliver SIGINT while Python runs a weakref callback, as can happen at the end of an
    import: the KeyboardInterrupt raised there cannot propagate and would be ignored."""

    class Thing:
        pass

    thing = Thing()
    ref = weakref.ref(thing, lambda _: signal.raise_signal(signal.SIGINT))
    del thing
    assert ref() is None


# Python reports what it swallowed through sys.unraisablehook; under pytest that report becomes
# this warning, which would otherwise be printed as "Exception ignored in ..." with a traceback.
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_swallowed_interrupt_is_kept_quietly_and_raised_at_the_next_check():
    before = signal.getsignal(signal.SIGINT)  # not always Python's default: a background job
    with interrupts.handled():  # starts with SIGINT ignored
        swallowed_interrupt()  # returns: Python carried on past the interrupt
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()
    interrupts.check()  # leaving the block forgets it
    assert signal.getsignal(signal.SIGINT) == before


def test_a_build_with_a_swallowed_interrupt_does_not_swap_in_its_site(site, tmp_path, run):
    out = tmp_path / "out"
    assert run(site, "build", "--out", str(out), "--no-search").code == 0
    before = tree_digest(out)
    article = next((site / "content/articles").glob("*.md"))
    article.write_text(article.read_text() + "\nOne more sentence.\n")
    with interrupts.handled():
        swallowed_interrupt()
        result = run(site, "build", "--out", str(out), "--no-search")
    assert result.code == 130
    assert "Traceback" not in result.err
    assert tree_digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".sitegen-tmp")] == []
