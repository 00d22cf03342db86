"""Chapter 3, "The server process": managers, proxies, and a manager reached over a socket.

A manager is a server process that owns Python objects; other processes hold
*proxies* to them, and every operation on a proxy is a message to the server.
This module holds the chapter's workers (they must be importable, so that a
spawned child can find them), its measurements, the scoreboard served over a
loopback socket, and the exercise checks. Run it as a script to see the core
example with nothing but the standard library::

    python -m helpers.managers
"""

from __future__ import annotations

import collections
import contextlib
import io
import multiprocessing
import os
import socket
from collections.abc import Callable, Sequence
from multiprocessing import AuthenticationError
from multiprocessing.managers import BaseManager
from typing import Any

from helpers.arguments import check_int
from helpers.child_output import Process, get_context
from helpers.exercises import NotYet, checker, load_function, run_in_child
from helpers.timing import Timing, measure

__all__ = [
    "FIRST_RECORDS",
    "LOOPBACK",
    "NEW_RECORD",
    "ROSTER",
    "RunsInTheServer",
    "Scoreboard",
    "ScoreboardManager",
    "WatchedLock",
    "add_bonus_and_store",
    "add_bonus_in_place",
    "add_record",
    "add_score",
    "check_count_words",
    "check_join_team",
    "connect_scoreboard",
    "crown_leader",
    "get_scoreboard",
    "main",
    "measure_costs",
    "plot_costs",
    "port_is_free",
    "print_leader",
    "print_records",
    "print_scoreboard",
    "print_scores",
    "report_costs",
    "share_records",
    "smuggle_code",
    "visit_scoreboard",
]

# The chapter's records: (name, score). Three to start with, and one to add.
FIRST_RECORDS = [("Asha", 10), ("Ben", 9), ("Chen", 9)]
NEW_RECORD = ("Dana", 8)
# The records the widget starts from: its first ``count`` of these.
ROSTER = [*FIRST_RECORDS, ("Eli", 8), ("Fay", 7), ("Gus", 7)]

# A very generous limit for the chapter's short-lived children.
CHILD_TIMEOUT = 30.0

# The only address the chapter's servers listen on: this machine, never the network.
LOOPBACK = "127.0.0.1"


# Records in a manager's list, dict and Namespace ------------------------------


def add_record(records: Any, record: tuple[str, int]) -> None:
    """Append ``record`` to a (proxy of a) list of records."""
    records.append(record)
    print(f"adder:   appended {record}")


def print_records(records: Any) -> None:
    """Print every record of a (proxy of a) list, in its order."""
    print(f"printer: {len(records)} records")
    for name, score in records:
        print(f"printer:   {name:<5} {score:>3}")


def add_score(scores: Any, name: str, score: int) -> None:
    """Store ``score`` under ``name`` in a (proxy of a) dict."""
    scores[name] = score
    print(f"adder:   scores[{name!r}] = {score}")


def print_scores(scores: Any) -> None:
    """Print every name and score of a (proxy of a) dict, in insertion order."""
    print(f"printer: {len(scores)} scores")
    for name, score in scores.items():
        print(f"printer:   {name:<5} {score:>3}")


def crown_leader(board: Any, name: str, score: int) -> None:
    """Make ``name`` the leader of a (proxy of a) Namespace if ``score`` beats the best."""
    if score > board.best:
        board.leader, board.best = name, score
    board.entries += 1
    print(f"adder:   entered {name} with {score}")


def print_leader(board: Any) -> None:
    """Print a (proxy of a) Namespace's attributes."""
    print(f"printer: leader {board.leader} with {board.best}, after {board.entries} entries")


def share_records(count: int = 3) -> None:
    """The core example for the widget: ``count`` records, one process adds, another prints."""
    count = check_int("count", count, minimum=1)
    if count > len(ROSTER):
        raise ValueError(f"'count' must be at most {len(ROSTER)}, not {count}")
    with multiprocessing.Manager() as manager:
        records = manager.list(ROSTER[:count])
        for target, args in ((add_record, (records, NEW_RECORD)), (print_records, (records,))):
            child = Process(target=target, args=args)
            child.start()
            child.join(CHILD_TIMEOUT)
    records_word = "record" if count == 1 else "records"
    print(f"(started with {count} {records_word}; the printer ran after the adder had finished)")


