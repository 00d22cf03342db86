"""Argument checks shared by the helpers, with messages that say what was expected.

Modelled on the standard library's own messages ("'size' must be a positive
integer"): name the argument, what it must be, and what it was.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["check_choice", "check_int", "check_int_list"]


def check_int(name: str, value: object, *, minimum: int | None = None) -> int:
    """Return ``value`` if it is an int (not a bool) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name!r} must be an int, not {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name!r} must be at least {minimum}, not {value}")
    return value


def check_int_list(name: str, value: object) -> list[int]:
    """Return ``value`` as a list if it is a list or tuple of ints."""
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{name!r} must be a list of ints, not {type(value).__name__}")
    for index, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, int):
            raise TypeError(
                f"{name!r} must be a list of ints, but item {index} is "
                f"{type(item).__name__} {item!r}"
            )
    return list(value)


def check_choice(name: str, value: object, choices: Sequence[object]) -> object:
    """Return ``value`` if it is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name!r} must be one of {list(choices)}, not {value!r}")
    return value
