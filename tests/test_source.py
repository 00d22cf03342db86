"""helpers.source: the page shows the helper's real source."""

from __future__ import annotations

import inspect

import pytest

from helpers import own_memory
from helpers.source import show_source


def test_show_source_is_the_functions_source() -> None:
    code = show_source(own_memory.square_into_global, own_memory.main)
    assert code.data == (
        inspect.getsource(own_memory.square_into_global)
        + "\n\n"
        + inspect.getsource(own_memory.main)
    )


def test_show_source_needs_something() -> None:
    with pytest.raises(TypeError, match="needs at least one function"):
        show_source()