# The pitfall: an object nested in a proxy ---------------------------------------


def add_bonus_in_place(players: Any, bonus: int) -> None:
    """Add ``bonus`` to each player's score by changing each player dict in place."""
    changed = []
    for player in players:
        player["score"] += bonus
        changed.append(player["score"])
    print(f"worker:  the scores as this worker changed them: {changed}")


def add_bonus_and_store(players: Any, bonus: int) -> None:
    """Add ``bonus`` to each player's score, then store each changed copy back."""
    changed = []
    for index, player in enumerate(players):
        player["score"] += bonus
        players[index] = player  # sends the changed copy to the server
        changed.append(player["score"])
    print(f"worker:  the scores as this worker changed them: {changed}")


# What a manager costs -------------------------------------------------------------

# Operations per trial, and trials: enough for a median, a second or so in all.
COST_NUMBER = {"manager list append": 1000, "locked Value +=": 20000, "unlocked Value +=": 20000}
COST_TRIALS = 7


def measure_costs() -> dict[str, Timing]:
    """Time one manager-list append, one locked and one unlocked shared ``Value`` increment."""
    locked = multiprocessing.Value("i", 0)
    unlocked = multiprocessing.Value("i", 0, lock=False)

    def locked_increment() -> None:
        with locked.get_lock():
            locked.value += 1

    def unlocked_increment() -> None:
        unlocked.value += 1

    with multiprocessing.Manager() as manager:
        shared_list = manager.list()
        operations = {
            "manager list append": lambda: shared_list.append(1),
            "locked Value +=": locked_increment,
            "unlocked Value +=": unlocked_increment,
        }
        return {
            name: measure(operation, number=COST_NUMBER[name], trials=COST_TRIALS)
            for name, operation in operations.items()
        }


def _check_costs(costs: object) -> dict[str, Timing]:
    if not isinstance(costs, dict) or set(costs) != set(COST_NUMBER):
        raise TypeError(f"'costs' must be the dict measure_costs() returns, not {costs!r}")
    return costs


def report_costs(costs: dict[str, Timing]) -> None:
    """Print the ratios between the medians, and checks that hold with a wide margin."""
    median = {name: timing.median for name, timing in _check_costs(costs).items()}
    manager, locked, unlocked = (median[name] for name in COST_NUMBER)
    print(f"a manager append costs {manager / locked:.0f}x a locked increment")
    print(f"a locked increment costs {locked / unlocked:.0f}x an unlocked one")
    print(f"a manager append costs more than 10x a locked increment: {manager > 10 * locked}")
    print(f"a locked increment costs more than an unlocked one: {locked > unlocked}")


def plot_costs(costs: dict[str, Timing]) -> None:
    """A bar per operation: median microseconds per call, with the range of the trials."""
    import matplotlib.pyplot as plt

    names = list(_check_costs(costs))
    medians = [costs[n].median * 1e6 for n in names]
    errors = [
        [m - costs[n].low * 1e6 for n, m in zip(names, medians, strict=True)],
        [costs[n].high * 1e6 - m for n, m in zip(names, medians, strict=True)],
    ]
    figure, ax = plt.subplots(figsize=(7, 3))
    ax.barh(names, medians, xerr=errors, color=["#f4a261", "#2a9d8f", "#8ab17d"], capsize=4)
    ax.set_xscale("log")
    ax.invert_yaxis()
    ax.set_xlabel("microseconds per operation (median; log scale; bars show the range)")
    highs = [costs[n].high * 1e6 for n in names]
    for y, (value, high) in enumerate(zip(medians, highs, strict=True)):
        ax.text(high * 1.25, y, f"{value:.3g} us", va="center")
    ax.set_xlim(min(costs[n].low for n in names) * 1e6 / 2, max(highs) * 5)
    ax.set_title("What one operation costs, measured on this machine")
    figure.tight_layout()
    plt.show()


# A manager over a socket: the scoreboard ----------------------------------------


class Scoreboard:
    """The shared object the scoreboard server owns: a list of (name, score) records."""

    def __init__(self, records: Sequence[tuple[str, int]] | None = None) -> None:
        self._records = list(FIRST_RECORDS if records is None else records)

    def add(self, name: str, score: int) -> None:
        self._records.append((name, score))

    def records(self) -> list[tuple[str, int]]:
        return list(self._records)

    def server_pid(self) -> int:
        return os.getpid()


