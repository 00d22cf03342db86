"""helpers.diagrams.managers: chapter 3's diagram draws what its alt text says."""

from __future__ import annotations

from matplotlib.figure import Figure

from helpers.diagrams.managers import managers_diagram


def test_managers_diagram_shows_server_and_proxies() -> None:
    diagram = managers_diagram()
    assert isinstance(diagram.figure, Figure)
    assert diagram._repr_png_().startswith(b"\x89PNG")
    texts = [t.get_text() for t in diagram.figure.axes[0].texts]
    assert "manager's server process" in texts
    assert "records = [('Asha', 10), ('Ben', 9), ('Chen', 9), ('Dana', 8)]" in texts
    assert texts.count("records: ListProxy") == 3
    for process in ("the notebook (kernel)", "adder process", "printer process"):
        assert process in texts
    for message in ("len(records)", "records.append(...)", "records[i]"):
        assert message in texts


def test_managers_diagram_description_names_the_records() -> None:
    assert repr(managers_diagram("[1]")) == (
        "Diagram: a server process holds records = [1]; "
        "the notebook, the adder and the printer each hold a ListProxy"
    )
