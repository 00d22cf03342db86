"""helpers.shared_memory: the chapter 2 workers, demos and exercise checks, and its notebook's
cleanup (no shared memory segment left behind, no resource-tracker warning)."""

from __future__ import annotations

import json
import multiprocessing
import os
import pathlib
import shutil
import subprocess
import sys
from multiprocessing.shared_memory import SharedMemory

import pytest

from helpers import shared_memory
from helpers.timing import Timing
from tests.support import BOOK, IPYTHONDIR, ROOT

NOTEBOOK = BOOK / "02_shared_memory.ipynb"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


# The seed's example ---------------------------------------------------------------


def test_worker_fills_the_shared_objects(capsys: pytest.CaptureFixture) -> None:
    result, square_sum = multiprocessing.Array("i", 4), multiprocessing.Value("i")
    shared_memory.square_into_shared([1, 2, 3, 4], result, square_sum)
    assert result[:] == [1, 4, 9, 16] and square_sum.value == 30
    assert capsys.readouterr().out == (
        "In the child:  result = [1, 4, 9, 16]\nIn the child:  sum of squares = 30\n"
    )


@pytest.mark.parametrize(
    ("numbers", "error", "message"),
    [
        ([1, "two"], TypeError, "'numbers' must be a list of ints, but item 1 is str 'two'"),
        ([1, 2.5], TypeError, "'numbers' must be a list of ints, but item 1 is float 2.5"),
        ("1234", TypeError, "'numbers' must be a list of ints, not str"),
        ([1, 2, 3, 4, 5], ValueError, "'result' holds 4 numbers, too few for 5"),
    ],
)
def test_worker_bad_input(numbers: object, error: type, message: str) -> None:
    result, square_sum = multiprocessing.Array("i", 4), multiprocessing.Value("i")
    with pytest.raises(error, match=message):
        shared_memory.square_into_shared(numbers, result, square_sum)


def test_share_squares_both_views_agree(start_method: str, capsys: pytest.CaptureFixture) -> None:
    multiprocessing.set_start_method(start_method, force=True)
    try:
        shared_memory.share_squares(size=3)
    finally:
        multiprocessing.set_start_method(None, force=True)
    assert capsys.readouterr().out == (
        "In the child:  result = [1, 4, 9]\nIn the child:  sum of squares = 14\n"
        "In the parent: result = [1, 4, 9]\nIn the parent: sum of squares = 14\n"
    )


