"""``DjangoCheckpointer``: the engine's checkpointer on the project database.

Modules: ``saver`` (the class; storing), ``reads`` (reading back), ``sql`` (statements),
``serialisation`` (packing rows, blobs and writes), ``maintenance`` (delete, copy, prune,
export, import).

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

from builder.checkpointer.saver import DjangoCheckpointer

__all__ = ["DjangoCheckpointer"]
