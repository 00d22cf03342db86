"""helpers.diagrams: each chapter's diagram draws what its alt text says."""

from __future__ import annotations

from matplotlib.figure import Figure

from helpers.diagrams.own_memory import own_memory_diagram


def test_own_memory_diagram_shows_both_lists() -> None:
    diagram = own_memory_diagram()
    assert isinstance(diagram.figure, Figure)
    assert diagram._repr_png_().startswith(b"\x89PNG")
    assert repr(diagram) == "Diagram: parent squares = []; child squares = [1, 4, 9, 16]"
    texts = [t.get_text() for t in diagram.figure.axes[0].texts]
    assert "squares = [1, 4, 9, 16]" in texts and "squares = []" in texts
    assert any("parent process" in t for t in texts) and "child process" in texts
