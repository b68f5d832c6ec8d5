"""JSON Schema checks that turn every jsonschema error into a Problem with a pointer."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from runtime.graphspec.problems import Problem, pointer

_TYPE_NAMES = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
}


@lru_cache(maxsize=1)
def graphspec_schema() -> dict[str, Any]:
    """The published GraphSpec JSON Schema (draft 2020-12)."""
    text = resources.files("runtime.graphspec").joinpath("graphspec.schema.json").read_text("utf-8")
    return json.loads(text)


try:  # a Rust validator answers "valid?" ~20x faster; details still come from jsonschema
    import jsonschema_rs
except ImportError:  # pragma: no cover - optional speed-up
    jsonschema_rs = None  # type: ignore[assignment]

# Keyed by id(schema) with the schema kept alive in the value, so an id is never reused
# while its entry exists. Kind schemas are module constants; user schemas are few.
_validators: dict[int, tuple[Any, Draft202012Validator, Any]] = {}


def _validators_for(schema: dict[str, Any]) -> tuple[Draft202012Validator, Any]:
    entry = _validators.get(id(schema))
    if entry is None or entry[0] is not schema:
        if len(_validators) > 1024:
            _validators.clear()
        fast = None
        if jsonschema_rs is not None:
            try:
                fast = jsonschema_rs.Draft202012Validator(schema)
            except Exception:  # a schema the Rust side rejects: use the slow path only
                fast = None
        entry = (schema, Draft202012Validator(schema), fast)
        _validators[id(schema)] = entry
    return entry[1], entry[2]


def validator_for(schema: dict[str, Any]) -> Draft202012Validator:
    """A cached jsonschema validator for ``schema``."""
    return _validators_for(schema)[0]


def check_schema(schema: Any) -> str | None:
    """Why ``schema`` is not a usable JSON Schema, or None when it is."""
    try:
        Draft202012Validator.check_schema(schema)
    except Exception as exc:  # SchemaError and anything odd inside user schemas
        return getattr(exc, "message", str(exc))
    return None


def schema_problems(
    instance: Any,
    schema: dict[str, Any],
    base: tuple[str | int, ...] = (),
    code: str = "schema",
) -> list[Problem]:
    """Every way ``instance`` breaks ``schema``, as Problems pointing below ``base``."""
    slow, fast = _validators_for(schema)
    if fast is not None:
        try:
            if fast.is_valid(instance):
                return []
        except Exception:  # values the Rust side cannot take (e.g. huge ints): ask jsonschema
            pass
    errors: Iterable[ValidationError] = slow.iter_errors(instance)
    problems = [p for err in errors for p in _to_problems(err, base, code)]
    problems.sort(key=lambda p: p.pointer)
    return problems


def _to_problems(err: ValidationError, base: tuple[str | int, ...], code: str) -> list[Problem]:
    if err.validator == "additionalProperties":
        path = (*err.absolute_path,)
        return [
            Problem(
                pointer(*base, *path, name),
                f"{_describe((*base, *path))} has an unknown property '{name}'.",
                "error",
                code,
            )
            for name in _extra_properties(err) or [""]
        ]
    return [_to_problem(err, base, code)]


def _to_problem(err: ValidationError, base: tuple[str | int, ...], code: str) -> Problem:
    path = (*base, *err.absolute_path)
    where = _describe(path)
    validator = err.validator
    if validator == "required":
        missing = _missing_property(err)
        return Problem(pointer(*path, missing), f"{where} needs '{missing}'.", "error", code)
    if validator == "type":
        expected = err.validator_value
        names = [
            _TYPE_NAMES.get(str(t), str(t))
            for t in (expected if isinstance(expected, list) else [expected])
        ]
        return Problem(pointer(*path), f"{where} must be {' or '.join(names)}.", "error", code)
    if validator == "enum":
        options = ", ".join(json.dumps(v) for v in err.validator_value)
        return Problem(pointer(*path), f"{where} must be one of {options}.", "error", code)
    if validator == "const":
        value = json.dumps(err.validator_value)
        return Problem(pointer(*path), f"{where} must be {value}.", "error", code)
    if validator == "pattern":
        hint = err.schema.get("description") if isinstance(err.schema, dict) else None
        text = f"{where} is not valid" + (
            f": {hint}" if hint else f" (must match {err.validator_value})."
        )
        return Problem(pointer(*path), text if text.endswith(".") else text + ".", "error", code)
    return Problem(pointer(*path), f"{where}: {err.message}.", "error", code)


def _describe(path: tuple[str | int, ...]) -> str:
    if not path:
        return "The spec"
    return "'" + pointer(*path) + "'"


def _missing_property(err: ValidationError) -> str:
    # jsonschema's message is "'x' is a required property"; the name is the quoted part.
    message = err.message
    if message.startswith("'") and "' is a required property" in message:
        return message[1 : message.index("' is a required property")]
    return str(err.validator_value[0]) if err.validator_value else ""


def _extra_properties(err: ValidationError) -> list[str]:
    allowed = set(err.schema.get("properties", {})) if isinstance(err.schema, dict) else set()
    if isinstance(err.instance, dict):
        return sorted(k for k in err.instance if k not in allowed)
    return []
