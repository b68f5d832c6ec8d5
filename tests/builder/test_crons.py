"""Crons: schedules, their django-celery-beat mirror, and firing with an injected clock
(the inline ticker's path; the Celery path is in test_celery)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django_celery_beat.models import PeriodicTask

from builder import models as m
from builder.services.api_assistants import assistant_default
from builder.services.crons import (
    cron_create,
    cron_delete,
    cron_update,
    crons_fire_due,
    next_run_date,
)
from builder.services.errors import InvalidInput
from builder.services.threads import thread_create
from tests.builder.conftest import code_graph

pytestmark = pytest.mark.django_db(transaction=True)

NOON = dt.datetime(2026, 3, 2, 12, 0, 30, tzinfo=dt.UTC)  # a Monday


def test_next_run_date_reads_the_schedule_in_its_zone():
    assert next_run_date("*/5 * * * *", "", NOON) == NOON.replace(minute=5, second=0)
    assert next_run_date("0 9 * * 1", "", NOON) == dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC)
    # 09:00 in Paris (UTC+1 in March before the switch) is 08:00 UTC.
    paris = next_run_date("0 9 * * *", "Europe/Paris", NOON)
    assert paris == dt.datetime(2026, 3, 3, 8, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("schedule", "zone", "message"),
    [
        ("every day", "", "5 fields"),
        ("61 * * * *", "", "not a valid cron expression"),
        ("* * * * *", "Mars/Olympus", "unknown IANA time zone"),
    ],
)
def test_bad_schedules_are_refused_saying_why(schedule, zone, message):
    with pytest.raises(InvalidInput, match=message):
        next_run_date(schedule, zone, NOON)


@pytest.fixture
def assistant(builder_settings, workspace):
    return assistant_default(graph=code_graph(workspace, "counter"))


def test_a_cron_is_mirrored_into_celery_beat(assistant, workspace, user):
    end = NOON + dt.timedelta(days=7)
    cron = cron_create(
        workspace=workspace,
        assistant=assistant,
        thread=None,
        schedule="15 8 * * 1-5",
        zone="Europe/Paris",
        payload={"input": {"go": True}},
        end_time=end,
        user=user,
        now=NOON,
    )
    task = PeriodicTask.objects.get(pk=cron.periodic_task_id)
    assert task.task == "builder.fire_cron" and json.loads(task.args) == [str(cron.pk)]
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("15", "8", "1-5")
    assert str(task.crontab.timezone) == "Europe/Paris"
    assert task.enabled and task.expires == end
    assert cron.on_run_completed == "delete"  # LangGraph's default for stateless crons

    cron_update(cron=cron, changes={"schedule": "0 7 * * *", "enabled": False}, now=NOON)
    task.refresh_from_db()
    assert (task.crontab.minute, task.crontab.hour, task.enabled) == ("0", "7", False)

    cron_delete(cron=cron)
    assert not PeriodicTask.objects.filter(pk=task.pk).exists()


def test_a_thread_cron_fires_when_due_once_and_moves_on(assistant, workspace, user):
    thread = thread_create(workspace=workspace, assistant=assistant)
    cron = cron_create(
        workspace=workspace,
        assistant=assistant,
        thread=thread,
        schedule="*/10 * * * *",
        payload={"input": {"go": True}, "metadata": {"from": "cron"}, "durability": "sync"},
        user=user,
        now=NOON,
    )
    assert cron.next_run_date == NOON.replace(minute=10, second=0)
    assert crons_fire_due(now=NOON) == []  # not due yet

    due = cron.next_run_date
    (run,) = crons_fire_due(now=due)
    run.refresh_from_db()
    assert run.thread_id == thread.pk and run.status == m.RunStatus.SUCCESS
    assert run.metadata == {"from": "cron", "cron_id": str(cron.pk)}
    assert run.durability == "sync"  # the cron's run option reaches its runs
    assert m.Thread.objects.get(pk=thread.pk).values == {"count": 3}
    cron.refresh_from_db()
    assert cron.next_run_date == due + dt.timedelta(minutes=10)
    assert crons_fire_due(now=due) == []  # the same due time fires once


def test_stateless_crons_keep_or_delete_their_threads(assistant, workspace, user):
    def fire(on_run_completed: str) -> m.Run:
        cron = cron_create(
            workspace=workspace,
            assistant=assistant,
            thread=None,
            schedule="0 * * * *",
            payload={"input": {"go": True}},
            on_run_completed=on_run_completed,
            user=user,
            now=NOON,
        )
        (run,) = crons_fire_due(now=cron.next_run_date)
        cron_delete(cron=cron)
        return run

    kept = fire("keep")
    assert m.Run.objects.get(pk=kept.pk).status == m.RunStatus.SUCCESS
    assert m.Thread.objects.get(pk=kept.thread_id).metadata["cron_id"]
    deleted = fire("delete")
    # The run finished (the sync executor runs it at commit), so its thread is gone.
    assert not m.Thread.objects.filter(pk=deleted.thread_id).exists()


def test_a_cron_past_its_end_time_stops(assistant, workspace, user):
    cron = cron_create(
        workspace=workspace,
        assistant=assistant,
        thread=None,
        schedule="* * * * *",
        payload={},
        end_time=NOON + dt.timedelta(seconds=10),
        user=user,
        now=NOON,
    )
    assert crons_fire_due(now=NOON + dt.timedelta(minutes=1)) == []
    cron.refresh_from_db()
    assert not cron.enabled and cron.next_run_date is None
    assert not PeriodicTask.objects.get(pk=cron.periodic_task_id).enabled
