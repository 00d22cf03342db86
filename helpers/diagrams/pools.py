"""Chapter 6's diagram: tasks and results flowing through a pool of two workers."""

from __future__ import annotations

from helpers.diagrams import (
    CHILD_COLOUR,
    PARENT_COLOUR,
    SHARED_COLOUR,
    Diagram,
    arrow,
    blank_axes,
    box,
)

__all__ = ["pool_diagram"]

# What the drawing shows: pool.map(square, [1, 2, 3, 4], chunksize=2) on two workers.
TASKS = ("square, [1, 2]", "square, [3, 4]")
RESULTS = ("[1, 4]", "[9, 16]")


def pool_diagram() -> Diagram:
    """The parent, the pool's task and result queues, and two workers, with what flows."""
    fig, ax = blank_axes(width=8, height=4)
    box(ax, 0.1, 0.5, 2.7, 3.0, PARENT_COLOUR)
    ax.text(1.45, 3.1, "parent process", ha="center", fontsize=11, weight="bold")
    ax.text(1.45, 2.4, "pool.map(square,\n[1, 2, 3, 4],\nchunksize=2)", ha="center",
            va="center", family="monospace", fontsize=9)  # fmt: skip
    ax.text(1.45, 1.15, "returns\n[1, 4, 9, 16]", ha="center", va="center",
            family="monospace", fontsize=9)  # fmt: skip
    for y, label in ((2.55, "task queue"), (0.85, "result queue")):
        box(ax, 3.75, y, 1.9, 0.6, SHARED_COLOUR)
        ax.text(4.7, y + 0.3, label, ha="center", va="center", fontsize=10)
    arrow(ax, (2.8, 2.85), (3.7, 2.85))
    ax.text(3.25, 3.05, "pickled", ha="center", fontsize=9)
    arrow(ax, (3.7, 1.15), (2.8, 1.15))
    ax.text(3.25, 1.35, "unpickled", ha="center", fontsize=9)
    for index, (y, task, result) in enumerate(zip((2.2, 0.4), TASKS, RESULTS, strict=True)):
        box(ax, 6.6, y, 3.3, 1.3, CHILD_COLOUR)
        ax.text(8.25, y + 1.0, f"worker {index + 1}", ha="center", fontsize=11, weight="bold")
        ax.text(8.25, y + 0.57, f"task: ({task})", ha="center", family="monospace", fontsize=9)
        ax.text(8.25, y + 0.2, f"result: {result}", ha="center", family="monospace",
                fontsize=9)  # fmt: skip
        arrow(ax, (5.65, 2.85), (6.55, y + 0.85))
        arrow(ax, (6.55, y + 0.35), (5.65, 1.15))
    ax.text(5.0, 0.05, "initializer(*initargs) runs once in each worker as it starts:\n"
            "the way in for a Value, Array, Lock or Queue", ha="center", fontsize=9.5,
            style="italic")  # fmt: skip
    return Diagram(
        fig,
        "Diagram: pool.map(square, [1, 2, 3, 4], chunksize=2) sends tasks (square, [1, 2]) "
        "and (square, [3, 4]) to two workers; results [1, 4] and [9, 16] come back",
    )
