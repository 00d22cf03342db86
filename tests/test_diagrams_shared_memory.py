"""helpers.diagrams.shared_memory: chapter 2's diagram draws what its alt text says."""

from __future__ import annotations

from matplotlib.figure import Figure

from helpers.diagrams.shared_memory import shared_memory_diagram


def test_shared_memory_diagram_shows_both_processes_the_block_and_the_lock() -> None:
    diagram = shared_memory_diagram()
    assert isinstance(diagram.figure, Figure)
    assert diagram._repr_png_().startswith(b"\x89PNG")
    assert repr(diagram) == (
        "Diagram: parent and child both map one shared block holding "
        "result = [1, 4, 9, 16] and square_sum = 30, guarded by one lock"
    )
    texts = [t.get_text() for t in diagram.figure.axes[0].texts]
    assert "parent process" in texts and "child process" in texts
    assert "Array('i', 4): [1, 4, 9, 16]" in texts and "Value('i'): 30" in texts
    assert "lock: get_lock()" in texts
    assert texts.count("maps") == 2


def test_shared_memory_diagram_shows_other_values() -> None:
    texts = [t.get_text() for t in shared_memory_diagram("[1, 4]", "5").figure.axes[0].texts]
    assert "Array('i', 4): [1, 4]" in texts and "Value('i'): 5" in texts
