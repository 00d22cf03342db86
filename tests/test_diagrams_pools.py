"""helpers.diagrams.pools: the pool diagram draws what its alt text says."""

from __future__ import annotations

from matplotlib.figure import Figure

from helpers.diagrams.pools import pool_diagram


def test_pool_diagram_shows_tasks_results_and_workers() -> None:
    diagram = pool_diagram()
    assert isinstance(diagram.figure, Figure)
    assert diagram._repr_png_().startswith(b"\x89PNG")
    assert repr(diagram).startswith("Diagram: pool.map(square, [1, 2, 3, 4], chunksize=2)")
    texts = [t.get_text() for t in diagram.figure.axes[0].texts]
    for expected in (
        "parent process", "task queue", "result queue", "worker 1", "worker 2",
        "task: (square, [1, 2])", "task: (square, [3, 4])", "result: [1, 4]", "result: [9, 16]",
        "pickled", "unpickled",
    ):  # fmt: skip
        assert expected in texts, expected
    assert any("returns\n[1, 4, 9, 16]" in t for t in texts)
    assert any(t.startswith("initializer(*initargs) runs once in each worker") for t in texts)
