"""Saving a run's checkpoints and task writes, per durability mode.

``sync``: each checkpoint is stored before the next step starts. ``async``: a checkpoint is
stored while the next step runs, with at most one save in flight (never a growing queue).
``exit``: nothing is stored until the run ends, then the last checkpoint and its writes.

Task writes always go after the checkpoint they belong to, so a database backend can rely
on the checkpoint row existing. With ``sync``, the writes of a step's last task are held
and stored with the checkpoint that ends the step (``put_step``: one round trip, one
commit): nothing runs between the two, so a crash between them costs what a crash a
moment earlier would, that task running again.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from runtime.channels import MISSING, BaseChannel
from runtime.checkpoint.base import ERROR, INTERRUPT, Blob, Checkpoint, make_config
from runtime.errors import SerializationError


class Saver:
    """Owns the ordering and bounding of checkpointer calls for one loop."""

    def __init__(self, checkpointer: Any, durability: str, thread_id: Any, ns: str) -> None:
        self.cp = checkpointer
        self.durability = durability
        self.thread_id = None if thread_id is None else str(thread_id)
        self.ns = ns
        self.saved_config: dict[str, Any] | None = None  # the newest checkpoint actually stored
        self.background: asyncio.Future[Any] | None = None
        self.pending: list[asyncio.Future[Any]] = []
        self.unsaved: set[str] = set()
        self.stored: dict[str, tuple[str, Any, int]] = {}  # channel -> (version, list, length)
        self.exit_checkpoint: tuple[Checkpoint, dict[str, Any]] | None = None
        self.exit_writes: list[tuple[str, str, list[tuple[str, Any]]]] = []
        # sync: the last task's writes, (cid, task_id, writes, node), until the checkpoint
        self.held: tuple[str, str, list[tuple[str, Any]], str | None] | None = None
        self.aloop: asyncio.AbstractEventLoop | None = None
        self.thread = 0

    def start(self) -> None:
        self.aloop = asyncio.get_running_loop()
        self.thread = threading.get_ident()

    def config_for(self, cid: str | None) -> dict[str, Any] | None:
        if cid is None or self.thread_id is None:
            return None
        return make_config(self.thread_id, self.ns, cid)

    def loaded(
        self, config: dict[str, Any], channels: dict[str, BaseChannel], versions: dict[str, str]
    ) -> None:
        """Remember what a loaded checkpoint stored, so later list values save as deltas."""
        self.saved_config = config
        for k, ch in channels.items():
            v = ch.value
            if isinstance(v, list) and k in versions:
                self.stored[k] = (versions[k], v, len(v))

    # --- checkpoints ---------------------------------------------------------------

    async def checkpoint(
        self,
        ckpt: Checkpoint,
        metadata: dict[str, Any],
        channels: dict[str, BaseChannel],
        changed: set[str],
        ran: list[str],
    ) -> None:
        """Store (or, per durability, queue) a new checkpoint with the changed channels."""
        self.unsaved |= changed
        if self.durability == "exit":
            self.exit_checkpoint = (ckpt, metadata)
            return
        blobs = self._blobs(ckpt.channel_versions, channels)
        parent = self._parent_config()
        held, self.held = self.held, None
        if held is not None and held[0] != parent["configurable"].get("checkpoint_id"):
            self._store_writes(*held)
            held = None
        self.saved_config = self.config_for(ckpt.id)
        await self._schedule(self._put(parent, ckpt, metadata, blobs, ran, held))

    def _parent_config(self) -> dict[str, Any]:
        return self.saved_config or {
            "configurable": {"thread_id": self.thread_id, "checkpoint_ns": self.ns}
        }

    def _blobs(self, versions: dict[str, str], channels: dict[str, BaseChannel]) -> dict[str, Blob]:
        """The new channel versions to store: lists that only grew become deltas."""
        blobs: dict[str, Blob] = {}
        for ch in self.unsaved:
            version = versions[ch]
            channel = channels[ch]
            value = channel.value
            if value is MISSING:
                blobs[ch] = Blob(version, "empty")
                self.stored.pop(ch, None)
                continue
            if not isinstance(value, list):
                blobs[ch] = Blob(version, "full", value)
                self.stored.pop(ch, None)
                continue
            prev = self.stored.get(ch)
            base_len = None
            if prev is not None:
                mark = getattr(channel, "mark", None)
                if mark is not None and mark[0] is prev[1]:
                    base_len = mark[1]  # the channel knows it only appended since then
                elif _extends(value, prev[1], prev[2]):
                    base_len = prev[2]
            if base_len is not None:
                blobs[ch] = Blob(version, "delta", value[base_len:], base=prev[0])  # type: ignore[index]
            else:
                blobs[ch] = Blob(version, "full", value)
            self.stored[ch] = (version, value, len(value))
            if hasattr(channel, "mark"):
                channel.mark = (value, len(value))
        self.unsaved = set()
        return blobs

    async def _put(
        self,
        parent: dict[str, Any],
        ckpt: Checkpoint,
        metadata: dict[str, Any],
        blobs: dict[str, Blob],
        ran: list[str],
        held: tuple[str, str, list[tuple[str, Any]], str | None] | None = None,
    ) -> None:
        try:
            if held is None:
                await self.cp.aput(parent, ckpt, metadata, blobs)
            else:
                _cid, task_id, writes, _node = held
                await self.cp.aput_step(parent, writes, task_id, ckpt, metadata, blobs)
        except TypeError as exc:
            values = {k: b.value for k, b in blobs.items()}
            if held is not None:
                values.update((ch, v) for ch, v in held[2] if ch not in (INTERRUPT, ERROR))
            raise self._serialisation_error(exc, values, ran) from exc

    def _serialisation_error(
        self, exc: Exception, values: dict[str, Any], nodes: list[str]
    ) -> SerializationError:
        who = ", ".join(repr(n) for n in nodes) or "?"
        for channel, value in values.items():
            try:
                self.cp.serde.dumps(value)
            except TypeError as inner:
                return SerializationError(
                    f"Node {who} wrote a value to channel {channel!r} that cannot be saved: {inner}"
                )
        return SerializationError(f"Node {who} wrote a value that cannot be saved: {exc}")

    # --- writes --------------------------------------------------------------------

    def writes(
        self,
        cid: str | None,
        task_id: str,
        writes: list[tuple[str, Any]],
        node: str | None,
        *,
        last: bool = False,
    ) -> None:
        """Store a task's writes against checkpoint ``cid`` once that checkpoint is stored.

        ``last``: no other task of the step is running, so (unless the step fails) the
        next call is the checkpoint that ends it; with ``sync`` the writes wait for it.
        """
        if cid is None:
            return
        if self.durability == "exit":
            self.exit_writes.append((cid, task_id, writes))
            return
        self._release_held()
        if (
            last
            and self.durability == "sync"
            and not any(ch in (INTERRUPT, ERROR) for ch, _ in writes)
        ):
            self.held = (cid, task_id, writes, node)
            return
        self._store_writes(cid, task_id, writes, node)

    def _release_held(self) -> None:
        """Held writes go the ordinary way when something other than their checkpoint comes."""
        if self.held is not None:
            held, self.held = self.held, None
            self._store_writes(*held)

    def _store_writes(
        self, cid: str, task_id: str, writes: list[tuple[str, Any]], node: str | None
    ) -> None:
        fut = asyncio.ensure_future(
            self._put_writes(self.background, self.config_for(cid), writes, task_id, node)
        )
        self.pending.append(fut)

    async def _put_writes(
        self,
        bg: asyncio.Future[Any] | None,
        cfg: dict[str, Any] | None,
        writes: list[tuple[str, Any]],
        task_id: str,
        node: str | None,
    ) -> None:
        # ``bg`` is the checkpoint save in flight when the writes were made. It is taken at
        # creation: a later save (which waits for these writes) would deadlock.
        if bg is not None:
            await asyncio.shield(bg)
        try:
            await self.cp.aput_writes(cfg, writes, task_id)
        except TypeError as exc:
            values = {ch: v for ch, v in writes if ch not in (INTERRUPT, ERROR)}
            raise self._serialisation_error(exc, values, [node] if node else []) from exc

    def write_now(self, cid: str | None, task_id: str, writes: list[tuple[str, Any]]) -> None:
        """Store writes right away (``once`` results), from the loop or a node's thread."""
        if cid is None:
            return
        if threading.get_ident() == self.thread:
            self._release_held()
        coro = self.cp.aput_writes(self.config_for(cid), writes, task_id)
        if threading.get_ident() == self.thread:
            self.pending.append(asyncio.ensure_future(coro))
        elif self.aloop is not None:
            asyncio.run_coroutine_threadsafe(coro, self.aloop).result()

    # --- ordering ------------------------------------------------------------------

    async def _schedule(self, coro: Any) -> None:
        writes = self.pending
        self.pending = []

        async def chain(prev: asyncio.Future[Any] | None) -> None:
            try:
                if prev is not None:
                    await prev
                for w in writes:
                    await w
            except BaseException:
                coro.close()  # an earlier save failed: this one will not run
                raise
            await coro

        # Saves are shielded from the run's cancellation: a cancelled run still stores
        # every checkpoint it made (``flush`` waits for them); only the step that was
        # running is lost.
        prev = self.background
        self.background = asyncio.ensure_future(chain(prev))
        if self.durability == "sync":
            await asyncio.shield(self.background)
            self.background = None
        elif prev is not None and not prev.done():
            await asyncio.shield(
                prev
            )  # bounded: at most one save in flight while the next step runs

    def drop_exit(self) -> None:
        """Durability ``exit``: forget the run's final checkpoint and writes (not stored)."""
        self.exit_checkpoint = None
        self.exit_writes = []

    async def flush(
        self, versions: dict[str, str], channels: dict[str, BaseChannel], last_id: str | None
    ) -> None:
        """Wait for background saves; with durability exit, store the final state now."""
        self._release_held()
        try:
            if self.durability == "exit":
                if self.exit_checkpoint is not None:
                    ckpt, metadata = self.exit_checkpoint
                    ckpt.channel_versions = dict(versions)
                    parent = self._parent_config()
                    await self._put(parent, ckpt, metadata, self._blobs(versions, channels), [])
                    self.saved_config = self.config_for(ckpt.id)
                    self.exit_checkpoint = None
                for cid, task_id, writes in self.exit_writes:
                    if cid == last_id:
                        await self.cp.aput_writes(self.config_for(cid), writes, task_id)
                self.exit_writes = []
            if self.background is not None:
                bg, self.background = self.background, None
                await bg
            while self.pending:
                await self.pending.pop(0)
        finally:
            for w in self.pending:
                w.cancel()
            self.pending = []


def _extends(new: list[Any], old: list[Any], length: int) -> bool:
    """Whether ``new`` starts with the first ``length`` items of ``old`` (the same objects)."""
    if len(new) < length or len(old) < length:
        return False
    for i in range(length):
        if new[i] is not old[i]:
            return False
    return True
