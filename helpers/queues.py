"""Chapter 4, "Queues": producers, consumers, and stopping cleanly.

A ``multiprocessing.Queue`` carries pickled items from the processes that put
them to the processes that get them. A producer says "no more items" by
putting a *sentinel*; a consumer stops when it gets one. The seed's consumer
stops when ``empty()`` says True instead, which is wrong as soon as the
producer is still at work: that consumer is kept here, under a name that says
so, to be run on purpose. Run this module as a script to see the right way
outside Jupyter::

    python -m helpers.queues
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import queue as queue_module
import threading
import time
from multiprocessing.queues import JoinableQueue, Queue
from multiprocessing.synchronize import Event
from typing import Any, NamedTuple

from helpers.arguments import check_int, check_int_list
from helpers.child_output import get_context
from helpers.exercises import NotYet, checker, load_function

__all__ = [
    "CHILD_TIMEOUT",
    "GET_TIMEOUT",
    "SENTINEL",
    "Mark",
    "check_stage",
    "check_total",
    "collect_until_sentinel",
    "consume_into",
    "join_with_timeout",
    "main",
    "pitfall_consumer_trusts_empty",
    "print_until_sentinel",
    "produce_squares",
    "produce_squares_when_told",
    "put_a_lambda",
    "put_square",
    "put_squares",
    "record_timeline",
    "share_out",
    "square_tasks",
    "summarize_timeline",
    "timed_consumer",
    "timed_producer",
    "watch_queue",
]

# "No more items": producers put it last, consumers stop when they get it.
# None works because no real item in this chapter is None.
SENTINEL = None

# A very generous wait for one item: reaching it means that a producer died,
# or finished without putting its sentinel. It turns a hang into queue.Empty.
GET_TIMEOUT = 20.0

# A very generous limit for the chapter's short-lived children.
CHILD_TIMEOUT = 30.0

# The timeline's pretend work: a producer takes this long to make each item
# and a consumer this long to use one, so that the picture shows the overlap.
PRODUCE_SECONDS = 0.005
CONSUME_SECONDS = 0.015

# The widget offers at most this many consumers and items (each a process start).
MAX_CONSUMERS = 8
MAX_SIZE = 100


# The core example -------------------------------------------------------------


def put_squares(numbers: list[int], queue: Queue) -> None:
    """Put the square of each number on ``queue`` (and nothing else)."""
    for number in check_int_list("numbers", numbers):
        queue.put(number * number)


def produce_squares(numbers: list[int], queue: Queue) -> None:
    """Put the square of each number on ``queue``, then the sentinel: "that was all"."""
    put_squares(numbers, queue)
    queue.put(SENTINEL)


def print_until_sentinel(queue: Queue) -> None:
    """Get and print each item until the sentinel arrives; each get waits at most GET_TIMEOUT."""
    print("Queue items:")
    while (item := queue.get(timeout=GET_TIMEOUT)) is not SENTINEL:
        print(item)
    print("Got the sentinel: the queue is now empty!")


def collect_until_sentinel(queue: Queue) -> list[Any]:
    """Get items until the sentinel arrives; return them in the order they came."""
    items = []
    while (item := queue.get(timeout=GET_TIMEOUT)) is not SENTINEL:
        items.append(item)
    return items


def main() -> None:
    """The chapter's example as a plain script, with standard multiprocessing only."""
    queue = multiprocessing.Queue()
    producer = multiprocessing.Process(target=produce_squares, args=([1, 2, 3, 4], queue))
    consumer = multiprocessing.Process(target=print_until_sentinel, args=(queue,))
    producer.start()
    consumer.start()
    consumer.join(CHILD_TIMEOUT)  # the consumer drains the queue...
    producer.join(CHILD_TIMEOUT)  # ...so the producer can finish


# The pitfall: trusting empty() ------------------------------------------------


