"""The checkpointer interface: what the engine asks of any persistence backend.

A checkpoint is a snapshot of every channel after a super-step. Backends store it in
three parts so that storage grows linearly with the steps of a thread:

- the checkpoint row: id, parent id, timestamp, metadata and ``channel_versions``
  (channel name -> version string);
- channel blobs, one per (thread, namespace, channel, version): a channel's value is
  stored once when it changes, never copied into later checkpoints. A blob is either
  ``full`` (the whole value), ``delta`` (items appended to the value at ``base``, for
  append-only channels such as ``operator.add`` lists and ``add_messages``) or ``empty``
  (the channel was cleared);
- pending writes: what each finished task of the step after the checkpoint wrote, saved
  as each task finishes so a crash re-runs only the unfinished tasks.

The engine serialises nothing itself: backends own a ``serde`` (``runtime.checkpoint.serde``)
and call it on ``put`` / ``put_writes``; values come back deserialised.

Backends implement the synchronous methods. The async ``a*`` methods default to running
the synchronous ones in a worker thread; a backend may override them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from runtime.checkpoint import serde as _serde

# Special channel names used in pending writes.
ERROR = "__error__"
INTERRUPT = "__interrupt__"
RESUME = "__resume__"
SCHEDULED = "__scheduled__"

BlobKind = Literal["full", "delta", "empty"]


@dataclass(frozen=True, slots=True)
class Blob:
    """One new version of one channel, as handed to ``put``.

    ``kind == "delta"``: ``value`` is the list of items appended to the value the channel
    had at version ``base`` (itself a blob of the same thread, namespace and channel).
    """

    version: str
    kind: BlobKind
    value: Any = None
    base: str | None = None


@dataclass(slots=True)
class Checkpoint:
    """A snapshot of the channels. ``channel_values`` is materialised on read."""

    id: str
    ts: str
    channel_versions: dict[str, str]
    channel_values: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class CheckpointTuple:
    """A checkpoint with its config, metadata, parent and pending writes."""

    config: dict[str, Any]
    checkpoint: Checkpoint
    metadata: dict[str, Any]
    parent_config: dict[str, Any] | None = None
    # (task_id, channel, value) in the order they were written
    pending_writes: list[tuple[str, str, Any]] = field(default_factory=list)


def config_ids(config: dict[str, Any]) -> tuple[str, str, str | None]:
    """Return (thread_id, checkpoint_ns, checkpoint_id) from a config.

    Raises ``ValueError`` naming the missing key when ``thread_id`` is absent.
    """
    conf = config.get("configurable") or {}
    thread_id = conf.get("thread_id")
    if thread_id is None or thread_id == "":
        raise ValueError(
            "this graph has a checkpointer, so its config needs "
            "{'configurable': {'thread_id': ...}}"
        )
    return str(thread_id), conf.get("checkpoint_ns", "") or "", conf.get("checkpoint_id")


def make_config(thread_id: str, checkpoint_ns: str, checkpoint_id: str) -> dict[str, Any]:
    """The config that points at one checkpoint."""
    return {
        "configurable": {
            "thread_id": thread_id,
            "checkpoint_ns": checkpoint_ns,
            "checkpoint_id": checkpoint_id,
        }
    }


class BaseCheckpointer:
    """Persistence for checkpoints, channel blobs and pending writes.

    Every method takes a config shaped ``{"configurable": {"thread_id", "checkpoint_ns",
    "checkpoint_id"}}``; ``checkpoint_ns`` is ``""`` for the root graph and
    ``"node:task_id"`` (joined by ``|`` when nested) for subgraphs.
    """

    serde = _serde

    # --- required -------------------------------------------------------------------

    def put(
        self,
        config: dict[str, Any],
        checkpoint: Checkpoint,
        metadata: dict[str, Any],
        blobs: dict[str, Blob],
    ) -> dict[str, Any]:
        """Store ``checkpoint`` as a child of ``config``'s checkpoint (if it names one).

        ``blobs`` holds the channels whose version changed in this checkpoint;
        ``checkpoint.channel_values`` is ignored. Returns the config of the stored checkpoint.
        """
        raise NotImplementedError

    def put_writes(
        self,
        config: dict[str, Any],
        writes: Sequence[tuple[str, Any]],
        task_id: str,
    ) -> None:
        """Store the writes of one task against the checkpoint ``config`` names.

        A write is identified by (checkpoint, task_id, channel, idx) where idx is its index
        in ``writes``. Writing the same key again replaces the stored value for the
        ``RESUME``/``INTERRUPT``/``ERROR`` channels and is ignored for every other channel
        (a task's writes are saved once, when it finishes; a re-delivered save is a no-op).
        ``pending_writes`` returns writes in the order they were first stored.
        """
        raise NotImplementedError

    def put_step(
        self,
        config: dict[str, Any],
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        checkpoint: Checkpoint,
        metadata: dict[str, Any],
        blobs: dict[str, Blob],
    ) -> dict[str, Any]:
        """Store the last task's writes against ``config``'s checkpoint, then the child
        ``checkpoint`` that ends the step: ``put_writes`` then ``put``, as one operation.

        The engine calls it (durability ``sync``) when the step's last task finishes, as
        nothing can happen between the two calls. A database backend can do both in one
        round trip and one commit; the default makes the two calls.
        """
        self.put_writes(config, writes, task_id)
        return self.put(config, checkpoint, metadata, blobs)

    def get_tuple(self, config: dict[str, Any]) -> CheckpointTuple | None:
        """The checkpoint ``config`` names, or the thread's latest in that namespace."""
        raise NotImplementedError

    def list(
        self,
        config: dict[str, Any] | None,
        *,
        filter: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        """Checkpoints newest first. ``config`` selects a thread (and namespace, and with a
        checkpoint_id only that checkpoint); ``filter`` matches metadata keys for equality;
        ``before`` keeps checkpoints older than the one it names."""
        raise NotImplementedError

    def delete_thread(self, thread_id: str) -> None:
        """Delete every checkpoint, blob and write of a thread (all namespaces)."""
        raise NotImplementedError

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Copy a thread's whole history under a new thread id (ids of checkpoints kept)."""
        raise NotImplementedError

    def prune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        """Shrink threads' storage. ``keep_latest``: keep only each namespace's latest
        checkpoint (its values re-stored as full blobs) and its pending writes;
        ``delete``: delete the threads."""
        raise NotImplementedError

    # --- async wrappers ---------------------------------------------------------------

    async def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """How the async methods run a synchronous one. Default: a worker thread.

        Backends override this one hook (not each ``a*`` method): an in-memory backend runs
        inline, a database backend on the executor that owns its connection.
        """
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def aput(self, config, checkpoint, metadata, blobs):
        return await self._call(self.put, config, checkpoint, metadata, blobs)

    async def aput_writes(self, config, writes, task_id):
        return await self._call(self.put_writes, config, writes, task_id)

    async def aput_step(self, config, writes, task_id, checkpoint, metadata, blobs):
        return await self._call(self.put_step, config, writes, task_id, checkpoint, metadata, blobs)

    async def aget_tuple(self, config):
        return await self._call(self.get_tuple, config)

    async def alist(self, config, *, filter=None, before=None, limit=None):
        items = await self._call(
            lambda: list(self.list(config, filter=filter, before=before, limit=limit))
        )
        for item in items:
            yield item

    async def adelete_thread(self, thread_id):
        return await self._call(self.delete_thread, thread_id)


def materialise(
    versions: dict[str, str],
    load_blob: Any,
) -> dict[str, Any]:
    """Rebuild channel values from blobs.

    ``load_blob(channel, version) -> (kind, value, base)`` returns a deserialised blob.
    Deltas are followed back to their full base and concatenated in order.
    """
    values: dict[str, Any] = {}
    for channel, version in versions.items():
        chain: list[Any] = []
        v: str | None = version
        kind: str = "delta"
        value: Any = None
        while v is not None:
            kind, value, base = load_blob(channel, v)
            if kind != "delta":
                break
            chain.append(value)
            v = base
        if kind == "empty" or (kind == "delta" and v is None):
            if not chain:
                continue
            value = []
        if chain:
            value = list(value) if value is not None else []
            for items in reversed(chain):
                value.extend(items)
        values[channel] = value
    return values
