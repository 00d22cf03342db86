"""helpers.timing: trials, median and spread, and clear errors for bad arguments."""

from __future__ import annotations

import pytest

from helpers.timing import Timing, measure


def test_counts_calls_and_keeps_only_the_kept_trials() -> None:
    calls = []
    timing = measure(lambda: calls.append(1), number=10, trials=3, warmup=2)
    assert len(calls) == 10 * (3 + 2)
    assert len(timing.per_call) == 3
    assert timing.low <= timing.median <= timing.high


def test_a_slower_operation_measures_slower() -> None:
    fast = measure(lambda: None, number=200, trials=3)
    slow = measure(lambda: sum(range(20_000)), number=200, trials=3)
    assert slow.median > fast.median


def test_summary_names_median_range_and_trials() -> None:
    text = str(Timing((1e-6, 2e-6, 3e-3)))
    assert text == "2 us per call (range 1 us to 3 ms, 3 trials)"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"number": 0}, ValueError, "'number' must be at least 1, not 0"),
        ({"trials": 2.5}, TypeError, "'trials' must be an int, not float"),
        ({"warmup": -1}, ValueError, "'warmup' must be at least 0, not -1"),
        ({"number": True}, TypeError, "'number' must be an int, not bool"),
    ],
)
def test_bad_counts_are_named(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        measure(lambda: None, **kwargs)


def test_operation_must_be_callable() -> None:
    with pytest.raises(TypeError, match="'operation' must be callable, not int"):
        measure(3)
