"""What every node kind provides, and the contexts kinds use to check and build nodes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from runtime import sandbox
from runtime.graphspec.problems import Problem, pointer
from runtime.graphspec.registry import Registry
from runtime.graphspec.state import template_variables

NodeFunction = Callable[..., Any]


@dataclass
class CheckContext:
    """Semantic checks of one node's config (its JSON Schema has already passed)."""

    index: int
    node_id: str
    fields: Mapping[str, Mapping[str, Any]]
    registry: Registry
    item_names: frozenset[str] = frozenset()
    routes: list[Mapping[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def at(self, *parts: str | int) -> str:
        return pointer("nodes", self.index, "config", *parts)

    def error(self, message: str, *parts: str | int, code: str = "config") -> None:
        self.problems.append(Problem(self.at(*parts), message, "error", code))

    def warning(self, message: str, *parts: str | int, code: str = "config") -> None:
        self.problems.append(Problem(self.at(*parts), message, "warning", code))

    def field(
        self, name: Any, *parts: str | int, types: tuple[str, ...] | None = None, what: str = ""
    ) -> None:
        """Check that ``name`` is a state field (of one of ``types``)."""
        if not isinstance(name, str):
            return
        spec = self.fields.get(name)
        if spec is None:
            self.error(
                f"{what or 'The field'} '{name}' is not a state field.",
                *parts,
                code="unknown_field",
            )
        elif types and spec.get("type", "any") not in types and spec.get("type") != "any":
            self.error(
                f"{what or 'The field'} '{name}' is a {spec.get('type')} field; "
                f"it must be one of: {', '.join(types)}.",
                *parts,
                code="field_type",
            )

    def expression(self, source: Any, *parts: str | int) -> None:
        check_expression(source, self.at(*parts), self.fields, self.item_names, self.problems)

    def template(self, source: Any, *parts: str | int) -> None:
        check_template(source, self.at(*parts), self.fields, self.item_names, self.problems)


def _position(exc: sandbox.ExpressionError) -> str:
    if exc.line is not None and exc.column is not None:
        return f" (line {exc.line}, column {exc.column})"
    if exc.line is not None:
        return f" (line {exc.line})"
    return ""


def _check_names(
    source: str,
    kind: str,
    where: str,
    fields: Mapping[str, Any],
    item_names: frozenset[str],
    problems: list[Problem],
) -> None:
    used, free = sandbox.names_used(source, kind)
    for name in used:
        if name not in fields:
            problems.append(
                Problem(where, f"'state.{name}' names no state field.", "error", "unknown_field")
            )
    if kind == "template":
        return  # templates may set their own variables; only state fields are checked
    for name in sorted(free - {"state", *item_names}):
        allowed = "'state'" + "".join(f", {n!r}" for n in sorted(item_names))
        problems.append(
            Problem(
                where,
                f"'{name}' is not defined; expressions can use {allowed}.",
                "error",
                "unknown_name",
            )
        )


def check_expression(
    source: Any,
    where: str,
    fields: Mapping[str, Any],
    item_names: frozenset[str],
    problems: list[Problem],
) -> None:
    """Add problems for an expression that does not parse or names unknown things."""
    _check_source(
        "expression", sandbox.parse_expression, source, where, fields, item_names, problems
    )


def check_template(
    source: Any,
    where: str,
    fields: Mapping[str, Any],
    item_names: frozenset[str],
    problems: list[Problem],
) -> None:
    """Add problems for a template that does not parse or reads unknown state fields."""
    _check_source("template", sandbox.parse_template, source, where, fields, item_names, problems)


def _check_source(
    what: str,
    parse: Any,
    source: Any,
    where: str,
    fields: Mapping[str, Any],
    item_names: frozenset[str],
    problems: list[Problem],
) -> None:
    if not isinstance(source, str):
        return
    try:
        parse(source)
    except sandbox.SandboxViolation as exc:
        problems.append(
            Problem(where, f"Not allowed: {exc.message}{_position(exc)}.", "error", "unsafe")
        )
        return
    except sandbox.ExpressionError as exc:
        problems.append(
            Problem(
                where,
                f"The {what} does not parse: {exc.message}{_position(exc)}.",
                "error",
                "syntax",
            )
        )
        return
    _check_names(source, what, where, fields, item_names, problems)


@dataclass
class BuildContext:
    """What a kind needs to turn a node spec into a node function."""

    node_id: str
    fields: Mapping[str, Mapping[str, Any]]
    defaults: Mapping[str, Any]
    registry: Registry
    loader: Callable[..., Any] | None = None
    routes: list[Mapping[str, Any]] = field(default_factory=list)

    def variables(self, state: Mapping[str, Any]) -> dict[str, Any]:
        return template_variables(state, self.defaults)

    def render(self, source: str | None, state: Mapping[str, Any]) -> str:
        return "" if not source else sandbox.render(source, self.variables(state))

    def evaluate(self, source: str, state: Mapping[str, Any]) -> Any:
        return sandbox.evaluate(source, self.variables(state))


@dataclass(frozen=True)
class NodeKind:
    """A node kind: its catalog entry, config checks and node-function factory.

    ``check`` adds semantic problems to the context (after the config passed its schema);
    ``build`` returns the node function ``(state) -> update`` given a valid config.
    """

    kind: str
    title: str
    description: str
    config_schema: dict[str, Any]
    build: Callable[[Mapping[str, Any], BuildContext], NodeFunction]
    check: Callable[[Mapping[str, Any], CheckContext], None] = lambda config, ctx: None
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    # Optional @rjsf uiSchema hints (e.g. textareas for templates); purely presentational.
    ui_schema: dict[str, Any] = field(default_factory=dict)

    def catalog_entry(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "description": self.description,
            "config_schema": self.config_schema,
            "inputs": list(self.inputs),
            "outputs": list(self.outputs),
            "ui_schema": self.ui_schema,
        }


def field_prop(description: str, default: str | None = None) -> dict[str, Any]:
    """A config property naming a state field (the form shows a text box)."""
    prop: dict[str, Any] = {
        "type": "string",
        "pattern": "^[A-Za-z][A-Za-z0-9_]{0,63}$",
        "description": description,
    }
    if default is not None:
        prop["default"] = default
    return prop


def assignments_of(config: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = config.get(key) or []
    return [a for a in value if isinstance(a, Mapping)]
