"""Shared parts of the exercise checkers that every chapter's exercises use.

A checker answers with one verdict: "Correct!" and why, or "Not yet:" and
exactly what is wrong. It never shows the learner a traceback from its own
insides: a wrong answer is reported by raising :class:`NotYet`, which the
:func:`checker` decorator turns into that message.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.util
import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from helpers.child_output import get_context

__all__ = ["ChildRun", "NotYet", "checker", "load_function", "run_in_child"]

# A learner's worker gets this long before the checker gives up on it.
CHILD_TIMEOUT = 20.0


class NotYet(Exception):
    """A wrong answer; the message tells the learner what is wrong."""


def checker(check: Callable[..., str]) -> Callable[..., None]:
    """Turn ``check`` (returns praise, raises NotYet) into a function that prints a verdict."""

    @functools.wraps(check)
    def run_check(*args: Any, **kwargs: Any) -> None:
        try:
            praise = check(*args, **kwargs)
        except NotYet as wrong:
            print(f"Not yet: {wrong}")
        else:
            print(f"Correct! {praise}")

    return run_check


def _import_fresh(module_name: str) -> ModuleType:
    """Import the learner's module from its current source.

    ``importlib.reload`` would keep functions the learner has since deleted,
    and a .pyc written in the same second as an edit can hide the edit.
    """
    sys.modules.pop(module_name, None)
    importlib.invalidate_caches()
    spec = importlib.util.find_spec(module_name)
    if spec is not None and spec.origin and spec.origin.endswith(".py"):
        with contextlib.suppress(OSError):
            os.remove(importlib.util.cache_from_source(spec.origin))
    return importlib.import_module(module_name)


def load_function(module_name: str, function_name: str) -> Callable[..., Any]:
    """Import the learner's module afresh and return one of its functions, or raise NotYet."""
    if not isinstance(module_name, str) or not module_name.isidentifier():
        raise NotYet(f"the module name must be a string such as 'my_worker', not {module_name!r}")
    try:
        module = _import_fresh(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise NotYet(f"{module_name}.py imports {error.name!r}, which does not exist") from None
        raise NotYet(
            f"there is no module {module_name!r} next to this notebook: run the "
            f"%%writefile {module_name}.py cell first"
        ) from None
    except SyntaxError as error:
        raise NotYet(f"{module_name}.py line {error.lineno}: {error.msg}") from None
    except Exception as error:
        raise NotYet(f"importing {module_name} raised {type(error).__name__}: {error}") from None
    function = getattr(module, function_name, None)
    if not callable(function):
        raise NotYet(f"{module_name}.py defines no function named {function_name!r}")
    return function


@dataclass(frozen=True)
class ChildRun:
    """What a child did: its exit code and what it printed."""

    exitcode: int | None
    stdout: str
    stderr: str

    @property
    def error(self) -> str:
        """The last line of the child's stderr (its exception, if it raised one)."""
        lines = self.stderr.strip().splitlines()
        return lines[-1] if lines else ""


def run_in_child(target: Callable[..., Any], args: tuple = (), method: str = "spawn") -> ChildRun:
    """Run ``target(*args)`` in a child started by ``method``; raise NotYet if it hangs."""
    stdout, stderr = io.StringIO(), io.StringIO()
    child = get_context(method).Process(target=target, args=args)
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        child.start()
        child.join(CHILD_TIMEOUT)
        if child.exitcode is None:
            child.kill()
            child.join(CHILD_TIMEOUT)
            raise NotYet(f"the child was still running after {CHILD_TIMEOUT:g} s")
    return ChildRun(child.exitcode, stdout.getvalue(), stderr.getvalue())