# One scoreboard per server process, made when a client first asks for it.
_scoreboard: Scoreboard | None = None


def get_scoreboard() -> Scoreboard:
    """Runs in the server: the one scoreboard that every client's proxy refers to."""
    global _scoreboard
    if _scoreboard is None:
        _scoreboard = Scoreboard()
    return _scoreboard


class ScoreboardManager(BaseManager):
    """A manager that serves one registered object, the scoreboard."""


ScoreboardManager.register("scoreboard", callable=get_scoreboard)


def connect_scoreboard(address: tuple[str, int], authkey: bytes) -> Any:
    """Connect to a running scoreboard server; return a proxy of its scoreboard."""
    client = ScoreboardManager(address=address, authkey=authkey)
    client.connect()
    return client.scoreboard()


def visit_scoreboard(address: tuple[str, int], authkey: bytes, name: str, score: int) -> None:
    """A client: connect with ``authkey``, add a record, or print why it was refused."""
    try:
        board = connect_scoreboard(address, authkey)
    except AuthenticationError as error:
        print(f"{name}: refused, {type(error).__module__}.{type(error).__name__}: {error}")
        return
    board.add(name, score)
    print(f"{name}: connected and added ({name!r}, {score})")


def print_scoreboard(address: tuple[str, int], authkey: bytes) -> None:
    """A client that prints every record the server holds, and where the server runs."""
    board = connect_scoreboard(address, authkey)
    server_pid = board.server_pid()
    print(f"printer: the scoreboard lives in PID {server_pid}, this client is PID {os.getpid()}")
    for name, score in board.records():
        print(f"printer:   {name:<5} {score:>3}")


class RunsInTheServer:
    """An argument whose unpickling calls ``os.getpid()``: in whichever process unpickles it."""

    def __reduce__(self) -> tuple[Callable[[], int], tuple[()]]:
        return os.getpid, ()


def smuggle_code(address: tuple[str, int], authkey: bytes) -> None:
    """A client with the right key makes the server run a function of its choosing."""
    board = connect_scoreboard(address, authkey)
    board.add(RunsInTheServer(), 0)  # pickled as "call os.getpid()"
    stored, _ = board.records()[-1]
    print(f"the server stored the name {type(stored).__name__} PID {stored}")
    print(f"that is the server's own PID, so os.getpid() ran there: {stored == board.server_pid()}")


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    """True if nothing listens on (host, port): a new server could bind to it now."""
    port = check_int("port", port, minimum=1)
    with socket.socket() as probe:
        # As multiprocessing's own listener does: a port left in TIME_WAIT by
        # closed connections is free; one with a listening socket is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


# The script -------------------------------------------------------------------------


def main() -> None:
    """The chapter's core example as a plain script, with standard multiprocessing only."""
    with multiprocessing.Manager() as manager:
        records = manager.list(FIRST_RECORDS)
        adder = multiprocessing.Process(target=add_record, args=(records, NEW_RECORD))
        adder.start()
        adder.join(CHILD_TIMEOUT)
        printer = multiprocessing.Process(target=print_records, args=(records,))
        printer.start()
        printer.join(CHILD_TIMEOUT)


if __name__ == "__main__":
    main()


# Exercise checks ----------------------------------------------------------------------

# Exercise 1: four workers count the words of their own chunk into one shared dict.
WORD_CHUNKS = [["red", "green", "red", "blue"] * 150, ["green", "red"] * 300] * 2
# The checker gives the learner's workers this long, all together.
WORKERS_TIMEOUT = 60.0
# How long a worker waits at the start line for the others.
BARRIER_TIMEOUT = 20.0


class WatchedLock:
    """A manager's lock that also counts how often it was taken (it behaves as a Lock)."""

    def __init__(self, lock: Any, taken: Any) -> None:
        self._lock, self._taken = lock, taken

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        acquired = (
            self._lock.acquire(blocking, timeout) if timeout else self._lock.acquire(blocking)
        )
        if acquired:
            self._taken.value += 1  # safe: this process holds the lock
        return acquired

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def _count_after_barrier(barrier: Any, count_words: Callable, *args: Any) -> None:
    """Wait until every worker has started, so that they truly run at the same time."""
    barrier.wait(BARRIER_TIMEOUT)
    count_words(*args)


