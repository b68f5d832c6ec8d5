"""Request bodies of the builder's own resources name only fields they declare.

A misspelt member (``expires_in_days`` for ``expires_in``) silently ignored is worse
than a refusal: the caller believes it took effect. The LangGraph-compatible endpoints
do not use this: the official SDK may send members this server does not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers


class StrictInput(serializers.Serializer):
    """A body serializer that answers 400 for every top-level member it does not declare."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            known = [name for name, field in self.fields.items() if not field.read_only]
            unknown = [key for key in data if key not in self.fields]
            if unknown:
                expected = ", ".join(known) or "no fields"
                raise serializers.ValidationError(
                    {key: [f"unknown field; expected one of: {expected}"] for key in unknown}
                )
        return super().to_internal_value(data)
