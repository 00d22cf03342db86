"""helpers.own_memory: the chapter 1 workers, demos and exercise checks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import own_memory
from tests.support import ROOT


@pytest.fixture(autouse=True)
def _empty_squares():
    own_memory.squares.clear()
    yield
    own_memory.squares.clear()


def test_worker_changes_only_its_own_process_list(capsys: pytest.CaptureFixture) -> None:
    own_memory.square_into_global([1, 2, 3, 4])
    assert capsys.readouterr().out == "In the child:  squares = [1, 4, 9, 16]\n"
    assert own_memory.squares == [1, 4, 9, 16]


def test_compare_views_child_fills_parent_stays_empty(
    start_method: str, capsys: pytest.CaptureFixture
) -> None:
    own_memory.compare_views(size=3, method=start_method)
    assert capsys.readouterr().out == (
        "In the child:  squares = [1, 4, 9]\n"
        "In the parent: squares = []\n"
        f"(numbers = [1, 2, 3], child started with {start_method})\n"
    )


def test_before_and_after_depends_on_start_method(
    start_method: str, capsys: pytest.CaptureFixture
) -> None:
    own_memory.before_and_after(start_method)
    seen = "[1]" if start_method == "fork" else "[]"
    assert capsys.readouterr().out == f"{start_method:>10}: the child sees squares = {seen}\n"
    assert own_memory.squares == []


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"size": 0}, ValueError, "'size' must be at least 1, not 0"),
        ({"size": "4"}, TypeError, "'size' must be an int, not str"),
        ({"method": "threads"}, ValueError, "'method' must be one of"),
    ],
)
def test_compare_views_bad_input(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        own_memory.compare_views(**kwargs)


def test_worker_rejects_a_list_that_is_not_of_ints() -> None:
    with pytest.raises(TypeError, match="'numbers' must be a list of ints, but item 1 is str"):
        own_memory.square_into_global([1, "two"])


def test_script_prints_both_views() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "helpers.own_memory"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stdout == "In the child:  squares = [1, 4, 9, 16]\nIn the parent: squares = []\n"


def test_prediction_right_answer(capsys: pytest.CaptureFixture) -> None:
    own_memory.check_prediction(fork=[7, 9], spawn=[9], forkserver=[9])
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            {"fork": [9], "spawn": [9], "forkserver": [9]},
            "Not yet: under fork the child printed [7, 9], not [9]: a forked child",
        ),
        (
            {"fork": [7, 9], "spawn": [7, 9], "forkserver": [9]},
            "Not yet: under spawn the child printed [9], not [7, 9]",
        ),
        ({"fork": ..., "spawn": [9], "forkserver": [9]}, "Not yet: give each answer as a list"),
    ],
)
def test_prediction_wrong_answers_say_what_is_wrong(
    answers: dict, message: str, capsys: pytest.CaptureFixture
) -> None:
    own_memory.check_prediction(**answers)
    assert capsys.readouterr().out.startswith(message)


def test_count_evens_right_answer(learner_module, capsys: pytest.CaptureFixture) -> None:
    name = learner_module(
        "import sys\ndef count_evens(numbers):\n    sys.exit(sum(n % 2 == 0 for n in numbers))\n"
    )
    own_memory.check_count_evens(name)
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "def count_evens(numbers):\n    return 2\n",
            "Not yet: for [1, 2, 3, 4] the exit code was 0, expected 2 (the count of even "
            "numbers). A return value is not an exit code",
        ),
        (
            "import sys\ndef count_evens(numbers):\n    sys.exit(len(numbers))\n",
            "Not yet: for [1, 2, 3, 4] the exit code was 4, expected 2",
        ),
        (
            "def count_evens(numbers):\n    raise KeyError('oops')\n",
            "Not yet: for [1, 2, 3, 4] the child failed: KeyError: 'oops'",
        ),
        ("def count_odds(numbers):\n    pass\n", "defines no function named 'count_evens'"),
        ("def count_evens(numbers)\n    pass\n", "line 1: expected ':'"),
        ("1 / 0\n", "importing learner_module raised ZeroDivisionError: division by zero"),
    ],
)
def test_count_evens_wrong_answers_say_what_is_wrong(
    learner_module, source: str, message: str, capsys: pytest.CaptureFixture
) -> None:
    own_memory.check_count_evens(learner_module(source))
    out = capsys.readouterr().out
    assert message in out and out.startswith("Not yet:")
    assert "Traceback" not in out


def test_count_evens_missing_module(capsys: pytest.CaptureFixture) -> None:
    own_memory.check_count_evens("no_such_module_here")
    assert capsys.readouterr().out == (
        "Not yet: there is no module 'no_such_module_here' next to this notebook: "
        "run the %%writefile no_such_module_here.py cell first\n"
    )
