"""Tools an LLM node may call, registered on the server by name (never sent by browsers).

A tool is a Python function with a JSON Schema for its arguments. The host builds a
ToolRegistry (or uses ``default_tools()`` with the two safe demo tools) and hands it to
``compile_spec`` through the Registry.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Tool:
    """A callable the model can ask for: ``fn(**args)`` returns something JSON-able."""

    name: str
    description: str
    parameters: dict[str, Any]
    fn: Callable[..., Any]

    def openai_spec(self) -> dict[str, Any]:
        """The tool in OpenAI's chat-completions ``tools`` shape."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


@dataclass
class ToolRegistry:
    """Tools by name."""

    tools: dict[str, Tool] = field(default_factory=dict)

    def register(
        self,
        name: str,
        fn: Callable[..., Any],
        *,
        description: str = "",
        parameters: dict[str, Any] | None = None,
    ) -> Tool:
        tool = Tool(
            name,
            description or (fn.__doc__ or "").strip(),
            parameters or {"type": "object", "properties": {}},
            fn,
        )
        self.tools[name] = tool
        return tool

    def get(self, name: str) -> Tool | None:
        return self.tools.get(name)

    def names(self) -> list[str]:
        return sorted(self.tools)

    def __contains__(self, name: object) -> bool:
        return name in self.tools


# -- built-in demo tools ------------------------------------------------------------------

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}


def _arith(node: ast.AST) -> float | int:
    # Walk a parsed arithmetic expression; anything but numbers and operators is refused.
    if isinstance(node, ast.Expression):
        return _arith(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        if isinstance(node.value, bool):
            raise ValueError("only numbers, + - * / // % ** and parentheses are allowed")
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _arith(node.left), _arith(node.right)
        if isinstance(node.op, ast.Pow) and (abs(right) > 100 or abs(left) > 1e6):
            raise ValueError("exponent too large")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_arith(node.operand))
    raise ValueError("only numbers, + - * / // % ** and parentheses are allowed")


def calculator(expression: str) -> str:
    """Evaluate an arithmetic expression such as '2 * (3 + 4)'."""
    if len(expression) > 200:
        raise ValueError("expression too long")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"not an arithmetic expression: {exc.msg}") from None
    result = _arith(tree)
    if isinstance(result, float) and result.is_integer() and math.isfinite(result):
        result = int(result)
    return str(result)


_FAKE_INDEX = {
    "langgraph": "LangGraph is a library for stateful, multi-actor LLM applications built as graphs.",
    "switchyard": "Switchyard is a visual builder and debugger for LLM agent graphs.",
    "python": "Python is a programming language first released in 1991.",
    "paris": "Paris is the capital of France, with about 2.1 million inhabitants.",
}


def fake_search(query: str) -> list[dict[str, str]]:
    """Search a small offline index (a stand-in for a web search in demos)."""
    words = {w.strip(".,?!").lower() for w in query.split()}
    hits = [
        {"title": key.title(), "snippet": text} for key, text in _FAKE_INDEX.items() if key in words
    ]
    return hits or [{"title": "No results", "snippet": f"Nothing found for {query!r}."}]


def default_tools() -> ToolRegistry:
    """A registry with the built-in safe demo tools ``calculator`` and ``search``."""
    registry = ToolRegistry()
    registry.register(
        "calculator",
        calculator,
        parameters={
            "type": "object",
            "properties": {"expression": {"type": "string", "description": "e.g. 2 * (3 + 4)"}},
            "required": ["expression"],
        },
    )
    registry.register(
        "search",
        fake_search,
        description="Search an offline demo index (not the web).",
        parameters={
            "type": "object",
            "properties": {"query": {"type": "string"}},
            "required": ["query"],
        },
    )
    return registry
