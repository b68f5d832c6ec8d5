"""The official JS SDK over its whole surface (tests/clients/js/sdk.test.mjs, Node's test
runner) against a live daphne."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.clients.conftest import JS, node_or_skip

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_js_sdk_suite(client_server, owner_key):
    node = node_or_skip()
    env = {**os.environ, "SWITCHYARD_API": client_server.api, "SWITCHYARD_KEY": owner_key}
    done = subprocess.run(
        [
            node,
            "--test",
            "--test-reporter=spec",
            "--test-timeout=30000",
            "--test-force-exit",
            "sdk.test.mjs",
        ],
        cwd=JS,
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report + "\ndaphne:\n" + client_server.output()
    assert "ℹ fail 0" in report and "ℹ pass 0" not in report, report
