"""The book builds strictly from nothing, and its buttons hang on the repository URL."""

from __future__ import annotations

import pathlib

import yaml

from tests.conftest import build_book
from tests.support import NOTEBOOKS, ROOT

SAMPLE_URL = "https://github.com/example/processes-course"


def test_clean_strict_build_has_every_chapter(built_book: pathlib.Path) -> None:
    for notebook in NOTEBOOKS:
        page = built_book / "book" / f"{notebook.stem}.html"
        assert page.exists(), f"no page for {notebook.name}"
    assert (built_book / "book" / "intro.html").exists()


def test_every_chapter_says_where_its_numbers_came_from(built_book: pathlib.Path) -> None:
    for notebook in NOTEBOOKS:
        page = (built_book / "book" / f"{notebook.stem}.html").read_text()
        assert "Outputs below were produced on" in page, notebook.name
        assert "default start method:" in page, notebook.name


def test_chapter_one_shows_both_views_and_the_error(built_book: pathlib.Path) -> None:
    page = (built_book / "book" / "01_own_memory.html").read_text()
    assert "In the child:  squares = [1, 4, 9, 16]" in page
    assert "In the parent: squares = []" in page
    assert "AttributeError: Can't get attribute 'defined_in_the_notebook'" in page


def test_repository_url_turns_on_the_buttons(tmp_path: pathlib.Path) -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["repository"]["url"] = SAMPLE_URL
    config["execute"]["execute_notebooks"] = "off"  # the buttons do not need outputs
    config_file = tmp_path / "_config.yml"
    config_file.write_text(yaml.safe_dump(config))
    result = build_book(tmp_path, config_file)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    page = (tmp_path / "_build" / "html" / "book" / "01_own_memory.html").read_text()
    assert f'href="{SAMPLE_URL}"' in page, "no repository button"
    assert "mybinder.org/v2/gh/example/processes-course/main?urlpath=" in page, "no Binder button"
    assert ".ipynb" in page and "download" in page.lower(), "no download button"
