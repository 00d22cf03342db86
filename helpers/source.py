"""Show a helper's source on the page, so the reader reads the code that runs.

Workers live in ``helpers`` (a spawned child cannot import a function defined
in a notebook); :func:`show_source` puts their code back in front of the reader.
"""

from __future__ import annotations

import inspect

from IPython.display import Code

__all__ = ["show_source"]


def show_source(*objects: object) -> Code:
    """The source of each function, class or module given, highlighted as Python."""
    if not objects:
        raise TypeError("show_source() needs at least one function, class or module")
    return Code("\n\n".join(inspect.getsource(obj) for obj in objects), language="python")
