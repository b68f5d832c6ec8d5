"""Crons: create, update, delete, and fire (start the scheduled run).

Two schedulers fire crons, never both in one deployment:
- with Celery, each cron has a django-celery-beat ``PeriodicTask`` (same crontab and
  zone) that ``celery beat`` turns into a ``builder.fire_cron`` task in a worker;
- the embedded default (inline executor) has no beat: the web process calls
  ``crons_fire_due`` every ``CRON_TICK_SECONDS`` (see ``builder.cron_ticker``).

Both end in ``cron_fire``, which locks the cron row, so a cron fires once per due time
even with several web processes ticking.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.utils import timezone

from builder.models import (
    ACTIVE_RUN_STATUSES,
    Assistant,
    Cron,
    MultitaskStrategy,
    Run,
    Thread,
    Workspace,
)
from builder.services.errors import InvalidInput, ServiceError

logger = logging.getLogger(__name__)

CRON_TASK = "builder.fire_cron"
# Payload fields a firing hands to run_start (the rest of the run body is refused at
# creation by the API).
RUN_FIELDS = (
    "input",
    "config",
    "context",
    "metadata",
    "stream_mode",
    "interrupt_before",
    "interrupt_after",
    "webhook",
    "durability",
    "multitask_strategy",
)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"timezone: unknown IANA time zone {name!r}") from None


def next_run_date(schedule: str, zone: str, after: dt.datetime) -> dt.datetime:
    """The first time strictly after ``after`` that the 5-field cron ``schedule`` (read
    in ``zone``, UTC when empty) matches, as an aware UTC datetime."""
    from celery.schedules import crontab

    fields = schedule.split()
    if len(fields) != 5:
        raise InvalidInput(
            f"schedule: {schedule!r} is not a cron expression of 5 fields "
            "(minute hour day-of-month month day-of-week)"
        )
    tz = _zone(zone)
    local = after.astimezone(tz)
    minute, hour, day_of_month, month, day_of_week = fields
    try:
        rule = crontab(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month,
            day_of_week=day_of_week,
            nowfun=lambda: local,
        )
        rule.tz = tz
        return (local + rule.remaining_estimate(local)).astimezone(dt.UTC)
    except ValueError as exc:
        raise InvalidInput(
            f"schedule: {schedule!r} is not a valid cron expression: {exc}"
        ) from None


def cron_create(
    *,
    workspace: Workspace,
    assistant: Assistant,
    thread: Thread | None,
    schedule: str,
    payload: dict[str, Any],
    zone: str = "",
    end_time: dt.datetime | None = None,
    enabled: bool = True,
    on_run_completed: str = "",
    user: Any = None,
    now: dt.datetime | None = None,
) -> Cron:
    """A cron for ``thread`` (each firing runs on it) or stateless (a new thread each
    time; ``on_run_completed="delete"`` removes it once the run is over)."""
    now = now or timezone.now()
    cron = Cron(
        workspace=workspace,
        assistant=assistant,
        thread=thread,
        schedule=schedule.strip(),
        timezone=zone or "",
        payload=payload,
        metadata=payload.get("metadata") or {},
        end_time=end_time,
        enabled=enabled,
        on_run_completed="" if thread is not None else (on_run_completed or "delete"),
        user=user if getattr(user, "is_authenticated", False) else None,
    )
    cron.next_run_date = next_run_date(cron.schedule, cron.timezone, now)
    with transaction.atomic():
        cron.save()
        _beat_sync(cron)
    return cron


def cron_update(*, cron: Cron, changes: dict[str, Any], now: dt.datetime | None = None) -> Cron:
    """Apply ``changes``: ``schedule``, ``timezone``, ``end_time`` (None clears it),
    ``enabled``, ``on_run_completed`` and run-payload fields (merged into the payload)."""
    now = now or timezone.now()
    if "schedule" in changes:
        cron.schedule = str(changes["schedule"]).strip()
    if "timezone" in changes:
        cron.timezone = changes["timezone"] or ""
    if "end_time" in changes:
        cron.end_time = changes["end_time"]
    if "enabled" in changes and changes["enabled"] is not None:
        cron.enabled = bool(changes["enabled"])
    if changes.get("on_run_completed"):
        if cron.thread_id is not None:
            raise InvalidInput("on_run_completed: only a stateless cron (no thread) has it")
        cron.on_run_completed = changes["on_run_completed"]
    run_changes = {k: v for k, v in changes.items() if k in RUN_FIELDS or k in PASSED_FIELDS}
    cron.payload = {**(cron.payload or {}), **run_changes}
    if "metadata" in changes:
        cron.metadata = changes["metadata"] or {}
    cron.next_run_date = next_run_date(cron.schedule, cron.timezone, now)
    with transaction.atomic():
        cron.save()
        _beat_sync(cron)
    return cron


# Accepted run-body fields that need no action at a firing (their only meaning is the
# behaviour the run has anyway); kept in the payload so the cron reads back as created.
PASSED_FIELDS = ("checkpoint_during", "stream_subgraphs", "stream_resumable")


def cron_delete(*, cron: Cron) -> None:
    with transaction.atomic():
        if cron.periodic_task is not None:
            cron.periodic_task.delete()
        cron.delete()


def _beat_sync(cron: Cron) -> None:
    """Mirror the cron into django-celery-beat: one PeriodicTask with the cron's crontab
    and zone, enabled like the cron, expiring at its end_time."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    minute, hour, day_of_month, month, day_of_week = cron.schedule.split()
    fields = {
        "minute": minute,
        "hour": hour,
        "day_of_month": day_of_month,
        "month_of_year": month,
        "day_of_week": day_of_week,
        "timezone": cron.timezone or "UTC",
    }
    crontab = CrontabSchedule.objects.filter(**fields).first()
    if crontab is None:
        crontab = CrontabSchedule.objects.create(**fields)
    task = cron.periodic_task or PeriodicTask(name=f"cron {cron.pk}")
    task.task = CRON_TASK
    task.crontab = crontab
    task.args = json.dumps([str(cron.pk)])
    task.enabled = cron.enabled
    task.expires = cron.end_time
    task.save()
    if cron.periodic_task_id != task.pk:
        cron.periodic_task = task
        cron.save(update_fields=["periodic_task"])


