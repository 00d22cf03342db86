"""Controls that rerun an example: live in Jupyter, precomputed in the HTML book.

Every chapter uses :func:`explore` for its widget. ``explore(f, size=range(1, 11))``
shows a control for ``size`` and, under it, what ``f(size=...)`` printed
(and any figure it drew). Its output carries two views of the same thing:

* in a live kernel (JupyterLab), ordinary ipywidgets: moving the control
  calls ``f`` again and replaces the output;
* in the HTML book, where there is no kernel, plain HTML: ``f`` has already
  been called for every combination of values while the page was executed,
  and a few lines of JavaScript show the result for the values picked.

So the HTML never shows a control whose output is stale. Where precomputing
is not possible (a long measurement), ``explore(..., precompute=False)``
shows the default result with the control visibly disabled, and says how to
run the page live.
"""

from __future__ import annotations

import base64
import contextlib
import html
import inspect
import io
import itertools
import json
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["Explorer", "explore"]

# Marks the HTML view, so the browser tests can find every explorer on a page.
HTML_CLASS = "course-explore"

_explorer_count = itertools.count(1)


def _capture(function: Callable[..., object], kwargs: dict[str, Any]) -> list[dict[str, Any]]:
    """Call ``function(**kwargs)``; return what it printed and drew, as notebook outputs."""
    import matplotlib.pyplot as plt

    stdout, stderr = io.StringIO(), io.StringIO()
    figures_before = set(plt.get_fignums())
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        function(**kwargs)
    outputs: list[dict[str, Any]] = []
    for name, stream in (("stdout", stdout), ("stderr", stderr)):
        if stream.getvalue():
            outputs.append({"output_type": "stream", "name": name, "text": stream.getvalue()})
    for number in sorted(set(plt.get_fignums()) - figures_before):
        figure = plt.figure(number)
        png = io.BytesIO()
        figure.savefig(png, format="png", bbox_inches="tight")
        plt.close(figure)
        outputs.append(
            {
                "output_type": "display_data",
                "data": {
                    "image/png": base64.b64encode(png.getvalue()).decode("ascii"),
                    "text/plain": "<Figure>",
                },
                "metadata": {},
            }
        )
    return outputs


def _outputs_to_html(outputs: list[dict[str, Any]]) -> str:
    parts = []
    for output in outputs:
        if output["output_type"] == "stream":
            parts.append(
                f'<pre class="{HTML_CLASS}-{output["name"]}">{html.escape(output["text"])}</pre>'
            )
        else:
            parts.append(
                f'<img alt="figure drawn by the example" '
                f'src="data:image/png;base64,{output["data"]["image/png"]}">'
            )
    return "".join(parts)


def _check_choices(function: Callable[..., object], choices: dict[str, Sequence[Any]]) -> dict:
    if not callable(function):
        raise TypeError(f"'function' must be callable, not {type(function).__name__}")
    if not choices:
        raise ValueError("explore() needs at least one choice, e.g. size=range(1, 11)")
    parameters = inspect.signature(function).parameters
    defaults = {}
    for name, values in choices.items():
        if name not in parameters:
            raise ValueError(f"{function.__name__}() has no parameter {name!r}")
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise TypeError(f"the choices for {name!r} must be a non-empty list or range")
        default = parameters[name].default
        if default is inspect.Parameter.empty or default not in values:
            raise ValueError(
                f"the default of {name!r} ({default!r}) must be one of its choices {list(values)}"
            )
        defaults[name] = default
    return defaults


