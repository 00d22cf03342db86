"""Chapter 6, "Sharing with pools": workers, demos and exercise checks.

A pool (``multiprocessing.Pool`` or ``concurrent.futures.ProcessPoolExecutor``)
keeps a few worker processes running and sends them tasks: the function's
name and its arguments, pickled. The results come back pickled too, so a
return value is often all the sharing a program needs. A ``Value``, ``Array``,
``Lock`` or ``Queue`` cannot travel that way; it reaches the workers through
the pool's ``initializer``/``initargs``, or is replaced by a manager proxy.
Run this module as a script to see the core example outside Jupyter::

    python -m helpers.pools

Every worker the chapter's pools run lives here: a pool started with spawn or
forkserver finds its task's function by importing it. Nothing here imports
matplotlib at module level, since every spawned worker imports this module.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from helpers.arguments import check_int
from helpers.child_output import START_METHODS
from helpers.exercises import NotYet, checker, load_function
from helpers.timing import Timing, measure

__all__ = [
    "CHUNKSIZES",
    "POOL_SIZE",
    "START_METHODS",
    "TASK_TIMEOUT",
    "ChunksizeTimings",
    "add_square",
    "check_can_be_passed",
    "check_total_words",
    "chunks_of",
    "exit_abruptly",
    "init_counter",
    "last_line",
    "measure_chunksizes",
    "new_log_file",
    "plot_chunksizes",
    "put_square",
    "receive",
    "square",
    "squares_in_chunks",
    "stderr_to",
    "worker_name",
    "worker_pid",
]

# Two workers: the machine that builds the book has two cores, shared with others.
POOL_SIZE = 2

# A very generous wait for any one result: every task here takes milliseconds.
TASK_TIMEOUT = 30.0

# The chunk sizes the cost plot measures, for a list of MEASURED_SIZE numbers.
CHUNKSIZES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
MEASURED_SIZE = 2000


# Workers -----------------------------------------------------------------------


def square(number: int) -> int:
    """Return ``number`` squared: the seed's work, as a task that returns its result."""
    number = check_int("number", number)
    return number * number


def receive(anything: object) -> str:
    """A task that only says what it received (if it ever gets to run)."""
    return f"received a {type(anything).__name__}"


# Set in each worker by init_counter(), once, as the worker starts.
counter: Any = None


def init_counter(shared_counter: Any) -> None:
    """Pool initializer: keep the ``Value`` this worker was started with in ``counter``."""
    global counter
    counter = shared_counter


def add_square(number: int) -> None:
    """Add ``number`` squared to the worker's ``counter``, holding its lock."""
    number = check_int("number", number)
    with counter.get_lock():
        counter.value += number * number


def put_square(queue: Any, number: int) -> None:
    """Put ``number`` squared on ``queue`` (a manager's queue proxy can be a task argument)."""
    queue.put(check_int("number", number) ** 2)


def exit_abruptly(code: int = 1) -> None:
    """End this worker at once, as a crash would: no exception, no cleanup, no result."""
    os._exit(check_int("code", code, minimum=0))


def worker_name(_task: object = None) -> str:
    """The name of the process running this task, without its serial number."""
    return multiprocessing.current_process().name.rsplit("-", 1)[0]


def worker_pid(_task: object = None) -> int:
    """The process ID of the worker running this task."""
    return os.getpid()


def stderr_to(path: str) -> None:
    """Pool initializer: send this worker's stderr (fd 2 and ``sys.stderr``) to ``path``.

    A worker's traceback would otherwise reach a notebook through Jupyter's
    forwarding thread, at a moment nobody can predict.
    """
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stderr = open(2, "w", buffering=1, encoding="utf-8", closefd=False)  # noqa: SIM115


def new_log_file() -> str:
    """Create an empty temporary file for :func:`stderr_to`; return its path."""
    fd, path = tempfile.mkstemp(prefix="pool-worker-stderr-", suffix=".txt")
    os.close(fd)
    return path


def last_line(path: str) -> str:
    """The last non-blank line of the file at ``path``, which is then removed."""
    with open(path, encoding="utf-8", errors="backslashreplace") as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    os.remove(path)
    return lines[-1] if lines else "(nothing)"


# Demos -------------------------------------------------------------------------


def chunks_of(numbers: Sequence[int], chunksize: int) -> list[list[int]]:
    """The tasks ``Pool.map`` makes of ``numbers``: consecutive slices of ``chunksize``."""
    chunksize = check_int("chunksize", chunksize, minimum=1)
    return [list(numbers[i : i + chunksize]) for i in range(0, len(numbers), chunksize)]


