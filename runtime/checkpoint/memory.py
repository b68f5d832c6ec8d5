"""InMemoryCheckpointer: the reference backend, for tests, scripts and the CLI.

It stores serialised values, like a database would, so a value that cannot be saved fails
here as it would in production, and nothing a node mutates later leaks into history.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any

from runtime.checkpoint.base import (
    ERROR,
    INTERRUPT,
    RESUME,
    BaseCheckpointer,
    Blob,
    Checkpoint,
    CheckpointTuple,
    config_ids,
    make_config,
    materialise,
)

_REPLACEABLE = frozenset({ERROR, INTERRUPT, RESUME})


class InMemoryCheckpointer(BaseCheckpointer):
    """Checkpoints in dicts, guarded by a lock (safe across threads)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        # (thread, ns) -> {checkpoint_id: (ts, channel versions, metadata json, parent_id)}
        self.checkpoints: dict[
            tuple[str, str], dict[str, tuple[str, dict[str, str], str, str | None]]
        ] = {}
        # (thread, ns, channel, version) -> (kind, data, base)
        self.blobs: dict[tuple[str, str, str, str], tuple[str, str | None, str | None]] = {}
        # (thread, ns, checkpoint_id) -> {(task_id, channel, idx): data}, in insertion order
        self.writes: dict[tuple[str, str, str], dict[tuple[str, str, int], str]] = {}

    # --- writing -------------------------------------------------------------------

    def put(
        self,
        config: dict[str, Any],
        checkpoint: Checkpoint,
        metadata: dict[str, Any],
        blobs: dict[str, Blob],
    ) -> dict[str, Any]:
        thread_id, ns, parent_id = config_ids(config)
        dumps = self.serde.dumps
        rows = {}
        for channel, blob in blobs.items():
            data = None if blob.kind == "empty" else dumps(blob.value)
            rows[(thread_id, ns, channel, blob.version)] = (blob.kind, data, blob.base)
        meta = dumps(metadata)
        versions = dict(checkpoint.channel_versions)  # str -> str: immutable, no need to encode
        with self._lock:
            self.blobs.update(rows)
            self.checkpoints.setdefault((thread_id, ns), {})[checkpoint.id] = (
                checkpoint.ts,
                versions,
                meta,
                parent_id,
            )
        return make_config(thread_id, ns, checkpoint.id)

    def put_writes(
        self, config: dict[str, Any], writes: Sequence[tuple[str, Any]], task_id: str
    ) -> None:
        thread_id, ns, checkpoint_id = config_ids(config)
        if checkpoint_id is None:
            raise ValueError("put_writes needs a config naming a checkpoint")
        dumps = self.serde.dumps
        rows = [
            ((task_id, channel, idx), channel, dumps(value))
            for idx, (channel, value) in enumerate(writes)
        ]
        with self._lock:
            bucket = self.writes.setdefault((thread_id, ns, checkpoint_id), {})
            for key, channel, data in rows:
                if channel in _REPLACEABLE or key not in bucket:
                    bucket[key] = data

    # --- reading -------------------------------------------------------------------

    def _tuple(self, thread_id: str, ns: str, cid: str) -> CheckpointTuple:
        loads = self.serde.loads
        ts, stored_versions, meta_json, parent_id = self.checkpoints[(thread_id, ns)][cid]
        versions = dict(stored_versions)

        def load_blob(channel: str, version: str) -> tuple[str, Any, str | None]:
            kind, data, base = self.blobs[(thread_id, ns, channel, version)]
            return kind, (None if data is None else loads(data)), base

        values = materialise(versions, load_blob)
        writes = [
            (task_id, channel, loads(data))
            for (task_id, channel, _idx), data in self.writes.get((thread_id, ns, cid), {}).items()
        ]
        return CheckpointTuple(
            config=make_config(thread_id, ns, cid),
            checkpoint=Checkpoint(id=cid, ts=ts, channel_versions=versions, channel_values=values),
            metadata=loads(meta_json),
            parent_config=make_config(thread_id, ns, parent_id) if parent_id else None,
            pending_writes=writes,
        )

    def get_tuple(self, config: dict[str, Any]) -> CheckpointTuple | None:
        thread_id, ns, cid = config_ids(config)
        with self._lock:
            saved = self.checkpoints.get((thread_id, ns))
            if not saved:
                return None
            if cid is None:
                cid = max(saved)
            elif cid not in saved:
                return None
            return self._tuple(thread_id, ns, cid)

    def list(
        self,
        config: dict[str, Any] | None,
        *,
        filter: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        with self._lock:
            if config is None:
                keys = sorted(self.checkpoints)
                wanted_id = None
            else:
                thread_id, ns, wanted_id = config_ids(config)
                conf = config.get("configurable") or {}
                if "checkpoint_ns" in conf:
                    keys = [(thread_id, ns)]
                else:
                    keys = sorted(k for k in self.checkpoints if k[0] == thread_id)
            before_id = (before or {}).get("configurable", {}).get("checkpoint_id")
            found: list[tuple[str, str, str]] = []
            for key in keys:
                for cid in self.checkpoints.get(key, {}):
                    if wanted_id is not None and cid != wanted_id:
                        continue
                    if before_id is not None and cid >= before_id:
                        continue
                    found.append((cid, key[0], key[1]))
            found.sort(reverse=True)
            out = []
            for cid, thread_id, ns in found:
                item = self._tuple(thread_id, ns, cid)
                if filter and any(item.metadata.get(k) != v for k, v in filter.items()):
                    continue
                out.append(item)
                if limit is not None and len(out) >= limit:
                    break
        yield from out

    # --- maintenance ---------------------------------------------------------------

    def delete_thread(self, thread_id: str) -> None:
        with self._lock:
            stores: tuple[dict[Any, Any], ...] = (self.checkpoints, self.blobs, self.writes)
            for store in stores:
                for key in [k for k in store if k[0] == thread_id]:
                    del store[key]

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        with self._lock:
            stores: tuple[dict[Any, Any], ...] = (self.checkpoints, self.blobs, self.writes)
            for store in stores:
                for key in [k for k in store if k[0] == source_thread_id]:
                    value = store[key]
                    store[(target_thread_id, *key[1:])] = (
                        dict(value) if isinstance(value, dict) else value
                    )

    def prune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        if strategy == "delete":
            for t in thread_ids:
                self.delete_thread(t)
            return
        if strategy != "keep_latest":
            raise ValueError(f"unknown prune strategy {strategy!r}: use keep_latest or delete")
        with self._lock:
            for thread_id in thread_ids:
                for key in [k for k in self.checkpoints if k[0] == thread_id]:
                    ns = key[1]
                    saved = self.checkpoints[key]
                    latest = max(saved)
                    tup = self._tuple(thread_id, ns, latest)
                    ts, _v, meta, _parent = saved[latest]
                    for bkey in [b for b in self.blobs if b[0] == thread_id and b[1] == ns]:
                        del self.blobs[bkey]
                    for wkey in [
                        w
                        for w in self.writes
                        if w[0] == thread_id and w[1] == ns and w[2] != latest
                    ]:
                        del self.writes[wkey]
                    blobs = {
                        ch: Blob(tup.checkpoint.channel_versions[ch], "full", v)
                        for ch, v in tup.checkpoint.channel_values.items()
                    }
                    for ch, blob in blobs.items():
                        self.blobs[(thread_id, ns, ch, blob.version)] = (
                            "full",
                            self.serde.dumps(blob.value),
                            None,
                        )
                    versions = {
                        ch: ver
                        for ch, ver in tup.checkpoint.channel_versions.items()
                        if ch in blobs
                    }
                    self.checkpoints[key] = {latest: (ts, versions, meta, None)}

    async def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        # the lock is held briefly: run inline instead of hopping to a thread
        return fn(*args, **kwargs)


InMemorySaver = InMemoryCheckpointer
MemorySaver = InMemoryCheckpointer
