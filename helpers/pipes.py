"""Chapter 5, "Pipes": workers, demos, measurements and exercise checks.

``multiprocessing.Pipe()`` returns the two ends of one pipe, two
``Connection`` objects: what one end sends, the other end receives. Run this
module as a script to see the chapter's core example outside Jupyter (a
sender and a receiver process, the messages ending with ``"END"``)::

    python -m helpers.pipes
"""

from __future__ import annotations

import ast
import contextlib
import io
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from helpers.arguments import check_int
from helpers.child_output import get_context
from helpers.exercises import NotYet, checker, load_function, run_in_child
from helpers.timing import Timing, measure

__all__ = [
    "MESSAGES",
    "OUTCOMES",
    "SIZES",
    "VARIANTS",
    "RoundTrips",
    "TrialOutcomes",
    "check_fan_in",
    "check_server",
    "collect_from_writers",
    "echo_pipe",
    "echo_queue",
    "exchange",
    "exchange_timeline",
    "measure_round_trips",
    "pickled_call",
    "ping",
    "plot_round_trips",
    "plot_trial_outcomes",
    "pong",
    "print_until_eof",
    "receiver",
    "sender",
    "timed_ping",
    "timed_pong",
    "two_writer_trials",
    "write_tagged",
]

# The seed's messages: three greetings, then the sentinel that ends the exchange.
MESSAGES = ["hello", "hey", "hru?", "END"]

# A very generous limit for any one message to arrive from a running process.
RECV_TIMEOUT = 30.0

# How long the unclosed-end demo waits for the end of file that never comes.
EOF_WAIT = 1.0

# A generous limit for a child of this chapter to finish once its work is done.
CHILD_TIMEOUT = 30.0


def _recv(conn: Connection, timeout: float = RECV_TIMEOUT) -> Any:
    """``conn.recv()``, but raise TimeoutError instead of waiting forever."""
    if not conn.poll(timeout):
        raise TimeoutError(f"nothing arrived within {timeout:g} s")
    return conn.recv()


def _join_all(processes: Sequence[multiprocessing.Process]) -> None:
    """Join every process; kill any still running after CHILD_TIMEOUT."""
    for process in processes:
        process.join(CHILD_TIMEOUT)
    for process in processes:
        if process.exitcode is None:
            process.kill()
            process.join(CHILD_TIMEOUT)


# The seed's example --------------------------------------------------------


def sender(conn: Connection, messages: list[str]) -> None:
    """Send each message through ``conn``, then close this process's end."""
    for message in messages:
        conn.send(message)
        print(f"sender:   sent {message!r}")
    conn.close()


def receiver(conn: Connection) -> None:
    """Print each message that arrives on ``conn``, until the message ``"END"``."""
    while True:
        if not conn.poll(RECV_TIMEOUT):  # never wait forever
            raise TimeoutError(f"no message within {RECV_TIMEOUT:g} s")
        message = conn.recv()
        if message == "END":
            break
        print(f"receiver: got  {message!r}")
    print("receiver: got 'END', so it stops")


def main() -> None:
    """The chapter's example as a plain script, with standard multiprocessing only."""
    sending_end, receiving_end = multiprocessing.Pipe()
    processes = [
        multiprocessing.Process(target=sender, args=(sending_end, MESSAGES)),
        multiprocessing.Process(target=receiver, args=(receiving_end,)),
    ]
    for process in processes:
        process.start()
    sending_end.close()  # the parent uses neither end
    receiving_end.close()
    for process in processes:
        process.join(CHILD_TIMEOUT)


# Both directions -----------------------------------------------------------


def ping(conn: Connection, rounds: int) -> None:
    """Send "ping 1", "ping 2", ... and wait for each answer; then send the sentinel None."""
    for number in range(1, check_int("rounds", rounds, minimum=1) + 1):
        conn.send(f"ping {number}")
        answer = _recv(conn)
        print(f"ping: sent 'ping {number}', got {answer!r}")
    conn.send(None)


def pong(conn: Connection) -> None:
    """Answer every "ping N" on ``conn`` with "pong N", until the sentinel None."""
    while (request := _recv(conn)) is not None:
        answer = request.replace("ping", "pong")
        conn.send(answer)
        print(f"pong: got {request!r}, answered {answer!r}")
    print("pong: got None, so it stops")


