"""Chapter 5, "Pipes": a pipe's two ends in two processes, and a measured timeline."""

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

__all__ = ["pipe_diagram", "timeline_diagram"]

SEED_MESSAGES = ("hello", "hey", "hru?", "END")


def pipe_diagram(messages: tuple[str, ...] = SEED_MESSAGES) -> Diagram:
    """Two processes, each holding one end of one pipe, with the messages in between."""
    fig, ax = blank_axes(9, 3.2)
    for x, colour, title, end in (
        (0.2, PARENT_COLOUR, "sender process", "sending_end"),
        (7.0, CHILD_COLOUR, "receiver process", "receiving_end"),
    ):
        box(ax, x, 0.5, 2.8, 2.9, colour)
        ax.text(x + 1.4, 3.0, title, ha="center", fontsize=11, weight="bold")
        box(ax, x + 0.3, 1.5, 2.2, 0.8, "white")
        ax.text(x + 1.4, 1.9, end, ha="center", va="center", family="monospace", fontsize=9)
        ax.text(x + 1.4, 1.05, "a Connection", ha="center", fontsize=8, style="italic")
    box(ax, 3.3, 1.6, 3.4, 0.6, SHARED_COLOUR)
    ax.text(5.0, 2.5, "the pipe (kept by the operating system)", ha="center", fontsize=9)
    ax.text(
        5.0, 1.9, "  ".join(reversed(messages)), ha="center", va="center",
        family="monospace", fontsize=9,
    )  # fmt: skip
    arrow(ax, (3.05, 1.05), (7.25, 1.05), "send()  ...  recv()")
    ax.text(
        5.0, 0.15, "each process holds only its own end; the oldest message leaves first",
        ha="center", fontsize=9, style="italic",
    )  # fmt: skip
    return Diagram(fig, f"Diagram: sender and receiver, one pipe, messages {', '.join(messages)}")


def timeline_diagram(times: dict[str, list[float]]) -> Diagram:
    """Two lanes, ping and pong: an arrow from each send() to the recv() it woke up."""
    from matplotlib.figure import Figure

    ping = [t * 1e6 for t in times["ping"]]
    pong = [t * 1e6 for t in times["pong"]]
    if len(ping) != len(pong) or not ping or len(ping) % 2:
        raise ValueError(
            f"need two ping and two pong times per round, got {len(ping)} and {len(pong)}"
        )
    rounds = len(ping) // 2
    figure = Figure(figsize=(8, 2.8))
    ax = figure.add_subplot()
    style = {"arrowstyle": "-|>", "color": "0.4", "shrinkA": 0, "shrinkB": 0}
    for r in range(rounds):
        sent, answered = ping[2 * r], ping[2 * r + 1]
        got, replied = pong[2 * r], pong[2 * r + 1]
        ax.annotate("", (got, 0), (sent, 1), arrowprops=style)
        ax.annotate("", (answered, 1), (replied, 0), arrowprops=style)
        ax.text(sent, 1.12, f"ping {r + 1}", fontsize=8, ha="center")
        ax.text(replied, -0.25, f"pong {r + 1}", fontsize=8, ha="center")
    ax.plot(ping, [1] * len(ping), "o", color="#1f77b4", markersize=4)
    ax.plot(pong, [0] * len(pong), "s", color="#ff7f0e", markersize=4)
    ax.set_yticks([0, 1], ["pong process", "ping process"])
    ax.set_ylim(-0.5, 1.4)
    ax.set_xlabel("microseconds after the first send() (this run)")
    ax.set_title("One exchange, measured: each arrow runs from send() to the recv() it ends",
                 fontsize=10)  # fmt: skip
    figure.tight_layout()
    return Diagram(
        figure,
        f"Timeline of one ping-pong exchange: {rounds} rounds, each arrow from a send() "
        "to the recv() that returned with its message",
    )
