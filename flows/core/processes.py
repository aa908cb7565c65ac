"""Child processes that never outlive us: on Linux each child asks the kernel for SIGKILL when its parent
dies, so a `kill -9` of `cchc` leaves no ffmpeg or Prefect server behind."""

from __future__ import annotations

import ctypes
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """For Popen(preexec_fn=…): runs in the child between fork and exec."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


CHILD_OPTIONS: dict[str, object] = {"preexec_fn": die_with_parent} if sys.platform.startswith("linux") else {}
