"""helpers.widgets: the HTML view holds the real result of every value; the live view reruns."""

from __future__ import annotations

import html
import json
import re

import matplotlib.pyplot as plt
import pytest

from helpers.widgets import explore


def squares_of(size: int = 2, label: str = "a") -> None:
    print(label, [n * n for n in range(1, size + 1)])


def draws(size: int = 1) -> None:
    plt.figure()
    plt.plot(range(size))


def shown_blocks(page: str) -> dict[str, tuple[dict, bool, str]]:
    """key -> (arguments, hidden?, text) for each result block of an explorer's HTML."""
    blocks = {}
    pattern = r'data-key="([^"]+)" data-args="([^"]+)"( hidden)?>(.*?)</div>'
    for key, args, hidden, body in re.findall(pattern, page, re.DOTALL):
        text = html.unescape(re.sub(r"<[^>]+>", "", body))
        blocks[key] = (json.loads(html.unescape(args)), bool(hidden), text)
    return blocks


def test_every_combination_is_precomputed_and_only_the_default_shown() -> None:
    explorer = explore(squares_of, size=[1, 2, 3], label=["a", "b"])
    blocks = shown_blocks(explorer.html())
    assert len(blocks) == 6
    assert blocks["2|1"] == ({"size": 3, "label": "b"}, True, "b [1, 4, 9]\n")
    assert [k for k, (_, hidden, _) in blocks.items() if not hidden] == ["1|0"]
    assert blocks["1|0"][2] == "a [1, 4]\n"


def test_bundle_has_live_widget_html_and_summary() -> None:
    bundle = explore(squares_of, size=range(1, 4))._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert 'class="course-explore"' in bundle["text/html"]
    assert bundle["text/plain"] == (
        "explore(squares_of): size in [1, 2, 3]; 3 results precomputed for the HTML view"
    )


def test_live_widget_reruns_with_the_value_picked() -> None:
    box = explore(squares_of, size=[1, 2, 3]).widget()
    slider, output = box.children
    assert output.outputs[0]["text"] == "a [1, 4]\n"
    slider.value = 3
    assert output.outputs[0]["text"] == "a [1, 4, 9]\n"


def test_not_precomputed_is_visibly_disabled_with_a_note() -> None:
    page = explore(squares_of, precompute=False, size=[1, 2, 3]).html()
    assert "disabled" in page and "needs a live kernel" in page
    assert len(shown_blocks(page)) == 1


def test_figures_become_images_and_are_closed() -> None:
    before = plt.get_fignums()
    page = explore(draws, size=[1, 2]).html()
    assert page.count('src="data:image/png;base64,') == 2
    assert plt.get_fignums() == before


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: explore(squares_of), ValueError, "needs at least one choice"),
        (
            lambda: explore(squares_of, count=[1]),
            ValueError,
            "squares_of\\(\\) has no parameter 'count'",
        ),
        (
            lambda: explore(squares_of, size=[3, 4]),
            ValueError,
            "the default of 'size' \\(2\\) must be one of",
        ),
        (
            lambda: explore(squares_of, label="ab"),
            TypeError,
            "choices for 'label' must be a non-empty",
        ),
        (lambda: explore(42, size=[1]), TypeError, "'function' must be callable, not int"),
    ],
)
def test_bad_input_is_named(call, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()
