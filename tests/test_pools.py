"""helpers.pools: the chapter 6 workers, demos and exercise checks."""

from __future__ import annotations

import multiprocessing
import os
import queue
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.pool import Pool

import pytest

from helpers import pools
from tests.support import ROOT


def test_square_returns_the_square() -> None:
    assert [pools.square(n) for n in (1, 2, 3, 4)] == [1, 4, 9, 16]


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("3", TypeError, "'number' must be an int, not str"),
        (True, TypeError, "'number' must be an int, not bool"),
        (2.0, TypeError, "'number' must be an int, not float"),
    ],
)
def test_square_bad_input(value: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        pools.square(value)


def test_receive_names_the_type() -> None:
    assert pools.receive([1]) == "received a list"


def test_chunks_of_cuts_consecutive_slices() -> None:
    assert pools.chunks_of([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
    assert pools.chunks_of(range(1, 4), 1) == [[1], [2], [3]]
    assert pools.chunks_of([], 3) == []


def test_chunks_of_matches_what_pool_map_sends() -> None:
    numbers = list(range(1, 12))
    for chunksize in (1, 2, 4, 5, 11, 20):
        sent = [list(args) for _function, args in Pool._get_tasks(pools.square, numbers, chunksize)]
        assert pools.chunks_of(numbers, chunksize) == sent


@pytest.mark.parametrize(
    ("chunksize", "error", "message"),
    [
        (0, ValueError, "'chunksize' must be at least 1, not 0"),
        (-2, ValueError, "'chunksize' must be at least 1, not -2"),
        ("2", TypeError, "'chunksize' must be an int, not str"),
    ],
)
def test_chunks_of_bad_chunksize(chunksize: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        pools.chunks_of([1, 2], chunksize)


def test_squares_in_chunks_prints_tasks_and_squares(capsys: pytest.CaptureFixture) -> None:
    pools.squares_in_chunks(size=5, chunksize=2)
    assert capsys.readouterr().out == (
        "numbers: [1, 2, 3, 4, 5]\n"
        "pool.map sent 3 tasks of at most 2 numbers:\n"
        "  [1, 2] [3, 4] [5]\n"
        "squares: [1, 4, 9, 16, 25]\n"
    )


def test_squares_in_chunks_one_task(capsys: pytest.CaptureFixture) -> None:
    pools.squares_in_chunks(size=4, chunksize=4)
    assert "pool.map sent 1 task of at most 4 numbers:\n  [1, 2, 3, 4]\n" in capsys.readouterr().out


def test_squares_in_chunks_default(capsys: pytest.CaptureFixture) -> None:
    pools.squares_in_chunks()
    assert "pool.map sent 4 tasks of at most 1 number:\n  [1] [2] [3] [4]\n" in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"size": 0}, ValueError, "'size' must be at least 1, not 0"),
        ({"size": "4"}, TypeError, "'size' must be an int, not str"),
        ({"chunksize": 0}, ValueError, "'chunksize' must be at least 1, not 0"),
        ({"chunksize": 1.5}, TypeError, "'chunksize' must be an int, not float"),
    ],
)
def test_squares_in_chunks_bad_input(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        pools.squares_in_chunks(**kwargs)


def test_initializer_counter_adds_squares_under_the_lock() -> None:
    total = multiprocessing.Value("i", 0)
    try:
        pools.init_counter(total)
        for n in (1, 2, 3, 4):
            pools.add_square(n)
        assert total.value == 30
    finally:
        pools.init_counter(None)


def test_put_square_puts_on_any_queue() -> None:
    q: queue.Queue[int] = queue.Queue()
    pools.put_square(q, 3)
    assert q.get_nowait() == 9
    with pytest.raises(TypeError, match="'number' must be an int, not str"):
        pools.put_square(q, "3")


def test_exit_abruptly_bad_code() -> None:
    with pytest.raises(ValueError, match="'code' must be at least 0, not -1"):
        pools.exit_abruptly(-1)
    with pytest.raises(TypeError, match="'code' must be an int, not str"):
        pools.exit_abruptly("1")


def test_worker_name_and_pid_in_this_process() -> None:
    assert pools.worker_name() == "MainProcess"
    assert pools.worker_pid() == os.getpid()


def test_a_value_cannot_be_a_task_argument(start_method: str) -> None:
    """The chapter's pitfall, under each start method, for Pool and executor alike."""
    context = multiprocessing.get_context(start_method)
    message = "Synchronized objects should only be shared between processes through inheritance"
    with context.Pool(1) as pool, pytest.raises(RuntimeError, match=message):
        pool.apply_async(pools.receive, (context.Value("i", 0),)).get(pools.TASK_TIMEOUT)
    with ProcessPoolExecutor(1, mp_context=context) as executor:
        future = executor.submit(pools.receive, context.Value("i", 0))
        with pytest.raises(RuntimeError, match=message):
            future.result(pools.TASK_TIMEOUT)


def test_both_fixes_work(start_method: str) -> None:
    context = multiprocessing.get_context(start_method)
    total = context.Value("i", 0)
    with context.Pool(2, initializer=pools.init_counter, initargs=(total,)) as pool:
        pool.map_async(pools.add_square, [1, 2, 3, 4]).get(pools.TASK_TIMEOUT)
    assert total.value == 30
    with context.Manager() as manager:
        shared = manager.Queue()
        with context.Pool(2) as pool:
            pool.starmap_async(pools.put_square, [(shared, n) for n in (1, 2, 3, 4)]).get(
                pools.TASK_TIMEOUT
            )
        assert sorted(shared.get(timeout=pools.TASK_TIMEOUT) for _ in range(4)) == [1, 4, 9, 16]


def test_stderr_to_and_last_line() -> None:
    path = pools.new_log_file()
    code = (
        "import sys; from helpers.pools import stderr_to; stderr_to(sys.argv[1]); "
        "print('first', file=sys.stderr); print('last words', file=sys.stderr)"
    )
    subprocess.run([sys.executable, "-c", code, path], cwd=ROOT, check=True, timeout=60)
    assert pools.last_line(path) == "last words"
    assert not os.path.exists(path)


def test_last_line_of_an_empty_file() -> None:
    assert pools.last_line(pools.new_log_file()) == "(nothing)"


def test_measure_chunksizes_small() -> None:
    timings = pools.measure_chunksizes(size=20, chunksizes=(1, 10), trials=1)
    assert timings.size == 20
    assert list(timings.pool) == list(timings.executor) == [1, 10]
    assert all(t.median > 0 for t in [*timings.pool.values(), *timings.executor.values()])
    assert timings.loop.median > 0
    diagram = pools.plot_chunksizes(timings)
    assert diagram._repr_png_().startswith(b"\x89PNG")
    assert repr(diagram).startswith("Plot: time per map call of 20 numbers")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"size": 0}, ValueError, "'size' must be at least 1, not 0"),
        ({"chunksizes": ()}, ValueError, "'chunksizes' must hold at least one chunk size"),
        ({"chunksizes": (1, 0)}, ValueError, "'chunksize' must be at least 1, not 0"),
        ({"chunksizes": ("1",)}, TypeError, "'chunksize' must be an int, not str"),
    ],
)
def test_measure_chunksizes_bad_input(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        pools.measure_chunksizes(**kwargs)


def test_script_prints_the_squares_and_their_sum() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "helpers.pools"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stdout == (
        "Pool.map:                [1, 4, 9, 16]\n"
        "ProcessPoolExecutor.map: [1, 4, 9, 16]\n"
        "sum of squares, added up in a shared Value: 30\n"
    )


# Exercise 1 -------------------------------------------------------------------

SOLUTION = """
import multiprocessing

counter = None


def init_worker(shared_counter):
    global counter
    counter = shared_counter


def count_words(line):
    with counter.get_lock():
        counter.value += len(line.split())


def total_words(lines):
    total = multiprocessing.Value("i", 0)
    with multiprocessing.Pool(2, initializer=init_worker, initargs=(total,)) as pool:
        pool.map_async(count_words, lines).get(timeout=30)
    return total.value
"""

STARTER = """
import multiprocessing


def count_words(counter, line):
    with counter.get_lock():
        counter.value += len(line.split())


def total_words(lines):
    counter = multiprocessing.Value("i", 0)
    with multiprocessing.Pool(2) as pool:
        pool.starmap_async(count_words, [(counter, line) for line in lines]).get(timeout=30)
    return counter.value
"""


def test_total_words_right_answer(learner_module, capsys: pytest.CaptureFixture) -> None:
    pools.check_total_words(learner_module(SOLUTION))
    assert capsys.readouterr().out.startswith("Correct! 2991 words, exactly")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            STARTER,
            "Not yet: total_words() raised RuntimeError: Synchronized objects should only be "
            "shared between processes through inheritance. A Value cannot be a task argument",
        ),
        (
            SOLUTION.replace(
                "    with counter.get_lock():\n        counter.value", "    counter.value"
            ),
            "count_words changed counter.value without holding counter.get_lock(): two workers",
        ),
        (
            SOLUTION.replace("return total.value", "return 0"),
            "Not yet: total_words() of the 600 test lines returned 0, expected 2991. The "
            "workers' additions never reached the parent's Value",
        ),
        (
            SOLUTION.replace("return total.value", "return total.value - 5"),
            "returned 2986, expected 2991. Too few: does every line's count reach the counter,",
        ),
        (
            SOLUTION.replace("len(line.split())", "1"),
            "returned 600, expected 2991",
        ),
        (
            SOLUTION.replace("def init_worker", "def start_worker").replace(
                "initializer=init_worker", "initializer=start_worker"
            ),
            "defines no function named 'init_worker'",
        ),
        (
            SOLUTION.replace("def count_words(line)", "def count(line)").replace(
                "map_async(count_words", "map_async(count"
            ),
            "defines no function named 'count_words'",
        ),
        ("def total_words(lines)\n    pass\n", "line 1: expected ':'"),
    ],
)
def test_total_words_wrong_answers_say_what_is_wrong(
    learner_module, source: str, message: str, capsys: pytest.CaptureFixture
) -> None:
    pools.check_total_words(learner_module(source))
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and message in out
    assert "Traceback" not in out