class Explorer:
    """The control(s) and output of one :func:`explore` call."""

    def __init__(
        self,
        function: Callable[..., object],
        choices: dict[str, Sequence[Any]],
        *,
        precompute: bool = True,
    ) -> None:
        self.defaults = _check_choices(function, choices)
        self.function = function
        self.choices = {name: list(values) for name, values in choices.items()}
        self.precompute = precompute
        self.number = next(_explorer_count)
        combinations = (
            itertools.product(*self.choices.values()) if precompute else [self.defaults.values()]
        )
        self.results = {
            tuple(values): _capture(function, dict(zip(self.choices, values, strict=True)))
            for values in combinations
        }

    # The live view -------------------------------------------------------

    def widget(self) -> Any:
        """Ordinary ipywidgets: one control per choice, and an output that reruns ``function``."""
        import ipywidgets as widgets

        controls = {}
        for name, values in self.choices.items():
            if all(isinstance(v, str) for v in values):
                control = widgets.ToggleButtons(options=values, value=self.defaults[name])
            else:
                control = widgets.SelectionSlider(options=values, value=self.defaults[name])
            control.description = name
            controls[name] = control
        output = widgets.Output()
        output.outputs = tuple(self.results[tuple(self.defaults.values())])

        def rerun(_change: object = None) -> None:
            kwargs = {name: control.value for name, control in controls.items()}
            output.outputs = tuple(_capture(self.function, kwargs))

        for control in controls.values():
            control.observe(rerun, names="value")
        return widgets.VBox([*controls.values(), output])

    # The static view -----------------------------------------------------

    def _control_html(self, index: int, name: str, values: list[Any]) -> str:
        default = values.index(self.defaults[name])
        disabled = "" if self.precompute else " disabled"
        labels = html.escape(json.dumps([str(v) for v in values]))
        if all(isinstance(v, str) for v in values):
            options = "".join(
                f'<option value="{i}"{" selected" if i == default else ""}>'
                f"{html.escape(v)}</option>"
                for i, v in enumerate(values)
            )
            control = f'<select data-param="{index}"{disabled}>{options}</select>'
        else:
            control = (
                f'<input type="range" data-param="{index}" min="0" max="{len(values) - 1}" '
                f'step="1" value="{default}" data-labels="{labels}"{disabled}>'
                f'<output style="margin-left: 0.5em">{html.escape(str(values[default]))}</output>'
            )
        return f'<label style="margin-right: 2em">{html.escape(name)} {control}</label>'

    def html(self) -> str:
        """The view for a page with no kernel: every precomputed result, one shown at a time."""
        element_id = f"{HTML_CLASS}-{self.number}"
        function = f"{self.function.__module__}.{self.function.__qualname__}"
        controls = "".join(
            self._control_html(i, name, values)
            for i, (name, values) in enumerate(self.choices.items())
        )
        default_key = tuple(self.defaults.values())
        blocks = []
        for values, outputs in self.results.items():
            key = "|".join(
                str(self.choices[n].index(v)) for n, v in zip(self.choices, values, strict=True)
            )
            args = html.escape(json.dumps(dict(zip(self.choices, values, strict=True))))
            hidden = "" if values == default_key else " hidden"
            blocks.append(
                f'<div class="{HTML_CLASS}-result" data-key="{key}" data-args="{args}"{hidden}>'
                f"{_outputs_to_html(outputs)}</div>"
            )
        note = ""
        if not self.precompute:
            note = (
                f'<p class="{HTML_CLASS}-note">This control needs a live kernel: open the '
                "notebook in JupyterLab (see the README) to change it. Shown: the result for "
                + ", ".join(f"{n} = {v!r}" for n, v in self.defaults.items())
                + ".</p>"
            )
        return (
            f'<div class="{HTML_CLASS}" id="{element_id}" data-function="{function}">'
            f"<form>{controls}</form>{note}{''.join(blocks)}</div>"
            f"<script>{_SWITCH_JS % json.dumps(element_id)}</script>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = dict(self.widget()._repr_mimebundle_())
        bundle["text/html"] = self.html()
        computed = len(self.results) if self.precompute else 0
        bundle["text/plain"] = (
            f"explore({self.function.__name__}): "
            + ", ".join(f"{n} in {v}" for n, v in self.choices.items())
            + f"; {computed} results precomputed for the HTML view"
        )
        return bundle


# Shows the result block whose key matches the controls; runs once per explorer.
_SWITCH_JS = """(function () {
  const root = document.getElementById(%s);
  const controls = Array.from(root.querySelectorAll("[data-param]"));
  function show() {
    const key = controls.map((c) => c.value).join("|");
    for (const block of root.querySelectorAll("[data-key]")) {
      block.hidden = block.dataset.key !== key;
    }
    for (const c of controls) {
      const labels = c.dataset.labels && JSON.parse(c.dataset.labels);
      if (labels) c.nextElementSibling.textContent = labels[c.value];
    }
  }
  for (const c of controls) c.addEventListener("input", show);
})();"""


def explore(
    function: Callable[..., object], /, *, precompute: bool = True, **choices: Sequence[Any]
) -> Explorer:
    """Show a control per keyword (its choices) that reruns ``function`` with the value picked.

    Each choice's default is ``function``'s own default for that parameter.
    Example: ``explore(compare_views, size=range(1, 11), method=["fork", "spawn"])``.
    """
    return Explorer(function, choices, precompute=precompute)
