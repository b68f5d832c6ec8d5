"""``DjangoCheckpointer``: storing checkpoints and pending writes (the layout and its
reasons: the package docstring)."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any

from django.db import connections, transaction

from builder.checkpointer.maintenance import BULK_BATCH, CheckpointMaintenance
from builder.checkpointer.reads import CheckpointReads
from builder.checkpointer.serialisation import (
    KIND_CODES,
    encode_versions,
    pack_writes,
)
from builder.checkpointer.sql import (
    BLOB_INSERT,
    BLOBS_CTE_PG,
    CHECKPOINT_UPSERT,
    PACKED_IDX,
    RECENT_VERSIONS,
    SNAPSHOT_EVERY,
    SPECIAL_WRITE_IDX,
    WRITES_APPEND_CTES,
    WRITES_APPEND_PG,
    WRITES_APPEND_PG_NO_WAIT,
    WRITES_APPEND_ROW,
    WRITES_APPEND_TABLE,
    append_params,
    placeholders,
)
from runtime.checkpoint.base import (
    BaseCheckpointer,
    Blob,
    Checkpoint,
    config_ids,
    make_config,
)

logger = logging.getLogger(__name__)


class DjangoCheckpointer(CheckpointReads, CheckpointMaintenance, BaseCheckpointer):
    """Checkpoints, channel blobs and pending writes in Django models (deleting, copying,
    pruning, export and import: ``maintenance``; reading: ``reads``)."""

    def __init__(self, using: str = "default", executor: Executor | None = None) -> None:
        """``executor``: where the async methods run the ORM. A run gives its own
        one-thread executor so all its database work uses one connection, which it closes
        at the end; without one, ``asyncio.to_thread`` is used."""
        self.using = using
        self._executor = executor
        # (thread, ns, checkpoint id) -> (channel versions, depth) of recent puts and reads
        self._recent: dict[tuple[str, str, str], tuple[dict[str, str], int]] = {}
        self._recent_lock = threading.Lock()

    # --- async: the engine calls these from its event loop -------------------------------

    async def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._executor is None:
            return await asyncio.to_thread(closing_connections, fn, *args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    # --- writing -----------------------------------------------------------------------

    def put(
        self,
        config: dict[str, Any],
        checkpoint: Checkpoint,
        metadata: dict[str, Any],
        blobs: dict[str, Blob],
    ) -> dict[str, Any]:
        """Store the checkpoint row, with its own new blobs inside, atomically.

        The hot path of every run (a call per step), so it is raw SQL: on PostgreSQL one
        statement (any blobs stored apart as a data-modifying CTE), i.e. one round trip and
        one commit; elsewhere one statement, or two in a transaction.
        """
        return self._put(config, checkpoint, metadata, blobs, None)

    def put_step(
        self,
        config: dict[str, Any],
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        checkpoint: Checkpoint,
        metadata: dict[str, Any],
        blobs: dict[str, Blob],
    ) -> dict[str, Any]:
        """The last task's writes and the checkpoint after them in one statement (on
        PostgreSQL: the writes' append is one more CTE of ``put``'s), so one commit."""
        if config_ids(config)[2] is None or any(ch in SPECIAL_WRITE_IDX for ch, _v in writes):
            return super().put_step(config, writes, task_id, checkpoint, metadata, blobs)
        return self._put(config, checkpoint, metadata, blobs, self._write_group(writes, task_id))

    def _put(
        self,
        config: dict[str, Any],
        checkpoint: Checkpoint,
        metadata: dict[str, Any],
        blobs: dict[str, Blob],
        group: str | None,
    ) -> dict[str, Any]:
        """``put``, with ``group`` (packed writes) appended to the parent's writes first."""
        thread_id, ns, parent_id = config_ids(config)
        cid = checkpoint.id
        versions = {c: str(v) for c, v in checkpoint.channel_versions.items()}
        own = {c: b for c, b in blobs.items() if str(b.version) == cid}
        blob_rows = [
            (
                thread_id,
                ns,
                channel,
                str(blob.version),
                blob.kind,
                blob.base if blob.kind == "delta" else None,
                self._dump_blob(blob),
            )
            for channel, blob in blobs.items()
            if channel not in own
        ]
        parent = self._recent_get((thread_id, ns, parent_id)) if parent_id else None
        if parent is not None and parent[1] + 1 < SNAPSHOT_EVERY:
            depth = parent[1] + 1
            changed: dict[str, str | None] = {
                c: v for c, v in versions.items() if parent[0].get(c) != v
            }
            changed.update({c: None for c in parent[0] if c not in versions})
        else:
            depth, changed = 0, dict(versions)
        row = (
            thread_id,
            ns,
            cid,
            parent_id,
            checkpoint.ts,
            self.serde.dumps(metadata),
            depth,
            encode_versions(changed, cid, versions, own),
            self._pack_blobs(own, parent_id),
        )
        connection = connections[self.using]
        postgres = connection.vendor == "postgresql"
        parent_key = [thread_id, ns, parent_id]
        if postgres and len(blob_rows) <= BULK_BATCH:
            # One statement is atomic without an explicit transaction.
            ctes: list[str] = []
            params: list[Any] = []
            if group is not None:
                ctes.append(WRITES_APPEND_CTES)
                params += append_params(group, parent_key)
            if blob_rows:
                ctes.append(BLOBS_CTE_PG.format(values=placeholders(len(blob_rows))))
                params += [v for r in blob_rows for v in r]
            sql = f"WITH {', '.join(ctes)} {CHECKPOINT_UPSERT}" if ctes else CHECKPOINT_UPSERT
            with connection.cursor() as cursor:
                cursor.execute(sql, [*params, *row])
        elif group is None and not blob_rows:
            with connection.cursor() as cursor:
                cursor.execute(CHECKPOINT_UPSERT, row)
        else:
            with transaction.atomic(using=self.using), connection.cursor() as cursor:
                if group is not None:
                    self._append_writes(cursor, postgres, group, parent_key)
                if blob_rows:
                    cursor.executemany(BLOB_INSERT.format(values=placeholders(1)), blob_rows)
                cursor.execute(CHECKPOINT_UPSERT, row)
        self._recent_set((thread_id, ns, cid), versions, depth)
        return make_config(thread_id, ns, cid)

    def _recent_get(self, key: tuple[str, str, str]) -> tuple[dict[str, str], int] | None:
        with self._recent_lock:
            return self._recent.get(key)

    def _recent_set(self, key: tuple[str, str, str], versions: dict[str, str], depth: int) -> None:
        with self._recent_lock:
            if len(self._recent) >= RECENT_VERSIONS:
                self._recent.clear()
            self._recent[key] = (versions, depth)

    def _recent_forget(self) -> None:
        """Stored versions may have changed under these keys (deletes, prune)."""
        with self._recent_lock:
            self._recent.clear()

    def put_writes(
        self,
        config: dict[str, Any],
        writes: Sequence[tuple[str, Any]],
        task_id: str,
    ) -> None:
        """Store one task's writes; special channels replace, ordinary ones are written once."""
        thread_id, ns, checkpoint_id = config_ids(config)
        if checkpoint_id is None:
            raise ValueError("put_writes needs a config naming a checkpoint_id")
        if not writes:
            return
        group = self._write_group(writes, task_id)
        key = [thread_id, ns, checkpoint_id]
        connection = connections[self.using]
        special = any(ch in SPECIAL_WRITE_IDX for ch, _v in writes)
        if connection.vendor == "postgresql":
            # One statement: append to the checkpoint's row, or (no such row) to the
            # writes table's row for that checkpoint.
            if special or connection.in_atomic_block:
                with connection.cursor() as cursor:
                    self._append_writes(cursor, True, group, key)
                return
            # A task's ordinary writes are always followed by the checkpoint that ends its
            # step, whose synchronous commit flushes the WAL, and so these writes, to disk.
            # Not waiting for their own flush halves the disk syncs of a step. A killed
            # worker loses nothing (the server has the rows); only a database server crash
            # in between can lose them, and then only the writes of the latest checkpoint,
            # whose tasks re-run: as after a crash a moment earlier. (SQLite's WAL mode
            # with synchronous=NORMAL, the project's setting, never waits for a flush.)
            # The setting is made inside the one statement: one round trip. (Writes of a
            # checkpoint not stored yet take the table's path and wait for their flush.)
            with connection.cursor() as cursor:
                cursor.execute(WRITES_APPEND_PG_NO_WAIT, append_params(group, key))
            return
        with transaction.atomic(using=self.using), connection.cursor() as cursor:
            self._append_writes(cursor, False, group, key)

    def _write_group(self, writes: Sequence[tuple[str, Any]], task_id: str) -> str:
        """One task's writes packed for appending; ordinary writes first, as stored."""
        ordered = sorted(
            ((SPECIAL_WRITE_IDX.get(ch, i), ch, v) for i, (ch, v) in enumerate(writes)),
            key=lambda w: w[1] in SPECIAL_WRITE_IDX,
        )
        return pack_writes(str(task_id), [(i, ch, self.serde.dumps(v)) for i, ch, v in ordered])

    def _append_writes(self, cursor: Any, postgres: bool, group: str, key: list[Any]) -> None:
        """Append a packed group to checkpoint ``key``'s row, or to the writes table's row
        for it when that checkpoint is not stored (inside the caller's transaction)."""
        if postgres:
            cursor.execute(WRITES_APPEND_PG, append_params(group, key))
            return
        cursor.execute(WRITES_APPEND_ROW, [group, *key])
        if cursor.rowcount == 0:
            cursor.execute(
                WRITES_APPEND_TABLE.format(values="VALUES " + placeholders(1)),
                [*key, "", PACKED_IDX, "", group],
            )

    def _dump_blob(self, blob: Blob) -> str | None:
        if blob.kind == "empty":
            return None
        if blob.kind == "delta":
            return self.serde.dumps(list(blob.value or []))
        return self.serde.dumps(blob.value)

    def _pack_blobs(self, blobs: dict[str, Blob], parent_id: str | None) -> str | None:
        """A checkpoint's own blobs as one text (the layout in the module docstring)."""
        if not blobs:
            return None
        header: list[list[Any]] = []
        parts: list[str] = []
        for channel, blob in blobs.items():
            data = self._dump_blob(blob)
            entry: list[Any] = [channel, KIND_CODES[blob.kind], -1 if data is None else len(data)]
            if blob.kind == "delta":
                entry.append(0 if blob.base == parent_id and parent_id else blob.base)
            header.append(entry)
            if data is not None:
                parts.append(data)
        return json.dumps(header, separators=(",", ":")) + "\n" + "".join(parts)


def closing_connections(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``fn`` in a pooled thread and close the connection it opened: the default
    executor's threads outlive the call, and would each hold a connection forever."""
    try:
        return fn(*args, **kwargs)
    finally:
        connections.close_all()
