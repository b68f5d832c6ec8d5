"""The login rate limit holds across web processes without Redis: failures are counted
in the database, atomically, so two processes sharing one database share one quota."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from builder import ratelimit

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def clean_counters(settings):
    # As a deployment without Redis has it, whatever this test run uses (the processes
    # started here run without REDIS_URL).
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "builder_ratelimit_cache",
        },
    }
    call_command("createcachetable", verbosity=0)  # absent when this run uses Redis
    ratelimit.counter_cache().clear()
    yield
    ratelimit.counter_cache().clear()


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"  # the test database is a file (builder.settings)


def _in_process(code: str, **env: str) -> subprocess.Popen[str]:
    """A separate Python process on the test database, without Redis (a web process of
    a deployment that has none)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    full_env.update(DATABASE_URL=_database_url(), PYTHONPATH=str(ROOT), **env)
    script = "import django; django.setup()\n" + textwrap.dedent(code)
    return subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**full_env, "DJANGO_SETTINGS_MODULE": "builder.settings"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _output(proc: subprocess.Popen[str]) -> list[int]:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


LOGIN = """
import json
from django.test import Client
codes = [
    Client().post("/login/", {{"username": "owner", "password": "{password}"}},
                  REMOTE_ADDR="10.0.0.9").status_code
    for _ in range({times})
]
print(json.dumps(codes))
"""


@pytest.mark.slow
def test_two_web_processes_share_one_quota(django_user_model):
    django_user_model.objects.create_user("owner", password="pw")
    # Process A fails three times; process B's second failure is the fifth: locked, and
    # then even the right password is refused there, as it is in this (third) process.
    assert _output(_in_process(LOGIN.format(password="wrong", times=3))) == [200, 200, 200]
    assert _output(_in_process(LOGIN.format(password="wrong", times=2))) == [200, 429]
    assert _output(_in_process(LOGIN.format(password="pw", times=1))) == [429]
    assert ratelimit.seconds_locked("owner", "10.0.0.9") > 0
    assert ratelimit.seconds_locked("owner", "10.0.0.10") == 0


RECORD = """
import json, time
from builder import ratelimit
while time.time() < {start}:
    time.sleep(0.001)
for _ in range({times}):
    ratelimit.record_failure("owner", "10.0.0.9")
print(json.dumps([]))
"""


@pytest.mark.slow
def test_failures_recorded_at_once_by_two_processes_are_all_counted(settings):
    # An incr() on the database cache reads then writes: two processes interleaving
    # would lose failures. Every one of these must count, and not one more.
    limit = 24
    settings.BUILDER = {**settings.BUILDER, "LOGIN_MAX_FAILURES": limit}
    start = time.time() + 2.5  # both processes are up by then and start together
    code = RECORD.format(start=start, times=limit // 2 - 1)
    procs = [_in_process(code, LOGIN_MAX_FAILURES=str(limit)) for _ in range(2)]
    for proc in procs:
        _output(proc)
    slots = ratelimit._slots("owner", "10.0.0.9", limit)
    assert len(ratelimit.counter_cache().get_many(slots)) == limit - 2
    assert ratelimit.seconds_locked("owner", "10.0.0.9") == 0
    ratelimit.record_failure("owner", "10.0.0.9")
    ratelimit.record_failure("owner", "10.0.0.9")
    assert 0 < ratelimit.seconds_locked("owner", "10.0.0.9") <= 15 * 60


def test_the_counter_cache_is_the_database_without_redis_and_redis_with_it():
    from tests.builder.test_settings import _settings_in_subprocess

    expr = "s.CACHES['ratelimit']['BACKEND']"
    assert _settings_in_subprocess({}, expr).endswith("db.DatabaseCache")
    assert _settings_in_subprocess({"REDIS_URL": "redis://127.0.0.1:6379/0"}, expr).endswith(
        "redis.RedisCache"
    )


def test_the_window_is_not_extended_by_later_failures(settings):
    settings.BUILDER = {**settings.BUILDER, "LOGIN_MAX_FAILURES": 2, "LOGIN_WINDOW_SECONDS": 3}
    ratelimit.record_failure("owner", "10.0.0.9")
    time.sleep(1.2)
    ratelimit.record_failure("owner", "10.0.0.9")
    assert 1 <= ratelimit.seconds_locked("owner", "10.0.0.9") <= 2
    time.sleep(2.2)
    assert ratelimit.seconds_locked("owner", "10.0.0.9") == 0
    ratelimit.record_failure("owner", "10.0.0.9")  # a new window, with one failure in it
    assert ratelimit.seconds_locked("owner", "10.0.0.9") == 0
