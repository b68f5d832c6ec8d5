"""Caps on free text and metadata in request bodies: a clear 400 instead of rows of any
size (a 200 KB version note was accepted) or a database error on a column's limit."""

from __future__ import annotations

import json
from typing import Any

from builder.api.views.base import JSONObjectField

MAX_NAME = 200  # Graph.name, Assistant.name: CharField(max_length=200)
MAX_DESCRIPTION = 5_000
MAX_NOTE = 2_000  # a version's note
MAX_METADATA_BYTES = 64 * 1024  # thread, run and assistant metadata, as JSON


class MetadataField(JSONObjectField):
    """A JSON object of at most ``MAX_METADATA_BYTES`` when encoded."""

    default_error_messages = {
        **JSONObjectField.default_error_messages,
        "too_large": f"at most {MAX_METADATA_BYTES // 1024} KB of JSON",
    }

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if value is not None:
            size = len(json.dumps(value, ensure_ascii=False, default=str).encode())
            if size > MAX_METADATA_BYTES:
                self.fail("too_large")
        return value
