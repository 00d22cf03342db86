"""Where a page's numbers came from: the machine, Python and start method of the run.

Every chapter prints this at the top, so a reader knows that the outputs (and
any timings) are the build machine's, not theirs.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import platform

__all__ = ["describe_run"]


def describe_run() -> None:
    """Print the date, OS, CPU count, Python version and default start method of this run."""
    today = datetime.date.today().isoformat()
    print(
        f"Outputs below were produced on {today} by Python {platform.python_version()} "
        f"on {platform.system()} {platform.machine()} with {os.cpu_count()} CPUs; "
        f"default start method: {multiprocessing.get_start_method()}."
    )