# Never block forever -------------------------------------------------------


def print_until_eof(reading_end: Connection, writing_end: Connection, close_unused: bool) -> None:
    """Print every message on ``reading_end`` until end of file (EOFError).

    This process also holds ``writing_end``, as every forked child holds a copy
    of each end its parent had open. With ``close_unused`` it closes that copy
    first; without, end of file can never come, and it gives up after EOF_WAIT.
    """
    if close_unused:
        writing_end.close()  # this process never writes
    while True:
        if not reading_end.poll(EOF_WAIT):
            print(f"reader: nothing for {EOF_WAIT:g} s and no end of file; it gives up")
            return
        try:
            message = reading_end.recv()
        except EOFError:
            print("reader: EOFError, every copy of the writing end is closed")
            return
        print(f"reader: got {message!r}")


# Bytes or objects ----------------------------------------------------------


class _CallOnUnpickle:
    """Pickles as "call this function with these arguments": what unpickling then does."""

    def __init__(self, function: Callable[..., object], *args: object) -> None:
        self.function, self.args = function, args

    def __reduce__(self) -> tuple[Callable[..., object], tuple[object, ...]]:
        return self.function, self.args


def pickled_call(function: Callable[..., object], *args: object) -> bytes:
    """Bytes that make ``pickle.loads`` (so any ``recv()``) call ``function(*args)``."""
    if not callable(function):
        raise TypeError(f"'function' must be callable, not {type(function).__name__}")
    return pickle.dumps(_CallOnUnpickle(function, *args))


# The widget: the example for other numbers and sizes of messages -----------

SIZES = [10, 1000, 100_000]


def _sized_sender(conn: Connection, count: int, size: int) -> None:
    """Send ``count`` messages of ``size`` bytes, then the sentinel None."""
    for number in range(1, count + 1):
        conn.send_bytes(bytes([number]) * size)
        print(f"sender:   sent message {number} ({size} bytes)")
    conn.send_bytes(b"")  # an empty message is the sentinel here
    conn.close()


def _sized_receiver(conn: Connection, size: int) -> None:
    """Receive messages until the empty one; say whether each is whole."""
    number = 0
    while True:
        if not conn.poll(RECV_TIMEOUT):
            raise TimeoutError(f"nothing arrived within {RECV_TIMEOUT:g} s")
        message = conn.recv_bytes()
        if not message:
            break
        number += 1
        intact = message == bytes([number]) * size
        print(f"receiver: got  message {number} ({len(message)} bytes), intact: {intact}")
    print(f"receiver: got the empty message after {number}, so it stops")


def exchange(count: int = 3, size: int = 10) -> None:
    """The sender/receiver example for ``count`` messages of ``size`` bytes each."""
    count = check_int("count", count, minimum=1)
    size = check_int("size", size, minimum=1)
    if count > 255:
        raise ValueError(f"'count' must be at most 255, not {count}")
    ctx = get_context()
    sending_end, receiving_end = ctx.Pipe()
    processes = [
        ctx.Process(target=_sized_sender, args=(sending_end, count, size)),
        ctx.Process(target=_sized_receiver, args=(receiving_end, size)),
    ]
    for process in processes:
        process.start()
    sending_end.close()
    receiving_end.close()
    for process in processes:
        process.join(CHILD_TIMEOUT)


# A measured timeline of one exchange ---------------------------------------


def timed_ping(conn: Connection, rounds: int, report: Connection) -> None:
    """Like :func:`ping`, printing nothing; report when each send() began and recv() returned.

    It starts only once ``timed_pong`` says it is ready, so that the times
    show the exchange and not how long a process takes to start.
    """
    _recv(conn)  # "ready"
    times = []
    for number in range(1, rounds + 1):
        times.append(time.perf_counter())
        conn.send(f"ping {number}")
        _recv(conn)
        times.append(time.perf_counter())
    conn.send(None)
    report.send(times)


def timed_pong(conn: Connection, report: Connection) -> None:
    """Like :func:`pong`, printing nothing; report when each recv() returned and send() began."""
    conn.send("ready")
    times = []
    while (request := _recv(conn)) is not None:
        times.append(time.perf_counter())
        answer = request.replace("ping", "pong")
        times.append(time.perf_counter())
        conn.send(answer)
    report.send(times)


