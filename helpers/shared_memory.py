"""Chapter 2, "Shared memory": workers, demos and exercise checks.

``multiprocessing.Value`` and ``Array`` put C numbers in memory that the parent
and its children all map, so a child's write is the parent's read. This module
holds the chapter's workers (a spawned child can only run what it can import),
the race between unlocked increments, the cost of locks, and the
``SharedMemory`` examples with numpy. Run it as a script to see the core
example outside Jupyter::

    python -m helpers.shared_memory

Workers never import numpy or matplotlib at module level: every spawned child
imports this module, and those imports would slow each one down.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from multiprocessing import resource_tracker, sharedctypes
from multiprocessing.shared_memory import SharedMemory
from multiprocessing.synchronize import Barrier
from typing import Any

from helpers.arguments import check_choice, check_int, check_int_list
from helpers.child_output import START_METHODS, get_context
from helpers.exercises import NotYet, checker, load_function

__all__ = [
    "INCREMENTS",
    "RACE_RUNS",
    "START_METHODS",
    "add_one_locked",
    "add_one_unlocked",
    "attach_and_read",
    "attach_from_another_program",
    "attach_untracked",
    "check_cubes",
    "check_parallel_counter",
    "cost_of_locks",
    "create_and_forget",
    "fill_squares",
    "plot_lock_costs",
    "plot_race",
    "race",
    "race_demo",
    "segment_exists",
    "share_squares",
    "show_forgotten_unlink",
    "show_view_after_close",
    "square_into_shared",
    "square_slice",
    "typecode_table",
    "view_after_close",
]

# A very generous limit for the chapter's short-lived children.
CHILD_TIMEOUT = 30.0
# How long a racing worker waits for the others at the start line.
BARRIER_TIMEOUT = 30.0
# A separate Python program (not started by multiprocessing) gets this long.
PROGRAM_TIMEOUT = 60.0

# Increments per racing worker. Measured on 2 cores: with a start barrier and
# 100,000 each, updates were lost in every run; with 10,000, often in none.
INCREMENTS = 100_000
# Runs of each kind (unlocked, locked) that the race plot shows by default:
# few enough that the widget can run every choice when the book is built.
RACE_RUNS = 3


# The seed's example, done right -------------------------------------------------


def square_into_shared(numbers: list[int], result: Any, square_sum: Any) -> None:
    """Write the square of each number into the shared ``result``, their sum into ``square_sum``.

    ``result`` is a ``multiprocessing.Array`` at least as long as ``numbers``;
    ``square_sum`` is a ``multiprocessing.Value``. Prints what this process sees.
    """
    numbers = check_int_list("numbers", numbers)
    if len(numbers) > len(result):
        raise ValueError(f"'result' holds {len(result)} numbers, too few for {len(numbers)}")
    for index, number in enumerate(numbers):
        result[index] = number * number
    square_sum.value = sum(result[:])
    print(f"In the child:  result = {result[:]}")
    print(f"In the child:  sum of squares = {square_sum.value}")


def share_squares(size: int = 4) -> None:
    """The chapter's core example for ``[1, ..., size]``: a child fills, the parent reads."""
    size = check_int("size", size, minimum=1)
    numbers = list(range(1, size + 1))
    ctx = get_context()
    result = ctx.Array("i", size)
    square_sum = ctx.Value("i")
    child = ctx.Process(target=square_into_shared, args=(numbers, result, square_sum))
    child.start()
    child.join(CHILD_TIMEOUT)
    print(f"In the parent: result = {result[:]}")
    print(f"In the parent: sum of squares = {square_sum.value}")


# Typecodes -------------------------------------------------------------------

# The typecodes the chapter lists, with the C type each one stands for.
TYPECODES = {
    "b": "signed char",
    "B": "unsigned char",
    "h": "short",
    "i": "int",
    "I": "unsigned int",
    "l": "long",
    "q": "long long",
    "f": "float",
    "d": "double",
    "c": "char",
}


def _range_of(code: str) -> str:
    """The values one element of typecode ``code`` holds, computed from its C size."""
    bits = 8 * sharedctypes.ctypes.sizeof(sharedctypes.typecode_to_type[code])
    if code == "c":
        return "one byte, as bytes of length 1"
    if code == "f":
        return "about ±3.4e38, 6-7 significant digits"
    if code == "d":
        return "about ±1.8e308, 15-16 significant digits"
    if code.isupper():
        return f"0 to {2**bits - 1:,}"
    return f"{-(2 ** (bits - 1)):,} to {2 ** (bits - 1) - 1:,}"


