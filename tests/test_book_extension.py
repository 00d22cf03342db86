"""helpers.book_extension: the repository URL alone turns the buttons on or off."""

from __future__ import annotations

from types import SimpleNamespace

from helpers.book_extension import _buttons_follow_repository_url


def test_url_turns_on_the_repository_button() -> None:
    config = SimpleNamespace(html_theme_options={"repository_url": "https://github.com/a/b"})
    _buttons_follow_repository_url(None, config)
    assert config.html_theme_options["use_repository_button"] is True


def test_no_url_removes_the_launch_buttons() -> None:
    config = SimpleNamespace(html_theme_options={"repository_url": "", "launch_buttons": {"x": 1}})
    _buttons_follow_repository_url(None, config)
    assert "launch_buttons" not in config.html_theme_options
    assert "use_repository_button" not in config.html_theme_options
