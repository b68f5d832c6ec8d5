"""JSON with type tags: what checkpoints, writes and store items are saved as.

Plain JSON types pass through unchanged (the C encoder handles them; tuples become lists). Other values are
written as ``{"__sy__": TAG, ...}`` objects and come back as the same type: bytes,
datetime, date, time, timedelta, UUID, Decimal, set, frozenset, dataclasses and
pydantic models (rebuilt from their class, which must be a dataclass or model in a module
that is already imported: loading never imports code). A value of any other type raises
``TypeError`` at write time, never stored as None.

Values come from users (run input, state edits), so a user's own dict that happens to have
the tag key is escaped on write and comes back as the same dict, never as a tagged object.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import decimal
import json
import sys
import uuid
from typing import Any

TAG = "__sy__"


def _escape(obj: Any) -> Any:
    """A copy of ``obj`` in which dicts that carry the tag key are wrapped as pairs."""
    kind = type(obj)
    if kind is dict:
        items = {k: _escape(v) for k, v in obj.items()}
        if TAG in obj:
            return {TAG: "dict", "v": [[k, v] for k, v in items.items()]}
        return items
    if kind is list or kind is tuple:
        return [_escape(x) for x in obj]
    return obj


def _default(obj: Any) -> Any:
    # the payload (field values, a Send's arg) is user data: escape it, not the tag itself
    return {k: (v if k == TAG else _escape(v)) for k, v in _tagged(obj).items()}


def _tagged(obj: Any) -> Any:
    if isinstance(obj, bytes | bytearray):
        return {TAG: "bytes", "v": base64.b64encode(bytes(obj)).decode("ascii")}
    if isinstance(obj, dt.datetime):
        return {TAG: "datetime", "v": obj.isoformat()}
    if isinstance(obj, dt.date):
        return {TAG: "date", "v": obj.isoformat()}
    if isinstance(obj, dt.time):
        return {TAG: "time", "v": obj.isoformat()}
    if isinstance(obj, dt.timedelta):
        return {TAG: "timedelta", "v": obj.total_seconds()}
    if isinstance(obj, uuid.UUID):
        return {TAG: "uuid", "v": str(obj)}
    if isinstance(obj, decimal.Decimal):
        return {TAG: "decimal", "v": str(obj)}
    if isinstance(obj, set | frozenset):
        kind = "set" if isinstance(obj, set) else "frozenset"
        try:
            items = sorted(obj)
        except TypeError:
            items = list(obj)
        return {TAG: kind, "v": items}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
        return {TAG: "dataclass", "cls": _path(type(obj)), "v": fields}
    for cls, encode in _ENCODERS:
        if isinstance(obj, cls):
            return encode(obj)
    dump = getattr(obj, "model_dump", None)
    if callable(dump) and hasattr(type(obj), "model_fields"):
        return {TAG: "pydantic", "cls": _path(type(obj)), "v": dump(mode="python")}
    tagged = getattr(obj, "__sy_serialise__", None)
    if callable(tagged):
        return tagged()
    raise TypeError(f"a value of type {type(obj).__qualname__} cannot be serialised to JSON")


def _path(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _import(path: str) -> type:
    """The class at ``module:qualname`` from an already-imported module (never imports)."""
    name, _, qualname = path.partition(":")
    obj: Any = sys.modules.get(name)
    if obj is None:
        raise ImportError(name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


_TAG_KEY = f'"{TAG}"'
_ENC = json.JSONEncoder(default=_default, ensure_ascii=False, separators=(",", ":"))


def dumps(value: Any) -> str:
    """Serialise ``value``; raises TypeError naming the type that cannot be."""
    tags = 0

    def default(obj: Any) -> Any:
        nonlocal tags
        tags += 1
        return _default(obj)

    try:
        text = json.JSONEncoder(default=default, ensure_ascii=False, separators=(",", ":")).encode(
            value
        )
        if _TAG_KEY in text and text.count(_TAG_KEY) != tags:
            # more tags than the objects we tagged: a user's own dict may carry the tag
            # key (see the module doc), so encode again with user dicts escaped
            text = _ENC.encode(_escape(value))
        return text
    except ValueError as exc:  # circular reference, NaN handling etc.
        raise TypeError(str(exc)) from exc


def _object_hook(obj: dict[str, Any]) -> Any:
    tag = obj.get(TAG)
    if tag is None:
        return obj
    try:
        return _untag(tag, obj)
    except (TypeError, ValueError, KeyError, AttributeError):
        return obj  # malformed (e.g. an imported file): keep the data rather than fail


def _untag(tag: Any, obj: dict[str, Any]) -> Any:
    v: Any = obj.get("v")
    if tag == "dict":  # a user's dict that had the tag key
        return {k: val for k, val in v}
    if tag == "bytes":
        return base64.b64decode(v)
    if tag == "datetime":
        return dt.datetime.fromisoformat(v)
    if tag == "date":
        return dt.date.fromisoformat(v)
    if tag == "time":
        return dt.time.fromisoformat(v)
    if tag == "timedelta":
        return dt.timedelta(seconds=v)
    if tag == "uuid":
        return uuid.UUID(v)
    if tag == "decimal":
        return decimal.Decimal(v)
    if tag == "set":
        return set(v)
    if tag == "frozenset":
        return frozenset(v)
    if tag in ("dataclass", "pydantic"):
        try:
            cls = _import(obj["cls"])
        except (ImportError, AttributeError, ValueError):
            return v  # the class is gone: keep the data as a dict rather than fail
        if tag == "dataclass" and dataclasses.is_dataclass(cls):
            return cls(**v)
        if tag == "pydantic" and hasattr(cls, "model_validate"):
            return cls.model_validate(v)
        return v
    custom = _CUSTOM.get(tag)
    if custom is not None:
        return custom(obj)
    return obj


_CUSTOM: dict[str, Any] = {}
# (class, encoder) for types that cannot carry ``__sy_serialise__`` (other libraries' classes)
_ENCODERS: list[tuple[type, Any]] = []


def register(tag: str, loader: Any, *, cls: type | None = None, encode: Any = None) -> None:
    """Register a loader for objects serialised under ``tag``: by their own
    ``__sy_serialise__``, or (for a class of another library) by ``encode(obj)`` for
    instances of ``cls``, which must return ``{TAG: tag, ...}``."""
    _CUSTOM[tag] = loader
    if cls is not None:
        _ENCODERS.append((cls, encode))


def _register_messages() -> None:
    # LangChain messages as LangChain's own dict form ({"type": "human", "data": {...}}),
    # which stays readable and loads without a module path.
    from langchain_core.messages import BaseMessage, message_to_dict, messages_from_dict

    register(
        "message",
        lambda d: messages_from_dict([d["v"]])[0],
        cls=BaseMessage,
        encode=lambda m: {TAG: "message", "v": message_to_dict(m)},
    )


_register_messages()


def loads(text: str | bytes) -> Any:
    """Deserialise what ``dumps`` wrote."""
    return json.loads(text, object_hook=_object_hook)
