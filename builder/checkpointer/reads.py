"""Reading checkpoints back: a page of them in a fixed number of queries (see the package
docstring), their channel values rebuilt from deltas, their pending writes."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connections
from django.db.models import Q

from builder.checkpointer.serialisation import (
    BlobKey,
    RawBlob,
    Row,
    blob_channels,
    unpack_blobs,
    unpack_writes,
)
from builder.checkpointer.sql import (
    CHAIN,
    ESCAPED,
    LATEST,
    NAMED_BLOBS,
    NAMED_ROWS,
    PACKED_IDX,
    PAGE_SIZE,
    SPECIAL_IDXS,
    marks,
)
from builder.models import Checkpoint as CheckpointRow
from builder.models import CheckpointWrite
from runtime.checkpoint.base import (
    Checkpoint,
    CheckpointTuple,
    config_ids,
    make_config,
    materialise,
)

logger = logging.getLogger(__name__)


class CheckpointReads:
    """``get_tuple`` and ``list`` for ``DjangoCheckpointer`` (which holds ``using`` and the
    cache of recent channel versions)."""

    # --- reading -----------------------------------------------------------------------

    def get_tuple(self, config: dict[str, Any]) -> CheckpointTuple | None:
        """The named checkpoint, or the latest of the thread in the namespace: one query
        for the row and the ancestors its versions need."""
        thread_id, ns, checkpoint_id = config_ids(config)
        if checkpoint_id:
            found = self._chain(thread_id, ns, "= %s", [checkpoint_id])
        else:
            found = self._chain(thread_id, ns, LATEST, [thread_id, ns])
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
            rows = rows.filter(Q(metadata__contains=needle) | Q(metadata__contains=ESCAPED))
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
        sql = CHAIN.format(start=start)
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
            parts.append(NAMED_ROWS.format(rows="checkpoint_id <= %s"))
            params += [thread_id, ns, older_than]
        elif ids:
            parts.append(NAMED_ROWS.format(rows=f"checkpoint_id IN ({marks(len(ids))})"))
            params += [thread_id, ns, *ids]
        channels = sorted({c for c, _v in keys})
        where = f"channel IN ({marks(len(channels))})"
        blob_params: list[Any] = [thread_id, ns, *channels]
        if older_than is None:
            versions = sorted({v for _c, v in keys})
            where += f" AND version IN ({marks(len(versions))})"
            blob_params += versions
        parts.append(NAMED_BLOBS.format(blobs=where))
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
        WRITES_APPEND_ROW): the writes table's, then the row's."""
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
            latest = {(t, i): w for t, i, *w in found if i in SPECIAL_IDXS}
            seen: set[tuple[str, int]] = set()
            kept = []
            for task, idx, channel, data in found:
                if (task, idx) in seen:
                    continue
                seen.add((task, idx))
                if idx in SPECIAL_IDXS:
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

    def _metadata_needles(self, flt: dict[str, Any]) -> list[str]:
        """Text that metadata matching ``flt`` contains (``"key":value`` as serde writes
        it), to narrow the rows in SQL; the match itself is checked after loading. Not
        for metadata whose dicts had to be escaped (see ESCAPED)."""
        return [
            self.serde.dumps({k: v})[1:-1]
            for k, v in flt.items()
            if isinstance(k, str) and isinstance(v, str | int) and not isinstance(v, bool)
        ]

    def _metadata(self, value: Any) -> dict[str, Any]:
        if isinstance(value, str | bytes):
            return self.serde.loads(value)
        return self.serde.loads(json.dumps(value))


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
