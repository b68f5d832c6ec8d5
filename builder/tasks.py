"""Celery tasks: take ids, call the execution package; safe to deliver twice."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from builder.celery import app
from builder.execution.dispatch import runs_resume_stale
from builder.execution.driver import execute_run as execute
from builder.execution.webhooks import webhook_deliver
from builder.models import Run, RunStatus


@app.task(
    bind=True,
    name="builder.execute_run",
    acks_late=True,  # acknowledged after the run: a crash mid-run leaves it on the queue
    reject_on_worker_lost=True,  # a killed worker process requeues instead of failing
    ignore_result=True,
    max_retries=None,
)
def execute_run(self: Any, run_id: str) -> None:
    """Execute a run. Idempotent: a finished run is left alone, and a run whose worker
    died is taken over and resumes from its last checkpoint.

    A redelivered task usually arrives while the dead worker's heartbeat still looks
    fresh; it then retries once the heartbeat would be stale, instead of giving up and
    leaving the run to the sweeper.
    """
    if execute(run_id) is not None:
        return
    status = Run.objects.filter(pk=run_id).values_list("status", flat=True).first()
    if status == RunStatus.RUNNING:
        raise self.retry(countdown=float(settings.BUILDER["HEARTBEAT_STALE_SECONDS"]) + 1)


@app.task(name="builder.sweep_runs", ignore_result=True)
def sweep_runs() -> int:
    """Re-dispatch runs whose heartbeat stopped or that were never picked up."""
    return len(runs_resume_stale())


@app.task(name="builder.deliver_webhook", ignore_result=True)
def deliver_webhook(url: str, payload: dict) -> bool:
    """POST a finished run's payload to its webhook (retries bounded inside)."""
    return webhook_deliver(url, payload)


@app.task(name="builder.fire_cron", ignore_result=True)
def fire_cron(cron_id: str) -> str | None:
    """Start a cron's run (celery beat sends this on the cron's schedule)."""
    from builder.services.crons import cron_fire

    run = cron_fire(cron_id)
    return str(run.pk) if run is not None else None
