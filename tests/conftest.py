"""Fixtures shared by the tests."""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import textwrap

import pytest

from tests.support import ROOT, START_METHODS

BUILD_TIMEOUT = 1500  # seconds for a whole clean build


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--notebook-runs", type=int, default=1,
        help="run every notebook this many times in a row under each start method",
    )  # fmt: skip


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "notebook_run" in metafunc.fixturenames:
        runs = metafunc.config.getoption("notebook_runs")
        metafunc.parametrize("notebook_run", range(1, runs + 1), ids=lambda r: f"run{r}")


@pytest.fixture
def learner_module(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch):
    """Write a learner's module into a folder on sys.path; return its name.

    Exercise checkers import the learner's module by name, as the notebooks do
    with a module written by %%writefile next to them.
    """
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)  # as in a notebook: a spawned child looks here too

    def write(source: str, name: str = "learner_module") -> str:
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        return name

    return write


@pytest.fixture(params=START_METHODS)
def start_method(request: pytest.FixtureRequest) -> str:
    return request.param


def build_book(
    output: pathlib.Path, config: pathlib.Path | None = None
) -> subprocess.CompletedProcess:
    """Build the book strictly into ``output``/_build/html, from nothing."""
    shutil.rmtree(output / "_build", ignore_errors=True)
    command = [
        "jupyter-book", "build", str(ROOT), "--path-output", str(output),
        "--warningiserror", "--nitpick", "--keep-going",
    ]  # fmt: skip
    if config is not None:
        command += ["--config", str(config)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """The HTML of one clean, strict build of the whole book (its folder)."""
    output = tmp_path_factory.mktemp("book")
    result = build_book(output)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    return output / "_build" / "html"
