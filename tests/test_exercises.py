"""helpers.exercises: verdicts instead of tracebacks, and children that cannot hang a check."""

from __future__ import annotations

import time

import pytest

from helpers import exercises
from helpers.exercises import NotYet, checker, load_function, run_in_child


def test_checker_prints_one_verdict(capsys: pytest.CaptureFixture) -> None:
    @checker
    def check(answer: int) -> str:
        if answer != 42:
            raise NotYet(f"{answer} is not the answer")
        return "that is the answer."

    check(41)
    check(42)
    assert (
        capsys.readouterr().out == "Not yet: 41 is not the answer\nCorrect! that is the answer.\n"
    )


def test_load_function_names_what_is_missing(tmp_path, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "learner_a.py").write_text("import no_such_dependency\n")
    with pytest.raises(NotYet, match=r"learner_a\.py imports 'no_such_dependency'"):
        load_function("learner_a", "f")
    with pytest.raises(NotYet, match="module name must be a string such as"):
        load_function("not a name", "f")


def test_load_function_sees_the_latest_version(tmp_path, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    module = tmp_path / "learner_b.py"
    module.write_text("def f():\n    return 1\n")
    assert load_function("learner_b", "f")() == 1
    module.write_text("def f():\n    return 2\n")
    assert load_function("learner_b", "f")() == 2


def test_run_in_child_reports_output_and_exit_code() -> None:
    run = run_in_child(print, ("hello",), "spawn")
    assert (run.exitcode, run.stdout, run.error) == (0, "hello\n", "")


def test_run_in_child_gives_up_on_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exercises, "CHILD_TIMEOUT", 0.5)
    started = time.monotonic()
    with pytest.raises(NotYet, match=r"still running after 0\.5 s"):
        run_in_child(time.sleep, (30,), "spawn")
    assert time.monotonic() - started < 10
