"""Tables of the Django checkpointer (``builder.checkpointer``).

Keyed by plain strings rather than foreign keys: the engine names threads by any string
(a Thread's uuid, or an id chosen by code using the engine directly), and checkpoints must
be writable without the Thread row existing.
"""

from __future__ import annotations

from django.db import models


class Checkpoint(models.Model):
    """A checkpoint row: the channel versions, not the values (those are blobs)."""

    thread_id = models.CharField(max_length=255)
    checkpoint_ns = models.CharField(max_length=1000, blank=True, default="")
    checkpoint_id = models.CharField(max_length=64)
    parent_id = models.CharField(max_length=64, null=True, blank=True)
    ts = models.CharField(max_length=64)
    metadata = models.JSONField(default=dict, blank=True)
    channel_versions = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["thread_id", "checkpoint_ns", "checkpoint_id"], name="checkpoint_unique"
            ),
        ]
        # A thread's latest checkpoint and a page of history: newest first by id.
        indexes = [
            models.Index(
                "thread_id",
                "checkpoint_ns",
                models.F("checkpoint_id").desc(),
                name="checkpoint_latest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.thread_id}/{self.checkpoint_ns}/{self.checkpoint_id}"


class BlobKind(models.TextChoices):
    FULL = "full"
    DELTA = "delta"
    EMPTY = "empty"


class CheckpointBlob(models.Model):
    """One version of one channel; ``delta`` holds only the items appended since ``base``."""

    thread_id = models.CharField(max_length=255)
    checkpoint_ns = models.CharField(max_length=1000, blank=True, default="")
    channel = models.CharField(max_length=255)
    version = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=BlobKind.choices)
    base = models.CharField(max_length=64, null=True, blank=True)
    # Serialised by runtime.checkpoint.serde.dumps; kept as text so values round-trip
    # exactly (tags, key order) and the database never re-parses them.
    data = models.TextField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["thread_id", "checkpoint_ns", "channel", "version"],
                name="checkpointblob_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.thread_id}/{self.checkpoint_ns}/{self.channel}@{self.version}"


class CheckpointWrite(models.Model):
    """A pending write of one task against a checkpoint, saved when the task finishes."""

    thread_id = models.CharField(max_length=255)
    checkpoint_ns = models.CharField(max_length=1000, blank=True, default="")
    checkpoint_id = models.CharField(max_length=64)
    task_id = models.CharField(max_length=255)
    idx = models.IntegerField()
    channel = models.CharField(max_length=255)
    data = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["thread_id", "checkpoint_ns", "checkpoint_id", "task_id", "idx"],
                name="checkpointwrite_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.thread_id}/{self.checkpoint_id}/{self.task_id}[{self.idx}]"
