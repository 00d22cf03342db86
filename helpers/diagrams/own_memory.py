"""Chapter 1's diagram: two address spaces, each with its own ``squares``."""

from __future__ import annotations

from helpers.diagrams import CHILD_COLOUR, PARENT_COLOUR, Diagram, arrow, blank_axes, box

__all__ = ["own_memory_diagram"]


def own_memory_diagram(child_list: str = "[1, 4, 9, 16]", parent_list: str = "[]") -> Diagram:
    """Two address spaces side by side, each holding its own ``squares`` list."""
    fig, ax = blank_axes()
    for x, colour, title, value in (
        (0.3, PARENT_COLOUR, "parent process (the notebook's kernel)", parent_list),
        (5.5, CHILD_COLOUR, "child process", child_list),
    ):
        box(ax, x, 0.4, 4.2, 3.0, colour)
        ax.text(x + 2.1, 3.0, title, ha="center", fontsize=11, weight="bold")
        ax.text(x + 2.1, 2.45, "its own memory (address space)", ha="center", fontsize=9)
        box(ax, x + 0.5, 1.0, 3.2, 1.0, "white")
        ax.text(x + 2.1, 1.5, f"squares = {value}", ha="center", va="center", family="monospace")
    arrow(ax, (4.6, 3.35), (5.4, 3.35), "start()")
    ax.text(
        5.0,
        0.15,
        "no arrow between the lists: a change on one side never reaches the other",
        ha="center",
        fontsize=9,
        style="italic",
    )
    return Diagram(fig, f"Diagram: parent squares = {parent_list}; child squares = {child_list}")
