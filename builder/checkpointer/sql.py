"""The SQL of ``DjangoCheckpointer``: statements and the numbers that shape its rows."""

from __future__ import annotations

from typing import Any

from runtime.checkpoint.base import ERROR, INTERRUPT, RESUME, SCHEDULED

# Writes to these channels get a fixed negative index, so a second write of the same kind
# by the same task replaces the first (an interrupt resumed, an error retried) while
# ordinary writes keep their position and are written once.
SPECIAL_WRITE_IDX = {ERROR: -1, SCHEDULED: -2, INTERRUPT: -3, RESUME: -4}
SPECIAL_IDXS = frozenset(SPECIAL_WRITE_IDX.values())
# The index of a writes-table row holding packed writes (see WRITES_APPEND_ROW).
PACKED_IDX = -100

PAGE_SIZE = 100
# A checkpoint stores all its channel versions at least this often along a branch, which
# bounds the parents a read walks.
SNAPSHOT_EVERY = 32
# Versions of recently stored checkpoints, to store their children's as deltas.
RECENT_VERSIONS = 256

# The hot path of ``put`` and ``put_writes`` (see there). Table and column names are the
# models' (``builder.models.checkpoints``).
BLOB_COLUMNS = "(thread_id, checkpoint_ns, channel, version, kind, base, data)"
BLOB_INSERT = (
    f"INSERT INTO builder_checkpointblob {BLOB_COLUMNS} VALUES {{values}} "
    "ON CONFLICT (thread_id, checkpoint_ns, channel, version) DO NOTHING"
)
BLOBS_CTE_PG = f"new_blobs AS ({BLOB_INSERT})"
CHECKPOINT_UPSERT = (
    "INSERT INTO builder_checkpoint (thread_id, checkpoint_ns, checkpoint_id, parent_id, ts, "
    "metadata, depth, versions, blobs) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id) DO UPDATE SET "
    "parent_id = excluded.parent_id, ts = excluded.ts, metadata = excluded.metadata, "
    "depth = excluded.depth, versions = excluded.versions, blobs = excluded.blobs"
)
WRITE_COLUMNS = "(thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, data)"
WRITE_KEY = "(thread_id, checkpoint_ns, checkpoint_id, task_id, idx)"
# Pending writes are appended to their checkpoint's row (``writes``: groups framed by
# pack_writes), or, when that row is not stored (yet), to one writes-table row per
# checkpoint. A read keeps, per (task, index), the first stored ordinary write and the
# last stored special one (at the position of its first): a task's writes are stored
# once, an interrupt, resume or error replaces the previous one.
WRITES_APPEND_ROW = (
    "UPDATE builder_checkpoint SET writes = coalesce(writes, '') || %s "
    "WHERE thread_id = %s AND checkpoint_ns = %s AND checkpoint_id = %s"
)
WRITES_APPEND_TABLE = (
    f"INSERT INTO builder_checkpointwrite {WRITE_COLUMNS} {{values}} "
    f"ON CONFLICT {WRITE_KEY} DO UPDATE SET data = builder_checkpointwrite.data || excluded.data"
)
WRITES_APPEND_PG = "WITH {prefix}appended AS ({update} RETURNING 1) " + WRITES_APPEND_TABLE.format(
    values="SELECT %s, %s, %s, %s, %s, %s, %s WHERE NOT EXISTS (SELECT 1 FROM appended)"
)
# The same, committed without waiting for its WAL flush (see put_writes): the setting is
# local to the statement's own transaction, i.e. to this statement.
WRITES_APPEND_PG_NO_WAIT = WRITES_APPEND_PG.format(
    prefix="no_wait AS (SELECT set_config('synchronous_commit', 'off', true) AS v), ",
    update=WRITES_APPEND_ROW + " AND (SELECT v FROM no_wait) IS NOT NULL",
)
WRITES_APPEND_PG = WRITES_APPEND_PG.format(prefix="", update=WRITES_APPEND_ROW)
# The same as CTEs ahead of a checkpoint's upsert (``put_step``).
WRITES_APPEND_CTES = (
    f"appended AS ({WRITES_APPEND_ROW} RETURNING 1), appended_apart AS ("
    + WRITES_APPEND_TABLE.format(
        values="SELECT %s, %s, %s, %s, %s, %s, %s WHERE NOT EXISTS (SELECT 1 FROM appended)"
    )
    + ")"
)
ROW_COLUMNS = "checkpoint_id, parent_id, ts, metadata, depth, versions, blobs, writes"
# The rows ``{start}`` selects and the ancestors their versions need, up to the snapshot.
# ``p.depth < c.depth`` keeps a malformed history from looping.
CHAIN = (
    f"WITH RECURSIVE chain({ROW_COLUMNS}) AS ("
    f"SELECT {ROW_COLUMNS} FROM builder_checkpoint "
    "WHERE thread_id = %s AND checkpoint_ns = %s AND checkpoint_id {start} "
    "UNION ALL SELECT p.checkpoint_id, p.parent_id, p.ts, p.metadata, p.depth, p.versions, "
    "p.blobs, p.writes FROM chain c JOIN builder_checkpoint p ON p.thread_id = %s "
    "AND p.checkpoint_ns = %s AND p.checkpoint_id = c.parent_id "
    f"WHERE c.depth > 0 AND p.depth < c.depth) SELECT {ROW_COLUMNS} FROM chain"
)
LATEST = (
    "= (SELECT max(checkpoint_id) FROM builder_checkpoint "
    "WHERE thread_id = %s AND checkpoint_ns = %s)"
)
# Where named versions are found: checkpoint rows (their inline blobs) and blob rows.
NAMED_ROWS = (
    "SELECT checkpoint_id, NULL, parent_id, blobs, NULL FROM builder_checkpoint "
    "WHERE thread_id = %s AND checkpoint_ns = %s AND {rows}"
)
NAMED_BLOBS = (
    "SELECT version, channel, kind, data, base FROM builder_checkpointblob "
    "WHERE thread_id = %s AND checkpoint_ns = %s AND {blobs}"
)

# serde's form of a dict that carries its tag key: keys no longer appear as ``"key":``.
ESCAPED = '"__sy__":"dict"'


def append_params(group: str, key: list[Any]) -> list[Any]:
    """The parameters of the writes append on PostgreSQL (``WRITES_APPEND_PG`` and its
    forms): the row's update, then the writes table's fallback row."""
    return [group, *key, *key, "", PACKED_IDX, "", group]


def marks(n: int) -> str:
    return ", ".join(["%s"] * n)


def placeholders(rows: int, columns: int = 7) -> str:
    """``(%s, ...), ...``: the VALUES of a multi-row insert."""
    row = "(" + ", ".join(["%s"] * columns) + ")"
    return ", ".join([row] * rows)
