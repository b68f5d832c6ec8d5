"""The Celery app (``celery -A builder worker``): configured from Django settings."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builder.settings")

app = Celery("builder")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["builder"])

# With `celery worker -B` (or a separate `celery beat`), stale runs are swept regularly.
app.conf.beat_schedule = {
    "sweep-stale-runs": {"task": "builder.sweep_runs", "schedule": 15.0},
}
