"""Ports for the servers tests and benchmarks start (daphne, the mock backend)."""

from __future__ import annotations

import socket
import subprocess
import time


def free_port() -> int:
    """A port nothing listens on now (the OS's pick)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(
    port: int, process: subprocess.Popen, *, timeout: float = 30.0, log: str = ""
) -> None:
    """Return once ``port`` accepts connections; RuntimeError when ``process`` exits first
    or ``timeout`` passes (``log`` names where its output went)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(
                    f"the server on :{port} did not start" + (f"; see {log}" if log else "")
                ) from None
            time.sleep(0.2)
