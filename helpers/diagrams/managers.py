"""Chapter 3's diagram: a manager's server process owns the list; other processes hold proxies."""

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

__all__ = ["managers_diagram"]

# The processes that hold a proxy, and the message each one sends.
CLIENTS = (
    ("the notebook (kernel)", PARENT_COLOUR, "len(records)"),
    ("adder process", CHILD_COLOUR, "records.append(...)"),
    ("printer process", CHILD_COLOUR, "records[i]"),
)


def managers_diagram(
    records: str = "[('Asha', 10), ('Ben', 9), ('Chen', 9), ('Dana', 8)]",
) -> Diagram:
    """The server process with the real list, and three processes with a proxy each."""
    fig, ax = blank_axes(width=9, height=4.2)
    box(ax, 1.2, 2.55, 7.6, 1.3, SHARED_COLOUR)
    ax.text(5.0, 3.5, "manager's server process", ha="center", fontsize=11, weight="bold")
    ax.text(5.0, 3.05, f"records = {records}", ha="center", family="monospace", fontsize=8.5)
    ax.text(5.0, 2.7, "the only real list", ha="center", fontsize=8.5, style="italic")
    for index, (title, colour, message) in enumerate(CLIENTS):
        x = 0.2 + index * 3.3
        box(ax, x, 0.25, 2.95, 1.1, colour)
        ax.text(x + 1.475, 1.05, title, ha="center", fontsize=9.5, weight="bold")
        ax.text(
            x + 1.475, 0.55, "records: ListProxy", ha="center", family="monospace", fontsize=8.5
        )
        arrow(ax, (x + 1.1, 1.4), (x + 1.1 + (1 - index) * 0.6, 2.5))
        arrow(ax, (x + 2.0 + (1 - index) * 0.6, 2.5), (x + 2.0, 1.4))
        ax.text(
            x + 1.55 + (1 - index) * 0.3,
            1.95,
            message,
            ha="center",
            fontsize=8,
            family="monospace",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )
    ax.text(
        5.0,
        0.02,
        "each operation on a proxy is a message to the server and a reply",
        ha="center",
        fontsize=9,
        style="italic",
    )
    return Diagram(
        fig,
        f"Diagram: a server process holds records = {records}; "
        "the notebook, the adder and the printer each hold a ListProxy",
    )