def pitfall_consumer_trusts_empty(queue: Queue) -> None:
    """WRONG, on purpose (the seed's consumer): it stops as soon as ``empty()`` is True.

    ``empty()`` only says that no item is in the pipe at this instant. A
    producer that is still working will put more later, and nobody reads them.
    """
    print("Queue items:")
    while not queue.empty():
        print(queue.get(timeout=GET_TIMEOUT))
    print("The queue is now empty!")


def produce_squares_when_told(numbers: list[int], queue: Queue, go: Event) -> None:
    """A producer still at work: it puts nothing until ``go`` is set, then the squares."""
    if not go.wait(CHILD_TIMEOUT):
        raise TimeoutError("the parent never set the event")
    produce_squares(numbers, queue)


# Many producers, many consumers -----------------------------------------------


def consume_into(queue: Queue, results: Queue) -> None:
    """A consumer: collect items until the sentinel, then send them back in one message."""
    results.put(collect_until_sentinel(queue))


def share_out(size: int = 8, consumers: int = 2, producers: int = 2) -> None:
    """Squares of 1..size made by ``producers`` processes and taken by ``consumers``."""
    numbers = list(range(1, check_int("size", size, minimum=1) + 1))
    check_int("consumers", consumers, minimum=1)
    check_int("producers", producers, minimum=1)
    items, results = multiprocessing.Queue(), multiprocessing.Queue()
    makers = [
        multiprocessing.Process(target=put_squares, args=(numbers[i::producers], items))
        for i in range(producers)
    ]
    takers = [
        multiprocessing.Process(target=consume_into, args=(items, results))
        for _ in range(consumers)
    ]
    for process in makers + takers:
        process.start()
    for process in makers:
        process.join(CHILD_TIMEOUT)  # safe: the consumers drain meanwhile
    for _ in takers:
        items.put(SENTINEL)  # one "stop" per consumer, after every item
    received = [item for _ in takers for item in results.get(timeout=GET_TIMEOUT)]
    for process in takers:
        process.join(CHILD_TIMEOUT)
    print(f"{_count(producers, 'producer')}, {_count(consumers, 'consumer')}, numbers 1 to {size}")
    print(f"received, sorted: {sorted(received)}")
    print(f"every square arrived exactly once: {sorted(received) == [n * n for n in numbers]}")


# JoinableQueue, the feeder thread, pickling, pools -----------------------------


def square_tasks(tasks: JoinableQueue, results: Queue) -> None:
    """A worker: square each task until the sentinel, calling task_done() for every get()."""
    while (number := tasks.get(timeout=GET_TIMEOUT)) is not SENTINEL:
        results.put(number * number)
        tasks.task_done()
    tasks.task_done()  # the sentinel was a task too


def join_with_timeout(tasks: JoinableQueue, timeout: float) -> bool:
    """``tasks.join()`` with a time limit, which it lacks: True if every task was done in time.

    The wait runs on a daemon thread; if it times out, that thread waits on
    harmlessly until the queue is garbage-collected or the process exits.
    """
    waiter = threading.Thread(target=tasks.join, daemon=True)
    waiter.start()
    waiter.join(timeout)
    return not waiter.is_alive()


def put_a_lambda(queue: Queue) -> None:
    """Put a lambda on ``queue``: put() succeeds, the feeder thread fails to pickle it."""
    queue.put(lambda n: n * n)
    print("child: put() returned without an error")
    queue.close()  # no more puts from this process...
    queue.join_thread()  # ...and wait until the feeder thread has dealt with the last one


def put_square(number: int, queue: Any) -> None:
    """Put ``number``'s square on ``queue`` (a pool task)."""
    queue.put(check_int("number", number) ** 2)


# The timeline -----------------------------------------------------------------


class Mark(NamedTuple):
    """One moment in a run: which process, what it did, when (time.monotonic()), which item."""

    process: str
    what: str  # "start", "put", "get" or "end"
    at: float
    item: int | None = None