def exchange_timeline(rounds: int = 3) -> dict[str, list[float]]:
    """Run a ping-pong of ``rounds`` rounds; return its event times, in seconds from the first.

    ``"ping"`` holds, per round, when ping called send() and when its recv()
    returned; ``"pong"`` when pong's recv() returned and when it called send().
    ``time.perf_counter`` is one clock for the whole machine on Linux, macOS
    and Windows, so the two processes' times can be drawn on one axis.
    """
    rounds = check_int("rounds", rounds, minimum=1)
    ping_end, pong_end = multiprocessing.Pipe()
    reports = {name: multiprocessing.Pipe(duplex=False) for name in ("ping", "pong")}
    processes = [
        multiprocessing.Process(target=timed_ping, args=(ping_end, rounds, reports["ping"][1])),
        multiprocessing.Process(target=timed_pong, args=(pong_end, reports["pong"][1])),
    ]
    try:
        for process in processes:
            process.start()
        times = {name: _recv(reading_end) for name, (reading_end, _) in reports.items()}
    finally:
        _join_all(processes)
        for conn in (ping_end, pong_end, *(end for pair in reports.values() for end in pair)):
            conn.close()
    first = times["ping"][0]
    return {name: [t - first for t in values] for name, values in times.items()}


# Two writers on one end ----------------------------------------------------

VARIANTS = ["one pipe, no lock", "one pipe, a lock", "a pipe per writer", "a Queue"]
OUTCOMES = ["intact", "corrupted", "reader failed"]

# Each writer's messages are one repeated byte: its tag.
WRITER_TAGS = (b"A", b"B")

# Writers wait at most this long for each other at the start of a trial.
BARRIER_TIMEOUT = 30.0


def write_tagged(
    outputs: list[Any], tag: bytes, size: int, count: int, start: Any, lock: Any = None
) -> None:
    """Two-writer experiment: for each trial, write ``count`` messages of ``size`` x ``tag``.

    Each item of ``outputs`` is one trial's pipe, as a (reading end, writing
    end) pair, or one trial's queue. The writers meet at the barrier ``start`` before each
    trial, so that they write at the same time. ``lock``, if given, is held
    around each ``send_bytes``.
    """
    message = tag * size
    for output in outputs:
        start.wait(BARRIER_TIMEOUT)
        if not isinstance(output, tuple):
            for _ in range(count):
                output.put(message)  # a queue
            continue
        reading_end, writing_end = output
        reading_end.close()  # this process never reads
        with contextlib.suppress(ConnectionError):  # the reader gave up on this trial
            for _ in range(count):
                with lock if lock is not None else contextlib.nullcontext():
                    writing_end.send_bytes(message)
        writing_end.close()


@dataclass(frozen=True)
class TrialOutcomes:
    """How many trials of one variant ended in each outcome."""

    variant: str
    intact: int
    corrupted: int
    failed: int

    @property
    def trials(self) -> int:
        return self.intact + self.corrupted + self.failed


def _judge(messages: list[bytes], size: int, count: int) -> str:
    expected = sorted(tag * size for tag in WRITER_TAGS for _ in range(count))
    return "intact" if sorted(messages) == expected else "corrupted"


def _read_pipes(readers: list[Connection], size: int, count: int) -> str:
    """Read one trial from its pipe(s): from each, its share of the messages or up to EOF.

    ``maxlength`` makes a corrupted length fail at once, instead of waiting
    for (or allocating) gigabytes that will never come.
    """
    messages: list[bytes] = []
    share = len(WRITER_TAGS) * count // len(readers)
    remaining = {conn: share for conn in readers}
    try:
        while remaining:
            ready = wait(list(remaining), timeout=RECV_TIMEOUT)
            if not ready:
                return "reader failed"
            for conn in ready:
                try:
                    messages.append(conn.recv_bytes(maxlength=size))
                    remaining[conn] -= 1
                except EOFError:
                    remaining[conn] = 0
                if remaining[conn] == 0:
                    del remaining[conn]
    except OSError:  # "bad message length", or end of file inside a message
        return "reader failed"
    finally:
        for conn in readers:
            conn.close()
    return _judge(messages, size, count)


def _read_queue(queue: Any, size: int, count: int) -> str:
    messages = [queue.get(timeout=RECV_TIMEOUT) for _ in range(len(WRITER_TAGS) * count)]
    return _judge(messages, size, count)


