"""Threads, the runs on them, and the ordered event log every run writes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from builder.models.graphs import Assistant, Graph, GraphVersion
from builder.models.workspaces import Workspace


class ThreadStatus(models.TextChoices):
    IDLE = "idle"
    BUSY = "busy"
    INTERRUPTED = "interrupted"
    ERROR = "error"


class Thread(models.Model):
    """A conversation/workflow instance: its checkpoints live under ``thread_id``."""

    thread_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="threads")
    graph = models.ForeignKey(
        Graph, null=True, blank=True, on_delete=models.SET_NULL, related_name="threads"
    )
    assistant = models.ForeignKey(
        Assistant, null=True, blank=True, on_delete=models.SET_NULL, related_name="threads"
    )
    status = models.CharField(max_length=16, choices=ThreadStatus.choices, default="idle")
    metadata = models.JSONField(default=dict, blank=True)
    # The latest state's values, cached after each run for list pages; the checkpoints
    # remain the source of truth.
    values = models.JSONField(null=True, blank=True)
    interrupts = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The seq the next RunEvent of this thread gets (allocated with an F() update).
    next_event_seq = models.PositiveBigIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["workspace", "-updated_at"], name="thread_ws_updated"),
            models.Index(fields=["workspace", "status"], name="thread_ws_status"),
        ]

    def __str__(self) -> str:
        return str(self.thread_id)


class RunStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    SUCCESS = "success"
    ERROR = "error"
    INTERRUPTED = "interrupted"
    CANCELLED = "cancelled"
    TIMEOUT = "timeout"


ACTIVE_RUN_STATUSES = (RunStatus.PENDING, RunStatus.RUNNING)
FINISHED_RUN_STATUSES = (
    RunStatus.SUCCESS,
    RunStatus.ERROR,
    RunStatus.INTERRUPTED,
    RunStatus.CANCELLED,
    RunStatus.TIMEOUT,
)


class MultitaskStrategy(models.TextChoices):
    REJECT = "reject"
    ENQUEUE = "enqueue"
    INTERRUPT = "interrupt"
    ROLLBACK = "rollback"


DURABILITY_MODES = ("sync", "async", "exit")


class Run(models.Model):
    """One invocation of a graph on a thread."""

    run_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="runs")
    assistant = models.ForeignKey(
        Assistant, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    graph_version = models.ForeignKey(
        GraphVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    status = models.CharField(max_length=16, choices=RunStatus.choices, default="pending")
    input = models.JSONField(null=True, blank=True)
    command = models.JSONField(null=True, blank=True)
    stream_mode = models.JSONField(default=list, blank=True)
    config = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    multitask_strategy = models.CharField(
        max_length=16, choices=MultitaskStrategy.choices, default=MultitaskStrategy.REJECT
    )
    interrupt_before = models.JSONField(null=True, blank=True)
    interrupt_after = models.JSONField(null=True, blank=True)
    # LangGraph's runtime context, handed to nodes as ``runtime.context`` (over the
    # assistant's context).
    context = models.JSONField(null=True, blank=True)
    # Where the final run payload is POSTed once the run has finished (empty: nowhere).
    webhook = models.CharField(max_length=2000, blank=True, default="")
    # ``after_seconds``: the run stays pending and is not claimed before this time.
    start_after = models.DateTimeField(null=True, blank=True)
    # A test run of the graph's unpublished draft: the draft's spec as it was when the
    # run started (the draft keeps changing; the run's history must not). Null = the run
    # executes a published version (or a code graph).
    draft_spec = models.JSONField(null=True, blank=True)
    # LangGraph's durability: when checkpoints are saved. "async": after each step, while
    # the next runs (a worker crash loses nothing); "sync": before the next step starts (a
    # database outage loses nothing either); "exit": only the run's final state.
    durability = models.CharField(
        max_length=8, choices=[(d, d) for d in DURABILITY_MODES], default="async"
    )
    # The checkpoint to start from (time travel / fork); empty = the thread's latest.
    checkpoint_id = models.CharField(max_length=64, blank=True, default="")
    # The thread's latest checkpoint when the run was first claimed: a rollback deletes
    # everything after it, and a resumed attempt knows whether its input was consumed.
    start_checkpoint_id = models.CharField(max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Set by run_cancel; the executing worker polls it between events.
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancel_action = models.CharField(max_length=16, blank=True, default="")
    error = models.JSONField(null=True, blank=True)
    attempt = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["thread", "status", "created_at"], name="run_thread_status"),
            models.Index(fields=["status", "heartbeat_at"], name="run_status_heartbeat"),
        ]
        constraints = [
            # The database itself guarantees one executing run per thread, whichever process
            # or executor tries to start a second one.
            models.UniqueConstraint(
                fields=["thread"], condition=Q(status="running"), name="run_one_running_per_thread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} ({self.status})"


class RunEvent(models.Model):
    """One event of the persisted, per-thread ordered log that websockets and SSE replay."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="events")
    run = models.ForeignKey(
        Run, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=64)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["thread_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "seq"], name="runevent_unique_seq"),
        ]
        indexes = [models.Index(fields=["run", "seq"], name="runevent_run_seq")]

    def __str__(self) -> str:
        return f"{self.thread_id}#{self.seq} {self.type}"
