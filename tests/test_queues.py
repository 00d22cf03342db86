"""helpers.queues: the chapter 4 workers, demos and exercise checks."""

from __future__ import annotations

import ast
import multiprocessing
import pathlib
import queue
import subprocess
import sys

import pytest

from helpers import queues
from helpers.child_output import get_context
from tests.support import ROOT, sanitize

SQUARES = [1, 4, 9, 16]


def test_producer_puts_squares_then_the_sentinel() -> None:
    q: queue.Queue = queue.Queue()
    queues.produce_squares([1, 2, 3, 4], q)
    assert [q.get_nowait() for _ in range(5)] == [*SQUARES, queues.SENTINEL]


def test_consumer_prints_each_item_then_reports_empty(capsys: pytest.CaptureFixture) -> None:
    q: queue.Queue = queue.Queue()
    queues.produce_squares([1, 2, 3, 4], q)
    queues.print_until_sentinel(q)
    assert capsys.readouterr().out == (
        "Queue items:\n1\n4\n9\n16\nGot the sentinel: the queue is now empty!\n"
    )


def test_core_example_across_processes(start_method: str, capsys: pytest.CaptureFixture) -> None:
    ctx = get_context(start_method)
    q = ctx.Queue()
    producer = ctx.Process(target=queues.produce_squares, args=([1, 2, 3, 4], q))
    consumer = ctx.Process(target=queues.print_until_sentinel, args=(q,))
    producer.start()
    consumer.start()
    consumer.join(30)
    producer.join(30)
    assert (producer.exitcode, consumer.exitcode) == (0, 0)
    assert capsys.readouterr().out.splitlines() == [
        "Queue items:", "1", "4", "9", "16", "Got the sentinel: the queue is now empty!",
    ]  # fmt: skip


def test_pitfall_consumer_stops_while_the_producer_still_works(
    start_method: str, capsys: pytest.CaptureFixture
) -> None:
    ctx = get_context(start_method)
    q, go = ctx.Queue(), ctx.Event()
    producer = ctx.Process(target=queues.produce_squares_when_told, args=([1, 2, 3, 4], q, go))
    consumer = ctx.Process(target=queues.pitfall_consumer_trusts_empty, args=(q,))
    producer.start()
    consumer.start()
    consumer.join(30)
    go.set()
    left = queues.collect_until_sentinel(q)
    producer.join(30)
    assert capsys.readouterr().out == "Queue items:\nThe queue is now empty!\n"
    assert left == SQUARES


def test_share_out_delivers_every_item_once(
    start_method: str, capsys: pytest.CaptureFixture
) -> None:
    multiprocessing.set_start_method(start_method, force=True)
    try:
        queues.share_out(size=6, consumers=3, producers=2)
    finally:
        multiprocessing.set_start_method(None, force=True)
    assert capsys.readouterr().out == (
        "2 producers, 3 consumers, numbers 1 to 6\n"
        "received, sorted: [1, 4, 9, 16, 25, 36]\n"
        "every square arrived exactly once: True\n"
    )


def test_join_before_drain_blocks_until_drained() -> None:
    q = multiprocessing.Queue()
    producer = multiprocessing.Process(
        target=queues.produce_squares, args=(list(range(1, 20_001)), q)
    )
    producer.start()
    producer.join(timeout=1)
    assert producer.is_alive() and producer.exitcode is None
    assert len(queues.collect_until_sentinel(q)) == 20_000
    producer.join(timeout=30)
    assert producer.exitcode == 0


def test_joinable_queue_workers_and_join_with_timeout() -> None:
    tasks, results = multiprocessing.JoinableQueue(), multiprocessing.Queue()
    worker = multiprocessing.Process(target=queues.square_tasks, args=(tasks, results))
    worker.start()
    for number in (1, 2, 3):
        tasks.put(number)
    assert queues.join_with_timeout(tasks, timeout=30)
    assert sorted(results.get(timeout=10) for _ in range(3)) == [1, 4, 9]
    tasks.put(queues.SENTINEL)
    worker.join(30)
    assert worker.exitcode == 0


def test_join_with_timeout_gives_up_on_an_unfinished_task() -> None:
    tasks = multiprocessing.JoinableQueue()
    tasks.put(1)  # nobody will call task_done()
    assert queues.join_with_timeout(tasks, timeout=0.2) is False


def test_a_lambda_never_arrives_and_the_feeder_says_why(capsys: pytest.CaptureFixture) -> None:
    ctx = get_context("spawn")
    q = ctx.Queue()
    child = ctx.Process(target=queues.put_a_lambda, args=(q,))
    child.start()
    child.join(30)
    with pytest.raises(queue.Empty):
        q.get(timeout=0.5)
    captured = capsys.readouterr()
    assert child.exitcode == 0
    assert captured.out == "child: put() returned without an error\n"
    assert "Can't pickle local object 'put_a_lambda.<locals>.<lambda>'" in captured.err


