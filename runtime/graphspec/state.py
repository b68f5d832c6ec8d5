"""State fields of a spec: their types, reducers, defaults and the TypedDict built from them."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypedDict

FIELD_TYPES = ("string", "number", "integer", "boolean", "object", "array", "messages", "any")
REDUCERS = ("replace", "append", "add", "merge", "messages")

# Which field types each reducer can combine; 'replace' takes anything.
REDUCER_TYPES: dict[str, tuple[str, ...]] = {
    "replace": FIELD_TYPES,
    "append": ("array", "messages", "any"),
    "add": ("number", "integer", "array", "string", "any"),
    "merge": ("object", "any"),
    "messages": ("messages", "array", "any"),
}

_PY_TYPES: dict[str, Any] = {
    "string": str,
    "number": float,
    "integer": int,
    "boolean": bool,
    "object": dict,
    "array": list,
    "messages": list,
    "any": Any,
}

# Fan-out targets receive the state plus this key holding {"name": as, "value": item}.
FANOUT_KEY = "__switchyard_item__"


def value_fits(field_type: str, value: Any) -> bool:
    """Whether a JSON value can be held by a field of ``field_type`` (None always can)."""
    if value is None or field_type == "any":
        return True
    if field_type == "string":
        return isinstance(value, str)
    if field_type == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if field_type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if field_type == "boolean":
        return isinstance(value, bool)
    if field_type == "object":
        return isinstance(value, dict)
    return isinstance(value, list)  # array, messages


def reducer_fits(reducer: str, field_type: str) -> bool:
    return field_type in REDUCER_TYPES.get(reducer, ())


def append_reducer(left: Any, right: Any) -> list[Any]:
    """Append one item, or each item of a list."""
    items = list(left or [])
    if isinstance(right, list):
        items.extend(right)
    else:
        items.append(right)
    return items


def add_reducer(left: Any, right: Any) -> Any:
    """Numbers sum, lists and strings concatenate; the first write starts the value."""
    if left is None:
        return right
    if right is None:
        return left
    try:
        return left + right
    except TypeError:
        raise TypeError(f"cannot add a {type(right).__name__} to a {type(left).__name__}") from None


def merge_reducer(left: Any, right: Any) -> dict[str, Any]:
    """Shallow dict merge: keys of the new value win."""
    if right is None:
        return dict(left or {})
    if not isinstance(right, dict):
        raise TypeError(f"a merge field needs an object, got a {type(right).__name__}")
    return {**(left or {}), **right}


def _messages_reducer() -> Callable[[Any, Any], Any]:
    from runtime import add_messages  # imported late: the engine may not be loaded yet

    return add_messages


def reducer_function(reducer: str) -> Callable[[Any, Any], Any] | None:
    """The binary reducer for a reducer name; None for 'replace' (last value wins)."""
    if reducer == "append":
        return append_reducer
    if reducer == "add":
        return add_reducer
    if reducer == "merge":
        return merge_reducer
    if reducer == "messages":
        return _messages_reducer()
    return None


def _starts_with(value: Any) -> type:
    """A type whose ``T()`` is a fresh copy of ``value``.

    The engine starts a reducer field at ``T()`` of its annotated type (``list`` -> []); a
    field with a spec default should start at that default instead (``add`` from 10).
    """

    class StartValue:
        def __new__(cls) -> Any:  # type: ignore[misc]
            return copy.deepcopy(value)

    return StartValue


def build_state_schema(fields: list[Mapping[str, Any]], name: str = "SpecState") -> type:
    """A TypedDict whose keys are the fields, annotated with their reducers."""
    annotations: dict[str, Any] = {}
    for field in fields:
        py_type = _PY_TYPES.get(field.get("type", "any"), Any)
        reducer = reducer_function(field.get("reducer", "replace"))
        if reducer is not None and field.get("default") is not None:
            py_type = _starts_with(field["default"])
        annotations[field["name"]] = Annotated[py_type, reducer] if reducer else py_type
    return TypedDict(name, annotations, total=False)  # type: ignore[operator]


def defaults_of(fields: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The value each field reads as while never written (its default, else None)."""
    out: dict[str, Any] = {}
    for field in fields:
        if "default" in field:
            out[field["name"]] = field["default"]
        elif field.get("type") in ("array", "messages"):
            out[field["name"]] = []
        elif field.get("reducer") == "merge" or field.get("type") == "object":
            out[field["name"]] = {}
        else:
            out[field["name"]] = None
    return out


def read_state(state: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The state as templates and functions see it: every field present."""
    view = dict(defaults)
    for key, value in state.items():
        if key in defaults:
            view[key] = value
    return view


def template_variables(state: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """Variables for templates: ``state`` and, inside a fan-out target, the item's name."""
    variables: dict[str, Any] = {"state": read_state(state, defaults)}
    item = state.get(FANOUT_KEY) if isinstance(state, Mapping) else None
    if isinstance(item, Mapping) and "name" in item:
        variables[str(item["name"])] = item.get("value")
    return variables
