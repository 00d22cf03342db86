"""The chapters' diagrams, drawn with matplotlib so that every build redraws them.

One module per chapter (``helpers.diagrams.<concept>``), each with a function
that returns a :class:`Diagram`: a notebook shows it as a PNG picture, and its
plain-text form is a one-line description. The alt text lives in the notebook
cell's metadata (``mystnb.image.alt``). The helpers below keep the chapters'
drawings alike. Workers never import this package: matplotlib would slow
every spawned child.
"""

from __future__ import annotations

import io

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

__all__ = [
    "CHILD_COLOUR",
    "PARENT_COLOUR",
    "SHARED_COLOUR",
    "Diagram",
    "arrow",
    "blank_axes",
    "box",
]

PARENT_COLOUR = "#dbe9f6"
CHILD_COLOUR = "#fde4cf"
SHARED_COLOUR = "#e2f0d9"


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


def box(ax: Axes, x: float, y: float, w: float, h: float, colour: str) -> None:
    """A rounded box with its lower-left corner at (x, y)."""
    ax.add_patch(
        FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02", facecolor=colour, edgecolor="0.3")
    )


def arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], label: str = "") -> None:
    """An arrow from ``start`` to ``end``, with an optional label above its middle."""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=15, color="0.3"))
    if label:
        middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.2)
        ax.text(*middle, label, ha="center", fontsize=9)


def blank_axes(width: float = 8, height: float = 3.2) -> tuple[Figure, Axes]:
    """A figure whose one axes spans it, with data coordinates 0-10 by 0-4 and no frame."""
    figure = Figure(figsize=(width, height))
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 4)
    ax.axis("off")
    return figure, ax
