"""A Sphinx extension for this book's build (listed in _config.yml).

The repository button and the launch buttons (Binder, JupyterHub) all need the
course's repository URL. jupyter-book refuses to build with the repository
button on and no URL, so this extension makes ``repository.url`` the one
switch: with a URL, every button appears; without one, none does.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

__all__ = ["setup"]


def _buttons_follow_repository_url(app: Sphinx, config: Config) -> None:
    options = config.html_theme_options
    if options.get("repository_url"):
        options["use_repository_button"] = True
    else:
        options.pop("launch_buttons", None)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _buttons_follow_repository_url)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
