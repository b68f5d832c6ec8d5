"""Serializer fields for LangGraph Server's request bodies (values that are "a string or a
list of strings", checkpoints, commands)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from builder.api.sse import STREAM_MODES


@extend_schema_field(
    {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
)
class StringOrListField(serializers.Field):
    """``"x"`` or ``["x", "y"]`` (returned as a list); ``choices`` limits the strings."""

    def __init__(self, *, choices: tuple[str, ...] | None = None, **kwargs: Any) -> None:
        self.choices = choices
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        items = [data] if isinstance(data, str) else data
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise serializers.ValidationError("expected a string or a list of strings")
        if self.choices is not None:
            bad = [i for i in items if i not in self.choices]
            if bad:
                raise serializers.ValidationError(
                    f"{', '.join(map(repr, bad))}: expected one of {', '.join(self.choices)}"
                )
        return items

    def to_representation(self, value: Any) -> Any:
        return value


def stream_mode_field() -> StringOrListField:
    return StringOrListField(choices=STREAM_MODES, required=False, allow_null=True)


def nodes_field() -> StringOrListField:
    """``"*"`` (every node) or a list of node names."""
    return StringOrListField(required=False, allow_null=True)


class CheckpointInput(serializers.Serializer):
    thread_id = serializers.CharField(required=False, allow_null=True)
    checkpoint_ns = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    checkpoint_id = serializers.CharField(required=False, allow_null=True)
    checkpoint_map = serializers.JSONField(required=False, allow_null=True)


class CommandInput(serializers.Serializer):
    resume = serializers.JSONField(required=False, allow_null=True)
    update = serializers.JSONField(required=False, allow_null=True)
    goto = serializers.JSONField(required=False, allow_null=True)

    def validate_update(self, value: Any) -> Any:
        if value is None or isinstance(value, dict):
            return value
        if isinstance(value, list) and all(
            isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in value
        ):
            return value
        raise serializers.ValidationError("expected an object or a list of [key, value] pairs")

    def validate_goto(self, value: Any) -> Any:
        """A node name, a Send (``{"node": name, "input": value}``), or a list of them."""
        if value is None:
            return value
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if isinstance(item, str) and item:
                continue
            where = f"item {i}: " if isinstance(value, list) else ""
            if not isinstance(item, dict):
                raise serializers.ValidationError(
                    f"{where}expected a node name or a Send object "
                    '({"node": "<name>", "input": <value>})'
                )
            unknown = sorted(set(item) - {"node", "input"})
            if unknown:
                raise serializers.ValidationError(
                    f"{where}unknown Send key(s) {', '.join(unknown)}: expected node and input"
                )
            if not isinstance(item.get("node"), str) or not item["node"]:
                raise serializers.ValidationError(f"{where}a Send needs a node name in 'node'")
        return value


@extend_schema_field(OpenApiTypes.ANY)
class AnyJSONField(serializers.JSONField):
    """Any JSON value (graph input, store values, resume values)."""
