"""Nothing in the project listens on any address but loopback (127.0.0.1, ::1, localhost).

Chapter 3 ("The server process") explains why: a manager that listens on every
interface (``""``, ``0.0.0.0``, ``::``) lets anyone on the network who has, or
guesses, its key run code in it. This test reads every Python source and every
notebook's code cells in the project (IPython syntax included) and fails on:

* a string that means "every interface" anywhere in code (``"0.0.0.0"``,
  ``"::"``, ``"[::]"``, and ``host:port`` forms of them), or ``INADDR_ANY``;
* an address given to something that listens or takes an address
  (``bind``, ``Listener``, ``create_server``, any ``...Manager`` or
  ``...Server``, or a keyword such as ``address=``, ``host=``,
  ``dashboard_address=``), or assigned to a name like ``ADDRESS`` or ``HOST``,
  whose host is not loopback: ``""`` included;
* a shell command (``!...`` in a notebook) that mentions ``0.0.0.0``.

This file itself is not scanned: it has to spell out what it looks for.
"""

from __future__ import annotations

import ast
import ipaddress
import json
import pathlib
import re
from collections.abc import Iterator

import pytest
from IPython.core.inputtransformer2 import TransformerManager

from tests.support import ROOT

# Folders that are not the project's own code.
SKIPPED_DIRS = {".venv", "_build", ".git", "node_modules", "__pycache__", ".ipynb_checkpoints"}
LOOPBACK_NAMES = {"localhost", "ip6-localhost"}
# Calls that listen on, or are given, an address as their first argument.
LISTENING_CALLS = {"bind", "Listener", "create_server", "serve", "run_simple", "start_server"}
LISTENING_SUFFIXES = ("Manager", "Server", "Cluster")
ADDRESS_KEYWORDS = {
    "address", "host", "hostname", "ip", "bind", "listen", "interface",
    "server_address", "dashboard_address", "listen_address", "contact_address",
}  # fmt: skip
ADDRESS_NAME = re.compile(r"(^|_)(ADDR|ADDRESS|HOST|BIND)(_|$)", re.IGNORECASE)
SHELL_CALLS = {"system", "getoutput", "run_cell_magic", "run_line_magic"}
EVERY_INTERFACE = {".".join(["0"] * 4), "::", "[::]", "::0"}


