"""helpers.diagrams.queues: the queue diagram and the timeline draw what they say."""

from __future__ import annotations

from matplotlib.figure import Figure

from helpers.diagrams.queues import queue_diagram, timeline_figure
from helpers.queues import Mark

# A made-up run: the parent starts at 10.0 s; one producer, two consumers.
MARKS = [
    Mark("parent", "start", 10.0),
    Mark("producer", "start", 10.002),
    Mark("producer", "put", 10.003, 1),
    Mark("producer", "put", 10.004, 4),
    Mark("producer", "end", 10.005),
    Mark("consumer 1", "start", 10.001),
    Mark("consumer 1", "get", 10.0035, 1),
    Mark("consumer 1", "end", 10.006),
    Mark("consumer 2", "start", 10.001),
    Mark("consumer 2", "get", 10.0045, 4),
    Mark("consumer 2", "end", 10.007),
]


def test_queue_diagram_shows_its_parts() -> None:
    diagram = queue_diagram()
    assert isinstance(diagram.figure, Figure)
    assert diagram._repr_png_().startswith(b"\x89PNG")
    assert repr(diagram).startswith("Diagram: producer put() -> buffer -> feeder thread")
    texts = " ".join(t.get_text() for t in diagram.figure.axes[0].texts)
    for part in ("producer process", "consumer process", "feeder", "pipe", "put(item)", "get("):
        assert part in texts


def test_timeline_has_a_lane_per_process_and_a_marker_per_event() -> None:
    diagram = timeline_figure(MARKS)
    assert repr(diagram) == "Timeline: 3 processes, 2 puts, 2 gets (one recorded run)"
    assert diagram._repr_png_().startswith(b"\x89PNG")
    ax = diagram.figure.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["producer", "consumer 1", "consumer 2"]
    assert len(ax.patches) == 3  # one bar per process
    bars = sorted((p.get_x(), p.get_width()) for p in ax.patches)
    assert bars[0][0] == 1.0 or abs(bars[0][0] - 1.0) < 1e-6  # consumers start at 1 ms
    assert sorted(a.get_text() for a in ax.texts) == ["1", "4"]  # items got, labelled
