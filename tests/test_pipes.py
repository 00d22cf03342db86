"""helpers.pipes: the chapter 5 workers, demos, measurements and exercise checks."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import subprocess
import sys

import pytest

from helpers import pipes
from helpers.child_output import get_context
from tests.support import ROOT


def test_sender_then_receiver_in_one_process(capsys: pytest.CaptureFixture) -> None:
    sending_end, receiving_end = multiprocessing.Pipe()
    pipes.sender(sending_end, pipes.MESSAGES)
    pipes.receiver(receiving_end)
    receiving_end.close()
    assert capsys.readouterr().out == (
        "sender:   sent 'hello'\nsender:   sent 'hey'\nsender:   sent 'hru?'\n"
        "sender:   sent 'END'\nreceiver: got  'hello'\nreceiver: got  'hey'\n"
        "receiver: got  'hru?'\nreceiver: got 'END', so it stops\n"
    )


def _run_pair(method: str, first: tuple, second: tuple) -> None:
    ctx = get_context(method)
    one, two = ctx.Pipe()
    processes = [
        ctx.Process(target=first[0], args=(one, *first[1:])),
        ctx.Process(target=second[0], args=(two, *second[1:])),
    ]
    for process in processes:
        process.start()
    one.close()
    two.close()
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0


def test_ping_pong_take_turns(start_method: str, capsys: pytest.CaptureFixture) -> None:
    _run_pair(start_method, (pipes.ping, 2), (pipes.pong,))
    assert capsys.readouterr().out == (
        "ping: sent 'ping 1', got 'pong 1'\nping: sent 'ping 2', got 'pong 2'\n"
        "pong: got 'ping 1', answered 'pong 1'\npong: got 'ping 2', answered 'pong 2'\n"
        "pong: got None, so it stops\n"
    )


def test_ping_rejects_zero_rounds() -> None:
    one, two = multiprocessing.Pipe()
    with pytest.raises(ValueError, match="'rounds' must be at least 1, not 0"):
        pipes.ping(one, 0)
    one.close()
    two.close()


@pytest.mark.parametrize(
    ("close_unused", "last_line"),
    [
        (False, "reader: nothing for 1 s and no end of file; it gives up\n"),
        (True, "reader: EOFError, every copy of the writing end is closed\n"),
    ],
)
def test_print_until_eof_needs_every_writing_end_closed(
    start_method: str, close_unused: bool, last_line: str, capsys: pytest.CaptureFixture
) -> None:
    ctx = get_context(start_method)
    reading_end, writing_end = ctx.Pipe(duplex=False)
    reader = ctx.Process(
        target=pipes.print_until_eof, args=(reading_end, writing_end, close_unused)
    )
    reader.start()
    reading_end.close()
    writing_end.send("one")
    writing_end.close()
    reader.join(timeout=30)
    assert capsys.readouterr().out == "reader: got 'one'\n" + last_line


def test_pickled_call_runs_the_function_when_unpickled(capsys: pytest.CaptureFixture) -> None:
    payload = pipes.pickled_call(print, "ran while unpickling")
    assert capsys.readouterr().out == ""
    assert pickle.loads(payload) is None
    assert capsys.readouterr().out == "ran while unpickling\n"


def test_pickled_call_rejects_a_non_callable() -> None:
    with pytest.raises(TypeError, match="'function' must be callable, not int"):
        pipes.pickled_call(3)


def test_exchange_every_message_intact(start_method: str, capsys: pytest.CaptureFixture) -> None:
    multiprocessing.set_start_method(start_method, force=True)
    try:
        pipes.exchange(count=2, size=100_000)
    finally:
        multiprocessing.set_start_method(None, force=True)
    assert capsys.readouterr().out == (
        "sender:   sent message 1 (100000 bytes)\nsender:   sent message 2 (100000 bytes)\n"
        "receiver: got  message 1 (100000 bytes), intact: True\n"
        "receiver: got  message 2 (100000 bytes), intact: True\n"
        "receiver: got the empty message after 2, so it stops\n"
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"count": 0}, ValueError, "'count' must be at least 1, not 0"),
        ({"count": 256}, ValueError, "'count' must be at most 255, not 256"),
        ({"size": -1}, ValueError, "'size' must be at least 1, not -1"),
        ({"size": "10"}, TypeError, "'size' must be an int, not str"),
        ({"count": 2.0}, TypeError, "'count' must be an int, not float"),
    ],
)
def test_exchange_bad_input(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        pipes.exchange(**kwargs)


def test_exchange_timeline_is_causal() -> None:
    times = pipes.exchange_timeline(rounds=2)
    ping, pong = times["ping"], times["pong"]
    assert len(ping) == len(pong) == 4 and ping[0] == 0
    for r in range(2):
        assert ping[2 * r] <= pong[2 * r] <= pong[2 * r + 1] <= ping[2 * r + 1]


def test_exchange_timeline_bad_input() -> None:
    with pytest.raises(ValueError, match="'rounds' must be at least 1, not 0"):
        pipes.exchange_timeline(rounds=0)


def test_two_writers_the_fixes_stay_intact(start_method: str) -> None:
    multiprocessing.set_start_method(start_method, force=True)
    try:
        results = pipes.two_writer_trials(trials=3, size=64 * 1024, count=3)
    finally:
        multiprocessing.set_start_method(None, force=True)
    assert list(results) == pipes.VARIANTS
    assert all(outcome.trials == 3 for outcome in results.values())
    for variant in pipes.VARIANTS[1:]:
        assert results[variant].intact == 3, results[variant]


def test_two_writers_plot() -> None:
    results = pipes.two_writer_trials(trials=2, size=1024, count=2)
    figure = pipes.plot_trial_outcomes(results, size=1024)
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == pipes.VARIANTS
    import matplotlib.pyplot as plt

    plt.close(figure)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"trials": 0}, ValueError, "'trials' must be at least 1, not 0"),
        ({"size": 0}, ValueError, "'size' must be at least 1, not 0"),
        ({"count": "4"}, TypeError, "'count' must be an int, not str"),
    ],
)
def test_two_writers_bad_input(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        pipes.two_writer_trials(**kwargs)


def test_round_trips_measured_for_every_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipes, "ROUND_TRIP_SIZES", {16: 5, 64 * 1024: 2})
    result = pipes.measure_round_trips(trials=2)
    for timings in (result.pipe, result.queue):
        assert list(timings) == [16, 64 * 1024]
        assert all(len(t.per_call) == 2 and t.median > 0 for t in timings.values())
    figure = pipes.plot_round_trips(result)
    assert len(figure.axes) == 2
    import matplotlib.pyplot as plt

    plt.close(figure)


def test_round_trips_bad_input() -> None:
    with pytest.raises(ValueError, match="'trials' must be at least 1, not 0"):
        pipes.measure_round_trips(trials=0)


def test_script_runs_the_seed_example() -> None:
    # Block-buffered output (as a script's is, writing to a pipe) leaves each
    # process's lines whole; unbuffered, two lines can mix mid-line.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    result = subprocess.run(
        [sys.executable, "-m", "helpers.pipes"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # The two processes print at the same time, so only the set of lines is fixed.
    assert sorted(result.stdout.splitlines()) == sorted(
        [f"sender:   sent {m!r}" for m in pipes.MESSAGES]
        + [f"receiver: got  {m!r}" for m in pipes.MESSAGES[:-1]]
        + ["receiver: got 'END', so it stops"]
    )


# Exercise checks --------------------------------------------------------------


SERVER = """
def serve(conn):
    while True:
        request = conn.recv()
        if request is None:
            break
        conn.send(request * request)