@pytest.mark.parametrize(
    ("size", "error", "message"),
    [
        (0, ValueError, "'size' must be at least 1, not 0"),
        (-3, ValueError, "'size' must be at least 1, not -3"),
        ("4", TypeError, "'size' must be an int, not str"),
        (4.0, TypeError, "'size' must be an int, not float"),
    ],
)
def test_share_squares_bad_size(size: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        shared_memory.share_squares(size=size)


def test_script_prints_both_views() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "helpers.shared_memory"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stdout == (
        "In the child:  result = [1, 4, 9, 16]\nIn the child:  sum of squares = 30\n"
        "In the parent: result = [1, 4, 9, 16]\nIn the parent: sum of squares = 30\n"
    )
    assert result.stderr == ""


# Typecodes ----------------------------------------------------------------------------


def test_typecode_table_ranges(capsys: pytest.CaptureFixture) -> None:
    shared_memory.typecode_table(["b", "B", "i", "d", "c"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["code", "C", "type", "bytes", "range"]
    assert lines[1].split() == ["'b'", "signed", "char", "1", "-128", "to", "127"]
    assert lines[2].split() == ["'B'", "unsigned", "char", "1", "0", "to", "255"]
    assert "-2,147,483,648 to 2,147,483,647" in lines[3]
    assert "about ±1.8e308" in lines[4] and "bytes of length 1" in lines[5]


def test_typecode_table_bad_code() -> None:
    with pytest.raises(ValueError, match="'code' must be one of"):
        shared_memory.typecode_table(["x"])


def test_the_chapter_overflow_facts_hold() -> None:
    assert multiprocessing.Value("b", 200).value == -56
    assert multiprocessing.Array("i", [2**40])[:] == [0]
    with pytest.raises(TypeError):
        multiprocessing.Value("i", 1.5)


# The race -----------------------------------------------------------------------------


def test_locked_race_is_exact(start_method: str) -> None:
    assert shared_memory.race(2, locked=True, increments=2000, method=start_method) == 4000


def test_one_process_loses_nothing_unlocked() -> None:
    assert shared_memory.race(1, locked=False, increments=5000) == 5000


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"processes": 0}, ValueError, "'processes' must be at least 1, not 0"),
        ({"processes": -1}, ValueError, "'processes' must be at least 1, not -1"),
        ({"processes": "2"}, TypeError, "'processes' must be an int, not str"),
        ({"increments": 0}, ValueError, "'increments' must be at least 1, not 0"),
    ],
)
def test_race_bad_input(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        shared_memory.race(locked=True, **kwargs)


def test_race_demo_prints_only_what_always_holds(capsys: pytest.CaptureFixture) -> None:
    import matplotlib.pyplot as plt

    shared_memory.race_demo(processes=1, runs=1)
    assert capsys.readouterr().out == (
        "1 process(es) x 100,000 increments: expected total 100,000\n"
        "with get_lock(), all 1 totals exact: True\n"
    )
    assert len(plt.get_fignums()) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"processes": 0}, "'processes' must be at least 1"), ({"runs": 0}, "'runs' must be at")],
)
def test_race_demo_bad_input(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        shared_memory.race_demo(**kwargs)


# Without locks ------------------------------------------------------------------------


def test_square_slice_writes_only_its_slice() -> None:
    array = multiprocessing.RawArray("i", [-1] * 6)
    shared_memory.square_slice(array, 2, 4)
    assert array[:] == [-1, -1, 4, 9, -1, -1]


def test_cost_of_locks_times_four_operations() -> None:
    import matplotlib.pyplot as plt

    timings = shared_memory.cost_of_locks(number=50, trials=2)
    assert list(timings) == [
        "Value: increment with get_lock()",
        "Value(lock=False): increment",
        "Array: write one element",
        "RawArray: write one element",
    ]
    assert all(isinstance(t, Timing) and len(t.per_call) == 2 for t in timings.values())
    shared_memory.plot_lock_costs(timings)
    assert len(plt.get_fignums()) == 1


# SharedMemory ------------------------------------------------------------------------


def test_fill_squares_fills_the_segment_in_place(capsys: pytest.CaptureFixture) -> None:
    import numpy as np

    block = SharedMemory(create=True, size=5 * 8)
    try:
        shared_memory.fill_squares(block.name, 5)
        squares = np.frombuffer(block.buf, dtype=np.int64, count=5)
        assert squares.tolist() == [0, 1, 4, 9, 16]
        del squares
    finally:
        block.close()
        block.unlink()
    assert capsys.readouterr().out == "In the child:  filled 5 squares in place\n"


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((123, 5), TypeError, "'name' must be a str, not int"),
        (("psm_x", 0), ValueError, "'length' must be at least 1, not 0"),
        (("psm_x", -2), ValueError, "'length' must be at least 1, not -2"),
    ],
)
def test_fill_squares_bad_input(args: tuple, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        shared_memory.fill_squares(*args)


def test_segment_exists_and_attach_untracked() -> None:
    block = SharedMemory(create=True, size=8)
    try:
        assert shared_memory.segment_exists(block.name)
        other = shared_memory.attach_untracked(block.name)
        other.buf[0] = 7
        other.close()
        assert block.buf[0] == 7
    finally:
        block.close()
        block.unlink()
    assert not shared_memory.segment_exists(block.name)


def test_attach_and_read_rejects_a_bad_choice() -> None:
    with pytest.raises(ValueError, match="'untracked' must be one of"):
        shared_memory.attach_and_read("psm_x", untracked="maybe")


def test_forgotten_unlink_warns_in_the_other_program(capsys: pytest.CaptureFixture) -> None:
    shared_memory.show_forgotten_unlink()
    out = capsys.readouterr().out
    assert "created <name>, wrote 5 bytes" in out
    assert "UserWarning: resource_tracker: There appear to be 1 leaked shared_memory" in out
    assert out.endswith("the segment still exists afterwards: False\n")
    assert "/psm_" not in out and "/root" not in out


@pytest.mark.parametrize("untracked", [False, True])
def test_attach_from_another_program(untracked: bool, capsys: pytest.CaptureFixture) -> None:
    shared_memory.attach_from_another_program(untracked=untracked)
    out = capsys.readouterr().out
    assert out.startswith("the other program read b'hello'\n")
    assert ("leaked shared_memory" in out) is not untracked
    assert out.endswith(f"the notebook's segment still exists: {untracked}\n")


def test_view_after_close_crashes_the_other_program(capsys: pytest.CaptureFixture) -> None:
    shared_memory.show_view_after_close()
    assert capsys.readouterr().out.endswith("exit code -11: killed by signal 11, SIGSEGV\n")


# Exercise checks -------------------------------------------------------------------


LOCKED_COUNTER = """
def count_up(counter, times):
    for _ in range(times):
        with counter.get_lock():
            counter.value += 1
"""


def test_counter_right_answer(learner_module, capsys: pytest.CaptureFixture) -> None:
    shared_memory.check_parallel_counter(learner_module(LOCKED_COUNTER, "counter_ok"))
    assert capsys.readouterr().out == (
        "Correct! 3 times in a row, 2 processes counted to 200,000.\n"
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "def count_up(counter, times):\n    for _ in range(times):\n"
            "        counter.value += 1\n",
            "Not yet: 2 processes each counted up 100,000 times and the total came out "
            "below 200,000: updates were lost. Hold counter.get_lock()",
        ),
        (
            "def count_up(counter, times):\n    with counter.get_lock():\n"
            "        counter.value += times + 1\n",
            "Not yet: the total came out above 200,000: each process must add exactly 100,000",
        ),
        (
            "def count_up(counter, times):\n    raise KeyError('oops')\n",
            "Not yet: a worker failed with exit code 1",
        ),
        (
            "def count(counter, times):\n    pass\n",
            "Not yet: counter_wrong.py defines no function named 'count_up'",
        ),
    ],
)
def test_counter_wrong_answers_say_what_is_wrong(
    learner_module, source: str, message: str, capsys: pytest.CaptureFixture
) -> None:
    shared_memory.check_parallel_counter(learner_module(source, "counter_wrong"), method="fork")
    out = capsys.readouterr().out
    assert out.startswith(message), out


