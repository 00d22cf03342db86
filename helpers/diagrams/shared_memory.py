"""Chapter 2's diagram: two processes map one shared block, and one lock guards it."""

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

__all__ = ["shared_memory_diagram"]


def shared_memory_diagram(result: str = "[1, 4, 9, 16]", square_sum: str = "30") -> Diagram:
    """Parent and child on either side of one shared block holding ``result`` and ``square_sum``."""
    fig, ax = blank_axes(width=9, height=3.6)
    for x, colour, title in (
        (0.1, PARENT_COLOUR, "parent process"),
        (7.4, CHILD_COLOUR, "child process"),
    ):
        box(ax, x, 0.6, 2.5, 2.8, colour)
        ax.text(x + 1.25, 3.0, title, ha="center", fontsize=10, weight="bold")
        ax.text(x + 1.25, 2.5, "its own memory,", ha="center", fontsize=8)
        ax.text(x + 1.25, 2.2, "plus a view of the block", ha="center", fontsize=8)
        box(ax, x + 0.25, 1.0, 2.0, 0.8, "white")
        ax.text(x + 1.25, 1.4, "result, square_sum", ha="center", va="center", fontsize=8,
                family="monospace")  # fmt: skip
    box(ax, 3.3, 1.0, 3.4, 2.4, SHARED_COLOUR)
    ax.text(5.0, 3.05, "one shared block of memory", ha="center", fontsize=10, weight="bold")
    ax.text(5.0, 2.45, f"Array('i', 4): {result}", ha="center", fontsize=9, family="monospace")
    ax.text(5.0, 2.0, f"Value('i'): {square_sum}", ha="center", fontsize=9, family="monospace")
    box(ax, 4.1, 1.15, 1.8, 0.5, "#fff2cc")
    ax.text(5.0, 1.4, "lock: get_lock()", ha="center", va="center", fontsize=9)
    arrow(ax, (2.45, 1.4), (3.25, 1.9), "maps")
    arrow(ax, (7.65, 1.4), (6.75, 1.9), "maps")
    ax.text(
        5.0, 0.35,
        "both views point at the same bytes: a write by one process is a read by the other;\n"
        "the lock lets one process at a time do a read-then-write",
        ha="center", fontsize=8.5, style="italic",
    )  # fmt: skip
    return Diagram(
        fig,
        f"Diagram: parent and child both map one shared block holding result = {result} "
        f"and square_sum = {square_sum}, guarded by one lock",
    )
