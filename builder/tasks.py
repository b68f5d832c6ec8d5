"""Celery tasks: take ids, call services; safe to deliver twice."""

from __future__ import annotations

from builder.celery import app


@app.task(
    name="builder.execute_run",
    acks_late=True,  # acknowledged after the run: a crash mid-run leaves it on the queue
    reject_on_worker_lost=True,  # a killed worker process requeues instead of failing
    ignore_result=True,
)
def execute_run(run_id: str) -> None:
    """Execute a run. Idempotent: a finished or actively running run is left alone, a run
    whose worker died is taken over and resumes from its last checkpoint."""
    from builder.services.execution import execute_run as execute

    execute(run_id)


@app.task(name="builder.sweep_runs", ignore_result=True)
def sweep_runs() -> int:
    """Re-dispatch runs whose heartbeat stopped or that were never picked up."""
    from builder.services.runs import runs_resume_stale

    return len(runs_resume_stale())
