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


def test_many_items_run_in_worker_processes_few_in_this_one():
    many = {pid for _, pid in parallel.fork_map(_square_plus, list(range(500)), 0)}
    few = {pid for _, pid in parallel.fork_map(_square_plus, list(range(3)), 0)}
    assert few == {os.getpid()}
    if parallel.workers() >= 2:
        assert os.getpid() not in many
    else:  # one core: everything in-process, by design
        assert many == {os.getpid()}


@pytest.mark.parametrize("count", [3, 500])
def test_meanwhile_runs_once_in_this_process(count):
    calls = []
    results = parallel.fork_map(
        _square_plus, list(range(count)), 0, meanwhile=lambda: calls.append(os.getpid())
    )
    assert calls == [os.getpid()]
    assert len(results) == count


def test_an_error_in_meanwhile_stops_the_workers_and_is_raised():
    def fail() -> None:
        raise RuntimeError("meanwhile failed")

    with pytest.raises(RuntimeError, match="meanwhile failed"):
        parallel.fork_map(_square_plus, list(range(500)), 0, meanwhile=fail)


def _collector_on(state: None, item: int) -> bool:
    return gc.isenabled()


def test_workers_collect_cycles_even_when_the_parent_does_not():
    gc.disable()
    try:
        assert all(parallel.fork_map(_collector_on, list(range(500)), None))
    finally:
        gc.enable()
