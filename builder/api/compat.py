"""LangGraph Server's JSON shapes as the API answers them: the row shapes (shared with
the services, see builder.shapes) and what only HTTP has, like locations."""

from __future__ import annotations

from builder.models import Run
from builder.shapes import (
    assistant_dict,
    assistant_version_dict,
    graph_id_of,
    run_dict,
    thread_dict,
)

__all__ = [
    "assistant_dict",
    "assistant_version_dict",
    "graph_id_of",
    "run_dict",
    "run_location",
    "thread_dict",
]


def run_location(run: Run) -> str:
    """Relative to the API root, as LangGraph Server sends it (the SDK joins it to its
    base URL, which already ends in /api)."""
    return f"/threads/{run.thread_id}/runs/{run.pk}"