def test_counter_bad_method(learner_module, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(ValueError, match="'method' must be one of"):
        shared_memory.check_parallel_counter(learner_module(LOCKED_COUNTER, "c_m"), method="x")


CUBES_OK = """
def fill_cubes(array, part, parts):
    for i in range(part * len(array) // parts, (part + 1) * len(array) // parts):
        array[i] = i**3
"""


def test_cubes_right_answer(learner_module, capsys: pytest.CaptureFixture) -> None:
    shared_memory.check_cubes(learner_module(CUBES_OK, "cubes_ok"))
    assert capsys.readouterr().out == (
        "Correct! 3 processes filled 10 cubes, each its own slice, with no lock.\n"
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            """
            def fill_cubes(array, part, parts):
                size = len(array) // parts
                for i in range(part * size, (part + 1) * size):
                    array[i] = i**3
            """,
            "Not yet: with 10 numbers and 3 parts, index 9 was written by no part",
        ),
        (
            """
            def fill_cubes(array, part, parts):
                array = [i**3 for i in range(len(array))]
            """,
            "Not yet: no part wrote anything into the shared array",
        ),
        (
            """
            def fill_cubes(array, part, parts):
                for i in range(len(array)):
                    array[i] = i**3
            """,
            "Not yet: parts 0 and 1 both wrote index 0",
        ),
        (
            """
            def fill_cubes(array, part, parts):
                for i in range(part * len(array) // parts, (part + 1) * len(array) // parts):
                    array[i] = i**2
            """,
            "Not yet: array[2] is 4, expected 2**3 = 8",
        ),
    ],
)
def test_cubes_wrong_answers_say_what_is_wrong(
    learner_module, source: str, message: str, capsys: pytest.CaptureFixture
) -> None:
    shared_memory.check_cubes(learner_module(source, "cubes_wrong"), method="fork")
    out = capsys.readouterr().out
    assert out.startswith(message), out


