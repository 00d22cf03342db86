"""Every notebook in book/, re-executed by nbval under every start method, then a leak check.

The notebooks are not changed: the start method reaches each kernel through
the environment (see tests/ipython/profile_default/startup). Every process a
kernel starts inherits a run token in its environment, so the leak check can
find anything the course left behind, however it was started.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import uuid

import pytest

from tests.support import BOOK, NOTEBOOKS, ROOT, START_METHODS, kernel_env

RUN_TOKEN = f"COURSE_RUN_TOKEN={uuid.uuid4().hex}"
CELL_TIMEOUT = 300  # seconds; a hang fails the cell instead of blocking the suite
NOTEBOOK_TIMEOUT = 1200


def listening_tcp_ports() -> set[str]:
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in list(f)[1:]:
                fields = line.split()
                if fields[3] == "0A":  # LISTEN
                    ports.add(fields[1])
    return ports


def shared_memory_segments() -> set[str]:
    return set(os.listdir("/dev/shm"))


BEFORE = {"ports": listening_tcp_ports(), "shm": shared_memory_segments()}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
@pytest.mark.parametrize("method", START_METHODS)
def test_notebook(method: str, notebook: pathlib.Path, notebook_run: int) -> None:
    name, value = RUN_TOKEN.split("=")
    command = [
        sys.executable, str(ROOT / "tests" / "run_nbval.py"), "--nbval-current-env",
        f"--nbval-cell-timeout={CELL_TIMEOUT}",
        f"--nbval-sanitize-with={ROOT / 'tests' / 'sanitize.cfg'}",
        "-p", "no:cacheprovider", "-q", str(notebook),
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=BOOK, env=kernel_env(method, **{name: value}),
        capture_output=True, text=True, timeout=NOTEBOOK_TIMEOUT,
    )  # fmt: skip
    assert result.returncode == 0, (
        f"{notebook.name} under {method}, run {notebook_run}:\n{result.stdout}"
    )


def processes_with_token() -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if RUN_TOKEN.encode() in f.read().split(b"\0"):
                    with open(f"/proc/{pid}/cmdline", "rb") as c:
                        command = c.read().replace(b"\0", b" ").decode()
                    found.append(f"{pid}: {command}")
        except OSError:
            continue  # gone, or not ours to read
    return found


def test_nothing_left_behind() -> None:
    """After the notebooks: no process, shared memory segment or listening socket of theirs."""
    assert processes_with_token() == []
    assert shared_memory_segments() - BEFORE["shm"] == set()
    assert listening_tcp_ports() - BEFORE["ports"] == set()
