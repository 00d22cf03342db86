"""helpers.arguments: the checks name the argument, what was expected and what came."""

from __future__ import annotations

import pytest

from helpers.arguments import check_choice, check_int, check_int_list


def test_good_values_pass_through() -> None:
    assert check_int("size", 3, minimum=1) == 3
    assert check_int_list("numbers", (1, 2)) == [1, 2]
    assert check_choice("method", "spawn", ["fork", "spawn"]) == "spawn"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: check_int("size", "4"), TypeError, "'size' must be an int, not str"),
        (lambda: check_int("size", -2, minimum=1), ValueError, "'size' must be at least 1, not -2"),
        (
            lambda: check_int_list("numbers", 5),
            TypeError,
            "'numbers' must be a list of ints, not int",
        ),
        (
            lambda: check_int_list("numbers", [1, "two"]),
            TypeError,
            "'numbers' must be a list of ints, but item 1 is str 'two'",
        ),
        (
            lambda: check_choice("method", "thread", ["fork"]),
            ValueError,
            r"'method' must be one of \['fork'\], not 'thread'",
        ),
    ],
)
def test_bad_values_get_specific_messages(call, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()
