"""A private PostgreSQL server for fault tests: started in a temporary folder on a free
port, so a test can stop it and start it again without touching the shared server."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ports import free_port

PG_BIN = Path(os.environ.get("PG_BIN") or "/usr/lib/postgresql/15/bin")


class PrivatePostgres:
    """``initdb`` into a temporary folder, then ``start``/``stop`` at will; ``url`` names its
    ``postgres`` database. As root, the server runs as the ``postgres`` user (initdb
    refuses root)."""

    def __init__(self) -> None:
        if not (PG_BIN / "pg_ctl").exists():
            pytest.fail(f"no PostgreSQL server binaries in {PG_BIN} (set PG_BIN)")
        self.folder = Path(tempfile.mkdtemp(prefix="switchyard-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(PG_BIN / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        # "fast": open connections are cut, as when the database host goes away.
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def private_postgres() -> Iterator[PrivatePostgres]:
    """Fixture body: a started private server, removed afterwards."""
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()
