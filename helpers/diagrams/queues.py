"""Chapter 4's pictures: what a queue is made of, and the timeline of one recorded run."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers.diagrams import (
    CHILD_COLOUR,
    PARENT_COLOUR,
    SHARED_COLOUR,
    Diagram,
    arrow,
    blank_axes,
    box,
)
from helpers.queues import Mark

__all__ = ["draw_timeline", "queue_diagram", "timeline_figure"]


def queue_diagram() -> Diagram:
    """Producer, queue (feeder thread and pipe) and consumer, left to right."""
    fig, ax = blank_axes(width=9, height=3.4)
    box(ax, 0.2, 0.5, 3.6, 3.0, PARENT_COLOUR)
    ax.text(2.0, 3.15, "producer process", ha="center", fontsize=11, weight="bold")
    box(ax, 0.5, 2.0, 1.3, 0.6, "white")
    ax.text(1.15, 2.3, "put(item)", ha="center", va="center", family="monospace", fontsize=9)
    box(ax, 0.5, 0.8, 1.3, 0.8, "white")
    ax.text(1.15, 1.2, "buffer\n(a deque)", ha="center", va="center", fontsize=9)
    box(ax, 2.3, 0.8, 1.3, 1.8, "white")
    ax.text(2.95, 1.7, "feeder\nthread:\npickles,\nwrites", ha="center", va="center", fontsize=9)
    arrow(ax, (1.15, 1.95), (1.15, 1.65))
    arrow(ax, (1.85, 1.2), (2.25, 1.2))
    box(ax, 4.15, 1.1, 1.7, 1.0, SHARED_COLOUR)
    ax.text(
        5.0, 1.6, "pipe\n(kernel buffer,\n64 KiB on Linux)", ha="center", va="center", fontsize=9
    )
    arrow(ax, (3.65, 1.6), (4.1, 1.6), "bytes")
    box(ax, 6.2, 0.5, 3.6, 3.0, CHILD_COLOUR)
    ax.text(8.0, 3.15, "consumer process", ha="center", fontsize=11, weight="bold")
    box(ax, 6.6, 1.0, 2.8, 1.2, "white")
    ax.text(8.0, 1.6, "get(timeout=...):\nreads, unpickles;\nstops on the sentinel", ha="center",
            va="center", fontsize=9)  # fmt: skip
    arrow(ax, (5.9, 1.6), (6.55, 1.6))
    ax.text(5.0, 0.1, "one multiprocessing.Queue = buffer + feeder thread + pipe + locks",
            ha="center", fontsize=9, style="italic")  # fmt: skip
    return Diagram(
        fig, "Diagram: producer put() -> buffer -> feeder thread -> pipe -> consumer get()"
    )


def draw_timeline(ax: Axes, marks: list[Mark]) -> None:
    """One lane per process: a bar from start to end, triangles for put, dots for get."""
    zero = next(m.at for m in marks if m.process == "parent")
    lanes = [name for name in dict.fromkeys(m.process for m in marks) if name != "parent"]
    put_at = {m.item: (m.at - zero) * 1000 for m in marks if m.what == "put"}
    producer_lane = lanes.index("producer") if "producer" in lanes else 0
    for lane, name in enumerate(lanes):
        own = [m for m in marks if m.process == name]
        start, end = ((m.at - zero) * 1000 for m in (own[0], own[-1]))
        colour = PARENT_COLOUR if name == "producer" else CHILD_COLOUR
        ax.barh(lane, end - start, left=start, height=0.5, color=colour, edgecolor="0.4")
        for mark in own:
            at = (mark.at - zero) * 1000
            if mark.what == "put":
                ax.plot(at, lane, marker="^", color="tab:blue", markersize=6)
            elif mark.what == "get":
                ax.plot(at, lane, marker="o", color="tab:orange", markersize=5)
                ax.plot([put_at[mark.item], at], [producer_lane, lane], color="0.6", linewidth=0.6)
                ax.annotate(str(mark.item), (at, lane + 0.3), ha="center", fontsize=7)
    ax.axvline(0, color="0.3", linestyle="--", linewidth=0.8)
    ax.set_yticks(range(len(lanes)), lanes)
    ax.set_ylim(len(lanes) - 0.4, -0.6)
    ax.set_xlabel("milliseconds since the parent started the processes (dashed line)")
    ax.set_title(
        "bar: the worker function runs; ▲ put; ● get (grey line: from its put)", fontsize=9
    )


def timeline_figure(marks: list[Mark]) -> Diagram:
    """The timeline of one recorded run, as a picture; its text form counts what happened."""
    lanes = {m.process for m in marks} - {"parent"}
    figure = Figure(figsize=(8, 1.2 + 0.5 * len(lanes)))
    draw_timeline(figure.add_subplot(), marks)
    puts = sum(m.what == "put" for m in marks)
    gets = sum(m.what == "get" for m in marks)
    return Diagram(
        figure, f"Timeline: {len(lanes)} processes, {puts} puts, {gets} gets (one recorded run)"
    )
