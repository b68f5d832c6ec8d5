"""Where and how runs execute: dispatch, the executors, the run body, graph loading.

Imports go one way: the API, consumers and services call into this package; it calls the
engine (``runtime``) and the stores below it (models, checkpointer, store, event log),
never services, selectors, the API or the consumers.

- ``dispatch``: ``dispatch(run_id)`` hands a run to the configured executor (thread pool,
  Celery, or the caller's thread); the sweeper re-dispatches stale runs.
- ``lifecycle``: the worker side of a run's life: claim, heartbeat, finish.
- ``driver``: the run body: load the graph, drive it, record its events, finish.
- ``graphs``: a run's graph (spec version, draft or code graph), compiled and bound.
- ``credentials``: a workspace's provider credentials, decrypted for a run.
- ``webhooks``: a finished run's webhook, checked and delivered.
"""

from __future__ import annotations

# Registers the run body with the dispatcher (see builder.execution.dispatch).
from builder.execution import driver as driver