def timed_producer(
    numbers: list[int], queue: Queue, marks: Queue, consumers: int, work: float = PRODUCE_SECONDS
) -> None:
    """Put each square (after ``work`` seconds of pretend work), then one sentinel per consumer.

    Records the time of each step and sends the records on ``marks`` at the end.
    """
    log = [Mark("producer", "start", time.monotonic())]
    for number in check_int_list("numbers", numbers):
        time.sleep(work)
        log.append(Mark("producer", "put", time.monotonic(), number * number))
        queue.put(number * number)
    for _ in range(consumers):
        queue.put(SENTINEL)
    log.append(Mark("producer", "end", time.monotonic()))
    marks.put(log)


def timed_consumer(name: str, queue: Queue, marks: Queue, work: float = CONSUME_SECONDS) -> None:
    """Get items until the sentinel, using each for ``work`` seconds; send records on ``marks``."""
    log = [Mark(name, "start", time.monotonic())]
    while (item := queue.get(timeout=GET_TIMEOUT)) is not SENTINEL:
        log.append(Mark(name, "get", time.monotonic(), item))
        time.sleep(work)
    log.append(Mark(name, "end", time.monotonic()))
    marks.put(log)


def record_timeline(size: int = 8, consumers: int = 2) -> list[Mark]:
    """Run a producer and ``consumers`` consumers on 1..size; return the Marks, parent's first."""
    numbers = list(range(1, check_int("size", size, minimum=1) + 1))
    _check_at_most("size", size, MAX_SIZE)
    consumers = _check_at_most(
        "consumers", check_int("consumers", consumers, minimum=1), MAX_CONSUMERS
    )
    items, marks = multiprocessing.Queue(), multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=timed_producer, args=(numbers, items, marks, consumers))
    ]
    workers += [
        multiprocessing.Process(target=timed_consumer, args=(f"consumer {i}", items, marks))
        for i in range(1, consumers + 1)
    ]
    started = Mark("parent", "start", time.monotonic())
    for worker in workers:
        worker.start()
    logs = [marks.get(timeout=GET_TIMEOUT) for _ in workers]  # drain before join
    for worker in workers:
        worker.join(CHILD_TIMEOUT)
    logs.sort(key=lambda log: (log[0].process != "producer", log[0].process))
    return [started] + [mark for log in logs for mark in log]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _check_at_most(name: str, value: int, maximum: int) -> int:
    if value > maximum:
        raise ValueError(f"{name!r} must be at most {maximum}, not {value}")
    return value


def summarize_timeline(marks: list[Mark]) -> None:
    """Print what holds on every run (no times, no per-consumer counts): the checked text."""
    puts = {m.item: m.at for m in marks if m.what == "put"}
    gets = [m for m in marks if m.what == "get"]
    consumers = sorted({m.process for m in marks if m.process.startswith("consumer")})
    received = sorted(m.item for m in gets)
    print(f"1 producer, {_count(len(consumers), 'consumer')}, {_count(len(puts), 'item')}")
    print(f"received, sorted: {received}")
    print(f"every square arrived exactly once: {received == sorted(puts)}")
    print(f"every get came after its put: {all(m.at > puts[m.item] for m in gets)}")


def watch_queue(size: int = 8, consumers: int = 2) -> None:
    """The widget's run: record a timeline, print its summary and draw it."""
    import matplotlib.pyplot as plt

    from helpers.diagrams.queues import draw_timeline

    marks = record_timeline(size, consumers)
    summarize_timeline(marks)
    _figure, ax = plt.subplots(figsize=(8, 1.2 + 0.5 * consumers))
    draw_timeline(ax, marks)


# Exercise checks --------------------------------------------------------------