def _run_variant(variant: str, trials: int, size: int, count: int) -> TrialOutcomes:
    """Start two writers for ``trials`` trials of ``variant``; read and judge each trial."""
    start = multiprocessing.Barrier(len(WRITER_TAGS))
    lock = multiprocessing.Lock() if variant == "one pipe, a lock" else None
    writers_own_pipes = variant == "a pipe per writer"
    queues = [multiprocessing.Queue() for _ in range(trials)] if variant == "a Queue" else None
    if queues is not None:
        outputs = [queues for _ in WRITER_TAGS]
    elif writers_own_pipes:
        outputs = [[multiprocessing.Pipe(False) for _ in range(trials)] for _ in WRITER_TAGS]
    else:
        shared = [multiprocessing.Pipe(False) for _ in range(trials)]
        outputs = [shared for _ in WRITER_TAGS]
    writers = [
        multiprocessing.Process(target=write_tagged, args=(out, tag, size, count, start, lock))
        for out, tag in zip(outputs, WRITER_TAGS, strict=True)
    ]
    results = []
    try:
        for writer in writers:
            writer.start()
        for trial in range(trials):
            if queues is not None:
                results.append(_read_queue(queues[trial], size, count))
                continue
            pipes = {id(out[trial]): out[trial] for out in outputs}.values()
            for _, writing_end in pipes:
                writing_end.close()  # the parent never writes
            results.append(_read_pipes([reading for reading, _ in pipes], size, count))
    finally:
        _join_all(writers)
        _close_outputs(outputs)
    return TrialOutcomes(variant, *(results.count(outcome) for outcome in OUTCOMES))


def _close_outputs(outputs: list[list[Any]]) -> None:
    for output in (item for out in outputs for item in out):
        if isinstance(output, tuple):
            for conn in output:
                conn.close()
        else:
            output.close()
            output.join_thread()


def two_writer_trials(
    trials: int = 20, size: int = 256 * 1024, count: int = 4
) -> dict[str, TrialOutcomes]:
    """Two writers, ``count`` messages of ``size`` bytes each, ``trials`` times, per variant."""
    trials = check_int("trials", trials, minimum=1)
    size = check_int("size", size, minimum=1)
    count = check_int("count", count, minimum=1)
    return {variant: _run_variant(variant, trials, size, count) for variant in VARIANTS}


def plot_trial_outcomes(results: dict[str, TrialOutcomes], size: int = 256 * 1024) -> Any:
    """A stacked bar per variant: trials intact, corrupted, and where the reader failed."""
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(8, 3.2))
    names = list(results)
    bottom = [0] * len(names)
    for outcome, colour in zip(OUTCOMES, ("#8cc084", "#e8a33d", "#c8553d"), strict=True):
        heights = [getattr(results[n], "failed" if outcome == "reader failed" else outcome)
                   for n in names]  # fmt: skip
        ax.barh(names, heights, left=bottom, color=colour, label=outcome)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel(f"trials (of {max(bottom)}), two writers, messages of {size // 1024} KiB")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    ax.set_title("How each trial's data came out")
    figure.tight_layout()
    return figure


# Pipe against Queue, measured ----------------------------------------------

# Message sizes for the cost plot, and how many round trips one timing trial runs.
ROUND_TRIP_SIZES = {16: 200, 1024: 200, 64 * 1024: 40, 1024 * 1024: 5}


def echo_pipe(conn: Connection) -> None:
    """Send back every object that arrives on ``conn``, until the sentinel None."""
    while (message := _recv(conn)) is not None:
        conn.send(message)


def echo_queue(requests: Any, replies: Any) -> None:
    """Put on ``replies`` every object taken from ``requests``, until the sentinel None."""
    while (message := requests.get(timeout=RECV_TIMEOUT)) is not None:
        replies.put(message)


@dataclass(frozen=True)
class RoundTrips:
    """Round-trip timings by message size, for a Pipe and for a Queue."""

    pipe: dict[int, Timing]
    queue: dict[int, Timing]


