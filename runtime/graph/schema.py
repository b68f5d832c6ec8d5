"""Reading a state schema (TypedDict, dataclass or pydantic model) into channels."""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Callable, Sequence
from typing import Annotated, Any, get_args, get_origin, get_type_hints

from runtime.channels import MISSING, BaseChannel, BinaryOperatorAggregate, LastValue
from runtime.channels.messages import MessagesChannel
from runtime.errors import GraphValidationError
from runtime.managed import ManagedValue, managed_of
from runtime.messages import is_add_messages
from runtime.types import object_updates


def _reducer_of(annotation: Any) -> tuple[Any, Callable[[Any, Any], Any] | None]:
    """(base type, reducer) of ``Annotated[T, ..., reducer]``; reducer None when absent.

    As LangGraph: the last metadata item, when it is a function, must take (a, b).
    """
    if get_origin(annotation) is Annotated:
        base, *meta = get_args(annotation)
        last = meta[-1]
        if callable(last) and not isinstance(last, type):
            if not _takes_two(last):
                raise GraphValidationError(
                    f"Invalid reducer signature. Expected (a, b) -> c. Got {_signature(last)}"
                )
            return base, last
        return base, None
    return annotation, None


def _signature(fn: Callable[..., Any]) -> str:
    try:
        return str(inspect.signature(fn))
    except (TypeError, ValueError):
        return repr(fn)


def _unrequired(annotation: Any) -> Any:
    """``T`` from ``Required[T]`` / ``NotRequired[T]`` (TypedDict markers), else as given."""
    origin = get_origin(annotation)
    while origin is not None and "Required" in str(getattr(origin, "_name", "") or ""):
        annotation = get_args(annotation)[0]
        origin = get_origin(annotation)
    return annotation


def _takes_two(fn: Callable[..., Any]) -> bool:
    try:
        params = [
            p
            for p in inspect.signature(fn).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        return True  # builtins such as operator.add
    return len(params) == 2


def _default_factory(base: Any) -> Any:
    """A zero-argument factory for a reducer field's start value (``list`` -> []), or MISSING."""
    origin = get_origin(base) or base
    if origin in (list, dict, set, tuple, int, float, str):
        return origin
    if origin is typing.Union or isinstance(origin, type) and origin.__module__ == "types":
        return MISSING
    if isinstance(origin, type):
        try:
            origin()
        except Exception:
            return MISSING
        return origin
    return MISSING


ROOT = "__root__"


def _field_hints(schema: Any) -> dict[str, Any]:
    try:
        hints = get_type_hints(schema, include_extras=True)
    except Exception as exc:
        raise TypeError(f"cannot read the type hints of state schema {schema!r}: {exc}") from exc
    if not hints:
        raise TypeError(f"state schema {schema!r} declares no fields")
    return hints


class StateSchema:
    """The keys of a state and the channel each key is stored in."""

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        self.is_dataclass = dataclasses.is_dataclass(schema)
        self.is_pydantic = hasattr(schema, "model_fields") and isinstance(schema, type)
        # a schema without fields (``list``, ``Annotated[list, add]``) is one value, the
        # root: nodes read it and return its update directly, as in LangGraph
        self.root = not hasattr(schema, "__annotations__")
        if self.root:
            hints: dict[str, Any] = {ROOT: schema}
        else:
            hints = _field_hints(schema)
        # managed values (RemainingSteps, ...) are filled in per step, not stored
        self.managed: dict[str, type[ManagedValue]] = {}
        for key, annotation in list(hints.items()):
            manager = managed_of(annotation)
            if manager is not None:
                self.managed[key] = manager
                del hints[key]
        self.hints = hints
        self.channels: dict[str, BaseChannel] = {}
        self.reducers: dict[str, Callable[[Any, Any], Any] | None] = {}
        for key, annotation in hints.items():
            base, reducer = _reducer_of(_unrequired(annotation))
            self.reducers[key] = reducer
            if reducer is None:
                self.channels[key] = LastValue(key)
            elif is_add_messages(reducer):
                self.channels[key] = MessagesChannel(key, _default_factory(base) or list)
            else:
                self.channels[key] = BinaryOperatorAggregate(key, reducer, _default_factory(base))
        self.keys: tuple[str, ...] = tuple(hints)
        self.key_set = frozenset(self.keys)
        self.defaults = self._defaults()

    def _defaults(self) -> dict[str, Any]:
        """Field defaults of dataclass and pydantic schemas (used to build node input)."""
        out: dict[str, Any] = {}
        if self.is_dataclass:
            for f in dataclasses.fields(self.schema):
                if f.default is not dataclasses.MISSING:
                    out[f.name] = f.default
                elif f.default_factory is not dataclasses.MISSING:
                    out[f.name] = f.default_factory
        return out

    def to_input(self, values: dict[str, Any]) -> Any:
        """The object a node receives: a dict, or an instance of a dataclass/pydantic schema."""
        if self.root:
            return values.get(ROOT)
        if self.is_dataclass:
            kwargs = {}
            for key in self.keys:
                if key in values:
                    kwargs[key] = values[key]
                elif key in self.defaults:
                    d = self.defaults[key]
                    kwargs[key] = d() if callable(d) and not isinstance(d, str | int | float) else d
            return self.schema(**kwargs)
        if self.is_pydantic:
            # validated on the way in, as LangGraph does (validators run, nested models
            # and coercions apply), so nodes see a proper instance
            return self.schema(**values)
        return values

    def from_object(self, obj: Any, keys: Sequence[str] | None = None) -> dict[str, Any] | None:
        """The updates an instance of a dataclass/pydantic/annotated class carries, or None."""
        items = object_updates(obj, self.keys if keys is None else keys)
        return None if items is None else dict(items)


def node_input_keys(schema: Any) -> tuple[str, ...] | None:
    """Keys of a node-specific input schema, or None to pass the whole state."""
    if schema is None:
        return None
    return tuple(get_type_hints(schema, include_extras=True))