# How long the checker waits after a learner's worker has started before it
# puts anything: a worker that trusts empty() has given up long before.
SETTLE_SECONDS = 0.5
# How long the checker waits for a learner's workers to deliver everything.
EXERCISE_TIMEOUT = 10.0
# One slice of the checker's wait for the next item.
POLL_SECONDS = 0.2
# How long a learner's worker may take to exit once everything has arrived.
LAST_WAIT_SECONDS = 2.0
STAGE_WORKERS = 2
STAGE_NUMBERS = list(range(1, 21))


def _call_when_started(function: Any, started: Event, *args: Any) -> None:
    """In the child: say "started", then run the learner's function."""
    started.set()
    function(*args)


class _LearnerWorkers:
    """Learner's workers in spawned children; their output is kept, not shown."""

    killed = False

    def __init__(self, function: Any, args: tuple, count: int) -> None:
        self.ctx = get_context("spawn")
        self.started = [self.ctx.Event() for _ in range(count)]
        self.processes = [
            self.ctx.Process(target=_call_when_started, args=(function, event, *args))
            for event in self.started
        ]

    def start_and_settle(self) -> None:
        """Start the workers; return SETTLE_SECONDS after each has begun (or has died)."""
        for process in self.processes:
            process.start()
        deadline = time.monotonic() + EXERCISE_TIMEOUT
        for event, process in zip(self.started, self.processes, strict=True):
            while not event.wait(POLL_SECONDS) and process.is_alive():
                if time.monotonic() > deadline:
                    break
        time.sleep(SETTLE_SECONDS)

    def alive(self) -> bool:
        return any(p.is_alive() for p in self.processes)

    def finish(self) -> str:
        """Join (kill any still running); return the first error a child printed, if any."""
        errors = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(errors):
            for process in self.processes:
                process.join(LAST_WAIT_SECONDS)
                if process.exitcode is None:
                    self.killed = True
                    process.kill()
                    process.join(CHILD_TIMEOUT)
        lines = [line for line in errors.getvalue().splitlines() if line and line[0] != " "]
        return next((line for line in lines if not line.startswith(("Traceback", "Process"))), "")


def _collect(outbox: Queue, workers: _LearnerWorkers, sentinels_expected: int) -> tuple[list, int]:
    """Get everything the workers put on ``outbox``: items, and a count of sentinels.

    Stops once the workers have all exited and nothing more arrives (all they
    put is in the pipe by then), LAST_WAIT_SECONDS after the last expected
    sentinel if a worker is still running, or at EXERCISE_TIMEOUT.
    """
    received, sentinels = [], 0
    deadline = time.monotonic() + EXERCISE_TIMEOUT
    all_exited = False
    while time.monotonic() < deadline:
        try:
            item = outbox.get(timeout=POLL_SECONDS)
        except queue_module.Empty:
            if all_exited:
                break
            all_exited = not workers.alive()
            if sentinels >= sentinels_expected:
                deadline = min(deadline, time.monotonic() + LAST_WAIT_SECONDS)
            continue
        if item is SENTINEL:
            sentinels += 1
        else:
            received.append(item)
    return received, sentinels


@checker
def check_stage(module_name: str = "stage") -> str:
    """Exercise 1: the learner's ``add_one(inbox, outbox)``, the middle stage of a pipeline."""
    add_one = load_function(module_name, "add_one")
    ctx = get_context("spawn")
    inbox, outbox = ctx.Queue(), ctx.Queue()
    workers = _LearnerWorkers(add_one, (inbox, outbox), STAGE_WORKERS)
    try:
        workers.start_and_settle()
        for number in STAGE_NUMBERS:  # the first stage: the checker itself
            inbox.put(number)
        for _ in range(STAGE_WORKERS):
            inbox.put(SENTINEL)
        received, sentinels = _collect(outbox, workers, STAGE_WORKERS)
    finally:
        error = workers.finish()
    if error:
        raise NotYet(f"a stage worker failed: {error}")
    _judge_stage(received, sentinels)
    if workers.killed:
        raise NotYet(
            "every number and sentinel came out, but a worker was still running afterwards: "
            "return once you have passed the sentinel on"
        )
    return (
        f"all {len(STAGE_NUMBERS)} numbers came through {STAGE_WORKERS} stage workers exactly "
        "once, and each passed its sentinel on."
    )


