"""Deleting, copying, pruning, exporting and importing a thread's checkpoint history:
the maintenance half of ``builder.checkpointer.DjangoCheckpointer`` (a mixin of it), kept
apart from the hot path of writing and reading checkpoints."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q

from builder.checkpointer.serialisation import Row, encode_versions, json_value, unpack_blobs
from builder.models import Checkpoint as CheckpointRow
from builder.models import CheckpointBlob, CheckpointWrite
from runtime.checkpoint.base import Blob

BULK_BATCH = 500


class CheckpointMaintenance:
    """Uses the checkpointer's reading helpers (``get_tuple``, ``_stream_rows``,
    ``_full_versions``, ``_stored_writes``) and encoders (``_pack_blobs``, ``_dump_blob``);
    forgets its cache of recent versions (``_recent_forget``) when rows change under it."""

    using: str

    # --- maintenance -------------------------------------------------------------------

    def delete_thread(self, thread_id: str) -> None:
        """Delete every checkpoint, blob and write of the thread, all namespaces."""
        thread_id = str(thread_id)
        with transaction.atomic(using=self.using):
            for model in (CheckpointWrite, CheckpointBlob, CheckpointRow):
                model.objects.using(self.using).filter(thread_id=thread_id).delete()
        self._recent_forget()

    def patch_metadata(self, thread_id: str, metadata: dict[str, Any]) -> str | None:
        """Merge ``metadata`` into the metadata of the thread's latest root checkpoint
        (LangGraph Server's PATCH state); its id, or None when the thread has none."""
        rows = CheckpointRow.objects.using(self.using)
        with transaction.atomic(using=self.using):
            latest = (
                rows.select_for_update()
                .filter(thread_id=thread_id, checkpoint_ns="")
                .order_by("-checkpoint_id")
                .first()
            )
            if latest is None:
                return None
            merged = {**self._metadata(latest.metadata), **metadata}
            latest.metadata = self.serde.dumps(merged)
            latest.save(update_fields=["metadata"])
        self._recent_forget()
        return latest.checkpoint_id

    def delete_after(self, thread_id: str, checkpoint_id: str) -> None:
        """Delete the thread's checkpoints newer than ``checkpoint_id`` (all namespaces;
        everything when it is empty), their writes, and blobs no remaining checkpoint
        names. Used to roll a cancelled run back; not part of the engine's interface.
        """
        thread_id = str(thread_id)
        self._recent_forget()
        with transaction.atomic(using=self.using):
            newer = CheckpointRow.objects.using(self.using).filter(thread_id=thread_id)
            if checkpoint_id:
                newer = newer.filter(checkpoint_id__gt=checkpoint_id)
            if not newer.exists():
                return
            writes = CheckpointWrite.objects.using(self.using).filter(thread_id=thread_id)
            if checkpoint_id:
                writes = writes.filter(checkpoint_id__gt=checkpoint_id)
            writes.delete()
            newer.delete()
            # A later run may reuse a version string with another value: orphan blobs must
            # go, or the ignore-conflicts insert would keep the stale value. Every version a
            # remaining checkpoint has is named by it or by an (older, so remaining) ancestor.
            kept: set[tuple[str, str, str]] = set()
            for ns, cid, versions in (
                CheckpointRow.objects.using(self.using)
                .filter(thread_id=thread_id)
                .values_list("checkpoint_ns", "checkpoint_id", "versions")
            ):
                kept.update(
                    (ns, c, cid if v == 0 else str(v))
                    for c, v in json.loads(versions or "{}").items()
                    if v is not None
                )
            orphans = [
                pk
                for pk, ns, c, v in CheckpointBlob.objects.using(self.using)
                .filter(thread_id=thread_id)
                .values_list("pk", "checkpoint_ns", "channel", "version")
                if (ns, c, v) not in kept
            ]
            for start in range(0, len(orphans), BULK_BATCH):
                CheckpointBlob.objects.using(self.using).filter(
                    pk__in=orphans[start : start + BULK_BATCH]
                ).delete()

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Copy all rows of a thread under a new thread id (checkpoint ids unchanged)."""
        source, target = str(source_thread_id), str(target_thread_id)
        with transaction.atomic(using=self.using):
            for model in (CheckpointRow, CheckpointBlob, CheckpointWrite):
                manager = model.objects.using(self.using)
                batch: list[Any] = []
                for obj in manager.filter(thread_id=source).order_by("id").iterator(BULK_BATCH):
                    obj.pk = None
                    obj.id = None
                    obj.thread_id = target
                    batch.append(obj)
                    if len(batch) >= BULK_BATCH:
                        manager.bulk_create(batch, ignore_conflicts=True)
                        batch = []
                if batch:
                    manager.bulk_create(batch, ignore_conflicts=True)

    def prune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        """``keep_latest``: keep each namespace's latest checkpoint with full blobs and its
        writes; ``delete``: delete the threads."""
        if strategy == "delete":
            for thread_id in thread_ids:
                self.delete_thread(thread_id)
            return
        if strategy != "keep_latest":
            raise ValueError(f"unknown prune strategy {strategy!r}: use keep_latest or delete")
        for thread_id in thread_ids:
            self._keep_latest(str(thread_id))
        self._recent_forget()

    def _keep_latest(self, thread_id: str) -> None:
        rows = CheckpointRow.objects.using(self.using)
        with transaction.atomic(using=self.using):
            namespaces = set(
                rows.filter(thread_id=thread_id).values_list("checkpoint_ns", flat=True)
            )
            for ns in namespaces:
                latest = self.get_tuple(
                    {"configurable": {"thread_id": thread_id, "checkpoint_ns": ns}}
                )
                assert latest is not None
                cid = latest.checkpoint.id
                versions = latest.checkpoint.channel_versions
                values = latest.checkpoint.channel_values
                kept = {
                    channel: Blob(
                        version,
                        "full" if channel in values else "empty",
                        values.get(channel),
                    )
                    for channel, version in versions.items()
                }
                stream = Q(thread_id=thread_id, checkpoint_ns=ns)
                rows.filter(stream).exclude(checkpoint_id=cid).delete()
                CheckpointWrite.objects.using(self.using).filter(stream).exclude(
                    checkpoint_id=cid
                ).delete()
                CheckpointBlob.objects.using(self.using).filter(stream).delete()
                own = {c: b for c, b in kept.items() if b.version == cid}
                rows.filter(stream, checkpoint_id=cid).update(
                    depth=0,
                    versions=encode_versions(versions, cid, versions, own),
                    blobs=self._pack_blobs(own, None),
                )
                CheckpointBlob.objects.using(self.using).bulk_create(
                    [
                        CheckpointBlob(
                            thread_id=thread_id,
                            checkpoint_ns=ns,
                            channel=channel,
                            version=blob.version,
                            kind=blob.kind,
                            data=self._dump_blob(blob),
                        )
                        for channel, blob in kept.items()
                        if channel not in own
                    ],
                    batch_size=BULK_BATCH,
                )

    # --- export and import (``builder.services.thread_transfer``) ------------------------

    def export_history(self, thread_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """A thread's checkpoints (stored fields, all their versions) and blobs (stored
        values, serialised), as the thread export carries them."""
        found = self._stream_rows(str(thread_id))
        checkpoints: list[dict[str, Any]] = []
        blobs: list[dict[str, Any]] = []
        by_stream: dict[str, list[Row]] = defaultdict(list)
        for r in found:
            by_stream[r.checkpoint_ns].append(r)
        for ns, stream_rows in by_stream.items():
            stream = {r.checkpoint_id: r for r in stream_rows}
            full = self._full_versions(str(thread_id), ns, stream_rows, stream)
            for r in stream_rows:
                checkpoints.append(
                    {
                        "checkpoint_ns": ns,
                        "checkpoint_id": r.checkpoint_id,
                        "parent_id": r.parent_id,
                        "ts": r.ts,
                        "metadata": json_value(r.metadata),
                        "versions": full[r.checkpoint_id],
                    }
                )
                for channel, (kind, data, base) in unpack_blobs(r.blobs, r.parent_id).items():
                    blobs.append(
                        {
                            "checkpoint_ns": ns,
                            "channel": channel,
                            "version": r.checkpoint_id,
                            "kind": kind,
                            "base": base,
                            "data": data,
                        }
                    )
        checkpoints.sort(key=lambda c: c["checkpoint_id"])
        for b in (
            CheckpointBlob.objects.using(self.using).filter(thread_id=str(thread_id)).order_by("id")
        ):
            blobs.append(
                {
                    f: getattr(b, f)
                    for f in ("checkpoint_ns", "channel", "version", "kind", "base", "data")
                }
            )
        return checkpoints, blobs

    def export_writes(self, thread_id: str) -> list[dict[str, Any]]:
        """A thread's pending writes, one dict per write (the writes table's fields), as
        the thread export carries them; stored back as they are, they read the same."""
        out: list[dict[str, Any]] = []
        by_stream: dict[str, list[Row]] = defaultdict(list)
        for r in self._stream_rows(str(thread_id)):
            by_stream[r.checkpoint_ns].append(r)
        orphans = (
            CheckpointWrite.objects.using(self.using)
            .filter(thread_id=str(thread_id))
            .values_list("checkpoint_ns", "checkpoint_id")
            .distinct()
        )
        for ns, cid in orphans:  # writes of checkpoints not stored
            if not any(r.checkpoint_id == cid for r in by_stream.get(ns, [])):
                by_stream[ns].append(Row(str(thread_id), ns, cid, None, "", "", 0, "", None, None))
        for ns, stream_rows in by_stream.items():
            for cid, found in self._stored_writes(str(thread_id), ns, stream_rows).items():
                out.extend(
                    {"checkpoint_ns": ns, "checkpoint_id": cid, "task_id": task, "idx": idx,
                     "channel": channel, "data": data}
                    for task, idx, channel, data in found
                )  # fmt: skip
        return out

    def import_history(
        self, thread_id: str, checkpoints: list[dict[str, Any]], blobs: list[dict[str, Any]]
    ) -> None:
        """Store what ``export_history`` gave under ``thread_id``: every checkpoint as a
        snapshot of its versions, every blob as a blob row (found the same way on read).
        Raises ``KeyError`` / ``TypeError`` on malformed items."""
        CheckpointRow.objects.using(self.using).bulk_create(
            (
                CheckpointRow(
                    thread_id=thread_id,
                    checkpoint_ns=c["checkpoint_ns"],
                    checkpoint_id=c["checkpoint_id"],
                    parent_id=c["parent_id"],
                    ts=c["ts"],
                    metadata=json.dumps(c["metadata"], separators=(",", ":"), ensure_ascii=False),
                    depth=0,
                    versions=encode_versions(
                        {str(k): str(v) for k, v in (c.get("versions") or {}).items()},
                        c["checkpoint_id"],
                        {},
                        (),
                    ),
                )
                for c in checkpoints
            ),
            batch_size=BULK_BATCH,
        )
        CheckpointBlob.objects.using(self.using).bulk_create(
            (
                CheckpointBlob(
                    thread_id=thread_id,
                    **{
                        f: b[f]
                        for f in ("checkpoint_ns", "channel", "version", "kind", "base", "data")
                    },
                )
                for b in blobs
            ),
            batch_size=BULK_BATCH,
        )