"""


def test_server_right_answer(learner_module, capsys: pytest.CaptureFixture) -> None:
    pipes.check_server(learner_module(SERVER, "server_right"))
    assert capsys.readouterr().out == (
        "Correct! one reply per request, and the sentinel None stops the server.\n"
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "def serve(conn):\n    while True:\n        conn.send(conn.recv())\n",
            "Not yet: for request 3 the reply was 3, expected 9\n",
        ),
        (
            "def serve(conn):\n    while True:\n        r = conn.recv()\n"
            "        print('got', r)\n        conn.send(r * r)\n",
            "Not yet: the server failed after the sentinel: TypeError: unsupported operand",
        ),
        (
            "def serve(conn):\n    conn.send(conn.recv() ** 2)\n",
            "Not yet: the server stopped (exit code 0) before answering -2\n",
        ),
        (
            "import time\ndef serve(conn):\n    for _ in range(5):\n"
            "        r = conn.recv()\n        conn.send(r * r)\n    time.sleep(60)\n",
            "Not yet: after the sentinel None the server was still running 10 s later",
        ),
        ("def server(conn):\n    pass\n", "defines no function named 'serve'"),
    ],
)
def test_server_wrong_answers_say_what_is_wrong(
    learner_module, source: str, message: str, capsys: pytest.CaptureFixture
) -> None:
    pipes.check_server(learner_module(source, "server_wrong"))
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and message in out
    assert "Traceback" not in out and "got" not in out


FAN_IN = """
from multiprocessing.connection import wait

def collect(readers):
    messages, still_open = [], list(readers)
    while still_open:
        for reader in wait(still_open, timeout=10):
            try:
                messages.append(reader.recv())
            except EOFError:
                still_open.remove(reader)
    return messages
"""


def test_fan_in_right_answer(learner_module, capsys: pytest.CaptureFixture) -> None:
    pipes.check_fan_in(learner_module(FAN_IN, "fan_in_right"))
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "def collect(readers):\n    return [r.recv() for r in readers]\n",
            "Not yet: collect() returned 3 messages, but the writers sent 9; missing, for "
            "example: ['writer 1, message 2']",
        ),
        (
            "def collect(readers):\n    return {r.recv() for r in readers}\n",
            "Not yet: collect() should return a list, not set",
        ),
        (
            "def collect(readers):\n    return [r.recv() for r in readers for _ in range(4)]\n",
            "Not yet: collect() raised EOFError",
        ),
    ],
)
def test_fan_in_wrong_answers_say_what_is_wrong(
    learner_module, source: str, message: str, capsys: pytest.CaptureFixture
) -> None:
    pipes.check_fan_in(learner_module(source, "fan_in_wrong"))
    out = capsys.readouterr().out
    assert out.startswith(message), out
    assert "Traceback" not in out


def test_fan_in_missing_module(capsys: pytest.CaptureFixture) -> None:
    pipes.check_fan_in("no_such_fan_in_module")
    assert capsys.readouterr().out.startswith("Not yet: there is no module 'no_such_fan_in_module'")