def typecode_table(codes: Sequence[str] = tuple(TYPECODES)) -> None:
    """Print each typecode's C type, size in bytes on this machine, and range."""
    print(f"{'code':<6}{'C type':<15}{'bytes':>5}   range")
    for code in codes:
        code = check_choice("code", code, list(TYPECODES))
        size = sharedctypes.ctypes.sizeof(sharedctypes.typecode_to_type[code])
        print(f"{code!r:<6}{TYPECODES[code]:<15}{size:>5}   {_range_of(code)}")


# The race ----------------------------------------------------------------------


def add_one_unlocked(counter: Any, times: int, start: Barrier) -> None:
    """Add 1 to ``counter.value``, ``times`` times, once every worker is at ``start``."""
    start.wait(BARRIER_TIMEOUT)
    for _ in range(times):
        counter.value += 1  # a read, then a write: another process can write in between


def add_one_locked(counter: Any, times: int, start: Barrier) -> None:
    """Like :func:`add_one_unlocked`, holding the counter's lock for each read-and-write."""
    start.wait(BARRIER_TIMEOUT)
    for _ in range(times):
        with counter.get_lock():
            counter.value += 1


def race(
    processes: int = 2, *, locked: bool, increments: int = INCREMENTS, method: str | None = None
) -> int:
    """Let ``processes`` workers add 1 to one shared counter ``increments`` times each.

    All start together (a ``Barrier``) so that they truly overlap. Returns the final count.
    """
    processes = check_int("processes", processes, minimum=1)
    increments = check_int("increments", increments, minimum=1)
    ctx = multiprocessing.get_context(method)
    counter = ctx.Value("i", 0)
    start = ctx.Barrier(processes)
    worker = add_one_locked if locked else add_one_unlocked
    workers = [
        ctx.Process(target=worker, args=(counter, increments, start)) for _ in range(processes)
    ]
    for w in workers:
        w.start()
    try:
        for w in workers:
            w.join(CHILD_TIMEOUT)
    finally:
        for w in workers:
            if w.exitcode is None:
                w.kill()
                w.join(CHILD_TIMEOUT)
    if any(w.exitcode != 0 for w in workers):
        raise RuntimeError(f"a worker failed: exit codes {[w.exitcode for w in workers]}")
    return counter.value


def plot_race(lost: dict[str, list[int]], processes: int) -> None:
    """Bars: the updates lost in each run, without and with the lock."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    runs = range(1, len(next(iter(lost.values()))) + 1)
    width = 0.4
    for offset, (label, values) in zip((-width / 2, width / 2), lost.items(), strict=True):
        bars = ax.bar([r + offset for r in runs], values, width, label=label)
        ax.bar_label(bars, fontsize=8)
    ax.set_xticks(list(runs))
    ax.set_xlabel("run")
    ax.set_ylabel("updates lost")
    ax.set_title(f"{processes} process(es), {INCREMENTS:,} increments each")
    most = max(max(values) for values in lost.values())
    ax.set_ylim(0, max(most, 1) * 1.35)  # room for the legend above the bars
    ax.legend(loc="upper center", ncols=2)
    fig.tight_layout()


def race_demo(processes: int = 2, runs: int = RACE_RUNS) -> None:
    """Run the race ``runs`` times without the lock and ``runs`` times with it; plot the losses.

    Prints only what holds in every run (the expected total, and that the locked
    totals are exact); the number of lost updates varies, so it is only plotted.
    """
    processes = check_int("processes", processes, minimum=1)
    runs = check_int("runs", runs, minimum=1)
    expected = processes * INCREMENTS
    totals = {
        locked: [race(processes, locked=locked) for _ in range(runs)] for locked in (False, True)
    }
    print(f"{processes} process(es) x {INCREMENTS:,} increments: expected total {expected:,}")
    exact = all(total == expected for total in totals[True])
    print(f"with get_lock(), all {runs} totals exact: {exact}")
    lost = {
        "without a lock": [expected - t for t in totals[False]],
        "with get_lock()": [expected - t for t in totals[True]],
    }
    plot_race(lost, processes)


# Without locks ------------------------------------------------------------------


def square_slice(array: Any, start: int, stop: int) -> None:
    """Write ``i * i`` into ``array[i]`` for ``start <= i < stop``: this worker's slice only."""
    for index in range(start, stop):
        array[index] = index * index


