"""Run pytest with nbval, shutting each notebook's kernel down the way JupyterLab does.

nbval stops a kernel with ``shutdown_kernel(now=True)``, which kills the
kernel's whole process group at once, resource tracker included. Under spawn
and forkserver a Lock or Queue still referenced when the notebook ends has a
named semaphore that only the finalizer or the resource tracker unlinks, so
every test run would leave ``sem.mp-*`` entries in /dev/shm that no reader
ever gets (JupyterLab and the book's build ask the kernel to exit). This
asks too, and kills only a kernel that has not exited within a few seconds.

Usage: python tests/run_nbval.py [pytest arguments]
"""

from __future__ import annotations

import sys

import pytest


def _stop_gracefully(self) -> None:
    self.kc.stop_channels()
    self.km.shutdown_kernel(now=False)
    del self.km


class GracefulShutdown:
    """A pytest plugin: once nbval is loaded, its kernels stop as described above."""

    @staticmethod
    def pytest_configure(config: pytest.Config) -> None:
        from nbval.kernel import RunningKernel

        RunningKernel.stop = _stop_gracefully


if __name__ == "__main__":
    sys.exit(pytest.main(["--nbval", *sys.argv[1:]], plugins=[GracefulShutdown()]))
