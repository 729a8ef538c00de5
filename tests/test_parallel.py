import gc
import os

import pytest

from sitegen import parallel


def _square_plus(state: int, item: int) -> tuple[int, int]:
    return item * item + state, os.getpid()


@pytest.mark.parametrize("count", [3, parallel.MIN_ITEMS * 5 + 7])
def test_results_keep_the_items_order_and_see_the_state(count):
    results = parallel.fork_map(_square_plus, list(range(count)), 10)
    assert [value for value, _ in results] == [i * i + 10 for i in range(count)]


WORKERS = """
import os
from sitegen import parallel

parallel.workers = lambda: 2  # even on a machine with one core
square = lambda state, item: os.getpid()
many = set(parallel.fork_map(square, list(range(500)), 0))
few = set(parallel.fork_map(square, list(range(3)), 0))
print(os.getpid() in many, few == {os.getpid()})
"""


def test_many_items_run_in_worker_processes_few_in_this_one():
    """In a fresh process (a test run may have other threads, and then nothing forks)."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", WORKERS], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["False", "True"], result.stderr


def test_no_fork_while_other_threads_run():
    """A lock another thread holds at the fork would stay locked in the child: serve's rebuilds
    (its server and watcher run in threads) work in this process."""
    import threading

    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        pids = {pid for _, pid in parallel.fork_map(_square_plus, list(range(500)), 0)}
    finally:
        release.set()
        thread.join()
    assert pids == {os.getpid()}


def _collector_on(state: None, item: int) -> bool:
    return gc.isenabled()


def test_workers_collect_cycles():
    assert all(parallel.fork_map(_collector_on, list(range(500)), None))


ERRORS = """
import threading
from sitegen import parallel

parallel.workers = lambda: 2

def fails(state, item):
    if item == 77:
        raise ValueError("item 77")
    return item

def fails_oddly(state, item):
    if item == 77:
        error = ValueError("item 77")
        error.lock = threading.Lock()  # cannot be pickled back to the parent
        raise error
    return item

for fn in (fails, fails_oddly):
    try:
        parallel.fork_map(fn, list(range(500)), None)
    except KeyboardInterrupt:
        print("interrupt")
    except Exception as exc:
        print(type(exc).__name__, "item 77" in str(exc))
"""


def test_an_error_in_a_worker_is_raised_in_the_parent_never_taken_for_an_interrupt():
    """In a fresh process (a test run may have other threads, and then nothing forks)."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", ERRORS], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split("\n")[:2] == ["ValueError True", "RuntimeError True"], (
        result.stdout + result.stderr
    )
