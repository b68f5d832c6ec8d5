"""JSON Schema checks that turn every jsonschema error into a Problem with a pointer."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from runtime.spec.problems import Problem, pointer

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
    text = resources.files("runtime.spec").joinpath("graphspec.schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=256)
def _validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_json))


def validator_for(schema: dict[str, Any]) -> Draft202012Validator:
    """A cached validator; keyed on the schema's JSON so equal schemas share one."""
    return _validator(json.dumps(schema, sort_keys=True))


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
    errors: Iterable[ValidationError] = validator_for(schema).iter_errors(instance)
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
            _TYPE_NAMES.get(t, t) for t in (expected if isinstance(expected, list) else [expected])
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