def cron_fire(
    cron_id: Any, *, now: dt.datetime | None = None, due_only: bool = False
) -> Run | None:
    """Start the cron's run now and move ``next_run_date`` on. With ``due_only`` (the
    ticker), only when ``next_run_date`` has come. None when nothing was started: the
    cron is gone, disabled, past its end_time (it is then disabled), or the run was
    refused (logged; the cron still moves on)."""
    from django_celery_beat.models import PeriodicTask

    now = now or timezone.now()
    with transaction.atomic():
        cron = (
            Cron.objects.select_for_update(of=("self",))
            .select_related("assistant", "thread", "workspace", "user")
            .filter(pk=cron_id)
            .first()
        )
        if cron is None:
            # Its thread or assistant was deleted (cascading past _beat_sync).
            PeriodicTask.objects.filter(name=f"cron {cron_id}").delete()
            return None
        if not cron.enabled or (due_only and not _due(cron, now)):
            return None
        if cron.end_time is not None and cron.end_time <= now:
            cron.enabled = False
            cron.next_run_date = None
            cron.save(update_fields=["enabled", "next_run_date", "updated_at"])
            _beat_sync(cron)
            return None
        cron.next_run_date = next_run_date(cron.schedule, cron.timezone, now)
        cron.save(update_fields=["next_run_date", "updated_at"])
        crons_prune_threads(cron_ids=[cron.pk])
        try:
            with transaction.atomic():
                return _start(cron)
        except ServiceError as exc:
            logger.warning("cron %s: run not started: %s", cron.pk, exc)
            return None


def _due(cron: Cron, now: dt.datetime) -> bool:
    return cron.next_run_date is not None and cron.next_run_date <= now


def _start(cron: Cron) -> Run:
    from builder.execution.driver import merge_config
    from builder.services.api_threads import thread_bind_assistant
    from builder.services.runs import run_start
    from builder.services.threads import thread_create

    payload = cron.payload or {}
    thread = cron.thread or thread_create(
        workspace=cron.workspace,
        user=cron.user,
        assistant=cron.assistant,
        metadata={"cron_id": str(cron.pk)},
    )
    # As a run started through the API: the thread now runs (and reads) the cron's graph.
    thread_bind_assistant(thread=thread, assistant=cron.assistant)
    default_strategy = MultitaskStrategy.ENQUEUE if cron.thread_id else MultitaskStrategy.REJECT
    return run_start(
        thread=thread,
        assistant=cron.assistant,
        input=payload.get("input"),
        stream_mode=payload.get("stream_mode") or ["values"],
        config=merge_config(cron.assistant.config or {}, payload.get("config") or {}),
        metadata={**(cron.metadata or {}), "cron_id": str(cron.pk)},
        multitask_strategy=payload.get("multitask_strategy") or default_strategy,
        interrupt_before=payload.get("interrupt_before"),
        interrupt_after=payload.get("interrupt_after"),
        context=payload.get("context"),
        webhook=payload.get("webhook") or "",
        user=cron.user,
        durability=payload.get("durability") or "async",
    )


def crons_prune_threads(*, cron_ids: list[Any] | None = None) -> int:
    """Delete the threads of ``on_run_completed="delete"`` crons whose runs are over."""
    from builder.services.threads import thread_delete

    crons = Cron.objects.filter(on_run_completed="delete")
    if cron_ids is not None:
        crons = crons.filter(pk__in=cron_ids)
    ids = [str(pk) for pk in crons.values_list("pk", flat=True)]
    if not ids:
        return 0
    done = Thread.objects.filter(metadata__cron_id__in=ids).exclude(
        runs__status__in=ACTIVE_RUN_STATUSES
    )
    count = 0
    for thread in done:
        thread_delete(thread=thread)
        count += 1
    return count


def crons_fire_due(*, now: dt.datetime | None = None) -> list[Run]:
    """Fire every enabled cron whose ``next_run_date`` has come (the embedded default's
    scheduler; Celery deployments use beat), then prune finished threads."""
    now = now or timezone.now()
    due = Cron.objects.filter(enabled=True, next_run_date__lte=now).values_list("pk", flat=True)
    runs = [run for pk in list(due) if (run := cron_fire(pk, now=now, due_only=True))]
    crons_prune_threads()
    return runs
