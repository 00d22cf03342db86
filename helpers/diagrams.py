"""The chapters' diagrams, drawn with matplotlib so that every build redraws them.

One function per chapter; each returns a :class:`Diagram`, which a notebook
shows as a PNG picture. The alt text lives in the notebook cell's metadata;
the diagram's plain-text form is a one-line description.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

__all__ = ["Diagram", "own_memory_diagram"]

PARENT_COLOUR = "#dbe9f6"
CHILD_COLOUR = "#fde4cf"


class Diagram:
    """A matplotlib figure that a notebook shows as a PNG, described in words as text."""

    def __init__(self, figure: Figure, description: str) -> None:
        self.figure = figure
        self.description = description

    def _repr_png_(self) -> bytes:
        png = io.BytesIO()
        self.figure.savefig(png, format="png", dpi=100, bbox_inches="tight")
        return png.getvalue()

    def __repr__(self) -> str:
        return self.description


def _box(ax, x: float, y: float, w: float, h: float, colour: str) -> None:
    ax.add_patch(
        FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02", facecolor=colour, edgecolor="0.3")
    )


def own_memory_diagram(child_list: str = "[1, 4, 9, 16]", parent_list: str = "[]") -> Diagram:
    """Two address spaces side by side, each holding its own ``squares`` list."""
    fig = Figure(figsize=(8, 3.2))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 4)
    ax.axis("off")
    for x, colour, title, value in (
        (0.3, PARENT_COLOUR, "parent process (the notebook's kernel)", parent_list),
        (5.5, CHILD_COLOUR, "child process", child_list),
    ):
        _box(ax, x, 0.4, 4.2, 3.0, colour)
        ax.text(x + 2.1, 3.0, title, ha="center", fontsize=11, weight="bold")
        ax.text(x + 2.1, 2.45, "its own memory (address space)", ha="center", fontsize=9)
        _box(ax, x + 0.5, 1.0, 3.2, 1.0, "white")
        ax.text(x + 2.1, 1.5, f"squares = {value}", ha="center", va="center", family="monospace")
    ax.add_patch(
        FancyArrowPatch((4.6, 3.35), (5.4, 3.35), arrowstyle="-|>", mutation_scale=15, color="0.3")
    )
    ax.text(5.0, 3.55, "start()", ha="center", fontsize=9)
    ax.text(
        5.0,
        0.15,
        "no arrow between the lists: a change on one side never reaches the other",
        ha="center",
        fontsize=9,
        style="italic",
    )
    return Diagram(fig, f"Diagram: parent squares = {parent_list}; child squares = {child_list}")
