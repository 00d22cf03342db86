"""helpers.managers: the chapter 3 workers, measurements, scoreboard server and exercise checks."""

from __future__ import annotations

import multiprocessing
import os
import socket
import subprocess
import sys
import types
from collections.abc import Iterator

import pytest

from helpers import managers
from helpers.timing import Timing
from tests.support import ROOT, sanitize

KEY = b"a test key, long enough to show the idea"
FOUR_RECORDS = (
    "printer: 4 records\n"
    "printer:   Asha   10\n"
    "printer:   Ben     9\n"
    "printer:   Chen    9\n"
    "printer:   Dana    8\n"
)


def listening_ports() -> set[str]:
    """Every local address:port (hex, as /proc shows it) with a socket in LISTEN state."""
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            ports |= {line.split()[1] for line in list(f)[1:] if line.split()[3] == "0A"}
    return ports


@pytest.fixture
def default_method(start_method: str) -> Iterator[str]:
    """Make ``start_method`` the default, as the notebook tests' kernels do; restore it after."""
    before = multiprocessing.get_start_method()
    multiprocessing.set_start_method(start_method, force=True)
    yield start_method
    multiprocessing.set_start_method(before, force=True)


@pytest.fixture
def nothing_left_behind() -> Iterator[None]:
    """Fail if the test leaves a child process (a manager's server) or a listening socket."""
    ports = listening_ports()
    yield
    assert multiprocessing.active_children() == []
    assert listening_ports() - ports == set()


# The workers, on ordinary objects ---------------------------------------------------


def test_list_workers(capsys: pytest.CaptureFixture) -> None:
    records = list(managers.FIRST_RECORDS)
    managers.add_record(records, managers.NEW_RECORD)
    managers.print_records(records)
    assert capsys.readouterr().out == "adder:   appended ('Dana', 8)\n" + FOUR_RECORDS
    assert records[-1] == ("Dana", 8)


def test_dict_workers(capsys: pytest.CaptureFixture) -> None:
    scores = dict(managers.FIRST_RECORDS)
    managers.add_score(scores, "Dana", 8)
    managers.print_scores(scores)
    assert capsys.readouterr().out == (
        "adder:   scores['Dana'] = 8\n" + FOUR_RECORDS.replace("4 records", "4 scores")
    )


def test_namespace_workers_keep_the_best(capsys: pytest.CaptureFixture) -> None:
    board = types.SimpleNamespace(leader="Asha", best=10, entries=3)
    managers.crown_leader(board, "Dana", 8)
    managers.crown_leader(board, "Eli", 12)
    managers.print_leader(board)
    assert (
        capsys.readouterr().out.splitlines()[-1] == "printer: leader Eli with 12, after 5 entries"
    )


# The core example, under every start method -----------------------------------------


def test_share_records_second_process_sees_all(
    default_method: str, nothing_left_behind: None, capsys: pytest.CaptureFixture
) -> None:
    managers.share_records(count=3)
    assert capsys.readouterr().out == (
        "adder:   appended ('Dana', 8)\n"
        + FOUR_RECORDS
        + "(started with 3 records; the printer ran after the adder had finished)\n"
    )


def test_share_records_counts_differ(capsys: pytest.CaptureFixture) -> None:
    managers.share_records(count=1)
    managers.share_records(count=6)
    out = capsys.readouterr().out
    assert "printer: 2 records" in out and "printer: 7 records" in out
    assert "(started with 1 record;" in out and "(started with 6 records" in out