def _time_pipe(sizes: dict[int, int], trials: int) -> dict[int, Timing]:
    parent_end, child_end = multiprocessing.Pipe()
    child = multiprocessing.Process(target=echo_pipe, args=(child_end,))
    child.start()
    child_end.close()
    timings = {}
    try:
        for size, number in sizes.items():
            message = b"x" * size

            def round_trip(message: bytes = message) -> None:
                parent_end.send(message)
                _recv(parent_end)

            timings[size] = measure(round_trip, number=number, trials=trials)
        parent_end.send(None)
    finally:
        _join_all([child])
        parent_end.close()
    return timings


def _time_queue(sizes: dict[int, int], trials: int) -> dict[int, Timing]:
    requests, replies = multiprocessing.Queue(), multiprocessing.Queue()
    child = multiprocessing.Process(target=echo_queue, args=(requests, replies))
    child.start()
    timings = {}
    try:
        for size, number in sizes.items():
            message = b"x" * size

            def round_trip(message: bytes = message) -> None:
                requests.put(message)
                replies.get(timeout=RECV_TIMEOUT)

            timings[size] = measure(round_trip, number=number, trials=trials)
        requests.put(None)
    finally:
        _join_all([child])
        for queue in (requests, replies):
            queue.close()
            queue.join_thread()
    return timings


def measure_round_trips(trials: int = 5) -> RoundTrips:
    """Time a round trip (send, echoed back) through a Pipe and through two Queues, by size."""
    trials = check_int("trials", trials, minimum=1)
    return RoundTrips(_time_pipe(ROUND_TRIP_SIZES, trials), _time_queue(ROUND_TRIP_SIZES, trials))


def _size_label(size: int) -> str:
    for unit, scale in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= scale:
            return f"{size // scale} {unit}"
    return f"{size} B"


def plot_round_trips(result: RoundTrips) -> Any:
    """Round-trip latency (median, with the range of trials) and throughput, by size."""
    import matplotlib.pyplot as plt

    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(9, 3.4))
    for name, timings, marker in (("Pipe", result.pipe, "o"), ("Queue", result.queue, "s")):
        sizes = list(timings)
        medians = [timings[s].median * 1e6 for s in sizes]
        lows = [timings[s].low * 1e6 for s in sizes]
        highs = [timings[s].high * 1e6 for s in sizes]
        spread = [[m - lo for m, lo in zip(medians, lows, strict=True)],
                  [hi - m for m, hi in zip(medians, highs, strict=True)]]  # fmt: skip
        latency.errorbar(sizes, medians, yerr=spread, marker=marker, capsize=3, label=name)
        rates = [2 * s / timings[s].median / 1e6 for s in sizes]
        throughput.plot(sizes, rates, marker=marker, label=name)
    for ax, label in ((latency, "round trip (us), median and range"),
                      (throughput, "MB/s moved (both ways)")):  # fmt: skip
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(list(ROUND_TRIP_SIZES), [_size_label(s) for s in ROUND_TRIP_SIZES])
        ax.minorticks_off()
        ax.set_xlabel("message size")
        ax.set_ylabel(label)
        ax.legend()
    figure.suptitle("One message there and back: Pipe and Queue, on this machine")
    figure.tight_layout()
    return figure


# Exercise checks --------------------------------------------------------------

# Requests the server exercise sends, one at a time; each reply must be the square.
SERVER_REQUESTS = [3, -2, 0, 12, 7]

# How long the checker waits for one reply, and for the server to stop.
REPLY_TIMEOUT = 10.0


@checker
def check_server(module_name: str = "square_server") -> str:
    """Exercise 1: the learner's ``serve(conn)`` answers each number with its square.

    It runs in a spawned child; the checker sends each request, checks every
    reply, then sends the sentinel None and checks that the server stops.
    """
    serve = load_function(module_name, "serve")
    checker_end, server_end = multiprocessing.Pipe()
    output = io.StringIO()  # what the server prints, kept off the page
    child = get_context("spawn").Process(target=serve, args=(server_end,))
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            child.start()
            server_end.close()  # the checker never uses the server's end
            _check_replies(checker_end, child)
            with contextlib.suppress(ConnectionError):
                checker_end.send(None)
            child.join(REPLY_TIMEOUT)
            exitcode = child.exitcode
        finally:
            if child.exitcode is None:
                child.kill()
                child.join(REPLY_TIMEOUT)
            checker_end.close()
    if exitcode is None:
        raise NotYet(
            f"after the sentinel None the server was still running {REPLY_TIMEOUT:g} s "
            "later: leave the loop when the request is None"
        )
    if exitcode != 0:
        raise NotYet(f"the server failed after the sentinel: {_last_line(output)}")
    return "one reply per request, and the sentinel None stops the server."


