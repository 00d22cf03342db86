"""Chapter 1, "Processes keep their own memory": workers, demos and exercise checks.

Each process has its own copy of every global. A child that appends to the
module-level list ``squares`` changes its own copy; the parent's stays as it
was. Run this module as a script to see it outside Jupyter::

    python -m helpers.own_memory
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.synchronize import Event

from helpers.arguments import check_choice, check_int, check_int_list
from helpers.child_output import START_METHODS, get_context
from helpers.exercises import NotYet, checker, load_function, run_in_child

__all__ = [
    "START_METHODS",
    "before_and_after",
    "check_count_evens",
    "check_prediction",
    "compare_views",
    "print_when_told",
    "report_identity",
    "square_into_global",
    "squares",
]

# The global that the chapter is about: every process has its own.
squares: list[int] = []

# A very generous limit for the chapter's short-lived children.
CHILD_TIMEOUT = 30.0


def square_into_global(numbers: list[int]) -> None:
    """Append the square of each number to this process's ``squares``, then print it."""
    for number in check_int_list("numbers", numbers):
        squares.append(number * number)
    print(f"In the child:  squares = {squares}")


def report_identity(parent_pid: int) -> None:
    """Print this process's PID, and whether it differs from the parent's."""
    print(f"child:  PID {os.getpid()}, not the parent's: {os.getpid() != parent_pid}")


def compare_views(size: int = 4, method: str = "fork") -> None:
    """The chapter's core example for ``[1, ..., size]``, its child started by ``method``.

    The child fills its ``squares`` and prints them; the parent then prints its own.
    """
    size = check_int("size", size, minimum=1)
    numbers = list(range(1, size + 1))
    ctx = get_context(check_choice("method", method, START_METHODS))
    child = ctx.Process(target=square_into_global, args=(numbers,))
    child.start()
    child.join(CHILD_TIMEOUT)
    print(f"In the parent: squares = {squares}")
    print(f"(numbers = {numbers}, child started with {method})")


def print_when_told(label: str, go: Event) -> None:
    """Wait until ``go`` is set, then print this process's ``squares``."""
    if not go.wait(CHILD_TIMEOUT):
        raise TimeoutError("the parent never set the event")
    print(f"{label:>10}: the child sees squares = {squares}")


def before_and_after(method: str) -> None:
    """Append 1 to the parent's ``squares``, start a child, append 2, let the child print.

    The child prints only once the parent has done both, so what it shows
    depends only on the start method. The parent's list is emptied at the end.
    """
    ctx = get_context(check_choice("method", method, START_METHODS))
    go = ctx.Event()
    child = ctx.Process(target=print_when_told, args=(method, go))
    try:
        squares.append(1)  # before the child starts
        child.start()
        squares.append(2)  # after it has started
        go.set()
        child.join(CHILD_TIMEOUT)
    finally:
        squares.clear()


def main() -> None:
    """The chapter's example as a plain script, with standard multiprocessing only."""
    child = multiprocessing.Process(target=square_into_global, args=([1, 2, 3, 4],))
    child.start()
    child.join(CHILD_TIMEOUT)
    print(f"In the parent: squares = {squares}")


if __name__ == "__main__":
    main()


# Exercise checks --------------------------------------------------------------


@checker
def check_prediction(*, fork: object, spawn: object, forkserver: object) -> str:
    """Exercise 1: what the child prints when the parent's list held [7] before start().

    The answers are checked against a real run under each start method.
    """
    answers = {"fork": fork, "spawn": spawn, "forkserver": forkserver}
    for method, answer in answers.items():
        if not isinstance(answer, list):
            raise NotYet(f"give each answer as a list, such as [1, 2]; {method}={answer!r} is not")
    for method in START_METHODS:
        squares.append(7)
        try:
            run = run_in_child(square_into_global, ([3],), method)
        finally:
            squares.clear()
        printed = run.stdout.split("=", 1)[-1].strip()
        if printed != str(answers[method]):
            why = WHY_THE_CHILD_SEES[method]
            raise NotYet(
                f"under {method} the child printed {printed}, not {answers[method]}: {why}"
            )
    return "fork copies the parent's memory as it is at start(); spawn and forkserver do not."


WHY_THE_CHILD_SEES = {
    "fork": "a forked child starts as a copy of the parent, 7 included",
    "spawn": "a spawned child imports helpers.own_memory afresh, so its list starts empty",
    "forkserver": (
        "a forkserver child is forked from the fork server, a fresh process started "
        "long before, so it imports helpers.own_memory itself and its list starts empty"
    ),
}

EXIT_CODE_CASES = ([1, 2, 3, 4], [], [2, 4, 6, 8, 10, 12], [1, 3, 5])


@checker
def check_count_evens(module_name: str = "exit_codes") -> str:
    """Exercise 2: the learner's ``count_evens(numbers)`` answers through its exit code."""
    count_evens = load_function(module_name, "count_evens")
    for numbers in EXIT_CODE_CASES:
        expected = sum(1 for n in numbers if n % 2 == 0)
        run = run_in_child(count_evens, (numbers,), "spawn")
        if run.error:
            raise NotYet(f"for {numbers} the child failed: {run.error}")
        if run.exitcode != expected:
            hint = (
                " A return value is not an exit code: end the child with sys.exit(count)."
                if run.exitcode == 0
                else ""
            )
            raise NotYet(
                f"for {numbers} the exit code was {run.exitcode}, expected {expected} "
                f"(the count of even numbers).{hint}"
            )
    return "the exit code is the one number every child hands back to its parent."