@pytest.mark.parametrize(
    ("count", "error", "message"),
    [
        (0, ValueError, "'count' must be at least 1, not 0"),
        (-2, ValueError, "'count' must be at least 1, not -2"),
        (7, ValueError, "'count' must be at most 6, not 7"),
        ("3", TypeError, "'count' must be an int, not str"),
        (True, TypeError, "'count' must be an int, not bool"),
    ],
)
def test_share_records_bad_input(count: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        managers.share_records(count=count)


def test_script_prints_the_four_records() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "helpers.managers"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stdout == "adder:   appended ('Dana', 8)\n" + FOUR_RECORDS
    assert result.returncode == 0


# The pitfall and its fixes ----------------------------------------------------------


def _scores_after(worker: object, nested: bool) -> list[int]:
    with multiprocessing.Manager() as manager:
        make = manager.dict if nested else dict
        players = manager.list([make(name=n, score=s) for n, s in managers.FIRST_RECORDS])
        child = multiprocessing.Process(target=worker, args=(players, 5))
        child.start()
        child.join(30)
        return [player["score"] for player in players]


@pytest.mark.parametrize(
    ("worker", "nested", "scores"),
    [
        (managers.add_bonus_in_place, False, [10, 9, 9]),  # the pitfall: lost
        (managers.add_bonus_and_store, False, [15, 14, 14]),  # fix 1: store back
        (managers.add_bonus_in_place, True, [15, 14, 14]),  # fix 2: nested proxies
    ],
)
def test_nested_change_lost_then_fixed(worker: object, nested: bool, scores: list[int]) -> None:
    assert _scores_after(worker, nested) == scores


def test_worker_reports_its_own_view(capsys: pytest.CaptureFixture) -> None:
    managers.add_bonus_in_place([{"name": "Asha", "score": 10}], 5)
    assert capsys.readouterr().out == "worker:  the scores as this worker changed them: [15]\n"


# Costs ---------------------------------------------------------------------------------


def test_measured_costs_hold_the_checked_claims(nothing_left_behind: None) -> None:
    costs = managers.measure_costs()
    assert list(costs) == list(managers.COST_NUMBER)
    assert all(len(t.per_call) == managers.COST_TRIALS for t in costs.values())
    manager, locked, unlocked = (costs[name].median for name in managers.COST_NUMBER)
    assert manager > 10 * locked > 10 * unlocked


def test_report_costs_prints_ratios_only(capsys: pytest.CaptureFixture) -> None:
    costs = {
        "manager list append": Timing((60e-6,)),
        "locked Value +=": Timing((1.3e-6,)),
        "unlocked Value +=": Timing((0.1e-6,)),
    }
    managers.report_costs(costs)
    out = capsys.readouterr().out
    assert out == (
        "a manager append costs 46x a locked increment\n"
        "a locked increment costs 13x an unlocked one\n"
        "a manager append costs more than 10x a locked increment: True\n"
        "a locked increment costs more than an unlocked one: True\n"
    )
    # What varies from run to run is exactly what tests/sanitize.cfg replaces.
    assert "<ratio>x a locked increment\n" in sanitize(out)
    assert not any(ch.isdigit() for ch in sanitize(out))


def test_plot_costs_draws_one_bar_per_operation() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    costs = {name: Timing((2e-6, 1e-6, 3e-6)) for name in managers.COST_NUMBER}
    before = set(plt.get_fignums())
    managers.plot_costs(costs)
    [number] = set(plt.get_fignums()) - before
    ax = plt.figure(number).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(managers.COST_NUMBER)
    assert ax.get_xscale() == "log"
    plt.close(number)


@pytest.mark.parametrize("costs", [{}, {"manager list append": Timing((1.0,))}, [1, 2, 3]])
def test_costs_must_come_from_measure_costs(costs: object) -> None:
    with pytest.raises(TypeError, match="'costs' must be the dict measure_costs\\(\\) returns"):
        managers.report_costs(costs)


# The scoreboard over a loopback socket ------------------------------------------------


def _run_client(target: object, *args: object) -> str:
    """Run a client worker in a child; return what it printed."""
    from helpers.exercises import run_in_child

    run = run_in_child(target, args, multiprocessing.get_start_method())
    assert run.exitcode == 0, run.stderr
    return run.stdout


def test_scoreboard_clients_key_and_shutdown(
    default_method: str, nothing_left_behind: None
) -> None:
    with managers.ScoreboardManager(address=(managers.LOOPBACK, 0), authkey=KEY) as server:
        host, port = server.address
        assert host == "127.0.0.1" and not managers.port_is_free(port)
        added = _run_client(managers.visit_scoreboard, server.address, KEY, "Dana", 8)
        refused = _run_client(managers.visit_scoreboard, server.address, b"wrong", "Eve", 99)
        printed = _run_client(managers.print_scoreboard, server.address, KEY)
    assert added == "Dana: connected and added ('Dana', 8)\n"
    assert refused == (
        "Eve: refused, multiprocessing.context.AuthenticationError: digest sent was rejected\n"
    )
    assert sanitize(printed) == (
        "printer: the scoreboard lives in PID <pid>, this client is PID <pid>\n"
        + FOUR_RECORDS.split("\n", 1)[1]
    )
    assert managers.port_is_free(port)


def test_a_client_with_the_key_runs_code_in_the_server(nothing_left_behind: None) -> None:
    with managers.ScoreboardManager(address=(managers.LOOPBACK, 0), authkey=KEY) as server:
        out = _run_client(managers.smuggle_code, server.address, KEY)
    first, second = out.splitlines()
    assert sanitize(first) == "the server stored the name int PID <pid>"
    assert second == "that is the server's own PID, so os.getpid() ran there: True"
    assert str(os.getpid()) not in first


def test_the_scoreboard_itself() -> None:
    board = managers.Scoreboard()
    board.add("Dana", 8)
    assert board.records() == [*managers.FIRST_RECORDS, ("Dana", 8)]
    assert board.server_pid() == os.getpid()
    assert managers.Scoreboard([("Zed", 1)]).records() == [("Zed", 1)]


def test_port_is_free_sees_a_listener() -> None:
    with socket.socket() as listener:
        listener.bind((managers.LOOPBACK, 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert not managers.port_is_free(port)
    assert managers.port_is_free(port)


@pytest.mark.parametrize(
    ("port", "error", "message"),
    [
        (0, ValueError, "'port' must be at least 1, not 0"),
        (-1, ValueError, "'port' must be at least 1, not -1"),
        ("8080", TypeError, "'port' must be an int, not str"),
    ],
)
def test_port_is_free_bad_input(port: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        managers.port_is_free(port)


# Exercise checks -------------------------------------------------------------------------


COUNT_WITH_LOCK = """\
from collections import Counter
def count_words(words, counts, lock):
    mine = Counter(words)
    with lock:
        for word, number in mine.items():
            counts[word] = counts.get(word, 0) + number
"""
COUNT_EACH_WORD_LOCKED = """\
def count_words(words, counts, lock):
    for word in words:
        lock.acquire()
        try:
            counts[word] = counts.get(word, 0) + 1
        finally:
            lock.release()
"""


@pytest.mark.parametrize(
    ("source", "times"), [(COUNT_WITH_LOCK, 4), (COUNT_EACH_WORD_LOCKED, 2400)]
)
def test_count_words_right_answers(
    learner_module, source: str, times: int, capsys: pytest.CaptureFixture
) -> None:
    managers.check_count_words(learner_module(source, "word_count_ok"))
    assert capsys.readouterr().out == (
        "Correct! four processes, one shared dict, not one update lost; "
        f"the lock was taken {times} times.\n"
    )


@pytest.mark.parametrize(
    ("source", "messages"),
    [
        (
            "from collections import Counter\n"
            "def count_words(words, counts, lock):\n    counts = Counter(words)\n",
            ["Not yet: the shared dict is still empty after the workers ran"],
        ),
        (
            # Unlocked: either updates are lost, or it was lucky and never took the lock.
            "def count_words(words, counts, lock):\n    for w in words:\n"
            "        counts[w] = counts.get(w, 0) + 1\n",
            ["updates were lost", "no worker ever took the lock"],
        ),
        (
            "def count_words(words, counts, lock):\n    with lock:\n"
            "        for w in words:\n            counts[w] = counts.get(w, 0) + 2\n",
            ["was counted 600 times, expected 300: is a chunk counted twice?"],
        ),
        (
            "def count_words(words, counts, lock):\n    with lock:\n"
            "        for w in words:\n            counts[w.upper()] = 1\n",
            ["'blue' is missing from the shared dict; it occurs 300 times"],
        ),
        (
            "def count_words(words, counts, lock):\n    raise KeyError('oops')\n",
            ["Not yet: a worker failed: KeyError: 'oops'"],
        ),
        ("def count_word(words, counts, lock):\n    pass\n", ["no function named 'count_words'"]),
    ],
)
def test_count_words_wrong_answers_say_what_is_wrong(
    learner_module, source: str, messages: list[str], capsys: pytest.CaptureFixture
) -> None:
    managers.check_count_words(learner_module(source, "word_count_bad"))
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and "Traceback" not in out
    assert any(message in out for message in messages), out


def test_count_words_extra_words(learner_module, capsys: pytest.CaptureFixture) -> None:
    source = COUNT_WITH_LOCK + "    counts['purple'] = 1\n"
    managers.check_count_words(learner_module(source, "word_count_extra"))
    assert capsys.readouterr().out == "Not yet: the dict holds words not in the text: ['purple']\n"


TEAMS_RIGHT = """\
def join_team(teams, team, name):
    members = teams[team]
    members.append(name)
    teams[team] = members
"""


def test_join_team_right_answer(learner_module, capsys: pytest.CaptureFixture) -> None:
    managers.check_join_team(learner_module(TEAMS_RIGHT, "teams_ok"))
    assert capsys.readouterr().out == (
        "Correct! a changed copy counts only once it is stored back in the proxy.\n"
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "def join_team(teams, team, name):\n    teams[team].append(name)\n",
            "Not yet: the teams are unchanged, {'red': ['Asha'], 'blue': []}: teams[team] "
            "hands your worker a copy of the list",
        ),
        (
            "def join_team(teams, team, name):\n    teams[team] = [name]\n",
            "Not yet: after [('red', 'Ben'), ('blue', 'Chen'), ('red', 'Dana')] the teams are "
            "{'red': ['Dana'], 'blue': ['Chen']}, expected "
            "{'red': ['Asha', 'Ben', 'Dana'], 'blue': ['Chen']}",
        ),
        (
            "def join_team(teams, team, name):\n    teams.missing(team)\n",
            "Not yet: join_team(teams, 'red', 'Ben') failed: AttributeError",
        ),
        ("x = (\n", "teams_bad.py line 1:"),
    ],
)
def test_join_team_wrong_answers_say_what_is_wrong(
    learner_module, source: str, message: str, capsys: pytest.CaptureFixture
) -> None:
    managers.check_join_team(learner_module(source, "teams_bad"))
    out = capsys.readouterr().out
    assert out.startswith(message) or message in out, out
    assert "Traceback" not in out


def test_watched_lock_counts_acquisitions() -> None:
    with multiprocessing.Manager() as manager:
        lock = managers.WatchedLock(manager.Lock(), manager.Value("i", 0))
        with lock:
            pass
        assert lock.acquire(timeout=1)
        lock.release()
        assert lock._taken.value == 2