def _last_line(output: io.StringIO) -> str:
    lines = output.getvalue().strip().splitlines()
    return lines[-1] if lines else "no error message"


def _check_replies(conn: Connection, child: multiprocessing.Process) -> None:
    for request in SERVER_REQUESTS:
        try:
            conn.send(request)
            if not conn.poll(REPLY_TIMEOUT):
                raise NotYet(
                    f"no reply to {request} within {REPLY_TIMEOUT:g} s: send one reply, "
                    "conn.send(...), for each request"
                )
            reply = conn.recv()
        except (EOFError, ConnectionError):  # BrokenPipeError, ConnectionResetError
            child.join(REPLY_TIMEOUT)
            raise NotYet(
                f"the server stopped (exit code {child.exitcode}) before answering {request}"
            ) from None
        if reply != request * request:
            raise NotYet(f"for request {request} the reply was {reply!r}, expected {request**2}")


# The fan-in exercise: several writers, each on its own pipe.
FAN_IN_WRITERS = 3
FAN_IN_MESSAGES = 3
# How long the learner's collect() may take, in the checker's child.
COLLECT_TIMEOUT = 10.0
# The exit code the checker's child uses when collect() took too long.
_TOO_SLOW = 3


def _write_numbered(conn: Connection, writer: int) -> None:
    for number in range(1, FAN_IN_MESSAGES + 1):
        conn.send(f"writer {writer}, message {number}")
    conn.close()


def collect_from_writers(collect: Callable[[list[Connection]], list[Any]]) -> None:
    """Start the fan-in writers, call ``collect(reading_ends)``, print its sorted result.

    Runs in the checker's child: if ``collect`` takes longer than
    COLLECT_TIMEOUT, the child exits with code 3.
    """
    watchdog = threading.Timer(COLLECT_TIMEOUT, os._exit, (_TOO_SLOW,))
    watchdog.daemon = True
    watchdog.start()
    pipes = [multiprocessing.Pipe(duplex=False) for _ in range(FAN_IN_WRITERS)]
    writers = [
        multiprocessing.Process(target=_write_numbered, args=(writing_end, number))
        for number, (_, writing_end) in enumerate(pipes, 1)
    ]
    for writer in writers:
        writer.start()
    for _, writing_end in pipes:
        writing_end.close()
    result = collect([reading_end for reading_end, _ in pipes])
    _join_all(writers)
    watchdog.cancel()
    print(repr(sorted(result, key=str) if isinstance(result, list) else result))


@checker
def check_fan_in(module_name: str = "fan_in") -> str:
    """Exercise 2: the learner's ``collect(readers)`` returns every message from every pipe."""
    collect = load_function(module_name, "collect")
    run = run_in_child(collect_from_writers, (collect,), "spawn")
    if run.exitcode == _TOO_SLOW:
        raise NotYet(
            f"collect() had not returned after {COLLECT_TIMEOUT:g} s: stop reading a pipe "
            "once its recv() raises EOFError, and return when every pipe has"
        )
    if run.error:
        raise NotYet(f"collect() raised {run.error}")
    last_line = (run.stdout.strip().splitlines() or [""])[-1]
    try:
        result = ast.literal_eval(last_line)
    except (SyntaxError, ValueError):
        raise NotYet(f"collect() should return a list, not {last_line}") from None
    if not isinstance(result, list):
        raise NotYet(f"collect() should return a list, not {type(result).__name__}")
    expected = sorted(
        f"writer {w}, message {m}"
        for w in range(1, FAN_IN_WRITERS + 1)
        for m in range(1, FAN_IN_MESSAGES + 1)
    )
    if result != expected:
        missing = sorted(set(expected) - set(result))
        raise NotYet(
            f"collect() returned {len(result)} messages, but the writers sent {len(expected)}; "
            f"missing, for example: {missing[:1]}. Read each pipe until its recv() raises "
            "EOFError"
        )
    return "every message from every pipe, read as it arrived, until each end of file."


if __name__ == "__main__":
    main()
