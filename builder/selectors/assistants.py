"""Reads about assistants: their version history."""

from __future__ import annotations

from typing import Any

from builder.models import Assistant, AssistantVersion


def assistant_versions(
    *,
    assistant: Assistant,
    metadata: dict[str, Any] | None = None,
    limit: int = 10,
    offset: int = 0,
) -> list[AssistantVersion]:
    """A page of the assistant's versions, newest first; ``metadata`` matches exactly key
    by key (LangGraph Server's filter). Filtered in Python: JSON containment is not
    available on SQLite, and an assistant has few versions."""
    versions = list(assistant.versions.select_related("graph").order_by("-version"))
    if metadata:
        versions = [
            v
            for v in versions
            if all(
                isinstance(v.metadata, dict) and key in v.metadata and v.metadata[key] == value
                for key, value in metadata.items()
            )
        ]
    return versions[offset : offset + limit]
