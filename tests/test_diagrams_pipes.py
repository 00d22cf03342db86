"""helpers.diagrams.pipes: chapter 5's diagrams draw what their alt text says."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from helpers.diagrams.pipes import pipe_diagram, timeline_diagram


def test_pipe_diagram_shows_two_processes_and_two_ends() -> None:
    diagram = pipe_diagram()
    assert isinstance(diagram.figure, Figure)
    assert diagram._repr_png_().startswith(b"\x89PNG")
    assert repr(diagram) == "Diagram: sender and receiver, one pipe, messages hello, hey, hru?, END"
    texts = [t.get_text() for t in diagram.figure.axes[0].texts]
    for expected in ("sender process", "receiver process", "sending_end", "receiving_end"):
        assert expected in texts
    assert "END  hru?  hey  hello" in texts


def test_timeline_diagram_draws_an_arrow_per_message() -> None:
    times = {"ping": [0.0, 4e-5, 5e-5, 9e-5], "pong": [2e-5, 2.5e-5, 7e-5, 7.5e-5]}
    diagram = timeline_diagram(times)
    assert diagram._repr_png_().startswith(b"\x89PNG")
    assert repr(diagram).startswith("Timeline of one ping-pong exchange: 2 rounds")
    ax = diagram.figure.axes[0]
    assert len([t for t in ax.texts if t.get_text() == ""]) == 4  # the arrows
    labels = {t.get_text() for t in ax.texts}
    assert {"ping 1", "ping 2", "pong 1", "pong 2"} <= labels


@pytest.mark.parametrize(
    "times",
    [{"ping": [0.0, 1.0], "pong": [0.5]}, {"ping": [], "pong": []}, {"ping": [0.0], "pong": [1.0]}],
)
def test_timeline_diagram_needs_two_times_per_round_each(times: dict) -> None:
    with pytest.raises(ValueError, match="need two ping and two pong times per round"):
        timeline_diagram(times)
