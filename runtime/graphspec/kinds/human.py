"""``human``: pauses the run for a person's review (approve, reject, edit fields).

The node calls ``interrupt()`` with a payload the builder renders as a form; the resume
value is validated against the form's JSON Schema, and an invalid answer asks again (a
second interrupt carrying the error) instead of failing the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime.graphspec.kinds.base import (
    BuildContext,
    CheckContext,
    NodeFunction,
    NodeKind,
    field_prop,
)
from runtime.graphspec.schema import check_schema, schema_problems

DEFAULT_FORM: dict[str, Any] = {
    "type": "object",
    "required": ["decision"],
    "properties": {
        "decision": {"type": "string", "title": "Decision", "enum": ["approve", "reject"]},
        "comment": {"type": "string", "title": "Comment"},
    },
}

CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Human review",
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "description": "Heading shown to the reviewer (template)."},
        "instructions": {"type": "string", "description": "What to check (template)."},
        "show_fields": {
            "type": "array",
            "items": field_prop("A state field shown to the reviewer."),
            "description": "State fields shown to the reviewer.",
        },
        "form_schema": {
            "type": "object",
            "description": "JSON Schema of the reviewer's answer (default: approve/reject + comment).",
        },
        "decision_field": field_prop(
            "State field that receives the answer's 'decision'.", default="decision"
        ),
        "response_field": field_prop("Optional state field that receives the whole answer."),
        "editable_fields": {
            "type": "array",
            "items": field_prop("A state field the reviewer may overwrite."),
            "description": "Answer properties with these names are written to the state.",
        },
    },
}


def form_of(config: Mapping[str, Any]) -> dict[str, Any]:
    # The same object each call: validators are cached per schema object.
    return config.get("form_schema") or DEFAULT_FORM


def coerce_answer(form: Mapping[str, Any], value: Any) -> Any:
    """Accept a bare decision string (e.g. "approve") for forms with a decision property."""
    if isinstance(value, str) and "decision" in form.get("properties", {}):
        return {"decision": value}
    return value


def answer_problems(config: Mapping[str, Any], value: Any) -> list[str]:
    """Why an answer does not fit the node's form (empty when it does). Hosts call this too."""
    form = form_of(config)
    return [p.message for p in schema_problems(coerce_answer(form, value), form, ("answer",))]


def check(config: Mapping[str, Any], ctx: CheckContext) -> None:
    for key in ("title", "instructions"):
        if key in config:
            ctx.template(config[key], key)
    for i, name in enumerate(config.get("show_fields") or []):
        ctx.field(name, "show_fields", i)
    for i, name in enumerate(config.get("editable_fields") or []):
        ctx.field(name, "editable_fields", i)
    if "form_schema" in config:
        why = check_schema(config["form_schema"])
        if why:
            ctx.error(f"The form is not a valid JSON Schema: {why}.", "form_schema")
    decision = config.get("decision_field", "decision")
    if decision:
        ctx.field(decision, "decision_field", what="Decision field")
    if config.get("response_field"):
        ctx.field(config["response_field"], "response_field")


def build(config: Mapping[str, Any], ctx: BuildContext) -> NodeFunction:
    from runtime import interrupt

    form = form_of(config)
    decision_field = config.get("decision_field", "decision")
    response_field = config.get("response_field")
    editable = list(config.get("editable_fields") or [])

    def human(state: dict[str, Any]) -> dict[str, Any]:
        view = ctx.variables(state)["state"]
        request: dict[str, Any] = {
            "kind": "human",
            "node": ctx.node_id,
            "title": ctx.render(config.get("title"), state) or f"Review {ctx.node_id}",
            "instructions": ctx.render(config.get("instructions"), state),
            "fields": {name: view.get(name) for name in config.get("show_fields") or []},
            "editable_fields": editable,
            "form_schema": form,
        }
        answer = coerce_answer(form, interrupt(request))
        problems = answer_problems(config, answer)
        while problems:
            # Ask again; the engine matches this second interrupt with the next resume.
            answer = coerce_answer(form, interrupt({**request, "error": " ".join(problems)}))
            problems = answer_problems(config, answer)
        update: dict[str, Any] = {}
        if decision_field and isinstance(answer, dict) and "decision" in answer:
            update[decision_field] = answer["decision"]
        if response_field:
            update[response_field] = answer
        if isinstance(answer, dict):
            update.update({name: answer[name] for name in editable if name in answer})
        return update

    return human


KIND = NodeKind(
    kind="human",
    title="Human review",
    description="Pauses the run until a person approves, rejects or edits; the answer is "
    "written to the state and can drive routing.",
    config_schema=CONFIG_SCHEMA,
    build=build,
    check=check,
    inputs=("show_fields",),
    outputs=("decision_field", "response_field", "editable_fields"),
    ui_schema={"instructions": {"ui:widget": "textarea"}},
)