def test_cubes_missing_module(capsys: pytest.CaptureFixture) -> None:
    shared_memory.check_cubes("no_such_cubes_module")
    assert capsys.readouterr().out.startswith(
        "Not yet: there is no module 'no_such_cubes_module' next to this notebook"
    )


# The notebook's cleanup -----------------------------------------------------------

TRACKER_WARNING = "resource_tracker: There appear to be"
# Cells that show another program's warning on purpose, as captured text.
DEMO_CALLS = ("show_forgotten_unlink()", "attach_from_another_program()")


def test_stored_outputs_hold_no_warning_of_the_chapters_own() -> None:
    """The only resource-tracker text in the stored outputs is the demos' captured stderr."""
    notebook = json.loads(NOTEBOOK.read_text())
    demos = 0
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        for output in cell.get("outputs", []):
            text = json.dumps(output)
            if output.get("name") == "stderr" or output["output_type"] == "error":
                assert TRACKER_WARNING not in text and "leaked" not in text, source
            elif TRACKER_WARNING in text:
                assert source.strip().endswith(DEMO_CALLS), source
                demos += 1
    assert demos == 2


# Loaded by every Python that the notebook run starts (kernel, children, separate
# programs): it records the name of every shared memory segment made with a random
# name, and of every named semaphore (a file "sem.<name>" in /dev/shm).
LOG_SEGMENT_NAMES = """
import os

if os.environ.get("COURSE_SHM_LOG"):
    from multiprocessing import shared_memory as _shared_memory

    _make_filename = _shared_memory._make_filename

    def _logged_make_filename():
        name = _make_filename()
        with open(os.environ["COURSE_SHM_LOG"], "a") as log:
            log.write(name.lstrip("/") + "\\n")
        return name

    _shared_memory._make_filename = _logged_make_filename

    from multiprocessing import synchronize as _synchronize

    _make_name = _synchronize.SemLock._make_name

    def _logged_make_name():
        name = _make_name()
        with open(os.environ["COURSE_SHM_LOG"], "a") as log:
            log.write("sem." + name.lstrip("/") + "\\n")
        return name

    _synchronize.SemLock._make_name = staticmethod(_logged_make_name)
"""


def test_notebook_run_leaves_no_segment_and_no_warning(
    start_method: str, tmp_path: pathlib.Path
) -> None:
    """Run the chapter in a fresh kernel; its segments are all gone, and no tracker warned.

    The kernel's stderr, which its resource tracker and every child inherit, is
    captured here, and the run waits until the tracker has exited and closed it.
    """
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(LOG_SEGMENT_NAMES)
    log = tmp_path / "segments.log"
    work = tmp_path / "book"
    work.mkdir()
    shutil.copy(NOTEBOOK, work)
    env = dict(
        os.environ, IPYTHONDIR=str(IPYTHONDIR), COURSE_START_METHOD=start_method,
        COURSE_SHM_LOG=str(log), PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]),
    )  # fmt: skip
    run = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.timeout=300", "--output", "executed.ipynb", NOTEBOOK.name],
        cwd=work, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    # The kernel is killed at shutdown (ipykernel 7 keeps sending SIGTERM to its
    # children, which the tracker ignores): any segment or lock still alive then
    # would make the tracker warn here, or stay in /dev/shm.
    assert TRACKER_WARNING not in run.stderr, run.stderr
    assert "resource_tracker: '" not in run.stderr, run.stderr  # a failed cleanup
    made = set(log.read_text().split())
    segments = {name for name in made if not name.startswith("sem.")}
    assert len(segments) >= 6, "the chapter's segments were not logged"
    assert made & set(os.listdir("/dev/shm")) == set()  # no segment, no named semaphore
    executed = json.loads((work / "executed.ipynb").read_text())
    for cell in executed["cells"]:
        for output in cell.get("outputs", []):
            if output.get("name") == "stderr":
                assert TRACKER_WARNING not in "".join(output["text"])