def cost_of_locks(number: int = 20_000, trials: int = 5) -> dict[str, Any]:
    """Time one increment and one element write, with the lock and without it.

    Returns a :class:`helpers.timing.Timing` per operation, in this process.
    """
    from helpers.timing import measure

    locked_value = multiprocessing.Value("i", 0)
    raw_value = multiprocessing.Value("i", 0, lock=False)
    locked_array = multiprocessing.Array("i", 100)
    raw_array = multiprocessing.RawArray("i", 100)

    def locked_increment() -> None:
        with locked_value.get_lock():
            locked_value.value += 1

    def raw_increment() -> None:
        raw_value.value += 1

    def locked_write() -> None:
        locked_array[7] = 1

    def raw_write() -> None:
        raw_array[7] = 1

    operations = {
        "Value: increment with get_lock()": locked_increment,
        "Value(lock=False): increment": raw_increment,
        "Array: write one element": locked_write,
        "RawArray: write one element": raw_write,
    }
    return {
        name: measure(operation, number=number, trials=trials)
        for name, operation in operations.items()
    }


def plot_lock_costs(timings: dict[str, Any]) -> None:
    """Horizontal bars: the median time per operation, with its range across trials."""
    import matplotlib.pyplot as plt

    names = list(timings)
    medians = [timings[n].median * 1e9 for n in names]
    errors = [
        [m - timings[n].low * 1e9 for n, m in zip(names, medians, strict=True)],
        [timings[n].high * 1e9 - m for n, m in zip(names, medians, strict=True)],
    ]
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    ax.barh(names, medians, xerr=errors, color=["#c0504d", "#4f81bd"] * 2)
    ax.invert_yaxis()
    ax.set_xlabel("nanoseconds per operation (median, range over trials)")
    fig.tight_layout()


# SharedMemory and numpy -------------------------------------------------------


def fill_squares(name: str, length: int) -> None:
    """Attach to the segment ``name`` and fill it, in place, with the squares of 0..length-1.

    The segment holds ``length`` int64 numbers. Only its name was sent here.
    """
    import numpy as np

    if not isinstance(name, str):
        raise TypeError(f"'name' must be a str, not {type(name).__name__}")
    length = check_int("length", length, minimum=1)
    block = SharedMemory(name=name)  # attach: no new memory, no copy
    try:
        squares = np.frombuffer(block.buf, dtype=np.int64, count=length)  # a view
        np.multiply(np.arange(length), np.arange(length), out=squares)
        print(f"In the child:  filled {length:,} squares in place")
        del squares  # the view must go before close()
    finally:
        block.close()  # this process lets go; the segment lives on


def segment_exists(name: str) -> bool:
    """Whether the POSIX shared memory segment ``name`` exists (Linux: a file in /dev/shm)."""
    if os.path.isdir("/dev/shm"):
        return os.path.exists(os.path.join("/dev/shm", name.lstrip("/")))
    try:
        block = attach_untracked(name)
    except FileNotFoundError:
        return False
    block.close()
    return True


def attach_untracked(name: str) -> SharedMemory:
    """Attach to segment ``name`` without handing it to this process's resource tracker.

    From Python 3.13, ``track=False`` says so. On 3.10 to 3.12 every attach
    registers the segment, so we unregister it again straight away.
    """
    if sys.version_info >= (3, 13):
        return SharedMemory(name=name, track=False)
    block = SharedMemory(name=name)
    resource_tracker.unregister(block._name, "shared_memory")  # the name with its leading "/"
    return block


def create_and_forget() -> None:
    """The mistake, as a program of its own: create a segment, close it, never unlink it."""
    block = SharedMemory(create=True, size=1024)
    block.buf[:5] = b"hello"
    print(f"created {block.name}, wrote 5 bytes, closed it, exiting without unlink()")
    block.close()