def _judge_stage(received: list, sentinels: int) -> None:
    expected = [n + 1 for n in STAGE_NUMBERS]
    if not received and sentinels == STAGE_WORKERS:
        raise NotYet(
            f"{len(STAGE_NUMBERS)} numbers went in, none came out, but both workers passed "
            "a sentinel on: they stopped before the first number arrived. A stage that stops "
            "when empty() is True gives up while the stage before it is still working: "
            "stop when you get the sentinel (None) instead."
        )
    extra = sorted(set(received) - set(expected))
    if extra:
        raise NotYet(f"the stage should put number + 1 (1 -> 2), but these came out: {extra[:5]}")
    twice = sorted({n for n in received if received.count(n) > 1})
    if twice:
        raise NotYet(f"these came out more than once: {twice[:5]}; put each number once")
    missing = sorted(set(expected) - set(received))
    if missing:
        raise NotYet(
            f"not every number came out of the stage (missing: {[n - 1 for n in missing][:5]} "
            "plus one). Does a worker stop before its sentinel, e.g. when empty() is True?"
        )
    if sentinels < STAGE_WORKERS:
        raise NotYet(
            f"every number came out, but only {sentinels} of the {STAGE_WORKERS} sentinels: "
            "when a worker gets None it must put None on outbox, so the next stage knows "
            "to stop, and then return"
        )


TOTAL_CASES = (
    # Each producer's numbers; the checker plays the producers, one after another.
    [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12, 13, 14, 15]],
    [[100], [200, 300]],
)


@checker
def check_total(module_name: str = "totals") -> str:
    """Exercise 2: the learner's ``total_until_done(queue, producers, results)``."""
    total_until_done = load_function(module_name, "total_until_done")
    for groups in TOTAL_CASES:
        _check_one_total(total_until_done, groups)
    return "the consumer counted one sentinel per producer and summed every number."


def _check_one_total(function: Any, groups: list[list[int]]) -> None:
    ctx = get_context("spawn")
    items, results = ctx.Queue(), ctx.Queue()
    workers = _LearnerWorkers(function, (items, len(groups), results), 1)
    total: Any = None
    try:
        workers.start_and_settle()
        for group in groups:  # each producer's numbers, then its sentinel
            for number in group:
                items.put(number)
            items.put(SENTINEL)
        total = _first_result(results, workers)
    finally:
        error = workers.finish()
    if error:
        raise NotYet(f"the consumer failed: {error}")
    expected = sum(map(sum, groups))
    where = f"with {len(groups)} producers sending {groups}"
    if total is None:
        raise NotYet(
            f"{where}, no total arrived on results: after the last sentinel, put the total "
            "on results (and do not wait for more sentinels than there are producers)"
        )
    if total == expected:
        return
    if total == 0:
        raise NotYet(
            f"{where}, the total was 0: the consumer stopped before the first number arrived. "
            "Do not stop when empty() is True; stop after the last sentinel."
        )
    if total == sum(groups[0]):
        raise NotYet(
            f"{where}, the total was {total}, only the first producer's numbers: "
            f"the consumer stopped at the first sentinel. Each of the {len(groups)} producers "
            "sends one when it finishes: count them."
        )
    raise NotYet(f"{where}, the total was {total!r}, expected {expected}")


def _first_result(results: Queue, workers: _LearnerWorkers) -> Any:
    deadline = time.monotonic() + EXERCISE_TIMEOUT
    all_exited = False
    while time.monotonic() < deadline:
        try:
            return results.get(timeout=POLL_SECONDS)
        except queue_module.Empty:
            if all_exited:
                return None
            all_exited = not workers.alive()
    return None


if __name__ == "__main__":
    main()