def squares_in_chunks(size: int = 4, chunksize: int = 1) -> None:
    """Square ``[1, ..., size]`` with ``Pool.map`` in chunks of ``chunksize``; say what was sent."""
    size = check_int("size", size, minimum=1)
    chunks = chunks_of(range(1, size + 1), chunksize)
    numbers = list(range(1, size + 1))
    with multiprocessing.Pool(processes=POOL_SIZE) as pool:
        squares = pool.map_async(square, numbers, chunksize=chunksize).get(TASK_TIMEOUT)
    tasks = f"{len(chunks)} task{'s' if len(chunks) > 1 else ''}"
    print(f"numbers: {numbers}")
    print(f"pool.map sent {tasks} of at most {chunksize} number{'s' if chunksize > 1 else ''}:")
    print("  " + " ".join(str(chunk) for chunk in chunks))
    print(f"squares: {squares}")


@dataclass(frozen=True)
class ChunksizeTimings:
    """Seconds per ``map`` call over ``size`` numbers, for each chunk size, and a plain loop."""

    size: int
    pool: dict[int, Timing]
    executor: dict[int, Timing]
    loop: Timing


def measure_chunksizes(
    size: int = MEASURED_SIZE, chunksizes: Sequence[int] = CHUNKSIZES, trials: int = 3
) -> ChunksizeTimings:
    """Time ``Pool.map`` and ``ProcessPoolExecutor.map`` of :func:`square` per chunk size.

    Each pool is started once, before its timings, so the figures are the cost
    of the tasks alone: pickling, sending, running, and sending back.
    """
    numbers = list(range(check_int("size", size, minimum=1)))
    chunksizes = [check_int("chunksize", c, minimum=1) for c in chunksizes]
    if not chunksizes:
        raise ValueError("'chunksizes' must hold at least one chunk size")
    with multiprocessing.Pool(processes=POOL_SIZE) as pool:
        by_pool = {
            c: measure(lambda c=c: pool.map_async(square, numbers, c).get(TASK_TIMEOUT),
                       number=1, trials=trials)
            for c in chunksizes
        }  # fmt: skip
    with ProcessPoolExecutor(max_workers=POOL_SIZE) as executor:
        by_executor = {
            c: measure(lambda c=c: list(executor.map(square, numbers, timeout=TASK_TIMEOUT,
                                                     chunksize=c)),
                       number=1, trials=trials)
            for c in chunksizes
        }  # fmt: skip
    loop = measure(lambda: [square(n) for n in numbers], number=5, trials=trials)
    return ChunksizeTimings(len(numbers), by_pool, by_executor, loop)


def plot_chunksizes(timings: ChunksizeTimings) -> Any:
    """A log-log plot of milliseconds per ``map`` call against chunk size, as a Diagram."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import ScalarFormatter

    from helpers.diagrams import Diagram

    figure = Figure(figsize=(8, 4.2))
    ax = figure.add_subplot()
    for label, results, marker in (
        ("Pool.map", timings.pool, "o"),
        ("ProcessPoolExecutor.map", timings.executor, "s"),
    ):
        sizes = list(results)
        medians = [results[c].median * 1e3 for c in sizes]
        below = [m - results[c].low * 1e3 for m, c in zip(medians, sizes, strict=True)]
        above = [results[c].high * 1e3 - m for m, c in zip(medians, sizes, strict=True)]
        ax.errorbar(sizes, medians, yerr=[below, above], marker=marker, capsize=3, label=label)
    ax.axhline(timings.loop.median * 1e3, color="0.4", linestyle="--",
               label="a plain loop in the parent, no pool")  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.set_xlabel("chunksize (numbers per task)")
    ax.set_ylabel(f"milliseconds to square {timings.size} numbers")
    ax.set_title("Fewer, larger tasks cost less (median and range of the trials)")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    return Diagram(
        figure, f"Plot: time per map call of {timings.size} numbers against chunksize, log-log"
    )


def main() -> None:
    """The chapter's example as a plain script, with the standard library only."""
    numbers = [1, 2, 3, 4]
    with multiprocessing.Pool(processes=POOL_SIZE) as pool:
        print("Pool.map:               ", pool.map_async(square, numbers).get(TASK_TIMEOUT))
    with ProcessPoolExecutor(max_workers=POOL_SIZE) as executor:
        squares = list(executor.map(square, numbers, timeout=TASK_TIMEOUT))
        print("ProcessPoolExecutor.map:", squares)
    total = multiprocessing.Value("i", 0)
    with multiprocessing.Pool(POOL_SIZE, initializer=init_counter, initargs=(total,)) as pool:
        pool.map_async(add_square, numbers).get(TASK_TIMEOUT)
    print("sum of squares, added up in a shared Value:", total.value)


if __name__ == "__main__":
    main()


# Exercise checks --------------------------------------------------------------

WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog"]
# Lines of 1 to 9 words; the exercise's total must come out exactly right.
LINES = [" ".join(WORDS[: i % len(WORDS) + 1]) for i in range(600)]


