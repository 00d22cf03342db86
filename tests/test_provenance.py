"""helpers.provenance: a page says which machine, Python and start method made it."""

from __future__ import annotations

import multiprocessing
import platform

import pytest

from helpers.provenance import describe_run


def test_describe_run_names_python_and_start_method(capsys: pytest.CaptureFixture) -> None:
    describe_run()
    out = capsys.readouterr().out
    assert f"Python {platform.python_version()}" in out
    assert f"default start method: {multiprocessing.get_start_method()}." in out
