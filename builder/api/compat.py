"""What only HTTP adds to LangGraph Server's payloads (which builder.wire builds)."""

from __future__ import annotations

from builder.models import Run


def run_location(run: Run) -> str:
    """Relative to the API root, as LangGraph Server sends it (the SDK joins it to its
    base URL, which already ends in /api)."""
    return f"/threads/{run.thread_id}/runs/{run.pk}"
