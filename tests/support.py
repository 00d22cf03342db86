"""Where things are, and how to start a kernel with a chosen start method."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))
# The IPython profile whose startup file applies COURSE_START_METHOD in every kernel.
IPYTHONDIR = ROOT / "tests" / "ipython"
START_METHODS = [
    m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()
]


def kernel_env(method: str, **extra: str) -> dict[str, str]:
    """The environment for a kernel that uses ``method``, as JupyterLab would start it."""
    env = dict(os.environ, IPYTHONDIR=str(IPYTHONDIR), COURSE_START_METHOD=method, **extra)
    # ipykernel stops forwarding child output when it sees this (it thinks it
    # runs under pytest); JupyterLab's kernels never see it.
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


SANITIZE_FILE = ROOT / "tests" / "sanitize.cfg"


def sanitize(text: str) -> str:
    """Apply tests/sanitize.cfg, as nbval does, so that two runs' outputs can be compared."""
    lines = SANITIZE_FILE.read_text().splitlines()
    for regex, replace in itertools.pairwise(lines):
        if regex.startswith("regex: ") and replace.startswith("replace: "):
            text = re.sub(regex[len("regex: ") :], replace[len("replace: ") :], text)
    return text
