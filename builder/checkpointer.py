"""``DjangoCheckpointer``: the engine's checkpointer on the project database.

Works on PostgreSQL and SQLite. The layout follows the interface in
``runtime.checkpoint.base``, made compact for the engine, which names a channel's version
by the id of the checkpoint that changed it:

- one row per checkpoint. ``versions`` holds only the channel versions that changed since
  the parent (a full snapshot every ``SNAPSHOT_EVERY`` checkpoints, and whenever the
  parent's versions are not at hand); reads rebuild them by walking parents up to the
  snapshot in one recursive query. ``blobs`` holds the checkpoint's new channel values
  (full, delta or empty) whose version is its own id: ``[[channel, kind, base, length],
  ...]`` as JSON, a newline, then the serialised values concatenated (``length`` -1 for
  none), so values are stored as ``serde`` wrote them, never escaped into a JSON string;
- ``CheckpointBlob`` rows only for versions that are not the storing checkpoint's id
  (the interface allows any string);
- pending writes appended to their checkpoint's row (``writes``) as each task finishes
  (the last task's, with durability ``sync``, in the statement that stores the next
  checkpoint: ``put_step``); ``CheckpointWrite`` rows only for writes against a
  checkpoint not stored yet.

Reading a page of checkpoints costs a fixed number of queries whatever the number of
channels: the rows (with the ancestors their versions need), the rows and blobs their
versions name, one more only when append-only channels need older deltas, and the writes
table.

Safe to call from several threads: Django gives each thread its own connection. Closing
stale connections (``close_old_connections``) is the caller's job, as for any ORM code
running outside a request.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor
from typing import Any

from django.db import connections, transaction
from django.db.models import Q

from builder.checkpoint_format import (
    KIND_CODES,
    BlobKey,
    RawBlob,
    Row,
    blob_channels,
    encode_versions,
    pack_writes,
    unpack_blobs,
    unpack_writes,
)
from builder.checkpoint_maintenance import BULK_BATCH, CheckpointMaintenance
from builder.models import Checkpoint as CheckpointRow
from builder.models import CheckpointWrite
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
_SPECIAL_IDXS = frozenset(SPECIAL_WRITE_IDX.values())
# The index of a writes-table row holding packed writes (see _WRITES_APPEND_ROW).
PACKED_IDX = -100

PAGE_SIZE = 100
# A checkpoint stores all its channel versions at least this often along a branch, which
# bounds the parents a read walks.
SNAPSHOT_EVERY = 32
# Versions of recently stored checkpoints, to store their children's as deltas.
RECENT_VERSIONS = 256

# The hot path of ``put`` and ``put_writes`` (see there). Table and column names are the
# models' (``builder.models.checkpoints``).
_BLOB_COLUMNS = "(thread_id, checkpoint_ns, channel, version, kind, base, data)"
_BLOB_INSERT = (
    f"INSERT INTO builder_checkpointblob {_BLOB_COLUMNS} VALUES {{values}} "
    "ON CONFLICT (thread_id, checkpoint_ns, channel, version) DO NOTHING"
)
_BLOBS_CTE_PG = f"new_blobs AS ({_BLOB_INSERT})"
_CHECKPOINT_UPSERT = (
    "INSERT INTO builder_checkpoint (thread_id, checkpoint_ns, checkpoint_id, parent_id, ts, "
    "metadata, depth, versions, blobs) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id) DO UPDATE SET "
    "parent_id = excluded.parent_id, ts = excluded.ts, metadata = excluded.metadata, "
    "depth = excluded.depth, versions = excluded.versions, blobs = excluded.blobs"
)
_WRITE_COLUMNS = "(thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, data)"
_WRITE_KEY = "(thread_id, checkpoint_ns, checkpoint_id, task_id, idx)"
# Pending writes are appended to their checkpoint's row (``writes``: groups framed by
# pack_writes), or, when that row is not stored (yet), to one writes-table row per
# checkpoint. A read keeps, per (task, index), the first stored ordinary write and the
# last stored special one (at the position of its first): a task's writes are stored
# once, an interrupt, resume or error replaces the previous one.
_WRITES_APPEND_ROW = (
    "UPDATE builder_checkpoint SET writes = coalesce(writes, '') || %s "
    "WHERE thread_id = %s AND checkpoint_ns = %s AND checkpoint_id = %s"
)
_WRITES_APPEND_TABLE = (
    f"INSERT INTO builder_checkpointwrite {_WRITE_COLUMNS} {{values}} "
    f"ON CONFLICT {_WRITE_KEY} DO UPDATE SET data = builder_checkpointwrite.data || excluded.data"
)
_WRITES_APPEND_PG = (
    "WITH {prefix}appended AS ({update} RETURNING 1) "
    + _WRITES_APPEND_TABLE.format(
        values="SELECT %s, %s, %s, %s, %s, %s, %s WHERE NOT EXISTS (SELECT 1 FROM appended)"
    )
)
# The same, committed without waiting for its WAL flush (see put_writes): the setting is
# local to the statement's own transaction, i.e. to this statement.
_WRITES_APPEND_PG_NO_WAIT = _WRITES_APPEND_PG.format(
    prefix="no_wait AS (SELECT set_config('synchronous_commit', 'off', true) AS v), ",
    update=_WRITES_APPEND_ROW + " AND (SELECT v FROM no_wait) IS NOT NULL",
)
_WRITES_APPEND_PG = _WRITES_APPEND_PG.format(prefix="", update=_WRITES_APPEND_ROW)
# The same as CTEs ahead of a checkpoint's upsert (``put_step``).
_WRITES_APPEND_CTES = (
    f"appended AS ({_WRITES_APPEND_ROW} RETURNING 1), appended_apart AS ("
    + _WRITES_APPEND_TABLE.format(
        values="SELECT %s, %s, %s, %s, %s, %s, %s WHERE NOT EXISTS (SELECT 1 FROM appended)"
    )
    + ")"
)
_ROW_COLUMNS = "checkpoint_id, parent_id, ts, metadata, depth, versions, blobs, writes"
# The rows ``{start}`` selects and the ancestors their versions need, up to the snapshot.
# ``p.depth < c.depth`` keeps a malformed history from looping.
_CHAIN = (
    f"WITH RECURSIVE chain({_ROW_COLUMNS}) AS ("
    f"SELECT {_ROW_COLUMNS} FROM builder_checkpoint "
    "WHERE thread_id = %s AND checkpoint_ns = %s AND checkpoint_id {start} "
    "UNION ALL SELECT p.checkpoint_id, p.parent_id, p.ts, p.metadata, p.depth, p.versions, "
    "p.blobs, p.writes FROM chain c JOIN builder_checkpoint p ON p.thread_id = %s "
    "AND p.checkpoint_ns = %s AND p.checkpoint_id = c.parent_id "
    f"WHERE c.depth > 0 AND p.depth < c.depth) SELECT {_ROW_COLUMNS} FROM chain"
)
_LATEST = (
    "= (SELECT max(checkpoint_id) FROM builder_checkpoint "
    "WHERE thread_id = %s AND checkpoint_ns = %s)"
)
# Where named versions are found: checkpoint rows (their inline blobs) and blob rows.
_NAMED_ROWS = (
    "SELECT checkpoint_id, NULL, parent_id, blobs, NULL FROM builder_checkpoint "
    "WHERE thread_id = %s AND checkpoint_ns = %s AND {rows}"
)
_NAMED_BLOBS = (
    "SELECT version, channel, kind, data, base FROM builder_checkpointblob "
    "WHERE thread_id = %s AND checkpoint_ns = %s AND {blobs}"
)

# serde's form of a dict that carries its tag key: keys no longer appear as ``"key":``.
_ESCAPED = '"__sy__":"dict"'


class DjangoCheckpointer(CheckpointMaintenance, BaseCheckpointer):
    """Checkpoints, channel blobs and pending writes in Django models (deleting, copying,
    pruning, export and import: ``builder.checkpoint_maintenance``)."""

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
            return await asyncio.to_thread(_closing_connections, fn, *args, **kwargs)
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
                ctes.append(_WRITES_APPEND_CTES)
                params += _append_params(group, parent_key)
            if blob_rows:
                ctes.append(_BLOBS_CTE_PG.format(values=_placeholders(len(blob_rows))))
                params += [v for r in blob_rows for v in r]
            sql = f"WITH {', '.join(ctes)} {_CHECKPOINT_UPSERT}" if ctes else _CHECKPOINT_UPSERT
            with connection.cursor() as cursor:
                cursor.execute(sql, [*params, *row])
        elif group is None and not blob_rows:
            with connection.cursor() as cursor:
                cursor.execute(_CHECKPOINT_UPSERT, row)
        else:
            with transaction.atomic(using=self.using), connection.cursor() as cursor:
                if group is not None:
                    self._append_writes(cursor, postgres, group, parent_key)
                if blob_rows:
                    cursor.executemany(_BLOB_INSERT.format(values=_placeholders(1)), blob_rows)
                cursor.execute(_CHECKPOINT_UPSERT, row)
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
                cursor.execute(_WRITES_APPEND_PG_NO_WAIT, _append_params(group, key))
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
            cursor.execute(_WRITES_APPEND_PG, _append_params(group, key))
            return
        cursor.execute(_WRITES_APPEND_ROW, [group, *key])
        if cursor.rowcount == 0:
            cursor.execute(
                _WRITES_APPEND_TABLE.format(values="VALUES " + _placeholders(1)),
                [*key, "", PACKED_IDX, "", group],
            )

    # --- reading -----------------------------------------------------------------------

    def get_tuple(self, config: dict[str, Any]) -> CheckpointTuple | None:
        """The named checkpoint, or the latest of the thread in the namespace: one query
        for the row and the ancestors its versions need."""
        thread_id, ns, checkpoint_id = config_ids(config)
        if checkpoint_id:
            found = self._chain(thread_id, ns, "= %s", [checkpoint_id])
        else:
            found = self._chain(thread_id, ns, _LATEST, [thread_id, ns])
        wanted = str(checkpoint_id) if checkpoint_id else None
        if wanted is None and found:
            # The first row of the recursive query is its start: the latest.
            wanted = found[0].checkpoint_id
        rows = [r for r in found if r.checkpoint_id == wanted][:1]
        if not rows:
            return None
        tup = self._tuples(rows, {(thread_id, ns): found})[0]
        # The engine's next put is usually this checkpoint's child.
        self._recent_set(
            (thread_id, ns, tup.checkpoint.id),
            tup.checkpoint.channel_versions.copy(),
            rows[0].depth,
        )
        return tup

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
        python_filter = dict(filter or {})
        for needle in self._metadata_needles(python_filter):
            rows = rows.filter(Q(metadata__contains=needle) | Q(metadata__contains=_ESCAPED))
        rows = rows.order_by("-checkpoint_id", "thread_id", "checkpoint_ns")
        if limit is not None and not python_filter:
            rows = rows[: max(limit, 0)]
        return self._iter_tuples(rows.values_list(*Row.__slots__), python_filter, limit)

    def _iter_tuples(
        self, rows: Any, python_filter: dict[str, Any], limit: int | None
    ) -> Iterator[CheckpointTuple]:
        yielded = 0
        for page in _pages(rows.iterator(chunk_size=PAGE_SIZE), PAGE_SIZE):
            found = [Row(*r) for r in page]
            if python_filter:
                found = [r for r in found if _matches(self._metadata(r.metadata), python_filter)]
            for item in self._tuples(found):
                if limit is not None and yielded >= limit:
                    return
                yielded += 1
                yield item

    def _chain(self, thread_id: str, ns: str, start: str, params: list[Any]) -> list[Row]:
        """Rows ``checkpoint_id {start}`` selects, then the ancestors their versions need."""
        sql = _CHAIN.format(start=start)
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, [thread_id, ns, *params, thread_id, ns])
            return [Row(thread_id, ns, *r) for r in cursor.fetchall()]

    def _tuples(
        self, rows: Sequence[Row], known: dict[tuple[str, str], list[Row]] | None = None
    ) -> list[CheckpointTuple]:
        """Build tuples for rows of any threads with a fixed number of queries.
        ``known``: rows already read per stream (ancestors included)."""
        by_stream: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in rows:
            by_stream[(row.thread_id, row.checkpoint_ns)].append(row)
        versions: dict[int, dict[str, str]] = {}
        values: dict[int, dict[str, Any]] = {}
        writes: dict[int, list[tuple[str, str, Any]]] = {}
        for (thread_id, ns), stream_rows in by_stream.items():
            stream = {r.checkpoint_id: r for r in (known or {}).get((thread_id, ns), [])}
            stream.update({r.checkpoint_id: r for r in stream_rows})
            full = self._full_versions(thread_id, ns, stream_rows, stream)
            raw = self._fetch_blobs(
                thread_id, ns, [full[r.checkpoint_id] for r in stream_rows], stream
            )
            pending = self._fetch_writes(thread_id, ns, stream_rows)
            for row in stream_rows:
                versions[id(row)] = full[row.checkpoint_id]
                values[id(row)] = self._materialise(full[row.checkpoint_id], raw)
                writes[id(row)] = pending.get(row.checkpoint_id, [])
        return [
            CheckpointTuple(
                config=make_config(row.thread_id, row.checkpoint_ns, row.checkpoint_id),
                checkpoint=Checkpoint(
                    id=row.checkpoint_id,
                    ts=row.ts,
                    channel_versions=dict(versions[id(row)]),
                    channel_values=values[id(row)],
                ),
                metadata=self._metadata(row.metadata),
                parent_config=(
                    make_config(row.thread_id, row.checkpoint_ns, row.parent_id)
                    if row.parent_id
                    else None
                ),
                pending_writes=writes[id(row)],
            )
            for row in rows
        ]

    def _full_versions(
        self, thread_id: str, ns: str, rows: Sequence[Row], stream: dict[str, Row]
    ) -> dict[str, dict[str, str]]:
        """checkpoint id -> all its channel versions, for ``rows`` and the ancestors
        walked; ancestors not in ``stream`` are fetched in one query."""
        missing = {
            r.parent_id
            for r in stream.values()
            if r.depth > 0 and r.parent_id and r.parent_id not in stream
        }
        if missing:
            ids = sorted(missing)
            for r in self._chain(thread_id, ns, f"IN ({', '.join(['%s'] * len(ids))})", ids):
                stream.setdefault(r.checkpoint_id, r)
        full: dict[str, dict[str, str]] = {}
        for row in rows:
            path: list[Row] = []
            r: Row | None = row
            while r is not None and r.checkpoint_id not in full:
                path.append(r)
                if r.depth == 0 or not r.parent_id:
                    break
                r = stream.get(r.parent_id)
                if r is None:
                    logger.warning("checkpoint %s: parent is missing", path[-1].checkpoint_id)
            if not path:
                continue
            last = path[-1]
            base = full.get(last.parent_id or "", {}) if last.depth > 0 else {}
            for r in reversed(path):
                current = dict(base) if r.depth > 0 else {}
                current.update((c, r.checkpoint_id) for c in blob_channels(r.blobs))
                for c, v in json.loads(r.versions or "{}").items():
                    if v is None:
                        current.pop(c, None)
                    else:
                        current[c] = r.checkpoint_id if v == 0 else v
                full[r.checkpoint_id] = base = current
        return full

    def _fetch_blobs(
        self,
        thread_id: str,
        ns: str,
        version_maps: Iterable[dict[str, str]],
        stream: dict[str, Row],
    ) -> dict[BlobKey, RawBlob]:
        """The blobs the checkpoints name, plus the delta chains behind them: from the
        rows at hand, then the rows and blob rows named, then (append-only channels) the
        older rows of the stream and the channels' blob rows."""
        wanted: set[BlobKey] = {(c, v) for vm in version_maps for c, v in vm.items()}
        raw: dict[BlobKey, RawBlob] = {}
        unpacked: set[str] = set()

        def take(cid: str, text: str | None, parent_id: str | None) -> None:
            if cid in unpacked:
                return
            unpacked.add(cid)
            for channel, blob in unpack_blobs(text, parent_id).items():
                raw.setdefault((channel, cid), blob)

        def look_up(keys: set[BlobKey]) -> set[BlobKey]:
            for _c, v in keys:
                if v in stream:
                    take(v, stream[v].blobs, stream[v].parent_id)
            return {k for k in keys if k not in raw}

        missing = look_up(wanted)
        if missing:
            ids = sorted({v for _c, v in missing if v not in unpacked})
            self._fetch_named(thread_id, ns, ids, missing, raw, take, older_than=None)
            missing = {k for k in missing if k not in raw}
        fetched, lost = False, set()
        while True:
            bases = {
                (c, b)
                for (c, _v), (k, _d, b) in list(raw.items())
                if k == "delta" and b and (c, b) not in raw
            } - lost
            if not bases:
                break
            bases = look_up(bases)
            if bases and fetched:
                lost |= bases  # logged by _materialise
            elif bases:
                # Append-only channels: their chain goes back to the last full blob, which
                # is most of the stream's history, so fetch the older rows in one go.
                newest = max(b for _c, b in bases)
                self._fetch_named(thread_id, ns, [], bases, raw, take, older_than=newest)
                fetched = True
        return raw

    def _fetch_named(
        self,
        thread_id: str,
        ns: str,
        ids: Sequence[str],
        keys: set[BlobKey],
        raw: dict[BlobKey, RawBlob],
        take: Callable[[str, str | None, str | None], None],
        older_than: str | None,
    ) -> None:
        """One query: rows ``ids`` (or every row up to ``older_than``) and the blob rows
        of ``keys``' channels and versions."""
        parts: list[str] = []
        params: list[Any] = []
        if older_than is not None:
            parts.append(_NAMED_ROWS.format(rows="checkpoint_id <= %s"))
            params += [thread_id, ns, older_than]
        elif ids:
            parts.append(_NAMED_ROWS.format(rows=f"checkpoint_id IN ({_marks(len(ids))})"))
            params += [thread_id, ns, *ids]
        channels = sorted({c for c, _v in keys})
        where = f"channel IN ({_marks(len(channels))})"
        blob_params: list[Any] = [thread_id, ns, *channels]
        if older_than is None:
            versions = sorted({v for _c, v in keys})
            where += f" AND version IN ({_marks(len(versions))})"
            blob_params += versions
        parts.append(_NAMED_BLOBS.format(blobs=where))
        params += blob_params
        with connections[self.using].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            found = cursor.fetchall()
        for version, channel, parent_id, data, _base in found:
            if channel is None:
                take(version, data, parent_id)
        for version, channel, kind, data, base in found:
            if channel is not None:
                # A blob row counts only where the row of that id has none (see put).
                raw.setdefault((channel, version), (kind, data, base))

    def _fetch_writes(
        self, thread_id: str, ns: str, rows: Sequence[Row]
    ) -> dict[str, list[tuple[str, str, Any]]]:
        """checkpoint id -> its pending writes (task, channel, value), in stored order."""
        stored = self._stored_writes(thread_id, ns, rows)
        return {
            cid: [(task, ch, self.serde.loads(data)) for task, _idx, ch, data in found]
            for cid, found in stored.items()
        }

    def _stored_writes(
        self, thread_id: str, ns: str, rows: Sequence[Row]
    ) -> dict[str, list[tuple[str, int, str, str]]]:
        """checkpoint id -> (task, idx, channel, serialised value) as read (see
        _WRITES_APPEND_ROW): the writes table's, then the row's."""
        groups: dict[str, list[tuple[str, int, str, str]]] = defaultdict(list)
        table = (
            CheckpointWrite.objects.using(self.using)
            .filter(
                thread_id=thread_id,
                checkpoint_ns=ns,
                checkpoint_id__in=[r.checkpoint_id for r in rows],
            )
            .order_by("id")
            .values_list("checkpoint_id", "task_id", "idx", "channel", "data")
        )
        for cid, task, idx, channel, data in table:
            if idx == PACKED_IDX:
                groups[cid].extend(unpack_writes(data))
            else:
                groups[cid].append((task, idx, channel, data))
        for r in rows:
            if r.writes:
                groups[r.checkpoint_id].extend(unpack_writes(r.writes))
        out: dict[str, list[tuple[str, int, str, str]]] = {}
        for cid, found in groups.items():
            latest = {(t, i): w for t, i, *w in found if i in _SPECIAL_IDXS}
            seen: set[tuple[str, int]] = set()
            kept = []
            for task, idx, channel, data in found:
                if (task, idx) in seen:
                    continue
                seen.add((task, idx))
                if idx in _SPECIAL_IDXS:
                    channel, data = latest[(task, idx)]
                kept.append((task, idx, channel, data))
            out[cid] = kept
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

    def _stream_rows(self, thread_id: str) -> list[Row]:
        return [
            Row(*r)
            for r in CheckpointRow.objects.using(self.using)
            .filter(thread_id=thread_id)
            .order_by("checkpoint_ns", "checkpoint_id")
            .values_list(*Row.__slots__)
        ]

    # --- serialisation -----------------------------------------------------------------

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

    def _metadata_needles(self, flt: dict[str, Any]) -> list[str]:
        """Text that metadata matching ``flt`` contains (``"key":value`` as serde writes
        it), to narrow the rows in SQL; the match itself is checked after loading. Not
        for metadata whose dicts had to be escaped (see _ESCAPED)."""
        return [
            self.serde.dumps({k: v})[1:-1]
            for k, v in flt.items()
            if isinstance(k, str) and isinstance(v, str | int) and not isinstance(v, bool)
        ]

    def _metadata(self, value: Any) -> dict[str, Any]:
        if isinstance(value, str | bytes):
            return self.serde.loads(value)
        return self.serde.loads(json.dumps(value))


def _append_params(group: str, key: list[Any]) -> list[Any]:
    """The parameters of the writes append on PostgreSQL (``_WRITES_APPEND_PG`` and its
    forms): the row's update, then the writes table's fallback row."""
    return [group, *key, *key, "", PACKED_IDX, "", group]


def _marks(n: int) -> str:
    return ", ".join(["%s"] * n)


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
