"""``DjangoCheckpointer``: the engine's checkpointer on the project database.

Works on PostgreSQL and SQLite through the ORM. The layout follows the interface in
``runtime.checkpoint.base``: one row per checkpoint, one per channel version (full, delta
or empty) and one per pending write. Reading a page of checkpoints costs a fixed number of
queries whatever the number of channels: one for the rows, one for the blobs they name,
one more only when append-only channels need their older deltas, and one for the writes.

Safe to call from several threads: Django gives each thread its own connection. Closing
stale connections (``close_old_connections``) is the caller's job, as for any ORM code
running outside a request.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor
from typing import Any

from django.db import connections, transaction
from django.db.models import Q

from builder.models import Checkpoint as CheckpointRow
from builder.models import CheckpointBlob, CheckpointWrite
from runtime.checkpoint.base import (
    ERROR,
    INTERRUPT,
    RESUME,
    SCHEDULED,
    BaseCheckpointer,
    Blob,
    Checkpoint,
    CheckpointTuple,
    config_ids,
    make_config,
    materialise,
)

logger = logging.getLogger(__name__)

# Writes to these channels get a fixed negative index, so a second write of the same kind
# by the same task replaces the first (an interrupt resumed, an error retried) while
# ordinary writes keep their position and are written once.
SPECIAL_WRITE_IDX = {ERROR: -1, SCHEDULED: -2, INTERRUPT: -3, RESUME: -4}

PAGE_SIZE = 100
BULK_BATCH = 500

# The hot path of ``put`` and ``put_writes`` (see there). Table and column names are the
# models' (``builder.models.checkpoints``).
_BLOB_COLUMNS = "(thread_id, checkpoint_ns, channel, version, kind, base, data)"
_BLOB_INSERT = (
    f"INSERT INTO builder_checkpointblob {_BLOB_COLUMNS} VALUES {{values}} "
    "ON CONFLICT (thread_id, checkpoint_ns, channel, version) DO NOTHING"
)
_BLOBS_CTE_PG = f"WITH new_blobs AS ({_BLOB_INSERT}) "
_CHECKPOINT_UPSERT = (
    "INSERT INTO builder_checkpoint "
    "(thread_id, checkpoint_ns, checkpoint_id, parent_id, ts, metadata, channel_versions) "
    "VALUES (%s, %s, %s, %s, %s, {json}, {json}) "
    "ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id) DO UPDATE SET "
    "parent_id = excluded.parent_id, ts = excluded.ts, metadata = excluded.metadata, "
    "channel_versions = excluded.channel_versions"
)
_CHECKPOINT_UPSERT_PG = _CHECKPOINT_UPSERT.format(json="%s::jsonb")
_CHECKPOINT_UPSERT = _CHECKPOINT_UPSERT.format(json="%s")
_WRITE_COLUMNS = "(thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, data)"
_WRITE_KEY = "(thread_id, checkpoint_ns, checkpoint_id, task_id, idx)"
_WRITE_INSERT = (
    f"INSERT INTO builder_checkpointwrite {_WRITE_COLUMNS} VALUES {{values}} "
    f"ON CONFLICT {_WRITE_KEY} DO NOTHING"
)
_WRITE_UPSERT = (
    f"INSERT INTO builder_checkpointwrite {_WRITE_COLUMNS} VALUES {{values}} "
    f"ON CONFLICT {_WRITE_KEY} DO UPDATE SET channel = excluded.channel, data = excluded.data"
)

BlobKey = tuple[str, str]  # (channel, version)
RawBlob = tuple[str, str | None, str | None]  # (kind, serialised data, base)


class DjangoCheckpointer(BaseCheckpointer):
    """Checkpoints, channel blobs and pending writes in Django models."""

    def __init__(self, using: str = "default", executor: Executor | None = None) -> None:
        """``executor``: where the async methods run the ORM. A run gives its own
        one-thread executor so all its database work uses one connection, which it closes
        at the end; without one, ``asyncio.to_thread`` is used."""
        self.using = using
        self._executor = executor

    # --- async: the engine calls these from its event loop -------------------------------

    async def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._executor is None:
            return await asyncio.to_thread(_closing_connections, fn, *args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    async def aput(self, config, checkpoint, metadata, blobs):  # noqa: ANN001
        return await self._call(self.put, config, checkpoint, metadata, blobs)

    async def aput_writes(self, config, writes, task_id):  # noqa: ANN001
        return await self._call(self.put_writes, config, writes, task_id)

    async def aget_tuple(self, config):  # noqa: ANN001
        return await self._call(self.get_tuple, config)

    async def alist(  # noqa: ANN201
        self,
        config,
        *,
        filter=None,
        before=None,
        limit=None,  # noqa: ANN001
    ) -> AsyncIterator[CheckpointTuple]:
        items = await self._call(
            lambda: list(self.list(config, filter=filter, before=before, limit=limit))
        )
        for item in items:
            yield item

    async def adelete_thread(self, thread_id):  # noqa: ANN001
        return await self._call(self.delete_thread, thread_id)

    # --- writing -----------------------------------------------------------------------

    def put(
        self,
        config: dict[str, Any],
        checkpoint: Checkpoint,
        metadata: dict[str, Any],
        blobs: dict[str, Blob],
    ) -> dict[str, Any]:
        """Store the checkpoint row and its new blobs atomically.

        The hot path of every run (a call per step), so it is raw SQL: on PostgreSQL one
        statement (the blob insert as a data-modifying CTE), i.e. one round trip and one
        commit; elsewhere two statements in one transaction.
        """
        thread_id, ns, parent_id = config_ids(config)
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
        ]
        row = (
            thread_id,
            ns,
            checkpoint.id,
            parent_id,
            checkpoint.ts,
            # Metadata in serde's tagged form (non-JSON values survive the round trip) in a
            # JSON column, so history can be filtered in SQL.
            self.serde.dumps(metadata),
            json.dumps(checkpoint.channel_versions, separators=(",", ":")),
        )
        connection = connections[self.using]
        postgres = connection.vendor == "postgresql"
        upsert = _CHECKPOINT_UPSERT_PG if postgres else _CHECKPOINT_UPSERT
        if postgres and len(blob_rows) <= BULK_BATCH:
            # One statement is atomic without an explicit transaction.
            sql, params = upsert, list(row)
            if blob_rows:
                sql = _BLOBS_CTE_PG.format(values=_placeholders(len(blob_rows))) + sql
                params = [v for r in blob_rows for v in r] + params
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
        else:
            with transaction.atomic(using=self.using), connection.cursor() as cursor:
                if blob_rows:
                    cursor.executemany(_BLOB_INSERT.format(values=_placeholders(1)), blob_rows)
                cursor.execute(upsert, row)
        return make_config(thread_id, ns, checkpoint.id)

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
        ordinary: list[tuple[Any, ...]] = []
        special: list[tuple[Any, ...]] = []
        for position, (channel, value) in enumerate(writes):
            idx = SPECIAL_WRITE_IDX.get(channel, position)
            row = (
                thread_id,
                ns,
                checkpoint_id,
                str(task_id),
                idx,
                channel,
                self.serde.dumps(value),
            )
            (special if channel in SPECIAL_WRITE_IDX else ordinary).append(row)
        if not writes:
            return
        connection = connections[self.using]
        # Ordinary writes are stored before special ones (ids give the order on read).
        statements = [
            (sql, rows)
            for sql, rows in ((_WRITE_INSERT, ordinary), (_WRITE_UPSERT, special))
            if rows
        ]
        postgres = connection.vendor == "postgresql"
        if postgres and not special and not connection.in_atomic_block:
            # A task's ordinary writes are always followed by the checkpoint that ends its
            # step, whose synchronous commit flushes the WAL, and so these writes, to disk.
            # Not waiting for their own flush halves the disk syncs of a step. A killed
            # worker loses nothing (the server has the rows); only a database server crash
            # in between can lose them, and then only the writes of the latest checkpoint,
            # whose tasks re-run: as after a crash a moment earlier. (SQLite's WAL mode
            # with synchronous=NORMAL, the project's setting, never waits for a flush.)
            with transaction.atomic(using=self.using), connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                for start in range(0, len(ordinary), BULK_BATCH):
                    rows = ordinary[start : start + BULK_BATCH]
                    cursor.execute(
                        _WRITE_INSERT.format(values=_placeholders(len(rows))),
                        [v for r in rows for v in r],
                    )
            return
        if len(statements) == 1 and len(writes) <= (BULK_BATCH if postgres else 1):
            # One statement: atomic on its own, no transaction round trips.
            sql, rows = statements[0]
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.format(values=_placeholders(len(rows))), [v for r in rows for v in r]
                )
            return
        with transaction.atomic(using=self.using), connection.cursor() as cursor:
            for sql, rows in statements:
                cursor.executemany(sql.format(values=_placeholders(1)), rows)

    # --- reading -----------------------------------------------------------------------

    def get_tuple(self, config: dict[str, Any]) -> CheckpointTuple | None:
        """The named checkpoint, or the latest of the thread in the namespace."""
        thread_id, ns, checkpoint_id = config_ids(config)
        rows = CheckpointRow.objects.using(self.using).filter(thread_id=thread_id, checkpoint_ns=ns)
        if checkpoint_id:
            rows = rows.filter(checkpoint_id=checkpoint_id)
        row = rows.order_by("-checkpoint_id").first()
        if row is None:
            return None
        return self._tuples([row])[0]

    def list(
        self,
        config: dict[str, Any] | None,
        *,
        filter: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        """Checkpoints newest first, fetched a page at a time."""
        rows = CheckpointRow.objects.using(self.using).all()
        conf = (config or {}).get("configurable") or {}
        if conf.get("thread_id") not in (None, ""):
            rows = rows.filter(thread_id=str(conf["thread_id"]))
        if "checkpoint_ns" in conf and conf["checkpoint_ns"] is not None:
            rows = rows.filter(checkpoint_ns=conf["checkpoint_ns"])
        if conf.get("checkpoint_id"):
            rows = rows.filter(checkpoint_id=conf["checkpoint_id"])
        if before is not None:
            before_id = ((before.get("configurable") or {}).get("checkpoint_id")) or ""
            if before_id:
                rows = rows.filter(checkpoint_id__lt=before_id)
        sql_filter, python_filter = _split_metadata_filter(filter or {})
        if sql_filter:
            rows = rows.filter(**{f"metadata__{k}": v for k, v in sql_filter.items()})
        rows = rows.order_by("-checkpoint_id", "thread_id", "checkpoint_ns")
        if limit is not None and not python_filter:
            rows = rows[: max(limit, 0)]
        return self._iter_tuples(rows, python_filter, limit)

    def _iter_tuples(
        self, rows: Any, python_filter: dict[str, Any], limit: int | None
    ) -> Iterator[CheckpointTuple]:
        yielded = 0
        for page in _pages(rows.iterator(chunk_size=PAGE_SIZE), PAGE_SIZE):
            if python_filter:
                page = [r for r in page if _matches(self._load_json(r.metadata), python_filter)]
            for item in self._tuples(page):
                if limit is not None and yielded >= limit:
                    return
                yielded += 1
                yield item

    def _tuples(self, rows: Sequence[CheckpointRow]) -> list[CheckpointTuple]:
        """Build tuples for rows of any threads with a fixed number of queries."""
        by_stream: dict[tuple[str, str], list[CheckpointRow]] = defaultdict(list)
        for row in rows:
            by_stream[(row.thread_id, row.checkpoint_ns)].append(row)
        values: dict[int, dict[str, Any]] = {}
        writes: dict[int, list[tuple[str, str, Any]]] = {}
        for (thread_id, ns), stream_rows in by_stream.items():
            raw = self._fetch_blobs(thread_id, ns, [r.channel_versions for r in stream_rows])
            pending = self._fetch_writes(thread_id, ns, [r.checkpoint_id for r in stream_rows])
            for row in stream_rows:
                values[id(row)] = self._materialise(row.channel_versions, raw)
                writes[id(row)] = pending.get(row.checkpoint_id, [])
        return [
            CheckpointTuple(
                config=make_config(row.thread_id, row.checkpoint_ns, row.checkpoint_id),
                checkpoint=Checkpoint(
                    id=row.checkpoint_id,
                    ts=row.ts,
                    channel_versions=dict(row.channel_versions),
                    channel_values=values[id(row)],
                ),
                metadata=self._load_json(row.metadata),
                parent_config=(
                    make_config(row.thread_id, row.checkpoint_ns, row.parent_id)
                    if row.parent_id
                    else None
                ),
                pending_writes=writes[id(row)],
            )
            for row in rows
        ]

    def _fetch_blobs(
        self, thread_id: str, ns: str, version_maps: Iterable[dict[str, str]]
    ) -> dict[BlobKey, RawBlob]:
        """The blobs the checkpoints name, plus the delta chains behind them."""
        wanted: set[BlobKey] = {(c, str(v)) for vm in version_maps for c, v in vm.items()}
        if not wanted:
            return {}
        manager = CheckpointBlob.objects.using(self.using)
        fields = ("channel", "version", "kind", "data", "base")
        channels = {c for c, _ in wanted}
        versions = {v for _, v in wanted}
        # Over-fetches at most the few rows whose channel and version both appear in the
        # page under other pairings; far cheaper than one OR clause per channel.
        raw: dict[BlobKey, RawBlob] = {
            (c, v): (k, d, b)
            for c, v, k, d, b in manager.filter(
                thread_id=thread_id,
                checkpoint_ns=ns,
                channel__in=channels,
                version__in=versions,
            ).values_list(*fields)
        }
        missing_bases = {
            c for (c, _v), (k, _d, b) in raw.items() if k == "delta" and b and (c, b) not in raw
        }
        if missing_bases:
            # Append-only channels: their chain goes back to the last full blob, which is
            # most of the channel's history, so fetch the channel's blobs in one go.
            for c, v, k, d, b in manager.filter(
                thread_id=thread_id, checkpoint_ns=ns, channel__in=missing_bases
            ).values_list(*fields):
                raw.setdefault((c, v), (k, d, b))
        return raw

    def _fetch_writes(
        self, thread_id: str, ns: str, checkpoint_ids: Sequence[str]
    ) -> dict[str, list[tuple[str, str, Any]]]:
        out: dict[str, list[tuple[str, str, Any]]] = defaultdict(list)
        rows = (
            CheckpointWrite.objects.using(self.using)
            .filter(thread_id=thread_id, checkpoint_ns=ns, checkpoint_id__in=checkpoint_ids)
            .order_by("id")
            .values_list("checkpoint_id", "task_id", "channel", "data")
        )
        for checkpoint_id, task_id, channel, data in rows:
            out[checkpoint_id].append((task_id, channel, self.serde.loads(data)))
        return out

    def _materialise(self, versions: dict[str, str], raw: dict[BlobKey, RawBlob]) -> dict[str, Any]:
        def load_blob(channel: str, version: str) -> tuple[str, Any, str | None]:
            found = raw.get((channel, str(version)))
            if found is None:
                logger.warning("checkpoint blob %s@%s is missing", channel, version)
                return "empty", None, None
            kind, data, base = found
            return kind, (self.serde.loads(data) if data is not None else None), base

        # Deserialised per checkpoint on purpose: two checkpoints never share mutable values.
        return materialise({c: str(v) for c, v in versions.items()}, load_blob)

    # --- maintenance -------------------------------------------------------------------

    def delete_thread(self, thread_id: str) -> None:
        """Delete every checkpoint, blob and write of the thread, all namespaces."""
        thread_id = str(thread_id)
        with transaction.atomic(using=self.using):
            for model in (CheckpointWrite, CheckpointBlob, CheckpointRow):
                model.objects.using(self.using).filter(thread_id=thread_id).delete()

    def delete_after(self, thread_id: str, checkpoint_id: str) -> None:
        """Delete the thread's checkpoints newer than ``checkpoint_id`` (all namespaces;
        everything when it is empty), their writes, and blobs no remaining checkpoint
        names. Used to roll a cancelled run back; not part of the engine's interface.
        """
        thread_id = str(thread_id)
        with transaction.atomic(using=self.using):
            newer = CheckpointRow.objects.using(self.using).filter(thread_id=thread_id)
            if checkpoint_id:
                newer = newer.filter(checkpoint_id__gt=checkpoint_id)
            doomed = list(newer.values_list("checkpoint_ns", "checkpoint_id"))
            if not doomed:
                return
            writes = CheckpointWrite.objects.using(self.using).filter(thread_id=thread_id)
            if checkpoint_id:
                writes = writes.filter(checkpoint_id__gt=checkpoint_id)
            writes.delete()
            newer.delete()
            # A later run may reuse a version string with another value: orphan blobs must
            # go, or the ignore-conflicts insert would keep the stale value.
            kept: set[tuple[str, str, str]] = set()
            for ns, versions in (
                CheckpointRow.objects.using(self.using)
                .filter(thread_id=thread_id)
                .values_list("checkpoint_ns", "channel_versions")
            ):
                kept.update((ns, c, str(v)) for c, v in versions.items())
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

    def _keep_latest(self, thread_id: str) -> None:
        rows = CheckpointRow.objects.using(self.using)
        with transaction.atomic(using=self.using):
            namespaces = set(
                rows.filter(thread_id=thread_id).values_list("checkpoint_ns", flat=True)
            )
            for ns in namespaces:
                latest = (
                    rows.filter(thread_id=thread_id, checkpoint_ns=ns)
                    .order_by("-checkpoint_id")
                    .first()
                )
                assert latest is not None
                raw = self._fetch_blobs(thread_id, ns, [latest.channel_versions])
                values = self._materialise(latest.channel_versions, raw)
                stream = Q(thread_id=thread_id, checkpoint_ns=ns)
                rows.filter(stream).exclude(pk=latest.pk).delete()
                CheckpointWrite.objects.using(self.using).filter(stream).exclude(
                    checkpoint_id=latest.checkpoint_id
                ).delete()
                CheckpointBlob.objects.using(self.using).filter(stream).delete()
                CheckpointBlob.objects.using(self.using).bulk_create(
                    [
                        CheckpointBlob(
                            thread_id=thread_id,
                            checkpoint_ns=ns,
                            channel=channel,
                            version=str(version),
                            kind="full" if channel in values else "empty",
                            data=self.serde.dumps(values[channel]) if channel in values else None,
                        )
                        for channel, version in latest.channel_versions.items()
                    ],
                    batch_size=BULK_BATCH,
                )

    # --- serialisation -----------------------------------------------------------------

    def _dump_blob(self, blob: Blob) -> str | None:
        if blob.kind == "empty":
            return None
        if blob.kind == "delta":
            return self.serde.dumps(list(blob.value or []))
        return self.serde.dumps(blob.value)

    def _load_json(self, value: dict[str, Any]) -> dict[str, Any]:
        return self.serde.loads(json.dumps(value))


def _placeholders(rows: int, columns: int = 7) -> str:
    """``(%s, ...), ...``: the VALUES of a multi-row insert."""
    row = "(" + ", ".join(["%s"] * columns) + ")"
    return ", ".join([row] * rows)


def _closing_connections(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``fn`` in a pooled thread and close the connection it opened: the default
    executor's threads outlive the call, and would each hold a connection forever."""
    try:
        return fn(*args, **kwargs)
    finally:
        connections.close_all()


def _split_metadata_filter(flt: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Strings and numbers compare the same way in SQL on both databases; anything else
    (None, booleans, lists, dicts) is compared in Python after loading."""
    sql: dict[str, Any] = {}
    python: dict[str, Any] = {}
    for key, value in flt.items():
        simple = isinstance(value, str | int | float) and not isinstance(value, bool)
        (sql if simple and key.isidentifier() else python)[key] = value
    return sql, python


def _matches(metadata: dict[str, Any], flt: dict[str, Any]) -> bool:
    return all(key in metadata and metadata[key] == value for key, value in flt.items())


def _pages(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    page: list[Any] = []
    for item in items:
        page.append(item)
        if len(page) >= size:
            yield page
            page = []
    if page:
        yield page
