"""helpers.child_output: a child's output reaches the parent whole and in join() order."""

from __future__ import annotations

import concurrent.futures
import contextlib
import io
import os
import time

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import child_output
from tests.support import ROOT, START_METHODS, kernel_env

PROBE = ROOT / "tests" / "notebooks" / "child_output_probe.ipynb"
PROBE_RUNS = 50


def run_children(method: str, targets: list[tuple]) -> tuple[str, str, list[int | None]]:
    out, err = io.StringIO(), io.StringIO()
    ctx = child_output.get_context(method)
    children = [ctx.Process(target=t, args=a) for t, a in targets]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        for child in children:
            child.start()
        for child in children:
            child.join(30)
    return out.getvalue(), err.getvalue(), [c.exitcode for c in children]


def test_lines_arrive_in_join_order(start_method: str) -> None:
    out, err, codes = run_children(start_method, [(print, (f"child {i}",)) for i in range(4)])
    assert out == "child 0\nchild 1\nchild 2\nchild 3\n"
    assert (err, codes) == ("", [0, 0, 0, 0])


def test_raw_file_descriptor_writes_are_captured(start_method: str) -> None:
    out, err, codes = run_children(
        start_method, [(os.write, (1, b"fd one\n")), (os.write, (2, b"fd two\n"))]
    )
    assert (out, err, codes) == ("fd one\n", "fd two\n", [0, 0])


def test_exception_in_target_shows_its_traceback(start_method: str) -> None:
    out, err, codes = run_children(start_method, [(int, ("x",))])
    assert out == ""
    assert err.startswith("Process ") and "Traceback (most recent call last)" in err
    assert err.rstrip().endswith("ValueError: invalid literal for int() with base 10: 'x'")
    assert codes == [1]


def test_join_without_timeout_gives_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(child_output, "JOIN_TIMEOUT", 0.5)
    child = child_output.get_context("spawn").Process(target=time.sleep, args=(30,))
    child.start()
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=r"still running after 0\.5 s, so it was terminated"):
        child.join()
    assert time.monotonic() - started < 10
    assert child.exitcode is not None and not child.is_alive()


def test_join_with_timeout_returns_while_running() -> None:
    child = child_output.get_context("spawn").Process(target=time.sleep, args=(30,))
    child.start()
    child.join(0.1)
    assert child.exitcode is None
    child.terminate()
    child.join(10)
    assert child.exitcode == -15


def test_unknown_start_method_is_refused() -> None:
    with pytest.raises(ValueError, match=r"method must be one of .* not 'thread'"):
        child_output.get_context("thread")


def _execute_probe(method: str) -> list[list[tuple[str, str]]]:
    notebook = nbformat.read(PROBE, as_version=4)
    NotebookClient(notebook, timeout=60, allow_errors=False, resources={}).execute(
        env=kernel_env(method), cwd=str(ROOT)
    )
    return [
        [(o.get("name", o.output_type), o.get("text", "")) for o in cell.outputs]
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]


def _expected_probe_outputs(method: str) -> list[str]:
    """What each probe cell must show, stdout and stderr joined in order."""
    if method == "fork":
        last = "only fork can run me\nexitcode 0\n"
    else:
        last = (
            "AttributeError: Can't get attribute 'defined_here' on <module '__main__' (built-in)>"
        )
    return [
        f"{method}\n",
        "parent before\nchild 0 says hello\nchild 1 says hello\nchild 2 says hello\nparent after\n",
        "raw bytes on fd 2\nexitcode 0\n",
        "ValueError: invalid literal for int() with base 10: 'not a number'",
        "",
        last,
    ]


@pytest.mark.parametrize("method", START_METHODS)
def test_probe_notebook_output_is_identical_every_run(method: str) -> None:
    """50 runs of a small notebook through a real kernel, ipykernel's forwarding switched on."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(_execute_probe, [method] * PROBE_RUNS))
    first = runs[0]
    different = [i for i, run in enumerate(runs) if run != first]
    assert not different, f"runs {different} differ from run 0 under {method}"
    shown = ["".join(text for _, text in cell) for cell in first]
    for cell_text, expected in zip(shown, _expected_probe_outputs(method), strict=True):
        assert expected in cell_text if expected else cell_text == ""
    # stderr lines stay on stderr: the failing children's tracebacks
    assert [name for name, _ in first[3]] == ["stderr", "stdout"]