def _run_workers(count_words: Callable, counts: Any, lock: Any, barrier: Any) -> list[str]:
    """Run one spawned worker per chunk, together; return what each failed worker said."""
    ctx = get_context("spawn")
    errors = []
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        workers = [
            ctx.Process(target=_count_after_barrier, args=(barrier, count_words, c, counts, lock))
            for c in WORD_CHUNKS
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            already = len(stderr.getvalue())
            worker.join(WORKERS_TIMEOUT)
            if worker.exitcode is None:
                worker.kill()
                worker.join(CHILD_TIMEOUT)
                errors.append(f"it was still running after {WORKERS_TIMEOUT:g} s")
            elif worker.exitcode != 0:
                lines = stderr.getvalue()[already:].strip().splitlines()
                errors.append(lines[-1] if lines else f"exit code {worker.exitcode}")
    return errors


def _explain_count(word: str, got: int | None, expected: int) -> str:
    if got is None:
        return f"{word!r} is missing from the shared dict; it occurs {expected} times"
    if got < expected:
        return (
            f"{word!r} was counted {got} times, expected {expected}: updates were lost. Two "
            "workers read the same old count and both wrote old + n; hold the lock around "
            "each read-and-write"
        )
    return f"{word!r} was counted {got} times, expected {expected}: is a chunk counted twice?"


@checker
def check_count_words(module_name: str = "manager_word_count") -> str:
    """Exercise 1: four processes count words into one ``manager.dict``; it must be exact."""
    count_words = load_function(module_name, "count_words")
    expected = collections.Counter(word for chunk in WORD_CHUNKS for word in chunk)
    with multiprocessing.Manager() as manager:
        counts, taken = manager.dict(), manager.Value("i", 0)
        lock = WatchedLock(manager.Lock(), taken)
        errors = _run_workers(count_words, counts, lock, manager.Barrier(len(WORD_CHUNKS)))
        got, times_locked = counts.copy(), taken.value
    if errors:
        raise NotYet(f"a worker failed: {errors[0]}")
    if not got:
        raise NotYet(
            "the shared dict is still empty after the workers ran. Assigning to the name "
            "counts (counts = ...) only rebinds a local name; store into the proxy instead, "
            "with counts[word] = ..."
        )
    for word, number in sorted(expected.items()):
        if got.get(word) != number:
            raise NotYet(_explain_count(word, got.get(word), number))
    if set(got) != set(expected):
        raise NotYet(f"the dict holds words not in the text: {sorted(set(got) - set(expected))}")
    if times_locked == 0:
        raise NotYet(
            "the counts came out right this time, but no worker ever took the lock: "
            "another run can lose updates. Hold the lock around each read-and-write"
        )
    return (
        f"four processes, one shared dict, not one update lost; the lock was taken "
        f"{times_locked} times."
    )


# Exercise 2: a manager dict whose values are lists.
TEAMS = {"red": ["Asha"], "blue": []}
JOINS = [("red", "Ben"), ("blue", "Chen"), ("red", "Dana")]


@checker
def check_join_team(module_name: str = "manager_teams") -> str:
    """Exercise 2: ``join_team(teams, team, name)`` adds ``name`` to a list in a manager dict."""
    join_team = load_function(module_name, "join_team")
    expected = {team: list(members) for team, members in TEAMS.items()}
    for team, name in JOINS:
        expected[team].append(name)
    with multiprocessing.Manager() as manager:
        teams = manager.dict({team: list(members) for team, members in TEAMS.items()})
        for team, name in JOINS:
            run = run_in_child(join_team, (teams, team, name), "spawn")
            if run.error:
                raise NotYet(f"join_team(teams, {team!r}, {name!r}) failed: {run.error}")
        got = teams.copy()
    if got == TEAMS:
        raise NotYet(
            f"the teams are unchanged, {got}: teams[team] hands your worker a copy of the "
            "list; append to the copy, then store it back with teams[team] = members"
        )
    if got != expected:
        raise NotYet(f"after {JOINS} the teams are {got}, expected {expected}")
    return "a changed copy counts only once it is stored back in the proxy."
