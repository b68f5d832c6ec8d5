"""The API's request body parser: JSON, with limits on how deeply it may nest."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Deeper than any state or spec a person writes, shallow enough that every recursive
# walk after parsing (serializers, copies, schema checks) stays far from Python's limit.
MAX_JSON_DEPTH = 200


class BoundedJSONParser(JSONParser):
    """JSON bodies nested deeper than ``MAX_JSON_DEPTH`` are a 400, not a RecursionError."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_too_deep()) from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(_too_deep())
        return data


def _too_deep() -> str:
    return f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels"


def json_depth(value: Any) -> int:
    """How many arrays and objects deep ``value`` nests (iteratively: no recursion)."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_JSON_DEPTH:
                return deepest
        pending.extend((child, depth) for child in children)
    return deepest
