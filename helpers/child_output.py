"""Show what a child process printed, in a fixed order, under every start method.

Every chapter uses this; chapter 1 ("Processes keep their own memory") explains it.

A child process writes to file descriptors 1 and 2 that it shares with the
Jupyter kernel. ipykernel forwards what arrives there on a background thread,
so a spawned child's lines can show up after the parent's next line, after the
cell has finished, or not at all. :class:`Process` takes that thread out of the
picture:

* the child writes its stdout and its stderr into two temporary files;
* ``join()`` waits for the child, then copies both files into the parent's own
  ``sys.stdout`` and ``sys.stderr``.

So the page shows a child's lines at the moment the parent joins it, and the
order of the ``join()`` calls is the order on the page.

The redirection starts as early as the child can run any code at all. Under
spawn and forkserver the child first unpickles the process object it is asked
to run; the redirection is pickled ahead of the target, so even a target that
cannot be unpickled (a function defined in a notebook) has its traceback
captured. Under fork nothing is unpickled; multiprocessing's after-fork hook
redirects instead, just before the target runs.

One more difference from the standard library: ``join()`` with no timeout
does not wait forever. After :data:`JOIN_TIMEOUT` seconds it terminates the
child, shows what it printed and raises :class:`TimeoutError`.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import shutil
import sys
import tempfile
from multiprocessing import context, util
from typing import Any

__all__ = ["JOIN_TIMEOUT", "START_METHODS", "Context", "Process", "get_context"]

# The start methods this platform offers, in the order the chapters show them.
START_METHODS = [
    m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()
]

# A generous limit for a join() called without a timeout: the slowest example
# in the course takes a few seconds, so reaching this means something hangs.
JOIN_TIMEOUT = 60.0

# How long to wait for a child to die after terminate() or kill().
_KILL_TIMEOUT = 5.0

_output_dir: str | None = None


def _new_output_files() -> tuple[str, str]:
    """Create two empty files (stdout, stderr) for one child, in a per-kernel folder."""
    global _output_dir
    if _output_dir is None:
        _output_dir = tempfile.mkdtemp(prefix="course-child-output-")
        atexit.register(shutil.rmtree, _output_dir, ignore_errors=True)
    paths = []
    for stream in ("stdout", "stderr"):
        fd, path = tempfile.mkstemp(prefix=f"{stream}-", dir=_output_dir)
        os.close(fd)
        paths.append(path)
    return paths[0], paths[1]


_redirected_to: tuple[str, str] | None = None


def _redirect_std_streams(stdout_path: str, stderr_path: str) -> bool:
    """In the child: point fds 1 and 2, and sys.stdout and sys.stderr, at the two files."""
    global _redirected_to
    if _redirected_to == (stdout_path, stderr_path):
        return True
    for fd, path in ((1, stdout_path), (2, stderr_path)):
        file_fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        os.dup2(file_fd, fd)
        os.close(file_fd)
    # New text streams on the redirected descriptors. Under fork the inherited
    # sys.stdout is ipykernel's stream, which would send our lines to the
    # notebook on its own, out of order; line buffering keeps each line whole.
    sys.stdout = open(1, "w", buffering=1, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(  # noqa: SIM115
        2, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False
    )
    _redirected_to = (stdout_path, stderr_path)
    return True


class _Redirect:
    """Unpickling this in the child redirects its output, before anything after it loads."""

    def __init__(self, stdout_path: str, stderr_path: str) -> None:
        self.paths = (stdout_path, stderr_path)

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return _redirect_std_streams, self.paths


def _redirect_after_fork(process: _ShowsOutput) -> None:
    # Every child forked later runs this for every process object still alive
    # in its parent: only the child that this process object stands for acts.
    if multiprocessing.current_process() is process:
        _redirect_std_streams(*process._output_paths)


class _ShowsOutput:
    """Mixin for a multiprocessing process class: join() shows what the child printed."""

    _output_paths: tuple[str, str] | None = None

    def start(self) -> None:
        self._output_paths = _new_output_files()
        util.register_after_fork(self, _redirect_after_fork)
        super().start()

    def __getstate__(self) -> dict[str, Any]:
        # Pickled only for spawn and forkserver. The first key is unpickled
        # first, so the child's output is redirected before the target loads.
        return {"_redirected": _Redirect(*self._output_paths), **self.__dict__}

    def join(self, timeout: float | None = None) -> None:
        """Wait for the child; once it has exited, print what it wrote.

        With ``timeout=None`` the wait is :data:`JOIN_TIMEOUT` seconds, after
        which the child is terminated and :class:`TimeoutError` is raised.
        """
        super().join(JOIN_TIMEOUT if timeout is None else timeout)
        if self.exitcode is not None:
            self._show_output()
        elif timeout is None:
            self._stop()
            self._show_output()
            raise TimeoutError(
                f"{self.name} was still running after {JOIN_TIMEOUT:g} s, so it was "
                "terminated; pass join(timeout=...) to wait a chosen time instead"
            )

    def _stop(self) -> None:
        self.terminate()
        super().join(_KILL_TIMEOUT)
        if self.exitcode is None:
            self.kill()
            super().join(_KILL_TIMEOUT)

    def _show_output(self) -> None:
        if self._output_paths is None:
            return
        paths, self._output_paths = self._output_paths, None
        stdout_text, stderr_text = (_read_and_remove(path) for path in paths)
        # Jupyter sends each stream on its own, in chunks cut by a timer. Send
        # what the parent printed so far, then each stream of the child as one
        # chunk: the page gets the same pieces in the same order on every run.
        sys.stdout.flush()
        sys.stderr.flush()
        for stream, text in ((sys.stdout, stdout_text), (sys.stderr, stderr_text)):
            if text:
                stream.write(text)
                stream.flush()


def _read_and_remove(path: str) -> str:
    with open(path, encoding="utf-8", errors="backslashreplace") as f:
        text = f.read()
    os.remove(path)
    return text


class Process(_ShowsOutput, multiprocessing.Process):
    """``multiprocessing.Process`` whose ``join()`` prints what the child printed.

    It uses the current default start method, like ``multiprocessing.Process``.
    """


_PROCESS_FOR: dict[str, type] = {}
if sys.platform != "win32":

    class ForkProcess(_ShowsOutput, context.ForkProcess):
        """:class:`Process` that always starts its child with fork."""

    class ForkServerProcess(_ShowsOutput, context.ForkServerProcess):
        """:class:`Process` that always starts its child with forkserver."""

    _PROCESS_FOR.update(fork=ForkProcess, forkserver=ForkServerProcess)


class SpawnProcess(_ShowsOutput, context.SpawnProcess):
    """:class:`Process` that always starts its child with spawn."""


_PROCESS_FOR["spawn"] = SpawnProcess


class Context:
    """A multiprocessing context whose ``Process`` shows its child's output.

    Everything else (``Queue``, ``Value``, ``Pipe``, ...) is the standard
    context's own.
    """

    def __init__(self, method: str | None = None) -> None:
        if method is not None and method not in multiprocessing.get_all_start_methods():
            raise ValueError(
                f"method must be one of {multiprocessing.get_all_start_methods()} or None, "
                f"not {method!r}"
            )
        self._context = multiprocessing.get_context(method)
        self.Process = Process if method is None else _PROCESS_FOR[method]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def get_start_method(self) -> str:
        """The start method this context's processes use."""
        return self._context.get_start_method()


def get_context(method: str | None = None) -> Context:
    """Like ``multiprocessing.get_context``, with :class:`Process` as its ``Process``."""
    return Context(method)