def test_total_words_missing_module(capsys: pytest.CaptureFixture) -> None:
    pools.check_total_words("no_such_word_count")
    assert capsys.readouterr().out.startswith("Not yet: there is no module 'no_such_word_count'")


# Exercise 2 -------------------------------------------------------------------

RIGHT = {"value": False, "lock": False, "manager_queue": True, "manager_lock": True}


def test_can_be_passed_right_answer(capsys: pytest.CaptureFixture) -> None:
    pools.check_can_be_passed(**RIGHT)
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({**RIGHT, "value": True}, "Not yet: value cannot be a task argument: it wraps"),
        ({**RIGHT, "lock": True}, "Not yet: lock cannot be a task argument"),
        ({**RIGHT, "manager_queue": False}, "Not yet: manager_queue can be a task argument"),
        ({**RIGHT, "manager_lock": False}, "Not yet: manager_lock can be a task argument"),
        ({**RIGHT, "lock": ...}, "Not yet: answer True or False for each; lock=Ellipsis is not"),
        ({"value": False}, "Not yet: answer for exactly these: value, lock, manager_queue"),
    ],
)
def test_can_be_passed_wrong_answers(
    answers: dict, message: str, capsys: pytest.CaptureFixture
) -> None:
    pools.check_can_be_passed(**answers)
    assert capsys.readouterr().out.startswith(message)