def test_timeline_marks_are_consistent(capsys: pytest.CaptureFixture) -> None:
    marks = queues.record_timeline(size=5, consumers=2)
    assert marks[0].process == "parent"
    processes = list(dict.fromkeys(m.process for m in marks[1:]))
    assert processes == ["producer", "consumer 1", "consumer 2"]
    puts = {m.item: m.at for m in marks if m.what == "put"}
    gets = {m.item: m.at for m in marks if m.what == "get"}
    assert sorted(puts) == sorted(gets) == [1, 4, 9, 16, 25]
    assert all(gets[item] > puts[item] > marks[0].at for item in puts)
    queues.summarize_timeline(marks)
    assert capsys.readouterr().out == (
        "1 producer, 2 consumers, 5 items\n"
        "received, sorted: [1, 4, 9, 16, 25]\n"
        "every square arrived exactly once: True\n"
        "every get came after its put: True\n"
    )


def test_watch_queue_prints_and_draws(capsys: pytest.CaptureFixture) -> None:
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    queues.watch_queue(size=4, consumers=3)
    new = set(plt.get_fignums()) - before
    assert len(new) == 1
    for number in new:
        plt.close(number)
    assert capsys.readouterr().out.startswith("1 producer, 3 consumers, 4 items\n")


@pytest.mark.parametrize(
    ("function", "kwargs", "error", "message"),
    [
        (queues.share_out, {"size": 0}, ValueError, "'size' must be at least 1, not 0"),
        (queues.share_out, {"size": "4"}, TypeError, "'size' must be an int, not str"),
        (queues.share_out, {"consumers": 0}, ValueError, "'consumers' must be at least 1, not 0"),
        (queues.share_out, {"producers": -1}, ValueError, "'producers' must be at least 1, not -1"),
        (queues.record_timeline, {"size": -2}, ValueError, "'size' must be at least 1, not -2"),
        (queues.record_timeline, {"size": 101}, ValueError, "'size' must be at most 100, not 101"),
        (queues.record_timeline, {"consumers": 9}, ValueError, "'consumers' must be at most 8"),
        (queues.record_timeline, {"consumers": 2.0}, TypeError, "'consumers' must be an int"),
        (queues.watch_queue, {"size": 0}, ValueError, "'size' must be at least 1, not 0"),
    ],
)
def test_bad_input_is_refused_with_a_specific_message(
    function, kwargs: dict, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        function(**kwargs)


def test_workers_refuse_bad_items() -> None:
    with pytest.raises(TypeError, match="'numbers' must be a list of ints, but item 1 is str"):
        queues.produce_squares([1, "2"], queue.Queue())
    with pytest.raises(TypeError, match="'numbers' must be a list of ints, not int"):
        queues.put_squares(4, queue.Queue())
    with pytest.raises(TypeError, match="'number' must be an int, not str"):
        queues.put_square("3", queue.Queue())


def test_script_runs_the_core_example() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "helpers.queues"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stdout == (
        "Queue items:\n1\n4\n9\n16\nGot the sentinel: the queue is now empty!\n"
    )


# No helper but the named pitfall stops on empty() or qsize() -----------------

PITFALL = "pitfall_consumer_trusts_empty"


def _polls_in_conditions(tree: ast.AST) -> list[tuple[str, int]]:
    """(enclosing function, line) of each .empty()/.qsize() call in an if/while test."""
    found = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        if isinstance(node, (ast.If, ast.While, ast.IfExp)):
            for sub in ast.walk(node.test):
                if (
                    isinstance(sub, ast.Call)
                    and isinstance(sub.func, ast.Attribute)
                    and sub.func.attr in ("empty", "qsize")
                ):
                    found.append((function, sub.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "<module>")
    return found


def test_only_the_named_pitfall_stops_on_empty() -> None:
    offenders = []
    for path in sorted((ROOT / "helpers").rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for function, line in _polls_in_conditions(tree):
            if not (path.name == "queues.py" and function == PITFALL):
                offenders.append(f"{path.relative_to(ROOT)}:{line} in {function}()")
    assert offenders == [], "only the named pitfall may stop on empty()/qsize()"


def test_the_empty_check_finds_the_pitfall_itself() -> None:
    tree = ast.parse(pathlib.Path(queues.__file__).read_text())
    assert [function for function, _ in _polls_in_conditions(tree)] == [PITFALL]
    sample = "def f(q):\n    while True:\n        if q.qsize() == 0:\n            break\n"
    assert _polls_in_conditions(ast.parse(sample)) == [("f", 3)]


# The sanitize rules keep a widget's embedded PNG whole ------------------------


def test_sanitize_replaces_a_whole_png_even_if_it_looks_like_an_address() -> None:
    first = '<img src="data:image/png;base64,iVBOR0x1f3s/Ab12x+Z9==">'
    second = '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==">'
    assert sanitize(first) == sanitize(second) == '<img src="data:image/png;base64,<png>">'


# Exercise checks -------------------------------------------------------------


STAGE_RIGHT = """
def add_one(inbox, outbox):
    while (number := inbox.get(timeout=20)) is not None:
        outbox.put(number + 1)
    outbox.put(None)
"""


def test_stage_right_answer(learner_module, capsys: pytest.CaptureFixture) -> None:
    queues.check_stage(learner_module(STAGE_RIGHT, "stage_right"))
    assert capsys.readouterr().out == (
        "Correct! all 20 numbers came through 2 stage workers exactly once, "
        "and each passed its sentinel on.\n"
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "def add_one(inbox, outbox):\n    while not inbox.empty():\n"
            "        outbox.put(inbox.get(timeout=20) + 1)\n    outbox.put(None)\n",
            "Not yet: 20 numbers went in, none came out, but both workers passed a sentinel on",
        ),
        (
            "def add_one(inbox, outbox):\n"
            "    while (n := inbox.get(timeout=20)) is not None:\n        outbox.put(n + 1)\n",
            "Not yet: every number came out, but only 0 of the 2 sentinels",
        ),
        (
            "def add_one(inbox, outbox):\n"
            "    while (n := inbox.get(timeout=20)) is not None:\n        outbox.put(n * 2)\n"
            "    outbox.put(None)\n",
            "Not yet: the stage should put number + 1 (1 -> 2), but these came out: [22,",
        ),
        (
            "def add_one(inbox, outbox):\n"
            "    while (n := inbox.get(timeout=20)) is not None:\n"
            "        outbox.put(n + 1)\n        outbox.put(n + 1)\n    outbox.put(None)\n",
            "Not yet: these came out more than once: [2, 3, 4, 5, 6]",
        ),
        (
            "def add_one(inbox, outbox):\n"
            "    while (n := inbox.get(timeout=20)) is not None:\n"
            "        if n % 5:\n            outbox.put(n + 1)\n    outbox.put(None)\n",
            "Not yet: not every number came out of the stage (missing: [5, 10, 15, 20] plus one)",
        ),
        (
            "def add_one(inbox, outbox):\n    raise KeyError('oops')\n",
            "Not yet: a stage worker failed: KeyError: 'oops'",
        ),
        (
            "def add_one(inbox, outbox):\n"
            "    while True:\n        n = inbox.get(timeout=20)\n"
            "        outbox.put(None if n is None else n + 1)\n",
            "Not yet: every number and sentinel came out, but a worker was still running",
        ),
        ("def add_two(inbox, outbox):\n    pass\n", "py defines no function named 'add_one'"),
    ],
)
def test_stage_wrong_answers_say_what_is_wrong(
    learner_module, source: str, message: str, capsys: pytest.CaptureFixture
) -> None:
    queues.check_stage(learner_module(source, "stage_wrong"))
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and message in out, out
    assert "Traceback" not in out


TOTAL_RIGHT = """
def total_until_done(queue, producers, results):
    total, finished = 0, 0
    while finished < producers:
        item = queue.get(timeout=20)
        if item is None:
            finished += 1
        else:
            total += item
    results.put(total)
"""


def test_total_right_answer(learner_module, capsys: pytest.CaptureFixture) -> None:
    queues.check_total(learner_module(TOTAL_RIGHT, "total_right"))
    assert capsys.readouterr().out.startswith("Correct! the consumer counted one sentinel")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "def total_until_done(queue, producers, results):\n    total = 0\n"
            "    while (n := queue.get(timeout=20)) is not None:\n        total += n\n"
            "    results.put(total)\n",
            "Not yet: with 3 producers sending [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], "
            "[11, 12, 13, 14, 15]], the total was 15, only the first producer's numbers",
        ),
        (
            "def total_until_done(queue, producers, results):\n    total = 0\n"
            "    while not queue.empty():\n        n = queue.get(timeout=20)\n"
            "        total += n or 0\n    results.put(total)\n",
            "Not yet: with 3 producers sending",
        ),
        (
            "def total_until_done(queue, producers, results):\n    pass\n",
            "Not yet: with 3 producers sending [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], "
            "[11, 12, 13, 14, 15]], no total arrived on results",
        ),
        (
            "def total_until_done(queue, producers, results):\n    results.put(120)\n",
            "Not yet: with 2 producers sending [[100], [200, 300]], the total was 120, "
            "expected 600",
        ),
        (
            "def total_until_done(queue, producers, results):\n    1 / 0\n",
            "Not yet: the consumer failed: ZeroDivisionError: division by zero",
        ),
    ],
)
def test_total_wrong_answers_say_what_is_wrong(
    learner_module, source: str, message: str, capsys: pytest.CaptureFixture
) -> None:
    queues.check_total(learner_module(source, "total_wrong"))
    out = capsys.readouterr().out
    assert out.startswith(message), out
    assert "Traceback" not in out


def test_total_that_trusts_empty_is_told_about_empty(
    learner_module, capsys: pytest.CaptureFixture
) -> None:
    source = (
        "def total_until_done(queue, producers, results):\n    total = 0\n"
        "    while not queue.empty():\n        total += queue.get(timeout=20) or 0\n"
        "    results.put(total)\n"
    )
    queues.check_total(learner_module(source, "total_empty"))
    assert "the total was 0: the consumer stopped before the first number arrived" in (
        capsys.readouterr().out
    )
