"""The built book in headless Chromium, with every host but loopback unreachable.

Every page loads with no console error and no failed request; chapter 1's
diagram shows with its alt text; every enabled control, moved to other
values, shows the real result for them (computed again here, from the same
helper); a control that cannot be precomputed is visibly disabled.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib
import io
import json
import pathlib
import shutil
import threading
from collections.abc import Iterator

import pytest

from tests.support import sanitize

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no Chromium found, so the browser tests did not run "
        "(on Debian: apt-get install chromium)",
    ),
]

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Every host name but loopback fails to resolve: the network is "off".
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]  # fmt: skip


@pytest.fixture(scope="module")
def site(built_book: pathlib.Path) -> Iterator[str]:
    """The built book, served over HTTP on 127.0.0.1."""
    handler = functools.partial(QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(10)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Problems(list):
    """Console errors, page errors, failed requests and any request off this machine."""

    def watch(self, page, site: str) -> None:
        page.on("console", lambda m: m.type == "error" and self.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.append(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.append(f"{r.status}: {r.url}"))

        def only_loopback(route) -> None:
            if route.request.url.startswith((site, "data:")):
                route.continue_()
            else:
                self.append(f"off-machine request: {route.request.url}")
                route.abort()

        page.route("**/*", only_loopback)


def open_page(browser, site: str, path: str):
    page = browser.new_page()
    problems = Problems()
    problems.watch(page, site)
    page.goto(f"{site}/{path}", wait_until="load")
    page.wait_for_timeout(1000)  # let deferred scripts (MathJax, widgets) run
    return page, problems


def pages(built_book: pathlib.Path) -> list[str]:
    return sorted(
        str(p.relative_to(built_book))
        for p in built_book.rglob("*.html")
        if "_static" not in p.parts and "_sources" not in p.parts
    )


def test_every_page_loads_cleanly_offline(browser, site: str, built_book: pathlib.Path) -> None:
    all_problems = {}
    for path in pages(built_book):
        page, problems = open_page(browser, site, path)
        if problems:
            all_problems[path] = problems
        page.close()
    assert all_problems == {}


def test_chapter_one_diagram_is_visible_with_alt_text(browser, site: str) -> None:
    page, problems = open_page(browser, site, "book/01_own_memory.html")
    diagram = page.locator("img[alt^='Two rounded boxes side by side']")
    assert diagram.count() == 1
    assert diagram.is_visible()
    assert diagram.evaluate("img => img.complete && img.naturalWidth > 100")
    assert problems == []
    page.close()


def real_result(function: str, args: dict) -> str:
    """What the helper prints for these arguments, computed now in this process."""
    module, name = function.rsplit(".", 1)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        getattr(importlib.import_module(module), name)(**args)
    return out.getvalue() + err.getvalue()


def shown(explorer) -> tuple[dict, str]:
    """The arguments and text of the one result block that is visible."""
    visible = explorer.locator("[data-key]:not([hidden])")
    assert visible.count() == 1, "exactly one result must be visible"
    return json.loads(visible.get_attribute("data-args")), visible.inner_text()


def choose(control, index: int) -> None:
    if control.evaluate("c => c.tagName") == "SELECT":
        control.select_option(str(index))
    else:
        control.fill(str(index))


def test_every_control_shows_the_real_result_for_its_value(
    browser, site: str, built_book: pathlib.Path
) -> None:
    moved = 0
    for path in pages(built_book):
        page, problems = open_page(browser, site, path)
        for explorer in page.locator(".course-explore").all():
            function = explorer.get_attribute("data-function")
            for control in explorer.locator("[data-param]").all():
                if control.is_disabled():
                    note = explorer.locator(".course-explore-note")
                    assert note.is_visible() and "live kernel" in note.inner_text()
                    continue
                count = control.evaluate(
                    "c => c.tagName === 'SELECT' ? c.options.length : +c.max + 1"
                )
                start = int(control.input_value())
                others = [i for i in range(count) if i != start][-2:]
                assert len(others) >= 1, f"a control in {path} offers a single value"
                for index in others:
                    before = shown(explorer)
                    choose(control, index)
                    args, text = shown(explorer)
                    assert text != before[1], f"{path}: output unchanged after moving {args}"
                    assert sanitize(text) == sanitize(real_result(function, args)).strip("\n") or (
                        sanitize(text).strip() == sanitize(real_result(function, args)).strip()
                    ), f"{path}: {function}({args}) shows a result that is not its own"
                    moved += 1
        assert problems == [], path
        page.close()
    assert moved >= 4, "chapter 1's controls were not found"