def host_of(address: str) -> str:
    """The host part of ``host``, ``host:port``, ``[v6]:port`` or ``scheme://host:port``."""
    address = address.split("://", 1)[-1].split("/", 1)[0]
    if address.startswith("["):
        return address[: address.find("]") + 1]
    if address.count(":") == 1:
        return address.split(":", 1)[0]
    return address


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _hosts_in(node: ast.AST) -> Iterator[str]:
    """The hosts an address expression spells out: a string, or a (host, port) tuple."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield host_of(node.value)
    elif isinstance(node, ast.Tuple) and node.elts:
        first = node.elts[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            yield first.value


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _is_every_interface(value: str) -> bool:
    return value in EVERY_INTERFACE or (
        ":" in value and value not in {"::1"} and host_of(value) in EVERY_INTERFACE | {""}
        and re.fullmatch(r"[\w+.-]*://.*|\[?[:\w.]*\]?:\d+", value) is not None
    )  # fmt: skip


def problems_in_code(code: str) -> list[str]:
    """Every place in ``code`` (Python, or IPython syntax) that listens beyond loopback."""
    tree = ast.parse(TransformerManager().transform_cell(code))
    found = []

    def check_address(node: ast.AST, context: str) -> None:
        for host in _hosts_in(node):
            if not is_loopback(host):
                found.append(f"line {node.lineno}: {context} gets host {host!r}, not loopback")

    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _is_every_interface(node.value):
                found.append(f"line {node.lineno}: {node.value!r} means every interface")
        elif isinstance(node, (ast.Name, ast.Attribute)):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name in {"INADDR_ANY", "in6addr_any", "IN6ADDR_ANY_INIT"}:
                found.append(f"line {node.lineno}: {name} means every interface")
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            if (name in LISTENING_CALLS or name.endswith(LISTENING_SUFFIXES)) and node.args:
                check_address(node.args[0], f"{name}()")
            for keyword in node.keywords:
                if keyword.arg in ADDRESS_KEYWORDS:
                    check_address(keyword.value, f"{name}({keyword.arg}=...)")
            if name in SHELL_CALLS:
                for arg in node.args:
                    text = arg.value if isinstance(arg, ast.Constant) else ""
                    if isinstance(text, str) and re.search(r"\b0\.0\.0\.0\b", text):
                        found.append(f"line {node.lineno}: a shell command listens everywhere")
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and ADDRESS_NAME.search(target.id):
                    check_address(node.value, target.id)
    return found


def project_files() -> list[pathlib.Path]:
    this_file = pathlib.Path(__file__).resolve()
    files = []
    for pattern in ("*.py", "*.ipynb"):
        for path in ROOT.rglob(pattern):
            parts = path.relative_to(ROOT).parts[:-1]
            if any(p in SKIPPED_DIRS or p.startswith(".") for p in parts):
                continue
            if path.resolve() != this_file:
                files.append(path)
    return sorted(files)


def problems_in_file(path: pathlib.Path) -> list[str]:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        sources = [
            (f"cell {i}", "".join(c["source"]))
            for i, c in enumerate(cells)
            if c["cell_type"] == "code"
        ]
    else:
        sources = [("", path.read_text(encoding="utf-8"))]
    found = []
    for where, source in sources:
        try:
            found += [f"{where} {p}".strip() for p in problems_in_code(source)]
        except SyntaxError as error:
            found.append(f"{where} cannot be parsed, so cannot be checked: {error}".strip())
    return found


# The project ----------------------------------------------------------------------------


def test_the_scan_sees_the_project() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in project_files()}
    assert {"helpers/managers.py", "book/03_managers.ipynb", "tests/test_managers.py"} <= names
    assert not any(n.startswith((".venv/", "_build/")) for n in names)


@pytest.mark.parametrize("path", project_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_nothing_listens_beyond_loopback(path: pathlib.Path) -> None:
    assert problems_in_file(path) == []


# The scanner itself ---------------------------------------------------------------------

ANY4 = ".".join(["0"] * 4)  # spelled out of pieces, so that no line here holds it whole


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ('s.bind(("", 0))', "bind() gets host '', not loopback"),
        (f's.bind(("{ANY4}", 80))', "means every interface"),
        ('BaseManager(address=("", 50000), authkey=b"k")', "gets host '', not loopback"),
        ('ScoreboardManager(("", 50000), b"k")', "ScoreboardManager() gets host ''"),
        ('Listener(("::", 6000))', "'::' means every interface"),
        ("socket.INADDR_ANY", "INADDR_ANY means every interface"),
        ('LocalCluster(dashboard_address=":8787")', "':8787' means every interface"),
        (f'HOST = "{ANY4}"', "means every interface"),
        ('ADDRESS = ("", 5000)', "ADDRESS gets host ''"),
        ('app.run(host="")', "run(host=...) gets host ''"),
        ('create_server(("", 8000))', "create_server() gets host ''"),
        ('ScoreboardManager(address=("192.168.1.4", 5000))', "host '192.168.1.4', not loopback"),
        (f"!python -m http.server --bind {ANY4}", "a shell command listens everywhere"),
        (f'server = HTTPServer(("{ANY4}", 8000), Handler)', "means every interface"),
        (f'url = "tcp://{ANY4}:8786"', "means every interface"),
    ],
)
def test_scanner_finds_every_interface(code: str, message: str) -> None:
    found = problems_in_code(code)
    assert any(message in problem for problem in found), found


@pytest.mark.parametrize(
    "code",
    [
        's.bind(("127.0.0.1", 0))',
        'BaseManager(address=("localhost", 0), authkey=b"k")',
        'Listener(("::1", 0))',
        'Listener(address=("127.0.0.2", 5000))',
        'records = [("Asha", 10), ("Ben", 9)]',
        'LocalCluster(dashboard_address="127.0.0.1:0")',
        "manager = ScoreboardManager(address=server.address, authkey=KEY)",
        'print("a::b", ":", "::1", "[::1]:80")',
        'x = "12:30"',
        "%%writefile teams.py\ndef join_team(teams, team, name):\n    pass\n",
        "!{sys.executable} -m helpers.managers",
    ],
)
def test_scanner_accepts_loopback_and_ordinary_code(code: str) -> None:
    assert problems_in_code(code) == []


def test_scanner_reports_a_notebook_cell(tmp_path: pathlib.Path) -> None:
    notebook = tmp_path / "n.ipynb"
    cells = [
        {"cell_type": "markdown", "source": [f"never {ANY4}"], "metadata": {}},
        {"cell_type": "code", "source": ['s.bind(("", 0))'], "metadata": {}, "outputs": []},
    ]
    notebook.write_text(json.dumps({"cells": cells}))
    assert problems_in_file(notebook) == ["cell 1 line 1: bind() gets host '', not loopback"]


def test_scanner_reports_what_it_cannot_parse(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "broken.py"
    source.write_text("def f(:\n")
    [problem] = problems_in_file(source)
    assert problem.startswith("cannot be parsed, so cannot be checked")
