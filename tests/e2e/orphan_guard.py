"""Run a Python module so that it dies with the process that started it.

    python -m tests.e2e.orphan_guard PARENT_PID MODULE [ARGS...]

A test process killed with SIGKILL runs no clean-up, so the daphne it started would keep
running (holding its port, its database and its log) until someone noticed. Here the
module runs in this same process (its pid is the one the parent knows) after:

- on Linux, ``prctl(PR_SET_PDEATHSIG, SIGKILL)``: the kernel kills this process the
  moment its parent dies. (Strictly, when the parent *thread* that started it exits, so
  start servers from a thread that lives as long as they should.)
- everywhere, a watchdog thread that kills the process once its parent pid changes
  (the parent died and the process was re-parented); the backstop where prctl is missing.

The parent pid is passed in rather than read here, so that a parent that died before the
guard was set up is noticed too (no death signal would ever come for it).
"""

from __future__ import annotations

import ctypes
import os
import runpy
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


def die_with(parent: int) -> None:
    """Make this process die when process ``parent`` does."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"prctl(PR_SET_PDEATHSIG) failed: {os.strerror(errno)}")
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="orphan-guard", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGKILL)


def main(argv: list[str]) -> None:
    if len(argv) < 2 or not argv[0].isdigit():
        sys.exit("usage: python -m tests.e2e.orphan_guard PARENT_PID MODULE [ARGS...]")
    die_with(int(argv[0]))
    sys.argv = [argv[1], *argv[2:]]
    runpy.run_module(argv[1], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