def attach_and_read(name: str, untracked: str = "no") -> None:
    """As a separate program: attach to ``name``, print its first 5 bytes, close.

    ``untracked="yes"`` attaches with :func:`attach_untracked` instead.
    """
    check_choice("untracked", untracked, ["no", "yes"])
    block = attach_untracked(name) if untracked == "yes" else SharedMemory(name=name)
    print(f"the other program read {bytes(block.buf[:5])!r}")
    block.close()


def view_after_close() -> None:
    """The mistake, as a program of its own: read an ``np.ndarray`` view after ``close()``."""
    import numpy as np

    block = SharedMemory(create=True, size=1 << 20)
    view = np.ndarray((1 << 17,), dtype=np.int64, buffer=block.buf)
    block.close()  # succeeds: this kind of view does not hold on to block.buf
    block.unlink()
    print("close() and unlink() succeeded with the view alive; now reading the view", flush=True)
    print(view.sum())


def _run_program(function: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``<function>(*args)`` from this module in a new Python: not a multiprocessing child."""
    code = f"import sys; from helpers.shared_memory import {function}; {function}(*sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True, text=True, timeout=PROGRAM_TIMEOUT,
    )  # fmt: skip


def _without_paths(stderr: str) -> str:
    """The program's stderr, each line indented, with file paths and segment names left out."""
    text = re.sub(r"\S*[/\\](multiprocessing[/\\]\w+\.py):\d+:", r".../\1:", stderr)
    text = re.sub(r"'/?psm_\w+'", "'<name>'", text)
    return "".join(f"    {line}\n" for line in text.splitlines()) or "    (nothing)\n"


def show_forgotten_unlink() -> None:
    """Run :func:`create_and_forget` as a separate program; show what it printed and left."""
    run = _run_program("create_and_forget")
    found = re.search(r"created (\w+),", run.stdout)
    name = found.group(1) if found else ""
    print(f"exit code {run.returncode}; its stdout:")
    print("    " + run.stdout.strip().replace(name or "<none>", "<name>"))
    print("its stderr:")
    print(_without_paths(run.stderr), end="")
    print(f"the segment still exists afterwards: {bool(name) and segment_exists(name)}")


def show_view_after_close() -> None:
    """Run :func:`view_after_close` as a separate program; show how it ended."""
    run = _run_program("view_after_close")
    print(f"its stdout: {run.stdout.strip()}")
    if run.returncode < 0:
        signal_name = signal.Signals(-run.returncode).name
        print(f"exit code {run.returncode}: killed by signal {-run.returncode}, {signal_name}")
    else:
        print(f"exit code {run.returncode}")


def attach_from_another_program(untracked: bool = False) -> None:
    """Create a segment here; let a separate program attach, read and close; report.

    On Python 3.10 to 3.12 that program's resource tracker destroys the segment when
    the program exits, unless the program attached with :func:`attach_untracked`.
    """
    block = SharedMemory(create=True, size=16)
    still_there = True
    try:
        block.buf[:5] = b"hello"
        run = _run_program("attach_and_read", block.name, "yes" if untracked else "no")
        print(run.stdout.strip())
        print("its stderr:")
        print(_without_paths(run.stderr), end="")
        still_there = segment_exists(block.name)
        print(f"the notebook's segment still exists: {still_there}")
    finally:
        block.close()
        if still_there:
            block.unlink()
        else:
            # Destroyed by the other program's tracker: only our registration is left.
            resource_tracker.unregister(block._name, "shared_memory")


# The script ----------------------------------------------------------------------


def main() -> None:
    """The chapter's example as a plain script, with standard multiprocessing only."""
    numbers = [1, 2, 3, 4]
    result = multiprocessing.Array("i", len(numbers))
    square_sum = multiprocessing.Value("i")
    child = multiprocessing.Process(target=square_into_shared, args=(numbers, result, square_sum))
    child.start()
    child.join(CHILD_TIMEOUT)
    print(f"In the parent: result = {result[:]}")
    print(f"In the parent: sum of squares = {square_sum.value}")


if __name__ == "__main__":
    main()


# Exercise checks ---------------------------------------------------------------


def _after_barrier(function: Callable[..., None], start: Barrier, *args: Any) -> None:
    """Run the learner's ``function(*args)`` once every worker has reached ``start``."""
    start.wait(BARRIER_TIMEOUT)
    function(*args)


def _run_workers(function: Callable[..., None], arg_lists: list[tuple], method: str) -> None:
    """Start one child per argument tuple, together; raise NotYet if one fails or hangs."""
    ctx = multiprocessing.get_context(method)
    start = ctx.Barrier(len(arg_lists))
    workers = [ctx.Process(target=_after_barrier, args=(function, start, *a)) for a in arg_lists]
    for w in workers:
        w.start()
    for w in workers:
        w.join(CHILD_TIMEOUT)
    for w in workers:
        if w.exitcode is None:
            w.kill()
            w.join(CHILD_TIMEOUT)
    hung = [w for w in workers if w.exitcode is None or w.exitcode < 0]
    if hung:
        raise NotYet(f"a worker did not finish within {CHILD_TIMEOUT:g} s and was stopped")
    failed = [w.exitcode for w in workers if w.exitcode != 0]
    if failed:
        raise NotYet(f"a worker failed with exit code {failed[0]} (its traceback is above)")


# The counter exercise: this many workers, increments each, and tries.
COUNTER_WORKERS = 2
COUNTER_TRIALS = 3


@checker
def check_parallel_counter(module_name: str = "parallel_counter", method: str = "spawn") -> str:
    """Exercise 1: ``count_up(counter, times)`` must leave an exact total, every time."""
    count_up = load_function(module_name, "count_up")
    check_choice("method", method, START_METHODS)
    expected = COUNTER_WORKERS * INCREMENTS
    for _ in range(COUNTER_TRIALS):
        counter = multiprocessing.get_context(method).Value("i", 0)
        _run_workers(count_up, [(counter, INCREMENTS)] * COUNTER_WORKERS, method)
        if counter.value < expected:
            raise NotYet(
                f"{COUNTER_WORKERS} processes each counted up {INCREMENTS:,} times and the "
                f"total came out below {expected:,}: updates were lost. Hold "
                "counter.get_lock() around each read-and-write."
            )
        if counter.value > expected:
            raise NotYet(
                f"the total came out above {expected:,}: each process must add exactly "
                f"{INCREMENTS:,} (the 'times' argument)"
            )
    return f"{COUNTER_TRIALS} times in a row, {COUNTER_WORKERS} processes counted to {expected:,}."


# The cubes exercise: an array of this many numbers, filled by this many parts.
CUBES_LENGTH = 10
CUBES_PARTS = 3


@checker
def check_cubes(module_name: str = "cubes", method: str = "spawn") -> str:
    """Exercise 2: ``fill_cubes(array, part, parts)`` fills part ``part`` of ``parts``.

    Each part runs alone first, on an array of -1s, to see which indexes it writes;
    then all parts run together and the array must hold the cubes.
    """
    fill_cubes = load_function(module_name, "fill_cubes")
    ctx = multiprocessing.get_context(check_choice("method", method, START_METHODS))
    owner: dict[int, int] = {}
    for part in range(CUBES_PARTS):
        alone = ctx.Array("q", [-1] * CUBES_LENGTH, lock=False)
        _run_workers(fill_cubes, [(alone, part, CUBES_PARTS)], method)
        for index in (i for i, value in enumerate(alone[:]) if value != -1):
            if index in owner:
                raise NotYet(
                    f"parts {owner[index]} and {part} both wrote index {index}: "
                    "each part must write only its own slice"
                )
            owner[index] = part
    return _check_cubes_together(fill_cubes, owner, ctx, method)


def _check_cubes_together(fill_cubes: Callable, owner: dict, ctx: Any, method: str) -> str:
    if not owner:
        raise NotYet(
            "no part wrote anything into the shared array: write into it (array[i] = ...); "
            "assigning to the name array only changes the child's own variable"
        )
    missing = [i for i in range(CUBES_LENGTH) if i not in owner]
    if missing:
        raise NotYet(
            f"with {CUBES_LENGTH} numbers and {CUBES_PARTS} parts, index {missing[0]} was "
            "written by no part: let the last part run to the end of the array"
        )
    array = ctx.Array("q", CUBES_LENGTH, lock=False)
    _run_workers(fill_cubes, [(array, p, CUBES_PARTS) for p in range(CUBES_PARTS)], method)
    for index, value in enumerate(array[:]):
        if value != index**3:
            raise NotYet(f"array[{index}] is {value}, expected {index}**3 = {index**3}")
    return f"{CUBES_PARTS} processes filled {CUBES_LENGTH} cubes, each its own slice, with no lock."
