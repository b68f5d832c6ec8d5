"""Settings come from the environment in one place; production mode passes check --deploy."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings_in_subprocess(env: dict[str, str], expr: str) -> str:
    """Evaluate ``expr`` against freshly imported settings under ``env``."""
    full_env = {k: v for k, v in os.environ.items() if k not in env}
    for key in ("REDIS_URL", "CELERY_BROKER_URL", "RUN_EXECUTOR", "DEBUG"):
        full_env.pop(key, None)
    full_env.update(env)
    code = f"from builder import settings as s; print({expr})"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_channel_layer_is_in_memory_without_redis_and_redis_with_it():
    assert "InMemoryChannelLayer" in _settings_in_subprocess(
        {}, "s.CHANNEL_LAYERS['default']['BACKEND']"
    )
    assert "RedisChannelLayer" in _settings_in_subprocess(
        {"REDIS_URL": "redis://127.0.0.1:6379/0"}, "s.CHANNEL_LAYERS['default']['BACKEND']"
    )


def test_executor_defaults_to_inline_and_to_celery_when_a_broker_is_set():
    assert _settings_in_subprocess({}, "s.BUILDER['RUN_EXECUTOR']") == "inline"
    assert (
        _settings_in_subprocess(
            {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/1"}, "s.BUILDER['RUN_EXECUTOR']"
        )
        == "celery"
    )
    assert (
        _settings_in_subprocess(
            {"CELERY_BROKER_URL": "redis://x/1", "RUN_EXECUTOR": "inline"},
            "s.BUILDER['RUN_EXECUTOR']",
        )
        == "inline"
    )


def test_production_environment_passes_check_deploy():
    env = {k: v for k, v in os.environ.items()}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="switchyard.example.com",
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout, out.stdout + out.stderr


def test_importing_builder_does_not_load_celery():
    code = "import sys, builder; print('celery' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "False"
