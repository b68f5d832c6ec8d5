"""Tables of the Django checkpointer (``builder.checkpointer``).

Keyed by plain strings rather than foreign keys: the engine names threads by any string
(a Thread's uuid, or an id chosen by code using the engine directly), and checkpoints must
be writable without the Thread row existing.
"""

from __future__ import annotations

from django.db import models


class Checkpoint(models.Model):
    """A checkpoint row: its channel versions (compactly) and the blobs it created.

    ``versions`` is JSON text mapping channel -> version, holding only what changed since
    the parent (``null``: the channel was removed) unless ``depth`` is 0 (a snapshot of
    every channel); ``0`` stands for this row's own ``checkpoint_id``. ``blobs`` holds the
    new channel values whose version is this checkpoint's id (the engine's case), in the
    layout ``builder.checkpointer`` documents; other versions are ``CheckpointBlob`` rows.
    """

    thread_id = models.CharField(max_length=255)
    checkpoint_ns = models.CharField(max_length=1000, blank=True, default="")
    checkpoint_id = models.CharField(max_length=64)
    parent_id = models.CharField(max_length=64, null=True, blank=True)
    ts = models.CharField(max_length=64)
    # serde's text (non-JSON values survive the round trip), compact; history filters
    # match it as text first, then exactly (``builder.checkpointer``).
    metadata = models.TextField(default="{}", blank=True)
    # Checkpoints since the last snapshot of the versions (0: this row is one).
    depth = models.SmallIntegerField(default=0)
    versions = models.TextField(default="{}", blank=True)
    blobs = models.TextField(null=True, blank=True)
    # Pending writes against this checkpoint, appended as each task finishes (the layout
    # in ``builder.checkpointer``); ``CheckpointWrite`` holds those of checkpoints not
    # stored when they were written.
    writes = models.TextField(null=True, blank=True)

    class Meta:
        # The unique index also serves a thread's latest checkpoint and pages of history
        # (scanned backwards).
        constraints = [
            models.UniqueConstraint(
                fields=["thread_id", "checkpoint_ns", "checkpoint_id"], name="checkpoint_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.thread_id}/{self.checkpoint_ns}/{self.checkpoint_id}"


class BlobKind(models.TextChoices):
    FULL = "full"
    DELTA = "delta"
    EMPTY = "empty"


class CheckpointBlob(models.Model):
    """One version of one channel whose version string is not the id of the checkpoint that
    stored it; ``delta`` holds only the items appended since ``base``."""

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
    """Pending writes against a checkpoint whose row was not stored when they were written
    (usually they are in ``Checkpoint.writes``): one write, or with ``idx`` -100 the
    appended saves of its tasks."""

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