class _RecordingCounter:
    """Stands in for a ``Value('i')``: records every write, and whether its lock was held."""

    def __init__(self) -> None:
        self._value = 0
        self.locked = False
        self.writes = 0
        self.unlocked_writes = 0

    @property
    def value(self) -> int:
        return self._value

    @value.setter
    def value(self, new: int) -> None:
        self.writes += 1
        self.unlocked_writes += not self.locked
        self._value = new

    def get_lock(self) -> _RecordingCounter:
        return self

    def __enter__(self) -> None:
        self.locked = True

    def __exit__(self, *_exc: object) -> None:
        self.locked = False


def _call(function: Callable[..., Any], *args: Any) -> Any:
    """Call a learner's function; turn any exception into NotYet with its type and message."""
    try:
        return function(*args)
    except Exception as error:
        hint = ""
        if isinstance(error, RuntimeError) and "through inheritance" in str(error):
            hint = (
                ". A Value cannot be a task argument: hand it to each worker with "
                "Pool(..., initializer=init_worker, initargs=(counter,))"
            )
        raise NotYet(
            f"{function.__name__}() raised {type(error).__name__}: {error}{hint}"
        ) from None


def _why_wrong_total(got: object, expected: int) -> str:
    """A hint for a wrong total from exercise 1 (empty if there is none to give)."""
    if got == 0:
        return (
            " The workers' additions never reached the parent's Value: is the counter that "
            "init_worker stores the one total_words created and returns?"
        )
    if isinstance(got, int) and 0 < got < expected:
        return " Too few: does every line's count reach the counter, under counter.get_lock()?"
    return ""


def _lock_problem(module: dict[str, Any]) -> str | None:
    """What is wrong with the learner's ``count_words``, tried on a recording counter."""
    init_worker, count_words = module.get("init_worker"), module.get("count_words")
    for name, function in (("init_worker", init_worker), ("count_words", count_words)):
        if not callable(function):
            return f"{module['__name__']}.py defines no function named {name!r}"
    fake = _RecordingCounter()
    _call(init_worker, fake)
    _call(count_words, "one two three")
    if fake.value != 3:
        return (
            f"after init_worker(counter), count_words('one two three') left counter.value at "
            f"{fake.value}, expected 3: it must add the line's words to the counter"
        )
    if fake.unlocked_writes:
        return (
            "count_words changed counter.value without holding counter.get_lock(): two "
            "workers can read the same old value, and one addition is lost"
        )
    return None


@checker
def check_total_words(module_name: str = "word_count") -> str:
    """Exercise 1: ``total_words(lines)`` counts words in a pool, into a shared Value."""
    total_words = load_function(module_name, "total_words")
    expected = sum(len(line.split()) for line in LINES)
    got = _call(total_words, LINES)
    # init_worker and count_words from the same import as total_words, so that
    # count_words sees what init_worker stored.
    problem = _lock_problem(total_words.__globals__)
    if got != expected:
        if problem and "get_lock" in problem:
            raise NotYet(f"total_words() returned {got!r}, expected {expected}: {problem}.")
        raise NotYet(
            f"total_words() of the {len(LINES)} test lines returned {got!r}, "
            f"expected {expected}.{_why_wrong_total(got, expected)}"
        )
    if problem:
        luck = " The total was right this time only by luck." if "get_lock" in problem else ""
        raise NotYet(f"{problem}.{luck}" if luck else problem)
    return (
        f"{expected} words, exactly: the counter reached every worker through the "
        "initializer, and each addition held its lock."
    )


# What exercise 2 asks about: a name for each, and how to make one.
CANDIDATES: dict[str, Callable[[Any], Any]] = {
    "value": lambda manager: multiprocessing.Value("i", 0),
    "lock": lambda manager: multiprocessing.Lock(),
    "manager_queue": lambda manager: manager.Queue(),
    "manager_lock": lambda manager: manager.Lock(),
}

WHY_IT_PASSES = {
    True: "a proxy pickles as the manager's address and the object's id; the worker "
    "connects to the manager with them",
    False: "it wraps an operating-system resource (shared memory, a semaphore) that a "
    "process can only inherit as it is started",
}


@checker
def check_can_be_passed(**answers: object) -> str:
    """Exercise 2: which of these objects can be a pool task's argument? Checked for real."""
    if set(answers) != set(CANDIDATES):
        raise NotYet(f"answer for exactly these: {', '.join(CANDIDATES)}")
    for name, answer in answers.items():
        if not isinstance(answer, bool):
            raise NotYet(f"answer True or False for each; {name}={answer!r} is not")
    with multiprocessing.Manager() as manager, multiprocessing.Pool(1) as pool:
        for name, make in CANDIDATES.items():
            shared = make(manager)  # kept until the task is done: see "What can go wrong"
            try:
                pool.apply_async(receive, (shared,)).get(TASK_TIMEOUT)
                passes = True
            except RuntimeError:
                passes = False
            if answers[name] != passes:
                verdict = "can" if passes else "cannot"
                raise NotYet(f"{name} {verdict} be a task argument: {WHY_IT_PASSES[passes]}")
    return "objects of multiprocessing itself are inherited; a manager's proxies travel anywhere."
